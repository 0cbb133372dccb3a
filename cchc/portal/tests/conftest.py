"""Portal fixtures: the dossier test world (units, procedure, citizen) plus a form."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cchc.dossiers.tests.conftest import clock  # noqa: F401  (re-exported fixture)
from cchc.dossiers.tests.factories import make_world
from cchc.portal.models import ApplicationForm

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _image(fmt: str) -> bytes:
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, clock):  # noqa: F811
    w = make_world()
    w.version.online_level = "full"
    w.version.save(update_fields=["online_level"])
    w.extra["form"] = ApplicationForm.objects.create(
        procedure_code=w.procedure.code,
        title="Tờ khai đăng ký khai sinh",
        component_order=1,
        fields=[
            {
                "name": "requester_name",
                "label": "Họ tên người yêu cầu",
                "type": "text",
                "required": True,
                "prefill": "identity.full_name",
            },
            {"name": "child_name", "label": "Họ tên trẻ", "type": "text", "required": True},
            {
                "name": "residence",
                "label": "Nơi cư trú",
                "type": "text",
                "required": True,
                "prefill": "previous.residence",
            },
        ],
    )
    return w
