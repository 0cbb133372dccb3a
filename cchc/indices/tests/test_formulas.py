"""The dossier-based criteria on small hand-computed files (issue 5's contract)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.indices.definition import CRITERIA, GROUPS, band_for
from cchc.indices.formulas import DossierFacts, round_half_away, score
from cchc.indices.periods import parse_period
from cchc.indices.tests.helpers import facts, row

MARCH = parse_period("2024-03")


def crit(result, code):
    return result.as_json()["criteria"][[c.code for c in CRITERIA].index(code)]


def on_time(rows, period=MARCH):
    return crit(score(facts(rows), period), "DOSSIER_ON_TIME")


# --- DOSSIER_ON_TIME ----------------------------------------------------------------


def test_supplement_requests_zero_and_one_are_on_time_two_is_late():
    rows = [
        row(code="S0", finished_at="2024-03-07T10:00"),
        row(code="S1", finished_at="2024-03-07T10:00", supplement_requests=1),
        row(code="S2", finished_at="2024-03-07T10:00", supplement_requests=2),
        row(code="LATE", finished_at="2024-03-08T17:00:01"),
        row(code="EXACT", finished_at="2024-03-08T17:00:00"),  # E = due: on time
    ]
    result = score(facts(rows), MARCH)
    c = crit(result, "DOSSIER_ON_TIME")
    assert (c["numerator"], c["denominator"], c["rate"], c["score"]) == (3, 5, 0.6, 12.0)
    assert set(result.criterion("DOSSIER_ON_TIME").lost) == {"S2", "LATE"}


def test_waiting_supplement_ends_the_clock_at_the_request():
    rows = [
        # Waiting since before the due time: on time although the period ends later.
        row(
            final_status="supplement",
            supplement_requests=1,
            waiting_supplement_since="2024-03-06T09:00",
        ),
        # Waiting since after the due time: late.
        row(
            final_status="supplement",
            supplement_requests=1,
            waiting_supplement_since="2024-03-09T09:00",
        ),
        # A second request: late whatever the dates.
        row(
            final_status="supplement",
            supplement_requests=2,
            waiting_supplement_since="2024-03-05T09:00",
        ),
    ]
    c = on_time(rows)
    assert (c["numerator"], c["denominator"]) == (1, 3)


def test_waiting_supplement_after_period_end_uses_the_period_end():
    rows = [
        row(
            received_at="2024-03-30T08:00",
            due_at="2024-04-05T17:00",
            final_status="supplement",
            supplement_requests=1,
            waiting_supplement_since="2024-04-02T09:00",
        )
    ]
    # E = 31/3 23:59:59 ≤ due 5/4: on time.
    assert on_time(rows)["numerator"] == 1


def test_unfinished_or_finished_after_period_end_use_the_period_end():
    rows = [
        row(code="OPEN_NOT_DUE", received_at="2024-03-25T08:00", due_at="2024-04-05T17:00"),
        row(code="OPEN_OVERDUE", received_at="2024-03-11T08:00", due_at="2024-03-20T17:00"),
        # Finished in April, late only in April: as of 31/3 it was not yet due.
        row(
            code="APRIL_NOT_DUE",
            received_at="2024-03-25T08:00",
            due_at="2024-04-01T17:00",
            finished_at="2024-04-03T08:00",
        ),
        # Finished in April, already overdue at the end of March.
        row(
            code="APRIL_OVERDUE",
            received_at="2024-03-18T08:00",
            due_at="2024-03-25T17:00",
            finished_at="2024-04-02T08:00",
        ),
        # Due exactly at the period end: on time.
        row(code="DUE_AT_END", received_at="2024-03-25T08:00", due_at="2024-03-31T23:59:59"),
    ]
    result = score(facts(rows), MARCH)
    c = crit(result, "DOSSIER_ON_TIME")
    assert (c["numerator"], c["denominator"]) == (3, 5)
    assert set(result.criterion("DOSSIER_ON_TIME").lost) == {"OPEN_OVERDUE", "APRIL_OVERDUE"}
    # Scored over April too, the April dossiers are simply not received in the period.
    april = score(facts(rows), parse_period("2024-04"))
    assert crit(april, "DOSSIER_ON_TIME")["denominator"] == 0


def test_refused_stopped_and_withdrawn_are_in_the_population():
    rows = [
        row(final_status="refused", finished_at="2024-03-05T10:00"),
        row(final_status="withdrawn", finished_at="2024-03-11T10:00"),  # after due: late
        row(final_status="stopped", finished_at="2024-03-06T10:00"),
        row(final_status="done", finished_at="2024-03-06T10:00", result_paper=1),
    ]
    result = score(facts(rows), MARCH)
    assert (crit(result, "DOSSIER_ON_TIME")["numerator"], result.dossiers) == (3, 4)
    # ...but only done/returned count as "finished with a result".
    assert crit(result, "SO_HOA_GIAY_TO_GIAI_QUYET")["denominator"] == 1
    assert crit(result, "ORIGINAL_RESULT_AVAILABLE")["denominator"] == 1


# --- ONLINE_DOSSIERS ------------------------------------------------------------------


def test_online_full_points_at_half_of_eligible_dossiers():
    half = [
        row(online_eligible=1, channel="online"),
        row(online_eligible=1, channel="online"),
        row(online_eligible=1, channel="direct"),
        row(online_eligible=1, channel="postal"),
        row(online_eligible=0, channel="online"),  # not eligible: not counted
    ]
    c = crit(score(facts(half), MARCH), "ONLINE_DOSSIERS")
    assert (c["numerator"], c["denominator"], c["rate"], c["score"]) == (2, 4, 0.5, 12.0)
    quarter = [row(online_eligible=1, channel="online")] + [
        row(online_eligible=1) for _ in range(3)
    ]
    c = crit(score(facts(quarter), MARCH), "ONLINE_DOSSIERS")
    assert (c["rate"], c["score"]) == (0.25, 6.0)
    all_online = [row(online_eligible=1, channel="online") for _ in range(3)]
    assert crit(score(facts(all_online), MARCH), "ONLINE_DOSSIERS")["score"] == 12.0


# --- Digitization ---------------------------------------------------------------------


def test_original_result_and_digitization_among_dossiers_finished_with_a_result():
    rows = [
        row(
            finished_at="2024-03-05T10:00",
            result_paper=1,
            result_electronic=1,
            components_digitized=1,
        ),
        row(
            finished_at="2024-03-05T10:00",
            result_paper=1,
            result_electronic=0,
            components_digitized=1,
        ),
        # Electronic only (no paper result): not in ORIGINAL's denominator.
        row(
            finished_at="2024-03-05T10:00",
            result_paper=0,
            result_electronic=1,
            components_digitized=0,
        ),
        # Not finished: in neither denominator.
        row(result_paper=1, result_electronic=1, components_digitized=1),
        # Finished after the period end: in neither.
        row(
            finished_at="2024-04-01T00:00",
            result_paper=1,
            result_electronic=1,
            components_digitized=1,
        ),
    ]
    result = score(facts(rows), MARCH)
    original = crit(result, "ORIGINAL_RESULT_AVAILABLE")
    assert (original["numerator"], original["denominator"], original["score"]) == (1, 2, 3.0)
    so_hoa = crit(result, "SO_HOA_GIAY_TO_GIAI_QUYET")
    assert (so_hoa["numerator"], so_hoa["denominator"]) == (1, 3)
    assert so_hoa["score"] == 1.33  # 4 × 1/3


def test_reuse_full_points_at_eighty_percent():
    rows = [row(reused_data=1) for _ in range(4)] + [row(reused_data=0)]
    c = crit(score(facts(rows), MARCH), "REUSED_DIGITIZED_DATA")
    assert (c["rate"], c["score"]) == (0.8, 2.0)
    rows = [row(reused_data=1) for _ in range(3)] + [row(reused_data=0) for _ in range(2)]
    c = crit(score(facts(rows), MARCH), "REUSED_DIGITIZED_DATA")
    assert (c["rate"], c["score"]) == (0.6, 1.5)  # 2 × 0.6 / 0.8


# --- Satisfaction and payment ---------------------------------------------------------


def test_satisfaction_full_points_at_ninety_percent_and_each_dossier_once():
    fine = [row(finished_at="2024-03-05T10:00", rating="satisfied") for _ in range(9)]
    c = crit(
        score(facts([*fine, row(rating="dissatisfied", finished_at="2024-03-05T10:00")]), MARCH),
        "DOSSIER_RECEIVING_SATISFACTION",
    )
    assert (c["numerator"], c["denominator"], c["rate"], c["score"]) == (9, 10, 0.9, 6.0)
    c = crit(score(facts(fine), MARCH), "DOSSIER_RECEIVING_SATISFACTION")
    assert (c["rate"], c["score"]) == (1.0, 6.0)  # capped, not 6.67
    bad = [
        # Late AND dissatisfied AND a complaint: still one dossier lost.
        row(finished_at="2024-03-20T10:00", rating="dissatisfied", complaint=1),
        row(finished_at="2024-03-05T10:00", complaint=1),
    ]
    c = crit(score(facts([*fine[:8], *bad]), MARCH), "DOSSIER_RECEIVING_SATISFACTION")
    assert (c["numerator"], c["denominator"], c["rate"], c["score"]) == (8, 10, 0.8, 5.33)
    # "normal" is not "dissatisfied".
    c = crit(
        score(facts([row(rating="normal", finished_at="2024-03-05T10:00")]), MARCH),
        "DOSSIER_RECEIVING_SATISFACTION",
    )
    assert c["numerator"] == 1


def test_paid_online_among_dossiers_with_a_fee():
    rows = [
        row(fee_required=1, paid_online=1),
        row(fee_required=1, paid_online=0),
        row(fee_required=0, paid_online=0),
    ]
    c = crit(score(facts(rows), MARCH), "DOSSIERS_PAID_ONLINE")
    assert (c["numerator"], c["denominator"], c["rate"], c["score"]) == (1, 2, 0.5, 3.0)


# --- Nulls, groups, total -------------------------------------------------------------


def test_zero_denominators_give_null_and_shrink_the_maxima():
    rows = [row(finished_at="2024-03-05T10:00", final_status="refused")]
    out = score(facts(rows), MARCH).as_json()
    by_code = {c["code"]: c for c in out["criteria"]}
    for code in (
        "ONLINE_DOSSIERS",
        "ORIGINAL_RESULT_AVAILABLE",
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        "DOSSIERS_PAID_ONLINE",
    ):
        assert by_code[code]["denominator"] == 0
        assert by_code[code]["rate"] is None and by_code[code]["score"] is None
    # Not computable from a file at all: null numerator and denominator too.
    for code in (
        "PUBLISH_ON_TIME",
        "ELECTRONIC_CERTIFIED_COPY",
        "PETITION_PROCESSING_ON_TIME",
        "FORMALITY_ONLINE_PAYMENT_INTEGRATED",
    ):
        assert by_code[code] == {
            "code": code,
            "group": by_code[code]["group"],
            "max": by_code[code]["max"],
            "numerator": None,
            "denominator": None,
            "rate": None,
            "score": None,
        }
    groups = {g["code"]: g for g in out["groups"]}
    assert groups["online"] == {"code": "online", "max": 0, "score": None}
    assert groups["payment"] == {"code": "payment", "max": 0, "score": None}
    assert groups["transparency"] == {"code": "transparency", "max": 0, "score": None}
    assert groups["progress"] == {"code": "progress", "max": 20, "score": 20.0}
    assert groups["digitization"] == {"code": "digitization", "max": 2, "score": 0.0}
    assert groups["satisfaction"] == {"code": "satisfaction", "max": 6, "score": 6.0}
    assert out["total"] == {"score": 26.0, "max": 28, "percent": 92.86}
    assert [c["code"] for c in out["criteria"]] == [c.code for c in CRITERIA]
    assert [g["code"] for g in out["groups"]] == [g.code for g in GROUPS]


def test_empty_file_scores_nothing():
    out = score([], MARCH).as_json()
    assert out["total"] == {"score": None, "max": 0, "percent": None}
    assert all(g["score"] is None for g in out["groups"])


def test_rounding_half_away_from_zero_and_unrounded_sums():
    assert round_half_away(Decimal("0.125")) == Decimal("0.13")  # banker's would give 0.12
    assert round_half_away(Decimal("2.675")) == Decimal("2.68")
    # A rate of 1/8 = 0.125 is output as 0.13.
    fee = [row(fee_required=1, paid_online=1)] + [row(fee_required=1) for _ in range(7)]
    c = crit(score(facts(fee), MARCH), "DOSSIERS_PAID_ONLINE")
    assert (c["rate"], c["score"]) == (0.13, 0.75)
    # A score of exactly 0.125 (4 × 1/32) is output as 0.13.
    done = [row(finished_at="2024-03-05T10:00", components_digitized=1, result_electronic=1)] + [
        row(finished_at="2024-03-05T10:00") for _ in range(31)
    ]
    c = crit(score(facts(done), MARCH), "SO_HOA_GIAY_TO_GIAI_QUYET")
    assert (c["rate"], c["score"]) == (0.03, 0.13)
    # The group sums unrounded scores: 2 + 1.333… + 0.8333… = 4.1666… → 4.17,
    # where the sum of rounded scores would be 2.00 + 1.33 + 0.83 = 4.16.
    rows = [
        row(
            finished_at="2024-03-05T10:00",
            result_paper=1,
            result_electronic=1,
            components_digitized=1,
            reused_data=1,
        ),
        row(finished_at="2024-03-05T10:00", result_paper=1),
        row(finished_at="2024-03-05T10:00", result_paper=1),
    ]
    out = score(facts(rows), MARCH).as_json()
    by_code = {c["code"]: c["score"] for c in out["criteria"]}
    assert (
        by_code["ORIGINAL_RESULT_AVAILABLE"],
        by_code["SO_HOA_GIAY_TO_GIAI_QUYET"],
        by_code["REUSED_DIGITIZED_DATA"],
    ) == (2.0, 1.33, 0.83)
    digitization = next(g for g in out["groups"] if g["code"] == "digitization")
    assert digitization == {"code": "digitization", "max": 12, "score": 4.17}


def test_an_exact_half_after_the_threshold_division_rounds_up():
    # 3 satisfied of 160: rate 0.01875, score 6 × 0.01875 / 0.9 = 0.125 exactly → 0.13.
    # (Chained Decimal operations give 0.12499…98 and would round it down to 0.12.)
    good = [row(finished_at="2024-03-05T10:00") for _ in range(3)]
    bad = [row(finished_at="2024-03-05T10:00", complaint=1) for _ in range(157)]
    c = crit(score(facts(good + bad), MARCH), "DOSSIER_RECEIVING_SATISFACTION")
    assert (c["numerator"], c["denominator"], c["rate"], c["score"]) == (3, 160, 0.02, 0.13)


def test_period_boundaries_are_inclusive_to_the_second():
    rows = [
        row(code="FIRST", received_at="2024-03-01T00:00:00"),
        row(code="LAST", received_at="2024-03-31T23:59:59", due_at="2024-04-05T17:00"),
        row(code="BEFORE", received_at="2024-02-29T23:59:59"),
        row(code="AFTER", received_at="2024-04-01T00:00:00", due_at="2024-04-05T17:00"),
        # Finished at 23:59:59 of the last day: finished in the period, with a result.
        row(
            code="FIN",
            received_at="2024-03-30T08:00",
            due_at="2024-04-05T17:00",
            finished_at="2024-03-31T23:59:59",
            result_paper=1,
        ),
    ]
    result = score(facts(rows), MARCH)
    assert result.dossiers == 3
    assert crit(result, "ORIGINAL_RESULT_AVAILABLE")["denominator"] == 1
    assert set(result.criterion("ORIGINAL_RESULT_AVAILABLE").lost) == {"FIN"}


def test_unit_prefix_keeps_the_subtree_by_code():
    rows = [
        row(code="A", unit_code="P52"),
        row(code="B", unit_code="P52.X"),
        row(code="C", unit_code="P52.X.Y"),
        row(code="D", unit_code="P521"),
        row(code="E", unit_code="P52X"),
        row(code="F", unit_code="W21808"),
    ]
    result = score(facts(rows), MARCH, unit="P52")
    assert result.dossiers == 3
    assert score(facts(rows), MARCH, unit="P52.X").dossiers == 2
    assert score(facts(rows), MARCH, unit="P5").dossiers == 0


def test_procedure_filter():
    rows = [row(procedure_code="1.1"), row(procedure_code="1.1"), row(procedure_code="2.2")]
    assert score(facts(rows), MARCH, procedure_code="1.1").dossiers == 2


def test_bands():
    assert [band_for(p) for p in (100, 90, 89.99, 80, 70, 69.99, 50, 49.99, 0)] == [
        "Xuất sắc",
        "Xuất sắc",
        "Tốt",
        "Tốt",
        "Khá",
        "Trung bình",
        "Trung bình",
        "Yếu",
        "Yếu",
    ]


# --- Properties -------------------------------------------------------------------------

_moment = st.datetimes(min_value=dt.datetime(2024, 2, 20), max_value=dt.datetime(2024, 4, 10)).map(
    lambda d: d.replace(microsecond=0)
)


_codes = iter(range(10**9))


@st.composite
def dossier_facts(draw):
    received = draw(_moment)
    status = draw(
        st.sampled_from(
            ["processing", "supplement", "done", "returned", "refused", "stopped", "withdrawn"]
        )
    )
    finished = None
    if status not in ("processing", "supplement"):
        finished = received + dt.timedelta(hours=draw(st.integers(0, 24 * 30)))
    waiting = None
    if status == "supplement":
        waiting = received + dt.timedelta(hours=draw(st.integers(0, 24 * 30)))
    return DossierFacts(
        code=f"X{next(_codes)}",
        procedure_code=draw(st.sampled_from(["1.1", "2.2"])),
        unit_code=draw(st.sampled_from(["P52", "P52.A", "P521"])),
        channel=draw(st.sampled_from(["direct", "online", "postal"])),
        received_at=received,
        due_at=received + dt.timedelta(hours=draw(st.integers(0, 24 * 20))),
        finished_at=finished,
        final_status=status,
        supplement_requests=draw(st.integers(0, 3)),
        waiting_supplement_since=waiting,
        online_eligible=draw(st.booleans()),
        result_paper=draw(st.booleans()),
        result_electronic=draw(st.booleans()),
        components_digitized=draw(st.booleans()),
        reused_data=draw(st.booleans()),
        fee_required=draw(st.booleans()),
        paid_online=draw(st.booleans()),
        rating=draw(st.sampled_from([None, "satisfied", "normal", "dissatisfied"])),
        complaint=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(dossier_facts(), max_size=40), st.sampled_from(["2024-03", "2024-Q1", "2024"]))
def test_properties_scores_within_bounds_and_totals_add_up(rows, period_text):
    result = score(rows, parse_period(period_text))
    for c in result.criteria:
        if c.score is None:
            assert c.rate is None
            continue
        assert 0 <= c.rate <= 1
        assert 0 <= c.score <= c.criterion.max
        assert c.numerator + len(c.lost) == c.denominator
    for g in result.groups:
        members = [c for c in result.criteria if c.criterion.group == g.code and c.computable]
        assert g.max == sum(c.criterion.max for c in members)
        if members:
            assert g.exact_score == sum(c.exact_score for c in members)
            assert abs(g.score - sum(c.score for c in members)) < Decimal("1e-20")
    computable = [g for g in result.groups if g.score is not None]
    if computable:
        assert result.exact_total == sum(g.exact_score for g in computable)
        assert result.total_max == sum(g.max for g in result.groups)
        assert 0 <= result.percent <= 100
    out = result.as_json()
    assert out["total"]["max"] == sum(g["max"] for g in out["groups"])
