"""The parser against the seed conclusion notice and other notice shapes (no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cchc.directives.parsing import (
    extract_deadline,
    extract_recurrence,
    paragraphs,
    parse_notice,
    split_names,
)

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "thong-bao-ket-luan.txt"

# The seed's layout, reduced to what matters: a bold item, an item split mid-word by a
# page break ("phối" / "hợp"), the signature block and the "Nơi nhận" list.
SEED_EXCERPT = """

THÔNG BÁO

Ý kiến kết luận của đồng chí Phan Chí Hùng - Chủ tịch UBND huyện tại Hội nghị tổng kết

Ngày 26/3/2024, tại Hội trường UBND huyện, Chủ tịch UBND huyện chủ trì Hội nghị. Chủ tịch UBND huyện yêu cầu các phòng, ban, ngành và địa phương thực hiện tốt một số nội dung sau:

1. **Đẩy mạnh công tác tuyên truyền về cải cách hành chính**, trong đó tập trung vào phổ biến.

2. **Căn cứ kết quả đánh giá năm 2023**, giao Phòng Nội vụ huyện chủ trì, phối

hợp với Văn phòng HĐND&UBND huyện tham mưu UBND huyện chỉ đạo khắc phục tồn tại. Giao Phòng Tài chính - Kế hoạch huyện tham mưu chỉ đạo khắc phục các tồn tại.

Trên đây là ý kiến kết luận của đồng chí Phan Chí Hùng - Chủ tịch UBND huyện./.

Nơi nhận:

- TT. Huyện ủy;
- UBND các xã, thị trấn;
- Lưu: VT.

**TL. CHỦ TỊCH
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG**

