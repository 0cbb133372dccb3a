"""The screens of the two apps in English (per-app catalogues in <app>/locale/en)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.assessments.tests.conftest import prov  # noqa: F401 (fixture)
from cchc.dossiers.tests.conftest import clock  # noqa: F401 (fixture)
from cchc.reforms.tests.test_db import make_world

pytestmark = pytest.mark.django_db


def test_reform_screens_in_english(clock, client):  # noqa: F811
    world = make_world()
    client.force_login(world.extra["boss"])
    html = client.get(reverse("reforms:community"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Initiatives, training, outreach" in html
    assert "Staff not yet trained this year" in html
    assert "Organise a new training session" in html
    assert "Cán bộ chưa được tập huấn trong năm" not in html
    html = client.get(reverse("reforms:proposals"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Compliance cost under Article 27 of Circular 02/2017/TT-VPCP" in html
    # Vietnamese stays the default.
    html = client.get(reverse("reforms:community"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Cán bộ chưa được tập huấn trong năm" in html


def test_framework_screen_in_english(prov, client):  # noqa: F811
    client.force_login(prov.home_affairs)
    url = reverse("assessments:framework", args=[prov.framework.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Total maximum points" in html and "Add sub-criterion" in html
    assert "Formulas computed from system data" in html
