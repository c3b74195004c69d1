"""A month as it went to the bureau (REP-1, CHG-3): submitting a month keeps its whole
report document; the month is then shown as submitted, and an entry recorded afterwards
with a date inside it is reported late (补报) in the next month, which reconciles with it.

Decisions: a month is submitted once — again only with `--resubmit` and a reason, the
earlier versions kept as history; a month may be submitted while the one before it was
not (a registrar who starts mid-year), with a warning saying so; a report that does not
reconcile is not submitted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, ReportSubmission, School
from xueji_cli.reports.monthly.columns import column_labels
from xueji_cli.reports.monthly.report import Cells, Discrepancy
from xueji_cli.values.dates import now
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation

# The figures of a row that are no column of the change list, as the form heads them.
FIGURE_LABELS = {"opening": "期初在籍", "closing": "期末在籍", "at_school": "期末在校",
                 "in.resumed": "复学", "out.suspended": "休学", "borrowed_in": "借读来本校",
                 "borrowed_out": "外出借读", "late.in": "补报增加", "late.out": "补报减少",
                 "suspended_now": "期末休学", "away_now": "期末外出借读",
                 "borrowing_here": "期末来本校借读", "ended.in": "来本校借读结束",
                 "ended.out": "外出借读结束"}


def latest(session: Session, month: str) -> ReportSubmission | None:
    """The month's current submission (its newest version), if it was submitted."""
    return session.exec(select(ReportSubmission).where(ReportSubmission.month == month)
                        .order_by(ReportSubmission.version.desc())).first()


def previous_month(first: dt.date) -> str:
    return f"{first - dt.timedelta(days=1):%Y-%m}"


def late_entry_ids(session: Session, first: dt.date) -> list[int]:
    """The entries the month beginning `first` reports late (补报): dated before it and
    recorded after the previous month was submitted. None when that month was not
    submitted: its own report still counts them where they belong."""
    before = latest(session, previous_month(first))
    if before is None:
        return []
    return list(session.exec(select(JournalEntry.id).where(
        JournalEntry.effective_date < first, JournalEntry.id > before.last_entry,
        JournalEntry.student_id.is_not(None)).order_by(JournalEntry.id)))


def opening_discrepancies(session: Session, rows: Cells, schools: dict[int, School],
                          first: dt.date) -> list[Discrepancy]:
    """REP-1: the month's 期初, less what it reports late (补报), is the previous month's
    期末 as submitted. A school and grade where they differ holds a record changed behind
    the journal since that submission (every entry recorded since is 补报): one discrepancy
    per cell; the reconciliation reads the history of its school and names the record."""
    before = latest(session, previous_month(first))
    if before is None:
        return []
    ids = {school.code: school_id for school_id, school in schools.items()}
    then = {(ids.get(r["school"]), r["grade"]): r["closing"] for r in before.document.get("rows", [])
            if r["school"] is not None and r["grade"] is not None}
    now = {cell: row.opening for cell, row in rows.items()}
    found = []
    for cell in sorted(then.keys() | now.keys(), key=lambda c: (c[0] or 0, c[1] or 0)):
        opening, submitted = now.get(cell, 0), then.get(cell, 0)
        if opening != submitted:
            found.append(Discrepancy(
                "opening", *cell,
                f"期初在籍 {opening} 人,与 {before.month} 上报的期末在籍 {submitted} 人不符",
                f"{before.month} 上报之后有学籍被绕过变动日志直接改动(下面列出);上报后补录的变动已列入补报,"
                "不在此列。运行 xueji check 查看,用更正记录恢复,不可删改日志"))
    return found


def submit(session: Session, month: str, document: dict, operator: str, today: dt.date,
           resubmit_reason: str | None = None) -> tuple[ReportSubmission, list[str]]:
    """Record `document` as the month's report sent to the bureau; returns it and the
    warnings (the month before not submitted)."""
    problems = []
    if not document.get("balanced"):
        problems.append(Violation("REP-1", "month", f"{month} 的月报核对不一致,不能上报",
                                  "先按月报列出的原因改正,核对无误后再上报"))
    held = latest(session, month)
    if held is not None and not resubmit_reason:
        problems.append(Violation(
            "REP-1", "submit", f"{month} 的月报已于 {held.submitted_on:%Y-%m-%d} 上报(第 {held.version} 版)",
            "上报后补录的变动会列入下月的补报;确需重新上报,用 --resubmit --reason 说明原因(原版本保留)"))
    if problems:
        raise Refused(problems)
    last_entry = session.exec(select(func.max(JournalEntry.id))).one() or 0
    submission = ReportSubmission(
        month=month, version=(held.version + 1) if held else 1, submitted_on=today,
        submitted_at=now(), operator=operator, reason=resubmit_reason, last_entry=last_entry,
        document=document)
    session.add(submission)
    warnings = []
    before = previous_month(dt.date.fromisoformat(f"{month}-01"))
    if latest(session, before) is None:
        warnings.append(f"{before} 的月报尚未用本工具上报;如从本月开始使用本工具,可以忽略。"
                        f"此前补录的 {before} 及更早的变动计入各自月份,不列入补报")
    return submission, warnings


def submitted_dict(submission: ReportSubmission) -> dict:
    """What the report says of the version it shows."""
    return {"version": submission.version, "submitted_on": submission.submitted_on.isoformat(),
            "operator": submission.operator, "reason": submission.reason}


def history(session: Session, month: str) -> list[ReportSubmission]:
    return list(session.exec(select(ReportSubmission).where(ReportSubmission.month == month)
                             .order_by(ReportSubmission.version)))


def differences(submitted: dict, now_document: dict) -> list[dict]:
    """Each row (school, grade) whose figures differ between the submitted document and
    the month recomputed now: the figure, as submitted, as now."""
    def flat(row: dict) -> dict:
        values = {}
        for key, value in row.items():
            if isinstance(value, dict):
                values.update({f"{key}.{k}": v for k, v in value.items()})
            elif isinstance(value, int) and not isinstance(value, bool) and key != "grade":
                values[key] = value
        return values

    def difference(key: tuple, name: str, submitted: int, now: int) -> dict:
        return {"school": key[0], "grade": key[1], "figure": name,
                "figure_label": FIGURE_LABELS.get(name) or column_labels().get(name, name),
                "submitted": submitted, "now": now}

    then = {(r["school"], r["grade"]): flat(r) for r in submitted.get("rows", [])}
    found = []
    for row in now_document.get("rows", []):
        key = (row["school"], row["grade"])
        current, before = flat(row), then.pop(key, {})
        for name in sorted(current.keys() | before.keys()):
            if current.get(name, 0) != before.get(name, 0):
                found.append(difference(key, name, before.get(name, 0), current.get(name, 0)))
    for key, before in then.items():
        found += [difference(key, name, value, 0) for name, value in sorted(before.items()) if value]
    return found
