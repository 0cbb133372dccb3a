"""Builds the shipped Word template `templates/reports/bao_cao_cchc.docx` (run once).

    .venv/bin/python -m cchc.reports.build_template

The output is an ordinary .docx with docxtpl (Jinja) tags: office staff may open it in
Word and change wording, fonts or layout as long as the {{ … }} / {%tr … %} tags stay
(how, and the list of tags: the `cchc.reports` package docstring).
Layout: Nghị định 30/2020/NĐ-CP, Phụ lục I (văn bản hành chính): ô 1 tên cơ quan chủ
quản/ban hành, ô 2 quốc hiệu và tiêu ngữ, ô 3 số và ký hiệu, ô 4 địa danh và thời gian,
ô 5 tên loại và trích yếu, ô 6 nội dung, ô 7 chức vụ và chữ ký, ô 9 nơi nhận. Font Times
New Roman 13–14 pt; A4, lề trên/dưới 20 mm, trái 30 mm, phải 15 mm (Phụ lục I, mục II).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

TEMPLATE = Path(__file__).resolve().parent / "templates" / "reports" / "bao_cao_cchc.docx"


def _p(container, text: str = "", *, bold=False, italic=False, size=14, align=None):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    p.paragraph_format.space_after = Pt(3)
    return p


def _table(doc, headers: list[str], loop: str, cells: list[str]) -> None:
    """A header row and a docxtpl row loop (`{%tr for … %}` … `{%tr endfor %}`)."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell = t.rows[0].cells[i]
        cell.text = ""
        r = cell.paragraphs[0].add_run(h)
        r.bold, r.font.size = True, Pt(12)
    t.rows[1].cells[0].text = "{%tr for r in " + loop + " %}"
    for i, c in enumerate(cells):
        t.rows[2].cells[i].text = "{{ " + c + " }}"
        for run in t.rows[2].cells[i].paragraphs[0].runs:
            run.font.size = Pt(12)
    t.rows[3].cells[0].text = "{%tr endfor %}"


