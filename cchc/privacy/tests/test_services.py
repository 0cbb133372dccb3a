"""Reveal with a reason, the data-subject export and the citizen's own download."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.accounts.models import Role
from cchc.dossiers.models import ComponentSource
from cchc.dossiers.tests.factories import (
    PERSONAL_ID,
    PERSONAL_ID_2,
    applicant_data,
    components_for,
    grant,
    make_user,
    receive,
)
from cchc.privacy import selectors, services
from cchc.privacy.models import AccessKind, PersonalDataAccess

REASON = "Gọi điện hẹn ngày trả kết quả"


def _read_zip(content: bytes) -> tuple[dict, list[str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.namelist()
        return json.loads(zf.read("du-lieu.json")), names


def test_officer_reveals_with_a_reason_and_it_is_logged(world):
    d = receive(world)
    applicant = services.personal_data_reveal(
        actor=world.officer, dossier=d, reason=f"  {REASON}  ", ip="10.0.0.7"
    )
    assert applicant.personal_id == PERSONAL_ID
    entry = PersonalDataAccess.objects.get()
    assert entry.actor == world.officer
    assert entry.kind == AccessKind.REVEAL
    assert entry.dossier == d
    assert entry.unit == world.one_stop
    assert entry.subject_personal_id == PERSONAL_ID
    assert entry.subject_name == "Nguyễn Thị Dân"
    assert entry.reason == REASON
    assert entry.ip == "10.0.0.7"


@pytest.mark.parametrize("reason", ["", "   ", "xem"])
def test_reveal_without_a_real_reason_is_refused_and_not_logged(world, reason):
    d = receive(world)
    with pytest.raises(ValidationError) as exc:
        services.personal_data_reveal(actor=world.officer, dossier=d, reason=reason)
    assert "lý do" in exc.value.message_dict["reason"][0]
    assert not PersonalDataAccess.objects.exists()


def test_reveal_outside_scope_or_without_the_right_is_refused(world):
    d = receive(world)
    chairman = make_user(full_name="Chủ Tịch")
    grant(chairman, Role.CHAIRMAN, world.commune, include_subtree=True)  # sees, may not reveal
    for actor in (world.outsider, world.postal_staff, chairman, world.citizen):
        with pytest.raises(PermissionDenied):
            services.personal_data_reveal(actor=actor, dossier=d, reason=REASON)
    assert not PersonalDataAccess.objects.exists()


def test_export_gives_everything_about_the_person_in_scope_and_is_logged(world):
    d = receive(world, components=components_for(world, source=ComponentSource.DIGITIZED))
    services.personal_data_reveal(actor=world.officer, dossier=d, reason=REASON)
    other_person = receive(world, applicant=applicant_data(personal_id=PERSONAL_ID_2, name="B"))
    # The same person at another commune's one-stop: outside the leader's units.
    elsewhere = receive(world, actor=world.outsider, receiving_unit=world.other_commune_one_stop)

    content, count = services.personal_data_export(
        actor=world.leader, personal_id="052 090 000 001", reason="Đơn yêu cầu số 12/2026"
    )
    data, names = _read_zip(content)
    assert data["so_dinh_danh"] == PERSONAL_ID
    codes = [x["code"] for x in data["du_lieu"]["ho_so"]]
    assert codes == [d.code]
    assert other_person.code not in json.dumps(data) and elsewhere.code not in codes
    applicant = data["du_lieu"]["nguoi_nop"][0]
    assert applicant["phone"] == "0912345678" and applicant["date_of_birth"] == "1990-05-17"
    assert {c["dossier_code"] for c in data["du_lieu"]["thanh_phan_ho_so"]} == {d.code}
    assert data["du_lieu"]["dien_bien_ho_so"][0]["action"] == "received"
    # The person learns who saw their data in full (NĐ 13/2023 Art. 9).
    assert [x["reason"] for x in data["du_lieu"]["nhat_ky_truy_cap"]] == [REASON]
    # The scanned components travel with the data, under generated names.
    files = [n for n in names if n.startswith(f"tep/{d.code}/thanh-phan/")]
    assert files and all(n.endswith(".pdf") for n in files)
    assert "DOC-TOI.txt" in names
    assert "lookup_secret_hash" not in json.dumps(data)
    assert count == sum(len(v) for v in data["du_lieu"].values())

    log = PersonalDataAccess.objects.get(kind=AccessKind.EXPORT)
    assert log.actor == world.leader and log.subject_personal_id == PERSONAL_ID
    assert log.reason == "Đơn yêu cầu số 12/2026" and log.dossier is None


def test_export_reads_do_not_grow_with_the_number_of_dossiers(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            data = selectors.subject_data(personal_id=PERSONAL_ID)
        assert data.sections["thanh_phan_ho_so"]
        return len(ctx.captured_queries)

    receive(world, components=components_for(world))
    one = queries()
    for _ in range(3):
        receive(world, components=components_for(world))
    assert queries() == one


def test_export_needs_the_right_and_a_valid_number(world):
    receive(world)
    with pytest.raises(PermissionDenied):
        services.personal_data_export(actor=world.officer, personal_id=PERSONAL_ID, reason=REASON)
    with pytest.raises(ValidationError) as exc:
        services.personal_data_export(actor=world.leader, personal_id="12345", reason=REASON)
    assert "12 chữ số" in exc.value.message_dict["personal_id"][0]
    with pytest.raises(ValidationError):
        services.personal_data_export(actor=world.leader, personal_id=PERSONAL_ID, reason="")
    assert not PersonalDataAccess.objects.exists()


def test_citizen_downloads_own_data_including_account_and_dossiers(world):
    d = receive(world)
    other = receive(world, applicant=applicant_data(personal_id=PERSONAL_ID_2, name="B"))
    content = services.personal_data_self_export(actor=world.citizen)
    data, _names = _read_zip(content)
    assert [a["username"] for a in data["du_lieu"]["tai_khoan"]] == [world.citizen.username]
    assert "password" not in data["du_lieu"]["tai_khoan"][0]
    codes = [x["code"] for x in data["du_lieu"]["ho_so"]]
    assert codes == [d.code] and other.code not in codes
    log = PersonalDataAccess.objects.get()
    assert log.kind == AccessKind.SELF_EXPORT and log.actor == world.citizen


def test_a_missing_or_odd_client_address_is_logged_as_null(world):
    d = receive(world)
    services.personal_data_reveal(actor=world.officer, dossier=d, reason=REASON, ip="unknown")
    services.personal_data_reveal(actor=world.officer, dossier=d, reason=REASON, ip="::1")
    assert [e.ip for e in PersonalDataAccess.objects.order_by("pk")] == [None, "::1"]
