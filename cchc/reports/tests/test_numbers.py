"""Report figures are written the Vietnamese way in every template (the `num` filter)."""

from __future__ import annotations

from decimal import Decimal

from django.template import engines
from django.utils import translation

from cchc.reports.numbers import figure, percent
from cchc.reports.render import jinja_env


def test_figures_group_thousands_with_dots_and_mark_decimals_with_a_comma():
    assert figure(1189) == "1.189"
    assert figure(7) == "7"
    assert figure(Decimal("1234567.50")) == "1.234.567,50"
    assert figure(10.5) == "10,5"
    assert figure(-1189) == "-1.189"
    assert figure(Decimal("30000000.5"), 0) == "30.000.001"  # whole đồng, half away from 0
    assert figure(12.25, 1) == "12,3"
    assert figure(None) == figure("") == "—"
    assert figure("10,5") == "10,5"  # already written
    assert percent(Decimal("87.5")) == "87,50%" and percent(None) == "—"


def test_the_word_and_pdf_templates_share_the_filter_whatever_the_language():
    ctx = {"n": 1189, "money": Decimal("30000000.40")}
    with translation.override("en"):
        docx = jinja_env().from_string("{{ n|num }} {{ money|num(0) }}").render(ctx)
        pdf = (
            engines["django"]
            .from_string("{% load report_tags %}{{ n|num }} {{ money|num:0 }}")
            .render(ctx)
        )
    assert docx == pdf == "1.189 30.000.000"
