"""Pure dossier rules: codes, lookup secrets, step outcomes, subject keys. No database."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from cchc.core.text import strip_diacritics
from cchc.dossiers.models import Outcome

# Lookup secrets are read off a printed receipt and typed on the public status page:
# no 0/O, 1/I/L confusion. 10 symbols of 32 = 50 bits.
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - the alphabet of lookup secrets, not a secret
SECRET_LENGTH = 10
CODE_SEQUENCE_DIGITS = 4


def format_dossier_code(agency_code: str, day: dt.date, number: int) -> str:
    """`{agency e-ID}-{YYMMDD}-{sequence}` (TT 03/2025/TT-VPCP Art. 13; ≥4-digit sequence)."""
    if number < 1:
        raise ValueError("sequence numbers start at 1")
    return f"{agency_code}-{day:%y%m%d}-{number:0{CODE_SEQUENCE_DIGITS}d}"


def new_lookup_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def normalise_lookup_secret(value: str) -> str:
    return re.sub(r"[\s\-]", "", str(value or "")).upper()


def step_outcome(finished_at: dt.datetime, due_at: dt.datetime, *, tz: dt.tzinfo) -> Outcome:
    """Mẫu 05: quá hạn after the due time; trước hạn when finished on an earlier day than
    the due day; otherwise đúng hạn (finished on the due day, by the due time)."""
    if finished_at > due_at:
        return Outcome.LATE
    if finished_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def subject_key(kind: str, key: str) -> str:
    """One spelling per subject: case, spaces and diacritics do not matter."""
    text = strip_diacritics(str(key or ""))
    text = re.sub(r"[^0-9A-Za-z]+", " ", text).strip().upper()
    return f"{kind}:{re.sub(r' +', ' ', text)}"
