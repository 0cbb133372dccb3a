"""The one registry of navigation links and home-page widgets.

Apps add to it from a module named `nav.py` (imported by `CoreConfig.ready()` through
`autodiscover_modules("nav")`), never by editing the base or home template:

    # cchc/dossiers/nav.py
    from django.utils.translation import gettext_lazy as _
    from cchc.accounts.models import Role
    from cchc.accounts.permissions import Action
    from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

    register_link(NavLink(key="dossiers", label=_("Hồ sơ"), url="dossiers:list",
                          action=Action.DOSSIER_VIEW, order=20))

    @home_widget(roles=[Role.ONE_STOP_OFFICER])
    def intake_card(role_home, home):
        yield HomeCard(key="intake", title=_("Tiếp nhận hồ sơ"), url="dossiers:intake")

A link or card is shown only to users who may use it (`roles`, `action`, `staff`), and a
link whose URL does not resolve yet is hidden (cards show it as "Sắp có" instead), so
the menu never points at a page that does not exist.

The menu's structure (which links sit under which heading) is declared in one place,
`cchc/core/nav.py`, with `register_group`: apps register links, core decides the areas.
A group shows as a drop-down only when the user sees two or more of its links; with one
it shows that link directly, with none it is hidden. Links in no group stay at the top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.functional import Promise

if TYPE_CHECKING:
    from cchc.accounts.permissions import Action
    from cchc.accounts.selectors import HomeContext, RoleHome


def resolve_href(url: str) -> str | None:
    """A URL name ("app:view") or a path ("/units/") -> a path, or None if no page is there."""
    if not url:
        return None
    if url.startswith("/"):
        try:
            resolve(url.split("?", 1)[0])
        except Resolver404:
            return None
        return url
    try:
        return reverse(url)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Visibility:
    """Who may see an entry: any of `roles`, or `action` in some unit, or staff; all empty
    means every signed-in user."""

    roles: frozenset[str] = frozenset()
    action: Action | None = None
    staff: bool = False

    def allows(self, home: HomeContext) -> bool:
        user = home.user
        if not user.is_authenticated or not user.is_active:
            return False
        if self.staff and not user.is_staff:
            return False
        if self.staff and user.is_superuser:
            return True
        if not self.roles and self.action is None:
            return True
        if self.roles and home.has_role(*self.roles):
            return True
        return self.action is not None and home.can(self.action)


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    order: int = 100
    roles: Iterable[str] = ()
    action: Action | None = None
    staff: bool = False

    @property
    def visibility(self) -> Visibility:
        return Visibility(roles=frozenset(self.roles), action=self.action, staff=self.staff)


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: str | Promise
    href: str
    active: bool


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page: a next action for one of the user's roles.

    `url` is a URL name or a path; leave it empty (or let it fail to resolve) for a
    feature that is not there yet and the card says so ("Sắp có"). `template` renders a
    richer widget instead of the plain card; it receives `card` (with `card.context`),
    `href` (the resolved URL or None), `home` and `role_home`. `core/widgets/count.html`
    shows a number: `context={"count": 12, "label": "hồ sơ sắp đến hạn"}`.
    """

    key: str
    title: str | Promise
    text: str | Promise = ""
    url: str = ""
    order: int = 100
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NavGroup:
    """A heading of the menu holding the links whose keys are in `members` (in order)."""

    key: str
    label: str | Promise
    order: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class MenuEntry:
    """One item of the top menu: a link, or a group of links (`links` non-empty)."""

    key: str
    label: str | Promise
    href: str = ""
    active: bool = False
    links: tuple[ShownLink, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.links)


@dataclass(frozen=True)
class ShownCard:
    card: HomeCard
    href: str | None

    @property
    def coming_soon(self) -> bool:
        return self.href is None and not self.card.template


WidgetProvider = Callable[["RoleHome", "HomeContext"], Iterable[HomeCard]]

_links: dict[str, NavLink] = {}
_groups: dict[str, NavGroup] = {}
_widgets: list[tuple[frozenset[str] | None, WidgetProvider]] = []


def register_link(link: NavLink) -> NavLink:
    """Add a menu entry; registering the same key again replaces it (an app may take over
    a placeholder another app registered for it)."""
    _links[link.key] = link
    return link


def unregister_link(key: str) -> None:
    _links.pop(key, None)


def register_group(group: NavGroup) -> NavGroup:
    """Declare a menu heading; the same key again replaces it."""
    _groups[group.key] = group
    return group


def unregister_group(key: str) -> None:
    _groups.pop(key, None)


def register_home_widget(provider: WidgetProvider, *, roles: Iterable[str] | None = None) -> None:
    """`provider(role_home, home)` yields HomeCards for each role section of the home page
    whose role is in `roles` (every role when None)."""
    entry = (frozenset(roles) if roles is not None else None, provider)
    if entry not in _widgets:
        _widgets.append(entry)


def unregister_home_widget(provider: WidgetProvider) -> None:
    _widgets[:] = [w for w in _widgets if w[1] is not provider]


def home_widget(*, roles: Iterable[str] | None = None):
    def decorator(provider: WidgetProvider) -> WidgetProvider:
        register_home_widget(provider, roles=roles)
        return provider

    return decorator


def links_for(home: HomeContext, *, current_path: str = "") -> list[ShownLink]:
    shown = []
    for link in sorted(_links.values(), key=lambda x: (x.order, x.key)):
        if not link.visibility.allows(home):
            continue
        href = resolve_href(link.url)
        if href is None:
            continue
        active = href == current_path if href == "/" else current_path.startswith(href)
        shown.append(ShownLink(key=link.key, label=link.label, href=href, active=active))
    return shown


def menu_for(home: HomeContext, *, current_path: str = "") -> list[MenuEntry]:
    """The top menu: visible links, gathered under their group's heading."""
    shown = {link.key: link for link in links_for(home, current_path=current_path)}
    group_of = {key: g for g in _groups.values() for key in g.members}
    entries: list[tuple[int, str, MenuEntry]] = []
    for key, link in shown.items():
        if key in group_of:
            continue
        order = _links[key].order
        entries.append((order, key, MenuEntry(key, link.label, link.href, link.active)))
    for group in _groups.values():
        members = [shown[k] for k in group.members if k in shown]
        if not members:
            continue
        if len(members) == 1:
            only = members[0]
            entry = MenuEntry(only.key, only.label, only.href, only.active)
        else:
            active = any(m.active for m in members)
            entry = MenuEntry(group.key, group.label, "", active, tuple(members))
        entries.append((group.order, group.key, entry))
    return [e for _, _, e in sorted(entries, key=lambda t: (t[0], t[1]))]


def cards_for(role_home: RoleHome, home: HomeContext) -> list[ShownCard]:
    cards: dict[str, HomeCard] = {}
    for roles, provider in _widgets:
        if roles is not None and role_home.role not in roles:
            continue
        for card in provider(role_home, home) or ():
            cards[card.key] = card  # a later app may replace an earlier placeholder
    ordered = sorted(cards.values(), key=lambda c: (c.order, c.key))
    return [ShownCard(card=c, href=resolve_href(c.url)) for c in ordered]


def home_context_for(request: HttpRequest) -> HomeContext:
    """The signed-in user's roles, computed once per request (menu and home page share it)."""
    from cchc.accounts.selectors import user_home_context

    cached = getattr(request, "_cchc_home_context", None)
    if cached is None or cached.user is not request.user:
        cached = user_home_context(user=request.user)
        request._cchc_home_context = cached  # type: ignore[attr-defined]
    return cached
