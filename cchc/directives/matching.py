"""Unit names as documents write them -> units of the organisation tree.

Documents abbreviate ("Văn phòng HĐND&UBND huyện", "Ủy ban MTTQVN huyện", "Phòng TC-KH"),
drop or add the level ("Phòng Nội vụ" / "Phòng Nội vụ huyện" / "Phòng Nội vụ huyện Tây
Sơn") and address groups ("UBND các xã, thị trấn", "các phòng, ban, ngành"). Names are
compared as `key`s: `normalize_vn`, abbreviations expanded, punctuation and "và" dropped,
the trailing level word (and the territory's own name) removed.

Matching is effective-dated: a notice of a former district (until 30/6/2025) matches
the district's units valid on the notice's date; a current notice matches the current
province/commune tree (Luật 72/2025/QH15).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from cchc.directives.parsing import Notice
from cchc.units.models import COMMUNE_LEVEL_KINDS, TERRITORIAL_KINDS, Unit, UnitKind
from cchc.units.text import normalize_vn

# Abbreviation -> words, on normalize_vn()-ed text (order matters: longer first).
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"hdnd\s*(?:&|va|-|,)\s*ubnd", "hoi dong nhan dan va uy ban nhan dan"),
    (r"ubnd", "uy ban nhan dan"),
    (r"hdnd", "hoi dong nhan dan"),
    (r"mttqvn", "mat tran to quoc viet nam"),
    (r"mttq", "mat tran to quoc"),
    (r"tc\s*-\s*kh", "tai chinh ke hoach"),
    (r"tn\s*(?:&|-|va)?\s*mt|tnmt", "tai nguyen va moi truong"),
    (r"ldtb\s*(?:&|va)\s*xh|ldtbxh|ld-tb&xh|ld-tbxh", "lao dong thuong binh va xa hoi"),
    (r"vh\s*-\s*tt", "van hoa thong tin"),
    (r"vh\s*-\s*xh", "van hoa xa hoi"),
    (r"kt\s*(?:&|-)\s*ht", "kinh te ha tang"),
    (r"gd\s*(?:&|-)\s*dt", "giao duc dao tao"),
    (r"lhpn", "lien hiep phu nu"),
    (r"dkdd", "dang ky dat dai"),
    (r"vp", "van phong"),
    (r"cn", "chi nhanh"),
    (r"tt\.", "thuong truc"),
)
_ABBREV_RES = [(re.compile(rf"(?<![a-z]){a}(?![a-z])"), b) for a, b in _ABBREVIATIONS]
_STOP = {"va", "cua", "thuoc", "truc", "cac"}
_LEVELS = r"(?:huyen|tinh|xa|phuong|thi tran|thanh pho|thi xa|quan|dac khu)"
# Head of a unit: "Thủ trưởng các phòng" addresses the departments.
_ROLE = re.compile(r"^(?:thu truong|chu tich|giam doc|truong|nguoi dung dau|lanh dao)\s+")


def _words(name: str) -> str:
    text = normalize_vn(name)
    for pattern, repl in _ABBREV_RES:
        text = pattern.sub(repl, text)
    text = _ROLE.sub("", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str, *, territories: tuple[str, ...] = ()) -> str:
    """'Văn phòng HĐND&UBND huyện' and 'Văn phòng HĐND và UBND huyện Tây Sơn' -> one key."""
    text = _words(name)
    names = "|".join(re.escape(t) for t in territories if t)
    tail = rf"\s+{_LEVELS}(?:\s+(?:{names}))?$" if names else rf"\s+{_LEVELS}$"
    text = re.sub(tail, "", text)
    if names:
        text = re.sub(rf"\s+(?:{names})$", "", text)
    return " ".join(w for w in text.split() if w not in _STOP)


# --- collective addressees -------------------------------------------------------------

_DEPARTMENTS = re.compile(
    r"^(?:cac (?:phong|so|ban|nganh|co quan)|(?:phong|so|ban|nganh|co quan) (?:phong|so|ban|nganh))"
    r"(?: (?:phong|so|ban|nganh|doan the|co quan|don vi|chuyen mon|tinh|huyen|thanh pho|xa|cua|"
    r"thuoc))*$"
)
_DISTRICT_WORDS = re.compile(r"\b(?:huyen|quan|thi xa|thanh pho)\b")
_COMMUNE_WORDS = re.compile(r"\b(?:xa|phuong|thi tran|dac khu|dia phuong)\b")
_LEVEL_ONLY = re.compile(
    r"^(?:(?:huyen|quan|thi xa|thanh pho|xa|phuong|thi tran|dac khu|dia phuong) ?)+$"
)


def _territorial_group(words: str) -> tuple[bool, bool] | None:
    """'uy ban nhan dan cac xa thi tran' -> (False, True): (districts?, communes?).

    Only a group: "các ..." or a list of two or more levels ("UBND quận-huyện, xã,
    phường"); "UBND xã" alone is one committee, not every commune. "địa phương" alone
    stands for the communes (the seed's "các phòng, ban, ngành và địa phương")."""
    rest = re.sub(r"^uy ban nhan dan ", "", words)
    plural = rest.startswith("cac ")
    rest = re.sub(r"^cac ", "", rest)
    if not rest or not _LEVEL_ONLY.match(rest):
        return None
    no_towns = rest.replace("thi xa", "").replace("thanh pho", "")
    districts = bool(_DISTRICT_WORDS.search(rest))
    communes = bool(_COMMUNE_WORDS.search(no_towns))
    levels = len(_DISTRICT_WORDS.findall(rest)) + len(_COMMUNE_WORDS.findall(no_towns))
    if not (plural or levels >= 2 or rest == "dia phuong"):
        return None
    return districts, communes


_DEPARTMENT_KINDS = {UnitKind.AGENCY, UnitKind.DEPARTMENT, UnitKind.PUBLIC_SERVICE}


@dataclass
class UnitMatch:
    name: str
    units: list[Unit] = field(default_factory=list)
    collective: bool = False
    ambiguous: bool = False

    @property
    def needs_review(self) -> bool:
        return not self.units or self.ambiguous

    @property
    def codes(self) -> list[str] | None:
        return [u.code for u in self.units] if self.units else None


class UnitMatcher:
    """Matches names within the subtree of the issuing unit, as it stood on `on`."""

    def __init__(self, *, issuer: Unit | None = None, on: dt.date | None = None) -> None:
        self.on = on or dt.date.today()
        qs = Unit.objects.active_on(self.on)
        self.root: Unit | None = None
        if issuer is not None:
            # The territory the notice governs: the issuer itself or its nearest territorial
            # ancestor (a People's Committee's parent).
            root = issuer
            if root.kind not in TERRITORIAL_KINDS and root.parent_id is not None:
                root = Unit.objects.get(pk=root.parent_id)
            self.root = root
            qs = qs.subtree_of(root)
        self.units: list[Unit] = list(qs.order_by("depth", "name"))
        territorial = [u for u in self.units if u.kind in TERRITORIAL_KINDS]
        names = {re.sub(rf"^{_LEVELS}\s+", "", normalize_vn(u.name)) for u in territorial} | {
            normalize_vn(u.short_name) for u in territorial if u.short_name
        }
        self.territories = tuple(sorted(names - {""}, key=len, reverse=True))
        self._keys = {u.pk: name_key(u.name, territories=self.territories) for u in self.units}
        self._short = {u.pk: name_key(u.short_name) for u in self.units if u.short_name}

    # collectives ---------------------------------------------------------------------
    def _committee_of(self, territory: Unit) -> Unit:
        for u in self.units:
            if u.parent_id == territory.pk and u.kind == UnitKind.PEOPLES_COMMITTEE:
                return u
        return territory

    def _communes(self) -> list[Unit]:
        communes = [u for u in self.units if u.kind in COMMUNE_LEVEL_KINDS]
        return [self._committee_of(c) for c in communes]

    def _departments(self) -> list[Unit]:
        if self.root is None:
            return []
        # Departments hang under the People's Committee, or directly under the territory.
        parents = {self.root.pk, self._committee_of(self.root).pk}
        return [u for u in self.units if u.parent_id in parents and u.kind in _DEPARTMENT_KINDS]

    def _districts(self) -> list[Unit]:
        return [self._committee_of(u) for u in self.units if u.kind == UnitKind.DISTRICT]

    def collective(self, name: str) -> list[Unit] | None:
        """Units a collective addressee stands for, or None when `name` is not one."""
        words = _words(name)
        words = re.sub(r"\s+(?:lien quan|tren dia ban)$", "", words)
        group = _territorial_group(words)
        if group is not None:
            districts, communes = group
            return (self._districts() if districts else []) + (self._communes() if communes else [])
        if _DEPARTMENTS.match(words):
            return self._departments()
        return None

    # single names --------------------------------------------------------------------
    def match(self, name: str) -> UnitMatch:
        group = self.collective(name)
        if group is not None:
            return UnitMatch(name=name, units=group, collective=True)
        key = name_key(name, territories=self.territories)
        if not key:
            return UnitMatch(name=name)
        exact = [u for u in self.units if self._keys[u.pk] == key or self._short.get(u.pk) == key]
        if not exact:
            padded = f" {key} "
            exact = [u for u in self.units if padded in f" {self._keys[u.pk]} "]
        if not exact:
            return UnitMatch(name=name)
        best_depth = min(u.depth for u in exact)
        best = [u for u in exact if u.depth == best_depth]
        return UnitMatch(name=name, units=best[:1], ambiguous=len(best) > 1)


def match_notice(*, notice: Notice, issuer: Unit | None = None) -> list[dict[str, object]]:
    """Per task: `lead_codes` / `coordinating_codes` aligned with the names (a list of codes
    per name, None where nothing matched) and `needs_review`."""
    on = notice.date or notice.meeting_date
    matcher = UnitMatcher(issuer=issuer, on=on)
    out: list[dict[str, object]] = []
    for task in notice.tasks:
        lead = [matcher.match(n) for n in task.lead]
        coord = [matcher.match(n) for n in task.coordinating]
        out.append(
            {
                "lead_codes": [m.codes for m in lead],
                "coordinating_codes": [m.codes for m in coord],
                "needs_review": not lead or any(m.needs_review for m in lead + coord),
            }
        )
    return out
