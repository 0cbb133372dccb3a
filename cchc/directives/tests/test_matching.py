from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from cchc.directives.matching import UnitMatcher, match_notice, name_key
from cchc.directives.parsing import parse_notice

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "thong-bao-ket-luan.txt"
ON_2024 = dt.date(2024, 3, 26)


def test_name_key_variants():
    assert name_key("Văn phòng HĐND&UBND huyện") == name_key("Văn phòng HĐND và UBND huyện")
    assert name_key("Phòng Nội vụ huyện Tây Sơn", territories=("tay son",)) == "phong noi vu"
    assert name_key("Phòng Nội vụ") == "phong noi vu"
    # "Xã hội" inside a name is not the level word "xã".
    assert name_key("Phòng Văn hóa - Xã hội xã") == "phong van hoa xa hoi"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Phòng Nội vụ huyện", "T-D.NV"),
        ("Phòng Nội vụ", "T-D.NV"),
        ("Văn phòng HĐND&UBND huyện", "T-D.VP"),
        ("Phòng TC-KH", "T-D.TCKH"),
        ("Phòng Tài chính - Kế hoạch huyện", "T-D.TCKH"),
        ("Phòng TN&MT", "T-D.TNMT"),
        ("Phòng LĐTB&XH", "T-D.LDTBXH"),
        ("Phòng VH-TT", "T-D.VHTT"),
        ("Ủy ban MTTQVN huyện", "T-D.MTTQ"),
        ("Hội liên hiệp Phụ nữ huyện", "T-D.HLHPN"),
        ("Chi nhánh Văn phòng Đăng ký đất đai huyện", "T-D.CNVPDK"),
        ("Huyện đoàn", "T-D.HD"),
    ],
)
def test_single_names_and_abbreviations(tree, written, code):
    match = UnitMatcher(issuer=tree.district_pc, on=ON_2024).match(written)
    assert match.codes == [code]
    assert not match.needs_review


def test_collectives_expand_under_the_issuer_as_of_the_notice_date(tree):
    matcher = UnitMatcher(issuer=tree.district, on=ON_2024)
    communes = matcher.match("UBND các xã, thị trấn")
    assert communes.collective
    assert sorted(communes.codes) == ["T-W1", "T-W2"]  # not T-W3, merged in 2023
    departments = matcher.match("các phòng, ban, ngành")
    assert sorted(departments.codes) == sorted(
        [
            "T-D.NV",
            "T-D.VP",
            "T-D.TCKH",
            "T-D.TNMT",
            "T-D.KTHT",
            "T-D.LDTBXH",
            "T-D.VHTT",
            "T-D.CNVPDK",
        ]
    )
    assert matcher.match("Các phòng, ban chuyên môn của huyện").codes == departments.codes
    assert sorted(matcher.match("địa phương").codes) == ["T-W1", "T-W2"]


def test_unmatched_names_are_kept_and_flagged(tree):
    matcher = UnitMatcher(issuer=tree.district, on=ON_2024)
    match = matcher.match("UBND cùng cấp")
    assert (match.name, match.codes, match.needs_review) == ("UBND cùng cấp", None, True)


def test_current_notice_matches_the_commune_tree_not_history(tree):
    current = UnitMatcher(issuer=tree.commune_pc, on=dt.date(2025, 9, 10))
    assert current.match("Văn phòng HĐND và UBND xã").codes == ["T-C.VP"]
    assert current.match("Phòng Kinh tế xã").codes == ["T-C.PKT"]
    assert current.match("Phòng Nội vụ huyện").codes is None
    # Without an issuer, the whole tree as of the date: the district's offices are history.
    anywhere = UnitMatcher(on=dt.date(2025, 9, 10))
    assert anywhere.match("Phòng Nội vụ huyện").codes is None
    assert UnitMatcher(on=ON_2024).match("Phòng Nội vụ huyện").codes == ["T-D.NV"]


def test_seed_notice_matches(tree):
    if not SEED.exists():
        pytest.skip("seed notice not present")
    notice = parse_notice(SEED.read_text(encoding="utf-8"))
    rows = match_notice(notice=notice, issuer=tree.district)
    by = list(zip(notice.tasks, rows, strict=True))
    item2 = by[1][1]
    assert item2["lead_codes"] == [["T-D.NV"]]
    assert item2["coordinating_codes"] == [["T-D.VP"]]
    assert item2["needs_review"] is False
    item7 = next(r for t, r in by if t.number == "7")
    assert item7["lead_codes"] == [["T-D.CNVPDK"]]
    assert item7["coordinating_codes"] == [["T-D.TNMT"], ["T-D.KTHT"]]
    item9 = next(r for t, r in by if t.number == "9")
    assert item9["coordinating_codes"][:2] == [["T-D.NV"], ["T-D.HLHPN"]]
    assert sorted(item9["coordinating_codes"][2]) == ["T-W1", "T-W2"]
    item10 = next(r for t, r in by if t.number == "10")
    assert item10["lead_codes"] == [["T-D.MTTQ"]]
    assert item10["coordinating_codes"] == [None]
    assert item10["needs_review"] is True


def test_cli_match(tree):
    out = io.StringIO()
    call_command(
        "directives",
        "parse",
        str(FIXTURES / "district_plan.txt"),
        "--json",
        "--match",
        "--issuer",
        "T-D",
        stdout=out,
    )
    tasks = json.loads(out.getvalue())["tasks"]
    assert tasks[1]["lead"] == ["Phòng TN&MT"]
    assert tasks[1]["lead_codes"] == [["T-D.TNMT"]]
    assert tasks[1]["coordinating_codes"][:2] == [["T-D.LDTBXH"], ["T-D.VHTT"]]
    assert tasks[3]["lead_codes"] == [["T-D.TCKH"]]
    # The test tree has no Phòng Tư pháp: kept as written, flagged.
    assert tasks[0]["lead_codes"] == [None]
    assert [t["needs_review"] for t in tasks] == [True, False, False, False]


def test_territorial_groups(tree):
    old = UnitMatcher(issuer=tree.old_province, on=ON_2024)
    assert old.match("UBND các huyện, thị xã, thành phố").codes == ["T-D.UBND"]
    both = old.match("Ủy ban nhân dân quận-huyện, xã, phường, thị trấn")
    assert sorted(both.codes) == ["T-D.UBND", "T-W1", "T-W2"]
    # "UBND xã" alone is one committee, not every commune.
    assert not UnitMatcher(issuer=tree.commune, on=dt.date(2025, 9, 10)).match("UBND xã").collective
    new = UnitMatcher(issuer=tree.commune, on=dt.date(2025, 9, 10))
    assert new.match("các phòng, ban, ngành").codes == ["T-C.PKT", "T-C.VP"]
