"""Compliance cost of an administrative procedure (chi phí tuân thủ TTHC). Pure.

Method: Điều 27 Thông tư 02/2017/TT-VPCP (hướng dẫn nghiệp vụ kiểm soát thủ tục hành
chính), which replaced Thông tư 07/2014/TT-BTP:

- khoản 3 điểm a: chi phí tuân thủ 01 TTHC = chi phí thực hiện các công việc cần thiết
  theo quy định để có kết quả của TTHC + phí, lệ phí và các chi phí khác theo quy định;
- khoản 3 điểm b: tổng chi phí tuân thủ 01 TTHC trong 01 năm = chi phí tuân thủ 01 TTHC
  × số lần thực hiện theo quy định trong 01 năm × số lượng đối tượng tuân thủ trong 01 năm;
- khoản 1: the cost after simplification is the current cost adjusted by the cuts the
  proposal recommends; the benefit is the difference (current − after);
- khoản 2: where sources differ take the lower-average figure; opportunity cost is NOT
  counted — so a shorter processing time limit does not lower the compliance cost here;
  it is reported separately as citizen waiting days saved.

Text of Điều 27 khoản 1–3 as read from the published Thông tư:
https://hethongphapluat.com/thong-tu-02-2017-tt-vpcp-huong-dan-ve-nghiep-vu-kiem-soat-thu-tuc-hanh-chinh-do-van-phong-chinh-phu-ban-hanh/dieu-27
(stored copy, searched 27/11/2026).

The cost of the work (khoản 4, "Cách xác định các loại chi phí cụ thể để tính chi phí
tuân thủ thủ tục hành chính") is computed as hours spent × income per hour. NOT FOUND:
the stored copy ends at the heading of khoản 4, and neither its text nor the Thông tư's
appendix/forms, nor the earlier guidance on the same calculation (Công văn 28/CCTTHC, 15/01/2010, of
the Prime Minister's working group on TTHC reform — only its opening was retrievable),
could be read, so the official way to turn an average income into an hourly one (which
income statistic, which divisors) is NOT verified. Hence:
- the hourly income is an explicit, editable input with a required source note
  (``Proposal.income_source``; khoản 2 điểm a: where sources differ, take the lower
  average);
- or it is derived from a monthly income entered on the proposal with editable divisors
  (``income_per_hour_from_monthly``): default 22 working days a month × 8 hours a day.
  8 hours: Điều 105 khoản 1 Bộ luật Lao động 2019 (normal hours ≤ 8 a day); 22 days: our
  assumption (a five-day week, Quyết định 188/1999/QĐ-TTg for the civil service:
  ≈ 21.7 working days a month), to be checked against khoản 4 when its text is at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VND = Decimal(1)
DEFAULT_WORKING_DAYS_PER_MONTH = Decimal(22)
DEFAULT_HOURS_PER_DAY = Decimal(8)


def income_per_hour_from_monthly(
    monthly_income: Decimal,
    *,
    working_days_per_month: Decimal = DEFAULT_WORKING_DAYS_PER_MONTH,
    hours_per_day: Decimal = DEFAULT_HOURS_PER_DAY,
) -> Decimal:
    """Income per hour (VND, rounded) from an average monthly income (e.g. the statistics
    office's average monthly income per capita of the latest year — record its source)."""
    if working_days_per_month <= 0 or hours_per_day <= 0:
        raise ValueError("divisors must be positive")
    return (Decimal(monthly_income) / working_days_per_month / hours_per_day).quantize(
        VND, ROUND_HALF_UP
    )


@dataclass(frozen=True)
class CostInputs:
    """One execution of the procedure by one subject, and how often it happens a year."""

    hours: Decimal  # preparing components, forms, travel, waiting, receiving the result
    income_per_hour: Decimal  # VND
    fees: Decimal  # phí, lệ phí per execution (VND)
    other_costs: Decimal  # copies, certification, postage, travel tickets... (VND)
    subjects_per_year: int  # số lượng đối tượng tuân thủ trong 01 năm
    frequency_per_year: Decimal = Decimal(1)  # số lần thực hiện theo quy định trong 01 năm


@dataclass(frozen=True)
class Cost:
    labour: Decimal  # hours × income per hour
    per_execution: Decimal  # labour + fees + other costs
    per_year: Decimal  # per execution × frequency × subjects


def compliance_cost(inputs: CostInputs) -> Cost:
    """Điều 27 khoản 3 TT 02/2017/TT-VPCP, amounts in VND rounded to the đồng."""
    if inputs.hours < 0 or inputs.income_per_hour < 0 or inputs.fees < 0 or inputs.other_costs < 0:
        raise ValueError("negative input")
    labour = (Decimal(inputs.hours) * Decimal(inputs.income_per_hour)).quantize(VND, ROUND_HALF_UP)
    per_execution = labour + Decimal(inputs.fees) + Decimal(inputs.other_costs)
    per_year = (
        per_execution * Decimal(inputs.frequency_per_year) * Decimal(inputs.subjects_per_year)
    ).quantize(VND, ROUND_HALF_UP)
    return Cost(labour=labour, per_execution=per_execution, per_year=per_year)


@dataclass(frozen=True)
class Reduction:
    before: Cost
    after: Cost
    per_execution: Decimal  # VND saved per execution
    per_year: Decimal  # VND saved per year
    percent: Decimal  # of the annual cost, 2 decimals

    @property
    def is_saving(self) -> bool:
        return self.per_year > 0


def reduction(before: CostInputs, after: CostInputs) -> Reduction:
    """Điều 27 khoản 1 điểm c: benefit = current cost − cost after simplification."""
    b, a = compliance_cost(before), compliance_cost(after)
    saved = b.per_year - a.per_year
    percent = (
        (Decimal(100) * saved / b.per_year).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if b.per_year
        else Decimal(0)
    )
    return Reduction(
        before=b,
        after=a,
        per_execution=b.per_execution - a.per_execution,
        per_year=saved,
        percent=percent,
    )
