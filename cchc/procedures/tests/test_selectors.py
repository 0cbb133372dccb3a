import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc.procedures.models import Procedure
from cchc.procedures.selectors import (
    procedure_catalog,
    procedure_version_in_force,
    procedure_version_is_handled_by,
    procedures_for_unit,
)
from cchc.procedures.services import procedure_version_create
from cchc.units.services import unit_create

pytestmark = pytest.mark.django_db


def _at(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def tree(db):
    province = unit_create(code="P52", name="Tỉnh Gia Lai", kind="province")
    centre = unit_create(
        code="P52.TTHCC", name="Trung tâm PVHCC tỉnh", kind="one_stop", parent=province
    )
    ward = unit_create(code="W21583", name="Phường Quy Nhơn", kind="ward", parent=province)
    committee = unit_create(
        code="W21583.UB", name="UBND phường", kind="peoples_committee", parent=ward
    )
    one_stop = unit_create(
        code="W21583.MC", name="TTPVHCC phường", kind="one_stop", parent=committee
    )
    return {"province": province, "centre": centre, "ward": ward, "one_stop": one_stop}


def test_version_in_force_by_date(sample_catalog):
    procedure = Procedure.objects.get(code="1.004873")
    v1 = procedure.versions.get()
    v2 = procedure_version_create(
        procedure=procedure, valid_from=_at(2027, 1, 1), actor=None, online_level="partial"
    )
    assert procedure_version_in_force(procedure=procedure, at=_at(2026, 12, 31, 23, 59)) == v1
    assert procedure_version_in_force(procedure=procedure, at=_at(2027, 1, 1)) == v2
    assert procedure_version_in_force(procedure=procedure, at=_at(2030, 1, 1)) == v2
    with pytest.raises(ValidationError) as info:
        procedure_version_in_force(procedure=procedure, at=_at(2020, 1, 1))
    assert "không có phiên bản áp dụng" in info.value.messages[0]
    assert info.value.code == "no_version_in_force"


def test_commune_one_stop_offers_commune_procedures(sample_catalog, tree):
    commune_codes = {v.procedure.code for v in procedures_for_unit(unit=tree["one_stop"])}
    assert "1.001193" in commune_codes  # birth registration, commune level
    assert "1.012787" in commune_codes  # land transfer: receivable at commune centres too
    centre_codes = {v.procedure.code for v in procedures_for_unit(unit=tree["centre"])}
    assert "1.012787" in centre_codes
    assert "1.001193" not in centre_codes  # commune-only procedure
    ward_codes = {v.procedure.code for v in procedures_for_unit(unit=tree["ward"])}
    assert ward_codes == commune_codes
    # A specialised office inside the ward does not inherit the ward's procedures.
    office = unit_create(code="W21583.KT", name="Phòng Kinh tế", kind="agency", parent=tree["ward"])
    assert not procedures_for_unit(unit=office).exists()


def test_explicit_implementing_unit(sample_catalog, tree):
    procedure = Procedure.objects.get(code="1.001193")
    assert not procedure_version_is_handled_by(
        version=procedure.versions.get(), unit=tree["centre"]
    )
    v2 = procedure_version_create(
        procedure=procedure,
        valid_from=timezone.now(),
        actor=None,
        implementing_units=[tree["centre"]],
    )
    assert procedure_version_is_handled_by(version=v2, unit=tree["centre"])
    assert procedure_version_is_handled_by(version=v2, unit=tree["one_stop"])
    assert "1.001193" in {v.procedure.code for v in procedures_for_unit(unit=tree["centre"])}


def test_procedures_for_unit_respects_the_date(sample_catalog, tree):
    assert procedures_for_unit(unit=tree["ward"], at=_at(2025, 6, 30)).count() == 0


def test_catalog_filters(sample_catalog):
    assert procedure_catalog().count() == Procedure.objects.count()
    assert {v.procedure.code for v in procedure_catalog(text="khai sinh")} >= {
        "1.001193",
        "1.004884",
    }
    assert [v.procedure.code for v in procedure_catalog(text="1.004222")] == ["1.004222"]
    no_accents = {v.procedure.code for v in procedure_catalog(text="dang ky KHAI TU")}
    assert "1.000656" in no_accents and "1.001193" not in no_accents
    province = list(procedure_catalog(level="province"))
    assert province and all(v.level == "province" for v in province)
    assert all(v.procedure.sector.code == "CT" for v in procedure_catalog(sector="CT"))
    full = procedure_catalog(online_level="full", sector="HT")
    assert full.count() and all(v.online_level == "full" for v in full)


def test_catalog_has_no_n_plus_one(sample_catalog, django_assert_num_queries):
    # 1 query for versions (+ procedure, sector), then one per prefetched relation.
    with django_assert_num_queries(5):
        versions = list(procedure_catalog())
        for v in versions:
            _ = (v.procedure.sector.name, list(v.fees.all()), list(v.steps.all()))
            _ = list(v.components.all())


def test_procedures_for_unit_query_count(sample_catalog, tree, django_assert_num_queries):
    # ancestors, kind match, versions, then one query per prefetched relation.
    with django_assert_num_queries(7):
        versions = list(procedures_for_unit(unit=tree["one_stop"]))
        assert len(versions) > 20
        for v in versions:
            _ = (v.procedure.sector.name, list(v.fees.all()), list(v.steps.all()))
