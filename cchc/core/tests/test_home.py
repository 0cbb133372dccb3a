"""The signed-in home page: one section per role, with the role's next actions as cards."""

import re

import pytest
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role, User
from cchc.accounts.tests.conftest import grant, make_user, tree  # noqa: F401  (fixture)
from cchc.core import navigation
from cchc.core.navigation import HomeCard, NavLink

# Every role's section, with a card title that must be there.
ROLE_CARDS = {
    Role.ONE_STOP_OFFICER: ("Công chức Một cửa", "Tiếp nhận hồ sơ"),
    Role.SPECIALIST: ("Chuyên viên xử lý", "Hồ sơ cần xử lý"),
    Role.UNIT_LEADER: ("Lãnh đạo đơn vị", "Hồ sơ chờ phê duyệt"),
    Role.CHAIRMAN: ("Chủ tịch / Phó Chủ tịch UBND", "Hồ sơ chờ ký duyệt"),
    Role.HOME_AFFAIRS: ("Thẩm định Nội vụ", "Thẩm định Chỉ số CCHC, DDCI, SIPAS"),
    Role.PARTNER_STAFF: ("Nhân viên đối tác (Bưu điện)", "Nhận hồ sơ qua dịch vụ bưu chính"),
    Role.CITIZEN: ("Công dân, doanh nghiệp", "Nộp hồ sơ trực tuyến"),
    Role.SYSTEM_ADMIN: ("Quản trị hệ thống", "Trang quản trị"),
}


def _section(html: str, role: str) -> str:
    match = re.search(
        rf'<section class="role-section" data-role="{role}">(.*?)</section>', html, re.S
    )
    assert match, f"no section for {role}"
    return match.group(1)


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_its_name_units_and_cards(client, tree, role):  # noqa: F811
    user = make_user("nv", full_name="Nguyễn Thị Hoa")
    unit = None if role == Role.CITIZEN else tree["commune_a"]
    grant(user, role, unit, title="Chức danh thử" if unit else "")
    client.force_login(user)
    html = client.get("/").content.decode()
    label, card = ROLE_CARDS[role]
    assert "Xin chào, Nguyễn Thị Hoa" in html
    section = _section(html, role)
    assert f"<h2>{label}</h2>" in section
    assert card in section
    if unit:
        assert "Xã A" in section and "Chức danh thử" in section
    # Only this role's section.
    assert html.count('class="role-section"') == 1


@pytest.mark.parametrize("role", Role.values)
def test_with_every_app_installed_no_card_of_a_role_is_coming_soon(client, tree, role):  # noqa: F811
    user = make_user("nv2")
    grant(user, role, None if role == Role.CITIZEN else tree["commune_a"])
    client.force_login(user)
    section = _section(client.get("/").content.decode(), role)
    assert "Sắp có" not in section


@pytest.fixture
def placeholder_card():
    """A card for a feature that has not landed (no URL), shown to every role."""

    def provider(role_home, home):
        yield HomeCard(key="t-soon", title=_("Tiếp nhận hồ sơ"), text="Chưa có", order=1)

    navigation.register_home_widget(provider)
    yield provider
    navigation.unregister_home_widget(provider)


def test_features_not_there_yet_are_labelled_and_not_links(client, tree, placeholder_card):  # noqa: F811
    user = make_user("mc")
    grant(user, Role.ONE_STOP_OFFICER, tree["one_stop_a"])
    client.force_login(user)
    section = _section(client.get("/").content.decode(), Role.ONE_STOP_OFFICER)
    card = re.search(
        r'<div class="card action-card coming-soon" data-card="t-soon".*?</div>', section, re.S
    )
    assert card and "Sắp có" in card.group(0)
    assert "href" not in card.group(0)


def test_a_card_whose_url_does_not_resolve_is_shown_as_coming_soon(client, tree):  # noqa: F811
    def provider(role_home, home):
        yield HomeCard(key="t-broken", title="Trang chưa có", url="/khong-co-trang-nay/")

    navigation.register_home_widget(provider, roles=[Role.SPECIALIST])
    try:
        user = make_user("cv")
        grant(user, Role.SPECIALIST, tree["commune_a"])
        client.force_login(user)
        html = client.get("/").content.decode()
    finally:
        navigation.unregister_home_widget(provider)
    assert 'data-card="t-broken" aria-disabled="true"' in html
    assert "/khong-co-trang-nay/" not in html


def test_cards_link_only_to_pages_that_exist(client, tree):  # noqa: F811
    user = make_user("qt")
    grant(user, Role.SYSTEM_ADMIN, tree["province"])
    client.force_login(user)
    html = client.get("/").content.decode()
    for href in re.findall(r'<a class="card action-card" href="([^"]+)"', html):
        assert navigation.resolve_href(href) == href


