"""The screens through the Django test client (forms, downloads, refusals)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from cchc.assessments import services
from cchc.assessments.models import Assessment, AssessmentStatus, Remedy

from .conftest import PASSWORD


@pytest.fixture
def chairman_client(client, prov):
    client.login(username="chutich", password=PASSWORD)
    return client


def _login(client, username):
    client.logout()
    client.login(username=username, password=PASSWORD)


def test_index_lists_and_opens_an_assessment(chairman_client, prov):
    page = chairman_client.get("/assessments/")
    assert page.status_code == 200
    assert "Mở bản tự đánh giá" in page.content.decode()
    r = chairman_client.post(
        "/assessments/open/", {"framework": prov.framework.pk, "unit": prov.commune.code}
    )
    a = Assessment.objects.get(unit=prov.commune)
    assert r.status_code == 302 and r["Location"] == f"/assessments/{a.pk}/"
    # Another commune's chairman cannot open it.
    _login(chairman_client, "chutich2")
    assert chairman_client.get(f"/assessments/{a.pk}/").status_code == 403


def test_self_assess_form_errors_are_shown_and_nothing_saved(chairman_client, prov):
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    s = a.scores.get(criterion__code="1.1")
    r = chairman_client.post(
        f"/assessments/{a.pk}/criteria/{s.pk}/self/", {"points": "9"}, follow=True
    )
    assert "Điểm phải nằm trong khoảng từ 0 đến 3.00." in r.content.decode()
    s.refresh_from_db()
    assert s.self_score is None
    evidence = SimpleUploadedFile("kh.pdf", b"%PDF-1.4 ke hoach", content_type="application/pdf")
    chairman_client.post(
        f"/assessments/{a.pk}/criteria/{s.pk}/self/", {"points": "2,5", "evidence_file": evidence}
    )
    s.refresh_from_db()
    assert s.self_score == Decimal("2.5") and s.evidence_file.name.endswith(".pdf")


def test_full_cycle_through_the_screens_and_downloads(chairman_client, client, prov):
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    for s in a.scores.select_related("criterion"):
        if s.self_score is None:
            chairman_client.post(
                f"/assessments/{a.pk}/criteria/{s.pk}/self/",
                {"points": str(s.criterion.max_points), "evidence_link": "https://vb.vn/1"},
            )
    chairman_client.post(f"/assessments/{a.pk}/submit/")
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    # The chairman may not appraise (403 from the service's PermissionDenied).
    s11 = a.scores.get(criterion__code="1.1")
    r = chairman_client.post(
        f"/assessments/{a.pk}/criteria/{s11.pk}/appraise/", {"decision": "accept"}
    )
    assert r.status_code == 403
    _login(client, "noivu")
    client.post(
        f"/assessments/{a.pk}/criteria/{s11.pk}/appraise/",
        {"decision": "adjust", "points": "1", "comment": "Trễ hạn"},
    )
    for s in a.scores.exclude(pk=s11.pk):
        client.post(f"/assessments/{a.pk}/criteria/{s.pk}/appraise/", {"decision": "accept"})
    client.post(f"/assessments/{a.pk}/finalise/")
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINAL and a.final_total == a.self_total - 2
    page = client.get(f"/assessments/{a.pk}/").content.decode()
    assert "Trễ hạn" in page and "Đã công bố kết quả" in page
    xlsx = client.get(f"/assessments/{a.pk}/?format=xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content))["Tiêu chí"]
    assert ws["B2"].value == "1.1" and ws["I2"].value == 1
    docx = client.get(f"/assessments/{a.pk}/?format=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Kết quả tự đánh giá, chấm điểm xác định Chỉ số cải cách hành chính năm 2026" in text
    assert f"Điểm sau thẩm định: {a.final_total}" in text
    results = client.get(f"/assessments/frameworks/{prov.framework.pk}/results/")
    assert prov.commune.name in results.content.decode()
    r = client.get(f"/assessments/frameworks/{prov.framework.pk}/results/?format=xlsx")
    assert load_workbook(io.BytesIO(r.content))["Xếp hạng"]["B2"].value == "XA01"
    # One click: the weak criterion 1.1 (1/3 < 50 %) becomes a remedial task.
    client.post(
        f"/assessments/frameworks/{prov.framework.pk}/remedy/",
        {"criterion": s11.criterion.pk, "unit": prov.commune.pk},
    )
    assert Remedy.objects.get().unit == prov.commune


def test_survey_upload_screen(client, prov):
    s = services.survey_create_from_template(actor=None, kind="sipas", year=2026)
    _login(client, "noivu")
    header = "don_vi," + ",".join(f"q{i}" for i in range(1, 11)) + "\n"
    upload = SimpleUploadedFile("s.csv", (header + "XA01,5,5,5,5,5,5,5,5,5,7\n").encode())
    r = client.post(f"/assessments/surveys/{s.pk}/", {"file": upload}, follow=True)
    assert "dòng 2, cột q10: 7 ngoài thang 1–5." in r.content.decode()
    upload = SimpleUploadedFile("s.csv", (header + "XA01,5,5,5,5,5,5,5,5,5,4\n").encode())
    r = client.post(f"/assessments/surveys/{s.pk}/", {"file": upload}, follow=True)
    assert "Đã nhập 1 phiếu khảo sát." in r.content.decode()
    assert prov.commune.name in r.content.decode()
    _login(client, "chutich")
    assert client.get(f"/assessments/surveys/{s.pk}/").status_code == 403


def test_head_screens(client, prov):
    _login(client, "noivu")
    weights = {f"w_{k}": "20" for k in ("index766", "par", "tasks", "late", "satisfaction")}
    r = client.post(
        "/assessments/heads/",
        {"year": "2026", "unit": prov.commune.code, "head_name": "Ông A", **weights},
    )
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "chưa có số liệu" in page and "Ông A" in page
    listing = client.get("/assessments/heads/?year=2026").content.decode()
    assert prov.commune.name in listing


def test_index_query_count_is_bounded(client, prov, django_assert_max_num_queries):
    for unit in (prov.commune, prov.other_commune):
        services.assessment_open(actor=prov.home_affairs, framework=prov.framework, unit=unit)
    _login(client, "noivu")
    with django_assert_max_num_queries(14):
        assert client.get("/assessments/").status_code == 200
