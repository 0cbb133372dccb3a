"""The privacy screens over HTTP: reveal without htmx, export, own download, access log."""

import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.dossiers.tests.factories import PERSONAL_ID, receive
from cchc.privacy.models import AccessKind, PersonalDataAccess

REASON = "Xác minh địa chỉ gửi kết quả qua bưu chính"


def test_dossier_page_masks_and_reveal_page_shows_in_full(client, world):
    d = receive(world)
    client.force_login(world.officer)
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "********0001" in page and PERSONAL_ID not in page
    assert "0912345678" not in page and "dan@example.vn" not in page
    assert "Hiện đầy đủ" in page

    refused = client.post(reverse("privacy:reveal", args=[d.code]), {"reason": ""})
    assert refused.status_code == 400 and PERSONAL_ID not in refused.content.decode()
    shown = client.post(reverse("privacy:reveal", args=[d.code]), {"reason": REASON})
    assert shown.status_code == 200 and PERSONAL_ID in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    assert PersonalDataAccess.objects.filter(kind=AccessKind.REVEAL).count() == 1


def test_reveal_outside_scope_is_forbidden(client, world):
    d = receive(world)
    client.force_login(world.outsider)
    response = client.post(reverse("privacy:reveal", args=[d.code]), {"reason": REASON})
    assert response.status_code == 403
    assert PERSONAL_ID not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_subject_export_page(client, world):
    receive(world)
    client.force_login(world.officer)
    assert client.get(reverse("privacy:subject_export")).status_code == 403
    client.force_login(world.leader)
    assert client.get(reverse("privacy:subject_export")).status_code == 200
    bad = client.post(reverse("privacy:subject_export"), {"personal_id": "1", "reason": REASON})
    assert bad.status_code == 400 and "12 chữ số" in bad.content.decode()
    ok = client.post(
        reverse("privacy:subject_export"), {"personal_id": PERSONAL_ID, "reason": REASON}
    )
    assert ok.status_code == 200 and ok["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(ok.content)) as zf:
        assert PERSONAL_ID in zf.read("du-lieu.json").decode()


def test_citizen_downloads_own_data(client, world):
    receive(world)
    client.force_login(world.citizen)
    assert client.get(reverse("privacy:self_export")).status_code == 200
    response = client.post(reverse("privacy:self_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-cua-toi-')
    assert PersonalDataAccess.objects.get().kind == AccessKind.SELF_EXPORT


def test_access_log_lists_accesses_with_bounded_queries(
    client, world, django_assert_max_num_queries
):
    def reveal_one() -> None:
        d = receive(world)
        client.force_login(world.officer)
        client.post(reverse("privacy:reveal", args=[d.code]), {"reason": REASON})
        client.force_login(world.leader)

    reveal_one()
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("privacy:access_log"))
    reveal_one()
    reveal_one()
    # The count itself: the captured list is gone once the query log is reset.
    baseline = one_row.final_queries - one_row.initial_queries
    assert baseline <= 12
    with django_assert_max_num_queries(baseline):  # no read per row
        response = client.get(reverse("privacy:access_log"))
    body = response.content.decode()
    assert response.status_code == 200 and body.count(REASON) == 3
    client.force_login(world.officer)
    assert client.get(reverse("privacy:access_log")).status_code == 403


def test_home_pages_point_to_personal_data_and_account_security(client, world):
    client.force_login(world.citizen)
    body = client.get("/").content.decode()
    assert reverse("privacy:self_export") in body
    assert reverse("otp_setup") not in body
    client.force_login(world.leader)  # two staff roles: the security card once
    body = client.get("/").content.decode()
    assert body.count(f'href="{reverse("otp_setup")}"') == 1
    assert reverse("privacy:subject_export") in body
    client.force_login(world.officer)
    assert reverse("privacy:subject_export") not in client.get("/").content.decode()
