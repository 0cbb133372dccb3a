import datetime as dt
import time

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from cchc.units import importing
from cchc.units.models import COMMUNE_LEVEL_KINDS, Unit, UnitKind, UnitSuccession
from cchc.units.selectors import unit_current_successors, unit_get_by_code

D = dt.date
NEW_DAY = D(2025, 7, 1)


def _snapshot():
    return sorted(
        Unit.objects.values_list(
            "code", "name", "kind", "parent_id", "path", "depth", "valid_from", "valid_to"
        )
    )


@pytest.mark.django_db
def test_official_import_counts_and_shape():
    started = time.monotonic()
    call_command("import_units", "--no-legacy", stdout=None)
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    provinces = Unit.objects.filter(kind=UnitKind.PROVINCE)
    communes = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS)
    assert provinces.count() == 34
    assert communes.count() == 3321
    assert Unit.objects.count() == 34 + 3321
    assert provinces.filter(parent__isnull=True, depth=0).count() == 34
    # Every commune sits directly under a province, with a consistent path.
    assert communes.filter(parent__kind=UnitKind.PROVINCE, depth=1).count() == 3321
    bad_paths = [
        u for u in communes.select_related("parent") if u.path != f"{u.parent.path}{u.pk}/"
    ]
    assert bad_paths == []
    assert Unit.objects.exclude(valid_from=NEW_DAY).count() == 0
    assert Unit.objects.filter(valid_to__isnull=False).count() == 0
    gia_lai = Unit.objects.get(code="P52")
    assert (gia_lai.name, gia_lai.admin_code) == ("Tỉnh Gia Lai", "52")
    # NQ 1664/NQ-UBTVQH15: Gia Lai has 135 commune-level units.
    assert gia_lai.children.count() == 135
    tay_son = Unit.objects.get(code="W21808")
    assert (tay_son.name, tay_son.kind, tay_son.parent_id) == (
        "Xã Tây Sơn",
        UnitKind.COMMUNE,
        gia_lai.pk,
    )
    kinds = dict(communes.values_list("kind").annotate(n=Count("id")))
    assert sum(kinds.values()) == 3321 and kinds[UnitKind.SPECIAL_ZONE] == 13


@pytest.mark.django_db
def test_import_is_idempotent():
    call_command("import_units", stdout=None)
    before = _snapshot()
    successions = sorted(
        UnitSuccession.objects.values_list("predecessor_id", "successor_id", "effective_date")
    )
    result = importing.import_all()
    assert (result.created, result.updated, result.successions_created) == (0, 0, 0)
    assert result.unchanged == Unit.objects.count()
    assert _snapshot() == before
    assert (
        sorted(
            UnitSuccession.objects.values_list("predecessor_id", "successor_id", "effective_date")
        )
        == successions
    )


@pytest.mark.django_db
def test_reimport_applies_a_renamed_unit():
    call_command("import_units", "--no-legacy", stdout=None)
    Unit.objects.filter(code="W21808").update(name="Tên sai")
    result = importing.import_all(legacy=False)
    assert result.updated == 1
    assert Unit.objects.get(code="W21808").name == "Xã Tây Sơn"


@pytest.mark.django_db
def test_legacy_units_resolve_to_current_successors():
    call_command("import_units", stdout=None)
    assert Unit.objects.active_on(NEW_DAY).filter(kind=UnitKind.PROVINCE).count() == 34
    assert Unit.objects.active_on(NEW_DAY).filter(kind__in=COMMUNE_LEVEL_KINDS).count() == 3321
    # On 30/6/2025 huyện Tây Sơn (tỉnh Bình Định) still had its thị trấn and 14 xã.
    district = unit_get_by_code(code="OLD-D547")
    assert district.parent.code == "OLD-P52" and district.valid_to == D(2025, 6, 30)
    assert district.children.active_on(D(2025, 6, 30)).count() == 15
    phu_phong = unit_get_by_code(code="OLD-W21808")
    assert phu_phong.name == "Thị trấn Phú Phong" and phu_phong.kind == UnitKind.TOWNSHIP
    [current] = unit_current_successors(unit=phu_phong, on=D(2025, 8, 1))
    assert (current.code, current.name, current.parent.name) == (
        "W21808",
        "Xã Tây Sơn",
        "Tỉnh Gia Lai",
    )
    [binh_an] = unit_current_successors(unit=unit_get_by_code(code="OLD-W21838"), on=D(2026, 1, 1))
    assert binh_an.name == "Xã Bình An"
    [province] = unit_current_successors(unit=unit_get_by_code(code="OLD-P52"), on=D(2026, 1, 1))
    assert province.code == "P52"
    # Every legacy commune has exactly one successor, all among the five new communes.
    olds = Unit.objects.filter(code__startswith="OLD-W")
    assert olds.count() == 15
    targets = set(
        UnitSuccession.objects.filter(predecessor__in=olds).values_list(
            "successor__name", flat=True
        )
    )
    assert targets == {"Xã Tây Sơn", "Xã Bình Khê", "Xã Bình Phú", "Xã Bình Hiệp", "Xã Bình An"}
    assert UnitSuccession.objects.filter(predecessor__in=olds).count() == 15


@pytest.mark.django_db
def test_invalid_file_changes_nothing(tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text(
        "code,name,short_name,kind,division_type,parent_code\n"
        "01,Thành phố Hà Nội,Hà Nội,province,Thành phố,\n"
        "00004,Phường Hoàn Kiếm,Hoàn Kiếm,hamlet,Phường,01\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_units", "--no-legacy", "--file", str(bad), stdout=None)
    assert "Dòng 2" in str(exc.value) and "Loại đơn vị không hợp lệ" in str(exc.value)
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_refused(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_units", "--file", str(tmp_path / "none.csv"), stdout=None)


def test_shipped_csv_has_no_duplicates():
    rows = importing.read_official()
    assert len(rows) == 3355
    assert len({r.code for r in rows}) == 3355
    legacy = importing.read_legacy()
    assert {r.code for r in legacy}.isdisjoint({r.code for r in rows})
