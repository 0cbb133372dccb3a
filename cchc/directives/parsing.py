"""From the plain text of a directive document to its tasks (pure: no Django, no I/O).

A conclusion notice ("Thông báo kết luận", Nghị định 30/2020/NĐ-CP Phụ lục III form 06)
or a plan ("Kế hoạch") assigns work in numbered items. One item may assign work to
several addressees ("giao X chủ trì, phối hợp với Y ... Giao Z tham mưu ..."): each
assignment becomes one `ParsedTask`, and tasks of the same item share its number.

Names of units are kept as written; matching them to the organisation tree is
`cchc.directives.matching`'s job. The heuristics rely on how administrative Vietnamese
is written: unit names are capitalised ("Sở Xây dựng", "Văn phòng Đăng ký đất đai")
while the verbs that end an addressee are lower case ("xây dựng", "tham mưu").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "Notice",
    "ParsedTask",
    "Recurrence",
    "extract_deadline",
    "extract_recurrence",
    "parse_notice",
    "split_names",
]


class Recurrence:
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    ORDER = (WEEKLY, MONTHLY, QUARTERLY, SEMIANNUAL, ANNUAL)


@dataclass
class ParsedTask:
    number: str
    text: str
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    deadline_time: dt.time | None = None
    recurrence: list[str] = field(default_factory=list)
    # True when the item names nobody and the addressees come from the notice's
    # introduction ("... yêu cầu các phòng, ban, ngành và địa phương thực hiện ...").
    inherited: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "text": self.text,
            "lead": list(self.lead),
            "coordinating": list(self.coordinating),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_time": self.deadline_time.strftime("%H:%M") if self.deadline_time else None,
            "recurrence": list(self.recurrence),
            "inherited": self.inherited,
        }


@dataclass
class Notice:
    kind: str = ""
    number: str = ""
    date: dt.date | None = None
    issuer: str = ""
    title: str = ""
    signer: str = ""
    signer_title: str = ""
    meeting_date: dt.date | None = None
    default_addressees: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "title": self.title,
            "signer": self.signer,
            "signer_title": self.signer_title,
            "tasks": [t.as_dict() for t in self.tasks],
        }


# --- text clean-up --------------------------------------------------------------------

_BOLD = re.compile(r"\*{1,3}")
_ITEM = re.compile(r"^(\d{1,3})[.)]\s+(.*)$", re.S)
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(.*)$", re.S)
_TERMINAL = (".", ";", ":", "!", "?", "…", "”", '"', ")")


def clean_text(text: str) -> str:
    """NFC, no markdown bold, no page-number lines, unified line ends."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\u00a0", " ")
    text = _BOLD.sub("", text)
    # Pages copied from legal-text sites keep the header table's cell borders ("|").
    lines = [ln.strip().strip("|").rstrip() for ln in text.split("\n")]
    # A page number alone on a line ("2", "- 2 -") between pages.
    lines = [ln for ln in lines if not re.fullmatch(r"\s*[-–]?\s*\d{1,3}\s*[-–]?\s*", ln)]
    return "\n".join(lines)


def _starts_lower(line: str) -> bool:
    s = line.lstrip(' “"(')
    return bool(s) and s[0].islower()


def paragraphs(text: str) -> list[str]:
    """Logical paragraphs: wrapped lines and sentences split by a page break are re-joined.

    A line continues the previous one when that one does not end a sentence and this
    one starts in lower case ("... chủ trì, phối" / "hợp với ..."), whether or not a
    blank line (page break) lies between them.
    """
    out: list[str] = []
    blank_before = True
    for raw in clean_text(text).split("\n"):
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        if out:
            prev = out[-1]
            is_marker = bool(_ITEM.match(line) or re.match(r"^[-–+•]\s", line))
            ends = prev.endswith(_TERMINAL)
            if not is_marker and (
                (not ends and _starts_lower(line)) or (not blank_before and not ends)
            ):
                out[-1] = prev + " " + line
                blank_before = False
                continue
        out.append(line)
        blank_before = False
    return out


# --- dates ----------------------------------------------------------------------------

