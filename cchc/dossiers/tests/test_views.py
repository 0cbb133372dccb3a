"""The officer, specialist and leader screens through the Django test client.

Every refused action is checked to change nothing (event count unchanged), every page
is checked against a user of another unit, and list/detail pages have query counts that
do not grow with the number of dossiers or events.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent, DossierStatus
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import PERSONAL_ID, drive_to, receive

pytestmark = pytest.mark.django_db


def detail_url(d: Dossier) -> str:
    return reverse("dossiers:detail", kwargs={"code": d.code})


def action_url(d: Dossier, action: str) -> str:
    return reverse("dossiers:action", kwargs={"code": d.code, "action": action})


def events(d: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=d).count()


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def post_action(client, d: Dossier, action: str, data: dict, **extra):
    d = fresh(d)
    payload = {f"{action}-expected_version": d.version}
    payload.update({f"{action}-{k}": v for k, v in data.items()})
    return client.post(action_url(d, action), payload, **extra)


def text(response) -> str:
    return response.content.decode()


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["dossiers:queue", "dossiers:intake", "dossiers:leader", "dossiers:reassign"]
)
def test_pages_require_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_unit_cannot_see_the_dossier_page(client, world):
    d = receive(world)
    client.force_login(world.outsider)
    response = client.get(detail_url(d))
    # Answered as a code that does not exist: no way to learn which codes exist elsewhere.
    assert response.status_code == 404
    unknown = client.get(detail_url(d).replace(d.code, d.code[:-4] + "9999"))
    assert unknown.status_code == 404
    body = text(response)
    assert "Nguyễn Thị Dân" not in body and d.code not in body
    assert "Diễn biến hồ sơ" not in body and "Giấy chứng sinh" not in body


def test_unknown_dossier_is_404(client, world):
    client.force_login(world.officer)
    assert client.get("/dossiers/KHONG-CO-0001/").status_code == 404


def test_other_unit_cannot_act_and_nothing_changes(client, world):
    d = receive(world)
    before = events(d)
    client.force_login(world.outsider)
    response = post_action(client, d, "note", {"text": "xin chào"})
    assert response.status_code == 404
    assert events(d) == before


# --- Queues --------------------------------------------------------------------------------


def test_queues_show_own_dossiers_and_hide_others(client, world):
    d = receive(world)
    client.force_login(world.officer)
    for kind in ("mine", "unit"):
        body = text(client.get(reverse("dossiers:queue"), {"kind": kind}))
        assert d.code in body
        assert "Nguyễn Thị Dân" in body
    client.force_login(world.outsider)
    for kind in ("mine", "unit", "due_soon", "overdue", "waiting_supplement", "bounced"):
        response = client.get(reverse("dossiers:queue"), {"kind": kind})
        assert response.status_code == 200
        assert d.code not in text(response)


def test_queue_search_by_code_applicant_and_procedure(client, world):
    d = receive(world)
    other = receive(
        world, applicant={"kind": "person", "name": "Trần Văn Khác", "personal_id": "052185000002"}
    )
    client.force_login(world.officer)
    url = reverse("dossiers:queue")
    body = text(client.get(url, {"kind": "unit", "q": d.code}))
    assert d.code in body and other.code not in body
    body = text(client.get(url, {"kind": "unit", "q": "Khác"}))
    assert other.code in body and d.code not in body
    body = text(client.get(url, {"kind": "unit", "q": "khai sinh"}))
    assert d.code in body and other.code in body
    body = text(client.get(url, {"kind": "unit", "q": "không-có-gì"}))
    assert "Không có hồ sơ nào." in body


def test_queue_htmx_returns_only_the_table(client, world):
    d = receive(world)
    client.force_login(world.officer)
    response = client.get(reverse("dossiers:queue"), {"kind": "unit"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert d.code in body
    assert "<html" not in body and 'id="results"' in body


def test_overdue_and_due_soon_flags_for_holder_and_leader(client, world, clock):
    d = receive(world)
    d = drive_to(world, d, "assigned")  # held by the specialist in the department
    client.force_login(world.specialist)
    assert d.code not in text(client.get(reverse("dossiers:queue"), {"kind": "overdue"}))
    clock.set(fresh(d).due_at + dt.timedelta(hours=1))
    for user in (world.specialist, world.leader):
        client.force_login(user)
        body = text(client.get(reverse("dossiers:queue"), {"kind": "overdue"}))
        assert d.code in body
        assert "1 hồ sơ quá hạn" in body
    # The officer of the one-stop neither holds it nor leads the department.
    client.force_login(world.officer)
    assert "hồ sơ quá hạn" not in text(client.get(reverse("dossiers:queue")))


def test_bounced_dossier_is_visible_as_such(client, world):
    d = drive_to(world, receive(world), "at_leader")
    for _ in range(2):
        d = fresh(d)
        services.dossier_return_to_step(
            actor=world.leader,
            dossier=d,
            step_order=2,
            reason="Thiếu xác minh",
            expected_version=d.version,
        )
        d = fresh(d)
        services.dossier_handover(
            actor=world.specialist,
            dossier=d,
            to_unit=world.department,
            to_user=world.leader,
            expected_version=d.version,
        )
    client.force_login(world.leader)
    body = text(client.get(reverse("dossiers:queue"), {"kind": "bounced"}))
    assert d.code in body
    body = text(client.get(detail_url(d)))
    assert "Bị chuyển trả qua lại 2 lần" in body
    assert "Chuyển trả bước trước" in body


def _queue_queries(client, kind: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dossiers:queue"), {"kind": kind}).status_code == 200
    return len(ctx.captured_queries)


def _dossier_in_queue(world, kind: str) -> Dossier:
    if kind == "to_return":
        return drive_to(world, receive(world), "result")
    d = drive_to(world, receive(world), "assigned")
    if kind == "waiting_supplement":
        services.dossier_request_supplement(
            actor=world.specialist,
            dossier=d,
            items=["Bản sao"],
            reason="Thiếu",
            expected_version=d.version,
        )
    return d


QUEUE_USERS = {
    "mine": "specialist",
    "unit": "specialist",
    "overdue": "specialist",
    "waiting_supplement": "officer",
    "to_return": "officer",
}


@pytest.mark.parametrize("kind", sorted(QUEUE_USERS))
def test_queue_query_count_does_not_grow(client, world, clock, django_assert_num_queries, kind):
    start = clock.now
    later = start + dt.timedelta(days=12)  # every dossier overdue by then
    _dossier_in_queue(world, kind)
    client.force_login(getattr(world, QUEUE_USERS[kind]))
    clock.set(later)
    baseline = _queue_queries(client, kind)
    clock.set(start)
    for _ in range(6):
        _dossier_in_queue(world, kind)
    clock.set(later)
    with django_assert_num_queries(baseline):
        response = client.get(reverse("dossiers:queue"), {"kind": kind})
    assert "7 hồ sơ" in text(response)


# --- Dossier page ----------------------------------------------------------------------


def test_dossier_page_shows_timeline_and_step_clock(client, world, clock):
    d = receive(world)
    clock.advance(hours=1)
    d = drive_to(world, d, "assigned")
    client.force_login(world.specialist)
    body = text(client.get(detail_url(d)))
    assert d.code in body
    assert "Tiếp nhận hồ sơ" in body and "Bàn giao hồ sơ" in body and "Phân công xử lý" in body
    assert "Đến: Phòng Văn hóa - Xã hội" in body
    # Step clock rows: the finished reception step and the running processing step.
    assert "Mẫu 06" in body
    assert "Đang xử lý (trong hạn)" in body
    step1 = fresh(d).steps.get(index=1)
    assert step1.get_outcome_display() in body
    # Times in Vietnam, HH:MM dd/mm/yyyy.
    received = fresh(d).received_at.astimezone(VN)
    assert received.strftime("%H:%M %d/%m/%Y") in body


def test_late_step_shows_late_on_the_clock(client, world, clock):
    d = drive_to(world, receive(world), "assigned")
    clock.set(fresh(d).current_step_due_at + dt.timedelta(days=1))
    client.force_login(world.specialist)
    assert "Đang xử lý (quá hạn)" in text(client.get(detail_url(d)))


def _detail_queries(client, d) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail_url(d)).status_code == 200
    return len(ctx.captured_queries)


def test_dossier_page_query_count_does_not_grow_with_events(
    client, world, django_assert_num_queries
):
    a = receive(world)
    b = receive(world)
    for i in range(8):
        b = fresh(b)
        services.dossier_note_add(
            actor=world.officer, dossier=b, text=f"ghi chú {i}", expected_version=b.version
        )
    client.force_login(world.officer)
    baseline = _detail_queries(client, a)
    with django_assert_num_queries(baseline):
        response = client.get(detail_url(b))
    assert "ghi chú 7" in text(response)


def test_internal_note_is_added_and_empty_note_refused(client, world):
    d = receive(world)
    client.force_login(world.officer)
    response = post_action(client, d, "note", {"text": "Hồ sơ cần đối chiếu bản chính"})
    assert response.status_code == 302
    assert "Hồ sơ cần đối chiếu bản chính" in text(client.get(detail_url(d)))
    before = events(d)
    response = post_action(client, d, "note", {"text": "   "})
    assert response.status_code == 400
    assert "Nội dung ghi chú không được để trống." in text(response)
    assert events(d) == before


# --- Step actions ----------------------------------------------------------------------------


def test_full_path_through_the_screens(client, world):
    d = receive(world)
    client.force_login(world.officer)
    r = post_action(
        client, d, "handover", {"to_unit": world.department.pk, "note": "Giao phòng VHXH"}
    )
    assert r.status_code == 302, text(r)
    assert fresh(d).current_unit == world.department

    client.force_login(world.leader)
    r = post_action(client, d, "assign", {"to_user": world.specialist.pk})
    assert r.status_code == 302, text(r)
    assert fresh(d).current_assignee == world.specialist

    client.force_login(world.specialist)
    assert d.code in text(client.get(reverse("dossiers:queue"), {"kind": "mine"}))
    r = post_action(
        client, d, "handover", {"to_unit": world.department.pk, "to_user": world.leader.pk}
    )
    assert r.status_code == 302, text(r)

    client.force_login(world.leader)
    r = post_action(client, d, "approve", {"note": "Đồng ý"})
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.APPROVED

    client.force_login(world.officer)
    r = post_action(client, d, "issue_result", {"paper": "on", "result_number": "123/GKS"})
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.RESULT_READY
    r = post_action(client, d, "return_result", {"method": "counter"})
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.RETURNED
    r = post_action(client, d, "rate", {"rating": "satisfied", "comment": "Nhanh"})
    assert r.status_code == 302, text(r)
    body = text(client.get(detail_url(d)))
    assert "Trả kết quả" in body and "Hài lòng" in body


def test_refuse_without_reason_shows_message_and_changes_nothing(client, world):
    d = receive(world)
    before = events(d)
    client.force_login(world.officer)
    response = post_action(client, d, "refuse", {"reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nêu rõ lý do từ chối giải quyết." in text(response)
    assert events(d) == before
    assert fresh(d).status == DossierStatus.PROCESSING


def test_stale_version_shows_conflict_and_changes_nothing(client, world):
    d = receive(world)
    client.force_login(world.officer)
    stale = fresh(d).version
    services.dossier_note_add(
        actor=world.officer, dossier=d, text="người khác", expected_version=stale
    )
    before = events(d)
    response = client.post(
        action_url(d, "handover"),
        {"handover-expected_version": stale, "handover-to_unit": world.department.pk},
    )
    assert response.status_code == 400
    assert "Hồ sơ vừa được người khác cập nhật" in text(response)
    assert events(d) == before


def test_action_the_role_does_not_allow_is_refused(client, world):
    d = receive(world)
    before = events(d)
    client.force_login(world.officer)  # an officer cannot approve
    response = post_action(client, d, "approve", {})
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này" in text(response)
    assert events(d) == before


def test_bad_form_input_is_refused_before_the_service(client, world):
    d = drive_to(world, receive(world), "at_department")
    before = events(d)
    client.force_login(world.leader)
    response = post_action(client, d, "assign", {"to_user": 999999})
    assert response.status_code == 400
    assert events(d) == before
    response = post_action(client, d, "apologise", {"new_due": "ngày mai", "reason": "x"})
    assert response.status_code == 400
    assert "Ngày hẹn trả mới không hợp lệ." in text(response)
    assert events(d) == before


def test_unknown_action_is_404(client, world):
    d = receive(world)
    client.force_login(world.officer)
    assert client.post(action_url(d, "xoa-ho-so"), {}).status_code == 404


def test_get_on_action_is_not_allowed(client, world):
    d = receive(world)
    client.force_login(world.officer)
    assert client.get(action_url(d, "note")).status_code == 405


def test_htmx_action_error_returns_the_form_and_success_redirects(client, world):
    d = receive(world)
    client.force_login(world.officer)
    before = events(d)
    response = post_action(client, d, "refuse", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="action-refuse"' in body
    assert "Vui lòng nêu rõ lý do từ chối giải quyết." in body
    assert events(d) == before
    response = post_action(client, d, "note", {"text": "ok"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == detail_url(d)


def test_supplement_request_and_supplement_provided(client, world):
    d = drive_to(world, receive(world), "assigned")
    client.force_login(world.specialist)
    before = events(d)
    r = post_action(client, d, "request_supplement", {"items": "", "reason": "Thiếu"})
    assert r.status_code == 400
    assert "Vui lòng liệt kê các nội dung cần bổ sung, hoàn thiện." in text(r)
    assert events(d) == before
    r = post_action(
        client,
        d,
        "request_supplement",
        {"items": "Bản sao giấy kết hôn\nXác nhận cư trú", "reason": "Thiếu giấy tờ"},
    )
    assert r.status_code == 302
    assert fresh(d).status == DossierStatus.WAITING_SUPPLEMENT
    client.force_login(world.officer)
    assert d.code in text(client.get(reverse("dossiers:queue"), {"kind": "waiting_supplement"}))
    r = post_action(
        client, d, "supplement_provided", {"name": "Bản sao giấy kết hôn", "source": "paper"}
    )
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.PROCESSING


def test_pause_for_financial_obligation_needs_the_notice(client, world):
    d = drive_to(world, receive(world), "assigned")
    client.force_login(world.specialist)
    before = events(d)
    r = post_action(
        client,
        d,
        "pause",
        {"kind": "financial_obligation", "basis": "Luật Đất đai 2024", "notice": ""},
    )
    assert r.status_code == 400
    assert "thông báo nộp nghĩa vụ tài chính" in text(r)
    assert events(d) == before


# --- Intake -------------------------------------------------------------------------------


def intake_data(world, **overrides) -> dict:
    data = {
        "channel": "counter",
        "receiving_unit": world.one_stop.pk,
        "procedure": world.version.pk,
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Thị Dân",
        "applicant_personal_id": PERSONAL_ID,
        "applicant_address": "12 Lê Lợi",
        "applicant_phone": "0912345678",
    }
    for req in world.requirements():
        p = f"comp_{req.pk}_"
        if req.is_required:
            data[p + "provided"] = "on"
        data[p + "source"] = "paper"
        data[p + "copies"] = "1"
    data.update(overrides)
    return data


def test_intake_form_lists_the_components_of_the_chosen_procedure(client, world):
    client.force_login(world.officer)
    body = text(client.get(reverse("dossiers:intake"), {"procedure": world.version.pk}))
    for req in world.requirements():
        assert req.name in body
    body = text(
        client.get(
            reverse("dossiers:intake"), {"procedure": world.version.pk}, HTTP_HX_REQUEST="true"
        )
    )
    assert 'id="intake-form"' in body and "<html" not in body


def test_intake_receives_and_shows_the_receipt_once(client, world):
    client.force_login(world.officer)
    response = client.post(reverse("dossiers:intake"), intake_data(world))
    assert response.status_code == 302, text(response)
    d = Dossier.objects.get()
    assert response["Location"] == reverse("dossiers:receipt", kwargs={"code": d.code})
    body = text(client.get(response["Location"]))
    assert d.code in body
    assert d.due_at.astimezone(VN).strftime("%H:%M %d/%m/%Y") in body
    assert 'id="receipt-secret"' in body
    assert 'id="receipt-secret"' not in text(client.get(response["Location"]))


def test_intake_bad_personal_id_saves_nothing(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("dossiers:intake"), intake_data(world, applicant_personal_id="12345")
    )
    assert response.status_code == 400
    body = text(response)
    assert "định danh" in body
    assert 'class="field has-error"' in body
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_intake_incomplete_lists_missing_components(client, world):
    client.force_login(world.officer)
    first = world.requirements()[0]
    data = intake_data(world)
    data.pop(f"comp_{first.pk}_provided")
    response = client.post(reverse("dossiers:intake"), data)
    assert response.status_code == 400
    body = text(response)
    assert "Hồ sơ chưa đầy đủ" in body and "Mẫu 02" in body and first.name in body
    assert Dossier.objects.count() == 0


def test_intake_digitized_component_without_file_is_refused(client, world):
    client.force_login(world.officer)
    first = world.requirements()[0]
    response = client.post(
        reverse("dossiers:intake"), intake_data(world, **{f"comp_{first.pk}_source": "digitized"})
    )
    assert response.status_code == 400
    assert "phải kèm tệp" in text(response)
    assert Dossier.objects.count() == 0


def test_intake_refuses_a_file_that_is_not_what_its_name_says(client, world):
    client.force_login(world.officer)
    first = world.requirements()[0]
    fake = SimpleUploadedFile("giay-chung-sinh.pdf", b"<html>not a pdf</html>")
    data = intake_data(
        world, **{f"comp_{first.pk}_source": "digitized", f"comp_{first.pk}_file": fake}
    )
    response = client.post(reverse("dossiers:intake"), data)
    assert response.status_code == 400
    assert "không đúng định dạng cho phép" in text(response)
    assert Dossier.objects.count() == 0


def test_intake_refuses_a_blocked_subject_with_its_reason(client, world):
    services.subject_block_create(
        actor=world.leader,
        unit=world.department,
        subject_kind="land_parcel",
        subject_key="Thửa 12 tờ 5",
        reason="Đang tranh chấp",
        basis="QĐ 12/QĐ-TA",
    )
    client.force_login(world.officer)
    response = client.post(
        reverse("dossiers:intake"),
        intake_data(world, subject_kind="land_parcel", subject_key="thửa 12 tờ 5"),
    )
    assert response.status_code == 400
    assert "Đang tranh chấp" in text(response)
    assert Dossier.objects.count() == 0


def test_intake_at_a_unit_of_another_commune_is_refused(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("dossiers:intake"), intake_data(world))
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


def test_intake_needs_a_receiving_role(client, world):
    client.force_login(world.specialist)
    response = client.get(reverse("dossiers:intake"))
    assert response.status_code == 403
    assert "không có vai trò tiếp nhận" in text(response)


def test_intake_records_who_helped_an_online_submission(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("dossiers:intake"),
        intake_data(world, assisted_by_name="Đoàn viên Lê Thanh Niên"),
    )
    assert response.status_code == 302, text(response)
    assert Dossier.objects.get().assisted_by_name == "Đoàn viên Lê Thanh Niên"


# --- Leader view, reassign, hand-over list -------------------------------------------------


def test_leader_view_counts_late_and_at_risk(client, world, clock):
    late = drive_to(world, receive(world), "assigned")
    client.force_login(world.leader)
    clock.set(fresh(late).due_at + dt.timedelta(hours=2))
    response = client.get(reverse("dossiers:leader"), {"unit": world.department.pk})
    assert response.status_code == 200
    body = text(response)
    assert late.code in body
    assert 'id="total-overdue">1<' in body
    assert world.specialist.full_name in body


def test_leader_view_refused_to_others(client, world):
    client.force_login(world.specialist)
    assert client.get(reverse("dossiers:leader")).status_code == 403
    client.force_login(world.leader)
    response = client.get(reverse("dossiers:leader"), {"unit": world.other_commune_one_stop.pk})
    assert response.status_code == 403


def test_reassign_absent_officer(client, world):
    d = drive_to(world, receive(world), "assigned")
    client.force_login(world.leader)
    url = reverse("dossiers:reassign")
    assert client.get(url, {"unit": world.department.pk}).status_code == 200
    before = events(d)
    response = client.post(
        url,
        {
            "unit": world.department.pk,
            "from_user": world.specialist.pk,
            "to_user": world.specialist.pk,
            "reason": "Nghỉ phép",
        },
    )
    assert response.status_code == 400
    assert "Cán bộ nhận phải khác cán bộ vắng mặt." in text(response)
    assert events(d) == before
    response = client.post(
        url,
        {
            "unit": world.department.pk,
            "from_user": world.specialist.pk,
            "to_user": world.specialist_2.pk,
            "reason": "Nghỉ phép",
        },
    )
    assert response.status_code == 302
    assert fresh(d).current_assignee == world.specialist_2
    assert "Chuyển cán bộ xử lý (vắng mặt)" in text(client.get(detail_url(d)))


def test_reassign_refused_without_leader_role(client, world):
    client.force_login(world.specialist)
    assert client.get(reverse("dossiers:reassign")).status_code == 403


def test_handover_list_and_print_view(client, world, clock):
    d = drive_to(world, receive(world), "at_department")
    client.force_login(world.officer)
    day = clock.now.astimezone(VN).date().isoformat()
    params = {"from_unit": world.one_stop.pk, "to_unit": world.department.pk, "day": day}
    body = text(client.get(reverse("dossiers:handover_list"), params))
    assert d.code in body
    body = text(client.get(reverse("dossiers:handover_list"), {**params, "print": "1"}))
    assert "DANH SÁCH BÀN GIAO HỒ SƠ" in body and d.code in body and "BÊN NHẬN" in body
    # Another commune's officer cannot pick this unit.
    client.force_login(world.outsider)
    response = client.get(reverse("dossiers:handover_list"), params)
    assert response.status_code == 400
    assert d.code not in text(response)
