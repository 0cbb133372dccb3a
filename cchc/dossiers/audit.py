"""Reading the event chain back from the database and checking it (see events.verify_chain)."""

from __future__ import annotations

from cchc.dossiers.events import HASHED_FIELDS, Problem, VerifyReport, compute_hash, verify_chain
from cchc.dossiers.models import Dossier, DossierEvent, EventChainHead
from cchc.dossiers.projection import projection_differences


def audit_verify(*, projections: bool = False, chunk_size: int = 5000) -> VerifyReport:
    """Verify the whole chain (streamed in chain order) and, optionally, every projection."""
    rows = (
        DossierEvent.objects.order_by("chain_seq")
        .values(*HASHED_FIELDS, "prev_hash", "hash")
        .iterator(chunk_size=chunk_size)
    )
    head_row = EventChainHead.objects.filter(pk=1).values_list("chain_seq", "hash").first()
    versions = dict(Dossier.objects.values_list("pk", "version"))
    report = verify_chain(rows, head=head_row, dossier_versions=versions)
    if projections:
        for dossier in Dossier.objects.order_by("pk").iterator(chunk_size=500):
            diffs = projection_differences(dossier)
            if diffs:
                report.problems.append(
                    Problem(
                        None,
                        "projection",
                        f"hồ sơ {dossier.code}: dữ liệu hiện hành khác với kết quả dựng lại "
                        f"từ sự kiện ({', '.join(diffs)})",
                    )
                )
    return report


def audit_head() -> tuple[int, str]:
    """The chain head, to be published or countersigned outside this database."""
    row = EventChainHead.objects.filter(pk=1).values_list("chain_seq", "hash").first()
    return row or (0, "")


def dossier_history_intact(*, dossier: Dossier) -> bool:
    """One dossier's events: each hash recomputes, `seq` runs 1..version, and the next
    event in the global chain (if any) points at each one. For a badge on the dossier page;
    `cchc audit verify` remains the full check."""
    rows = list(
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("seq")
        .values(*HASHED_FIELDS, "prev_hash", "hash")
    )
    if [r["seq"] for r in rows] != list(range(1, dossier.version + 1)):
        return False
    if any(compute_hash(r["prev_hash"], r) != r["hash"] for r in rows):
        return False
    successors = dict(
        DossierEvent.objects.filter(chain_seq__in=[r["chain_seq"] + 1 for r in rows]).values_list(
            "chain_seq", "prev_hash"
        )
    )
    head = EventChainHead.objects.filter(pk=1).values_list("chain_seq", "hash").first()
    for r in rows:
        nxt = successors.get(r["chain_seq"] + 1)
        if nxt is None:
            if head is None or head != (r["chain_seq"], r["hash"]):
                return False
        elif nxt != r["hash"]:
            return False
    return True
