"""The dossier interchange file (CSV, UTF-8, header row) and dossier facts from the database.

Columns, in this order (issue 5, "Dossier interchange format"):
`code, procedure_code, unit_code, channel, received_at, due_at, finished_at, final_status,
supplement_requests, waiting_supplement_since, online_eligible, result_paper,
result_electronic, components_digitized, reused_data, fee_required, paid_online, rating,
complaint`.

- `read_csv` parses a file into `DossierFacts`, reporting every bad row by its line
  number (nothing is returned unless the whole file is valid);
- `write_csv` writes facts; `facts_from_database` derives each dossier's facts from the
  dossier projection; `export_csv` = the two together;
- `import_csv` loads another system's file into the dossier tables (see its docstring).

As of the period's end. Every figure is judged at T = 23:59:59 of the period's last day
(local time), for a past period as for the current one; scoring the database and
scoring its export give the same numbers because both go through these facts:
- population: dossiers received in the period (`received_at` in [first day 00:00:00, T]);
- a dossier finished after T is *unfinished* for the period, whatever its status now:
  its end time E is `waiting_supplement_since` if that is ≤ T, else T itself (so it is
  late once T is past `due_at`), and it is not "finished with a result" (the digitization
  criteria's denominators need `finished_at` ≤ T);
- the other columns are a snapshot taken when the facts are read (the file's rule): the
  due time after the pauses recorded so far, the supplement count, the online payment,
  the electronic result file, the rating and the complaint flag count even if recorded
  after T; `waiting_supplement_since` is known only for a dossier still waiting now, so a
  dossier that was waiting at T and has finished since is judged with E = T;
- criteria computed from the database's other data (`cchc.indices.database_criteria`:
  catalog, petitions, payments) count what is dated in the period and judge deadlines at
  T the same way; they are null when scoring a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError

from cchc.indices.formulas import (
    CHANNELS,
    FINAL_STATUSES,
    RATINGS,
    DossierFacts,
)
from cchc.indices.periods import Period

COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(DossierFacts))
assert COLUMNS == (  # noqa: S101 - import-time self-check of a constant table
    "code",
    "procedure_code",
    "unit_code",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "final_status",
    "supplement_requests",
    "waiting_supplement_since",
    "online_eligible",
    "result_paper",
    "result_electronic",
    "components_digitized",
    "reused_data",
    "fee_required",
    "paid_online",
    "rating",
    "complaint",
)
FLAG_COLUMNS: tuple[str, ...] = (
    "online_eligible",
    "result_paper",
    "result_electronic",
    "components_digitized",
    "reused_data",
    "fee_required",
    "paid_online",
    "complaint",
)
OPEN_FINAL_STATUSES = frozenset({"processing", "supplement"})
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file (the header is line 1)
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.line}" if self.line else "Tệp"
        if self.column:
            where += f", cột {self.column}"
        return f"{where}: {self.message}"


class InterchangeError(ValidationError):
    """The file is not valid; `row_errors` lists every problem found."""

    def __init__(self, row_errors: list[RowError]) -> None:
        self.row_errors = row_errors
        lines = [str(e) for e in row_errors]
        super().__init__(
            f"Tệp hồ sơ có {len(row_errors)} lỗi, không dữ liệu nào được sử dụng:\n"
            + "\n".join(lines),
            code="interchange",
        )


# --- Reading ----------------------------------------------------------------------------


def _parse_time(text: str) -> dt.datetime:
    if not _TIME.match(text):
        raise ValueError(
            f"thời điểm “{text}” không đúng dạng YYYY-MM-DDTHH:MM hoặc YYYY-MM-DDTHH:MM:SS "
            "(giờ địa phương)"
        )
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"thời điểm “{text}” không tồn tại") from None


def _parse_row(values: dict[str, str], line: int, errors: list[RowError]) -> DossierFacts | None:
    before = len(errors)
    out: dict[str, Any] = {}

    def err(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    for name in ("code", "procedure_code", "unit_code"):
        out[name] = values[name].strip()
        if not out[name]:
            err(name, "không được để trống")
    channel = values["channel"].strip()
    if channel not in CHANNELS:
        err("channel", f"“{channel}” không hợp lệ; chỉ nhận {', '.join(CHANNELS)}")
    out["channel"] = channel
    for name in ("received_at", "due_at", "finished_at", "waiting_supplement_since"):
        text = values[name].strip()
        if not text:
            if name in ("received_at", "due_at"):
                err(name, "không được để trống")
            out[name] = None
            continue
        try:
            out[name] = _parse_time(text)
        except ValueError as exc:
            err(name, str(exc))
            out[name] = None
    status = values["final_status"].strip()
    if status not in FINAL_STATUSES:
        err("final_status", f"“{status}” không hợp lệ; chỉ nhận {', '.join(FINAL_STATUSES)}")
    out["final_status"] = status
    count = values["supplement_requests"].strip()
    if not count:
        out["supplement_requests"] = 0
    elif count.isdigit():
        out["supplement_requests"] = int(count)
    else:
        err("supplement_requests", f"“{count}” không phải số lần (số nguyên không âm)")
    for name in FLAG_COLUMNS:
        text = values[name].strip()
        if text not in ("0", "1"):
            err(name, f"“{text}” không hợp lệ; chỉ nhận 0 hoặc 1")
        out[name] = text == "1"
    rating = values["rating"].strip()
    if rating and rating not in RATINGS:
        err("rating", f"“{rating}” không hợp lệ; chỉ nhận {', '.join(RATINGS)} hoặc để trống")
    out["rating"] = rating or None

    # Consistency of the snapshot (the contract's "empty while unfinished", "set only
    # while the dossier waits for a supplement").
    if status in FINAL_STATUSES:
        if status in OPEN_FINAL_STATUSES and out.get("finished_at") is not None:
            err("finished_at", f"hồ sơ trạng thái {status} chưa kết thúc nên phải để trống")
        if (
            status not in OPEN_FINAL_STATUSES
            and out.get("finished_at") is None
            and values["finished_at"].strip() == ""
        ):
            err("finished_at", f"hồ sơ trạng thái {status} phải có thời điểm kết thúc")
        if status != "supplement" and values["waiting_supplement_since"].strip():
            err(
                "waiting_supplement_since",
                "chỉ ghi khi hồ sơ đang chờ bổ sung (trạng thái supplement)",
            )
        if status == "supplement" and not values["waiting_supplement_since"].strip():
            err(
                "waiting_supplement_since",
                "hồ sơ đang chờ bổ sung phải có thời điểm bắt đầu chờ",
            )
    received = out.get("received_at")
    if received is not None:
        for name in ("finished_at", "waiting_supplement_since", "due_at"):
            moment = out.get(name)
            if moment is not None and moment < received:
                err(name, "sớm hơn thời điểm tiếp nhận")
    if len(errors) > before:
        return None
    return DossierFacts(**out)


def read_facts(stream: IO[str]) -> list[DossierFacts]:
    """Parse an interchange file; raise InterchangeError listing every bad row."""
    return [f for _, f in read_numbered_facts(stream)]


def read_numbered_facts(stream: IO[str]) -> list[tuple[int, DossierFacts]]:
    """Like `read_facts`, with each row's line number."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise InterchangeError([RowError(0, "", "tệp trống, thiếu dòng tiêu đề")]) from None
    except csv.Error as exc:
        raise InterchangeError([RowError(1, "", f"không đọc được CSV ({exc})")]) from None
    header = [h.strip() for h in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0].lstrip("\ufeff")
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        detail = []
        if missing:
            detail.append("thiếu cột " + ", ".join(missing))
        if extra:
            detail.append("cột lạ " + ", ".join(extra))
        if not detail:
            detail.append("sai thứ tự cột")
        raise InterchangeError(
            [
                RowError(
                    1,
                    "",
                    "dòng tiêu đề không đúng ("
                    + "; ".join(detail)
                    + "). Cần đúng các cột theo thứ tự: "
                    + ", ".join(COLUMNS),
                )
            ]
        )
    errors: list[RowError] = []
    facts: list[tuple[int, DossierFacts]] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not rows
            if len(row) != len(COLUMNS):
                errors.append(RowError(line, "", f"có {len(row)} cột, cần đúng {len(COLUMNS)} cột"))
                continue
            parsed = _parse_row(dict(zip(COLUMNS, row, strict=True)), line, errors)
            if parsed is None:
                continue
            if parsed.code in seen:
                errors.append(
                    RowError(
                        line, "code", f"mã hồ sơ {parsed.code} trùng với dòng {seen[parsed.code]}"
                    )
                )
                continue
            seen[parsed.code] = line
            facts.append((line, parsed))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"không đọc được CSV ({exc})"))
    except UnicodeDecodeError:
        errors.append(RowError(0, "", "tệp không phải mã UTF-8"))
    if errors:
        raise InterchangeError(errors)
    return facts


