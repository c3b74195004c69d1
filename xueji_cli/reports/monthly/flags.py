"""What the monthly report's change list flags on an entry: a transfer admitted later than
the policy allows after its last approval (TRF-3), evidence a rule asks for and the entry
lacks (data/report.toml [evidence]), an entry recorded after its month was over, the
entry's own flags, a kind whose effect is not what it says, a kind codes.toml does not
know."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlmodel import Session

from xueji_cli.ledger.models import JournalEntry
from xueji_cli.reports.evidence import missing_evidence
from xueji_cli.reports.monthly.columns import kind_group
from xueji_cli.reports.monthly.report import Report
from xueji_cli.values.dates import china_time


def flag(session: Session, report: Report, admit_days: int, today: dt.date) -> None:
    """Add to each change of `report` the flags of its entry."""
    approvals = _approval_dates(session, {
        report.entries[c.step.id].case_ref for c in report.changes
        if c.step.kind == "transfer_in" and c.step.id in report.entries})
    wrong_kind = {d.entry_id for d in report.discrepancies}
    for change in report.changes:
        entry = report.entries.get(change.step.id)
        if entry is None:
            continue
        if change.step.kind == "transfer_in":
            change.flags += _late_admission(entry, approvals.get(entry.case_ref), admit_days)
        gap = missing_evidence(change.step.kind, entry.evidence, entry.details)
        if gap:
            change.flags.append(f"{gap[0]} 缺少证明材料:{'、'.join(gap[1])}")
        recorded = china_time(entry.recorded_at).date() if entry.recorded_at else None
        # Recorded after the month was over (and not "after today": a clock pinned to a
        # past day, as in a demo or when re-entering old paper, cannot judge that).
        if recorded and report.last < recorded <= today:
            change.flags.append(f"补录(登记于 {recorded:%Y-%m-%d})")
        change.flags += [str(f) for f in (entry.details or {}).get("flags", []) or []]
        if change.step.id in wrong_kind:
            change.flags.append("类别与内容不符")
        if kind_group(change.step.kind) is None:
            change.flags.append("未知类别")


def _late_admission(entry, from_case: dt.date | None, admit_days: int) -> list[str]:
    """TRF-3: the days from the last approval (of the case, or written on the entry)
    to the admission, when more than the policy allows."""
    approved = _last_approval(entry, from_case)
    if approved is None:
        return []
    days = (entry.effective_date - approved).days
    if days <= admit_days:
        return []
    return [f"TRF-3 批准后第{days}天才接收(应在{admit_days}天内)"]


def _approval_dates(session: Session, case_refs: set[str | None]) -> dict[str, dt.date]:
    """The last transfer_approve of each case."""
    refs = [c for c in case_refs if c]
    if not refs:
        return {}
    return dict(session.connection().execute(
        select(JournalEntry.case_ref, func.max(JournalEntry.effective_date))
        .where(JournalEntry.case_ref.in_(refs), JournalEntry.kind == "transfer_approve")
        .group_by(JournalEntry.case_ref)).all())


def _last_approval(entry, from_case: dt.date | None) -> dt.date | None:
    dates = [from_case] if from_case else []
    for approval in entry.approvals or []:
        if isinstance(approval, dict) and approval.get("date"):
            try:
                dates.append(dt.date.fromisoformat(str(approval["date"])[:10]))
            except ValueError:
                continue
    return max(dates) if dates else None
