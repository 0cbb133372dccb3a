"""The real-time service index (Bộ chỉ số phục vụ người dân, doanh nghiệp), as data.

Legal basis: Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ. The group
and criterion layout below is the one the National Public Service Portal (Cổng DVCQG)
scores today: six groups, 100 points, with the national metric codes of its reporting
API. Sources, as recorded in docs (shared/docs/domain-vn.md §1):

- QĐ 766/QĐ-TTg (2022): groups, bands, the satisfaction formulas;
- "Công thức 766.xlsx" (METRICS sheet) and "Mô tả công thức tính chỉ số 766.docx" of
  the portal (VPCP), as transcribed in the public repository ChippedTopaz/qd766
  (docs/metrics.m0.json, web/dist/formula-document.js): metric codes, maxima, formulas,
  thresholds.

For the dossier-based criteria the formulas actually computed are those of the project's
interchange contract (issue 5, "Definitions for dossier-based criteria"), implemented in
`cchc.indices.formulas`; `formula` here states them in words. Criteria marked
`computed_from=OFFICIAL` are not computable from our own data yet and take the official
figure imported from the national portal; `computed_from=DATABASE` ones are computed
from the catalog, petitions and payments when scoring the database
(`cchc.indices.database_criteria`) and are null when scoring an interchange file.

Pure module: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

QD_766 = "Quyết định 766/QĐ-TTg ngày 23/6/2022"
PORTAL_FORMULAS = "Cổng DVCQG, “Mô tả công thức tính chỉ số 766” và “Công thức 766.xlsx”"
INTERCHANGE_CONTRACT = "Định nghĩa tiêu chí dựa trên hồ sơ (issue 5 của dự án)"


class GroupCode(StrEnum):
    TRANSPARENCY = "transparency"
    PROGRESS = "progress"
    ONLINE = "online"
    DIGITIZATION = "digitization"
    SATISFACTION = "satisfaction"
    PAYMENT = "payment"


class Source(StrEnum):
    """Where a criterion's figures come from."""

    DOSSIERS = "dossiers"  # computed from dossier facts (the interchange columns)
    # Computed from the database's other data (catalog, petitions, payments) by
    # `cchc.indices.database_criteria`; null when scoring an interchange file.
    DATABASE = "database"
    OFFICIAL = "official"  # imported from the national portal (not computable here yet)


@dataclass(frozen=True)
class Group:
    code: GroupCode
    name: str  # Vietnamese, as on the portal
    max: int
    api: str  # the portal's reporting endpoint for the group


@dataclass(frozen=True)
class Criterion:
    code: str  # the national metric code (or a local code where none is published)
    group: GroupCode
    name: str
    max: int
    formula: str  # in words: numerator / denominator and the score
    # Score = max × min(1, rate / threshold); None = max × rate.
    threshold: Decimal | None
    source: str
    computed_from: Source


GROUPS: tuple[Group, ...] = (
    Group(GroupCode.TRANSPARENCY, "Công khai, minh bạch", 18, "/transparency"),
    Group(GroupCode.PROGRESS, "Tiến độ, kết quả giải quyết", 20, "/dvc-progress-tree"),
    Group(GroupCode.ONLINE, "Cung cấp dịch vụ công trực tuyến", 12, "/provide-online-tree"),
    Group(GroupCode.DIGITIZATION, "Số hóa hồ sơ", 22, "/dossier-digitized"),
    Group(GroupCode.SATISFACTION, "Mức độ hài lòng", 18, "/handling-satisfaction"),
    Group(
        GroupCode.PAYMENT,
        "Thanh toán trực tuyến",
        10,
        "/formality-online-payment-tree",
    ),
)

_T = GroupCode

