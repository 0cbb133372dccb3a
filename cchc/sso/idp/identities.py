"""Demo identities offered by the local identity provider's sign-in page.

Citizens look like national e-ID (VNeID) accounts: the personal ID number is the
identifier. Staff look like provincial single sign-on accounts: the subject is the
official e-mail address; `cchc sso_link --demo` links them to the demo staff accounts
(staff are never linked by the sign-in itself). The personal ID numbers are made up but
well-formed (Thông tư 59/2021/TT-BCA: 052 = Bình Định, 0/1 = 20th-century male/female).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoIdentity:
    subject: str
    name: str
    kind: str  # "citizen" | "staff"
    personal_id: str = ""
    email: str = ""
    phone_number: str = ""
    demo_username: str = ""  # the demo account a staff identity is linked to

    def claims(self) -> dict[str, str]:
        claims = {"sub": self.subject, "name": self.name}
        for key in ("personal_id", "email", "phone_number"):
            if getattr(self, key):
                claims[key] = getattr(self, key)
        return claims


DEMO_IDENTITIES: tuple[DemoIdentity, ...] = (
    DemoIdentity(
        "052085001234",
        "Nguyễn Văn An",
        "citizen",
        personal_id="052085001234",
        phone_number="0912345678",
        email="nguyenvanan@example.vn",
    ),
    DemoIdentity(
        "052192004321",
        "Trần Thị Bích",
        "citizen",
        personal_id="052192004321",
        phone_number="0987654321",
    ),
    DemoIdentity(
        "lan.nt@tayson.gialai.gov.vn",
        "Nguyễn Thị Lan",
        "staff",
        email="lan.nt@tayson.gialai.gov.vn",
        demo_username="motcua.tayson",
    ),
    DemoIdentity(
        "tuan.lm@tayson.gialai.gov.vn",
        "Lê Minh Tuấn",
        "staff",
        email="tuan.lm@tayson.gialai.gov.vn",
        demo_username="chuyenvien.tayson",
    ),
    DemoIdentity(
        "chua.lienket@gialai.gov.vn",
        "Cán bộ chưa liên kết",
        "staff",
        email="chua.lienket@gialai.gov.vn",
    ),
)
