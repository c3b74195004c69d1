"""A suspension case (休学, SUS-1…SUS-4) as scripts see it: its dates, reason, evidence,
approvals and extensions, and its resumption once the child is back."""

from __future__ import annotations


def case_dict(case) -> dict:
    """One case (records/suspension/cases.Case) for --json."""
    return {
        "case_ref": case.case_ref, "certificate_no": case.certificate_no,
        "from": case.start.isoformat(), "until": case.until.isoformat(),
        "original_until": case.original_until.isoformat(),
        "chain_start": case.chain_start.isoformat(),
        "days": (case.until - case.start).days,
        "reason": case.reason, "reason_label": case.reason_label,
        "grade_left": case.grade, "class_left": case.class_no,
        "hospital": case.hospital, "hospital_level": case.hospital_level,
        "evidence": case.evidence, "approvals": case.approvals,
        "extensions": case.extensions, "processed_on": case.processed_on.isoformat(),
        "remark": case.remark, "taken_over": case.taken_over,
        "resumed_on": case.resumed_on.isoformat() if case.resumed_on else None,
        "resumed_grade": case.resumed_grade, "resumed_class": case.resumed_class,
    }