CRITERIA: tuple[Criterion, ...] = (
    # --- 1. Công khai, minh bạch (18) -------------------------------------------------
    Criterion(
        "PUBLISH_ON_TIME",
        _T.TRANSPARENCY,
        "TTHC được công bố đúng hạn",
        6,
        "TTHC có quyết định công bố ≤ ngày hiệu lực của văn bản quy định − 5 ngày làm việc "
        "(cấp tỉnh; bộ: − 20 ngày làm việc) / TTHC công bố trong kỳ; điểm = 6 × tỷ lệ. "
        "Một TTHC có lần công bố trễ trong kỳ thì cả kỳ tính trễ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 1.1",
        Source.DATABASE,
    ),
    Criterion(
        "PUBLIC_UPDATE_ON_TIME",
        _T.TRANSPARENCY,
        "TTHC được cập nhật, công khai đúng hạn trên CSDL quốc gia về TTHC",
        4,
        "TTHC được công khai trên CSDLQG ≤ 5 ngày làm việc (bộ: 10) sau ngày quyết định "
        "công bố / TTHC công bố trong kỳ; điểm = 4 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 1.2",
        Source.DATABASE,
    ),
    Criterion(
        "PUBLIC_CONTENT_FULL",
        _T.TRANSPARENCY,
        "TTHC công khai đầy đủ các bộ phận tạo thành",
        2,
        "TTHC có đủ 7 bộ phận theo khoản 2 Điều 8 NĐ 63/2010/NĐ-CP / tổng số TTHC; "
        "điểm = 2 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 1.3",
        Source.DATABASE,
    ),
    Criterion(
        "DOSSIER_SYNC",
        _T.TRANSPARENCY,
        "Hồ sơ được đồng bộ trạng thái theo thời gian thực lên Cổng DVCQG",
        6,
        "Hồ sơ tiếp nhận trong kỳ đã đồng bộ / max(tổng hồ sơ trên hệ thống báo cáo, "
        "tổng hồ sơ trên Cổng DVCQG); điểm = 6 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 1.4",
        Source.OFFICIAL,
    ),
    # --- 2. Tiến độ, kết quả giải quyết (20) ------------------------------------------
    Criterion(
        "DOSSIER_ON_TIME",
        _T.PROGRESS,
        "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
        20,
        "Hồ sơ đúng hạn / hồ sơ tiếp nhận trong kỳ (mọi trạng thái). Thời điểm kết thúc E: "
        "ngày kết thúc xử lý nếu ≤ cuối kỳ; nếu không, ngày bắt đầu chờ bổ sung nếu ≤ cuối "
        "kỳ; nếu không, cuối kỳ. Đúng hạn khi có tối đa 01 lần yêu cầu bổ sung và E ≤ hẹn "
        "trả. Điểm = 20 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 2.1; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
    # --- 3. Cung cấp dịch vụ công trực tuyến (12) -------------------------------------
    Criterion(
        "ONLINE_DOSSIERS",
        _T.ONLINE,
        "Tỷ lệ hồ sơ trực tuyến của TTHC đủ điều kiện trực tuyến toàn trình",
        12,
        "Hồ sơ nộp trực tuyến / hồ sơ tiếp nhận trong kỳ của TTHC đủ điều kiện toàn trình; "
        "điểm = 12 × min(1, tỷ lệ / 50%).",
        Decimal("0.5"),
        f"{QD_766}; {PORTAL_FORMULAS}, mục 3.3; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
    # --- 4. Số hóa hồ sơ (22) ---------------------------------------------------------
    Criterion(
        "ORIGINAL_RESULT_AVAILABLE",
        _T.DIGITIZATION,
        "Tỷ lệ hồ sơ có kết quả giải quyết điện tử",
        6,
        "Trong số hồ sơ đã có kết quả (xong hoặc đã trả, kết thúc trong kỳ) có kết quả "
        "bản giấy: hồ sơ có kết quả điện tử; điểm = 6 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 4.1; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
    Criterion(
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        _T.DIGITIZATION,
        "Tỷ lệ hồ sơ thực hiện số hóa thành phần hồ sơ và kết quả",
        4,
        "Trong số hồ sơ đã có kết quả (kết thúc trong kỳ): hồ sơ có thành phần số hóa và "
        "kết quả điện tử; điểm = 4 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 4.2; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
    Criterion(
        "ELECTRONIC_CERTIFIED_COPY",
        _T.DIGITIZATION,
        "Tỷ lệ đơn vị cấp xã cung cấp chứng thực bản sao điện tử từ bản chính",
        2,
        "Đơn vị cấp xã có phát sinh chứng thực bản sao điện tử / tổng đơn vị cấp xã; "
        "điểm = 2 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}",
        Source.OFFICIAL,
    ),
    Criterion(
        "REUSED_DIGITIZED_DATA",
        _T.DIGITIZATION,
        "Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu số hóa",
        2,
        "Hồ sơ có ít nhất một thành phần tái sử dụng dữ liệu số hóa / hồ sơ tiếp nhận "
        "trong kỳ; điểm = 2 × min(1, tỷ lệ / 80%).",
        Decimal("0.8"),
        f"{QD_766}; {PORTAL_FORMULAS}, mục 4.3; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
    Criterion(
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        _T.DIGITIZATION,
        "Tỷ lệ hồ sơ số hóa kết nối, chia sẻ với kho dữ liệu của cá nhân, tổ chức trên Cổng DVCQG",
        4,
        "Hồ sơ có tệp lấy từ kho dữ liệu hoặc có kết quả đẩy vào kho / hồ sơ tiếp nhận; "
        "điểm = 4 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 4.4",
        Source.OFFICIAL,
    ),
    Criterion(
        "CITIZEN_DATA_CONNECTED_DOSSIER",
        _T.DIGITIZATION,
        "Tỷ lệ hồ sơ sử dụng dữ liệu từ CSDL quốc gia về dân cư",
        2,
        "Hồ sơ có tài khoản xác thực VNeID hoặc khai thác dữ liệu dân cư / hồ sơ tiếp "
        "nhận; điểm = 2 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 4.5",
        Source.OFFICIAL,
    ),
    Criterion(
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        _T.DIGITIZATION,
        "Tỷ lệ TTHC kết nối, chia sẻ dữ liệu dân cư",
        2,
        "TTHC đã kết nối, khai thác CSDL quốc gia về dân cư / TTHC cần dữ liệu dân cư; "
        "điểm = 2 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}",
        Source.OFFICIAL,
    ),
    # --- 5. Mức độ hài lòng (18) ------------------------------------------------------
    Criterion(
        "PETITION_PROCESSING_ON_TIME",
        _T.SATISFACTION,
        "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        6,
        "PAKN xử lý đúng hạn, trước hạn / PAKN thuộc thẩm quyền; điểm = 6 × tỷ lệ. "
        "Không có PAKN: để trống như mọi tiêu chí có mẫu số 0 (quy ước của dự án; Cổng "
        "DVCQG cho đủ 6 điểm, xem so sánh với số liệu chính thức).",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 5.2",
        Source.DATABASE,
    ),
    Criterion(
        "PETITION_HANDLING_SATISFACTION",
        _T.SATISFACTION,
        "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
        6,
        "(Tổng PAKN − PAKN không hài lòng, khiếu nại lại kết quả hoặc xử lý trễ hạn) / "
        "tổng PAKN; điểm = 6 × tỷ lệ (không có PAKN: để trống).",
        None,
        QD_766,
        Source.DATABASE,
    ),
    Criterion(
        "DOSSIER_RECEIVING_SATISFACTION",
        _T.SATISFACTION,
        "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
        6,
        "(Hồ sơ tiếp nhận − hồ sơ trễ hạn, hoặc bị đánh giá không hài lòng, hoặc có PAKN; "
        "mỗi hồ sơ tính một lần) / hồ sơ tiếp nhận; điểm = 6 × min(1, tỷ lệ / 90%).",
        Decimal("0.9"),
        f"{QD_766}; {PORTAL_FORMULAS}, mục 5.4; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
    # --- 6. Thanh toán trực tuyến (10) ------------------------------------------------
    # The portal publishes no metric codes for the two procedure-level payment
    # criteria; these local codes follow its naming ("formality" = TTHC).
    Criterion(
        "FORMALITY_ONLINE_PAYMENT_INTEGRATED",
        _T.PAYMENT,
        "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
        2,
        "TTHC có phí, lệ phí được tích hợp thanh toán trên Cổng DVCQG / TTHC có phí, lệ "
        "phí; đủ điểm khi ≥ 80%. Tích hợp: danh mục ghi ngày tích hợp, hoặc đã có giao "
        "dịch thanh toán trực tuyến qua cổng thanh toán.",
        Decimal("0.8"),
        f"{QD_766}; {PORTAL_FORMULAS}, mục 3.5",
        Source.DATABASE,
    ),
    Criterion(
        "FORMALITY_ONLINE_PAYMENT_TRANSACTED",
        _T.PAYMENT,
        "Tỷ lệ TTHC có phát sinh giao dịch thanh toán trực tuyến",
        2,
        "TTHC có phí, lệ phí có hồ sơ thanh toán trực tuyến trong kỳ / TTHC có phí, lệ phí; "
        "điểm = 2 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}",
        Source.DATABASE,
    ),
    Criterion(
        "DOSSIERS_PAID_ONLINE",
        _T.PAYMENT,
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        6,
        "Hồ sơ đã thanh toán trực tuyến / hồ sơ tiếp nhận trong kỳ của TTHC có phí, lệ "
        "phí; điểm = 6 × tỷ lệ.",
        None,
        f"{QD_766}; {PORTAL_FORMULAS}, mục 3.6; {INTERCHANGE_CONTRACT}",
        Source.DOSSIERS,
    ),
)

CRITERIA_BY_CODE: dict[str, Criterion] = {c.code: c for c in CRITERIA}
GROUPS_BY_CODE: dict[GroupCode, Group] = {g.code: g for g in GROUPS}
TOTAL_MAX = sum(g.max for g in GROUPS)


@dataclass(frozen=True)
class Band:
    name: str
    min_percent: Decimal  # inclusive lower bound on the total percent


# QĐ 766/QĐ-TTg: 90–100 Xuất sắc, < 50 Yếu; intermediate bands as the portal shows them.
BANDS: tuple[Band, ...] = (
    Band("Xuất sắc", Decimal(90)),
    Band("Tốt", Decimal(80)),
    Band("Khá", Decimal(70)),
    Band("Trung bình", Decimal(50)),
    Band("Yếu", Decimal(0)),
)


def band_for(percent: Decimal | float | int) -> str:
    """The band of a total percent (score / max × 100)."""
    value = Decimal(str(percent))
    for band in BANDS:
        if value >= band.min_percent:
            return band.name
    return BANDS[-1].name


def criteria_of(group: GroupCode) -> tuple[Criterion, ...]:
    return tuple(c for c in CRITERIA if c.group == group)


def _check() -> None:
    # The definition must add up: each group's criteria sum to its maximum, 100 in all.
    for g in GROUPS:
        total = sum(c.max for c in criteria_of(g.code))
        if total != g.max:
            raise AssertionError(f"group {g.code}: criteria sum to {total}, not {g.max}")
    if TOTAL_MAX != 100:
        raise AssertionError(f"index maximum is {TOTAL_MAX}, not 100")


_check()