def build(path: Path = TEMPLATE) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    head = doc.add_table(rows=2, cols=2)
    c = WD_ALIGN_PARAGRAPH.CENTER
    left, right = head.rows[0].cells
    left.text = right.text = ""
    lp = left.paragraphs[0]
    lp.alignment = c
    lp.add_run("{{ parent_name|upper }}").font.size = Pt(13)
    r = left.add_paragraph().add_run("{{ issuer_name|upper }}")
    r.bold, r.font.size = True, Pt(13)
    left.paragraphs[-1].alignment = c
    rp = right.paragraphs[0]
    rp.alignment = c
    r = rp.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    r.bold, r.font.size = True, Pt(13)
    r = right.add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc")
    r.bold, r.font.size = True, Pt(14)
    right.paragraphs[-1].alignment = c
    left2, right2 = head.rows[1].cells
    left2.text = "Số: {{ number }}"
    left2.paragraphs[0].alignment = c
    right2.text = ""
    r = right2.paragraphs[0].add_run("{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}")
    r.italic = True
    right2.paragraphs[0].alignment = c

    _p(doc)
    _p(doc, "BÁO CÁO", bold=True, align=c)
    _p(doc, "{{ subject }}", bold=True, align=c)
    _p(doc, "Số liệu tổng hợp lúc {{ snapshot }}.", italic=True, size=12, align=c)

    _p(doc, "I. TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", bold=True)
    _p(
        doc,
        "Trong kỳ, {{ unit_name }} tiếp nhận {{ t.received|num }} hồ sơ; đã giải quyết "
        "{{ t.finished|num }} hồ sơ; đúng hạn {{ t.on_time|num }} hồ sơ ({{ on_time_text }}); "
        "trễ hạn {{ t.late|num }} hồ sơ; đang giải quyết {{ t.pending|num }} hồ sơ.",
    )
    _p(doc, "1. Theo đơn vị", bold=True)
    cols = [
        "r.name",
        "r.received|num",
        "r.finished|num",
        "r.on_time|num",
        "r.late|num",
        "r.pending|num",
    ]
    heads = ["Đơn vị", "Tiếp nhận", "Đã giải quyết", "Đúng hạn", "Trễ hạn", "Đang giải quyết"]
    _table(doc, heads, "by_unit", cols)
    _p(doc, "2. Theo lĩnh vực", bold=True)
    _table(doc, ["Lĩnh vực", *heads[1:]], "by_sector", cols)
    _p(doc, "3. Trễ hạn theo đơn vị và thư xin lỗi", bold=True)
    _p(doc, "Số thư xin lỗi (Mẫu 04) đã phát hành: {{ apologies|num }}.")
    _table(
        doc,
        ["Đơn vị", "Số bước trễ hạn", "Số ngày làm việc vượt"],
        "late_units",
        ["r.name", "r.late_steps|num", "r.overrun_working_days|num"],
    )

    _p(doc, "II. BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QĐ 766/QĐ-TTg)", bold=True)
    _p(
        doc,
        "Điểm kỳ này: {{ index_text }}; kỳ trước ({{ previous_label }}): {{ previous_text }}; "
        "thay đổi: {{ change_text }}.",
    )
    _p(doc, "{{ chart }}", align=c)
    _table(
        doc,
        ["Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ"],
        "rates",
        ["r.label", "r.numerator|num", "r.denominator|num", "r.text"],
    )
    _p(doc, "III. MỨC ĐỘ HÀI LÒNG, PHẢN ÁNH KIẾN NGHỊ", bold=True)
    _p(
        doc,
        "Đánh giá: {{ s.rated|num }} lượt (hài lòng {{ s.satisfied|num }}, bình thường {{ s.normal|num }}, "
        "không hài lòng {{ s.dissatisfied|num }}); phản ánh, kiến nghị: {{ s.complaints|num }}.",
    )
    _p(doc, "IV. BỘ PHẬN MỘT CỬA: THỜI GIAN CHỜ, PHỤC VỤ, ĐÁNH GIÁ", bold=True)
    _p(
        doc,
        "Tại Bộ phận Một cửa có {{ floor.tickets|num }} lượt lấy số thứ tự; đã phục vụ "
        "{{ floor.served|num }} lượt; bỏ lượt {{ floor.abandoned|num }}; thời gian chờ trung bình "
        "{{ floor.wait }} phút; thời gian phục vụ trung bình {{ floor.service }} phút; "
        "{{ floor.rated|num }} lượt đánh giá tại quầy, hài lòng {{ floor.satisfied }}%. "
        "Giờ cao điểm: {{ floor.peak }}.",
    )
    floor_heads = ["Lượt", "Đã phục vụ", "Bỏ lượt", "Chờ TB (phút)", "Phục vụ TB (phút)"]
    floor_heads += ["Đánh giá", "Hài lòng (%)"]
    floor_cols = [
        "r.label",
        "r.tickets|num",
        "r.served|num",
        "r.abandoned|num",
        "r.wait",
        "r.service",
    ]
    floor_cols += ["r.rated|num", "r.satisfied"]
    _p(doc, "1. Theo quầy", bold=True)
    _table(doc, ["Quầy", *floor_heads], "floor.by_counter", floor_cols)
    _p(doc, "2. Theo công chức", bold=True)
    _table(doc, ["Công chức", *floor_heads], "floor.by_officer", floor_cols)
    _p(doc, "3. Theo lĩnh vực", bold=True)
    _table(doc, ["Lĩnh vực", *floor_heads], "floor.by_sector", floor_cols)
    _p(doc, "V. THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO", bold=True)
    _p(
        doc,
        "Nhiệm vụ đến hạn trong năm: {{ d.due|num }}; đã hoàn thành: {{ d.done|num }}, trong đó đúng "
        "hạn: {{ d.done_on_time|num }}; chưa hoàn thành đúng hạn: {{ d.not_on_time|num }}; quá hạn "
        "chưa hoàn thành: {{ d.overdue|num }}.",
    )
    _p(doc, "VI. TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", bold=True)
    _p(doc, "{{ assessment_text }}")
    _p(doc, "VII. SÁNG KIẾN, PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH", bold=True)
    _p(
        doc,
        "Sáng kiến, giải pháp đăng ký trong kỳ: {{ ini.count|num }}; được công nhận: "
        "{{ ini.recognised|num }}; đã áp dụng: {{ ini.applied|num }}.",
    )
    _table(
        doc,
        ["Ngày đăng ký", "Sáng kiến, giải pháp", "Đơn vị", "Trạng thái"],
        "ini.rows",
        ["r.date", "r.title", "r.unit", "r.status"],
    )
    _p(
        doc,
        "Số phương án trong kỳ: {{ proposals|length|num }}; chi phí tuân thủ tiết kiệm: "
        "{{ proposal_saving|num(0) }} đồng/năm.",
    )
    _table(
        doc,
        ["Phương án", "Đơn vị", "Trạng thái", "Tiết kiệm (đồng/năm)", "Tỷ lệ cắt giảm (%)"],
        "proposals",
        ["r.title", "r.unit", "r.status", "r.saving_per_year|num(0)", "r.saving_percent|num"],
    )
    _p(doc, "VIII. ĐÀO TẠO, BỒI DƯỠNG VÀ THÔNG TIN, TUYÊN TRUYỀN", bold=True)
    _p(
        doc,
        "Tổ chức {{ tr.session_count|num }} lớp tập huấn, bồi dưỡng; triệu tập {{ tr.invited|num }} "
        "lượt, có mặt {{ tr.present|num }} lượt ({{ tr.trained_people|num }} người được tập huấn). "
        "Thực hiện {{ tr.outreach_count|num }} hoạt động thông tin, tuyên truyền, tiếp cận "
        "{{ tr.reach|num }} lượt người.",
    )
    _p(doc, "1. Tập huấn, bồi dưỡng", bold=True)
    _table(
        doc,
        ["Ngày", "Chủ đề", "Đơn vị", "Triệu tập", "Có mặt"],
        "tr.sessions",
        ["r.date", "r.topic", "r.unit", "r.invited|num", "r.present|num"],
    )
    _p(doc, "2. Thông tin, tuyên truyền", bold=True)
    _table(
        doc,
        ["Ngày", "Hình thức", "Nội dung", "Đơn vị", "Số người tiếp cận"],
        "tr.outreach",
        ["r.date", "r.kind", "r.title", "r.unit", "r.reach|num"],
    )
    _p(doc, "IX. TỒN TẠI, HẠN CHẾ VÀ ĐỀ XUẤT", bold=True)
    _table(
        doc,
        ["Chỉ tiêu", "Điểm bị mất", "Đề xuất"],
        "weaknesses",
        ["r.label", "r.points_lost|num", "r.action"],
    )

    _p(doc)
    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.text = ""
    r = left.paragraphs[0].add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for line in ("{%p for n in recipients %}", "- {{ n }};", "{%p endfor %}", "- Lưu: VT."):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    right.text = ""
    rp = right.paragraphs[0]
    rp.alignment = c
    rp.add_run("{{ signer_title|upper }}").bold = True
    for _ in range(3):
        right.add_paragraph()
    p = right.add_paragraph()
    p.alignment = c
    p.add_run("{{ signer_name }}").bold = True

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    print(build())
