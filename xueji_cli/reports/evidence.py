"""The evidence a rule asks an entry of a kind to carry (data/report.toml [evidence]):
the monthly report's change list flags what an entry lacks, `report stats` and `report
verify` list the records whose admission lacks it (ENR-7, TRF-8, BOR-2 …)."""

from __future__ import annotations

from functools import cache

from xueji_cli.ledger.counted import config
from xueji_cli.values import codes


@cache
def _evidence_key(item: str) -> str:
    text = item
    for sep in (":", ":"):
        text = text.split(sep, 1)[0]
    return codes.evidence_key(text)


def missing_evidence(kind: str, evidence: list, details: dict | None = None
                     ) -> tuple[str, list[str]] | None:
    """(rule, missing labels) when an entry of `kind` lacks evidence data/report.toml asks
    for; None when complete or nothing is asked (or the entry's direction is exempt)."""
    spec = config().get("evidence", {}).get(kind)
    if not spec:
        return None
    if (details or {}).get("direction") in spec.get("unless_direction", []):
        return None
    shown = {_evidence_key(str(item)) for item in evidence or []}
    missing = []
    for need in spec["needs"]:
        options = need.split("|")
        if not any(o in shown for o in options):
            missing.append("或".join(codes.evidence_label(o) for o in options))
    return (spec["rule"], missing) if missing else None
