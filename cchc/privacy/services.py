"""Writes of the privacy app: every full view or export of personal data is logged here.

Nghị định 13/2023/NĐ-CP: Art. 9 (the subject's rights to know, access and obtain their
data), Art. 14 (providing personal data on the subject's request, within 72 hours),
Art. 26–27 (protective measures: a log of processing). Each function checks the permission
(`cchc.accounts.permissions`), validates the reason, writes one `PersonalDataAccess` row
and returns the data; bad input raises a Vietnamese ValidationError and logs nothing.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_permission, require_any
from cchc.accounts.throttle import valid_ip
from cchc.privacy import selectors
from cchc.privacy.models import AccessKind, PersonalDataAccess

if TYPE_CHECKING:
    from cchc.accounts.models import User
    from cchc.dossiers.models import Applicant, Dossier

REASON_MIN_LENGTH = 10


def _reason(value: str) -> str:
    reason = " ".join((value or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Vui lòng ghi lý do (ít nhất %(n)s ký tự), ví dụ: gọi điện hẹn trả kết quả."),
                    code="reason_required",
                    params={"n": REASON_MIN_LENGTH},
                )
            }
        )
    if len(reason) > 1000:
        raise ValidationError(
            {"reason": ValidationError(_("Lý do dài tối đa 1000 ký tự."), code="max_length")}
        )
    return reason


@transaction.atomic
def personal_data_reveal(
    *, actor: User, dossier: Dossier, reason: str, ip: str | None = None
) -> Applicant:
    """Show the applicant's identifiers in full: PERSONAL_DATA_VIEW in one of the dossier's
    units (receiving, handling, current), and a reason, logged."""
    unit = next(
        (
            u
            for u in (dossier.receiving_unit, dossier.handling_unit, dossier.current_unit)
            if u is not None and has_permission(actor, Action.PERSONAL_DATA_VIEW, u)
        ),
        None,
    )
    if unit is None:
        raise PermissionDenied(_(DENIED_MESSAGE))
    clean = _reason(reason)
    applicant = dossier.applicant
    PersonalDataAccess.objects.create(
        actor=actor,
        kind=AccessKind.REVEAL,
        subject_personal_id=applicant.personal_id,
        subject_tax_code=applicant.tax_code,
        subject_name=applicant.name[:255],
        dossier=dossier,
        unit=unit,
        reason=clean,
        ip=valid_ip(ip),
    )
    return applicant


def _zip(data: selectors.SubjectData, *, title: str, by: str) -> bytes:
    generated = timezone.localtime()
    document = {
        "tieu_de": title,
        "so_dinh_danh": data.personal_id,
        "thoi_diem_tao": generated.isoformat(),
        "nguoi_tao": by,
        "can_cu": "Nghị định 13/2023/NĐ-CP, Điều 9 và Điều 14",
        "du_lieu": data.sections,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "du-lieu.json",
            json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        )
        missing = []
        for entry, content in selectors.read_files(data.files):
            if content is None:
                missing.append(entry)
            else:
                zf.writestr(entry, content)
        readme = [
            title,
            f"Tạo lúc: {generated:%d/%m/%Y %H:%M}",
            "",
            "du-lieu.json: toàn bộ bản ghi về chủ thể, theo từng nhóm (tài khoản, người nộp,",
            "hồ sơ, thành phần, diễn biến, thanh toán, thông báo, tờ khai, ủy quyền, phản ánh,",
            "nhật ký truy cập dữ liệu cá nhân). tep/: các tệp đã nộp và kết quả.",
        ]
        if missing:
            readme += ["", "Tệp không còn trong kho lưu trữ:", *missing]
        zf.writestr("DOC-TOI.txt", "\n".join(readme) + "\n")
    return buffer.getvalue()


PERSONAL_ID = re.compile(r"\d{12}")


@transaction.atomic
def personal_data_export(
    *, actor: User, personal_id: str, reason: str, ip: str | None = None
) -> tuple[bytes, int]:
    """On the data subject's request (NĐ 13/2023 Art. 14): everything held about the person
    with `personal_id` in the dossiers of the actor's PERSONAL_DATA_EXPORT units, as a ZIP
    (du-lieu.json and the files). Returns (zip bytes, number of records)."""
    require_any(actor, Action.PERSONAL_DATA_EXPORT)
    number = re.sub(r"[\s.\-]", "", personal_id or "")
    if not PERSONAL_ID.fullmatch(number):
        raise ValidationError(
            {
                "personal_id": ValidationError(
                    _("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="personal_id_format"
                )
            }
        )
    clean = _reason(reason)
    data = selectors.subject_data(personal_id=number, dossiers_q=selectors.dossier_scope(actor))
    name = next((a["name"] for a in data.sections["nguoi_nop"]), "")
    PersonalDataAccess.objects.create(
        actor=actor,
        kind=AccessKind.EXPORT,
        subject_personal_id=number,
        subject_name=name[:255],
        reason=clean,
        ip=valid_ip(ip),
    )
    payload = _zip(
        data,
        title="Dữ liệu cá nhân cung cấp theo yêu cầu của chủ thể dữ liệu",
        by=actor.get_full_name() or actor.get_username(),
    )
    return payload, data.record_count


@transaction.atomic
def personal_data_self_export(*, actor: User, ip: str | None = None) -> bytes:
    """A signed-in citizen downloads everything the system holds about them: their account,
    and every dossier filed with their personal ID or through their account."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_(DENIED_MESSAGE))
    data = selectors.subject_data(personal_id=actor.personal_id, account=actor)
    PersonalDataAccess.objects.create(
        actor=actor,
        kind=AccessKind.SELF_EXPORT,
        subject_personal_id=actor.personal_id,
        subject_tax_code=actor.tax_code,
        subject_name=(actor.full_name or actor.get_username())[:255],
        reason=_("Chủ thể dữ liệu tự tải dữ liệu của mình"),
        ip=valid_ip(ip),
    )
    return _zip(
        data,
        title="Dữ liệu cá nhân của bạn trên hệ thống một cửa điện tử",
        by=actor.full_name or actor.get_username(),
    )
