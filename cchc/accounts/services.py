"""Writes to accounts: users and their role assignments.

Every function is keyword-only and runs in one transaction: check permission
(Action.USER_MANAGE; `actor=None` means the system itself, e.g. a management command or
the bootstrap of the first administrator), validate, then mutate. Bad input raises a
ValidationError with a Vietnamese message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.identity import validate_personal_id, validate_phone_vn, validate_tax_code
from cchc.accounts.models import Role, RoleAssignment, User
from cchc.accounts.permissions import Action, require, require_any

if TYPE_CHECKING:
    from cchc.units.models import Unit

USERNAME_MAX_LENGTH = 150


def _field_error(field: str, message: str, code: str, **params) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- users ---------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    actor: User | None = None,
) -> User:
    """Create a sign-in account. Roles are given separately with `role_assign`."""
    if actor is not None:
        require_any(actor, Action.USER_MANAGE)

    username = (username or "").strip()
    full_name = " ".join((full_name or "").split())
    email = (email or "").strip().lower()
    if not username:
        raise _field_error("username", _("Vui lòng nhập tên đăng nhập."), "required")
    if len(username) > USERNAME_MAX_LENGTH or not User.username_validator.regex.match(username):
        raise _field_error(
            "username",
            _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (tối đa 150 ký tự)."),
            "username_invalid",
        )
    # Case-insensitive: "NguyenVanA" and "nguyenvana" must not be two people.
    if User.objects.filter(username__iexact=username).exists():
        raise _field_error(
            "username",
            _("Tên đăng nhập “%(username)s” đã được sử dụng."),
            "username_taken",
            username=username,
        )
    if not full_name:
        raise _field_error("full_name", _("Vui lòng nhập họ và tên."), "required")
    if len(full_name) > 150:
        raise _field_error("full_name", _("Họ và tên dài tối đa 150 ký tự."), "max_length")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise _field_error(
                "email", _("Địa chỉ thư điện tử không hợp lệ."), "email_invalid"
            ) from exc
    if phone:
        try:
            phone = validate_phone_vn(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc}) from exc

    user = User(username=username, full_name=full_name, email=email, phone=phone)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.save()
    return user


# --- role assignments -------------------------------------------------------------------------


def _check_actor(actor: User | None, *, unit: Unit | None, user: User) -> None:
    if actor is None:
        return
    if actor.pk == user.pk:
        # Separation of duties: nobody widens (or narrows) their own authority.
        raise PermissionDenied(_("Bạn không thể tự phân công hoặc thu hồi vai trò của chính mình."))
    if unit is None:
        require_any(actor, Action.USER_MANAGE)
    else:
        require(actor, Action.USER_MANAGE, unit)


def _sync_staff_flag(user: User) -> None:
    """The admin site is the system administrator's tool: is_staff follows that role."""
    today = timezone.localdate()
    holds_admin = (
        RoleAssignment.objects.filter(user=user, role=Role.SYSTEM_ADMIN)
        .exclude(valid_to__lt=today)
        .exists()
    )
    wanted = holds_admin or user.is_superuser
    if user.is_staff != wanted:
        user.is_staff = wanted
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    unit: Unit | None,
    include_subtree: bool = False,
    title: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    actor: User | None = None,
) -> RoleAssignment:
    """Give `user` the `role` in `unit` (and its subtree when `include_subtree`).

    An expired assignment of the same role in the same unit is renewed with the new dates
    (the table keeps one row per user, role and unit).
    """
    _check_actor(actor, unit=unit, user=user)

    if role not in Role.values:
        raise _field_error("role", _("Vai trò không hợp lệ: %(role)s."), "role_invalid", role=role)
    if role == Role.CITIZEN:
        # Citizens and businesses act on their own dossiers, never for a unit.
        if unit is not None or include_subtree:
            raise _field_error(
                "unit",
                _("Vai trò công dân, doanh nghiệp không gắn với đơn vị."),
                "unit_not_allowed",
            )
    elif unit is None:
        raise _field_error("unit", _("Vui lòng chọn đơn vị cho vai trò này."), "required")
    if not user.is_active:
        raise _field_error(
            "user", _("Tài khoản “%(user)s” đang bị khóa."), "user_inactive", user=str(user)
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise _field_error(
            "valid_to",
            _("Ngày kết thúc (%(to)s) không được trước ngày bắt đầu (%(from)s)."),
            "valid_range",
            to=_fmt(valid_to),
            **{"from": _fmt(valid_from)},
        )
    start = valid_from or timezone.localdate()
    if unit is not None and unit.valid_to and unit.valid_to < start:
        raise _field_error(
            "unit",
            _("Đơn vị “%(unit)s” đã hết hiệu lực từ %(date)s."),
            "unit_expired",
            unit=unit.name,
            date=_fmt(unit.valid_to),
        )
    title = " ".join((title or "").split())
    if len(title) > 150:
        raise _field_error("title", _("Chức danh dài tối đa 150 ký tự."), "max_length")

    existing = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .filter(user=user, role=role, unit=unit)
        .first()
    )
    today = timezone.localdate()
    if existing is not None:
        if existing.valid_to is None or existing.valid_to >= today:
            raise _field_error(
                "role",
                _("Người dùng đã có vai trò “%(role)s” tại đơn vị này."),
                "duplicate",
                role=str(Role(role).label),
            )
        assignment = existing
    else:
        assignment = RoleAssignment(user=user, role=role, unit=unit)
    assignment.include_subtree = include_subtree
    assignment.title = title
    assignment.valid_from = valid_from
    assignment.valid_to = valid_to
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        # A concurrent request gave the same role first (the unique constraints decide).
        raise _field_error(
            "role",
            _("Người dùng đã có vai trò “%(role)s” tại đơn vị này."),
            "duplicate",
            role=str(Role(role).label),
        ) from exc
    if role == Role.SYSTEM_ADMIN:
        _sync_staff_flag(user)
    return assignment


