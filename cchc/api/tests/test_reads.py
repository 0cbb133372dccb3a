"""Procedures (public), the 766 index, directive tasks, and the schema/docs pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.api.errors import ERROR_STATUSES
from cchc.api.tests.conftest import client_for
from cchc.directives.models import DirectiveDocument, Task
from cchc.dossiers.tests.factories import make_procedure, receive
from cchc.procedures.services import procedure_search_text_refresh

pytestmark = pytest.mark.django_db


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries)


# --- Procedures ------------------------------------------------------------------------


def test_procedure_catalog_filters_and_detail(world):
    other = make_procedure(name="Đăng ký kết hôn")
    for version in (world.version, other):
        procedure_search_text_refresh(procedure=version.procedure)
    client = Client()
    r = client.get("/api/procedures?q=ket hon")
    assert r.status_code == 200
    assert [p["code"] for p in r.json()["items"]] == [other.procedure.code]
    assert r.json()["count"] == 1
    r = client.get(f"/api/procedures/{world.procedure.code}")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Đăng ký khai sinh"
    assert [c["name"] for c in body["components"]][:2] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert [s["order"] for s in body["steps"]] == [1, 2, 3, 4]
    missing = client.get("/api/procedures/1.999999.000.00.00.H52")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_procedure_list_query_count_is_flat(world):
    client = Client()
    one = _count(client, "/api/procedures")
    for i in range(4):
        make_procedure(name=f"Thủ tục {i}")
    assert _count(client, "/api/procedures") == one


# --- 766 index ---------------------------------------------------------------------------


def test_index_of_a_unit_for_a_period(world):
    receive(world)
    client = client_for(world.officer)
    year = timezone.localdate().year
    r = client.get(f"/api/indices/{world.one_stop.code}?period={year}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["unit_code"] == world.one_stop.code and body["period"] == str(year)
    assert body["dossiers"] == 1
    on_time = next(c for c in body["criteria"] if c["code"] == "DOSSIER_ON_TIME")
    assert on_time["denominator"] == 1 and on_time["name"]
    bad = client.get(f"/api/indices/{world.one_stop.code}?period=2026-13")
    assert bad.status_code == 422
    assert "period" in bad.json()["error"]["fields"]
    assert client.get(f"/api/indices/KHONG-CO?period={year}").status_code == 404


# --- Directive tasks ---------------------------------------------------------------------


def _task(world, n: int, **kw) -> Task:
    document = DirectiveDocument.objects.create(
        kind="Thông báo", number=f"{n}/TB-UBND", text="…", created_by=world.leader
    )
    task = Task.objects.create(document=document, number=str(n), text=f"Nhiệm vụ {n}", **kw)
    task.lead_units.add(world.department)
    return task


def test_directive_tasks_of_my_units_only(world):
    past = timezone.now() - dt.timedelta(days=1)
    overdue = _task(world, 1, deadline=past)
    _task(world, 2)
    specialist = client_for(world.specialist)
    r = specialist.get("/api/directives/tasks")
    assert r.status_code == 200, r.content
    assert r.json()["count"] == 2
    r = specialist.get("/api/directives/tasks?overdue=true")
    assert [t["id"] for t in r.json()["items"]] == [overdue.pk]
    assert r.json()["items"][0]["lead_units"] == [world.department.code]
    assert client_for(world.outsider).get("/api/directives/tasks").json()["count"] == 0


def test_directive_task_list_query_count_is_flat(world):
    specialist = client_for(world.specialist)
    _task(world, 1)
    specialist.get("/api/directives/tasks")  # token's last-use write
    one = _count(specialist, "/api/directives/tasks")
    for n in range(2, 6):
        _task(world, n)
    assert _count(specialist, "/api/directives/tasks") == one


# --- Schema and docs ---------------------------------------------------------------------


def test_schema_is_openapi_31_and_every_operation_documents_the_error_shape(db):
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert {"ErrorOut", "ErrorDetail"} <= set(schema["components"]["schemas"])
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for status in ERROR_STATUSES:
                ref = op["responses"][str(status)]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
    assert "/api/open311/v2/requests/{code}.json" in schema["paths"]


def test_docs_page_is_served_with_local_assets(db):
    r = Client().get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
