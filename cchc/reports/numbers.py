"""How a report writes its figures: the one formatter behind the `num` filter of both the
Word template (docxtpl's Jinja environment, `render.jinja_env`) and the PDF template
(`{% load report_tags %}`), and behind the ready-made texts (percentages, minutes).

A report is a Vietnamese administrative document whatever the reader's language: dots
group thousands ("1.189", by `cchc.core.money.group_dong`, the project's one grouping),
a comma marks decimals ("10,5"), and a missing figure is "—".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cchc.core.money import group_dong

MISSING = "—"


def figure(value: object, places: int | None = None) -> str:
    """`value` as the report prints it: 1189 -> "1.189", Decimal("1234.50") -> "1.234,50",
    10.5 -> "10,5"; `places` rounds half away from zero first (0 for whole đồng).
    None or "" -> "—"; any other text is already written and passes through."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        return value
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    fraction = f"{abs(d):f}".partition(".")[2]
    sign = "-" if d < 0 else ""
    return f"{sign}{group_dong(abs(d), language='vi')}" + (f",{fraction}" if fraction else "")


def percent(value: Decimal | None) -> str:
    """ "12,50%" (two decimals) or "—"."""
    return MISSING if value is None else f"{figure(value, 2)}%"
