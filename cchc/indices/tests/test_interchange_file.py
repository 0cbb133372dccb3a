"""The interchange file: parsing, every error with its line, the `cchc index` command."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.indices.interchange import (
    COLUMNS,
    InterchangeError,
    facts_to_text,
    read_csv,
    read_facts,
)
from cchc.indices.tests.helpers import csv_text, facts, row


def test_times_with_and_without_seconds_flags_and_empties():
    [f] = facts(
        [
            row(
                code="H52-1",
                received_at="2024-03-04T08:05",
                due_at="2024-03-08T17:00:30",
                supplement_requests="",
                rating="",
                online_eligible=1,
            )
        ]
    )
    assert f.received_at == dt.datetime(2024, 3, 4, 8, 5, 0)
    assert f.due_at == dt.datetime(2024, 3, 8, 17, 0, 30)
    assert f.finished_at is None and f.waiting_supplement_since is None
    assert f.supplement_requests == 0 and f.rating is None
    assert f.online_eligible is True and f.complaint is False


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_returned():
    rows = [
        row(code="OK"),
        row(channel="fax"),  # line 3
        row(received_at="04/03/2024 08:00", due_at=""),  # line 4: two errors
        row(final_status="done"),  # line 5: finished status without finished_at
        row(online_eligible="yes", supplement_requests="-1", rating="great"),  # line 6
        row(final_status="processing", waiting_supplement_since="2024-03-05T08:00"),  # 7
        row(finished_at="2024-03-01T08:00"),  # line 8: before receipt
        row(code="OK"),  # line 9: duplicate
        row(received_at="2024-02-30T08:00"),  # line 10: no such day
    ]
    with pytest.raises(InterchangeError) as exc:
        read_facts(io.StringIO(csv_text(rows)))
    found = {(e.line, e.column) for e in exc.value.row_errors}
    assert found == {
        (3, "channel"),
        (4, "received_at"),
        (4, "due_at"),
        (5, "finished_at"),
        (6, "online_eligible"),
        (6, "supplement_requests"),
        (6, "rating"),
        (7, "waiting_supplement_since"),
        (8, "finished_at"),
        (9, "code"),
        (10, "received_at"),
    }
    message = exc.value.messages[0]
    assert "Dòng 3, cột channel: “fax” không hợp lệ" in message
    assert "Dòng 9, cột code: mã hồ sơ OK trùng với dòng 2" in message
    assert "không dữ liệu nào được sử dụng" in message


def test_header_must_be_exact():
    bad = csv_text([row()]).replace("unit_code", "unit")
    with pytest.raises(InterchangeError) as exc:
        read_facts(io.StringIO(bad))
    assert "thiếu cột unit_code" in exc.value.messages[0]
    swapped = ",".join([COLUMNS[1], COLUMNS[0], *COLUMNS[2:]]) + "\n"
    with pytest.raises(InterchangeError) as exc:
        read_facts(io.StringIO(swapped))
    assert "sai thứ tự cột" in exc.value.messages[0]
    with pytest.raises(InterchangeError):
        read_facts(io.StringIO(""))
    short = csv_text([row()]).rstrip("\n").rsplit(",", 1)[0] + "\n"
    with pytest.raises(InterchangeError) as exc:
        read_facts(io.StringIO(short))
    assert exc.value.row_errors[0].line == 2


def test_write_then_read_is_the_identity(tmp_path):
    original = facts(
        [
            row(code="A,1", finished_at="2024-03-05T10:00", rating="satisfied", fee_required=1),
            row(
                final_status="supplement",
                supplement_requests=2,
                waiting_supplement_since="2024-03-06T09:15:07",
            ),
        ]
    )
    path = tmp_path / "out.csv"
    path.write_text(facts_to_text(original), encoding="utf-8")
    assert read_csv(path) == original
    # Excel writes a byte-order mark: accepted.
    path.write_text("\ufeff" + facts_to_text(original), encoding="utf-8")
    assert read_csv(path) == original


def _file(tmp_path: Path) -> Path:
    rows = [
        row(unit_code="P52", finished_at="2024-03-05T10:00", result_paper=1),
        row(unit_code="P52.X", finished_at="2024-03-20T10:00", rating="dissatisfied"),
        row(unit_code="P521", finished_at="2024-03-05T10:00"),
    ]
    path = tmp_path / "hoso.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def test_index_command_scores_a_file_without_the_database(tmp_path):
    # No `db` fixture: any database access in this test raises.
    out = io.StringIO()
    call_command(
        "index",
        "--csv",
        str(_file(tmp_path)),
        "--period",
        "2024-03",
        "--unit",
        "P52",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    on_time = next(c for c in data["criteria"] if c["code"] == "DOSSIER_ON_TIME")
    assert (on_time["numerator"], on_time["denominator"], on_time["rate"]) == (1, 2, 0.5)
    # progress 20, original result 6, số hóa 4, reuse 2, satisfaction 6 (others: den 0)
    assert data["total"]["max"] == 20 + 6 + 4 + 2 + 6
    out = io.StringIO()
    call_command("index", "--csv", str(_file(tmp_path)), "--period", "2024-03", stdout=out)
    assert "DOSSIER_ON_TIME" in out.getvalue() and "xếp loại" in out.getvalue()


def test_index_command_bad_input(tmp_path):
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("index", "--csv", str(_file(tmp_path)), "--period", "2024-3")
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text([row(channel="fax")]), encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2, cột channel"):
        call_command("index", "--csv", str(bad), "--period", "2024-03")
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("index", "--csv", str(tmp_path / "none.csv"), "--period", "2024-03")


def test_cli_subprocess_json(tmp_path):
    cchc = Path(sys.executable).with_name("cchc")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [str(cchc), "index", "--csv", str(_file(tmp_path)), "--period", "2024-03", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"criteria", "groups", "total"}
    assert len(data["criteria"]) == 19
    on_time = next(c for c in data["criteria"] if c["code"] == "DOSSIER_ON_TIME")
    assert (on_time["numerator"], on_time["denominator"]) == (2, 3)
    bad = subprocess.run(
        [str(cchc), "index", "--csv", str(_file(tmp_path)), "--period", "Q1-2024"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert bad.returncode != 0
    assert "Kỳ “Q1-2024” không hợp lệ" in bad.stderr
