"""Pure validators for Vietnamese identity numbers: personal ID, tax code, phone.

No database access: the dossier intake (and forms, APIs) call these to normalise what an
applicant typed and to refuse what cannot be a real number, with a Vietnamese message.

Sources:
- Personal identification number (số định danh cá nhân, printed on the căn cước card):
  Luật Căn cước 2023 Art. 12 (12 digits, unique, issued by the national population
  database); structure from Nghị định 137/2015/NĐ-CP Art. 13 (kept by Nghị định 70/2024/NĐ-CP):
  3 digits province (or country) where the birth was registered, 1 digit century + gender,
  2 digits year of birth, 6 random digits. The province codes are Phụ lục I and the
  century/gender codes are Art. 7 of Thông tư 59/2021/TT-BCA (the same table as the
  repealed Thông tư 07/2016/TT-BCA).
- Tax code (mã số thuế): Thông tư 105/2020/TT-BTC Art. 5 — 10 digits N1..N10 for a
  taxpayer, plus "-" and 3 digits N11..N13 for a dependent unit (branch); N10 is a check
  digit. The check-digit rule (weights 31, 29, 23, 19, 17, 13, 7, 5, 3 on N1..N9, then
  N10 = 10 - (sum mod 11), a remainder of 0 being never issued) is the tax authority's
  published algorithm, also implemented by python-stdnum `stdnum.vn.mst`.
- Phone: the national numbering plan after the 2018 mobile prefix change (Thông tư
  22/2014/TT-BTTTT as amended; QĐ 798/QĐ-BTTTT 2018): mobile 10 digits 03x/05x/07x/08x/09x,
  fixed line 11 digits starting 02 + area code (2017 area-code change).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Phụ lục I, Thông tư 59/2021/TT-BCA: code of the province/city where the birth was
# registered. Numbers are never re-issued, so all 63 codes stay valid after the 2025
# merger into 34 provinces (Nghị quyết 202/2025/QH15); the 34 provinces' codes are a
# subset of this table (e.g. 001 Hà Nội, 079 TP. Hồ Chí Minh).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Art. 7 Thông tư 59/2021/TT-BCA: the 4th digit encodes century and gender.
# 0/1: 20th century (1900–1999) male/female; 2/3: 21st (2000–2099); 4/5: 22nd;
# 6/7: 23rd; 8/9: 24th. Even = male, odd = female.
CENTURY_GENDER: dict[str, tuple[int, str]] = {
    str(code): (1900 + 100 * (code // 2), "male" if code % 2 == 0 else "female")
    for code in range(10)
}


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str
    province_name: str
    gender: str  # "male" | "female"
    birth_year: int


_SEPARATORS = re.compile(r"[\s.\-]")


def _strip(value: object) -> str:
    return _SEPARATORS.sub("", str(value or "")).strip()


def parse_personal_id(value: str, *, today: dt.date | None = None) -> PersonalId:
    """Split a personal ID into its parts, raising ValidationError when it cannot be real."""
    number = _strip(value)
    if not number:
        raise ValidationError(_("Vui lòng nhập số định danh cá nhân."), code="personal_id_required")
    if not re.fullmatch(r"\d{12}", number):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="personal_id_format"
        )
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "Ba chữ số đầu (%(code)s) không phải mã tỉnh, thành phố nơi đăng ký khai sinh "
                "theo Thông tư 59/2021/TT-BCA."
            ),
            code="personal_id_province",
            params={"code": province},
        )
    century_start, gender = CENTURY_GENDER[number[3]]
    birth_year = century_start + int(number[4:6])
    today = today or timezone.localdate()
    if birth_year > today.year:
        raise ValidationError(
            _("Mã thế kỷ, giới tính và năm sinh cho năm sinh %(year)s, sau năm hiện tại."),
            code="personal_id_birth_year",
            params={"year": birth_year},
        )
    return PersonalId(
        number=number,
        province_code=province,
        province_name=PROVINCE_CODES[province],
        gender=gender,
        birth_year=birth_year,
    )


def validate_personal_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the 12-digit personal ID without separators, or raise ValidationError."""
    return parse_personal_id(value, today=today).number


TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_check_digit(first_nine: str) -> int | None:
    """The 10th digit for N1..N9, or None when the remainder is 0 (no valid code exists)."""
    check = 10 - sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first_nine, strict=True)) % 11
    return None if check == 10 else check


def validate_tax_code(value: str) -> str:
    """Return "NNNNNNNNNN" or "NNNNNNNNNN-NNN", or raise ValidationError."""
    raw = re.sub(r"[\s.]", "", str(value or ""))
    if not raw:
        raise ValidationError(_("Vui lòng nhập mã số thuế."), code="tax_code_required")
    match = re.fullmatch(r"(\d{10})(?:-?(\d{3}))?", raw)
    if not match:
        raise ValidationError(
            _(
                "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số "
                "của đơn vị phụ thuộc."
            ),
            code="tax_code_format",
        )
    main, branch = match.group(1), match.group(2)
    if main[2:9] == "0000000":
        raise ValidationError(_("Mã số thuế không hợp lệ."), code="tax_code_format")
    if branch == "000":
        raise ValidationError(
            _("Ba chữ số của đơn vị phụ thuộc phải từ 001 đến 999."), code="tax_code_branch"
        )
    if tax_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _("Mã số thuế không đúng (sai chữ số kiểm tra). Vui lòng kiểm tra lại."),
            code="tax_code_checksum",
        )
    return f"{main}-{branch}" if branch else main


_MOBILE = re.compile(r"0[35789]\d{8}")
_FIXED = re.compile(r"02\d{9}")


def validate_phone_vn(value: str) -> str:
    """Return the phone number in national form (leading 0, digits only), or raise.

    Accepts +84 / 84 / 0 prefixes and spaces, dots, dashes, parentheses.
    """
    raw = re.sub(r"[\s.\-()]", "", str(value or ""))
    if not raw:
        raise ValidationError(_("Vui lòng nhập số điện thoại."), code="phone_required")
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    if not (_MOBILE.fullmatch(raw) or _FIXED.fullmatch(raw)):
        raise ValidationError(
            _(
                "Số điện thoại không hợp lệ: di động gồm 10 chữ số (03, 05, 07, 08, 09), "
                "cố định gồm 11 chữ số bắt đầu bằng 02."
            ),
            code="phone_format",
        )
    return raw
