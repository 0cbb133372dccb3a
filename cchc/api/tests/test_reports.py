"""Reports over the API: request, follow, download — with the screens' permission checks."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from cchc.accounts.models import Role
from cchc.api.tests.conftest import client_for
from cchc.dossiers.tests.factories import grant, make_user
from cchc.reports.models import ReportJob


@pytest.fixture
def chairman(world):
    u = make_user(full_name="Chủ tịch phường")
    grant(u, Role.CHAIRMAN, world.commune)
    return u


def test_request_follow_and_download_a_report(world, chairman, django_capture_on_commit_callbacks):
    client = client_for(chairman)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/api/reports/jobs",
            {"unit_code": world.commune.code, "period": "2026-11", "format": "xlsx"},
            content_type="application/json",
        )
    assert r.status_code == 202, r.content
    job_id = r.json()["id"]
    detail = client.get(f"/api/reports/jobs/{job_id}").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert detail["snapshot_at"] is not None
    assert detail["download_url"] == f"/api/reports/jobs/{job_id}/file"
    f = client.get(detail["download_url"])
    assert f.status_code == 200
    assert world.commune.code in f["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(f.streaming_content)))
    assert "Tổng hợp" in workbook.sheetnames
    listed = client.get("/api/reports/jobs").json()
    assert [j["id"] for j in listed["items"]] == [job_id]


def test_bad_requests_change_nothing_and_answer_in_the_error_shape(world, chairman):
    client = client_for(chairman)

    def post(**payload):
        body = {"unit_code": world.commune.code, "period": "2026-11", "format": "pdf"}
        return client.post(
            "/api/reports/jobs", {**body, **payload}, content_type="application/json"
        )

    r = post(period="2026-Q5")
    assert r.status_code == 422 and "period" in r.json()["error"]["fields"]
    r = post(unit_code="KHONG-CO")
    assert r.status_code == 422 and "unit_code" in r.json()["error"]["fields"]
    assert post(format="odt").status_code == 422
    # A unit outside the caller's scope: refused, and nothing is queued.
    outsider = client_for(world.outsider).post(
        "/api/reports/jobs",
        {"unit_code": world.commune.code, "period": "2026-11", "format": "pdf"},
        content_type="application/json",
    )
    assert outsider.status_code == 403
    assert outsider.json()["error"]["code"]
    assert not ReportJob.objects.exists()


def test_someone_elses_report_is_not_visible_and_an_unfinished_one_not_downloadable(
    world, chairman
):
    client = client_for(chairman)
    r = client.post(
        "/api/reports/jobs",
        {"unit_code": world.commune.code, "period": "2026-11", "format": "docx"},
        content_type="application/json",
    )
    job_id = r.json()["id"]  # on_commit not run: still queued
    assert client.get(f"/api/reports/jobs/{job_id}").json()["status"] == "queued"
    not_ready = client.get(f"/api/reports/jobs/{job_id}/file")
    assert not_ready.status_code == 409 and not_ready.json()["error"]["code"] == "not_ready"
    other = client_for(world.outsider)
    # Another unit's report is answered as missing, without a word about it.
    for url in (f"/api/reports/jobs/{job_id}", f"/api/reports/jobs/{job_id}/file"):
        refused = other.get(url)
        assert refused.status_code == 404
        assert world.commune.code not in refused.content.decode()
    assert other.get("/api/reports/jobs").json()["count"] == 0
    assert client.get("/api/reports/jobs/999999").status_code == 404
