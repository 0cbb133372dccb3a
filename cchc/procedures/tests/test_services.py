import csv
import datetime as dt
import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.procedures import catalog_format as cf
from cchc.procedures.models import (
    ComponentRequirement,
    FeeItem,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from cchc.procedures.services import (
    CatalogImportError,
    catalog_export,
    catalog_import,
    procedure_version_create,
)
from cchc.units.services import unit_create

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"


def _counts():
    return (
        Sector.objects.count(),
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        ComponentRequirement.objects.count(),
        FeeItem.objects.count(),
        ProcessStep.objects.count(),
    )


def _csv_dir(tmp_path: Path, settings) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(Path(settings.BASE_DIR) / "cchc/procedures/data/catalog", target)
    return target


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0].keys())
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------- sample


def test_sample_catalog_imports_with_valid_quotas(sample_catalog):
    assert sample_catalog.procedures_created >= 30
    assert Procedure.objects.count() == sample_catalog.procedures_created
    levels = set(ProcedureVersion.objects.values_list("level", flat=True))
    assert {"commune", "province"} <= levels
    for version in ProcedureVersion.objects.prefetch_related("steps"):
        counted = sum(s.quota for s in version.steps.all() if not s.is_legal_pause)
        assert counted == version.processing_time, version
    # Inter-agency steps whose time is a legal pause (tax authority in land procedures).
    assert ProcessStep.objects.filter(
        is_legal_pause=True, handler="other_agency", handler_unit_kind="central_agency"
    ).exists()
    assert ProcedureVersion.objects.filter(processing_time_unit="working_hours").exists()
    birth = ProcedureVersion.objects.get(procedure__code=BIRTH)
    assert birth.online_level == "full"
    assert birth.components.filter(form_code__contains="04/2024/TT-BTP").exists()
    # Every procedure names its source.
    assert not ProcedureVersion.objects.filter(source="").exists()


def test_importing_the_same_data_twice_changes_nothing(sample_catalog, settings):
    before = _counts()
    report = catalog_import(
        source=Path(settings.BASE_DIR) / "cchc/procedures/data/catalog", fmt="csv"
    )
    assert not report.changed
    assert report.versions_unchanged == before[2]
    assert _counts() == before


# --------------------------------------------------------------------------- export


def test_xlsx_export_has_the_four_sheets_and_the_data(sample_catalog):
    content = catalog_export(fmt="xlsx")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["procedures", "components", "fees", "steps"]
    sheet = workbook["procedures"]
    header = [c.value for c in sheet[1]]
    assert header == list(cf.COLUMNS["procedures"])
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert len(rows) == Procedure.objects.count()
    birth = rows[BIRTH]
    assert birth["name"] == "Đăng ký khai sinh"
    assert birth["processing_time_unit"] == "working_hours"
    assert birth["version"] == "1"
    steps = [r for r in workbook["steps"].iter_rows(2, values_only=True) if r[0] == "1.013978"]
    assert any(r[-1] == "true" for r in steps)  # the legal pause survives export
    fees = [r for r in workbook["fees"].iter_rows(2, values_only=True) if r[0] == "2.000884"]
    assert fees[0][3] == "10000"


def test_round_trip_xlsx_changes_nothing(sample_catalog):
    before = _counts()
    content = catalog_export(fmt="xlsx")
    report = catalog_import(source=io.BytesIO(content), fmt="xlsx")
    assert not report.changed
    assert _counts() == before
    assert catalog_export(fmt="xlsx") and catalog_export(fmt="csv") == catalog_export(fmt="csv")


def test_round_trip_csv_zip_into_an_empty_database_recreates_the_catalog(sample_catalog):
    content = catalog_export(fmt="csv")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{s}.csv" for s in cf.SHEETS)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    report = catalog_import(source=io.BytesIO(content), fmt="csv")
    assert report.procedures_created == sample_catalog.procedures_created
    assert catalog_export(fmt="csv") == content


# --------------------------------------------------------------------------- all or nothing


