"""Writes for OpenID Connect sign-in: resolve an external identity to an account, and link
staff accounts in advance.

Rules (docs/decisions/0010-oidc.md):
- A subject already linked signs in as its account, if that account is active (and, for
  a staff-only provider, still holds a staff role).
- An unlinked subject at a provider that serves citizens becomes a citizen account (or,
  when the provider is trusted for the personal ID, the one existing citizen-only account
  with that personal ID), linked for next time.
- An unlinked subject at a staff-only provider is refused: staff accounts are never
  created or matched by a sign-in, only linked in advance by an administrator.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.accounts.permissions import Action, require, require_any, user_roles
from cchc.accounts.services import role_assign, user_create
from cchc.sso.claims import SUBJECT_MAX_LENGTH, ExternalClaims, map_claims
from cchc.sso.conf import ProviderConfig, provider_get
from cchc.sso.models import ExternalIdentity

log = logging.getLogger("cchc.sso")


class SignInRefused(PermissionDenied):
    """The identity provider vouched for someone this system will not sign in."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _subject_digest(provider: str, subject: str) -> str:
    # Logs and generated usernames carry a digest: the subject may be a personal ID.
    return hashlib.sha256(f"{provider}\x00{subject}".encode()).hexdigest()[:16]


def _has_staff_role(user: User) -> bool:
    return any(a.role != Role.CITIZEN for a in user_roles(user))


def _refuse(provider: ProviderConfig, claims: ExternalClaims, message: str, code: str):
    log.warning(
        "sso sign-in refused provider=%s subject#=%s reason=%s",
        provider.key,
        _subject_digest(provider.key, claims.subject),
        code,
    )
    return SignInRefused(message, code=code)


def _citizen_by_personal_id(provider: ProviderConfig, claims: ExternalClaims) -> User | None:
    """The one existing citizen-only account with this personal ID, if the provider is
    trusted to have verified it (VNeID is the national identity system: Nghị định
    69/2024/NĐ-CP on electronic identification). A staff account is never matched this way.
    """
    if not (provider.personal_id_verified and claims.personal_id):
        return None
    candidates = list(User.objects.filter(personal_id=claims.personal_id, is_active=True)[:2])
    if len(candidates) != 1:
        return None
    user = candidates[0]
    if user.is_staff or user.is_superuser:
        return None
    if RoleAssignment.objects.filter(user=user).exclude(role=Role.CITIZEN).exists():
        return None
    if not RoleAssignment.objects.filter(user=user, role=Role.CITIZEN).exists():
        return None
    if ExternalIdentity.objects.filter(provider=provider.key, user=user).exists():
        # Already linked to another subject at this provider: not this person's to take.
        return None
    return user


def _new_username(provider: ProviderConfig, claims: ExternalClaims) -> str:
    base = f"{provider.key}-{_subject_digest(provider.key, claims.subject)}"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _create_citizen(provider: ProviderConfig, claims: ExternalClaims) -> User:
    user = user_create(
        username=_new_username(provider, claims),
        # Never used: the account signs in only through the provider (see below).
        password=secrets.token_urlsafe(32),
        full_name=claims.full_name or _("Công dân"),
        email=claims.email,
        phone=claims.phone,
    )
    user.set_unusable_password()
    user.personal_id = claims.personal_id
    user.save(update_fields=["password", "personal_id"])
    role_assign(user=user, role=Role.CITIZEN, unit=None, title=_("Công dân"))
    return user


def _sign_in_linked(
    link: ExternalIdentity, provider: ProviderConfig, claims: ExternalClaims
) -> User:
    user = link.user
    if not user.is_active:
        raise _refuse(
            provider,
            claims,
            _(
                "Tài khoản liên kết với danh tính này đang bị khóa. Vui lòng liên hệ quản trị hệ thống."
            ),
            "user_inactive",
        )
    if provider.audience == "staff" and not _has_staff_role(user):
        raise _refuse(
            provider,
            claims,
            _(
                "Tài khoản liên kết với danh tính này hiện không có vai trò cán bộ, công chức "
                "nào còn hiệu lực. Vui lòng liên hệ quản trị hệ thống."
            ),
            "no_staff_role",
        )
    link.last_used_at = timezone.now()
    link.save(update_fields=["last_used_at"])
    log.info("sso sign-in provider=%s user=%s linked", provider.key, user.pk)
    return user


