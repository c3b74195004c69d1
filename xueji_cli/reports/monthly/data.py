"""The monthly change report (学籍变动情况月报, REP-1), reconciled.

Per school and grade: 期初在籍 (the register at the end of the previous month), the
month's increases and decreases by column (data/report.toml), 期末在籍, 休学/复学,
borrowing apart, and 在校. Every column is derived from the journal.

`build` is a pipeline of small steps, each taking what the one before produced: read the
month (its bounds, its entries, the records the journal touched since it began), tally
the register at both ends and count the month's entries by column
(reports/monthly/counting.py), reconcile the closing count with the records
(reports/monthly/reconcile.py), and flag the change list (reports/monthly/flags.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Session

from xueji_cli.ledger.counted import at_school_statuses
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.ledger.timeline import REPORTED, Tally, Timeline
from xueji_cli.reports.monthly.columns import unmapped_warnings
from xueji_cli.reports.monthly.counting import count_late, count_month, fold_touched, tallies
from xueji_cli.reports.monthly.flags import flag
from xueji_cli.reports.monthly.reconcile import check_records, dedupe, reconcile
from xueji_cli.reports.monthly.report import Cells, Change, Report
from xueji_cli.reports.monthly.submission import late_entry_ids, opening_discrepancies
from xueji_cli.values.dates import parse_month
from xueji_cli.values.errors import InputError

# What the change list shows of each of the month's entries.
ENTRY_COLUMNS = (JournalEntry.id, JournalEntry.reason, JournalEntry.evidence,
                 JournalEntry.approvals, JournalEntry.from_school, JournalEntry.to_school,
                 JournalEntry.case_ref, JournalEntry.details, JournalEntry.recorded_at,
                 JournalEntry.remark, JournalEntry.operator, JournalEntry.effective_date,
                 JournalEntry.kind)


def build(session: Session, month: str, today: dt.date, school_code: str | None = None,
          admit_within_days: int = 3) -> Report:
    """The report of `month` (YYYY-MM), reconciled. `admit_within_days` is the policy of
    TRF-3 (a transfer admitted later is flagged)."""
    first, last = month_bounds(month, today)
    schools = {s.id: s for s in session.exec(select(School)).scalars()}
    school_filter = _school_id(session, school_code)
    timeline = Timeline(session, first, REPORTED)
    entries = month_entries(session, first, last)
    touched = fold_touched(timeline, first, last)
    opening, closing = tallies(timeline.untouched_tally(), touched)
    counted = count_month(touched, first, last, entries)
    add_tallies(counted.rows, opening, closing)
    late = add_late(session, counted.rows, first, entries)
    differences = [r for r in counted.rows.values() if r.expected != r.closing]
    unlike_submitted = opening_discrepancies(session, counted.rows, schools, first)
    discrepancies = dedupe(counted.discrepancies + unlike_submitted + check_records(touched)
                           + reconcile(session, schools, differences, closing, last, school_filter,
                                       {d.school_id for d in unlike_submitted}))
    report = Report(
        month=f"{first:%Y-%m}", first=first, last=last, schools=schools, rows=dict(counted.rows),
        changes=sorted(counted.changes, key=lambda c: (c.step.effective_date, c.step.id)),
        discrepancies=discrepancies, cell_differences=differences,
        warnings=_unfinished(first, last, today) + unmapped_warnings(counted.unmapped),
        people={}, entries=entries, school_filter=school_filter, late=late)
    if school_filter is not None:
        _narrow(report, school_filter)
    report.people = _people(session, timeline, report)
    flag(session, report, admit_within_days, today)
    return report


# -- reading the month ----------------------------------------------------------------------

def month_bounds(month: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of `month`, refused before it has begun."""
    try:
        first, last = parse_month(month)
    except ValueError as exc:
        raise InputError("month", str(exc), "如 --month 2026-10") from None
    if first > today:
        raise InputError("month", f"{first:%Y年%m月}还没有到(今天是 {today:%Y-%m-%d})",
                         "月报只能报已开始的月份")
    return first, last


def _unfinished(first: dt.date, last: dt.date, today: dt.date) -> list[str]:
    if last < today:
        return []
    return [f"{first:%Y年%m月}尚未结束:期末按截至今天({today:%Y-%m-%d})已登记的变动计算"]


