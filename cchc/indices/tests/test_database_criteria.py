"""Criteria the database computes from the catalog, petitions and payments (issue 5:
"Criteria the system can compute from its own data are computed"). Every expected figure
below is counted by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from cchc.dossiers.models import ComponentSource, DossierPetition
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import make_procedure, receive
from cchc.indices.database_criteria import REGISTERED
from cchc.indices.definition import CRITERIA, Source
from cchc.indices.formulas import score
from cchc.indices.interchange import export_csv, read_csv
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_comparison, index_for_database
from cchc.indices.sources import database_figures, registered_codes
from cchc.integrations.models import Payment, PaymentStatus
from cchc.portal.models import Petition
from cchc.procedures.models import ProcedureVersion

MARCH = parse_period("2026-03")


def _at(day: int, hour: int = 9, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=VN)


def test_definition_says_which_are_computed_from_the_database():
    database = {c.code for c in CRITERIA if c.computed_from == Source.DATABASE}
    assert database == set(REGISTERED)
    assert set(REGISTERED) <= set(registered_codes())


# --- Transparency ------------------------------------------------------------------------


def _announce(version, *, published: dt.date, effect: dt.datetime, public: dt.date | None):
    version.published_at = published
    version.valid_from = effect
    version.public_on_national_db_on = public
    version.save()
    return version


@pytest.fixture
def catalog(world):
    """March 2026 (no holiday). 5 working days after Mon 2/3 is Mon 9/3."""
    a = _announce(
        make_procedure(name="A"),
        published=dt.date(2026, 3, 2),
        effect=_at(9, 0),  # 2/3 + 5 WD = 9/3 ≤ 9/3: on time
        public=dt.date(2026, 3, 6),  # ≤ 9/3: on time
    )
    b = _announce(
        make_procedure(name="B"),
        published=dt.date(2026, 3, 3),
        effect=_at(9, 0),  # 3/3 + 5 WD = 10/3 > 9/3: late
        public=None,  # deadline 10/3, still not public on 31/3: late
    )
    c1 = _announce(
        make_procedure(name="C"),
        published=dt.date(2026, 3, 2),
        effect=_at(16, 0),  # on time
        public=dt.date(2026, 3, 4),  # on time
    )
    c1.valid_to = _at(23, 0)
    c1.save()
    c2 = ProcedureVersion.objects.create(
        procedure=c1.procedure,
        number=2,
        valid_from=_at(23, 0),
        published_at=dt.date(2026, 3, 20),  # 20/3 + 5 WD = 27/3 > 23/3: late
        public_on_national_db_on=dt.date(2026, 3, 27),  # ≤ 27/3: on time
        implementing_unit_kinds=["commune"],
        processing_time=Decimal(5),
        subjects="Công dân Việt Nam",
    )
    for req in c1.components.all():
        req.pk = None
        req.version = c2
        req.save()
    for step in c1.steps.all():
        step.pk = None
        step.version = c2
        step.save()
    d = _announce(
        make_procedure(name="D"),
        published=dt.date(2026, 2, 27),  # announced in February: not in March's figures
        effect=_at(1, 0),
        public=None,
    )
    e = _announce(
        make_procedure(name="E"),
        published=dt.date(2026, 3, 30),
        effect=dt.datetime(2026, 4, 15, tzinfo=VN),  # 30/3 + 5 WD = 6/4 ≤ 15/4: on time
        public=None,  # deadline 6/4 is after 31/3: not late yet as of the period's end
    )
    # Full content needs subjects (đối tượng); B has no steps; D no time limit.
    for v in (a, b, d):
        v.subjects = "Công dân Việt Nam"
        v.save()
    b.steps.all().delete()
    d.processing_time = Decimal(0)
    d.save()
    f = make_procedure(name="F", kinds=("agency",))  # a provincial agency's procedure
    f.subjects = "Tổ chức"
    f.save()
    return {"a": a, "b": b, "c1": c1, "c2": c2, "d": d, "e": e, "f": f}


def test_catalog_criteria(world, catalog):
    figures = database_figures(period=MARCH, unit=None)
    # Procedures announced in March: A on, B late, C late (its 2nd announcement), E on.
    assert figures["PUBLISH_ON_TIME"] == (2, 4)
    # Made public on time: A, C (both announcements), E (deadline not reached); B late.
    assert figures["PUBLIC_UPDATE_ON_TIME"] == (3, 4)
    # In force on 31/3 23:59:59: the world's procedure (no subjects), A, B (no steps),
    # C v2, D (no time limit), F; E applies from 15/4. Full: A, C, F.
    assert figures["PUBLIC_CONTENT_FULL"] == (3, 6)
    result = index_for_database(period=MARCH)
    out = {c["code"]: c for c in result.as_json()["criteria"]}
    assert (out["PUBLISH_ON_TIME"]["rate"], out["PUBLISH_ON_TIME"]["score"]) == (0.5, 3.0)
    assert (out["PUBLIC_UPDATE_ON_TIME"]["rate"], out["PUBLIC_UPDATE_ON_TIME"]["score"]) == (
        0.75,
        3.0,
    )
    assert out["PUBLIC_CONTENT_FULL"]["score"] == 1.0
    # A commune's subtree does not implement F (a provincial agency's procedure).
    assert database_figures(period=MARCH, unit=world.commune)["PUBLIC_CONTENT_FULL"] == (2, 5)
    # The announcement after the period: E, as of April, is judged again (not in April's
    # population: announced in March).
    assert database_figures(period=parse_period("2026-04"), unit=None)["PUBLISH_ON_TIME"] == (0, 0)


def test_a_late_publication_is_late_only_once_the_deadline_is_past(world, catalog):
    # Quarter 1 ends 31/3 as March does; B's deadline (10/3) is past either way, E's (6/4)
    # is not: the same three of four as in March.
    q1 = database_figures(period=parse_period("2026-Q1"), unit=None)
    assert q1["PUBLIC_UPDATE_ON_TIME"] == (3, 5)  # D (announced 27/2, never public): late


# --- Petitions ---------------------------------------------------------------------------


def _portal_petition(unit, n, *, submitted, due, answered=None, rating=""):
    return Petition.objects.create(
        code=f"PAKN-T{n}",
        unit=unit,
        kind="feedback",
        content="Nội dung phản ánh đủ dài",
        submitter_name="Công dân",
        submitter_contact="0900000000",
        submitted_at=submitted,
        due_at=due,
        status="answered" if answered else "received",
        response="Đã xử lý" if answered else "",
        responded_at=answered,
        rating=rating,
        lookup_secret_hash="x",
    )


@pytest.fixture
def petitions(world):
    d1, d2 = receive(world), receive(world)

    def on_dossier(d, no, received, due, answered=None):
        DossierPetition.objects.create(
            dossier=d,
            no=no,
            kind="complaint",
            content="Chậm",
            received_at=received,
            due_at=due,
            answered_at=answered,
        )

    # P1: answered on time, but complained about again (P2, after the answer).
    on_dossier(d1, 1, _at(2), _at(20, 17), _at(10))
    # P2: unanswered, due 31/3 17:00 < 31/3 23:59:59: late as of March's end.
    on_dossier(d1, 2, _at(12), _at(31, 17))
    # P3: answered after its deadline.
    on_dossier(d2, 1, _at(5), _at(25, 17), _at(30))
    one_stop, other = world.one_stop, world.other_commune_one_stop
    # Q1: on time, rated dissatisfied. Q2: unanswered, due in April: on time as of 31/3.
    # Q3: on time, satisfied. Q4 (another commune): unanswered past its deadline.
    _portal_petition(
        one_stop, 1, submitted=_at(3), due=_at(24, 17), answered=_at(9), rating="dissatisfied"
    )
    _portal_petition(one_stop, 2, submitted=_at(16), due=_at(6, 17, month=4))
    _portal_petition(
        one_stop, 3, submitted=_at(2), due=_at(20, 17), answered=_at(19), rating="satisfied"
    )
    _portal_petition(other, 4, submitted=_at(4), due=_at(10, 17))
    # Outside March: not counted.
    _portal_petition(one_stop, 5, submitted=_at(27, month=2), due=_at(10, 17))
    return d1, d2


def test_petition_criteria(world, petitions):
    figures = database_figures(period=MARCH, unit=None)
    # 7 PAKN; on time: P1, Q1, Q2, Q3.
    assert figures["PETITION_PROCESSING_ON_TIME"] == (4, 7)
    # Satisfied: Q2, Q3 (P1 complained again, Q1 dissatisfied, P2 P3 Q4 late).
    assert figures["PETITION_HANDLING_SATISFACTION"] == (2, 7)
    commune = index_for_database(period=MARCH, unit=world.commune)
    on_time = commune.criterion("PETITION_PROCESSING_ON_TIME")
    assert (on_time.numerator, on_time.denominator, on_time.score) == (4, 6, Decimal(4))
    satisfaction = commune.criterion("PETITION_HANDLING_SATISFACTION")
    assert (satisfaction.numerator, satisfaction.denominator, satisfaction.score) == (
        2,
        6,
        Decimal(2),
    )
    # As of 15/3 (a date range ending then): P2, P3 and Q2 not due yet, Q4 late; P2 not
    # yet received so P1 is not complained about again.
    early = database_figures(period=parse_period("2026-03-01..2026-03-15"), unit=None)
    # Received by 15/3: P1, P2, P3, Q1, Q3, Q4. On time: all but Q4.
    assert early["PETITION_PROCESSING_ON_TIME"] == (5, 6)
    # Satisfied: P2, P3, Q3 (P1 complained again by P2 on 12/3; Q1 dissatisfied).
    assert early["PETITION_HANDLING_SATISFACTION"] == (3, 6)


def test_no_petition_leaves_the_criteria_null(world):
    result = index_for_database(period=MARCH)
    for code in ("PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION"):
        c = result.criterion(code)
        assert (c.numerator, c.denominator, c.rate, c.score) == (0, 0, None, None)


# --- Online payment of procedures -------------------------------------------------------


def test_payment_criteria(world):
    g = make_procedure(name="G", fee=Decimal(50000))
    h = make_procedure(name="H", fee=Decimal(20000))
    h.online_payment_integrated_on = dt.date(2026, 2, 1)
    h.save()
    i = make_procedure(name="I", fee=Decimal(10000))
    i.online_payment_integrated_on = dt.date(2026, 4, 5)  # after March
    i.save()

    def dossier_of(version):
        return receive(
            world,
            procedure=version.procedure,
            components=[
                {"requirement": r, "source": ComponentSource.PAPER}
                for r in version.components.filter(is_required=True)
            ],
        )

    def pay(dossier, n, provider, paid_at):
        Payment.objects.create(
            dossier=dossier,
            amount=Decimal(1000),
            provider=provider,
            reference=f"T{n}",
            status=PaymentStatus.PAID,
            created_at=paid_at,
            paid_at=paid_at,
        )

    pay(dossier_of(g), 1, "sandbox", _at(10))  # online, in March
    pay(dossier_of(h), 2, "sandbox", _at(15, month=2))  # online, in February
    pay(dossier_of(i), 3, "counter", _at(12))  # at the counter: not online
    figures = database_figures(period=MARCH, unit=None)
    # Procedures with fees in force on 31/3: G, H, I. Integrated: G (paid online), H (date).
    assert figures["FORMALITY_ONLINE_PAYMENT_INTEGRATED"] == (2, 3)
    # Paid online in March: G only.
    assert figures["FORMALITY_ONLINE_PAYMENT_TRANSACTED"] == (1, 3)
    result = index_for_database(period=MARCH)
    out = {c["code"]: c for c in result.as_json()["criteria"]}
    # 2 × min(1, (2/3) / 0.8) = 1.6666…; 2 × 1/3 = 0.6666…
    assert out["FORMALITY_ONLINE_PAYMENT_INTEGRATED"]["score"] == 1.67
    assert out["FORMALITY_ONLINE_PAYMENT_TRANSACTED"]["score"] == 0.67
    # In April I's integration date has come: 3 of 3; nothing paid online in April.
    april = database_figures(period=parse_period("2026-04"), unit=None)
    assert april["FORMALITY_ONLINE_PAYMENT_INTEGRATED"] == (3, 3)
    assert april["FORMALITY_ONLINE_PAYMENT_TRANSACTED"] == (0, 3)


# --- File scoring and the comparison screen ----------------------------------------------


def test_file_scoring_leaves_them_null_and_comparison_shows_them(world, catalog, tmp_path):
    from cchc.indices.services import official_scores_import

    path = tmp_path / "march.csv"
    export_csv(period=MARCH, path=path)
    from_file = {c["code"]: c for c in score(read_csv(path), MARCH).as_json()["criteria"]}
    for code in REGISTERED:
        assert from_file[code]["score"] is None and from_file[code]["numerator"] is None
    official = tmp_path / "official.csv"
    official.write_text(
        "unit_code,period,criterion,numerator,denominator,score,source\n"
        f"{world.province.code},2026-03,PUBLISH_ON_TIME,3,4,4.5,Cổng DVCQG\n",
        encoding="utf-8",
    )
    official_scores_import(actor=None, path=official)
    _, rows = index_comparison(period=MARCH, unit=world.province)
    publish = {r.code: r for r in rows}["PUBLISH_ON_TIME"]
    # Computed 6 × 2/4 = 3 beside the portal's 4.5.
    assert (publish.computed, publish.official, publish.difference) == (
        Decimal(3),
        Decimal("4.5"),
        Decimal("-1.5"),
    )
    assert publish.computed_from == "database"
    # The command's comparison lists it with its difference.
    out = io.StringIO()
    call_command(
        "index", "--period", "2026-03", "--unit", world.province.code, "--compare", stdout=out
    )
    [line] = [x for x in out.getvalue().splitlines() if "PUBLISH_ON_TIME" in x]
    # computed now, computed when the official figure was imported, official, difference
    assert line.split()[1:5] == ["3.00", "3.00", "4.50", "-1.50"]
    assert "danh mục TTHC" in line
