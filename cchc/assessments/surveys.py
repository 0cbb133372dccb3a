"""Survey definitions and aggregation (pure): DDCI and SIPAS.

DDCI (Chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương) — PCI-style method, our
reading [I]; the provincial decisions seen (e.g. Đồng Tháp QĐ 843/QĐ-UBND 15/8/2019, nine
sub-indices) do not publish the aggregation:
  1. each answer is normalised to 0..10: 10 × (v − min) / (max − min), reversed
     (10 − that) for questions where a higher answer is worse (e.g. informal charges);
  2. a question's value is the mean of its normalised answers (blank answers skipped);
  3. a sub-index is the weighted mean of its questions' values (0..10);
  4. the composite is the weighted mean of the sub-indices × 10 (0..100).
  Weights are data in the survey definition.

SIPAS (Chỉ số hài lòng về sự phục vụ hành chính). Sources and what each one settles:
  - QĐ 2640/QĐ-BNV (10/10/2017), Đề án đo lường sự hài lòng 2017–2020 (text on
    hieuluat.vn/hanh-chinh/quyet-dinh-2640-qd-bnv-bo-noi-vu-1cc0f.html and
    blogkhampha.edu.vn): five factors — (1) tiếp cận dịch vụ; (2) thủ tục hành chính;
    (3) công chức trực tiếp giải quyết công việc; (4) kết quả dịch vụ; (5) tiếp nhận,
    giải quyết góp ý, phản ánh, kiến nghị — each measured by the people's "nhận định",
    "mức độ hài lòng" and "sự mong đợi".
  - QĐ 1001/QĐ-BNV (11/12/2023), Phương pháp đo lường sự hài lòng 2023–2026 (the current
    method; thuvienphapluat.vn, lawnet.vn): confirms the index is published yearly as a
    percentage; the national reports (e.g. SIPAS 2024, laodong.vn 6/4/2025) give, per
    factor, the satisfaction with each of its contents (e.g. access: 3 contents) and
    with the factor overall, all as % of respondents.
  NOT FOUND: the decisions' own formula text (the part of QĐ 2640 / QĐ 1001 defining how
  a factor index and the overall SIPAS are aggregated) could not be retrieved from any
  corpus searched (pages, docs, code), so the aggregation below is our reading [I] of
  the published figures, configurable by weights:
  - an answer counts as satisfied when it is "hài lòng" or "rất hài lòng" (4–5 on the
    1–5 scale: 1 rất không hài lòng … 3 bình thường … 5 rất hài lòng; ``satisfied_from``);
  - question index = satisfied answers / answers given × 100 (blank = not asked);
  - factor index = weighted mean of its questions' indices (equal weights by default);
  - SIPAS = weighted mean of the five factor indices (equal weights by default).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError

ZERO = Decimal(0)
TEN = Decimal(10)
HUNDRED = Decimal(100)


class SurveyKind(StrEnum):
    DDCI = "ddci"
    SIPAS = "sipas"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    sub_index: str
    scale_min: int = 1
    scale_max: int = 5
    reverse: bool = False
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class SubIndex:
    code: str
    title: str
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class SurveyDef:
    code: str
    kind: SurveyKind
    title: str
    questions: tuple[Question, ...]
    sub_indices: tuple[SubIndex, ...]
    satisfied_from: int = 4  # SIPAS: answers ≥ this count as "hài lòng"/"rất hài lòng"
    meta: Mapping[str, Any] = field(default_factory=dict)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)


def _dec(value: Any, where: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{where}: “{value}” không phải là số.", code="survey") from None
    if not d.is_finite() or d < 0:
        raise ValidationError(f"{where}: trọng số phải là số không âm.", code="survey")
    return d


def parse_survey(data: Mapping[str, Any]) -> SurveyDef:
    try:
        kind = SurveyKind(data["kind"])
    except (KeyError, ValueError):
        raise ValidationError("Loại khảo sát phải là ddci hoặc sipas.", code="survey") from None
    subs = tuple(
        SubIndex(
            str(s["code"]),
            str(s.get("title", s["code"])),
            _dec(s.get("weight", 1), "Chỉ số thành phần"),
        )
        for s in data.get("sub_indices", ())
    )
    codes = {s.code for s in subs}
    if not subs or sum(s.weight for s in subs) <= 0:
        raise ValidationError(
            "Khảo sát phải có chỉ số thành phần với tổng trọng số > 0.", code="survey"
        )
    questions = []
    for q in data.get("questions", ()):
        if q.get("sub_index") not in codes:
            raise ValidationError(
                f"Câu hỏi {q.get('code')}: chỉ số thành phần “{q.get('sub_index')}” không có.",
                code="survey",
            )
        lo, hi = int(q.get("min", 1)), int(q.get("max", 5))
        if hi <= lo:
            raise ValidationError(
                f"Câu hỏi {q.get('code')}: thang điểm không hợp lệ.", code="survey"
            )
        questions.append(
            Question(
                code=str(q["code"]),
                text=str(q.get("text", q["code"])),
                sub_index=str(q["sub_index"]),
                scale_min=lo,
                scale_max=hi,
                reverse=bool(q.get("reverse", False)),
                weight=_dec(q.get("weight", 1), f"Câu hỏi {q['code']}"),
            )
        )
    if not questions:
        raise ValidationError("Khảo sát chưa có câu hỏi.", code="survey")
    return SurveyDef(
        code=str(data.get("code", "")),
        kind=kind,
        title=str(data.get("title", "")),
        questions=tuple(questions),
        sub_indices=subs,
        satisfied_from=int(data.get("satisfied_from", 4)),
        meta={k: v for k, v in data.items() if k not in {"questions", "sub_indices"}},
    )


# --- Responses -----------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    row: int
    unit: str
    answers: Mapping[str, int]
    comment: str = ""
    dossier_code: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"dòng {self.row}" + (f", cột {self.column}" if self.column else "")
        return f"{where}: {self.message}"


UNIT_COLUMN = "don_vi"
COMMENT_COLUMN = "y_kien"
DOSSIER_COLUMN = "ma_ho_so"


def parse_responses(
    rows: Iterable[tuple[int, Mapping[str, Any]]], survey: SurveyDef, known_units: set[str]
) -> tuple[list[Response], list[RowError]]:
    """Rows (row number, column → cell) of an imported sheet into responses.

    Columns: ``don_vi`` (unit code), one per question code, optional ``y_kien`` and
    ``ma_ho_so``. Blank answers are allowed (not asked); anything else off the scale is an
    error naming the row and column.
    """
    responses: list[Response] = []
    errors: list[RowError] = []
    for number, row in rows:
        unit = str(row.get(UNIT_COLUMN) or "").strip()
        row_errors: list[RowError] = []
        if not unit:
            row_errors.append(RowError(number, UNIT_COLUMN, "thiếu mã đơn vị."))
        elif unit not in known_units:
            row_errors.append(RowError(number, UNIT_COLUMN, f"không có đơn vị mã “{unit}”."))
        answers: dict[str, int] = {}
        for q in survey.questions:
            cell = row.get(q.code)
            if cell is None or str(cell).strip() == "":
                continue
            try:
                value = int(Decimal(str(cell).strip()))
                if Decimal(str(cell).strip()) != value:
                    raise ValueError
            except (InvalidOperation, ValueError):
                row_errors.append(RowError(number, q.code, f"“{cell}” không phải số nguyên."))
                continue
            if not q.scale_min <= value <= q.scale_max:
                row_errors.append(
                    RowError(number, q.code, f"{value} ngoài thang {q.scale_min}–{q.scale_max}.")
                )
                continue
            answers[q.code] = value
        if not row_errors and not answers:
            row_errors.append(RowError(number, "", "không có câu trả lời nào."))
        if row_errors:
            errors.extend(row_errors)
            continue
        responses.append(
            Response(
                number,
                unit,
                answers,
                str(row.get(COMMENT_COLUMN) or "").strip(),
                str(row.get(DOSSIER_COLUMN) or "").strip(),
            )
        )
    return responses, errors


# --- Aggregation ---------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    code: str
    sub_index: str
    value: Decimal | None  # DDCI: 0..10; SIPAS: % satisfied
    answers: int


@dataclass(frozen=True)
class SurveyResult:
    kind: SurveyKind
    respondents: int
    items: tuple[ItemResult, ...]
    sub_indices: Mapping[str, Decimal | None]
    composite: Decimal | None  # 0..100 for both kinds

    def weakest_items(self, limit: int = 5) -> list[ItemResult]:
        scored = [i for i in self.items if i.value is not None]
        return sorted(scored, key=lambda i: (i.value, i.code))[:limit]


def normalise(value: int, q: Question) -> Decimal:
    x = TEN * (Decimal(value) - q.scale_min) / (q.scale_max - q.scale_min)
    return TEN - x if q.reverse else x


def _weighted(pairs: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    present = [(w, v) for w, v in pairs if v is not None and w > 0]
    total = sum((w for w, _ in present), ZERO)
    if not present or total == 0:
        return None
    return sum((w * v for w, v in present), ZERO) / total


def aggregate(survey: SurveyDef, responses: Iterable[Response]) -> SurveyResult:
    values: dict[str, list[int]] = defaultdict(list)
    respondents = 0
    for r in responses:
        respondents += 1
        for code, v in r.answers.items():
            values[code].append(v)
    items = []
    for q in survey.questions:
        answered = values.get(q.code, [])
        if not answered:
            items.append(ItemResult(q.code, q.sub_index, None, 0))
            continue
        if survey.kind == SurveyKind.DDCI:
            value = sum((normalise(v, q) for v in answered), ZERO) / len(answered)
        else:
            satisfied = sum(
                1
                for v in answered
                if (q.scale_max + q.scale_min - v if q.reverse else v) >= survey.satisfied_from
            )
            value = HUNDRED * satisfied / len(answered)
        items.append(ItemResult(q.code, q.sub_index, value, len(answered)))
    by_code = {q.code: q for q in survey.questions}
    subs: dict[str, Decimal | None] = {}
    for s in survey.sub_indices:
        subs[s.code] = _weighted(
            [(by_code[i.code].weight, i.value) for i in items if i.sub_index == s.code]
        )
    composite = _weighted([(s.weight, subs[s.code]) for s in survey.sub_indices])
    if composite is not None and survey.kind == SurveyKind.DDCI:
        composite *= TEN
    return SurveyResult(survey.kind, respondents, tuple(items), subs, composite)