def test_a_bad_row_saves_nothing_and_names_sheet_row_column(tmp_path, settings):
    folder = _csv_dir(tmp_path, settings)

    def break_rows(row):
        if row["code"] == "2.000884" and row["order"] == "2":
            row["quota"] = "abc"

    _rewrite(folder / "steps.csv", break_rows)

    def negative_fee(row):
        if row["code"] == "1.004222" and row["name"].endswith("(nộp trực tiếp)"):
            row["amount"] = "-20000"

    _rewrite(folder / "fees.csv", negative_fee)

    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=folder, fmt="csv")
    errors = info.value.report.errors
    assert _counts() == (0, 0, 0, 0, 0, 0)
    step_error = next(e for e in errors if e.sheet == "steps")
    assert step_error.column == "quota"
    assert step_error.row > 1
    assert "không phải là số" in step_error.message
    fee_error = next(e for e in errors if e.sheet == "fees")
    assert fee_error.column == "amount" and "không được nhỏ hơn 0" in fee_error.message
    assert any("dòng" in m for m in info.value.messages)


def test_quota_sum_must_equal_the_statutory_time(tmp_path, settings):
    folder = _csv_dir(tmp_path, settings)

    def widen(row):
        if row["code"] == "1.004873":
            row["processing_time"] = "5"

    _rewrite(folder / "procedures.csv", widen)
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=folder, fmt="csv")
    [error] = info.value.report.errors
    assert error.sheet == "steps" and error.column == "quota"
    assert "Tổng định mức các bước" in error.message and "1.004873" in error.message
    assert Procedure.objects.count() == 0


def test_invalid_choice_and_missing_column_are_reported(tmp_path, settings):
    folder = _csv_dir(tmp_path, settings)

    def bad_level(row):
        if row["code"] == BIRTH:
            row["online_level"] = "level4"

    _rewrite(folder / "procedures.csv", bad_level)
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=folder, fmt="csv")
    [error] = info.value.report.errors
    assert (error.sheet, error.column) == ("procedures", "online_level")
    assert "level4" in error.message

    text = (folder / "fees.csv").read_text(encoding="utf-8").replace("amount,", "so_tien,", 1)
    (folder / "fees.csv").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=folder, fmt="csv")
    assert any(e.sheet == "fees" and e.column == "amount" for e in info.value.report.errors)


def test_codes_are_text_of_any_length(tmp_path, settings, sample_catalog):
    long_code = "1.001193.000.00.00.H08" + ".X" * 40  # far beyond the old 64 characters
    rows = {s: [] for s in cf.SHEETS}
    rows["procedures"].append(
        {
            "code": long_code,
            "version": "1",
            "valid_from": "2025-07-01",
            "name": "Đăng ký khai sinh (bản của tỉnh)",
            "sector_code": "HT",
            "processing_time": "1",
            "processing_time_unit": "working_days",
        }
    )
    rows["steps"].append(
        {
            "code": long_code,
            "version": "1",
            "order": "1",
            "name": "Giải quyết",
            "handler": "handling_agency",
            "role": "specialist",
            "quota": "1",
        }
    )
    catalog_import(source=io.BytesIO(cf.write_csv_zip(rows)), fmt="csv")
    assert Procedure.objects.get(code=long_code).sector.name == "Hộ tịch"
    leading_zero = Procedure.objects.get(code="2.000635")  # never turned into a number
    assert leading_zero.code == "2.000635"


# --------------------------------------------------------------------------- versioning


def test_a_changed_procedure_becomes_a_new_version(sample_catalog, tmp_path, settings):
    v1 = ProcedureVersion.objects.get(procedure__code="2.000884")
    v1_fees = list(v1.fees.values_list("name", "amount"))
    folder = _csv_dir(tmp_path, settings)

    def raise_fee(row):
        if row["code"] == "2.000884":
            row["amount"] = "15000"

    _rewrite(folder / "fees.csv", raise_fee)
    report = catalog_import(source=folder, fmt="csv")
    assert report.new_versions == ["2.000884 v2"]
    v1.refresh_from_db()
    v2 = ProcedureVersion.objects.get(procedure__code="2.000884", number=2)
    assert list(v1.fees.values_list("name", "amount")) == v1_fees  # old version untouched
    assert v2.fees.get().amount == Decimal("15000")
    assert v1.valid_to == v2.valid_from
    assert v2.valid_to is None
    assert v2.steps.count() == v1.steps.count()

    # Importing the same changed file again is a no-op: v2 matches, v1 is history.
    before = _counts()
    again = catalog_import(source=io.BytesIO(catalog_export(fmt="csv")), fmt="csv")
    assert not again.changed and _counts() == before


