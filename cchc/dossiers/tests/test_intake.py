"""dossier_receive: the three channels, the code, the clock, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.lookup_secrets import secret_matches
from cchc.dossiers import services
from cchc.dossiers.models import (
    Applicant,
    Channel,
    ComponentSource,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatus,
    DossierStep,
    SubjectKind,
)
from cchc.dossiers.selectors import dossier_get_by_lookup
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import (
    PERSONAL_ID_2,
    TAX_CODE,
    applicant_data,
    components_for,
    make_procedure,
    receive,
)
from cchc.units.models import UnitKind


def _nothing_saved():
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert DossierComponent.objects.count() == 0


def test_counter_receipt_sets_code_clock_secret_and_first_step(world):
    d = receive(world)
    d.refresh_from_db()
    agency = world.commune.agency_code  # the one-stop has none: nearest ancestor's e-ID
    assert d.code == f"{agency}-261116-0001"
    assert d.status == DossierStatus.PROCESSING
    assert d.channel == Channel.COUNTER
    # Received Monday 16/11/2026 08:00; 5 working days run Tue 17 … Mon 23/11, 17:00.
    assert d.received_at == dt.datetime(2026, 11, 16, 8, 0, tzinfo=VN)
    assert d.due_at == dt.datetime(2026, 11, 23, 17, 0, tzinfo=VN)
    assert d.original_due_at == d.due_at
    assert d.version == 1
    step = DossierStep.objects.get(dossier=d)
    assert (step.order, step.unit_id, step.assignee_id) == (1, world.one_stop.pk, world.officer.pk)
    assert d.current_unit_id == world.one_stop.pk
    # The secret is returned once and stored only hashed.
    secret = d.issued_lookup_secret
    assert len(secret) == 10 and secret not in d.lookup_secret_hash
    assert secret_matches(secret, d.lookup_secret_hash)
    assert dossier_get_by_lookup(code=d.code, secret=secret.lower()).pk == d.pk
    assert dossier_get_by_lookup(code=d.code, secret="WRONGWRONG") is None
    event = DossierEvent.objects.get(dossier=d)
    assert (event.action, event.seq, event.actor_id) == ("received", 1, world.officer.pk)
    assert [c.source for c in d.components.all()] == [ComponentSource.PAPER] * 2


def test_codes_are_sequential_per_agency_and_day(world, clock):
    codes = [receive(world).code for _ in range(3)]
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    clock.advance(days=1)
    assert receive(world).code.endswith("-261117-0001")
    other = receive(
        world,
        actor=world.outsider,
        receiving_unit=world.other_commune_one_stop,
    )
    assert other.code.startswith(world.other_commune_one_stop.parent.agency_code)
    assert other.code.endswith("-0001")


def test_refused_intake_leaves_no_gap_in_codes(world):
    receive(world)
    with pytest.raises(ValidationError):
        receive(world, applicant=applicant_data(personal_id="123"))
    assert receive(world).code.endswith("-0002")


def test_online_submission_without_account_and_with_volunteer(world, clock):
    # Saturday night: deemed received Monday 23/11 morning; Tuesday 24/11 is a day off
    # (Ngày Văn hóa Việt Nam), so the clock starts on Wednesday 25/11.
    clock.set(dt.datetime(2026, 11, 21, 21, 0, tzinfo=VN))
    d = receive(
        world,
        actor=None,
        channel=Channel.ONLINE,
        components=components_for(world, source=ComponentSource.ELECTRONIC),
        assisted_by={"name": "Đoàn viên Lê Tình Nguyện", "unit": world.commune},
    )
    d.refresh_from_db()
    assert d.deemed_received_at == dt.datetime(2026, 11, 23, 7, 30, tzinfo=VN)
    assert d.due_at == dt.datetime(2026, 12, 1, 17, 0, tzinfo=VN)
    assert d.assisted_by_name == "Đoàn viên Lê Tình Nguyện"
    assert d.assisted_by_unit_id == world.commune.pk
    assert d.current_assignee_id is None
    assert all(c.file_sha256 for c in d.components.all())
    assert DossierEvent.objects.get(dossier=d).actor_id is None


def test_online_submission_by_citizen_account_links_the_applicant(world):
    d = receive(
        world,
        actor=world.citizen,
        channel=Channel.ONLINE,
        components=components_for(world, source=ComponentSource.REUSED),
    )
    assert d.applicant.user_id == world.citizen.pk
    assert {c.reuse_reference for c in d.components.all()} == {"KHO-1", "KHO-2"}
    # Someone else's account (a helper, an officer) is not linked as the applicant.
    for helper in (world.officer, world.citizen):
        other = receive(
            world,
            actor=helper,
            channel=Channel.ONLINE,
            applicant=applicant_data(name="Người khác", personal_id=PERSONAL_ID_2),
            components=components_for(world, source=ComponentSource.REUSED),
        )
        assert other.applicant.user_id is None


def test_online_submission_refuses_paper_components(world):
    with pytest.raises(ValidationError) as exc:
        receive(world, actor=None, channel=Channel.ONLINE)
    assert "bản giấy" in str(exc.value)
    _nothing_saved()


def test_postal_partner_receives_and_digitizes(world):
    d = receive(
        world,
        actor=world.postal_staff,
        channel=Channel.POSTAL,
        postal_unit=world.post,
        components=components_for(world, source=ComponentSource.DIGITIZED),
    )
    assert d.postal_unit_id == world.post.pk
    assert DossierEvent.objects.get(dossier=d).unit_id == world.post.pk


def test_postal_staff_cannot_receive_at_the_counter(world):
    with pytest.raises(PermissionDenied):
        receive(world, actor=world.postal_staff)
    _nothing_saved()


def test_officer_of_another_unit_is_refused(world):
    with pytest.raises(PermissionDenied):
        receive(world, actor=world.outsider)
    with pytest.raises(PermissionDenied):
        receive(world, actor=None)
    _nothing_saved()


def test_organisation_applicant_needs_a_valid_tax_code(world):
    d = receive(
        world, applicant={"kind": "organisation", "name": "Công ty A", "tax_code": TAX_CODE}
    )
    assert d.applicant.tax_code == TAX_CODE
    with pytest.raises(ValidationError) as exc:
        receive(
            world, applicant={"kind": "organisation", "name": "Công ty B", "tax_code": "0100109107"}
        )
    assert "applicant.tax_code" in exc.value.message_dict
    assert Dossier.objects.count() == 1


def test_invalid_input_is_all_reported_and_nothing_saved(world):
    comps = components_for(world, source=ComponentSource.DIGITIZED)
    del comps[0]["file"]
    with pytest.raises(ValidationError) as exc:
        receive(
            world,
            applicant=applicant_data(personal_id="12345", email="khong-phai-email", name=" "),
            components=comps,
        )
    errors = exc.value.message_dict
    assert {"applicant.personal_id", "applicant.email", "applicant.name", "components[0]"} <= set(
        errors
    )
    assert "12 chữ số" in " ".join(errors["applicant.personal_id"])
    assert "phải kèm tệp" in " ".join(errors["components[0]"])
    _nothing_saved()


def test_incomplete_dossier_gets_a_supplement_request_instead_of_receipt(world):
    with pytest.raises(services.IntakeRefused) as exc:
        receive(world, components=components_for(world)[:1])
    assert exc.value.kind == "supplement"
    assert exc.value.items == ["Giấy chứng sinh"]
    assert "bổ sung" in exc.value.messages[0]
    _nothing_saved()


def test_outside_competence_is_refused_with_reason(world):
    provincial = make_procedure(kinds=(UnitKind.PROVINCE,), name="Cấp giấy phép X")
    with pytest.raises(services.IntakeRefused) as exc:
        receive(world, procedure=provincial.procedure, components=[])
    assert exc.value.kind == "outside_competence"
    assert "không thuộc thẩm quyền" in exc.value.messages[0]
    _nothing_saved()


def test_procedure_without_version_in_force_is_refused(world):
    future = make_procedure(valid_from=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationError) as exc:
        receive(world, procedure=future.procedure, components=[])
    assert "hiệu lực" in str(exc.value)
    _nothing_saved()


def test_future_or_backdated_counter_receipt_is_refused(world, clock):
    with pytest.raises(ValidationError) as exc:
        receive(world, received_at=clock.now + dt.timedelta(hours=2))
    assert "received_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        receive(world, received_at=clock.now - dt.timedelta(days=2))
    assert "ghi lùi" in " ".join(exc.value.message_dict["received_at"])
    _nothing_saved()
    # The post office's acceptance time two days ago is kept, and the clock runs from it.
    d = receive(
        world,
        actor=world.postal_staff,
        channel=Channel.POSTAL,
        postal_unit=world.post,
        received_at=clock.now - dt.timedelta(days=3),
        components=components_for(world, source=ComponentSource.DIGITIZED),
    )
    assert d.received_at == clock.now - dt.timedelta(days=3)


def test_blocked_subject_is_refused_with_the_block_reason(world):
    services.subject_block_create(
        actor=world.leader,
        unit=world.department,
        subject_kind=SubjectKind.LAND_PARCEL,
        subject_key="Tờ 12, thửa 345",
        reason="Tòa án nhân dân yêu cầu ngăn chặn giao dịch",
        basis="Quyết định 01/2026/QĐ-BPKCTT",
    )
    with pytest.raises(services.IntakeRefused) as exc:
        receive(world, subjects=[{"kind": "land_parcel", "key": "to 12 thua 345"}])
    assert exc.value.kind == "blocked"
    assert "Tòa án nhân dân yêu cầu ngăn chặn" in exc.value.messages[0]
    assert "Quyết định 01/2026" in exc.value.messages[0]
    _nothing_saved()
    # Another parcel is fine.
    assert receive(world, subjects=[{"kind": "land_parcel", "key": "Tờ 12, thửa 346"}]).pk


def test_block_on_a_person_and_its_validity(world, clock):
    from cchc.dossiers.tests.factories import PERSONAL_ID

    block = services.subject_block_create(
        actor=world.leader,
        unit=world.department,
        subject_kind=SubjectKind.PERSON,
        subject_key=PERSONAL_ID,
        reason="Đang bị truy nã",
        valid_to=dt.date(2026, 11, 18),
    )
    with pytest.raises(services.IntakeRefused):
        receive(world)
    clock.set(dt.datetime(2026, 11, 19, 8, 0, tzinfo=VN))
    assert receive(world).pk
    services.subject_block_lift(actor=world.leader, block=block, reason="Hết hiệu lực")
    with pytest.raises(ValidationError):
        services.subject_block_lift(actor=world.leader, block=block, reason="lần nữa")


def test_only_authorised_units_may_block(world):
    with pytest.raises(PermissionDenied):
        services.subject_block_create(
            actor=world.officer,
            unit=world.one_stop,
            subject_kind=SubjectKind.PERSON,
            subject_key="x",
            reason="y",
        )
