"""Counter-side gaps of issue 4: authorised proxy on return, the applicant's data store at
intake, and the printed application form (tờ khai)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers.models import (
    ComponentSource,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatus,
)
from cchc.dossiers.tests.factories import PERSONAL_ID, PERSONAL_ID_2, drive_to, receive
from cchc.dossiers.tests.test_views import (
    detail_url,
    events,
    fresh,
    intake_data,
    post_action,
    text,
)
from cchc.portal.models import ProxyAuthorisation

pytestmark = pytest.mark.django_db


# --- Authorised proxy on return -----------------------------------------------------------


def _proxy(world, d) -> ProxyAuthorisation:
    return ProxyAuthorisation.objects.create(
        dossier_code=d.code,
        proxy_name="Lê Văn Nhận Thay",
        proxy_personal_id=PERSONAL_ID_2,
        document="portal/proxy/uq.pdf",
        document_name="uy-quyen.pdf",
        document_sha256="0" * 64,
        created_by=world.citizen,
        created_at=timezone.now(),
    )


def _last_payload(d) -> dict:
    return DossierEvent.objects.filter(dossier=d).order_by("-pk").first().payload


def test_return_to_a_recorded_proxy(client, world):
    d = drive_to(world, receive(world), "result")
    proxy = _proxy(world, d)
    revoked = _proxy(world, d)
    revoked.revoked_at = timezone.now()
    revoked.save()
    client.force_login(world.officer)
    body = text(client.get(detail_url(d)))
    assert f'<option value="{proxy.pk}">Lê Văn Nhận Thay — {PERSONAL_ID_2}</option>' in body
    assert f'<option value="{revoked.pk}">' not in body
    r = post_action(client, d, "return_result", {"method": "counter", "proxy": str(proxy.pk)})
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.RETURNED
    assert _last_payload(d)["collected_by"] == {
        "name": "Lê Văn Nhận Thay",
        "personal_id": PERSONAL_ID_2,
        "authorisation_ref": f"UQ-{proxy.pk} (uy-quyen.pdf)",
    }


def test_return_to_a_typed_proxy_and_bad_id_is_refused(client, world):
    d = drive_to(world, receive(world), "result")
    client.force_login(world.officer)
    before = events(d)
    typed = {
        "method": "counter",
        "proxy_name": "Trần Thị Nhận",
        "proxy_personal_id": "12345",
        "proxy_authorisation_ref": "Giấy ủy quyền số 12/UQ",
    }
    r = post_action(client, d, "return_result", typed)
    assert r.status_code == 400
    assert "định danh" in text(r)
    assert events(d) == before and fresh(d).status == DossierStatus.RESULT_READY
    r = post_action(client, d, "return_result", {**typed, "proxy_personal_id": PERSONAL_ID_2})
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.RETURNED
    assert _last_payload(d)["collected_by"]["name"] == "Trần Thị Nhận"
    assert _last_payload(d)["collected_by"]["authorisation_ref"] == "Giấy ủy quyền số 12/UQ"


# --- Applicant data store at intake -------------------------------------------------------


def _stored(world):
    from cchc.documents.models import ApplicantDocumentKind
    from cchc.documents.services import applicant_document_add

    earlier = receive(world)
    return applicant_document_add(
        actor=world.officer,
        applicant=earlier.applicant,
        kind=ApplicantDocumentKind.DIGITIZED_PAPER,
        title="Giấy chứng sinh (bản số hóa)",
        content=b"%PDF-1.4 scan",
        source_dossier=earlier,
    )


def test_intake_lists_the_store_of_the_same_person_only(client, world):
    doc = _stored(world)
    client.force_login(world.officer)
    url = reverse("dossiers:intake")
    base = {"procedure": world.version.pk, "applicant_kind": "person"}
    body = text(
        client.get(url, {**base, "applicant_personal_id": PERSONAL_ID}, HTTP_HX_REQUEST="true")
    )
    assert 'id="applicant-store"' in body and f"KHO-{doc.pk}: Giấy chứng sinh" in body
    assert f'<option value="KHO-{doc.pk}">' in body
    body = text(client.get(url, {**base, "applicant_personal_id": PERSONAL_ID_2}))
    assert 'id="applicant-store"' not in body and f"KHO-{doc.pk}" not in body


def test_intake_records_a_component_reused_from_the_store(client, world):
    doc = _stored(world)
    client.force_login(world.officer)
    req = world.requirements()[0]
    data = intake_data(world, **{f"comp_{req.pk}_store": f"KHO-{doc.pk}"})
    r = client.post(reverse("dossiers:intake"), data)
    assert r.status_code == 302, text(r)
    d = Dossier.objects.order_by("-pk").first()
    c = DossierComponent.objects.get(dossier=d, requirement=req)
    assert c.source == ComponentSource.REUSED and c.reuse_reference == f"KHO-{doc.pk}"
    # A reference that is not in this applicant's store is not accepted.
    other = intake_data(
        world,
        applicant_personal_id=PERSONAL_ID_2,
        **{f"comp_{req.pk}_store": f"KHO-{doc.pk}"},
    )
    count = Dossier.objects.count()
    r = client.post(reverse("dossiers:intake"), other)
    assert r.status_code == 400 and Dossier.objects.count() == count


# --- Application form (tờ khai) printed at intake -----------------------------------------


def _application_form(world):
    from cchc.portal.models import ApplicationForm

    return ApplicationForm.objects.create(
        procedure_code=world.procedure.code,
        title="Tờ khai đăng ký khai sinh",
        form_reference="TT 04/2020/TT-BTP",
        fields=[
            {
                "name": "requester_name",
                "label": "Họ, chữ đệm, tên người yêu cầu",
                "type": "text",
                "required": True,
                "prefill": "identity.full_name",
            },
            {
                "name": "mother_name",
                "label": "Họ, chữ đệm, tên người mẹ",
                "type": "text",
                "prefill": "previous.mother_name",
            },
            {"name": "child_name", "label": "Họ, chữ đệm, tên người được khai sinh"},
        ],
    )


def test_application_form_prints_prefilled_from_the_counter_and_earlier_forms(client, world):
    from cchc.portal.models import FilledForm

    form_def = _application_form(world)
    FilledForm.objects.create(
        form=form_def,
        dossier_code="OLD-1",
        personal_id=PERSONAL_ID,
        data={"mother_name": "Trần Thị Mẹ", "child_name": "Bé Cũ"},
        created_at=timezone.now(),
    )
    client.force_login(world.officer)
    assert 'id="print-application-form"' in text(
        client.get(reverse("dossiers:intake"), {"procedure": world.version.pk})
    )
    url = reverse("dossiers:intake_application_form")
    query = {
        "procedure": world.version.pk,
        "applicant_name": "Nguyễn Thị Dân",
        "applicant_personal_id": PERSONAL_ID,
    }
    body = text(client.get(url, query))
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in body
    for label in ("Họ, chữ đệm, tên người yêu cầu", "Họ, chữ đệm, tên người được khai sinh"):
        assert label in body
    assert '<td class="prefilled">Nguyễn Thị Dân</td>' in body
    assert '<td class="prefilled">Trần Thị Mẹ</td>' in body
    # Only fields marked for pre-filling are filled; the rest is left to the applicant.
    assert "Bé Cũ" not in body
    assert "style=" not in body and "<script>" not in body
    # Another person's earlier form is not used.
    body = text(client.get(url, {**query, "applicant_personal_id": PERSONAL_ID_2}))
    assert "Trần Thị Mẹ" not in body and '<td class="prefilled">Nguyễn Thị Dân</td>' in body
    assert client.get(url, {"procedure": "999999"}).status_code == 404
