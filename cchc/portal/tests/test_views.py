from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Channel, ComponentSource, Dossier, DossierComponent
from cchc.dossiers.tests.factories import (
    PERSONAL_ID,
    PERSONAL_ID_2,
    applicant_data,
    components_for,
    drive_to,
    grant,
    make_procedure,
    make_user,
    pdf_bytes,
    receive,
)
from cchc.portal.models import FilledForm, Petition, PetitionStatus, ProxyAuthorisation
from cchc.portal.tests.conftest import PDF, PNG

PASSWORD = "mat-khau-an-toan-2026"


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _submit_url(world, **params):
    url = reverse("portal:submit", args=[world.procedure.code])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _post_data(world, **extra):
    reqs = world.requirements()
    data = {
        "don_vi": world.one_stop.pk,
        "action": "submit",
        "address": "12 Lê Lợi",
        "phone": "0912345678",
        "email": "dan@example.vn",
        "form_requester_name": "Công Dân",
        "form_child_name": "Nguyễn Bé Na",
        "form_residence": "Phường Quy Nhơn",
        f"file_{reqs[1].pk}": SimpleUploadedFile("giay-chung-sinh.pdf", PDF),
    }
    data.update(extra)
    return data


# --- Catalog ------------------------------------------------------------------------------------


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_catalog_lists_with_fee_in_dong_and_constant_queries(
    client, world, django_assert_num_queries
):
    make_procedure(name="Chứng thực bản sao", fee=Decimal(1234567))
    few, r = _count_queries(client, reverse("portal:catalog"))
    html = r.content.decode()
    assert "1.234.567 đ" in html
    assert "Chứng thực bản sao" in html
    assert few <= 8
    for _ in range(5):
        make_procedure(name="Thủ tục thêm", fee=Decimal(1000))
    # The same number of queries for 2 or 7 procedures (details are prefetched).
    with django_assert_num_queries(few):
        r = client.get(reverse("portal:catalog"))
    assert r.content.decode().count("Thủ tục thêm") == 5


def test_catalog_search_is_diacritic_free(client, world):
    from cchc.procedures.services import procedure_search_text_refresh

    for v in (make_procedure(name="Đăng ký kết hôn"), world.version):
        procedure_search_text_refresh(procedure=v.procedure)
    r = client.get(reverse("portal:catalog"), {"q": "ket hon"})
    html = r.content.decode()
    assert "Đăng ký kết hôn" in html
    assert "Đăng ký khai sinh" not in html


