"""The PDF template's `num` filter: the Word template's one (`cchc.reports.numbers.figure`)."""

from __future__ import annotations

from django import template

from cchc.reports.numbers import figure

register = template.Library()
register.filter("num", figure)
