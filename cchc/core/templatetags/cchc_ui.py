"""Template tags of the UI shell: the menu (from the navigation registry)."""

from __future__ import annotations

import unicodedata

from django import template

from cchc.core.navigation import home_context_for, menu_for

register = template.Library()


@register.inclusion_tag("core/partials/nav.html", takes_context=True)
def main_nav(context) -> dict:
    request = context.get("request")
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"entries": []}
    return {"entries": menu_for(home_context_for(request), current_path=request.path)}


@register.filter
def nfc(value) -> str:
    """Unicode NFC: Django's LANG_INFO spells "Tiếng Việt" with combining marks, which
    renders the same but breaks text search and matching."""
    return unicodedata.normalize("NFC", str(value))