Trần Thị Ngọc Mai"""


def rows(notice):
    return [(t.number, t.lead, t.coordinating) for t in notice.tasks]


# --- the seed notice, item by item ---------------------------------------------------

# Written by hand from the text of thong-bao-ket-luan.txt.
SEED_EXPECTED = [
    # 1, 4: no addressee in the item; the introduction addresses them collectively.
    ("1", ["các phòng, ban, ngành", "địa phương"], []),
    ("2", ["Phòng Nội vụ huyện"], ["Văn phòng HĐND&UBND huyện"]),
    ("2", ["Phòng Tài chính - Kế hoạch huyện"], []),
    ("3", ["các phòng, ban, ngành", "UBND các xã, thị trấn"], []),
    ("3", ["Phòng Nội vụ huyện"], []),
    ("4", ["các phòng, ban, ngành", "địa phương"], []),
    ("5", ["Các phòng, ban chuyên môn của huyện", "UBND các xã, thị trấn"], []),
    ("6", ["Phòng Nội vụ huyện"], ["Văn phòng HĐND&UBND huyện"]),
    (
        "7",
        ["Chi nhánh Văn phòng Đăng ký đất đai huyện"],
        ["Phòng Tài nguyên và Môi trường huyện", "Phòng Kinh tế và Hạ tầng huyện"],
    ),
    ("8", ["Đoàn thanh niên"], []),
    ("8", ["các ngành liên quan"], ["Bộ phận Một cửa"]),
    (
        "9",
        ["Văn phòng HĐND&UBND huyện"],
        ["Phòng Nội vụ", "Hội liên hiệp Phụ nữ huyện", "UBND các xã, thị trấn"],
    ),
    ("10", ["Ủy ban MTTQVN huyện"], ["UBND cùng cấp"]),
    ("10", ["Huyện đoàn", "Hội Liên hiệp Phụ nữ huyện"], []),
]


@pytest.fixture(scope="module")
def seed_notice():
    if not SEED.exists():
        pytest.skip("seed notice not present (../shared/seed)")
    return parse_notice(SEED.read_text(encoding="utf-8"))


def test_seed_every_item_lead_and_coordinating(seed_notice):
    assert rows(seed_notice) == SEED_EXPECTED


def test_seed_metadata(seed_notice):
    assert seed_notice.kind == "Thông báo"
    assert seed_notice.title.startswith("Ý kiến kết luận của đồng chí Phan Chí Hùng")
    assert seed_notice.issuer == "UBND huyện"
    assert seed_notice.number == ""  # the seed carries no number or issue date
    assert seed_notice.date is None
    assert seed_notice.meeting_date == dt.date(2024, 3, 26)
    assert seed_notice.signer == "Trần Thị Ngọc Mai"
    assert seed_notice.signer_title == ("TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG")
    assert "UBND các xã, thị trấn" in seed_notice.recipients


def test_seed_recurrence_deadlines_and_texts(seed_notice):
    by_number = {}
    for task in seed_notice.tasks:
        by_number.setdefault(task.number, []).append(task)
    assert by_number["6"][0].recurrence == ["monthly", "quarterly"]
    # "chương trình công tác trọng tâm hàng năm" (item 10) is not a reporting cycle.
    assert all(t.recurrence == [] for t in seed_notice.tasks if t.number != "6")
    assert all(t.deadline is None for t in seed_notice.tasks)
    # The page break mid-word is healed, and bold markers are gone.
    assert "chủ trì, phối hợp với Văn phòng HĐND&UBND huyện" in by_number["2"][0].text
    assert "thực hiện thí điểm mô hình “Hành chính phục vụ nhân dân”" in by_number["9"][0].text
    assert "**" not in "".join(t.text for t in seed_notice.tasks)
    # Item 2's two assignments split at the second "Giao".
    assert by_number["2"][1].text.startswith("Giao Phòng Tài chính - Kế hoạch huyện tham mưu")
    # Item 3 keeps the sentence without an addressee with the assignment it follows.
    assert "Đề cao trách nhiệm của người đứng đầu" in by_number["3"][0].text
    assert by_number["3"][1].text.startswith("Phòng Nội vụ huyện tham mưu")
    # Item 5 is one task: its whole text, the motto included.
    assert by_number["5"][0].text.startswith("Đẩy mạnh cải cách thủ tục hành chính")
    assert [t.inherited for t in seed_notice.tasks if t.number in ("1", "4")] == [True, True]
    # Neither the closing paragraph nor the recipients become tasks.
    assert not any("Trên đây" in t.text or "Lưu: VT" in t.text for t in seed_notice.tasks)


def test_seed_excerpt_shipped_with_the_tests():
    notice = parse_notice(SEED_EXCERPT)
    assert rows(notice) == [
        ("1", ["các phòng, ban, ngành", "địa phương"], []),
        ("2", ["Phòng Nội vụ huyện"], ["Văn phòng HĐND&UBND huyện"]),
        ("2", ["Phòng Tài chính - Kế hoạch huyện"], []),
    ]
    assert notice.signer == "Trần Thị Ngọc Mai"
    assert notice.recipients == ["TT. Huyện ủy", "UBND các xã, thị trấn", "Lưu: VT"]


# --- other notice shapes ------------------------------------------------------------


def test_province_conclusion_with_header_table():
    notice = parse_notice((FIXTURES / "province_conclusion.txt").read_text(encoding="utf-8"))
    assert notice.number == "215/TB-UBND"
    assert notice.date == dt.date(2024, 5, 13)  # "Quảng Nam, ngày" / "13 tháng 5 năm 2024"
    assert notice.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"
    assert notice.signer == "Nguyễn Văn Bình"
    assert rows(notice) == [
        ("1", ["Sở Nội vụ"], ["Sở Tài chính", "Văn phòng UBND tỉnh"]),
        ("2", ["Sở Thông tin và Truyền thông"], []),
        ("3", ["các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"], []),
        (
            "4",
            ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các tổ chức chính trị - xã hội tỉnh"],
            [],
        ),
    ]
    t1, t2, t3, t4 = notice.tasks
    assert (t1.deadline, t1.deadline_time) == (dt.date(2024, 6, 30), None)
    assert (t2.deadline, t2.deadline_time) == (dt.date(2024, 5, 26), dt.time(12, 0))
    assert t3.deadline == dt.date(2024, 6, 30)  # "trong quý II/2024"
    assert t3.recurrence == ["weekly"]
    assert t4.deadline is None


def test_district_plan_sections_and_heading_items():
    notice = parse_notice((FIXTURES / "district_plan.txt").read_text(encoding="utf-8"))
    assert (notice.kind, notice.number, notice.date) == (
        "Kế hoạch",
        "88/KH-UBND",
        dt.date(2024, 2, 5),
    )
    # "I. MỤC ĐÍCH, YÊU CẦU" assigns nothing; numbers carry their section.
    assert rows(notice) == [
        ("II.1", ["Phòng Tư pháp huyện"], ["Phòng Nội vụ huyện"]),
        ("II.2", ["Phòng TN&MT"], ["Phòng LĐTB&XH", "Phòng VH-TT", "UBND các xã, thị trấn"]),
        ("III.1", ["Phòng Nội vụ huyện"], []),
        ("III.2", ["Phòng TC-KH"], []),
    ]
    deadlines = [t.deadline for t in notice.tasks]
    assert deadlines == [
        dt.date(2024, 7, 31),  # trong tháng 7/2024
        dt.date(2024, 12, 31),  # trong năm 2024
        None,
        dt.date(2024, 3, 15),  # "trước ngày 15/3": the plan's year
    ]
    assert notice.tasks[2].recurrence == ["semiannual", "annual"]
    assert notice.signer_title == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"


def test_pdf_style_wrapped_lines_and_page_number():
    notice = parse_notice((FIXTURES / "commune_wrapped.txt").read_text(encoding="utf-8"))
    assert notice.issuer == "ỦY BAN NHÂN DÂN XÃ BÌNH KHÊ"
    assert notice.date == dt.date(2025, 9, 10)
    assert rows(notice) == [
        (
            "1",
            ["Văn phòng HĐND và UBND xã"],
            ["Phòng Kinh tế xã", "Trung tâm Phục vụ hành chính công xã"],
        ),
        ("2", ["Phòng Văn hóa - Xã hội xã"], []),
        ("3", ["Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã"], []),
    ]
    assert notice.tasks[0].deadline == dt.date(2025, 10, 15)  # "chậm nhất ngày" / "15/10/2025"
    assert notice.tasks[1].recurrence == ["monthly"]  # "hằng tháng"
    assert notice.signer == "Lê Thị Hoa"


def test_official_letter_with_recipients_and_closing_exhortation():
    notice = parse_notice((FIXTURES / "official_letter.txt").read_text(encoding="utf-8"))
    assert (notice.kind, notice.number) == ("Công văn", "1520/UBND-NC")
    assert notice.title == "triển khai đánh giá sự hài lòng"
    assert rows(notice) == [
        ("1", ["Các phòng, ban, ngành thành phố", "UBND các phường, xã"], []),
        ("2", ["Phòng Nội vụ thành phố"], []),
        ("2", ["Văn phòng HĐND và UBND thành phố"], []),
    ]
    assert notice.tasks[0].deadline == dt.date(2024, 6, 30)  # "30 tháng 6 năm 2024"
    assert notice.tasks[1].recurrence == ["quarterly"]
    assert notice.tasks[2].recurrence == []


# --- the pieces ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoàn thành trước ngày 30/6/2024.", (dt.date(2024, 6, 30), None)),
        ("triển khai trong quý II/2024", (dt.date(2024, 6, 30), None)),
        ("xong trong quý IV năm 2023", (dt.date(2023, 12, 31), None)),
        ("báo cáo trước 12 giờ ngày 26/5/2021", (dt.date(2021, 5, 26), dt.time(12))),
        ("trước 16 giờ 30 ngày 02/01/2025", (dt.date(2025, 1, 2), dt.time(16, 30))),
        ("hoàn thành trong tháng 7/2024", (dt.date(2024, 7, 31), None)),
        ("thực hiện trong tháng 2 năm 2024", (dt.date(2024, 2, 29), None)),
        ("hoàn thành trong năm 2024", (dt.date(2024, 12, 31), None)),
        ("chậm nhất là ngày 15 tháng 8 năm 2024", (dt.date(2024, 8, 15), None)),
        # A cited document's date is not a deadline.
        ("theo Quyết định số 4294/QĐ-UBND ngày 20/12/2023 của UBND tỉnh", (None, None)),
        ("trước ngày 31/2/2024", (None, None)),
    ],
)
def test_extract_deadline(text, expected):
    assert extract_deadline(text) == expected


def test_deadline_without_year_uses_the_notice_year():
    assert extract_deadline("trước ngày 15/3", default_year=2024) == (dt.date(2024, 3, 15), None)
    assert extract_deadline("trước ngày 15/3") == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("định kỳ hàng tháng, hàng quý báo cáo kết quả", ["monthly", "quarterly"]),
        ("báo cáo hằng tuần về Sở Nội vụ", ["weekly"]),
        ("định kỳ 6 tháng, năm báo cáo UBND", ["semiannual", "annual"]),
        ("báo cáo hàng năm", ["annual"]),
        ("vào chương trình công tác trọng tâm hàng năm của mình", []),
        ("tổ chức tập huấn", []),
    ],
)
def test_extract_recurrence(text, expected):
    assert extract_recurrence(text) == expected


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (
            "Phòng Nội vụ, Hội liên hiệp Phụ nữ huyện và UBND các xã, thị trấn",
            ["Phòng Nội vụ", "Hội liên hiệp Phụ nữ huyện", "UBND các xã, thị trấn"],
        ),
        (
            "Phòng Tài nguyên và Môi trường huyện, Phòng Kinh tế và Hạ tầng huyện",
            ["Phòng Tài nguyên và Môi trường huyện", "Phòng Kinh tế và Hạ tầng huyện"],
        ),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Văn phòng HĐND và UBND huyện", ["Văn phòng HĐND và UBND huyện"]),
        (
            "thủ trưởng các phòng, ban, ngành và Chủ tịch UBND các xã, thị trấn",
            ["các phòng, ban, ngành", "UBND các xã, thị trấn"],
        ),
    ],
)
def test_split_names(span, expected):
    assert split_names(span) == expected


def test_paragraphs_join_page_breaks_but_not_items():
    pars = paragraphs("1. Giao Phòng A chủ trì, phối\n\nhợp với Phòng B.\n\n2. Việc khác.")
    assert pars == ["1. Giao Phòng A chủ trì, phối hợp với Phòng B.", "2. Việc khác."]


# Shapes seen in published documents (short paraphrases, not copies): a city plan whose
# implementation items address the departments and all lower levels in one wrapped
# line, and a provincial letter where the chairman "đề nghị" several bodies mid-sentence.
CITY_PLAN = """KẾ HOẠCH
Triển khai đánh giá sự hài lòng
Ủy ban nhân dân thành phố ban hành Kế hoạch triển khai như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
2.1. Thống nhất tiêu chí đánh giá.
II. TỔ CHỨC THỰC HIỆN
1. Sở, ban, ngành, Ủy ban nhân dân quận-huyện, xã,
phường, thị trấn thực hiện đúng tiến độ tại Kế hoạch, bảo đảm vận hành
chính thức Hệ thống trước ngày 01/10/2019.
2. Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với Văn phòng Ủy ban nhân dân thành phố xây dựng hệ thống; định kỳ 6 tháng, năm báo cáo Ủy ban nhân dân thành phố.
"""
PROVINCE_LETTER = """1. Chủ tịch UBND tỉnh đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh, Chủ tịch UBND các huyện, thị xã, thành phố triển khai thực hiện và báo cáo Chủ tịch UBND tỉnh (qua Sở Nội vụ) nếu có vấn đề phát sinh.
2. Thực hiện cơ chế giao doanh nghiệp đảm nhận việc số hóa hồ sơ.
"""


def test_city_plan_collective_lead_and_sub_numbering():
    notice = parse_notice(CITY_PLAN)
    assert rows(notice) == [
        ("II.1", ["Sở, ban, ngành", "Ủy ban nhân dân quận-huyện, xã, phường, thị trấn"], []),
        ("II.2", ["Sở Thông tin và Truyền thông"], ["Văn phòng Ủy ban nhân dân thành phố"]),
    ]
    assert notice.tasks[0].deadline == dt.date(2019, 10, 1)
    assert notice.tasks[1].recurrence == ["semiannual", "annual"]


def test_speaker_is_not_the_addressee():
    notice = parse_notice(PROVINCE_LETTER)
    assert rows(notice) == [
        (
            "1",
            [
                "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                "các sở, ban, ngành, đoàn thể tỉnh",
                "UBND các huyện, thị xã, thành phố",
            ],
            [],
        ),
        ("2", [], []),  # "cơ chế giao doanh nghiệp" assigns nothing: left for review
    ]


def test_semicolon_addressees_related_units_and_yearly_reporting_dates():
    # Written for these tests after published provincial letters: addressees listed with
    # semicolons before one verb, "chủ trì phối hợp" without a comma, "các cơ quan, đơn
    # vị liên quan", and reports due "trước ngày 05/6 và 05/12 hàng năm" (every year).
    notice = parse_notice((FIXTURES / "province_letter_semicolons.txt").read_text(encoding="utf-8"))
    assert (notice.kind, notice.number, notice.date) == (
        "Công văn",
        "846/UBND-TH",
        dt.date(2019, 5, 21),
    )
    assert rows(notice) == [
        (
            "1",
            [
                "các sở, ngành tỉnh",
                "Ủy ban nhân dân các huyện, thành phố",
                "các Ban Quản lý dự án chuyên ngành tỉnh",
            ],
            [],
        ),
        ("2", ["Sở Kế hoạch và Đầu tư"], ["các đơn vị liên quan"]),
        ("3", ["Sở Kế hoạch và Đầu tư"], ["các cơ quan, đơn vị liên quan"]),
        ("3", ["Các cơ quan, đơn vị"], []),
    ]
    t1, t2, t3, t3b = notice.tasks
    assert t1.text.startswith("Giao các sở, ngành tỉnh; Ủy ban nhân dân các huyện")
    # Each sentence keeps its own deadline.
    assert [t1.deadline, t2.deadline, t3.deadline] == [
        dt.date(2019, 5, 23),
        dt.date(2019, 5, 24),
        dt.date(2019, 9, 30),  # "trong quý III/2019"
    ]
    assert t3b.deadline is None  # a date every year is a reporting date, not a deadline
    assert "semiannual" in t3b.recurrence


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("các cơ quan, đơn vị liên quan", ["các cơ quan, đơn vị liên quan"]),
        ("các sở, ngành, địa phương", ["các sở, ngành, địa phương"]),
        ("Phòng Nội vụ, đơn vị liên quan", ["Phòng Nội vụ", "đơn vị liên quan"]),
        # "và" separates two addressees (the seed's introduction).
        ("các phòng, ban, ngành và địa phương", ["các phòng, ban, ngành", "địa phương"]),
    ],
)
def test_collective_tails_stay_with_their_collective(span, expected):
    assert split_names(span) == expected
