"""The optional TOTP second factor for staff (django-otp's TOTP device, RFC 6238).

Enrolment: `totp_enrolment_start` makes an unconfirmed device (its key shown once as a QR
code); `totp_enrolment_confirm` confirms it with a code from the app. From the next
sign-in on, the password is followed by `totp_verify`. Wrong codes are throttled by the
device itself (OTP_TOTP_THROTTLE_FACTOR: growing delays after each failure).
Citizens sign in through the national e-ID and have no local second factor here.
"""

from __future__ import annotations

from base64 import b32encode
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts.models import Role

if TYPE_CHECKING:
    from cchc.accounts.models import User

DEVICE_NAME = "Ứng dụng xác thực"


def may_enrol(user: User) -> bool:
    """Staff only: an account with any role other than citizen, or an admin-site user."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.role_assignments.exclude(role=Role.CITIZEN).exists()


def _clean(token: str) -> str:
    token = "".join((token or "").split())
    if not (token.isdigit() and len(token) == 6):
        raise ValidationError(
            {"token": ValidationError(_("Mã xác thực gồm 6 chữ số."), code="token_format")}
        )
    return token


def _wrong() -> ValidationError:
    return ValidationError(
        {
            "token": ValidationError(
                _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại."), code="token_wrong"
            )
        }
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def secret_text(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device with a fresh key (replacing any earlier unconfirmed one)."""
    if not may_enrol(user):
        raise PermissionDenied(_("Chỉ tài khoản cán bộ mới bật được xác thực hai bước."))
    if confirmed_device(user) is not None:
        raise ValidationError(_("Xác thực hai bước đã được bật cho tài khoản này."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


# No transaction.atomic around a code check: the device records each failure (throttling,
# last used time step against replay) and an error raised in the same transaction would
# roll that record back.


def totp_enrolment_confirm(*, user: User, token: str) -> TOTPDevice:
    token = _clean(token)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(_("Chưa bắt đầu bật xác thực hai bước."))
    if not device.verify_token(token):
        raise _wrong()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_verify(*, user: User, token: str) -> TOTPDevice:
    """The second step of signing in: the code from the confirmed device."""
    token = _clean(token)
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Tài khoản chưa bật xác thực hai bước."))
    if not device.verify_token(token):
        raise _wrong()
    return device


def totp_disable(*, user: User, token: str) -> None:
    """Turning it off needs a current code, so a stolen session alone cannot do it."""
    totp_verify(user=user, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
