"""Admin for users and role assignments.

Who may use these pages is decided by the permission module (Action.USER_MANAGE over
the units of the assignment), not by Django's model permissions; writes go through
`cchc.accounts.services` so the admin obeys the same rules as every other caller.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.accounts.identity import validate_personal_id, validate_phone_vn, validate_tax_code
from cchc.accounts.models import RoleAssignment, User
from cchc.accounts.permissions import Action, has_any_permission, scope_filter, units_in_scope
from cchc.accounts.services import (
    role_assign,
    role_assignment_update,
    role_revoke,
    user_create,
    user_update,
)


def _may_manage(request) -> bool:
    user = request.user
    return user.is_active and (user.is_superuser or has_any_permission(user, Action.USER_MANAGE))


class UserManagePermissionMixin:
    """Module-level gate: the admin pages of this app are for holders of USER_MANAGE."""

    def has_module_permission(self, request) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts and assignments are ended (locked / revoked), not erased: the record of
        # who held which authority must survive. Superusers keep the escape hatch.
        return request.user.is_superuser


class IdentityFieldsMixin(forms.ModelForm):
    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return validate_phone_vn(value) if value else ""

    def clean_personal_id(self):
        value = self.cleaned_data.get("personal_id", "")
        return validate_personal_id(value) if value else ""

    def clean_tax_code(self):
        value = self.cleaned_data.get("tax_code", "")
        return validate_tax_code(value) if value else ""


class UserAddForm(IdentityFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "phone")

    def clean_username(self):
        username = super().clean_username()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                _("Tên đăng nhập “%(username)s” đã được sử dụng."),
                code="username_taken",
                params={"username": username},
            )
        return username


USER_PROFILE_FIELDS = ("full_name", "email", "phone", "personal_id", "tax_code", "is_active")


class UserChangeForm(IdentityFieldsMixin, DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User
        fields = ("username", "password", *USER_PROFILE_FIELDS, "is_staff", "is_superuser")

    request = None  # set by UserAdmin.get_form

    def clean(self):
        data = super().clean()
        if self.errors or self.request is None:
            return data
        changes = {n: data[n] for n in self.changed_data if n in USER_PROFILE_FIELDS}
        if changes:
            actor = _actor(self.request)
            _check_with_service(
                self, lambda: user_update(user=self.instance, actor=actor, **changes)
            )
        return data


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "unit", "include_subtree", "title", "valid_from", "valid_to")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ("role", "unit__path")

    def has_add_permission(self, request, obj=None) -> bool:
        # Added from the role-assignment page, which runs role_assign's checks.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


@admin.register(User)
class UserAdmin(UserManagePermissionMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    inlines = [RoleAssignmentInline]
    list_display = ("username", "full_name", "email", "phone", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "role_assignments__role")
    search_fields = ("username", "full_name", "email", "phone", "personal_id")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Thông tin cá nhân"),
            {"fields": ("full_name", "email", "phone", "personal_id", "tax_code")},
        ),
        (_("Trạng thái"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (_("Quyền Django (chỉ quản trị tối cao)"), {"fields": ("is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "phone",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        # The sign-in name is the person's identity in every record: fixed once created.
        return (*self.readonly_fields, "username") if obj is not None else self.readonly_fields

    def get_inline_instances(self, request, obj=None):
        # A new account has no assignments yet; roles are given on the assignment page.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, *self.superuser_fieldsets)
        return fieldsets

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # An administrator sees accounts holding a role in their scope, and accounts
        # with no unit-scoped role yet (new accounts, citizens) so they can assign one.
        in_scope = scope_filter(request.user, Action.USER_MANAGE, field="role_assignments__unit__")
        return qs.filter(in_scope | ~Q(role_assignments__unit__isnull=False)).distinct()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = user_create(
                username=data["username"],
                password=data["password1"],
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
                phone=data.get("phone", ""),
                actor=_actor(request),
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        changes = {name: data[name] for name in form.changed_data if name in USER_PROFILE_FIELDS}
        if changes:
            user_update(user=obj, actor=_actor(request), **changes)
        if request.user.is_superuser:
            # Django's own flags: only a superuser, outside the role model, may set them.
            flags = [f for f in ("is_staff", "is_superuser") if f in form.changed_data]
            if flags:
                for f in flags:
                    setattr(obj, f, data[f])
                obj.save(update_fields=flags)


class _DryRun(Exception):
    """Raised to roll back a service call made only to validate a form."""


def _check_with_service(form: forms.Form, call) -> None:
    """Run the service in a savepoint that is always rolled back, and turn its refusals
    into form errors, so the admin shows the same Vietnamese messages as any caller and
    keeps what the user typed."""
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))


def _actor(request):
    # A superuser acts as the system (bootstrap of the first administrators).
    return None if request.user.is_superuser else request.user


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "unit", "include_subtree", "title", "valid_from", "valid_to")

    request = None  # set by RoleAssignmentAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who, which role, where: fixed once given; end it and assign anew instead.
            for name in ("user", "role", "unit"):
                if name in self.fields:
                    self.fields[name].disabled = True
        elif self.request is not None and not self.request.user.is_superuser:
            self.fields["unit"].queryset = units_in_scope(self.request.user, Action.USER_MANAGE)

    def validate_unique(self):
        # role_assign decides about duplicates (and renews an ended assignment).
        pass

    def _post_clean(self):
        # Skip the model's full_clean: the service validates (in clean()).
        pass

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self._check(data, actor=_actor(self.request))
        return data

    def _check(self, data, *, actor) -> None:
        if self.instance.pk:
            _check_with_service(
                self,
                lambda: role_assignment_update(
                    assignment=self.instance, actor=actor, **self._period(data)
                ),
            )
        else:
            _check_with_service(self, lambda: role_assign(actor=actor, **self._grant(data)))

    @staticmethod
    def _period(data) -> dict:
        return {
            "include_subtree": data.get("include_subtree", False),
            "title": data.get("title", ""),
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
        }

    def _grant(self, data) -> dict:
        return {
            "user": data["user"],
            "role": data["role"],
            "unit": data.get("unit"),
            **self._period(data),
        }


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(UserManagePermissionMixin, admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "unit", "include_subtree", "title", "valid_from", "valid_to")
    list_filter = ("role", "include_subtree")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code", "title")
    list_select_related = ("user", "unit")
    # Thousands of units and users: type an id or pick from the pop-up, not a huge <select>.
    raw_id_fields = ("user", "unit")
    actions = ["revoke_today"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            scope_filter(request.user, Action.USER_MANAGE, field="unit__") | Q(unit__isnull=True)
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = role_assignment_update(
                assignment=obj, actor=_actor(request), **form._period(data)
            )
        else:
            saved = role_assign(actor=_actor(request), **form._grant(data))
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Thu hồi vai trò (từ hôm nay)"))
    def revoke_today(self, request, queryset):
        done = 0
        for assignment in queryset:
            try:
                role_revoke(assignment=assignment, actor=_actor(request))
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, f"{assignment}: {text}")
        if done:
            messages.success(request, _("Đã thu hồi %(n)d phân công vai trò.") % {"n": done})