def read_csv(path: str | Path) -> list[DossierFacts]:
    return [f for _, f in read_numbered_csv(path)]


def read_numbered_csv(path: str | Path) -> list[tuple[int, DossierFacts]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return read_numbered_facts(stream)
    except FileNotFoundError:
        raise ValidationError(f"Không tìm thấy tệp {path}.", code="not_found") from None
    except UnicodeDecodeError:
        raise InterchangeError([RowError(0, "", "tệp không phải mã UTF-8")]) from None


# --- Writing ----------------------------------------------------------------------------


def _format_time(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%dT%H:%M:%S")


def facts_row(f: DossierFacts) -> list[str]:
    return [
        f.code,
        f.procedure_code,
        f.unit_code,
        f.channel,
        _format_time(f.received_at),
        _format_time(f.due_at),
        _format_time(f.finished_at),
        f.final_status,
        str(f.supplement_requests),
        _format_time(f.waiting_supplement_since),
        *("1" if getattr(f, name) else "0" for name in FLAG_COLUMNS[:-1]),
        f.rating or "",
        "1" if f.complaint else "0",
    ]


def write_facts(facts: Iterable[DossierFacts], stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for f in facts:
        writer.writerow(facts_row(f))
        n += 1
    return n


def write_csv(facts: Iterable[DossierFacts], path: str | Path) -> int:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        return write_facts(facts, stream)


def facts_to_text(facts: Iterable[DossierFacts]) -> str:
    buffer = io.StringIO()
    write_facts(facts, buffer)
    return buffer.getvalue()


# --- From the database ------------------------------------------------------------------


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    """Aware instant -> naive local time truncated to the second (the file's precision).

    Truncating here, not only when writing, makes scoring the database and scoring its
    export agree to the second (a finish at 17:00:00.4 is 17:00:00 in both).
    """
    if value is None:
        return None
    return value.astimezone(local_tz()).replace(tzinfo=None, microsecond=0)


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[start, end_exclusive) as aware instants: the whole last second is included."""
    tz = local_tz()
    start = period.start.replace(tzinfo=tz)
    end = (period.end + dt.timedelta(seconds=1)).replace(tzinfo=tz)
    return start, end


# Projection status -> interchange final_status. A legal pause other than a supplement
# (financial obligation, verification) is still "processing": the clock is stopped by
# moving due_at, not by an end time.
STATUS_MAP: dict[str, str] = {
    "processing": "processing",
    "paused": "processing",
    "approved": "processing",
    "waiting_supplement": "supplement",
    "result_ready": "done",
    "returned": "returned",
    "refused": "refused",
    "stopped": "stopped",
    "withdrawn": "withdrawn",
}
CHANNEL_MAP: dict[str, str] = {"counter": "direct", "online": "online", "postal": "postal"}
IMPORT_ACTION = "imported"


def facts_from_database(*, period: Period, unit: Any = None) -> Iterator[DossierFacts]:
    """Facts of the dossiers received in `period` (in `unit`'s subtree by the unit tree).

    One query. Derivations (documented in the issue note):
    - unit_code: the receiving unit's code; procedure_code: the procedure's code;
    - due_at: the projection's due time (moved only by recorded pauses; an apology's new
      date is kept apart in `apology_due_at`);
    - online_eligible: the procedure version is full online (toàn trình);
    - result_electronic: a result file is attached; components_digitized: any component
      is digitized, electronic or an electronic certified copy; reused_data: any
      component reuses digitized data;
    - fee_required: the procedure version has a non-zero fee item;
    - paid_online: fee status "paid online";
    - complaint: a complaint or petition (PAKN) about the dossier was recorded
      (`petition_count` > 0; QĐ 766: dossiers "có PAKN về việc giải quyết");
    - imported dossiers: `result_electronic` and `complaint` flags the projection has no
      place for are read from their import event.
    """
    from cchc.dossiers.models import Dossier

    start, end = period_bounds(period)
    qs = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
    if unit is not None:
        qs = qs.filter(receiving_unit__path__startswith=unit.path)
    return facts_from_queryset(qs)


def facts_from_queryset(qs: Any) -> Iterator[DossierFacts]:
    """Facts of the dossiers of a Dossier queryset (one query; see facts_from_database)."""
    from django.db.models import Exists, OuterRef

    from cchc.dossiers.models import (
        ComponentSource,
        DossierComponent,
        DossierEvent,
        FeeStatus,
    )
    from cchc.procedures.models import FeeItem, OnlineLevel

    # Digitized = a scan made at the one-stop, or an electronic original or certified copy;
    # a component reusing digitized data counts for `reused_data` only.
    DIGITIZED_SOURCES = (
        ComponentSource.DIGITIZED,
        ComponentSource.ELECTRONIC,
        ComponentSource.CERTIFIED_COPY,
    )
    components = DossierComponent.objects.filter(dossier=OuterRef("pk"))
    imported = DossierEvent.objects.filter(dossier=OuterRef("pk"), action=IMPORT_ACTION)
    qs = qs.annotate(
        any_digitized=Exists(components.filter(source__in=DIGITIZED_SOURCES)),
        any_reused=Exists(components.filter(source=ComponentSource.REUSED)),
        external_result=Exists(imported.filter(payload__external__result_electronic=True)),
        external_complaint=Exists(imported.filter(payload__external__complaint=True)),
        has_fee=Exists(FeeItem.objects.filter(version=OuterRef("procedure_version"), amount__gt=0)),
    ).order_by("received_at", "code")
    rows = qs.values_list(
        "code",
        "procedure_version__procedure__code",
        "receiving_unit__code",
        "channel",
        "received_at",
        "due_at",
        "finished_at",
        "status",
        "supplement_count",
        "paused_since",
        "procedure_version__online_level",
        "result_paper",
        "result_file",
        "any_digitized",
        "any_reused",
        "has_fee",
        "fee_status",
        "rating",
        "external_result",
        "external_complaint",
        "petition_count",
    )
    for (
        code,
        procedure_code,
        unit_code,
        channel,
        received_at,
        due_at,
        finished_at,
        status,
        supplements,
        paused_since,
        online_level,
        result_paper,
        result_file,
        digitized,
        reused,
        has_fee,
        fee_status,
        rating,
        external_result,
        external_complaint,
        petitions,
    ) in rows.iterator(chunk_size=2000):
        final_status = STATUS_MAP[status]
        yield DossierFacts(
            code=code,
            procedure_code=procedure_code,
            unit_code=unit_code,
            channel=CHANNEL_MAP[channel],  # type: ignore[arg-type]
            received_at=to_local(received_at),  # type: ignore[arg-type]
            due_at=to_local(due_at),  # type: ignore[arg-type]
            finished_at=to_local(finished_at),
            final_status=final_status,  # type: ignore[arg-type]
            supplement_requests=supplements,
            waiting_supplement_since=(
                to_local(paused_since) if final_status == "supplement" else None
            ),
            online_eligible=online_level == OnlineLevel.FULL,
            result_paper=bool(result_paper),
            result_electronic=bool(result_file) or bool(external_result),
            components_digitized=bool(digitized),
            reused_data=bool(reused),
            fee_required=bool(has_fee),
            paid_online=fee_status == FeeStatus.PAID_ONLINE,
            rating=rating or None,
            complaint=petitions > 0 or bool(external_complaint),
        )


def export_csv(*, period: Period, unit: Any = None, path: str | Path) -> int:
    """Write the interchange file of the dossiers received in `period`; returns the rows."""
    return write_csv(facts_from_database(period=period, unit=unit), path)


# --- Import into the database -----------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    created: int
    codes: tuple[str, ...]


IMPORTED_APPLICANT_ID = "000000000000"
IMPORTED_APPLICANT_NAME = "Không rõ (hồ sơ nhập từ hệ thống khác)"
_STATUS_BACK = {
    "processing": "processing",
    "supplement": "waiting_supplement",
    "done": "result_ready",
    "returned": "returned",
    "refused": "refused",
    "stopped": "stopped",
    "withdrawn": "withdrawn",
}
_CHANNEL_BACK = {v: k for k, v in CHANNEL_MAP.items()}


def import_csv(*, path: str | Path, actor: Any = None) -> ImportReport:
    """Load another system's interchange file into the dossier tables, all or nothing.

    Every row is checked first (the file's own rules, then: the unit and the procedure
    exist, the procedure has a version in force at `received_at`, the code is new, and
    `online_eligible` / `fee_required` agree with that version, since the database
    derives them from the catalog); any problem ⇒ InterchangeError with every row's
    errors and nothing written. Each dossier is then recorded as one `imported` event
    appended to the hash chain (so `cchc audit verify` passes and replay rebuilds the
    projection) carrying the original row; digitized/reused components become component
    records; the electronic result and complaint flags stay in the event (the other
    system holds the file and the petition). Imported dossiers have no process steps:
    they are records for measurement, not work items. The applicant is unknown, so a
    placeholder applicant is used. With `actor`, DOSSIER_RECEIVE is required on every
    receiving unit; without, it is a system operation (the `cchc dossiers import`
    command).
    """
    rows = read_numbered_csv(path)
    return _import_rows(rows, actor=actor)


def _import_rows(rows: list[tuple[int, DossierFacts]], *, actor: Any) -> ImportReport:
    from django.db import transaction
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from cchc.accounts.permissions import Action, require
    from cchc.core.lookup_secrets import secret_hash
    from cchc.dossiers import rules, services
    from cchc.dossiers.models import (
        Applicant,
        ApplicantKind,
        ComponentSource,
        Dossier,
        DossierComponent,
        FeeStatus,
        PauseKind,
    )
    from cchc.dossiers.projection import DOSSIER_FIELDS
    from cchc.procedures.models import FeeItem, OnlineLevel, ProcedureVersion
    from cchc.units.models import Unit

    tz = local_tz()
    now = timezone.now()

    def aware(value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=tz)

    units = {u.code: u for u in Unit.objects.filter(code__in={f.unit_code for _, f in rows})}
    versions: dict[str, list[Any]] = {}
    for v in (
        ProcedureVersion.objects.filter(procedure__code__in={f.procedure_code for _, f in rows})
        .select_related("procedure")
        .annotate(has_fee=Exists(FeeItem.objects.filter(version=OuterRef("pk"), amount__gt=0)))
        .order_by("-number")
    ):
        versions.setdefault(v.procedure.code, []).append(v)
    fee_totals: dict[int, Decimal] = {}
    existing = set(
        Dossier.objects.filter(code__in=[f.code for _, f in rows]).values_list("code", flat=True)
    )

    errors: list[RowError] = []
    plan: list[tuple[int, DossierFacts, Any, Any]] = []
    for line, f in rows:
        before = len(errors)
        if f.code in existing:
            errors.append(RowError(line, "code", f"hồ sơ {f.code} đã có trong hệ thống"))
        unit = units.get(f.unit_code)
        if unit is None:
            errors.append(RowError(line, "unit_code", f"không có đơn vị mã “{f.unit_code}”"))
        candidates = versions.get(f.procedure_code)
        version: Any = None
        if not candidates:
            errors.append(
                RowError(line, "procedure_code", f"không có thủ tục mã “{f.procedure_code}”")
            )
        else:
            at = aware(f.received_at)
            for v in candidates:
                if v.valid_from <= at and (v.valid_to is None or v.valid_to > at):
                    version = v
                    break
            if version is None:
                errors.append(
                    RowError(
                        line,
                        "procedure_code",
                        f"thủ tục {f.procedure_code} không có phiên bản áp dụng tại thời "
                        f"điểm tiếp nhận {f.received_at:%d/%m/%Y %H:%M}",
                    )
                )
        if version is not None:
            full_online = version.online_level == OnlineLevel.FULL
            if f.online_eligible != full_online:
                errors.append(
                    RowError(
                        line,
                        "online_eligible",
                        f"ghi {int(f.online_eligible)} nhưng thủ tục {f.procedure_code} "
                        + ("là" if full_online else "không phải là")
                        + " dịch vụ công trực tuyến toàn trình trong danh mục",
                    )
                )
            if f.fee_required != bool(version.has_fee):
                errors.append(
                    RowError(
                        line,
                        "fee_required",
                        f"ghi {int(f.fee_required)} nhưng thủ tục {f.procedure_code} "
                        + ("có" if version.has_fee else "không có")
                        + " phí, lệ phí trong danh mục",
                    )
                )
        if aware(f.received_at) > now:  # type: ignore[operator]
            errors.append(RowError(line, "received_at", "thời điểm tiếp nhận ở tương lai"))
        if f.paid_online and not f.fee_required:
            errors.append(RowError(line, "paid_online", "hồ sơ không có phí, lệ phí"))
        if f.rating and f.final_status in OPEN_FINAL_STATUSES:
            errors.append(RowError(line, "rating", "hồ sơ chưa giải quyết xong chưa được đánh giá"))
        if len(errors) == before and unit is not None and version is not None:
            plan.append((line, f, unit, version))
    if errors:
        raise InterchangeError(errors)
    if actor is not None:
        for unit in {u.pk: u for _, _, u, _ in plan}.values():
            require(actor, Action.DOSSIER_RECEIVE, unit)

    codes: list[str] = []
    with transaction.atomic():
        applicant = Applicant.objects.filter(
            kind=ApplicantKind.PERSON, personal_id=IMPORTED_APPLICANT_ID
        ).first() or Applicant.objects.create(
            kind=ApplicantKind.PERSON,
            personal_id=IMPORTED_APPLICANT_ID,
            name=IMPORTED_APPLICANT_NAME,
        )
        for line, f, unit, version in plan:
            if version.pk not in fee_totals:
                fee_totals[version.pk] = sum((x.amount for x in version.fees.all()), Decimal(0))
            received, due, finished = aware(f.received_at), aware(f.due_at), aware(f.finished_at)
            status = _STATUS_BACK[f.final_status]
            initial = {name: fld.get_default() for name, fld in DOSSIER_FIELDS.items()}
            initial.pop("version", None)
            initial.update(
                {
                    "code": f.code,
                    "procedure_version_id": version.pk,
                    "receiving_unit_id": unit.pk,
                    "channel": _CHANNEL_BACK[f.channel],
                    "applicant_id": applicant.pk,
                    "subjects": [],
                    "received_at": received,
                    "deemed_received_at": received,
                    "due_at": due,
                    "original_due_at": due,
                    "status": status,
                    "supplement_count": f.supplement_requests,
                    "finished_at": finished,
                    "outcome": (
                        rules.step_outcome(finished, due, tz=tz).value  # type: ignore[arg-type]
                        if finished is not None
                        else ""
                    ),
                    "returned_at": finished if f.final_status == "returned" else None,
                    "result_paper": f.result_paper,
                    "fee_status": (
                        FeeStatus.PAID_ONLINE
                        if f.paid_online
                        else FeeStatus.UNPAID
                        if f.fee_required
                        else FeeStatus.NOT_APPLICABLE
                    ),
                    "fee_amount": fee_totals[version.pk] if f.fee_required else 0,
                    "rating": f.rating or "",
                    "lookup_secret_hash": secret_hash(None),
                    "current_step_order": None,
                    "current_step_name": "",
                }
            )
            if f.final_status == "supplement":
                initial.update(
                    {
                        "pause_kind": PauseKind.SUPPLEMENT,
                        "paused_since": aware(f.waiting_supplement_since),
                    }
                )
            dossier = services.dossier_import(
                actor=actor if actor is not None and actor.is_authenticated else None,
                receiving_unit=unit,
                set_fields=initial,
                facts={
                    "source": "interchange",
                    "line": line,
                    "row": dict(zip(COLUMNS, facts_row(f), strict=True)),
                    "external": {
                        "result_electronic": f.result_electronic,
                        "complaint": f.complaint,
                    },
                },
            )
            if f.components_digitized:
                DossierComponent.objects.create(
                    dossier=dossier,
                    name="Thành phần hồ sơ đã số hóa (nhập từ hệ thống khác)",
                    source=ComponentSource.DIGITIZED,
                )
            if f.reused_data:
                DossierComponent.objects.create(
                    dossier=dossier,
                    name="Thành phần tái sử dụng dữ liệu số hóa (nhập từ hệ thống khác)",
                    source=ComponentSource.REUSED,
                    reuse_reference="import",
                )
            codes.append(f.code)
        # The index rollups of the buckets the imported dossiers fall in, in the same
        # transaction (the import does not go through the services' after-commit hooks).
        from cchc.indices.rollups import rollup_refresh_bucket

        for unit_id, procedure_code, day in sorted(
            {(u.pk, f.procedure_code, f.received_at.date()) for _, f, u, _ in plan}
        ):
            rollup_refresh_bucket(unit_id=unit_id, procedure_code=procedure_code, day=day)
        # ...and the period cells (decision 0007), now that the components exist.
        from cchc.indices.stats_rollups import stats_refresh_codes

        stats_refresh_codes(codes=codes)
    return ImportReport(created=len(codes), codes=tuple(codes))