@transaction.atomic
def external_identity_sign_in(
    *, provider: ProviderConfig, claims: ExternalClaims | Mapping[str, Any]
) -> User:
    """The account `claims.subject` at `provider` signs in as, or SignInRefused.

    `claims` is what the provider sent (mapped here by `map_claims`: ValidationError when
    the subject or personal ID is unusable) or claims already mapped."""
    if not isinstance(claims, ExternalClaims):
        claims = map_claims(claims, provider)
    link = (
        ExternalIdentity.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(provider=provider.key, subject=claims.subject)
        .first()
    )
    if link is not None:
        return _sign_in_linked(link, provider, claims)
    if not provider.serves_citizens:
        raise _refuse(
            provider,
            claims,
            _(
                "Danh tính “%(subject)s” chưa được liên kết với tài khoản cán bộ, công chức nào "
                "trong hệ thống. Tài khoản cán bộ chỉ được liên kết trước bởi quản trị hệ "
                "thống; vui lòng liên hệ quản trị hệ thống hoặc đăng nhập bằng tài khoản "
                "được cấp."
            )
            % {"subject": claims.subject},
            "staff_not_linked",
        )
    try:
        # A concurrent first sign-in of the same person may win the race for the link.
        with transaction.atomic():
            user = _citizen_by_personal_id(provider, claims)
            origin = "matched" if user else "created"
            if user is None:
                user = _create_citizen(provider, claims)
            ExternalIdentity.objects.create(
                provider=provider.key,
                subject=claims.subject,
                user=user,
                last_used_at=timezone.now(),
            )
    except IntegrityError:
        link = ExternalIdentity.objects.select_related("user").get(
            provider=provider.key, subject=claims.subject
        )
        return _sign_in_linked(link, provider, claims)
    log.info("sso sign-in provider=%s user=%s %s", provider.key, user.pk, origin)
    return user


def _require_manage(actor: User | None, user: User) -> None:
    if actor is None:
        return
    if actor.pk == user.pk:
        # Separation of duties, as for role assignments: nobody links their own account.
        raise PermissionDenied(_("Bạn không thể tự liên kết tài khoản của chính mình."))
    units = {a.unit for a in user_roles(user) if a.unit is not None}
    if not units:
        require_any(actor, Action.USER_MANAGE)
    for unit in units:
        require(actor, Action.USER_MANAGE, unit)


@transaction.atomic
def external_identity_link(
    *, provider: str, subject: str, user: User, actor: User | None = None
) -> ExternalIdentity:
    """Link `subject` at `provider` to `user` in advance (the only way for staff)."""
    _require_manage(actor, user)
    config = provider_get(provider)
    if config is None:
        raise ValidationError(
            {"provider": _("Nhà cung cấp định danh “%(p)s” chưa được cấu hình.") % {"p": provider}}
        )
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {
                "subject": _("Mã định danh phải có từ 1 đến %(max)s ký tự.")
                % {"max": SUBJECT_MAX_LENGTH}
            }
        )
    if not user.is_active:
        raise ValidationError({"user": _("Tài khoản “%(u)s” đang bị khóa.") % {"u": user}})
    existing = ExternalIdentity.objects.filter(provider=provider, subject=subject).first()
    if existing is not None:
        raise ValidationError(
            {
                "subject": _("Danh tính này đã được liên kết với tài khoản “%(u)s”.")
                % {"u": existing.user}
            }
        )
    if ExternalIdentity.objects.filter(provider=provider, user=user).exists():
        raise ValidationError(
            {
                "user": _("Tài khoản “%(u)s” đã có một danh tính liên kết tại “%(p)s”.")
                % {"u": user, "p": config.name}
            }
        )
    link = ExternalIdentity.objects.create(
        provider=provider, subject=subject, user=user, linked_by=actor
    )
    log.info(
        "sso link provider=%s user=%s by=%s", provider, user.pk, actor.pk if actor else "system"
    )
    return link


@transaction.atomic
def external_identity_unlink(*, identity: ExternalIdentity, actor: User | None = None) -> None:
    _require_manage(actor, identity.user)
    log.info(
        "sso unlink provider=%s user=%s by=%s",
        identity.provider,
        identity.user_id,
        actor.pk if actor else "system",
    )
    identity.delete()
