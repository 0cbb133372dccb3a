"""Screens: pages render in Vietnamese with a fixed number of queries; actions go through
the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers.models import Dossier
from cchc.dossiers.services import dossier_handover
from cchc.dossiers.tests.conftest import clock  # noqa: F401 (fixture)
from cchc.dossiers.tests.factories import drive_to, make_user, receive
from cchc.reforms.models import Proposal, ProposalStatus
from cchc.reforms.tests.test_db import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):  # noqa: F811
    w = make_world()
    for _ in range(2):
        d = drive_to(w, receive(w), "at_department")
        clock.advance(hours=2)
        dossier_handover(
            actor=w.extra["boss"],
            dossier=Dossier.objects.get(pk=d.pk),
            to_unit=w.other_department,
            advance_step=False,
        )
        clock.advance(hours=2)
        dossier_handover(
            actor=w.extra["boss"],
            dossier=Dossier.objects.get(pk=d.pk),
            to_unit=w.department,
            advance_step=False,
        )
    return w


def _count(client, url, django_assert_num_queries, n):
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_overview_and_procedure_pages(client, world, django_assert_num_queries):
    client.force_login(world.extra["boss"])
    url = reverse("reforms:overview") + "?year=2026"
    client.get(url)
    response = _count(client, url, django_assert_num_queries, 12)
    html = response.content.decode()
    assert "Thời gian giải quyết thực tế theo thủ tục" in html
    assert world.procedure.name in html
    detail = reverse("reforms:procedure", args=[world.procedure.pk]) + "?year=2026"
    html = _count(client, detail, django_assert_num_queries, 19).content.decode()
    assert "Sơ đồ quy trình thực tế" in html
    # The department ↔ other department ping-pong is listed with the units' names.
    assert world.other_department.name in html
    assert "v1" in html
    image = client.get(reverse("reforms:procedure_map", args=[world.procedure.pk]) + "?year=2026")
    assert image["Content-Type"] == "image/svg+xml"
    assert "Tiếp nhận hồ sơ" in image.content.decode()
    png = client.get(
        reverse("reforms:procedure_map", args=[world.procedure.pk]) + "?year=2026&format=png"
    )
    assert png["Content-Type"] == "image/png"


def test_pages_need_report_view(client, world):
    client.force_login(make_user())
    assert client.get(reverse("reforms:overview")).status_code == 403
    assert client.get(reverse("reforms:proposals")).status_code == 403


def test_proposal_flow_through_the_screens(client, world, django_assert_num_queries):
    client.force_login(world.leader)
    response = client.post(
        reverse("reforms:proposals"),
        {
            "unit": world.department.pk,
            "procedure": world.procedure.pk,
            "title": "Tái sử dụng giấy chứng sinh",
            "hours": "4",
            "income_per_hour": "30000",
            "income_source": "Thu nhập bình quân ÷ 22 ÷ 8",
            "subjects_per_year": "1200",
            "fees": "8000",
            "other_costs": "32000",
        },
    )
    p = Proposal.objects.get()
    assert response.status_code == 302
    item = reverse("reforms:proposal_action", args=[p.pk, "item"])
    client.post(
        item,
        {
            "kind": "reuse_component",
            "target": "Giấy chứng sinh",
            "hours_saved": "1,5",
            "cost_saved": "20000",
        },
    )
    client.post(item, {"kind": "cut_step", "target": "", "hours_saved": "1"})  # refused
    assert p.items.count() == 1
    # The inputs are corrected on the draft: a monthly income ÷ 22 days ÷ 8 hours.
    inputs = {
        "hours": "4",
        "income_per_hour": "",
        "monthly_income": "5280000",
        "working_days_per_month": "22",
        "hours_per_day": "8",
        "income_source": "Thu nhập bình quân đầu người một tháng (Cục Thống kê)",
        "subjects_per_year": "1200",
        "frequency_per_year": "1",
        "fees": "8000",
        "other_costs": "32000",
    }
    action = reverse("reforms:proposal_action", args=[p.pk, "inputs"])
    response = client.post(action, inputs, follow=True)
    assert "Đã cập nhật số liệu tính chi phí." in response.content.decode()
    html = response.content.decode()
    income = html[html.index('id="income"') : html.index("</td>", html.index('id="income"'))]
    assert "30.000 = 5.280.000 ÷ 22 ngày ÷ 8 giờ" in income, income
    response = client.post(action, {**inputs, "hours": "1"}, follow=True)  # < items' 1,5 h
    assert "nhỏ hơn tổng số giờ" in response.content.decode()
    p.refresh_from_db()
    assert (p.hours, p.monthly_income, p.income_per_hour) == (4, 5280000, 30000)
    client.post(reverse("reforms:proposal_action", args=[p.pk, "submit"]))
    page = reverse("reforms:proposal", args=[p.pk])
    html = _count(client, page, django_assert_num_queries, 8).content.decode()
    assert "78.000.000" in html and "40,63 %" in html
    assert "Phê duyệt và giao nhiệm vụ" not in html  # the leader cannot approve
    client.force_login(world.extra["boss"])
    assert "Phê duyệt và giao nhiệm vụ" in client.get(page).content.decode()
    client.post(
        reverse("reforms:proposal_action", args=[p.pk, "approve"]), {"deadline": "2026-12-31"}
    )
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED and p.task_id
    listing = _count(client, reverse("reforms:proposals"), django_assert_num_queries, 11)
    assert "Tái sử dụng giấy chứng sinh" in listing.content.decode()
