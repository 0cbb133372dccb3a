import io

import pytest
from django.core.management import call_command
from django.test import Client

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.demo.structure import DEMO_PASSWORD, DEMO_USERS
from cchc.units.models import Unit, UnitKind


def _counts() -> tuple[int, int, int]:
    return Unit.objects.count(), User.objects.count(), RoleAssignment.objects.count()


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_builds_a_believable_province_once_and_keeps_it_on_rerun():
    out = io.StringIO()
    call_command("demo", no_activity=True, stdout=out)
    first = _counts()
    text = out.getvalue()
    # Every demo account is printed with its role.
    for demo in DEMO_USERS:
        assert demo.username in text
    assert DEMO_PASSWORD in text

    # One account per role the foundation defines.
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held >= {r.value for r in Role}

    province = Unit.objects.get(code="P52")
    subtree = Unit.objects.subtree_of(province)
    kinds = set(subtree.values_list("kind", flat=True))
    assert {
        UnitKind.PEOPLES_COMMITTEE,
        UnitKind.AGENCY,
        UnitKind.ONE_STOP,
        UnitKind.PARTNER,
        UnitKind.MASS_ORG,
        UnitKind.COMMUNE,
    } <= kinds
    # Several communes have their own one-stop centre.
    assert subtree.filter(kind=UnitKind.ONE_STOP).count() >= 4
    # The former district is kept as history, mapped to today's communes.
    assert Unit.objects.get(code="OLD-D547").valid_to is not None

    call_command("demo", no_activity=True, stdout=io.StringIO())
    assert _counts() == first

    from cchc.floor.models import Counter

    assert Counter.objects.filter(unit__kind=UnitKind.ONE_STOP).count() >= 8

    client = Client()
    assert client.login(username="motcua.tayson", password=DEMO_PASSWORD)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_activity_is_a_verifiable_year_of_dossiers_loaded_once(monkeypatch):
    from cchc.demo import builder
    from cchc.dossiers.audit import audit_verify
    from cchc.dossiers.models import Dossier

    monkeypatch.setattr(builder, "DEMO_DOSSIERS", 150)
    call_command("demo", quiet_accounts=True, stdout=io.StringIO())
    made = Dossier.objects.count()
    assert made > 100
    # Several one-stop units received dossiers, through more than one channel.
    assert Dossier.objects.values("receiving_unit").distinct().count() >= 3
    assert Dossier.objects.values("channel").distinct().count() >= 2
    report = audit_verify(projections=True)
    assert report.ok, report
    call_command("demo", quiet_accounts=True, stdout=io.StringIO())
    assert Dossier.objects.count() == made
