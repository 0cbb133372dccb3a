import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.units.models import Unit, UnitKind, UnitSuccession
from cchc.units.services import unit_close, unit_create, unit_move, unit_update

D = dt.date


def _messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


class TestPaths:
    def test_create_computes_path_and_depth(self, make_unit):
        root = make_unit("Tỉnh A", UnitKind.PROVINCE)
        child = make_unit("Xã B", parent=root)
        grandchild = make_unit("UBND xã B", UnitKind.PEOPLES_COMMITTEE, parent=child)
        assert root.path == f"/{root.pk}/" and root.depth == 0
        assert child.path == f"/{root.pk}/{child.pk}/" and child.depth == 1
        assert grandchild.path == f"/{root.pk}/{child.pk}/{grandchild.pk}/"
        assert grandchild.depth == 2
        assert grandchild.ancestor_ids == [root.pk, child.pk, grandchild.pk]
        # Stored, not only on the instance.
        assert Unit.objects.get(pk=grandchild.pk).path == grandchild.path

    def test_move_rewrites_whole_subtree(self, make_unit, django_assert_max_num_queries):
        a = make_unit("Tỉnh A", UnitKind.PROVINCE)
        b = make_unit("Tỉnh B", UnitKind.PROVINCE)
        x = make_unit("Xã X", parent=a)
        dept = make_unit("Bộ phận Một cửa", UnitKind.ONE_STOP, parent=x)
        team = make_unit("Tổ tiếp nhận", UnitKind.DEPARTMENT, parent=dept)
        other = make_unit("Xã Y", parent=a)
        with django_assert_max_num_queries(8):
            unit_move(unit=x, new_parent=b)
        for unit in (x, dept, team, other):
            unit.refresh_from_db()
        assert x.parent_id == b.pk
        assert x.path == f"/{b.pk}/{x.pk}/" and x.depth == 1
        assert dept.path == f"/{b.pk}/{x.pk}/{dept.pk}/" and dept.depth == 2
        assert team.path == f"/{b.pk}/{x.pk}/{dept.pk}/{team.pk}/" and team.depth == 3
        assert other.path == f"/{a.pk}/{other.pk}/"  # untouched sibling

    def test_move_to_root_and_depth_shrinks(self, make_unit):
        a = make_unit("Tỉnh A", UnitKind.PROVINCE)
        x = make_unit("Xã X", parent=a)
        y = make_unit("Phòng", UnitKind.DEPARTMENT, parent=x)
        unit_move(unit=x, new_parent=None)
        y.refresh_from_db()
        assert y.path == f"/{x.pk}/{y.pk}/" and y.depth == 1

    def test_move_into_own_subtree_refused(self, make_unit):
        a = make_unit("Tỉnh A", UnitKind.PROVINCE)
        x = make_unit("Xã X", parent=a)
        with pytest.raises(ValidationError) as exc:
            unit_move(unit=a, new_parent=x)
        assert "chính nó" in _messages(exc)
        a.refresh_from_db()
        assert a.parent_id is None and a.path == f"/{a.pk}/"

    def test_move_refused_outside_new_parent_validity(self, make_unit, history):
        unit_close(unit=history["district"], valid_to=D(2025, 6, 30))
        with pytest.raises(ValidationError) as exc:
            unit_move(unit=history["tay_son"], new_parent=history["district"])
        assert "hết hiệu lực" in _messages(exc)


class TestAgencyCode:
    @pytest.mark.parametrize(
        "bad",
        ["h22.15", "H22 15", "H22-15", "H22.", ".H22", "H22..15", "Đ22", "A" * 36],
    )
    def test_refused_with_vietnamese_message(self, make_unit, bad):
        with pytest.raises(ValidationError) as exc:
            make_unit("Sở Nội vụ", UnitKind.AGENCY, agency_code=bad)
        assert "agency_code" in exc.value.message_dict
        text = " ".join(exc.value.message_dict["agency_code"])
        assert "Mã định danh điện tử" in text and "QĐ 20/2020/QĐ-TTg" in text
        assert not Unit.objects.filter(name="Sở Nội vụ").exists()

    @pytest.mark.parametrize("good", ["H22", "H22.15", "G12.34.56.78", "A" * 35])
    def test_accepted(self, make_unit, good):
        assert make_unit("Sở Nội vụ", UnitKind.AGENCY, agency_code=good).agency_code == good

    def test_update_refuses_bad_code_and_keeps_old(self, make_unit):
        unit = make_unit("Sở Nội vụ", UnitKind.AGENCY, agency_code="H22.15")
        with pytest.raises(ValidationError):
            unit_update(unit=unit, agency_code="h22/15")
        unit.refresh_from_db()
        assert unit.agency_code == "H22.15"


