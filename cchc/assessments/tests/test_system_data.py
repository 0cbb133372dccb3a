"""Computed criteria and the heads' inputs on real dossiers (built by the dossier services),
and the public SIPAS survey reached with a receipt's lookup secret."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cchc.accounts.models import Role
from cchc.assessments import formulas, selectors, services
from cchc.assessments.models import SurveyResponse
from cchc.dossiers.tests.factories import drive_to, grant, make_user, receive
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_for_database
from cchc.indices.tests.conftest import clock, world  # noqa: F401  (fixtures)


@pytest.fixture
def home_affairs(world):  # noqa: F811
    user = make_user("noivu_sd")
    grant(user, Role.HOME_AFFAIRS, world.province, include_subtree=True)
    return user


def test_computed_criteria_follow_the_766_index_of_the_unit(world, home_affairs):  # noqa: F811
    drive_to(world, receive(world), "returned")
    drive_to(world, receive(world), "at_department")
    index = index_for_database(period=parse_period("2026"), unit=world.commune)
    on_time = formulas.compute("dossier_on_time_rate", world.commune, 2026)
    assert on_time.rate == index.criterion("DOSSIER_ON_TIME").rate
    assert on_time.detail["denominator"] == 2
    total = formulas.compute("index766_total", world.commune, 2026)
    assert total.rate == index.percent / 100
    fw = services.framework_create_from_template(actor=None, name="par_commune", year=2026)
    a = services.assessment_open(actor=home_affairs, framework=fw, unit=world.commune)
    s = a.scores.get(criterion__code="3.1")
    assert s.computed_score == round(Decimal(10) * on_time.rate, 2)
    assert (
        s.computed_detail["source_url"] == "/indices/?unit=" + world.commune.code + "&period=2026"
    )


def test_heads_late_component_comes_from_step_overruns(world, home_affairs):  # noqa: F811
    drive_to(world, receive(world), "returned")
    values, sources = selectors.head_inputs(unit=world.commune, year=2026)
    assert sources["late"]["steps"] > 0
    assert (
        values["late"]
        == Decimal(100) - Decimal(100) * sources["late"]["late_steps"] / (sources["late"]["steps"])
    )
    assert values["index766"] is not None


def test_public_sipas_survey_with_the_receipt_secret(world, client):  # noqa: F811
    services.survey_create_from_template(actor=None, kind="sipas", year=2026)
    d = receive(world)
    secret = d.issued_lookup_secret
    assert client.get(f"/assessments/khao-sat/{d.code}/?s=wrong").status_code == 404
    page = client.get(f"/assessments/khao-sat/{d.code}/?s={secret}")
    assert page.status_code == 200 and "Nơi ngồi chờ" in page.content.decode()
    answers = {f"q{i}": "5" for i in range(1, 11)} | {"q3": "2"}
    r = client.post(f"/assessments/khao-sat/{d.code}/", {"s": secret, **answers, "comment": "Ổn"})
    assert r.status_code == 200 and "Cảm ơn" in r.content.decode()
    saved = SurveyResponse.objects.get(dossier_code=d.code)
    assert saved.unit == world.one_stop and saved.answers["q3"] == 2
    r = client.post(f"/assessments/khao-sat/{d.code}/", {"s": secret, **answers})
    assert r.status_code == 400 and "đã được đánh giá" in r.content.decode()
    # Counted in the commune's SIPAS (the one-stop shop is inside the commune).
    value = formulas.compute("sipas_index", world.commune, 2026)
    assert value.rate == Decimal("0.9")  # TTHC factor 50 %, the four others 100 %


def test_public_sipas_refuses_off_scale_answers(world):  # noqa: F811
    services.survey_create_from_template(actor=None, kind="sipas", year=2026)
    d = receive(world)
    with pytest.raises(ValidationError, match="Câu q1: 9 ngoài thang"):
        services.sipas_public_submit(dossier=d, answers={"q1": "9"})
    assert not SurveyResponse.objects.exists()
