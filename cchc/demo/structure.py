"""The demo organisation: tỉnh Gia Lai after 1/7/2025, seen from the communes that were
huyện Tây Sơn (tỉnh Bình Định) until 30/6/2025, where the seed conclusion notice was issued.

Administrative units themselves come from the official list (`cchc import_units`); this
module adds the organisations inside them. Agency e-IDs here are demo values shaped per
QĐ 20/2020/QĐ-TTg Art. 4 (A–Z, 0–9, dots); a real deployment loads the province's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc.accounts.models import Role
from cchc.units.models import UnitKind

PROVINCE_CODE = "P52"  # tỉnh Gia Lai (official admin code 52)
PROVINCE_AGENCY = "H21"

# The five communes that took over huyện Tây Sơn's area (NQ 1664/NQ-UBTVQH15), plus the
# provincial capital's central ward.
COMMUNES: list[tuple[str, str]] = [
    ("W21808", "H21.47"),  # xã Tây Sơn
    ("W21820", "H21.48"),  # xã Bình Khê
    ("W21835", "H21.49"),  # xã Bình Phú
    ("W21817", "H21.50"),  # xã Bình Hiệp
    ("W21829", "H21.51"),  # xã Bình An
    ("W21583", "H21.01"),  # phường Quy Nhơn
]


@dataclass(frozen=True)
class Org:
    suffix: str
    name: str
    kind: str
    agency_suffix: str = ""
    children: tuple[Org, ...] = field(default_factory=tuple)


PROVINCE_ORGS: tuple[Org, ...] = (
    Org(
        "UBND",
        "Ủy ban nhân dân tỉnh Gia Lai",
        UnitKind.PEOPLES_COMMITTEE,
        "",
        (
            Org("VP", "Văn phòng Ủy ban nhân dân tỉnh", UnitKind.AGENCY, "02"),
            Org("SNV", "Sở Nội vụ", UnitKind.AGENCY, "03"),
            Org("STP", "Sở Tư pháp", UnitKind.AGENCY, "04"),
            Org("STC", "Sở Tài chính", UnitKind.AGENCY, "05"),
            Org("SXD", "Sở Xây dựng", UnitKind.AGENCY, "06"),
            Org(
                "SNNMT",
                "Sở Nông nghiệp và Môi trường",
                UnitKind.AGENCY,
                "07",
                (
                    Org(
                        "VPDKDD",
                        "Văn phòng Đăng ký đất đai tỉnh",
                        UnitKind.PUBLIC_SERVICE,
                        "07.01",
                    ),
                ),
            ),
            Org("SYT", "Sở Y tế", UnitKind.AGENCY, "08"),
            Org("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", UnitKind.AGENCY, "09"),
            Org(
                "TTPVHCC",
                "Trung tâm Phục vụ hành chính công tỉnh",
                UnitKind.ONE_STOP,
                "10",
            ),
        ),
    ),
    Org("THUE", "Thuế tỉnh Gia Lai", UnitKind.CENTRAL_AGENCY, "90"),
    Org("CA", "Công an tỉnh Gia Lai", UnitKind.CENTRAL_AGENCY, "91"),
    Org("BD", "Bưu điện tỉnh Gia Lai (VNPost)", UnitKind.PARTNER, "95"),
    Org("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", UnitKind.MASS_ORG, "96"),
    Org("DOAN", "Tỉnh đoàn Gia Lai", UnitKind.MASS_ORG, "97"),
    Org("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", UnitKind.MASS_ORG, "98"),
)


def commune_orgs(commune_name: str) -> tuple[Org, ...]:
    """Organisation of a commune-level People's Committee after 1/7/2025 (NĐ 150/2025/NĐ-CP)."""
    return (
        Org(
            "UBND",
            f"Ủy ban nhân dân {commune_name}",
            UnitKind.PEOPLES_COMMITTEE,
            "",
            (
                Org("VP", f"Văn phòng HĐND và UBND {commune_name}", UnitKind.DEPARTMENT, "01"),
                Org("PKT", f"Phòng Kinh tế {commune_name}", UnitKind.DEPARTMENT, "02"),
                Org("PVHXH", f"Phòng Văn hóa - Xã hội {commune_name}", UnitKind.DEPARTMENT, "03"),
                Org(
                    "TTPVHCC",
                    f"Trung tâm Phục vụ hành chính công {commune_name}",
                    UnitKind.ONE_STOP,
                    "04",
                ),
            ),
        ),
        Org("THUE", f"Thuế cơ sở {commune_name}", UnitKind.CENTRAL_AGENCY, "90"),
        Org("BD", f"Bưu điện văn hóa {commune_name}", UnitKind.PARTNER, "95"),
        Org("DOAN", f"Đoàn Thanh niên {commune_name}", UnitKind.MASS_ORG, "97"),
        Org("HLHPN", f"Hội Liên hiệp Phụ nữ {commune_name}", UnitKind.MASS_ORG, "98"),
    )


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    unit_code: str
    include_subtree: bool = False
    title: str = ""


TAY_SON = "W21808"

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, PROVINCE_CODE, True, "Quản trị"),
    DemoUser(
        "motcua.tayson",
        "Nguyễn Thị Lan",
        Role.ONE_STOP_OFFICER,
        f"{TAY_SON}.UBND.TTPVHCC",
        title="Công chức Trung tâm Phục vụ hành chính công xã",
    ),
    DemoUser(
        "motcua.tinh",
        "Trần Văn Bình",
        Role.ONE_STOP_OFFICER,
        f"{PROVINCE_CODE}.UBND.TTPVHCC",
        title="Công chức Trung tâm Phục vụ hành chính công tỉnh",
    ),
    DemoUser(
        "chuyenvien.tayson",
        "Lê Minh Tuấn",
        Role.SPECIALIST,
        f"{TAY_SON}.UBND.PVHXH",
        title="Công chức Tư pháp - Hộ tịch",
    ),
    DemoUser(
        "diachinh.tayson",
        "Phạm Văn Hải",
        Role.SPECIALIST,
        f"{TAY_SON}.UBND.PKT",
        title="Công chức Địa chính - Xây dựng",
    ),
    DemoUser(
        "lanhdao.tayson",
        "Võ Thị Hoa",
        Role.UNIT_LEADER,
        f"{TAY_SON}.UBND.PVHXH",
        title="Trưởng phòng Văn hóa - Xã hội",
    ),
    DemoUser(
        "chutich.tayson",
        "Đặng Văn Hùng",
        Role.CHAIRMAN,
        f"{TAY_SON}.UBND",
        True,
        "Chủ tịch UBND xã Tây Sơn",
    ),
    DemoUser(
        "chutich.tinh",
        "Phan Chí Hùng",
        Role.CHAIRMAN,
        PROVINCE_CODE,
        True,
        "Chủ tịch UBND tỉnh",
    ),
    DemoUser(
        "noivu",
        "Huỳnh Thị Mai",
        Role.HOME_AFFAIRS,
        PROVINCE_CODE,
        True,
        "Chuyên viên Sở Nội vụ",
    ),
    DemoUser(
        "buudien",
        "Ngô Văn Phúc",
        Role.PARTNER_STAFF,
        PROVINCE_CODE,
        True,
        "Nhân viên Bưu điện tỉnh",
    ),
    DemoUser("congdan", "Nguyễn Văn An", Role.CITIZEN, "", title="Công dân"),
    DemoUser("doanhnghiep", "Công ty TNHH Tây Sơn Xanh", Role.CITIZEN, "", title="Doanh nghiệp"),
)

DEMO_PASSWORD = "CCHC-demo-2026"  # noqa: S105 - the documented password of demo accounts only
