"""Home Affairs edits a framework's tree; a version in use is read-only and is copied."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.assessments import selectors, services
from cchc.assessments.models import Criterion, Framework, FrameworkChange

D = Decimal


def _c(fw, code):
    return Criterion.objects.get(area__framework=fw, code=code)


def _total(fw):
    return sum((a.max_points for a in selectors.framework_tree(fw)), D(0))


def test_add_sub_criteria_turns_the_parent_into_their_sum(prov):
    fw = prov.framework
    assert _total(fw) == 100
    leaf = _c(fw, "1.1")  # 3 points, self-assessed
    area = leaf.area
    services.criterion_add(
        actor=prov.home_affairs,
        area=area,
        parent=leaf,
        code="1.1.1",
        title="Ban hành kế hoạch đúng hạn",
        max_points=D(2),
        evidence="Kế hoạch",
    )
    leaf.refresh_from_db()
    assert not leaf.is_leaf and leaf.max_points == 2
    services.criterion_add(
        actor=prov.home_affairs,
        area=area,
        parent=leaf,
        code="1.1.2",
        title="Tỷ lệ hồ sơ đúng hạn",
        max_points=D("1.5"),
        method="computed",
        formula="dossier_on_time_rate",
    )
    leaf.refresh_from_db()
    assert leaf.max_points == D("3.5")
    assert _total(fw) == D("100.5")
    rows = [(c.code, depth) for c, depth in selectors.framework_tree(fw)[0].rows]
    assert rows[:3] == [("1.1", 0), ("1.1.1", 1), ("1.1.2", 1)]
    # The validated document has the new tree; an opened assessment scores the leaves.
    a = services.assessment_open(actor=prov.chairman, framework=fw, unit=prov.commune)
    codes = set(a.scores.values_list("criterion__code", flat=True))
    assert {"1.1.1", "1.1.2"} <= codes and "1.1" not in codes


def test_bad_input_changes_nothing(prov):
    fw = prov.framework
    leaf = _c(fw, "1.1")
    with pytest.raises(ValidationError, match="đã có"):
        services.criterion_add(
            actor=prov.home_affairs, area=leaf.area, code="1.2", title="x", max_points=D(1)
        )
    with pytest.raises(ValidationError, match="lớn hơn 0"):
        services.criterion_add(
            actor=prov.home_affairs, area=leaf.area, code="1.9", title="x", max_points=D(0)
        )
    with pytest.raises(ValidationError, match="chọn công thức"):
        services.criterion_update(actor=prov.home_affairs, criterion=leaf, method="computed")
    with pytest.raises(ValidationError, match="Không có công thức"):
        services.criterion_update(
            actor=prov.home_affairs, criterion=leaf, method="computed", formula="khong_co"
        )
    with pytest.raises(PermissionDenied):
        services.criterion_add(
            actor=prov.chairman, area=leaf.area, code="1.9", title="x", max_points=D(1)
        )
    leaf.refresh_from_db()
    assert (leaf.method, leaf.formula, leaf.max_points) == ("self", "", 3)
    assert not Criterion.objects.filter(area__framework=fw, code="1.9").exists()
    assert not FrameworkChange.objects.exists()


def test_change_method_rename_and_delete(prov):
    fw = prov.framework
    leaf = _c(fw, "1.3")
    services.criterion_update(
        actor=prov.home_affairs,
        criterion=leaf,
        code="1.3a",
        title="Tuyên truyền CCHC trên mạng xã hội",
        max_points=D(5),
        method="survey",
        formula="sipas_index",
        evidence="Kết quả khảo sát",
    )
    leaf.refresh_from_db()
    assert (leaf.code, leaf.method, leaf.formula, leaf.max_points) == (
        "1.3a",
        "survey",
        "sipas_index",
        5,
    )
    assert _total(fw) == 102
    services.criterion_delete(actor=prov.home_affairs, criterion=leaf)
    assert _total(fw) == 97
    area = _c(fw, "4.1").area  # area 4 has one criterion only
    with pytest.raises(ValidationError, match="ít nhất một tiêu chí"):
        services.criterion_delete(actor=prov.home_affairs, criterion=_c(fw, "4.1"))
    services.area_update(actor=prov.home_affairs, area=area, title="Tổ chức bộ máy")
    kinds = list(FrameworkChange.objects.values_list("kind", flat=True))
    assert kinds == ["criterion_edited", "criterion_deleted", "area_edited"]
    assert FrameworkChange.objects.first().data["before"]["code"] == "1.3"


def test_a_version_in_use_is_read_only_and_is_copied_to_a_new_version(prov):
    fw = prov.framework
    services.assessment_open(actor=prov.chairman, framework=fw, unit=prov.commune)
    assert selectors.framework_in_use(fw)
    leaf = _c(fw, "1.1")
    for call in (
        lambda: services.criterion_update(actor=prov.home_affairs, criterion=leaf, title="y"),
        lambda: services.criterion_delete(actor=prov.home_affairs, criterion=leaf),
        lambda: services.criterion_add(
            actor=prov.home_affairs, area=leaf.area, code="9", title="x", max_points=D(1)
        ),
    ):
        with pytest.raises(ValidationError, match="sao chép thành phiên bản mới"):
            call()
    copy = services.framework_copy(actor=prov.home_affairs, framework=fw)
    assert (copy.year, copy.level, copy.version) == (2026, "commune", 2)
    assert copy.code == "PAR-XA-2026-v2"
    assert not selectors.framework_in_use(copy)
    assert selectors.framework_document(copy)["areas"] == selectors.framework_document(fw)["areas"]
    services.criterion_update(actor=prov.home_affairs, criterion=_c(copy, "1.1"), title="Mới")
    assert _c(fw, "1.1").title != "Mới"
    # New assessments open on the newest version; the old one keeps its scores.
    assert selectors.framework_current_list() == [copy]
    third = services.framework_copy(actor=prov.home_affairs, framework=fw)
    assert third.version == 3 and Framework.objects.filter(year=2026).count() == 3
    with pytest.raises(PermissionDenied):
        services.framework_copy(actor=prov.chairman, framework=fw)


def test_framework_page_after_edits(prov, client, django_assert_max_num_queries):
    from django.urls import reverse

    fw = prov.framework
    leaf = _c(fw, "1.1")
    url = reverse("assessments:framework", args=[fw.pk])
    client.force_login(prov.home_affairs)
    response = client.post(
        reverse("assessments:criterion_add", args=[fw.pk]),
        {
            "area": leaf.area_id,
            "parent": leaf.pk,
            "code": "1.1.1",
            "title": "Kế hoạch",
            "max_points": "2,5",
            "method": "self",
            "formula": "",
            "evidence": "Quyết định",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Đã thêm tiêu chí." in html and "criterion_added 1.1.1" in html
    client.post(reverse("assessments:area_edit", args=[fw.pk, leaf.area_id]), {"title": "Chỉ đạo"})
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert "area_edited 1" in html and "Chỉ đạo" in html
    assert 'data-testid="total">99,50<' in html
    client.force_login(prov.chairman)  # a unit reads the tree, cannot edit it
    html = client.get(url).content.decode()
    assert "Thêm tiêu chí" not in html and "Kế hoạch" in html
    response = client.post(reverse("assessments:criterion_delete", args=[fw.pk, leaf.pk]))
    assert Criterion.objects.filter(pk=leaf.pk).exists()