_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _date(day: int, month: int, year: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_end(month: int, year: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DUE_WORDS = (
    r"(?:trước|chậm\s+nhất(?:\s+(?:là|vào))?|hạn\s+chót|thời\s+hạn(?:\s+hoàn\s+thành)?:?"
    r"|đến\s+hết|hoàn\s+thành(?:\s+(?:trước|trong|vào))?|xong\s+trước|trong)"
)
_DUE_TIME_DATE = re.compile(
    _DUE_WORDS + r"\s+(\d{1,2})\s*(?:giờ|h|g)\s*(\d{1,2})?\s*(?:phút)?,?\s*(?:ngày\s+)?"
    r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?",
    re.I,
)
_DUE_DATE = re.compile(
    _DUE_WORDS + r"\s+(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?(?!\d)", re.I
)
_DUE_QUARTER = re.compile(
    r"(?:trong|trước|hết|hoàn\s+thành(?:\s+trong)?)\s+quý\s+(IV|III|II|I|[1-4])(?:\s*/\s*|\s+năm\s+)(\d{4})",
    re.I,
)
_DUE_MONTH = re.compile(
    r"(?:trong|trước|hết|hoàn\s+thành(?:\s+trong)?)\s+tháng\s+(\d{1,2})(?:\s*/\s*|\s+năm\s+)(\d{4})",
    re.I,
)
_DUE_YEAR = re.compile(r"(?:trong|hoàn\s+thành(?:\s+trong)?|hết)\s+năm\s+(\d{4})", re.I)


_EVERY_YEAR = re.compile(r"(?:\s*(?:và|,)\s*(?:ngày\s+)?\d{1,2}/\d{1,2})*\s+h[aằà]ng năm", re.I)


def extract_deadline(
    text: str, *, default_year: int | None = None
) -> tuple[dt.date | None, dt.time | None]:
    """The first deadline the text states, with a time of day when one is given.

    "trước ngày 30/6/2024" -> 30/6/2024; "trong quý II/2024" -> 30/6/2024 (end of the
    quarter); "trước 12 giờ ngày 26/5/2021" -> 26/5/2021 12:00; "trong tháng 7/2024" ->
    31/7/2024; "trong năm 2024" -> 31/12/2024. Dates that merely cite a document
    ("Quyết định số 4294/QĐ-UBND ngày 20/12/2023") are not deadlines.
    """
    text = _LONG_DATE.sub(lambda m: f"ngày {m[1]}/{m[2]}/{m[3]}", text)
    found: list[tuple[int, dt.date, dt.time | None]] = []
    for m in _DUE_TIME_DATE.finditer(text):
        year = int(m[5]) if m[5] else default_year
        if year is None:
            continue
        day = _date(int(m[3]), int(m[4]), year)
        hour, minute = int(m[1]), int(m[2] or 0)
        if day and hour < 24 and minute < 60:
            found.append((m.start(), day, dt.time(hour, minute)))
    for m in _DUE_DATE.finditer(text):
        year = int(m[3]) if m[3] else default_year
        if year is None or any(start <= m.start() < start + 40 for start, _, t in found if t):
            continue
        if not m[3] and _EVERY_YEAR.match(text, m.end()):
            continue  # "trước ngày 05/6 và 05/12 hằng năm": a reporting date each year
        day = _date(int(m[1]), int(m[2]), year)
        if day:
            found.append((m.start(), day, None))
    for m in _DUE_QUARTER.finditer(text):
        q = _ROMAN_Q[m[1].lower()]
        end = _month_end(q * 3, int(m[2]))
        if end:
            found.append((m.start(), end, None))
    for m in _DUE_MONTH.finditer(text):
        end = _month_end(int(m[1]), int(m[2]))
        if end:
            found.append((m.start(), end, None))
    for m in _DUE_YEAR.finditer(text):
        found.append((m.start(), dt.date(int(m[1]), 12, 31), None))
    if not found:
        return None, None
    found.sort(key=lambda f: f[0])
    return found[0][1], found[0][2]


# --- recurrence -----------------------------------------------------------------------

_RECUR_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (Recurrence.WEEKLY, re.compile(r"h[aằà]ng tuần", re.I)),
    (Recurrence.MONTHLY, re.compile(r"h[aằà]ng tháng", re.I)),
    (Recurrence.QUARTERLY, re.compile(r"h[aằà]ng quý", re.I)),
    (
        Recurrence.SEMIANNUAL,
        re.compile(r"(?:định kỳ|h[aằà]ng)\s+(?:06|6|sáu) tháng|(?:06|6) tháng,", re.I),
    ),
    (Recurrence.ANNUAL, re.compile(r"h[aằà]ng năm|định kỳ (?:năm|hằng năm)|, năm\b", re.I)),
)
_REPORTING = re.compile(r"định kỳ|báo cáo", re.I)


def extract_recurrence(text: str) -> list[str]:
    """Recurring reporting: "định kỳ hàng tháng, hàng quý báo cáo" -> monthly, quarterly.

    Only phrases within reach of "định kỳ"/"báo cáo" count: "chương trình công tác
    hàng năm" is not a reporting cycle.
    """
    found: set[str] = set()
    for anchor in _REPORTING.finditer(text):
        window = text[max(0, anchor.start() - 60) : anchor.end() + 60]
        for key, pattern in _RECUR_PATTERNS:
            if pattern.search(window):
                found.add(key)
    return [k for k in Recurrence.ORDER if k in found]


# --- addressees -----------------------------------------------------------------------

# Words an addressee starts with (a unit, a collective, or the head of one).
_HEADS = (
    r"Phòng|Văn phòng|Sở|UBND|Ủy ban|Uỷ ban|HĐND|Chi nhánh|Chi cục|Cục|Hội|Đoàn|"
    r"Huyện đoàn|Tỉnh đoàn|Thành đoàn|Công an|Bộ Chỉ huy|Ban|Trung tâm|Bộ phận|Thanh tra|"
    r"Kho bạc|Bảo hiểm|Bưu điện|Liên đoàn|Mặt trận|MTTQ|Đài|Trường|Bệnh viện|Ngân hàng|"
    r"Điện lực|Hạt Kiểm lâm|Viện|Báo|Tổ công tác|Quỹ|Thuế|Đảng ủy|Đảng uỷ|Cơ quan|"
    r"Huyện ủy|Tỉnh ủy|Thị ủy|Thành ủy|Chi bộ|Công ty|Tổng công ty|Trạm|Đội|"
    r"các|địa phương|đơn vị|Thủ trưởng|Chủ tịch|Giám đốc|Trưởng|Người đứng đầu|Lãnh đạo"
)
_HEAD_AT = re.compile(r"(?:" + _HEADS + r")\b", re.I)
_ROLE_PREFIX = re.compile(
    r"^(?:thủ trưởng|chủ tịch|giám đốc|trưởng|người đứng đầu|lãnh đạo)\s+(?=\S)", re.I
)
# Verbs that end an addressee; lower case only (unit names are capitalised).
_VERBS = (
    "chủ trì",
    "phối hợp",
    "tham mưu",
    "tăng cường",
    "chỉ đạo",
    "thực hiện",
    "triển khai",
    "tập trung",
    "(?<!các )tổ chức",
    "rà soát",
    "xây dựng",
    "khẩn trương",
    "theo dõi",
    "hướng dẫn",
    "kiểm tra",
    "báo cáo",
    "nghiên cứu",
    "đôn đốc",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "cập nhật",
    "ban hành",
    "đẩy mạnh",
    "quan tâm",
    "tiếp tục",
    "nâng cao",
    "đảm bảo",
    "bảo đảm",
    "khắc phục",
    "giải quyết",
    "chuẩn bị",
    "đề xuất",
    "sớm",
    "kịp thời",
    "làm việc",
    "phổ biến",
    "tuyên truyền",
    "quán triệt",
    "cung cấp",
    "tham gia",
    "hoàn thành",
    "hoàn thiện",
    "trình",
    "đưa",
    "lập",
    "tổng hợp",
    "rút kinh nghiệm",
    "quản lý",
    "thường xuyên",
    "chủ động",
    "tiến hành",
    "phân công",
    "giám sát",
    "thẩm định",
    "xử lý",
    "thống nhất",
    "căn cứ",
    "nghiêm túc",
    "khảo sát",
    "đánh giá",
    "vận động",
    "hỗ trợ",
    "cử",
    "bố trí",
    "duy trì",
    "thông báo",
    "nắm",
    "cân đối",
    "phải",
    "cần",
    "thực hành",
    "ứng dụng",
    "công khai",
    "tiếp nhận",
    "soạn thảo",
    "góp ý",
    "phát huy",
    "có ý kiến",
    "gửi",
    "chấn chỉnh",
    "niêm yết",
    "đăng tải",
    "thu thập",
    "bổ sung",
    "số hóa",
    "lựa chọn",
    "thành lập",
    "kiện toàn",
    # Adverbials that come between an addressee and its verb ("Các cơ quan, đơn vị định
    # kỳ 6 tháng báo cáo ...") end the addressee as well.
    "định kỳ",
    "thường xuyên",
    "chủ động",
    "kịp thời",
)
_VERB = re.compile(r"(?<![\wÀ-ỹ])(?:" + "|".join(_VERBS) + r")(?![\wÀ-ỹ])")
# "Văn phòng HĐND và UBND xã" is one unit: "và" between the two councils does not split.
_SPLIT = re.compile(
    r"(?:,|;|(?<!HĐND)(?<!Hội đồng nhân dân)\s+và|\s+cùng)\s+(?=(?:" + _HEADS + r")\b)"
)
_TRIGGER = re.compile(
    r"(?:^|(?<=[,;:]\s)|(?<=[,;:]))\s*(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu|đặc\s+biệt\s+là|"
    r"trong\s+đó)\s+",
    re.I,
)
# "Chủ tịch UBND tỉnh đề nghị X ...": a request in the middle of a sentence, without a comma.
_INNER_TRIGGER = re.compile(r"(?<![\wÀ-ỹ])(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu)\s+", re.I)
_COORD = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?\s+(?:với|cùng)\s+", re.I)


_COLLECTIVE_TAIL = re.compile(r"(?:đơn vị|địa phương)\b")


def split_names(span: str) -> list[str]:
    """'Phòng Nội vụ, Hội liên hiệp Phụ nữ huyện và UBND các xã, thị trấn' -> three names.

    Commas and "và" split only before a word an addressee starts with, so "UBND các xã,
    thị trấn", "các phòng, ban, ngành" and "Phòng Tài nguyên và Môi trường" stay whole.
    """
    span = span.strip(" ,;:.")
    if not span:
        return []
    parts = [p.strip(" ,;:.") for p in _SPLIT.split(span)]
    names: list[str] = []
    for part in parts:
        part = re.sub(r"^(?:và|cùng|với)\s+", "", part, flags=re.I).strip()
        part = _ROLE_PREFIX.sub("", part).strip()
        if (
            names
            and _COLLECTIVE_TAIL.match(part)
            and names[-1].lower().startswith("các ")
            and f"{names[-1]}, {part}" in span
        ):
            # "các cơ quan, đơn vị liên quan" is one collective addressee.
            names[-1] = f"{names[-1]}, {part}"
            continue
        if part and part.lower() not in ("các", "và"):
            names.append(part)
    return names


def _addressee_span(text: str) -> tuple[str, int] | None:
    """`text` starts with an addressee: return it (to the first verb) and where it ends."""
    if not _HEAD_AT.match(text):
        return None
    verb = _VERB.search(text)
    if verb is None or verb.start() == 0:
        return None
    span = text[: verb.start()]
    # An addressee is a name, not a sentence: stop at the first full stop or colon.
    if len(span) > 220 or re.search(r"[.:](?:\s|$)", span.rstrip(" .:")):
        return None
    return span, verb.start()


@dataclass
class _Assignment:
    lead: list[str]
    coordinating: list[str]


def _coordinating(text: str) -> list[str]:
    names: list[str] = []
    for m in _COORD.finditer(text):
        rest = text[m.end() :]
        found = _addressee_span(rest)
        if found is None:
            # "phối hợp với Bộ phận Một cửa." - the name runs to the end of the clause.
            if _HEAD_AT.match(rest) and len(rest) < 160:
                names.extend(split_names(rest))
            continue
        names.extend(split_names(found[0]))
    return names


def find_assignment(clause: str) -> _Assignment | None:
    """Who a clause assigns work to, if anyone."""
    starts = [0] + [m.end() for m in _TRIGGER.finditer(clause)]
    starts += [m.end() for m in _INNER_TRIGGER.finditer(clause) if m.end() not in starts]
    for start in sorted(starts):
        rest = clause[start:].lstrip()
        found = _addressee_span(rest)
        if found is None:
            continue
        span, end = found
        if _INNER_TRIGGER.search(span):
            # The speaker, not the addressee: "Chủ tịch UBND tỉnh đề nghị ...".
            continue
        if start == 0 and rest[:1].islower() and not rest.lower().startswith("các"):
            # A clause starting in lower case ("địa phương ...") is a continuation.
            continue
        lead = split_names(span)
        if not lead:
            continue
        return _Assignment(lead=lead, coordinating=_coordinating(rest[end:]))
    return None


# --- clauses and items ----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])")
_ABBREV = re.compile(r"(?:\b[A-ZĐ]{1,3}\.|\bTP\.|\bTT\.|\bKT\.|\bTL\.|\bTM\.|\bThS\.|\bTS\.)$")


def clauses(text: str) -> list[str]:
    """Sentences, and the clauses of a sentence after a semicolon."""
    parts: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        head = text[pos : m.start()]
        if _ABBREV.search(head):
            continue
        parts.append(head)
        pos = m.end()
    parts.append(text[pos:])
    out: list[str] = []
    pending = ""
    for part in parts:
        for piece in re.split(r"(?<=;)\s+", part):
            piece = piece.strip()
            if not piece:
                continue
            if pending:
                piece = f"{pending} {piece}"
                pending = ""
            if piece.endswith(";") and not _VERB.search(piece) and _ends_in_addressee(piece):
                # "Giao các sở, ngành tỉnh; UBND các huyện; ... báo cáo": the semicolons
                # separate addressees of one clause, not clauses.
                pending = piece
                continue
            out.append(piece)
    if pending:
        out.append(pending)
    return out


def _ends_in_addressee(piece: str) -> bool:
    """The piece is (a trigger and) a list of addressees: its last one starts with a head."""
    last = piece.rstrip(" ;").split(";")[-1].strip()
    last = re.sub(r"^(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu)\s+", "", last, flags=re.I)
    return bool(_HEAD_AT.match(last))


def _is_closing(par: str) -> bool:
    low = par.lower()
    return (
        low.startswith("trên đây")
        or low.startswith("nơi nhận")
        or bool(re.search(r"thông báo (?:để|cho)\b.*(?:biết|thực hiện)", low))
    )


_INTRO_ADDRESSEES = re.compile(
    r"(?:yêu cầu|đề nghị|giao)\s+(.{3,120}?)\s+(?:thực hiện|triển khai|tập trung|quán triệt)"
    r"[^.]*?(?:sau|như sau)\s*:\s*$",
    re.I,
)


def _item_tasks(
    number: str, body: str, default: list[str], default_year: int | None
) -> list[ParsedTask]:
    tasks: list[ParsedTask] = []
    preamble: list[str] = []
    # "1. Phòng Nội vụ:" heading style, as in the "Tổ chức thực hiện" part of a plan.
    heading = re.match(r"^([^:.;]{3,150}):\s*(.*)$", body, re.S)
    if heading and _HEAD_AT.match(heading[1]) and not _VERB.search(heading[1]):
        lead = split_names(heading[1])
        rest = heading[2]
        text = body
        coord = _coordinating(rest)
        deadline, at = extract_deadline(text, default_year=default_year)
        return [
            ParsedTask(
                number=number,
                text=text,
                lead=lead,
                coordinating=coord,
                deadline=deadline,
                deadline_time=at,
                recurrence=extract_recurrence(text),
            )
        ]
    for clause in clauses(body):
        found = find_assignment(clause)
        if found is not None:
            new = ParsedTask(
                number=number,
                text=clause,
                lead=found.lead,
                coordinating=found.coordinating,
            )
            if not tasks and preamble:
                new.text = " ".join([*preamble, clause])
            tasks.append(new)
        elif tasks:
            tasks[-1].text = f"{tasks[-1].text} {clause}"
        else:
            preamble.append(clause)
    if not tasks:
        tasks = [ParsedTask(number=number, text=body, lead=list(default), inherited=True)]
    elif len(tasks) == 1:
        tasks[0].text = body
    for task in tasks:
        task.deadline, task.deadline_time = extract_deadline(task.text, default_year=default_year)
        task.recurrence = extract_recurrence(task.text)
    return tasks


_KIND_LINE = re.compile(
    r"^(THÔNG BÁO|KẾ HOẠCH|CHỈ THỊ|CÔNG VĂN|QUYẾT ĐỊNH|BÁO CÁO|CHƯƠNG TRÌNH)(?:\s+(.*))?$"
)
_PLACE_DATE = re.compile(r",\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_ISSUER_FROM_TITLE = re.compile(
    r"Chủ tịch\s+((?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+"
    r"(?:tỉnh|huyện|xã|thành phố|thị xã|phường|quận|thị trấn)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)"
)


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _header(lines: list[str], notice: Notice) -> int:
    """Fill number/date/issuer/kind/title from the heading lines; return where the body starts.

    The heading (Nghị định 30/2020/NĐ-CP Phụ lục I: issuer, number, place and date, kind
    and subject) is read line by line: in a PDF's text it is not separated by blank lines.
    """
    body_start = 0
    head_end = 0
    for i, line in enumerate(lines[:40]):
        m = _KIND_LINE.match(line.strip())
        if m and _is_upper(line):
            notice.kind = m[1].capitalize()
            head_end = i
            title: list[str] = [m[2]] if m[2] else []
            j = i + 1
            while j < len(lines) and not lines[j].strip() and not title:
                j += 1
            while j < len(lines) and lines[j].strip():
                nxt = lines[j].strip()
                if title and not (nxt[:1].islower() or (_is_upper(nxt) and _is_upper(title[-1]))):
                    break
                title.append(nxt)
                j += 1
            notice.title = " ".join(title)
            body_start = j
            break
    else:
        for i, line in enumerate(lines[:40]):
            if re.match(r"^V/v\b", line.strip()):
                notice.title = re.sub(r"^V/v\s*", "", line.strip())
                notice.kind = notice.kind or "Công văn"
            if re.match(r"^Kính gửi", line.strip()):
                head_end = i
                j = i + 1
                while j < len(lines) and (
                    not lines[j].strip() or re.match(r"^\s*[-–+•]\s", lines[j])
                ):
                    j += 1
                body_start = j
                break
    head = lines[:head_end]
    joined = " ".join(ln.strip() for ln in head)
    m = re.search(r"Số\s*:\s*(\S+)", joined)
    if m:
        notice.number = m[1].rstrip(".,;")
    m = _PLACE_DATE.search(joined)
    if m:
        notice.date = _date(int(m[1]), int(m[2]), int(m[3]))
    issuer: list[str] = []
    for line in head:
        text = line.strip()
        if re.match(r"^Số\s*:", text):
            break
        if (
            _is_upper(text)
            and not re.match(r"^(CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP)", text)
            and not _KIND_LINE.match(text)
        ):
            issuer.append(text)
    notice.issuer = " ".join(issuer)
    if not notice.issuer:
        m = _ISSUER_FROM_TITLE.search(notice.title)
        if m:
            notice.issuer = m[1]
    return body_start


def _signature(tail: list[str], notice: Notice) -> None:
    """Recipients ("Nơi nhận"), the signer's title lines and name, from the closing lines."""
    title_lines: list[str] = []
    for raw in tail:
        line = raw.strip()
        if not line or re.match(r"^Nơi nhận", line, re.I):
            continue
        if re.match(r"^[-–+•]\s*", line):
            notice.recipients.append(re.sub(r"^[-–+•]\s*", "", line).rstrip(";.,"))
            continue
        if _is_upper(line):
            title_lines.append(line)
            continue
        words = line.split()
        if (
            2 <= len(words) <= 5
            and all(w[:1].isupper() for w in words)
            and not any(ch.isdigit() for ch in line)
        ):
            notice.signer = line
    notice.signer_title = " / ".join(title_lines)


def parse_notice(text: str) -> Notice:
    """Parse a directive document's plain text into a `Notice` with its tasks."""
    notice = Notice()
    lines = clean_text(text).split("\n")
    start = _header(lines, notice)
    end = len(lines)
    for i in range(len(lines) - 1, start - 1, -1):
        if re.match(r"^\s*Nơi nhận", lines[i], re.I):
            end = i
            break
    _signature(lines[end:], notice)
    body = paragraphs("\n".join(lines[start:end]))
    default: list[str] = []
    items: list[tuple[str, list[str]]] = []
    section = ""
    skip_section = False
    expected = 1
    for par in body:
        item = _ITEM.match(par)
        if items and not item and (_is_closing(par) or par.rstrip().endswith("./.")):
            break
        roman = _ROMAN.match(par)
        if roman and _is_upper(par[:60]):
            section = roman[1]
            skip_section = bool(re.search(r"MỤC ĐÍCH|MỤC TIÊU|YÊU CẦU|CĂN CỨ|KẾT QUẢ", par))
            expected = 1
            continue
        if item and int(item[1]) in (expected, 1):
            n = int(item[1])
            expected = n + 1
            if skip_section:
                continue
            number = f"{section}.{n}" if section else str(n)
            items.append((number, [item[2]]))
            continue
        if items and not skip_section:
            items[-1][1].append(par)
        elif not items:
            if notice.meeting_date is None:
                md = re.search(r"\b[Nn]gày\s+(\d{1,2})/(\d{1,2})/(\d{4})", par)
                if md:
                    notice.meeting_date = _date(int(md[1]), int(md[2]), int(md[3]))
            intro = _INTRO_ADDRESSEES.search(par)
            if intro:
                default = split_names(intro[1])
    year = (notice.date or notice.meeting_date or dt.date.today()).year
    notice.default_addressees = default
    for number, parts in items:
        notice.tasks.extend(_item_tasks(number, " ".join(parts), default, year))
    return notice