def test_user_with_several_roles_sees_a_section_each_in_role_order(client, tree):  # noqa: F811
    user = make_user("kiem")
    grant(user, Role.SYSTEM_ADMIN, tree["province"])
    grant(user, Role.UNIT_LEADER, tree["commune_a"], include_subtree=True)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert re.findall(r'data-role="(\w+)"', html) == [Role.UNIT_LEADER, Role.SYSTEM_ADMIN]
    assert "và các đơn vị trực thuộc" in _section(html, Role.UNIT_LEADER)


def test_user_without_roles_is_told_so(client, db):
    user = make_user("moi")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "chưa được phân công vai trò nào" in html


def test_home_page_query_count_does_not_grow_with_roles(client, tree, django_assert_num_queries):  # noqa: F811
    user = make_user("nhieu")
    for role in (Role.SPECIALIST, Role.UNIT_LEADER, Role.CHAIRMAN, Role.HOME_AFFAIRS):
        for name in ("commune_a", "commune_b", "province"):
            grant(user, role, tree[name])
    client.force_login(user)
    # session, user, assignments (with units) — the menu reuses the same assignments.
    with django_assert_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200


# --- the registries ---------------------------------------------------------------------------


@pytest.fixture
def extra_widget():
    def provider(role_home, home):
        yield HomeCard(key="extra", title="Thẻ của ứng dụng khác", url="/units/", order=1)
        # Replaces core's placeholder of the same key.
        yield HomeCard(key="dossier_inbox", title="Hộp hồ sơ thật", url="home", order=2)

    navigation.register_home_widget(provider, roles=[Role.SPECIALIST])
    yield provider
    navigation.unregister_home_widget(provider)


def test_apps_add_cards_through_the_registry(client, tree, extra_widget):  # noqa: F811
    specialist = make_user("cv")
    grant(specialist, Role.SPECIALIST, tree["commune_a"])
    leader = make_user("ld")
    grant(leader, Role.UNIT_LEADER, tree["commune_a"])
    client.force_login(specialist)
    section = _section(client.get("/").content.decode(), Role.SPECIALIST)
    assert section.index("Thẻ của ứng dụng khác") < section.index("Hộp hồ sơ thật")
    assert '<a class="card action-card" href="/" data-card="dossier_inbox">' in section
    assert "Hồ sơ cần xử lý" not in section
    client.force_login(leader)
    assert "Thẻ của ứng dụng khác" not in client.get("/").content.decode()


@pytest.fixture
def extra_links():
    links = [
        NavLink(key="t-leader", label=_("Chỉ lãnh đạo"), url="/units/", roles={Role.UNIT_LEADER}),
        NavLink(key="t-approve", label=_("Ai duyệt được"), url="/units/", action="dossier.approve"),
        NavLink(key="t-missing", label=_("Trang chưa có"), url="/khong-co/"),
    ]
    for link in links:
        navigation.register_link(link)
    yield links
    for link in links:
        navigation.unregister_link(link.key)


def test_menu_shows_only_links_the_user_may_use(client, tree, extra_links):  # noqa: F811
    specialist = make_user("cv")
    grant(specialist, Role.SPECIALIST, tree["commune_a"])
    chairman = make_user("ct")
    grant(chairman, Role.CHAIRMAN, tree["commune_a"])
    citizen = make_user("dan")
    grant(citizen, Role.CITIZEN, None)

    def menu(user) -> str:
        client.force_login(user)
        html = client.get("/").content.decode()
        return re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)

    assert "Chỉ lãnh đạo" not in menu(specialist) and "Ai duyệt được" not in menu(specialist)
    assert "Ai duyệt được" in menu(chairman) and "Chỉ lãnh đạo" not in menu(chairman)
    assert "Trang chưa có" not in menu(chairman)  # unresolvable links are hidden
    assert "Cơ cấu đơn vị" in menu(chairman) and "Cơ cấu đơn vị" not in menu(citizen)
    assert "Quản trị" not in menu(chairman)


def test_admin_link_needs_the_role_and_staff_access(client, tree):  # noqa: F811
    admin = make_user("qt")
    grant(admin, Role.SYSTEM_ADMIN, tree["province"])
    client.force_login(admin)
    assert 'href="/admin/"' not in client.get("/").content.decode().split("</nav>")[0]
    admin.is_staff = True
    admin.save()
    assert 'href="/admin/"' in client.get("/").content.decode().split("</nav>")[0]
    root = User.objects.create_superuser(username="root", password="x")
    client.force_login(root)
    assert 'href="/admin/"' in client.get("/").content.decode().split("</nav>")[0]