class TestValidity:
    def test_range_must_be_ordered(self, make_unit):
        with pytest.raises(ValidationError) as exc:
            make_unit("Xã A", valid_from=D(2025, 7, 1), valid_to=D(2025, 6, 30))
        assert "không được trước" in " ".join(exc.value.message_dict["valid_to"])

    def test_child_inherits_parent_bounds(self, province):
        child = unit_create(
            code="C1", name="UBND tỉnh", kind=UnitKind.PEOPLES_COMMITTEE, parent=province
        )
        assert child.valid_from == D(2025, 7, 1)

    def test_child_cannot_start_before_parent(self, province):
        with pytest.raises(ValidationError) as exc:
            unit_create(
                code="C1",
                name="Xã",
                kind=UnitKind.COMMUNE,
                parent=province,
                valid_from=D(2025, 1, 1),
            )
        assert "trước đơn vị cấp trên" in " ".join(exc.value.message_dict["valid_from"])

    def test_child_cannot_outlive_parent(self, history):
        # The caller's instance of the district is stale after this: the service re-reads it.
        unit_close(unit=history["district"], valid_to=D(2025, 6, 30))
        with pytest.raises(ValidationError) as exc:
            unit_create(
                code="C2",
                name="Xã",
                kind=UnitKind.COMMUNE,
                parent=history["district"],
                valid_to=D(2026, 1, 1),
            )
        assert "Huyện Tây Sơn" in _messages(exc)

    def test_narrowing_refused_when_child_outside(self, history):
        with pytest.raises(ValidationError) as exc:
            unit_update(unit=history["old_p"], valid_to=D(2025, 6, 30))
        assert "trực thuộc" in _messages(exc)

    def test_duplicate_code_refused(self, make_unit):
        make_unit("A", code="DUP")
        with pytest.raises(ValidationError) as exc:
            make_unit("B", code="DUP")
        assert "đã tồn tại" in _messages(exc)


class TestClose:
    def test_close_cascades_and_records_successions(self, history):
        unit_close(
            unit=history["district"],
            valid_to=D(2025, 6, 30),
            successors=[history["tay_son"]],
            legal_basis="NQ 1664/NQ-UBTVQH15",
        )
        for key in ("district", "phu_phong", "tay_xuan"):
            history[key].refresh_from_db()
            assert history[key].valid_to == D(2025, 6, 30)
        history["old_p"].refresh_from_db()
        assert history["old_p"].valid_to is None  # the parent is not closed by a child
        link = UnitSuccession.objects.get()
        assert (link.predecessor, link.successor) == (history["district"], history["tay_son"])
        assert link.effective_date == D(2025, 7, 1)
        assert link.legal_basis == "NQ 1664/NQ-UBTVQH15"

    def test_close_again_same_day_is_idempotent(self, history):
        kwargs = {"valid_to": D(2025, 6, 30), "successors": [history["tay_son"]]}
        unit_close(unit=history["phu_phong"], **kwargs)
        unit_close(unit=history["phu_phong"], **kwargs)
        assert UnitSuccession.objects.count() == 1

    def test_close_other_day_refused(self, history):
        unit_close(unit=history["phu_phong"], valid_to=D(2025, 6, 30))
        with pytest.raises(ValidationError) as exc:
            unit_close(unit=history["phu_phong"], valid_to=D(2025, 5, 31))
        assert "đã hết hiệu lực từ ngày 30/06/2025" in _messages(exc)

    def test_successor_must_be_valid_the_next_day(self, history):
        with pytest.raises(ValidationError) as exc:
            unit_close(
                unit=history["phu_phong"], valid_to=D(2025, 5, 31), successors=[history["tay_son"]]
            )
        assert "không có hiệu lực vào ngày 01/06/2025" in _messages(exc)
        history["phu_phong"].refresh_from_db()
        assert history["phu_phong"].valid_to is None
        assert not UnitSuccession.objects.exists()


class TestPermission:
    @pytest.fixture
    def user(self, db):
        return User.objects.create_user(username="cb", password="x")

    def test_actor_without_role_refused(self, province, user):
        with pytest.raises(PermissionDenied) as exc:
            unit_create(code="C1", name="Xã", kind=UnitKind.COMMUNE, parent=province, actor=user)
        assert "không có quyền" in str(exc.value)
        assert not Unit.objects.filter(code="C1").exists()

    def test_system_admin_on_subtree_allowed(self, province, user):
        RoleAssignment.objects.create(
            user=user, role=Role.SYSTEM_ADMIN, unit=province, include_subtree=True
        )
        commune = unit_create(
            code="C1", name="Xã", kind=UnitKind.COMMUNE, parent=province, actor=user
        )
        unit_update(unit=commune, name="Xã Mới", actor=user)
        assert Unit.objects.get(code="C1").name == "Xã Mới"

    def test_role_without_unit_manage_refused(self, province, user):
        RoleAssignment.objects.create(
            user=user, role=Role.CHAIRMAN, unit=province, include_subtree=True
        )
        with pytest.raises(PermissionDenied):
            unit_update(unit=province, name="Khác", actor=user)

    def test_only_system_creates_roots(self, user, db):
        with pytest.raises(PermissionDenied):
            unit_create(code="R", name="Tỉnh", kind=UnitKind.PROVINCE, actor=user)


def test_paths_stay_consistent_under_random_moves(make_unit):
    """After any sequence of creates and moves: path = parent's path + own pk, depth = level."""
    import random

    rng = random.Random(20250701)
    units = [make_unit("Gốc", UnitKind.PROVINCE)]
    for step in range(60):
        if step < 25 or rng.random() < 0.3:
            units.append(make_unit(f"Đơn vị {step}", UnitKind.DEPARTMENT, parent=rng.choice(units)))
            continue
        unit, target = rng.choice(units), rng.choice([*units, None])
        try:
            unit_move(unit=unit, new_parent=target)
        except ValidationError:
            assert target is not None
            target.refresh_from_db()
            unit.refresh_from_db()
            assert target.path.startswith(unit.path)  # refused only for a move into itself
    by_pk = {u.pk: u for u in Unit.objects.all()}
    for u in by_pk.values():
        if u.parent_id is None:
            assert (u.path, u.depth) == (f"/{u.pk}/", 0)
        else:
            parent = by_pk[u.parent_id]
            assert u.path == f"{parent.path}{u.pk}/"
            assert u.depth == parent.depth + 1