def test_procedure_detail_shows_requirements_time_limit_and_submit_link(client, world):
    r = client.get(reverse("portal:procedure", args=[world.procedure.code]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Giấy chứng sinh" in html
    assert "5 ngày làm việc" in html
    assert reverse("portal:submit", args=[world.procedure.code]) in html
    assert client.get(reverse("portal:procedure", args=["khong-co"])).status_code == 404


# --- Online submission ----------------------------------------------------------------------


def test_submission_requires_login(client, world):
    r = client.get(_submit_url(world))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_unit_choice_lists_one_stops_of_the_province_handling_it(client, world):
    _login(client, world.citizen)
    html = client.get(_submit_url(world)).content.decode()
    assert world.one_stop.name in html
    assert world.other_commune_one_stop.name in html  # any within the province (NĐ 118)
    assert world.department.name not in html


def test_form_is_prefilled_from_identity_and_previous_form(client, world):
    FilledForm.objects.create(
        form=world.extra["form"],
        dossier_code="X",
        user=world.citizen,
        personal_id=PERSONAL_ID,
        data={"residence": "Tổ 3, phường Quy Nhơn"},
        created_at=world.citizen.date_joined,
    )
    _login(client, world.citizen)
    html = client.get(_submit_url(world, don_vi=world.one_stop.pk)).content.decode()
    assert 'value="Công Dân"' in html
    assert 'value="Tổ 3, phường Quy Nhơn"' in html
    assert PERSONAL_ID in html


def test_precheck_refusal_lists_missing_and_changes_nothing(client, world):
    _login(client, world.citizen)
    data = _post_data(world)
    del data[f"file_{world.requirements()[1].pk}"]
    before = (Dossier.objects.count(), DossierComponent.objects.count(), FilledForm.objects.count())
    r = client.post(_submit_url(world), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Hồ sơ chưa đầy đủ, chưa được gửi" in html
    assert "Giấy chứng sinh" in html
    after = (Dossier.objects.count(), DossierComponent.objects.count(), FilledForm.objects.count())
    assert after == before
    # The explicit "Kiểm tra" button reports the same, and never submits.
    data["action"] = "precheck"
    r = client.post(_submit_url(world), data)
    assert "Giấy chứng sinh" in r.content.decode()
    assert Dossier.objects.count() == before[0]


def test_malformed_upload_is_refused_and_nothing_sent(client, world):
    _login(client, world.citizen)
    data = _post_data(world)
    data[f"file_{world.requirements()[1].pk}"] = SimpleUploadedFile("a.pdf", b"MZ\x90\x00exe")
    r = client.post(_submit_url(world), data)
    assert r.status_code == 400
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in r.content.decode()
    assert Dossier.objects.count() == 0


def test_online_submission_then_receipt_shows_secret_once(client, world):
    _login(client, world.citizen)
    r = client.post(
        _submit_url(world),
        _post_data(world, assisted="1", assisted_by_name="Lê Tình Nguyện (Đoàn TN)"),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert r["Location"] == reverse("portal:receipt", args=[d.code])
    assert d.channel == Channel.ONLINE
    assert d.applicant.user == world.citizen
    assert d.applicant.personal_id == PERSONAL_ID
    assert d.assisted_by_name == "Lê Tình Nguyện (Đoàn TN)"
    comps = {c.requirement.order: c for c in d.components.select_related("requirement")}
    assert comps[1].source == ComponentSource.ELECTRONIC  # the filled tờ khai
    assert comps[2].file.name and "giay-chung-sinh" not in comps[2].file.name
    assert FilledForm.objects.get(dossier_code=d.code).data["child_name"] == "Nguyễn Bé Na"
    html = client.get(r["Location"]).content.decode()
    secret = re.search(r'id="lookup-secret">([A-Z0-9]+)<', html).group(1)
    assert f"?ma={d.code}" in html
    assert f"/integrations/nhan-thong-bao/{d.code}/?s={secret}" in html  # opt-in link
    assert "<svg" in html  # QR of the lookup link
    assert dossier_services._is_applicant(None, d, secret)
    # Shown once.
    assert "lookup-secret" not in client.get(r["Location"]).content.decode()


def test_reuse_from_data_store_is_recorded_on_the_component(client, world):
    earlier = receive(world, components=components_for(world, source=ComponentSource.DIGITIZED))
    scan = earlier.components.get(requirement__order=2)
    _login(client, world.citizen)
    html = client.get(_submit_url(world, don_vi=world.one_stop.pk)).content.decode()
    assert f"component:{scan.pk}" in html
    data = _post_data(world)
    req = world.requirements()[1]
    del data[f"file_{req.pk}"]
    data[f"reuse_{req.pk}"] = f"component:{scan.pk}"
    r = client.post(_submit_url(world), data)
    assert r.status_code == 302
    d = Dossier.objects.exclude(pk=earlier.pk).get()
    c = d.components.get(requirement=req)
    assert c.source == ComponentSource.REUSED
    assert c.reuse_reference == f"component:{scan.pk}"
    assert not c.file


def test_reusing_somebody_elses_document_is_refused(client, world):
    other = receive(
        world,
        applicant=applicant_data(name="Người Khác", personal_id=PERSONAL_ID_2),
        components=components_for(world, source=ComponentSource.DIGITIZED),
    )
    scan = other.components.get(requirement__order=2)
    _login(client, world.citizen)
    data = _post_data(world)
    req = world.requirements()[1]
    del data[f"file_{req.pk}"]
    data[f"reuse_{req.pk}"] = f"component:{scan.pk}"
    r = client.post(_submit_url(world), data)
    assert r.status_code == 400
    assert "không có trong kho dữ liệu của bạn" in r.content.decode()
    assert Dossier.objects.count() == 1


def test_staff_account_without_citizen_role_cannot_submit(client, world):
    _login(client, world.officer)
    r = client.post(_submit_url(world), _post_data(world))
    assert r.status_code == 403
    assert Dossier.objects.count() == 0


# --- Status lookup ---------------------------------------------------------------------------


def _online(world):
    return receive(
        world,
        actor=world.citizen,
        channel=Channel.ONLINE,
        components=components_for(world, source=ComponentSource.ELECTRONIC),
    )


def test_status_page_shows_timeline_and_no_personal_data(client, world):
    d0 = receive(world)
    secret = d0.issued_lookup_secret
    drive_to(world, d0, "at_department")
    r = client.post(reverse("portal:lookup"), {"ma": d0.code, "s": secret})
    assert r.status_code == 200
    html = r.content.decode()
    assert d0.code in html
    assert world.procedure.name in html
    assert world.one_stop.name in html
    assert "Tiếp nhận hồ sơ" in html and "Thẩm định, xử lý hồ sơ" in html
    # Step 1 was finished on the day it started, before its due day: "Trước hạn" or
    # "Đúng hạn" per Mẫu 05; step 2 is still open.
    assert re.search(r"Trước hạn|Đúng hạn", html)
    assert "Đang thực hiện" in html
    assert world.department.name in html
    for personal in ("Nguyễn Thị Dân", PERSONAL_ID, "0912345678", "dan@example.vn", "Lê Lợi"):
        assert personal not in html


def test_wrong_secret_and_unknown_code_look_the_same(client, world):
    d = receive(world)
    a = client.post(reverse("portal:lookup"), {"ma": d.code, "s": "SAI-MA-123"})
    b = client.post(reverse("portal:lookup"), {"ma": "KHONG-CO-0001", "s": "SAI-MA-123"})
    assert a.status_code == b.status_code == 404

    def strip(r, code):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode()).replace(
            code, ""
        )

    assert strip(a, d.code) == strip(b, "KHONG-CO-0001")


def test_lookup_qr_link_prefills_the_code(client, world):
    d = receive(world)
    html = client.get(reverse("portal:lookup") + f"?ma={d.code}").content.decode()
    assert f'value="{d.code}"' in html


def test_lookup_rate_limited_per_ip(client, world, settings):
    settings.PORTAL_LOOKUP_ATTEMPTS = 3
    d = receive(world)
    for i in range(3):
        assert client.post(reverse("portal:lookup"), {"ma": f"X-{i}", "s": "x"}).status_code == 404
    r = client.post(reverse("portal:lookup"), {"ma": d.code, "s": d.issued_lookup_secret})
    assert r.status_code == 429
    assert "quá 3 lần" in r.content.decode()
    assert d.code + "</h2>" not in r.content.decode()


def test_lookup_rate_limited_per_code_across_ips(client, world, settings):
    settings.PORTAL_LOOKUP_ATTEMPTS = 3
    d = receive(world)
    for i in range(3):
        client.post(reverse("portal:lookup"), {"ma": d.code, "s": "x"}, REMOTE_ADDR=f"10.0.0.{i}")
    r = client.post(
        reverse("portal:lookup"),
        {"ma": d.code, "s": d.issued_lookup_secret},
        REMOTE_ADDR="10.0.0.99",
    )
    assert r.status_code == 429
    assert "Mã hồ sơ này đã được tra cứu quá 3 lần" in r.content.decode()


def test_status_shows_what_to_supplement(client, world):
    d = receive(world)
    dossier_services.dossier_request_supplement(
        actor=world.officer, dossier=d, items=["Bản sao giấy đăng ký kết hôn"], reason="Thiếu"
    )
    r = client.post(reverse("portal:lookup"), {"ma": d.code, "s": d.issued_lookup_secret})
    html = r.content.decode()
    assert "Chờ bổ sung hồ sơ" in html
    assert "Bản sao giấy đăng ký kết hôn" in html


# --- Rating by link -------------------------------------------------------------------------


def test_rating_by_receipt_link_once(client, world):
    d = receive(world)
    secret = d.issued_lookup_secret
    url = reverse("portal:rate", args=[d.code])
    r = client.get(url, {"s": secret})
    assert "sau khi hồ sơ được giải quyết xong" in r.content.decode()
    drive_to(world, d, "returned")
    r = client.get(url, {"s": secret})
    assert 'name="rating"' in r.content.decode()
    r = client.post(url, {"s": secret, "rating": "satisfied", "comment": "Nhanh"})
    assert r.status_code == 200
    d.refresh_from_db()
    assert (d.rating, d.rating_comment) == ("satisfied", "Nhanh")
    r = client.post(url, {"s": secret, "rating": "dissatisfied"})
    assert r.status_code == 400
    assert "đã được đánh giá" in r.content.decode()
    d.refresh_from_db()
    assert d.rating == "satisfied"


def test_rating_with_wrong_secret_is_not_found(client, world):
    d = drive_to(world, receive(world), "returned")
    r = client.post(reverse("portal:rate", args=[d.code]), {"s": "WRONG", "rating": "normal"})
    assert r.status_code == 404
    d.refresh_from_db()
    assert d.rating == ""


# --- My dossiers -------------------------------------------------------------------------------


def test_my_dossiers_only_mine_with_constant_queries(client, world, django_assert_num_queries):
    mine = receive(world)
    theirs = receive(world, applicant=applicant_data(name="Người Khác", personal_id=PERSONAL_ID_2))
    _login(client, world.citizen)
    dossier_services.dossier_request_supplement(
        actor=world.officer, dossier=mine, items=["Giấy tờ A"], reason="Thiếu"
    )
    few, r = _count_queries(client, reverse("portal:my_dossiers"))
    html = r.content.decode()
    assert mine.code in html and theirs.code not in html
    assert "Giấy tờ A" in html
    for _ in range(4):
        d = receive(world)
        dossier_services.dossier_request_supplement(
            actor=world.officer, dossier=d, items=["Giấy tờ B"], reason="Thiếu"
        )
    with django_assert_num_queries(few):
        html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert html.count("Giấy tờ B") == 4
    # Another applicant's dossier: the same 404 as an unknown code.
    assert client.get(reverse("portal:my_dossier", args=[theirs.code])).status_code == 404
    assert client.get(reverse("portal:my_dossier", args=["KHONG-CO"])).status_code == 404
    assert client.get(reverse("portal:my_dossier", args=[mine.code])).status_code == 200


def test_another_citizen_cannot_act_on_my_dossier(client, world):
    d = receive(world)
    other = make_user(personal_id=PERSONAL_ID_2)
    grant(other, Role.CITIZEN, None)
    _login(client, other)
    assert client.get(reverse("portal:my_dossier", args=[d.code])).status_code == 404
    r = client.post(reverse("portal:my_rate", args=[d.code]), {"rating": "normal"})
    assert r.status_code == 404
    assert client.get(reverse("portal:my_result", args=[d.code])).status_code == 404


def test_online_supplement_resumes_processing(client, world):
    d = _online(world)
    dossier_services.dossier_request_supplement(
        actor=world.officer, dossier=d, items=["Bản sao CCCD của mẹ"], reason="Thiếu"
    )
    d.refresh_from_db()
    _login(client, world.citizen)
    r = client.post(
        reverse("portal:my_supplement", args=[d.code]),
        {"version": d.version, "file_0": SimpleUploadedFile("cccd.png", PNG)},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == "processing"
    c = d.components.order_by("-pk").first()
    assert c.name == "Bản sao CCCD của mẹ" and c.source == ComponentSource.ELECTRONIC


def test_supplement_with_bad_file_changes_nothing(client, world):
    d = _online(world)
    dossier_services.dossier_request_supplement(
        actor=world.officer, dossier=d, items=["Bản sao"], reason="Thiếu"
    )
    d.refresh_from_db()
    version = d.version
    _login(client, world.citizen)
    r = client.post(
        reverse("portal:my_supplement", args=[d.code]),
        {"version": d.version, "file_0": SimpleUploadedFile("x.png", b"GIF89a....")},
    )
    assert r.status_code == 400
    d.refresh_from_db()
    assert (d.status, d.version) == ("waiting_supplement", version)


def test_rate_and_download_result_from_my_dossiers(client, world):
    d = _online(world)
    d = drive_to(world, d, "approved")
    dossier_services.dossier_issue_result(
        actor=world.officer,
        dossier=d,
        paper=False,
        electronic_file=ContentFile(PDF, name="kq.pdf"),
        expected_version=d.version,
    )
    _login(client, world.citizen)
    html = client.get(reverse("portal:my_dossier", args=[d.code])).content.decode()
    assert reverse("portal:my_result", args=[d.code]) in html
    r = client.get(reverse("portal:my_result", args=[d.code]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    r = client.post(reverse("portal:my_rate", args=[d.code]), {"rating": "normal"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.rating == "normal"


def test_unpaid_fee_links_to_payment_or_says_pay_at_the_counter(client, world, monkeypatch):
    from cchc.portal import views

    d = _online(world)
    Dossier.objects.filter(pk=d.pk).update(fee_status="unpaid", fee_amount=50000)
    _login(client, world.citizen)
    html = client.get(reverse("portal:my_dossier", args=[d.code])).content.decode()
    assert "50.000 đ" in html
    assert f"/integrations/thanh-toan/{d.code}/" in html
    # Without the payments app, the page says where to pay.
    monkeypatch.setattr(views, "_payment_link", lambda dossier: None)
    html = client.get(reverse("portal:my_dossier", args=[d.code])).content.decode()
    assert "Thanh toán tại quầy" in html


def test_proxy_authorisation_recorded(client, world):
    d = _online(world)
    _login(client, world.citizen)
    r = client.post(
        reverse("portal:my_proxy", args=[d.code]),
        {
            "proxy_name": "Trần Văn Nhận",
            "proxy_personal_id": PERSONAL_ID_2,
            "document": SimpleUploadedFile("../uy-quyen.pdf", PDF),
        },
    )
    assert r.status_code == 302
    p = ProxyAuthorisation.objects.get()
    assert (p.dossier_code, p.proxy_personal_id, p.document_name) == (
        d.code,
        PERSONAL_ID_2,
        "uy-quyen.pdf",
    )
    assert "uy-quyen" not in p.document.name


# --- Petitions -----------------------------------------------------------------------------------


def test_petition_due_in_15_working_days_and_staff_answer(client, world):
    d = receive(world)
    r = client.post(
        reverse("portal:petition"),
        {
            "unit": world.one_stop.pk,
            "kind": "feedback",
            "content": "Cán bộ hẹn trả kết quả nhưng không trả đúng hẹn.",
            "submitter_name": "Nguyễn Thị Dân",
            "submitter_contact": "0912345678",
            "dossier_code": d.code,
        },
    )
    assert r.status_code == 200
    p = Petition.objects.get()
    # Monday 16/11/2026 08:00; the clock starts the next working day (as for dossiers);
    # 15 working days, skipping weekends and 24/11 (a day off in the test calendar).
    assert timezone.localtime(p.due_at).strftime("%d/%m/%Y %H:%M") == "08/12/2026 17:00"
    # The outsider (another commune's officer) does not see it; our officer does.
    _login(client, world.outsider)
    assert p.code not in client.get(reverse("portal:petition_staff")).content.decode()
    r = client.post(reverse("portal:petition_staff"), {"code": p.code, "response": "Xin lỗi"})
    assert r.status_code == 403
    _login(client, world.officer)
    assert p.code in client.get(reverse("portal:petition_staff")).content.decode()
    r = client.post(
        reverse("portal:petition_staff"), {"code": p.code, "response": "Đã chấn chỉnh."}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == PetitionStatus.ANSWERED and p.responded_by == world.officer


def test_petition_refused_without_content(client, world):
    r = client.post(reverse("portal:petition"), {"unit": world.one_stop.pk, "kind": "feedback"})
    assert r.status_code == 400
    assert "Vui lòng nêu rõ nội dung" in r.content.decode()
    assert Petition.objects.count() == 0


@pytest.mark.parametrize("name", ["home", "catalog", "lookup", "petition"])
def test_public_pages_render(client, world, name):
    assert client.get(reverse(f"portal:{name}")).status_code == 200


def test_counter_dossier_of_the_same_person_can_be_rated_from_my_dossiers(client, world):
    # Received at the counter (no linked account): the signed-in citizen with the same
    # personal ID acts on it, as dossiers_of_citizen lists it.
    d = drive_to(world, receive(world), "returned")
    _login(client, world.citizen)
    r = client.post(reverse("portal:my_rate", args=[d.code]), {"rating": "dissatisfied"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.rating == "dissatisfied"


@pytest.mark.parametrize(("name", "status"), [("my_withdraw", "withdrawn"), ("my_stop", "stopped")])
def test_withdraw_or_stop_from_my_dossiers(client, world, name, status):
    d = _online(world)
    _login(client, world.citizen)
    r = client.post(reverse(f"portal:{name}", args=[d.code]), {"reason": "", "version": d.version})
    assert r.status_code == 400
    assert "Vui lòng ghi lý do" in r.content.decode()
    r = client.post(
        reverse(f"portal:{name}", args=[d.code]),
        {"reason": "Không còn nhu cầu", "version": d.version},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == status


@pytest.mark.django_db
def test_shipped_application_forms_exist():
    from cchc.portal.models import ApplicationForm

    codes = set(ApplicationForm.objects.values_list("procedure_code", flat=True))
    assert {"1.001193", "2.000815", "1.001612"} <= codes


def test_citizen_home_links_to_the_portal(client, world):
    _login(client, world.citizen)
    html = client.get("/").content.decode()
    assert reverse("portal:my_dossiers") in html
    assert reverse("portal:catalog") in html


def _petition(client, world):
    r = client.post(
        reverse("portal:petition"),
        {
            "unit": world.one_stop.pk,
            "kind": "recommendation",
            "content": "Đề nghị bố trí thêm ghế chờ tại Bộ phận Một cửa.",
            "submitter_name": "Nguyễn Thị Dân",
            "submitter_contact": "dan@example.vn",
        },
    )
    secret = re.search(r'id="petition-secret">([^<]+)<', r.content.decode()).group(1)
    return Petition.objects.get(), secret


def test_petition_lookup_and_rating_once_after_answer(client, world):
    from cchc.portal import services as portal_services

    p, secret = _petition(client, world)
    url = reverse("portal:petition_lookup")
    assert client.post(url, {"ma": p.code, "s": "sai"}).status_code == 404
    r = client.post(url, {"ma": p.code, "s": secret, "rating": "satisfied"})
    assert (
        r.status_code == 400 and "sau khi phản ánh, kiến nghị đã được trả lời" in r.content.decode()
    )
    portal_services.petition_respond(actor=world.officer, petition=p, response="Đã bố trí.")
    r = client.post(url, {"ma": p.code, "s": secret})
    assert "Đã bố trí." in r.content.decode()
    assert client.post(url, {"ma": p.code, "s": secret, "rating": "satisfied"}).status_code == 200
    r = client.post(url, {"ma": p.code, "s": secret, "rating": "dissatisfied"})
    assert r.status_code == 400
    p.refresh_from_db()
    assert p.rating == "satisfied"


def test_applicant_details_prefilled_from_the_previous_dossier(client, world):
    receive(world, applicant=applicant_data(address="99 Trần Hưng Đạo", phone="0987654321"))
    _login(client, world.citizen)
    html = client.get(_submit_url(world, don_vi=world.one_stop.pk)).content.decode()
    assert 'value="99 Trần Hưng Đạo"' in html
    assert 'value="0987654321"' in html


def test_unit_outside_the_procedure_cannot_be_chosen(client, world):
    _login(client, world.citizen)
    html = client.get(_submit_url(world, don_vi=world.department.pk)).content.decode()
    assert "Bước 1: Chọn nơi tiếp nhận hồ sơ" in html
    data = _post_data(world, don_vi=world.department.pk)
    client.post(_submit_url(world), data)
    assert Dossier.objects.count() == 0


def test_data_store_lists_and_downloads_only_my_documents(client, world):
    mine = receive(world, components=components_for(world, source=ComponentSource.DIGITIZED))
    theirs = receive(
        world,
        applicant=applicant_data(name="Người Khác", personal_id=PERSONAL_ID_2),
        components=components_for(world, source=ComponentSource.DIGITIZED),
    )
    my_scan = mine.components.get(requirement__order=2)
    their_scan = theirs.components.get(requirement__order=2)
    _login(client, world.citizen)
    html = client.get(reverse("portal:my_store")).content.decode()
    assert f"component:{my_scan.pk}" in html
    assert f"component:{their_scan.pk}" not in html
    url = reverse("portal:my_store_download")
    r = client.get(url, {"ref": f"component:{my_scan.pk}"})
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == pdf_bytes("scan of Giấy chứng sinh")
    assert client.get(url, {"ref": f"component:{their_scan.pk}"}).status_code == 404
    assert client.get(url, {"ref": f"result:{theirs.code}"}).status_code == 404
    assert client.get(url, {"ref": "../../etc/passwd"}).status_code == 404


def test_status_shows_the_apology_date(client, world):
    import datetime as dt

    d = receive(world)
    drive_to(world, d, "at_department")
    new_due = timezone.localtime(d.due_at) + dt.timedelta(days=3)
    dossier_services.dossier_apologise(
        actor=world.leader,
        dossier=Dossier.objects.get(pk=d.pk),
        new_due=new_due,
        reason="Cần xác minh thêm",
    )
    html = client.post(
        reverse("portal:lookup"), {"ma": d.code, "s": d.issued_lookup_secret}
    ).content.decode()
    assert "Hẹn trả lại (đã xin lỗi, gia hạn)" in html
    assert new_due.strftime("%d/%m/%Y") in html