@transaction.atomic
def role_revoke(
    *,
    assignment: RoleAssignment,
    on: dt.date | None = None,
    actor: User | None = None,
) -> RoleAssignment | None:
    """End `assignment` so that it no longer applies from `on` (default today).

    The row is kept (valid_to = the day before) so the record shows who held the role
    when; an assignment that had not started yet is deleted and None is returned.
    """
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("user", "unit")
        .get(pk=assignment.pk)
    )
    _check_actor(actor, unit=assignment.unit, user=assignment.user)
    on = on or timezone.localdate()
    last_day = on - dt.timedelta(days=1)
    if assignment.valid_to is not None and assignment.valid_to <= last_day:
        raise _field_error(
            "valid_to",
            _("Phân công này đã kết thúc từ %(date)s."),
            "already_ended",
            date=_fmt(assignment.valid_to),
        )
    user = assignment.user
    if assignment.valid_from is not None and assignment.valid_from > last_day:
        assignment.delete()
        result = None
    else:
        assignment.valid_to = last_day
        assignment.save(update_fields=["valid_to"])
        result = assignment
    if assignment.role == Role.SYSTEM_ADMIN:
        _sync_staff_flag(user)
    return result


_USER_UPDATABLE = frozenset({"full_name", "email", "phone", "personal_id", "tax_code", "is_active"})


@transaction.atomic
def user_update(*, user: User, actor: User | None = None, **changes) -> User:
    """Change a user's profile fields or lock/unlock the account (is_active)."""
    unknown = set(changes) - _USER_UPDATABLE
    if unknown:
        raise ValueError(f"user_update cannot change {sorted(unknown)}")
    if actor is not None:
        require_any(actor, Action.USER_MANAGE)
        if actor.pk == user.pk and changes.get("is_active") is False:
            raise PermissionDenied(_("Bạn không thể tự khóa tài khoản của chính mình."))
    if "full_name" in changes:
        changes["full_name"] = " ".join((changes["full_name"] or "").split())
        if not changes["full_name"]:
            raise _field_error("full_name", _("Vui lòng nhập họ và tên."), "required")
    if changes.get("email"):
        changes["email"] = changes["email"].strip().lower()
        try:
            EmailValidator()(changes["email"])
        except ValidationError as exc:
            raise _field_error(
                "email", _("Địa chỉ thư điện tử không hợp lệ."), "email_invalid"
            ) from exc
    for name, validator in (
        ("phone", validate_phone_vn),
        ("personal_id", validate_personal_id),
        ("tax_code", validate_tax_code),
    ):
        if changes.get(name):
            try:
                changes[name] = validator(changes[name])
            except ValidationError as exc:
                raise ValidationError({name: exc}) from exc
    for name, value in changes.items():
        setattr(user, name, value if value is not None else "")
    user.save(update_fields=list(changes) or None)
    return user


@transaction.atomic
def role_assignment_update(
    *,
    assignment: RoleAssignment,
    include_subtree: bool,
    title: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    actor: User | None = None,
) -> RoleAssignment:
    """Change the period, title or subtree flag of an assignment; who/role/unit are fixed
    (end the assignment and give a new one instead)."""
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("user", "unit")
        .get(pk=assignment.pk)
    )
    _check_actor(actor, unit=assignment.unit, user=assignment.user)
    if assignment.role == Role.CITIZEN and include_subtree:
        raise _field_error(
            "include_subtree",
            _("Vai trò công dân, doanh nghiệp không gắn với đơn vị."),
            "unit_not_allowed",
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise _field_error(
            "valid_to",
            _("Ngày kết thúc (%(to)s) không được trước ngày bắt đầu (%(from)s)."),
            "valid_range",
            to=_fmt(valid_to),
            **{"from": _fmt(valid_from)},
        )
    title = " ".join((title or "").split())
    if len(title) > 150:
        raise _field_error("title", _("Chức danh dài tối đa 150 ký tự."), "max_length")
    assignment.include_subtree = include_subtree
    assignment.title = title
    assignment.valid_from = valid_from
    assignment.valid_to = valid_to
    assignment.save(update_fields=["include_subtree", "title", "valid_from", "valid_to"])
    if assignment.role == Role.SYSTEM_ADMIN:
        _sync_staff_flag(assignment.user)
    return assignment
