import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cchc.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_import_default_sample_then_export_and_reimport(tmp_path):
    call_command("import_catalog")
    count = Procedure.objects.count()
    assert count >= 30
    out = tmp_path / "catalog.xlsx"
    call_command("export_catalog", "--format", "xlsx", "--out", str(out))
    assert load_workbook(out)["procedures"].max_row == count + 1
    call_command("import_catalog", "--file", str(out))
    assert Procedure.objects.count() == count
