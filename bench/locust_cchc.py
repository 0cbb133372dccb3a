"""Locust users for `bench/locust_run.py` (run that, not this file directly).

Closed loop, no think time, as the bare-stack anchors (`http-anchors.md`). The fixture
file named by BENCH_FIXTURE (written by locust_run.py) carries API tokens, the intake
payload, and the codes/secrets to use; intake appends each new dossier's code and lookup
secret to BENCH_CREATED so the lookup and step scenarios can use real dossiers.

- LookupUser: the citizen's public status lookup, the HTML form POST /dvc/tra-cuu/
  (CSRF token from one GET, then code + lookup secret each time; the per-IP limiter runs).
- IntakeUser: counter intake through the API, POST /api/dossiers (officer token).
- StepUser: step actions through the API: GET /api/dossiers/{code} then the next action
  of the four-step process (handover, assign, handover to leader, approve, issue result,
  return result) with expected_version, each as its own role's token.
- DashboardUser: a chairman's index dashboard GET /indices/ and queue GET /dossiers/
  in a signed-in session.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import FastHttpUser, constant, task

FIXTURE = json.loads(open(os.environ["BENCH_FIXTURE"]).read())  # noqa: SIM115
CREATED_PATH = os.environ.get("BENCH_CREATED", "")
_created = open(CREATED_PATH, "a") if CREATED_PATH else None  # noqa: SIM115
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {FIXTURE['tokens'][role]}"}


class LookupUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.pairs = FIXTURE["lookup"]
        r = self.client.get("/dvc/tra-cuu/", name="GET /dvc/tra-cuu/ (form)")
        match = _CSRF.search(r.text or "")
        self.csrf = match.group(1) if match else ""

    @task
    def lookup(self) -> None:
        code, secret = random.choice(self.pairs)
        with self.client.post(
            "/dvc/tra-cuu/",
            data={"csrfmiddlewaretoken": self.csrf, "ma": code, "s": secret},
            headers={"Referer": self.host + "/dvc/tra-cuu/"},
            name="POST /dvc/tra-cuu/",
            catch_response=True,
        ) as r:
            if r.status_code != 200 or code not in (r.text or ""):
                r.failure(f"status {r.status_code}")


class IntakeUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def intake(self) -> None:
        with self.client.post(
            "/api/dossiers",
            json=FIXTURE["intake"],
            headers=_auth("officer"),
            name="POST /api/dossiers",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"status {r.status_code}: {(r.text or '')[:200]}")
                return
            body = r.json()
            if _created is not None:
                _created.write(f"{body['code']}\t{body['lookup_secret']}\n")
                _created.flush()


def _next_action(version: int) -> tuple[str, str, dict] | None:
    w = FIXTURE["world"]
    return {
        1: ("officer", "handover", {"to_unit": w["department"]}),
        2: ("leader", "assign", {"to_user": w["specialist"]}),
        3: ("specialist", "handover", {"to_unit": w["department"], "to_user": w["leader"]}),
        4: ("leader", "approve", {}),
        5: ("officer", "issue-result", {"paper": True}),
        6: ("officer", "return-result", {"method": "counter"}),
    }.get(version)


_step_pool: list[str] = list(FIXTURE.get("steps", []))
random.shuffle(_step_pool)


class StepUser(FastHttpUser):
    wait_time = constant(0)
    code: str | None = None

    @task
    def step(self) -> None:
        if self.code is None:
            if not _step_pool:
                return
            self.code = _step_pool.pop()
        r = self.client.get(
            f"/api/dossiers/{self.code}", headers=_auth("officer"), name="GET /api/dossiers/[code]"
        )
        if r.status_code != 200:
            return
        action = _next_action(r.json()["version"])
        if action is None:
            self.code = None  # returned: take the next dossier
            return
        role, name, body = action
        with self.client.post(
            f"/api/dossiers/{self.code}/{name}",
            json={"expected_version": r.json()["version"], **body},
            headers=_auth(role),
            name="POST /api/dossiers/[code]/[action]",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}: {(resp.text or '')[:200]}")


class DashboardUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        r = self.client.get("/accounts/login/", name="GET /accounts/login/")
        match = _CSRF.search(r.text or "")
        self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": match.group(1) if match else "",
                "username": FIXTURE["dashboard"]["username"],
                "password": FIXTURE["dashboard"]["password"],
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="POST /accounts/login/",
        )

    @task(3)
    def dashboard(self) -> None:
        with self.client.get("/indices/", name="GET /indices/", catch_response=True) as r:
            if r.status_code != 200 or "login" in (r.url or ""):
                r.failure(f"status {r.status_code} {r.url}")

    @task(1)
    def queue(self) -> None:
        with self.client.get("/dossiers/", name="GET /dossiers/", catch_response=True) as r:
            if r.status_code != 200 or "login" in (r.url or ""):
                r.failure(f"status {r.status_code} {r.url}")
