import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cchc.calendars.models import OfficeHours

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def run(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_prints_only_the_due_date():
    assert run("--received", "2024-02-05", "--days", "5") == "2024-02-19\n"


def test_received_with_time_after_cutoff():
    assert run("--received", "2024-03-04T16:45", "--days", "1") == "2024-03-06\n"
    assert run("--received", "2024-03-04T10:00", "--days", "1") == "2024-03-05\n"


def test_json_output():
    data = json.loads(run("--received", "2025-12-31T10:00", "--days", "1", "--json"))
    assert data["received"] == "2025-12-31T10:00:00"
    assert data["due"] == "2026-01-05"
    assert data["working_days"] == 1
    assert data["due_at"] == "2026-01-05T17:00:00+07:00"


def test_other_time_units():
    assert (
        run("--received", "2024-02-05", "--days", "3", "--unit-type", "calendar_days")
        == "2024-02-15\n"
    )
    assert (
        run("--received", "2024-03-04T10:00", "--days", "8", "--unit-type", "working_hours")
        == "2024-03-05\n"
    )


def test_unit_code_selects_office_hours(make_unit):
    import datetime as dt

    unit = make_unit(code="P99.TTHCC")
    OfficeHours.objects.create(unit=unit, receipt_cutoff=dt.time(10, 0))
    assert (
        run("--received", "2024-03-04T10:30", "--days", "1", "--unit", "P99.TTHCC")
        == "2024-03-06\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2024-13-05", "--days", "5"], "--received"),
        (["--received", "05/02/2024", "--days", "5"], "--received"),
        (["--received", "2024-02-05", "--days", "-1"], "không âm"),
        (["--received", "2024-02-05", "--days", "năm"], "không âm"),
        (["--received", "2024-02-05", "--days", "5", "--unit", "NOPE"], "NOPE"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def _cchc():
    exe = Path(sys.executable).with_name("cchc")
    return str(exe if exe.exists() else ROOT / ".venv" / "bin" / "cchc")


@pytest.mark.slow
def test_real_subprocess(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    migrate = subprocess.run(
        [_cchc(), "migrate", "calendars", "-v0"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert migrate.returncode == 0, migrate.stderr
    ok = subprocess.run(
        [_cchc(), "deadline", "--received", "2024-02-05", "--days", "5"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (ok.returncode, ok.stdout) == (0, "2024-02-19\n")
    bad = subprocess.run(
        [_cchc(), "deadline", "--received", "hôm qua", "--days", "5"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode != 0
    assert bad.stdout == ""
    assert "--received" in bad.stderr