def _school_id(session: Session, school_code: str | None) -> int | None:
    if school_code is None:
        return None
    from xueji_cli.records.directory import schools

    return schools.get(session, school_code).id


def month_entries(session: Session, first: dt.date, last: dt.date) -> dict[int, object]:
    """The month's entries (rows of ENTRY_COLUMNS), by id."""
    return {row.id: row for row in session.connection().execute(
        select(*ENTRY_COLUMNS).where(JournalEntry.effective_date >= first,
                                     JournalEntry.effective_date <= last))}


# -- entries reported late (补报) ----------------------------------------------------------

def add_late(session: Session, rows: Cells, first: dt.date, entries: dict[int, object]) -> list[Change]:
    """REP-1 补报: the entries dated in a submitted month and recorded after it was
    submitted are counted here in their own columns (补报增/补报减), and taken out of the
    opening — which is then the previous month's submitted closing — so that
    期初 + 补报 + 增 − 减 = 期末 holds and the submitted months add up to the register."""
    late_ids = late_entry_ids(session, first)
    if not late_ids:
        return []
    found = {row.id: row for start in range(0, len(late_ids), 500)
             for row in session.connection().execute(
                 select(*ENTRY_COLUMNS).where(JournalEntry.id.in_(late_ids[start:start + 500])))}
    entries.update(found)
    since = min(row.effective_date for row in found.values())
    late = count_late(Timeline(session, since, REPORTED).histories, set(late_ids))
    for cell, counted in late.rows.items():
        row = rows[cell]
        row.late_in += counted.increase
        row.late_out += counted.decrease
        row.opening -= counted.increase - counted.decrease
    return sorted(late.changes, key=lambda c: (c.step.effective_date, c.step.id))


# -- the rows from the tallies --------------------------------------------------------------

def add_tallies(rows: Cells, opening: Tally, closing: Tally) -> None:
    """期初在籍, 期末在籍, 在校, 期末休学, 期末外出借读 and 期末来本校借读 of each cell."""
    for (school_id, grade), n in opening.register().items():
        rows[(school_id, grade)].opening += n
    for (school_id, grade), n in closing.register().items():
        rows[(school_id, grade)].closing += n
    for (school_id, grade), n in closing.at_school().items():
        rows[(school_id, grade)].at_school += n
    for (school_id, grade), n in closing.with_status("suspended").items():
        rows[(school_id, grade)].suspended_now += n
    for (school_id, grade), n in closing.with_status("borrowed_out").items():
        rows[(school_id, grade)].away_now += n
    statuses = at_school_statuses()
    for (school_id, grade, kind, status), n in closing.counts.items():
        if kind == "borrowing" and n and status in statuses:
            rows[(school_id, grade)].borrowing_here += n


# -- one school, and the names -------------------------------------------------------------

def _narrow(report: Report, school_id: int) -> None:
    """The report of one school: its rows, and the changes and discrepancies that touch it."""
    report.rows = {k: v for k, v in report.rows.items() if k[0] == school_id}
    report.cell_differences = [r for r in report.cell_differences if r.school_id == school_id]
    report.discrepancies = [d for d in report.discrepancies if d.school_id in (school_id, None)]
    report.changes = [c for c in report.changes if school_id in _schools_of(c)]
    report.late = [c for c in report.late if school_id in _schools_of(c)]


def _schools_of(change: Change) -> set:
    return {change.step.school_id, change.before.get("school_id"), change.after.get("school_id")}


def _people(session: Session, timeline: Timeline, report: Report) -> dict[int, tuple]:
    """(local number, national number, name, ID number, person id) of each student the
    change list and the discrepancies name: the touched ones from the timeline, the others
    read."""
    ids = {c.step.student_id for c in report.changes + report.late} \
        | {d.student_id for d in report.discrepancies}
    people = {i: timeline.people[i] for i in ids if i in timeline.people}
    missing = [i for i in ids if i is not None and i not in people]
    for start in range(0, len(missing), 500):
        for sid, local, national, name, id_number, person_id in session.connection().execute(
                select(Student.id, Student.local_number, Student.national_number, Person.name,
                       Person.id_number, Person.id).join(Person, Person.id == Student.person_id)
                .where(Student.id.in_(missing[start:start + 500]))):
            people[sid] = (local, national, name, id_number, person_id)
    return people
