"""`{% load pii %}`: the masking filters of cchc.core.privacy, and `may_reveal`."""

from __future__ import annotations

from django import template

from cchc.core import privacy

register = template.Library()

register.filter("mask_id", privacy.mask_id)
register.filter("mask_phone", privacy.mask_phone)
register.filter("mask_email", privacy.mask_email)
register.filter("mask_address", privacy.mask_address)
register.filter("mask_dob", privacy.mask_date_of_birth)
register.filter("mask_contact", privacy.mask_contact)


@register.filter
def mask(value, kind: str) -> str:
    """`{{ value|mask:"phone" }}`"""
    return privacy.mask(value, kind)


@register.simple_tag(takes_context=True)
def may_reveal(context, dossier) -> bool:
    """Whether the signed-in user may show this dossier's applicant data in full."""
    from cchc.accounts.permissions import Action, has_permission

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(
        u is not None and has_permission(user, Action.PERSONAL_DATA_VIEW, u)
        for u in (dossier.receiving_unit, dossier.handling_unit, dossier.current_unit)
    )