def test_a_later_valid_from_in_the_file_is_used_for_the_new_version(
    sample_catalog, tmp_path, settings
):
    folder = _csv_dir(tmp_path, settings)

    def change(row):
        if row["code"] == BIRTH:
            row["valid_from"] = "2030-01-01"
            row["online_level"] = "partial"

    _rewrite(folder / "procedures.csv", change)
    catalog_import(source=folder, fmt="csv")
    v2 = ProcedureVersion.objects.get(procedure__code=BIRTH, number=2)
    assert timezone.localtime(v2.valid_from).date() == dt.date(2030, 1, 1)


def test_procedure_version_create_closes_the_previous_version(sample_catalog):
    procedure = Procedure.objects.get(code="1.004873")
    v1 = procedure.versions.get()
    start = timezone.make_aware(dt.datetime(2027, 1, 1))
    v2 = procedure_version_create(
        procedure=procedure,
        valid_from=start,
        actor=None,
        online_level="partial",
        fees=[
            {"name": "Lệ phí", "amount": 5000, "unit_label": "việc", "varies": False, "note": ""}
        ],
    )
    v1.refresh_from_db()
    assert (v2.number, v2.online_level, v1.online_level) == (2, "partial", "full")
    assert v1.valid_to == start
    assert [f.amount for f in v1.fees.all()] == [Decimal("0")]
    assert [c.name for c in v2.components.all()] == [c.name for c in v1.components.all()]

    with pytest.raises(ValidationError) as info:
        procedure_version_create(procedure=procedure, valid_from=start, actor=None, notes="x")
    assert "valid_from" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        procedure_version_create(
            procedure=procedure,
            valid_from=start + dt.timedelta(days=1),
            actor=None,
            processing_time=Decimal("10"),
        )
    assert "Tổng định mức" in info.value.message_dict["steps"][0]
    assert procedure.versions.count() == 2


def test_permission_is_checked_when_an_actor_is_given(sample_catalog, settings):
    clerk = User.objects.create_user("clerk", password="x")
    admin = User.objects.create_user("admin", password="x")
    province = unit_create(code="P52", name="Tỉnh Gia Lai", kind="province")
    RoleAssignment.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=province)
    source = Path(settings.BASE_DIR) / "cchc/procedures/data/catalog"
    with pytest.raises(PermissionDenied):
        catalog_import(source=source, fmt="csv", actor=clerk)
    procedure = Procedure.objects.get(code=BIRTH)
    with pytest.raises(PermissionDenied):
        procedure_version_create(
            procedure=procedure, valid_from=timezone.now(), actor=clerk, notes="x"
        )
    assert not catalog_import(source=source, fmt="csv", actor=admin).changed


def test_a_bad_xlsx_row_is_reported_by_sheet_row_and_column(sample_catalog):
    workbook = load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    sheet = workbook["fees"]
    header = [c.value for c in sheet[1]]
    target = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == "2.000884")
    sheet.cell(row=target, column=header.index("amount") + 1, value="mười nghìn")
    buffer = io.BytesIO()
    workbook.save(buffer)
    fees_before = list(FeeItem.objects.order_by("pk").values_list("amount", flat=True))
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=io.BytesIO(buffer.getvalue()), fmt="xlsx")
    [error] = info.value.report.errors
    assert (error.sheet, error.row, error.column) == ("fees", target, "amount")
    assert str(error).startswith(f"Bảng 'fees', dòng {target}, cột 'amount'")
    assert list(FeeItem.objects.order_by("pk").values_list("amount", flat=True)) == fees_before


def test_procedure_version_create_rejects_no_change_and_unknown_fields(sample_catalog):
    procedure = Procedure.objects.get(code="2.000884")
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        procedure_version_create(procedure=procedure, valid_from=later, actor=None)
    assert "không có thay đổi" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        procedure_version_create(procedure=procedure, valid_from=later, actor=None, colour="red")
    with pytest.raises(ValidationError) as info:
        procedure_version_create(
            procedure=procedure, valid_from=later, actor=None, fees=[{"name": "x", "price": 1}]
        )
    assert "price" in info.value.message_dict["fees"][0]
    assert procedure.versions.count() == 1


def test_a_code_typed_as_a_number_in_excel_is_refused(sample_catalog):
    workbook = load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    workbook["steps"].cell(row=2, column=1, value=1.00422)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=io.BytesIO(buffer.getvalue()), fmt="xlsx")
    [error] = info.value.report.errors
    assert (error.sheet, error.row, error.column) == ("steps", 2, "code")
