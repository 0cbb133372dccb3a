"""Background generation, the web screens, permissions and scheduled delivery."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cchc.accounts.models import Role
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import grant, make_user
from cchc.reports import services
from cchc.reports.models import JobStatus, ReportDelivery, ReportJob, ReportSchedule

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def chairman(world):
    u = make_user(full_name="Chủ tịch phường", email="ct@example.vn")
    grant(u, Role.CHAIRMAN, world.commune)
    return u


def test_job_runs_in_background_task_and_records_progress(
    world, chairman, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_job_create(
            actor=chairman, unit=world.commune, period="2026-11", format="xlsx"
        )
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    assert job.snapshot_at is not None
    wb = load_workbook(io.BytesIO(job.file.read()))
    assert next(wb["Tổng hợp"].iter_rows(min_row=5, values_only=True))[1] == 3


def test_job_needs_report_view_and_a_valid_period(world, chairman):
    with pytest.raises(PermissionDenied):
        services.report_job_create(
            actor=world.outsider, unit=world.commune, period="2026-11", format="docx"
        )
    with pytest.raises(ValidationError) as exc:
        services.report_job_create(
            actor=chairman, unit=world.commune, period="2026-Q5", format="docx"
        )
    assert "2026-Q5" in exc.value.messages[0]
    assert not ReportJob.objects.exists()


def test_web_request_status_and_download(
    world, chairman, client, django_capture_on_commit_callbacks
):
    client.force_login(chairman)
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200 and world.commune.name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("reports:index"),
            {"unit": world.commune.code, "period": "2026-11", "format": "docx"},
        )
    job = ReportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("reports:job", args=[job.pk])
    status = client.get(r["Location"])
    assert "Đã xong" in status.content.decode()
    f = client.get(reverse("reports:download", args=[job.pk]))
    doc = Document(io.BytesIO(b"".join(f.streaming_content)))
    assert "BÁO CÁO" in "\n".join(p.text for p in doc.paragraphs)
    bad = client.post(
        reverse("reports:index"), {"unit": world.commune.code, "period": "xx", "format": "docx"}
    )
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    client.force_login(world.outsider)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 403


def test_scheduled_monthly_report_delivered_in_app_and_by_mail(world, chairman, clock):
    reader = make_user(full_name="Văn phòng", email="vp@example.vn")
    s = services.report_schedule_create(
        actor=chairman,
        unit=world.commune,
        kind="monthly",
        format="docx",
        recipients=[reader],
        emails=["lanhdao@example.vn"],
    )
    clock.set(dt.datetime(2026, 12, 1, 6, 0, tzinfo=VN))  # November has closed
    jobs = services.reports_run_scheduled()
    assert [(j.period, j.status) for j in jobs] == [("2026-11", JobStatus.DONE)]
    assert ReportDelivery.objects.get().user == reader
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert sorted(msg.to) == ["lanhdao@example.vn", "vp@example.vn"]
    name, content, _ = msg.attachments[0]
    assert name.endswith(".docx")
    body = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "tháng 11 năm 2026" in body and "tiếp nhận 3 hồ sơ" in body
    # Once per period: running again the same day sends nothing.
    assert services.reports_run_scheduled() == []
    assert ReportSchedule.objects.get(pk=s.pk).last_period == "2026-11"


def test_closed_periods():
    d = dt.date(2026, 1, 3)
    assert services.closed_period("monthly", d) == "2025-12"
    assert services.closed_period("quarterly", d) == "2025-Q4"
    assert services.closed_period("half", d) == "2025-H2"
    assert services.closed_period("yearly", d) == "2025"
    assert services.closed_period("quarterly", dt.date(2026, 5, 1)) == "2026-Q1"


def test_schedule_rejects_bad_email(world, chairman):
    with pytest.raises(ValidationError):
        services.report_schedule_create(
            actor=chairman, unit=world.commune, kind="monthly", emails=["khong-phai-thu"]
        )
    assert not ReportSchedule.objects.exists()


def test_status_page_polls_with_htmx_until_done(world, chairman, client):
    job = ReportJob.objects.create(
        unit=world.commune, period="2026-11", format="pdf", requested_by=chairman
    )
    client.force_login(chairman)
    r = client.get(reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"})
    html = r.content.decode()
    assert 'id="job-status"' in html and "every 2s" in html and "<h1>" not in html
    services.report_job_run(job_id=job.pk)
    r = client.get(reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "every 2s" not in r.content.decode() and "Đã xong" in r.content.decode()


def test_subscribe_from_the_web_page(world, chairman, client, django_assert_max_num_queries):
    client.force_login(chairman)
    r = client.post(
        reverse("reports:schedule_create"),
        {"unit": world.commune.code, "kind": "quarterly", "format": "pdf", "emails": "a@b.vn"},
    )
    assert r.status_code == 302
    s = ReportSchedule.objects.get()
    assert (s.unit, s.kind, s.email_list, list(s.recipients.all())) == (
        world.commune,
        "quarterly",
        ["a@b.vn"],
        [chairman],
    )
    bad = client.post(
        reverse("reports:schedule_create"),
        {"unit": world.commune.code, "kind": "weekly", "format": "pdf"},
    )
    assert bad.status_code == 400 and ReportSchedule.objects.count() == 1
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reports:index"))
    assert "Hằng quý" in page.content.decode()