# --- shell: CSP and language -----------------------------------------------------------------


def test_pages_carry_no_inline_script_or_style(client, tree):  # noqa: F811
    user = make_user("qt")
    grant(user, Role.SYSTEM_ADMIN, tree["province"])
    pages = [client.get("/accounts/login/")]
    client.force_login(user)
    pages.append(client.get("/"))
    for response in pages:
        html = response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "style-src 'self'" in response["Content-Security-Policy"]
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_switching_to_english_renders_the_home_page_in_english(client, tree, placeholder_card):  # noqa: F811
    user = make_user("cv", full_name="Phạm Văn D")
    grant(user, Role.SPECIALIST, tree["commune_a"])
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html and "Đăng xuất" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Hello, Phạm Văn D" in html
    assert "Sign out" in html and "Đăng xuất" not in html
    assert "<h2>Case officer</h2>" in html
    assert "Dossiers to process" in html
    assert "Receive dossiers" in html and "Coming soon" in html  # the placeholder card
    # And back.
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Xin chào, Phạm Văn D" in client.get("/").content.decode()


def test_login_page_in_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in" in html and "Password" in html


def test_a_widget_can_render_its_own_template(client, tree):  # noqa: F811
    def provider(role_home, home):
        yield HomeCard(
            key="t-count",
            title="Hồ sơ sắp đến hạn",
            url="/units/",
            template="core/widgets/count.html",
            context={"count": 1234, "label": f"tại {role_home.units[0].name}"},
        )

    navigation.register_home_widget(provider, roles=[Role.UNIT_LEADER])
    try:
        user = make_user("ld")
        grant(user, Role.UNIT_LEADER, tree["commune_b"])
        client.force_login(user)
        section = _section(client.get("/").content.decode(), Role.UNIT_LEADER)
    finally:
        navigation.unregister_home_widget(provider)
    widget = re.search(
        r'<a class="card action-card count-widget" href="/units/" data-card="t-count">.*?</a>',
        section,
        re.S,
    )
    assert widget, section
    assert '<p class="count">1.234</p>' in widget.group(0)
    assert "tại Xã B" in widget.group(0)


# --- menu areas --------------------------------------------------------------------------------


@pytest.fixture
def area_links():
    keys = ["t_area_a", "t_area_b", "t_area_lone"]
    navigation.register_link(NavLink(key="t_area_a", label="Mục A", url="/", order=1))
    navigation.register_link(
        NavLink(key="t_area_b", label="Mục B", url="/", order=2, roles={Role.CHAIRMAN})
    )
    navigation.register_link(NavLink(key="t_area_lone", label="Mục lẻ", url="/", order=3))
    navigation.register_group(
        navigation.NavGroup(
            key="t_area", label="Khu vực thử", order=5, members=("t_area_a", "t_area_b")
        )
    )
    navigation.register_group(
        navigation.NavGroup(
            key="t_area_one", label="Nhóm một mục", order=6, members=("t_area_lone",)
        )
    )
    yield
    for key in keys:
        navigation.unregister_link(key)
    navigation.unregister_group("t_area")
    navigation.unregister_group("t_area_one")


def test_menu_gathers_links_under_their_area_and_collapses_single_link_areas(
    client,
    tree,  # noqa: F811
    area_links,
):
    chairman = make_user("ct2")
    grant(chairman, Role.CHAIRMAN, tree["commune_a"])
    specialist = make_user("cv2")
    grant(specialist, Role.SPECIALIST, tree["commune_a"])

    def nav(user) -> str:
        client.force_login(user)
        html = client.get("/").content.decode()
        return re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)

    chairman_nav = nav(chairman)
    group = re.search(r"<details[^>]*><summary>Khu vực thử</summary>(.*?)</details>", chairman_nav)
    assert group is not None
    assert "Mục A" in group.group(1) and "Mục B" in group.group(1)
    # A group the user sees one link of is that link, with no drop-down around it.
    assert "Nhóm một mục" not in chairman_nav and ">Mục lẻ</a>" in chairman_nav
    specialist_nav = nav(specialist)
    assert "Khu vực thử" not in specialist_nav and ">Mục A</a>" in specialist_nav
    assert "Mục B" not in specialist_nav


def test_the_real_menu_of_a_chairman_has_few_top_level_entries(client, tree):  # noqa: F811
    chairman = make_user("ct3")
    grant(chairman, Role.CHAIRMAN, tree["province"])
    client.force_login(chairman)
    html = client.get("/").content.decode()
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    top_level = re.sub(r"<details.*?</details>", "<details/>", nav, flags=re.S)
    assert top_level.count("<a ") + top_level.count("<details/>") <= 9
    assert "Chỉ số 766" in nav  # still reachable, inside its area
