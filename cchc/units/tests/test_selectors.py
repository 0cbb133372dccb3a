import datetime as dt

from cchc.units.models import UnitKind
from cchc.units.selectors import (
    unit_ancestors,
    unit_children,
    unit_children_holding,
    unit_current_successors,
    unit_get_by_code,
    unit_search,
    unit_subtree,
    unit_tree,
)
from cchc.units.services import unit_close, unit_create

D = dt.date
BEFORE, AFTER = D(2025, 6, 1), D(2025, 8, 1)


def _close_history(h):
    unit_close(unit=h["phu_phong"], valid_to=D(2025, 6, 30), successors=[h["tay_son"]])
    unit_close(unit=h["tay_xuan"], valid_to=D(2025, 6, 30), successors=[h["tay_son"]])
    unit_close(unit=h["district"], valid_to=D(2025, 6, 30), successors=[h["tay_son"]])
    unit_close(unit=h["old_p"], valid_to=D(2025, 6, 30), successors=[h["new_p"]])


def _names(units):
    return {u.name for u in units}


def test_subtree_with_and_without_date(history):
    _close_history(history)
    district = history["district"]
    assert _names(unit_subtree(unit=district)) == {
        "Huyện Tây Sơn",
        "Thị trấn Phú Phong",
        "Xã Tây Xuân",
    }
    assert _names(unit_subtree(unit=district, on=BEFORE)) == _names(unit_subtree(unit=district))
    assert list(unit_subtree(unit=district, on=AFTER)) == []


def test_effective_dating_boundaries(history):
    _close_history(history)
    tay_son = history["tay_son"]
    new_p = history["new_p"]
    assert _names(unit_children(unit=new_p, on=D(2025, 7, 1))) == {"Xã Tây Sơn"}
    assert list(unit_children(unit=new_p, on=D(2025, 6, 30))) == []
    assert _names(unit_children(unit=history["district"], on=D(2025, 6, 30))) == {
        "Thị trấn Phú Phong",
        "Xã Tây Xuân",
    }
    assert list(unit_children(unit=history["district"], on=D(2025, 7, 1))) == []
    assert tay_son.is_active_on(D(2025, 7, 1)) and not tay_son.is_active_on(D(2025, 6, 30))


def test_ancestors_root_first(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        ancestors = unit_ancestors(unit=history["tay_xuan"])
    assert [u.name for u in ancestors] == ["Tỉnh Bình Định", "Huyện Tây Sơn"]
    assert unit_ancestors(unit=history["old_p"]) == []


def test_get_by_code_and_agency_code(make_unit):
    unit = make_unit("Sở Nội vụ", UnitKind.AGENCY, code="P52.SNV", agency_code="H22.15")
    assert unit_get_by_code(code="P52.SNV") == unit
    assert unit_get_by_code(code="h22.15") == unit
    assert unit_get_by_code(code="NOPE") is None
    assert unit_get_by_code(code="") is None


def test_current_successor_of_old_commune(history):
    _close_history(history)
    assert unit_current_successors(unit=history["tay_xuan"], on=AFTER) == [history["tay_son"]]
    # Before the merger the old commune is its own answer.
    assert unit_current_successors(unit=history["tay_xuan"], on=BEFORE) == [history["tay_xuan"]]
    assert unit_current_successors(unit=history["old_p"], on=AFTER) == [history["new_p"]]


def test_successors_followed_transitively(history):
    _close_history(history)
    # Xã Tây Sơn is itself merged later into a (hypothetical) ward.
    later = unit_create(
        code="W9",
        name="Phường Tây Sơn",
        kind=UnitKind.WARD,
        parent=history["new_p"],
        valid_from=D(2030, 1, 1),
    )
    unit_close(unit=history["tay_son"], valid_to=D(2029, 12, 31), successors=[later])
    assert unit_current_successors(unit=history["phu_phong"], on=D(2030, 6, 1)) == [later]
    assert unit_current_successors(unit=history["phu_phong"], on=AFTER) == [history["tay_son"]]


def test_successors_of_unit_without_mapping(history):
    unit_close(unit=history["tay_xuan"], valid_to=D(2025, 6, 30))
    assert unit_current_successors(unit=history["tay_xuan"], on=AFTER) == []


def test_tree_as_of_date_shows_district_level(history, django_assert_num_queries):
    _close_history(history)
    with django_assert_num_queries(1):
        before = unit_tree(on=BEFORE)
    assert [n.unit.name for n in before] == ["Tỉnh Bình Định"]
    district = before[0].children[0]
    assert district.unit.name == "Huyện Tây Sơn"
    assert [n.unit.name for n in district.children] == ["Thị trấn Phú Phong", "Xã Tây Xuân"]
    after = unit_tree(on=AFTER)
    assert [n.unit.name for n in after] == ["Tỉnh Gia Lai"]
    assert [n.unit.name for n in after[0].children] == ["Xã Tây Sơn"]
    # Without a date: the whole history.
    assert len(unit_tree()) == 2


def test_tree_query_count_does_not_grow(make_unit, django_assert_num_queries):
    root = make_unit("Tỉnh A", UnitKind.PROVINCE)
    for i in range(3):
        make_unit(f"Xã {i}", parent=root)
    with django_assert_num_queries(1):
        small = unit_tree(root=root)
    for i in range(3, 40):
        c = make_unit(f"Xã {i}", parent=root)
        make_unit(f"UBND xã {i}", UnitKind.PEOPLES_COMMITTEE, parent=c)
    with django_assert_num_queries(1):
        big = unit_tree(root=root)
    assert len(small[0].children) == 3 and len(big[0].children) == 40


def test_tree_orders_organisations_before_territories(make_unit):
    root = make_unit("Tỉnh A", UnitKind.PROVINCE)
    make_unit("Xã Ả", parent=root)
    make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=root)
    make_unit("Phường Bê", UnitKind.WARD, parent=root)
    names = [n.unit.name for n in unit_tree(root=root)[0].children]
    assert names == ["Sở Nội vụ", "Phường Bê", "Xã Ả"]


