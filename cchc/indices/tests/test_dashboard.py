"""The leader dashboard and the click-through to the dossiers that cost points."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import drive_to, grant, make_user, receive
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_dashboard, index_lost_dossiers

NOVEMBER = parse_period("2026-11")


@pytest.fixture
def chairman(world):
    user = make_user(full_name="Chủ tịch tỉnh")
    grant(user, Role.CHAIRMAN, world.province, include_subtree=True)
    return user


@pytest.fixture
def data(world, clock):
    """Commune Quy Nhơn: one on time, one late; commune Tuy Phước: one on time."""
    on_time = drive_to(world, receive(world), "returned")
    late = drive_to(world, receive(world), "approved")
    other = receive(world, actor=world.outsider, receiving_unit=world.other_commune_one_stop)
    clock.set(dt.datetime(2026, 11, 27, 9, 0, tzinfo=VN))
    services.dossier_refuse(actor=world.outsider, dossier=other, reason="Không đủ điều kiện")
    clock.set(dt.datetime(2026, 12, 3, 9, 0, tzinfo=VN))
    services.dossier_issue_result(
        actor=world.officer, dossier=Dossier.objects.get(pk=late.pk), paper=True
    )
    return {"on_time": on_time, "late": late, "other": other}


def test_dashboard_ranks_children_and_lists_lost_points(
    world, chairman, data, own_criteria, django_assert_max_num_queries
):
    q4 = parse_period("2026-Q4")
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        board = index_dashboard(user=chairman, unit=world.province, period=q4)
    assert board.result.dossiers == 3
    on_time = board.result.criterion("DOSSIER_ON_TIME")
    assert (on_time.numerator, on_time.denominator) == (2, 3)
    # Tuy Phước (all on time) ranks above Quy Nhơn (one late of two).
    ranked = [(r.unit.pk, r.result.dossiers) for r in board.ranking if r.result.dossiers]
    assert ranked == [(world.other_commune_one_stop.parent_id, 1), (world.commune.pk, 2)]
    # Its band is that of its percent, database criteria included (catalog, sync...).
    from cchc.indices.definition import band_for

    assert board.ranking[0].on_time_rate == 1
    assert board.ranking[0].band == band_for(board.ranking[0].percent)
    assert board.ranking[-1].percent is None  # the post office: no dossiers
    assert board.losses[0].code == "DOSSIER_ON_TIME"
    assert [m.period.label for m in board.trend] == [f"2026-{m:02d}" for m in range(1, 13)]
    # October has no dossier: only the catalog's content (2 points; the world's procedure
    # publishes no subjects, so 0) is computable.
    assert board.trend[10].max > 2 and (board.trend[9].max, board.trend[9].score) == (2, 0)
    # A dossier criterion that lost points links to its dossiers, with their number.
    assert board.losses[0].lost_count == 1
    lost, rows = index_lost_dossiers(
        user=chairman, unit=world.province, period=q4, criterion="DOSSIER_ON_TIME"
    )
    assert [r.code for r in rows] == [data["late"].code] == list(lost.lost)


# Permission check, tree, the database criteria's batch (about a dozen reads of the
# catalog, petitions and payments), the period's cells, the cells by unit, the months.
DASHBOARD_QUERIES = 22


@pytest.fixture
def own_criteria(monkeypatch):
    """Only this app's database criteria registered: the dashboard's own query budget,
    whatever other apps register (each answers for its own reads; the bench prints them)."""
    from cchc.indices import sources
    from cchc.indices.database_criteria import REGISTERED

    mine = set(REGISTERED)
    monkeypatch.setattr(
        sources, "_REGISTRY", {c: f for c, f in sources._REGISTRY.items() if c in mine}
    )
    monkeypatch.setattr(
        sources, "_BATCHES", [(c, f) for c, f in sources._BATCHES if set(c) <= mine]
    )


def test_dashboard_from_rollups_equals_scoring_the_dossiers(
    world, chairman, data, clock, own_criteria, django_assert_max_num_queries
):
    """Headline, ranking and trend come from the period rollups; they equal scoring the
    dossiers (and the database criteria) directly, for the same unit and period."""
    from cchc.indices.selectors import index_for_database

    for text in ("2026-11", "2026-Q4", "2026"):
        period = parse_period(text)
        board = index_dashboard(user=chairman, unit=world.province, period=period)
        assert (
            board.result.as_json()
            == index_for_database(period=period, unit=world.province).as_json()
        )
        for r in board.ranking:
            direct = index_for_database(period=period, unit=r.unit)
            assert r.result.as_json() == direct.as_json(), r.unit
        for m in board.trend:
            direct = index_for_database(period=m.period, unit=world.province)
            assert (m.score, m.max, m.percent) == (
                direct.total_score,
                direct.total_max,
                direct.percent,
            )
    # More dossiers, in more months and units: the same number of queries.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = parse_period("2026")
    with CaptureQueriesContext(connection) as before:
        index_dashboard(user=chairman, unit=world.province, period=year)
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN))
    for _ in range(3):
        drive_to(world, receive(world), "returned")
    receive(world, actor=world.outsider, receiving_unit=world.other_commune_one_stop)
    with (
        django_assert_max_num_queries(DASHBOARD_QUERIES),
        CaptureQueriesContext(connection) as after,
    ):
        board = index_dashboard(user=chairman, unit=world.province, period=year)
    assert board.result.dossiers == 7
    assert len(after) == len(before)


def test_whatif_starts_from_the_dashboard_total(world, chairman, data):
    from cchc.indices.selectors import index_whatif

    q4 = parse_period("2026-Q4")
    board = index_dashboard(user=chairman, unit=world.province, period=q4)
    projection, _ = index_whatif(user=chairman, unit=world.province, period=q4, changes=[])
    assert projection.before.as_json() == board.result.as_json()


def test_permission(world, data):
    with pytest.raises(PermissionDenied):
        index_dashboard(user=world.specialist, unit=world.province, period=NOVEMBER)


def test_pages(client, world, chairman, data):
    client.force_login(chairman)
    url = reverse("indices:dashboard")
    page = client.get(url, {"unit": world.province.code, "period": "2026-Q4"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chỉ số phục vụ người dân, doanh nghiệp" in html
    assert "Xếp hạng đơn vị trực thuộc" in html
    assert world.other_commune_one_stop.parent.name in html
    assert "criterion=DOSSIER_ON_TIME" in html
    # The panel linking to the floor figures of the same unit and period.
    assert f"{reverse('floor:figures')}?unit={world.province.pk}&amp;period=2026-Q4" in html
    # How a past period is judged is written on the page.
    assert "tính tại thời điểm cuối kỳ" in html
    lost = client.get(
        reverse("indices:lost"),
        {"unit": world.province.code, "period": "2026-Q4", "criterion": "DOSSIER_ON_TIME"},
    )
    assert lost.status_code == 200
    assert data["late"].code in lost.content.decode()
    assert data["on_time"].code not in lost.content.decode()
    bad = client.get(url, {"unit": world.province.code, "period": "2026-13"})
    assert "tháng phải từ 01 đến 12" in bad.content.decode()
    assert client.get(url, {"unit": "KHONG-CO"}).status_code == 403
    assert client.get(reverse("indices:lost"), {"criterion": "NOPE"}).status_code == 404


def test_pages_need_index_view(client, world):
    client.force_login(world.citizen)
    assert client.get(reverse("indices:dashboard")).status_code == 403


def test_whatif_page(client, world, chairman, data):
    client.force_login(chairman)
    url = reverse("indices:whatif")
    page = client.get(
        url,
        {
            "unit": world.province.code,
            "period": "2026-Q4",
            "criterion1": "DOSSIER_ON_TIME",
            "mode1": "share",
            "value1": "100",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 hồ sơ được khắc phục" in html
    # Before: on time 2/3; after: 3/3 and the satisfaction criterion follows.
    projection = page.context["projection"]
    assert projection.after.criterion("DOSSIER_ON_TIME").numerator == 3
    assert projection.gain > 0
    assert page.context["actions"][0].criterion == "DOSSIER_ON_TIME"
    bad = client.get(url, {"criterion1": "PUBLISH_ON_TIME", "value1": "80"})
    assert "không tính từ dữ liệu hồ sơ" in bad.content.decode()
    bad = client.get(url, {"criterion1": "DOSSIER_ON_TIME", "value1": "tám mươi"})
    assert "không phải là số phần trăm" in bad.content.decode()


def test_public_scoreboard_without_login(client, world, data):
    page = client.get(reverse("indices:public"), {"period": "2026-Q4"})
    assert page.status_code == 200
    html = page.content.decode()
    assert world.commune.name in html and world.other_commune_one_stop.parent.name in html
    # Aggregates only: no dossier code appears.
    assert data["late"].code not in html and data["on_time"].code not in html
    [top] = [r for r in page.context["ranking"] if r.unit.pk == world.commune.pk]
    assert top.on_time_rate == Decimal(1) / 2


def test_xlsx_exports(client, world, chairman, data):
    from openpyxl import load_workbook

    client.force_login(chairman)
    params = {"unit": world.province.code, "period": "2026-Q4", "format": "xlsx"}
    response = client.get(reverse("indices:dashboard"), params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Tiêu chí", "Xếp hạng", "Theo tháng"]
    rows = {r[1]: r for r in wb["Tiêu chí"].iter_rows(min_row=2, values_only=True)}
    assert rows["DOSSIER_ON_TIME"][3:7] == (2, 3, 0.67, 13.33)
    lost = client.get(reverse("indices:lost"), {**params, "criterion": "DOSSIER_ON_TIME"})
    sheet = load_workbook(io.BytesIO(lost.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [data["late"].code]
    public = client.get(reverse("indices:public"), params)
    assert load_workbook(io.BytesIO(public.content)).sheetnames == ["Bảng điểm"]


def test_with_every_app_registered_the_dashboard_stays_flat_and_equal(world, chairman, data, clock):
    """All database criteria (portal sync included, through its batch reader): the
    dashboard still equals direct scoring and its query count does not grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.indices import sources
    from cchc.indices.selectors import index_for_database

    assert "DOSSIER_SYNC" in sources.registered_codes()
    assert "DOSSIER_SYNC" not in sources.unbatched_codes()
    year = parse_period("2026")
    board = index_dashboard(user=chairman, unit=world.province, period=year)
    assert board.result.as_json() == index_for_database(period=year, unit=world.province).as_json()
    for r in board.ranking:
        assert r.result.as_json() == index_for_database(period=year, unit=r.unit).as_json()
    with CaptureQueriesContext(connection) as before:
        index_dashboard(user=chairman, unit=world.province, period=year)
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN))
    for _ in range(3):
        drive_to(world, receive(world), "returned")
    receive(world, actor=world.outsider, receiving_unit=world.other_commune_one_stop)
    with CaptureQueriesContext(connection) as after:
        index_dashboard(user=chairman, unit=world.province, period=year)
    assert len(after) == len(before)
