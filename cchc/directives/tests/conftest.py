from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from cchc.units.models import UnitKind
from cchc.units.services import unit_create

END_OF_DISTRICTS = dt.date(2025, 6, 30)


@pytest.fixture
def tree(db):
    """A former district (history, until 30/6/2025) and a current commune."""
    old = unit_create(
        code="T-OLD-P", name="Tỉnh Bình Định", kind=UnitKind.PROVINCE, valid_to=END_OF_DISTRICTS
    )
    district = unit_create(code="T-D", name="Huyện Tây Sơn", kind=UnitKind.DISTRICT, parent=old)
    pc = unit_create(
        code="T-D.UBND",
        name="Ủy ban nhân dân huyện Tây Sơn",
        kind=UnitKind.PEOPLES_COMMITTEE,
        parent=district,
    )
    ns = SimpleNamespace(old_province=old, district=district, district_pc=pc)

    def dept(code, name, kind=UnitKind.AGENCY, parent=pc, **kw):
        unit = unit_create(code=f"T-D.{code}", name=name, kind=kind, parent=parent, **kw)
        setattr(ns, code.lower(), unit)
        return unit

    dept("NV", "Phòng Nội vụ huyện Tây Sơn")
    dept("VP", "Văn phòng HĐND và UBND huyện")
    dept("TCKH", "Phòng Tài chính - Kế hoạch")
    dept("TNMT", "Phòng Tài nguyên và Môi trường")
    dept("KTHT", "Phòng Kinh tế và Hạ tầng")
    dept("LDTBXH", "Phòng Lao động - Thương binh và Xã hội")
    dept("VHTT", "Phòng Văn hóa và Thông tin")
    dept("CNVPDK", "Chi nhánh Văn phòng Đăng ký đất đai huyện Tây Sơn", UnitKind.PUBLIC_SERVICE)
    dept("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Tây Sơn", UnitKind.MASS_ORG, district)
    dept("HLHPN", "Hội Liên hiệp Phụ nữ huyện Tây Sơn", UnitKind.MASS_ORG, district)
    dept("HD", "Huyện đoàn Tây Sơn", UnitKind.MASS_ORG, district)
    ns.phu_phong = unit_create(
        code="T-W1", name="Thị trấn Phú Phong", kind=UnitKind.TOWNSHIP, parent=district
    )
    ns.tay_vinh = unit_create(
        code="T-W2", name="Xã Tây Vinh", kind=UnitKind.COMMUNE, parent=district
    )
    # Merged into another commune before the notice: not an addressee in 2024.
    ns.gone = unit_create(
        code="T-W3",
        name="Xã Bình Tân",
        kind=UnitKind.COMMUNE,
        parent=district,
        valid_to=dt.date(2023, 12, 31),
    )
    new = unit_create(code="T-P", name="Tỉnh Gia Lai", kind=UnitKind.PROVINCE)
    commune = unit_create(
        code="T-C",
        name="Xã Tây Sơn",
        kind=UnitKind.COMMUNE,
        parent=new,
        valid_from=dt.date(2025, 7, 1),
    )
    cpc = unit_create(
        code="T-C.UBND",
        name="Ủy ban nhân dân xã Tây Sơn",
        kind=UnitKind.PEOPLES_COMMITTEE,
        parent=commune,
    )
    ns.province, ns.commune, ns.commune_pc = new, commune, cpc
    ns.c_vp = unit_create(
        code="T-C.VP",
        name="Văn phòng HĐND và UBND xã Tây Sơn",
        kind=UnitKind.DEPARTMENT,
        parent=cpc,
    )
    ns.c_pkt = unit_create(
        code="T-C.PKT", name="Phòng Kinh tế xã Tây Sơn", kind=UnitKind.DEPARTMENT, parent=cpc
    )
    return ns


COMMUNE_NOTICE = """ỦY BAN NHÂN DÂN
XÃ TÂY SƠN
Số: 12/TB-UBND
Tây Sơn, ngày 10 tháng 9 năm 2025
THÔNG BÁO
Kết luận của Chủ tịch UBND xã tại cuộc họp giao ban
Chủ tịch UBND xã kết luận như sau:
1. Giao Văn phòng HĐND và UBND xã chủ trì, phối hợp với Phòng Kinh tế xã tổ chức tập huấn
về hồ sơ công việc điện tử, hoàn thành trước ngày 15/11/2025; định kỳ hàng tháng báo cáo kết quả.
2. Phòng Kinh tế xã rà soát danh mục thủ tục hành chính, xong trước ngày 29/11/2025.
3. Đề nghị Hội Nông dân xã tuyên truyền đến hội viên.
Nơi nhận:
- Lưu: VT.
CHỦ TỊCH
Lê Văn Tâm
"""


@pytest.fixture
def people(tree):
    from cchc.accounts.models import Role
    from cchc.accounts.services import role_assign, user_create

    def person(username, role, unit, subtree=False):
        user = user_create(username=username, password="x-Secret-123", full_name=username)
        role_assign(user=user, role=role, unit=unit, include_subtree=subtree)
        return user

    return SimpleNamespace(
        chairman=person("ct.tayson", Role.CHAIRMAN, tree.commune, subtree=True),
        vp=person("cv.vp", Role.SPECIALIST, tree.c_vp),
        pkt=person("cv.pkt", Role.SPECIALIST, tree.c_pkt),
    )


@pytest.fixture
def outsider(tree):
    """A specialist of another department of the commune: on no task of the notice."""
    from cchc.accounts.models import Role
    from cchc.accounts.services import role_assign, user_create

    other = unit_create(
        code="T-C.VHXH",
        name="Phòng Văn hóa - Xã hội",
        kind=UnitKind.DEPARTMENT,
        parent=tree.commune_pc,
    )
    user = user_create(username="x.other", password="x-Secret-123", full_name="Khác")
    role_assign(user=user, role=Role.SPECIALIST, unit=other)
    return user


@pytest.fixture
def confirmed(tree, people):
    """The commune notice confirmed: 1 VP leads with PKT coordinating (due Fri
    14/11/2025 17:00, monthly reports), 2 PKT leads, 3 VP leads (reviewer's pick)."""
    from cchc.directives.services import directive_confirm, directive_import, draft_tasks

    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    return directive_confirm(actor=people.chairman, draft=draft, corrections=rows)


# The smallest file cchc.core.uploads accepts as a PDF (magic number and %%EOF).
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