def test_tree_max_depth(make_unit):
    root = make_unit("Tỉnh A", UnitKind.PROVINCE)
    make_unit("Xã B", parent=root)
    top = unit_tree(max_depth=0)
    assert [n.unit.name for n in top] == ["Tỉnh A"] and top[0].children == []


def test_search_ignores_diacritics_case_and_spaces(history):
    for text in ("phu phong", "Phú Phong", "PHÚ   PHONG", "thi tran phu phong"):
        assert [u.name for u in unit_search(text=text)] == ["Thị trấn Phú Phong"], text
    assert unit_search(text="   ") == []


def test_search_does_not_match_across_fields(make_unit):
    make_unit("Phường Phong Phú", UnitKind.WARD, short_name="Phong Phú")
    assert unit_search(text="phu phong") == []


def test_search_exact_name_first_and_date_filter(history):
    _close_history(history)
    names = [u.name for u in unit_search(text="tay son")]
    assert names[0] in {"Huyện Tây Sơn", "Xã Tây Sơn"}
    assert set(names) == {"Huyện Tây Sơn", "Xã Tây Sơn"}
    assert [u.name for u in unit_search(text="tay son", on=AFTER)] == ["Xã Tây Sơn"]


def test_search_by_peoples_committee_wording(history):
    assert [u.name for u in unit_search(text="UBND thị trấn Phú Phong")] == ["Thị trấn Phú Phong"]
    assert [u.name for u in unit_search(text="Ủy ban nhân dân xã Tây Xuân")] == ["Xã Tây Xuân"]


def test_tree_with_successors_one_more_query(history, django_assert_num_queries):
    _close_history(history)
    with django_assert_num_queries(2):
        nodes = unit_tree(root=history["old_p"], on=BEFORE, with_successors=True)
    assert [u.name for u in nodes[0].successors] == ["Tỉnh Gia Lai"]
    phu_phong = next(
        n for n in nodes[0].children[0].children if n.unit.name == "Thị trấn Phú Phong"
    )
    assert [u.name for u in phu_phong.successors] == ["Xã Tây Sơn"]


def test_children_holding_maps_every_descendant_to_its_child(make_unit, django_assert_num_queries):
    root = make_unit("Tỉnh A", UnitKind.PROVINCE, code="A")
    a = make_unit("Xã 1", parent=root, code="A1")
    b = make_unit("Xã 2", parent=root, code="A2")
    a_committee = make_unit("UBND xã 1", UnitKind.PEOPLES_COMMITTEE, parent=a)
    a_office = make_unit("Một cửa xã 1", UnitKind.ONE_STOP, parent=a_committee)
    with django_assert_num_queries(2):
        children, holder = unit_children_holding(unit=root)
    assert children == [a, b]
    assert holder == {a.pk: a, a_committee.pk: a, a_office.pk: a, b.pk: b}
    assert root.pk not in holder  # the unit's own figures belong to no child
    assert unit_children_holding(unit=a_office) == ([], {})
