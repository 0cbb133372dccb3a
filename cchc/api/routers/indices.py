"""The 766 index (QĐ 766/QĐ-TTg) of a unit for a period, as its leader dashboard shows it."""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import Path, Query, Router, Schema
from pydantic import Field

from cchc.api.auth import STAFF_AUTH
from cchc.api.errors import ApiError, not_found, with_errors
from cchc.api.types import CODE_PATTERN, Text
from cchc.indices import selectors
from cchc.indices.formulas import IndexResult
from cchc.indices.periods import FORMAT_HELP, parse_period
from cchc.units.selectors import unit_get_by_code

router = Router(tags=["Chỉ số 766"], auth=STAFF_AUTH)


class CriterionOut(Schema):
    code: str
    group: str
    name: str
    max: int
    numerator: int | None
    denominator: int | None
    rate: float | None
    score: float | None


class GroupOut(Schema):
    code: str
    max: int
    score: float | None


class TotalOut(Schema):
    score: float | None
    max: int
    percent: float | None


class ChildOut(Schema):
    unit_code: str
    unit_name: str
    dossiers: int
    percent: float | None


class IndexOut(Schema):
    unit_code: str
    unit_name: str
    period: str
    dossiers: int = Field(description="Số hồ sơ tiếp nhận trong kỳ (tổng thể đánh giá).")
    band: str | None
    total: TotalOut
    groups: list[GroupOut]
    criteria: list[CriterionOut]
    children: list[ChildOut] = Field(description="Đơn vị trực thuộc, cao điểm trước.")


class IndexQuery(Schema):
    period: Text(32, 1) = Field(description=f"Kỳ đánh giá: {FORMAT_HELP}.")  # type: ignore[valid-type]


def _result(result: IndexResult) -> dict[str, Any]:
    data = result.as_json()
    for c, row in zip(result.criteria, data["criteria"], strict=True):
        row["name"] = c.criterion.name
    return data


@router.get(
    "/indices/{unit_code}", response=with_errors({200: IndexOut}), summary="Chỉ số 766 của đơn vị"
)
def index_detail(
    request,
    unit_code: Annotated[str, Path(pattern=CODE_PATTERN)],
    query: Query[IndexQuery],
):
    """Điểm Bộ chỉ số 766 của một đơn vị (gồm đơn vị trực thuộc) trong một kỳ; cần quyền
    xem chỉ số của đơn vị đó."""
    try:
        period = parse_period(query.period)
    except ValidationError as exc:
        raise ApiError(422, "period", exc.messages[0], {"period": exc.messages}) from None
    unit = unit_get_by_code(code=unit_code)
    if unit is None:
        raise not_found(gettext("Không có đơn vị với mã này."))
    board = selectors.index_dashboard(user=request.auth, unit=unit, period=period)
    data = _result(board.result)
    return {
        "unit_code": unit.code,
        "unit_name": unit.name,
        "period": str(period),
        "dossiers": board.result.dossiers,
        "band": board.band,
        "total": data["total"],
        "groups": data["groups"],
        "criteria": data["criteria"],
        "children": [
            {
                "unit_code": r.unit.code,
                "unit_name": r.unit.name,
                "dossiers": r.result.dossiers,
                "percent": None if r.percent is None else float(round(r.percent, 2)),
            }
            for r in board.ranking
        ],
    }
