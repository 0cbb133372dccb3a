"""The pure rules: frameworks, scores, bands, ranking, surveys, heads (no database)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.assessments import heads, scoring, surveys
from cchc.assessments.framework import (
    DATA_DIR,
    TEMPLATES,
    Level,
    Method,
    load_template,
    parse_framework,
)

D = Decimal
decimals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


# --- Frameworks ------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_have_the_eight_areas_of_qd_876_and_100_points(name):
    fw = load_template(name)
    assert fw.max_points == 100
    assert [a.code for a in fw.areas] == [str(i) for i in range(1, 9)]
    assert "Chính phủ số" in fw.areas[6].title
    formulas = {leaf.formula for _, leaf in fw.leaves() if leaf.method == Method.COMPUTED}
    assert {"dossier_on_time_rate", "dossier_digitization_rate", "index766_total"} <= formulas
    assert fw.level in (Level.DEPARTMENT, Level.COMMUNE)


def _tiny(**over):
    data = {
        "year": 2026,
        "level": "commune",
        "areas": [
            {
                "code": "A",
                "title": "A",
                "criteria": [
                    {
                        "code": "A1",
                        "max": 4,
                        "children": [{"code": "A1a", "max": 1}, {"code": "A1b", "max": 3}],
                    },
                    {"code": "A2", "max": 6, "method": "computed", "formula": "x"},
                ],
            }
        ],
    }
    data.update(over)
    return data


def test_sub_criteria_must_add_up_to_their_parent():
    fw = parse_framework(_tiny())
    assert [leaf.code for _, leaf in fw.leaves()] == ["A1a", "A1b", "A2"]
    bad = _tiny()
    bad["areas"][0]["criteria"][0]["children"][1]["max"] = 2
    with pytest.raises(ValidationError, match="tổng điểm các tiêu chí thành phần"):
        parse_framework(bad)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["areas"][0]["criteria"][1].pop("formula"), "tên công thức"),
        (lambda d: d["areas"][0]["criteria"][1].update(code="A1"), "bị trùng"),
        (lambda d: d["areas"][0]["criteria"][1].update(max="-1"), "lớn hơn 0"),
        (lambda d: d["areas"][0]["criteria"][1].update(method="guess"), "không hợp lệ"),
        (lambda d: d.update(level="district"), "cấp"),
    ],
)
def test_framework_errors_are_vietnamese_and_precise(mutate, message):
    data = _tiny()
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        parse_framework(data)


# --- Scores ----------------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(rate=st.decimals(min_value=-1, max_value=2, allow_nan=False), maximum=decimals)
def test_points_from_rate_stay_within_zero_and_max(rate, maximum):
    p = scoring.points_from_rate(rate, maximum)
    assert D(0) <= p <= maximum


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(a=st.decimals(0, 1, places=3), b=st.decimals(0, 1, places=3))
def test_points_are_monotone_in_the_rate(a, b):
    lo, hi = sorted((a, b))
    assert scoring.points_from_rate(lo, D(8), D("0.8")) <= scoring.points_from_rate(
        hi, D(8), D("0.8")
    )


def test_points_reach_the_max_at_the_threshold():
    assert scoring.points_from_rate(D("0.8"), D(10), D("0.8")) == 10
    assert scoring.points_from_rate(D("0.4"), D(10), D("0.8")) == 5


def test_check_points_refuses_out_of_range_scores():
    assert scoring.check_points(D("2.5"), D(3)) == D("2.5")
    for bad in (D("-0.1"), D("3.01"), None):
        with pytest.raises(ValidationError):
            scoring.check_points(bad, D(3))


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(st.lists(decimals, min_size=27, max_size=27))
def test_total_is_the_sum_of_areas_and_within_the_max(values):
    fw = load_template("par_department")
    leaves = [leaf for _, leaf in fw.leaves()]
    scores = {leaf.code: v for leaf, v in zip(leaves, values, strict=True)}
    total = scoring.total_score(fw, scores)
    assert total.score == sum(a.score for a in total.areas)
    assert D(0) <= total.score <= total.max_points
    for a in total.areas:
        assert D(0) <= a.score <= a.max_points


def test_total_counts_missing_scores_as_zero():
    fw = parse_framework(_tiny())
    total = scoring.total_score(fw, {"A1a": D(1), "A2": D(3)})
    assert (total.score, total.max_points, total.percent) == (D(4), D(10), D(40))


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(decimals)
def test_band_thresholds(percent):
    band = scoring.band_for(percent)
    expected = next(b.name for b in scoring.PAR_BANDS if percent >= b.min_percent)
    assert band == expected


def test_ranking_shares_ties_and_skips():
    ranked = scoring.rank([("b", D(80)), ("a", D(90)), ("c", D(80)), ("d", D(40))])
    assert [(r.key, r.rank, r.band) for r in ranked] == [
        ("a", 1, "Xuất sắc"),
        ("b", 2, "Tốt"),
        ("c", 2, "Tốt"),
        ("d", 4, "Yếu"),
    ]


def test_compare_years():
    points = scoring.compare_years({2025: D(70), 2024: D(75), 2026: D(82)})
    assert [(p.year, p.change) for p in points] == [(2024, None), (2025, D(-5)), (2026, D(12))]


def test_weakest_criteria_across_units():
    results = {
        "U1": {"3.1": (D(2), D(8)), "1.1": (D(3), D(3))},
        "U2": {"3.1": (D(6), D(8)), "1.1": (D(1), D(3))},
    }
    w = scoring.weakest(results)
    assert w[0].criterion == "3.1" and w[0].attainment == D("0.5")
    assert w[0].weak_units == ("U1",)
    assert w[1].weak_units == ("U2",)


def test_parse_bands_needs_a_zero_floor():
    with pytest.raises(ValidationError):
        scoring.parse_bands([{"name": "A", "min": 50}])


# --- Surveys ---------------------------------------------------------------------------


def _survey(name):
    return surveys.parse_survey(json.loads((DATA_DIR / f"{name}.json").read_text("utf-8")))


def test_sipas_definition_has_the_five_factors_of_qd_2640():
    s = _survey("sipas")
    assert len(s.sub_indices) == 5
    assert s.kind == surveys.SurveyKind.SIPAS


def test_sipas_is_the_share_satisfied_averaged_over_factors():
    s = _survey("sipas")
    # Two respondents; q1 (access): 5 and 3 → 50 %; every other question 4 → 100 %.
    base = {f"q{i}": 4 for i in range(2, 11)}
    rs = [
        surveys.Response(2, "U", {"q1": 5, **base}),
        surveys.Response(3, "U", {"q1": 3, **base}),
    ]
    result = surveys.aggregate(s, rs)
    assert result.sub_indices["TIEP_CAN"] == 75  # (50 + 100) / 2
    assert result.composite == D(95)  # (75 + 100 × 4) / 5
    assert result.weakest_items(1)[0].code == "q1"


def test_sipas_hand_computed_with_blanks_neutral_answers_and_weights():
    """Three respondents, figures worked by hand (see the method in surveys.py)."""
    s = _survey("sipas")
    rs = [
        surveys.Response(2, "U", {"q1": 5, "q2": 4, "q3": 3, "q5": 1}),
        surveys.Response(3, "U", {"q1": 4, "q3": 4, "q5": 5}),
        surveys.Response(4, "U", {"q1": 3, "q2": 2, "q3": 4, "q5": 4}),
    ]
    result = surveys.aggregate(s, rs)
    items = {i.code: i for i in result.items}
    # q1: 5, 4 satisfied; 3 ("bình thường") not → 2/3. q2: 4 yes, 2 no, one blank → 1/2.
    assert (items["q1"].answers, items["q2"].answers) == (3, 2)
    q1, q2 = D(200) / 3, D(50)
    assert items["q1"].value == q1 and items["q2"].value == q2
    # q3: 3 no, 4 yes, 4 yes → 2/3; q4 never asked → left out of its factor.
    assert items["q4"].value is None and items["q4"].answers == 0
    assert result.sub_indices["TIEP_CAN"] == (q1 + q2) / 2  # 58.33…
    assert result.sub_indices["TTHC"] == D(200) / 3  # q3 alone
    assert result.sub_indices["CONG_CHUC"] == D(200) / 3  # q5: 1 no, 5 yes, 4 yes
    # Factors with no answer at all (KET_QUA, GOP_Y) are left out of the composite.
    assert result.sub_indices["KET_QUA"] is None and result.sub_indices["GOP_Y"] is None
    expected = ((q1 + q2) / 2 + D(200) / 3 + D(200) / 3) / 3
    assert result.composite == expected
    assert round(result.composite, 2) == D("63.89")
    assert result.respondents == 3
    # Weights are data: access counted twice → (2 × 58.33 + 66.67 + 66.67) / 4 = 62.50.
    weighted = dict(json.loads((DATA_DIR / "sipas.json").read_text("utf-8")))
    weighted["sub_indices"] = [
        {**f, "weight": 2 if f["code"] == "TIEP_CAN" else 1} for f in weighted["sub_indices"]
    ]
    again = surveys.aggregate(surveys.parse_survey(weighted), rs)
    assert round(again.composite, 2) == D("62.50")


def test_ddci_normalises_to_ten_and_reverses_bad_questions():
    s = _survey("ddci")
    q4 = s.question("d4")
    assert q4 is not None and q4.reverse
    assert surveys.normalise(5, q4) == 0 and surveys.normalise(1, q4) == 10
    all_best = {f"d{i}": 5 for i in range(1, 10)} | {"d4": 1}
    result = surveys.aggregate(s, [surveys.Response(2, "U", all_best)])
    assert result.composite == 100
    assert all(v == 10 for v in result.sub_indices.values())


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(
    st.lists(
        st.fixed_dictionaries({f"d{i}": st.integers(1, 5) for i in range(1, 10)}),
        min_size=1,
        max_size=20,
    )
)
def test_ddci_composite_within_0_100_and_sub_indices_within_0_10(answers):
    s = _survey("ddci")
    result = surveys.aggregate(s, [surveys.Response(i, "U", a) for i, a in enumerate(answers)])
    assert result.composite is not None and 0 <= result.composite <= 100
    assert all(v is not None and 0 <= v <= 10 for v in result.sub_indices.values())


def test_response_rows_are_checked_with_row_numbers():
    s = _survey("sipas")
    rows = [
        (2, {"don_vi": "U", "q1": "5", "q2": 4, "y_kien": "Tốt"}),
        (3, {"don_vi": "X", "q1": "5"}),
        (4, {"don_vi": "U", "q1": "7", "q2": "a"}),
        (5, {"don_vi": "U"}),
    ]
    ok, errors = surveys.parse_responses(rows, s, {"U"})
    assert [r.row for r in ok] == [2] and ok[0].comment == "Tốt"
    assert [(e.row, e.column) for e in errors] == [(3, "don_vi"), (4, "q1"), (4, "q2"), (5, "")]
    assert str(errors[1]) == "dòng 4, cột q1: 7 ngoài thang 1–5."


# --- Heads of units --------------------------------------------------------------------

component_values = st.fixed_dictionaries(
    {k: st.one_of(st.none(), decimals) for k in heads.COMPONENTS}
)
weights = st.fixed_dictionaries(
    {k: st.decimals(min_value=0, max_value=50, places=1) for k in heads.COMPONENTS}
)


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(component_values, weights)
def test_head_score_is_within_0_100_and_lines_add_up(values, w):
    result = heads.evaluate(values, w)
    if result.score is None:
        return
    assert D(0) <= result.score <= D(100)
    assert sum(line.contribution for line in result.lines) == result.score
    assert result.band in {heads.EXCELLENT, heads.GOOD, heads.DONE, heads.NOT_DONE}


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(component_values, weights, st.sampled_from(list(heads.COMPONENTS)), decimals)
def test_head_score_is_monotone_in_each_component(values, w, key, bump):
    before = heads.evaluate(values, w).score
    if values[key] is None or before is None:
        return
    higher = dict(values, **{key: min(D(100), values[key] + bump)})
    assert heads.evaluate(higher, w).score >= before - D("1e-20")


@settings(suppress_health_check=[HealthCheck.too_slow])  # shared, loaded machine
@given(component_values, weights, st.sampled_from(list(heads.COMPONENTS)))
def test_more_weight_on_a_component_above_the_score_does_not_lower_it(values, w, key):
    before = heads.evaluate(values, w).score
    if values[key] is None or before is None or values[key] < before:
        return
    heavier = dict(w, **{key: w[key] + 10})
    assert heads.evaluate(values, heavier).score >= before - D("1e-20")


def test_missing_components_renormalise_weights_and_say_so():
    result = heads.evaluate({"par": D(80), "index766": D(100)})
    # par 30 and index766 25 of 55 used → 80 × 30/55 + 100 × 25/55
    assert round(result.score, 4) == round(D(80) * 30 / 55 + D(100) * 25 / 55, 4)
    tasks = next(line for line in result.lines if line.component == "tasks")
    assert tasks.value is None and tasks.effective_weight == 0
    assert result.band == heads.GOOD


def test_head_bands():
    assert heads.classify(D(90)) == heads.EXCELLENT
    assert heads.classify(D("89.99")) == heads.GOOD
    assert heads.classify(D(50)) == heads.DONE
    assert heads.classify(D("49.9")) == heads.NOT_DONE
    assert heads.evaluate({}).score is None


def test_weights_are_validated():
    assert heads.parse_weights({"par": "50", "tasks": 50})["par"] == 50
    for bad in ({"par": "-1"}, {"par": "x"}, {"bogus": 1}, {}):
        with pytest.raises(ValidationError):
            heads.parse_weights(bad)
