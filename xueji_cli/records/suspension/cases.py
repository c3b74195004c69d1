"""Suspensions as the journal tells them (休学 / 复学, SUS-1…SUS-7).

A suspension is a case in the journal: one `suspend` entry (status → suspended), any
number of `suspend_extend` entries, and at most one `resume` entry (status → active, and
the grade and class joined). They share `case_ref` (SUS-<school>-<year>-<nnn>, which is
also the certificate number); the facts that are not projected (the period, the reason,
the grade left, the hospital, the share of the grade) live in each entry's `details`.
Here the cases are read back: each record's cases, the running one, the list of who is
suspended now and what must be done soon, and the case a certificate is for. The steps
that write the entries are in records/suspension/steps.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, Student
from xueji_cli.records.directory import students
from xueji_cli.rules import suspension as rules
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation

KINDS = ("suspend", "suspend_extend", "resume")
TAKEOVER = "takeover"  # records/takeover: a pupil may be taken over already suspended


# -- the case, folded from the journal ---------------------------------------------------------

@dataclass
class Case:
    """One suspension with its renewals and its end, as the journal tells it."""

    case_ref: str
    student_id: int
    school_id: int
    start: dt.date
    until: dt.date
    original_until: dt.date
    chain_start: dt.date  # first day of the consecutive suspension it belongs to (SUS-4)
    reason: str  # suspension_reason key
    grade: int | None  # the grade left
    class_no: int | None
    processed_on: dt.date
    operator: str = ""
    hospital: str | None = None
    hospital_level: str | None = None  # rules.HOSPITAL_LEVELS: listed, or declared
    remark: str | None = None
    evidence: list[str] = field(default_factory=list)
    approvals: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)  # {"on", "until", "previous"}
    resumed_on: dt.date | None = None
    resumed_grade: int | None = None
    resumed_class: int | None = None
    entry_ids: list[int] = field(default_factory=list)
    # taken over with the register while suspended: start and end are not known (the
    # takeover's day stands in for both), nor the reason
    taken_over: bool = False

    @property
    def open(self) -> bool:
        return self.resumed_on is None

    @property
    def period_known(self) -> bool:
        """Whether the journal knows when it ends: not for one taken over with the
        register until it is renewed here (SUS-4 sets a new end)."""
        return not self.taken_over or bool(self.extensions)

    @property
    def reason_label(self) -> str:
        return codes.label("suspension_reason", self.reason)

    @property
    def certificate_no(self) -> str:
        """SUS-002-2026-001 → 〔2026〕002-001号."""
        parts = self.case_ref.split("-")
        if len(parts) != 4:
            return self.case_ref
        _, school, year, sequence = parts
        return f"〔{year}〕{school}-{sequence}号"



def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def fold(entries: list[JournalEntry]) -> list[Case]:
    """The suspension cases of one record, oldest first, from its journal entries (in
    the order they were recorded). Tolerant of entries written without these details
    (an import of old paper records): the entry's own date and reason stand in."""
    cases: list[Case] = []
    for entry in sorted(entries, key=lambda e: e.id or 0):
        d = entry.details or {}
        if entry.kind == TAKEOVER:
            if (entry.sets or {}).get("status") == "suspended":
                cases.append(_taken_over(entry))
            continue
        if entry.kind == "suspend":
            start = _date(d.get("from")) or entry.effective_date
            until = _date(d.get("until")) or rules.earliest_until(start, 1)
            cases.append(Case(
                case_ref=entry.case_ref or f"SUS-{entry.id}", student_id=entry.student_id,
                school_id=entry.school_id, start=start, until=until, original_until=until,
                chain_start=_date(d.get("chain_start")) or start,
                reason=d.get("reason") or codes.parse_code("suspension_reason", entry.reason) or "other",
                grade=d.get("grade"), class_no=d.get("class_no"),
                processed_on=_date(d.get("processed_on")) or entry.effective_date,
                operator=entry.operator, hospital=d.get("hospital"),
                # a hospital recorded before the level was recorded was never checked: declared
                hospital_level=d.get("hospital_level") or ("declared" if d.get("hospital") else None),
                remark=d.get("remark"),
                evidence=list(entry.evidence), approvals=list(entry.approvals), entry_ids=[entry.id]))
            continue
        case = next((c for c in reversed(cases) if c.case_ref == entry.case_ref), None) \
            if entry.case_ref else (cases[-1] if cases and cases[-1].open else None)
        if case is None or entry.kind not in KINDS:
            continue
        case.entry_ids.append(entry.id)
        if entry.kind == "suspend_extend" and d.get("until"):
            case.extensions.append({"on": entry.effective_date.isoformat(), "until": d["until"],
                                    "previous": d.get("previous_until", case.until.isoformat())})
            case.until = _date(d["until"])
            case.evidence += [e for e in entry.evidence if e not in case.evidence]
            case.approvals += list(entry.approvals)
        elif entry.kind == "resume":
            case.resumed_on = entry.effective_date
            case.resumed_grade, case.resumed_class = d.get("grade"), d.get("class_no")
    return cases


def _taken_over(entry: JournalEntry) -> Case:
    """The suspension a pupil was in when the register was taken over: from and until the
    takeover's day, as far as the journal knows (SUS-2 and SUS-4 are judged on the
    original 休学证明 instead, rules.check_taken_over_return)."""
    day, sets = entry.effective_date, entry.sets or {}
    return Case(case_ref="", student_id=entry.student_id, school_id=entry.school_id, start=day,
                until=day, original_until=day, chain_start=day, reason="other",
                grade=sets.get("grade"), class_no=sets.get("class_no"), processed_on=day,
                operator=entry.operator, entry_ids=[entry.id], taken_over=True)


def cases_of(session: Session, student_ids: list[int]) -> dict[int, list[Case]]:
    """The cases of each record; entries that stand undone (`xueji undo`) do not count."""
    from xueji_cli.records.lifecycle.undo import undone_ids

    undone = undone_ids(session)
    entries = session.exec(select(JournalEntry).where(
        JournalEntry.student_id.in_(student_ids), JournalEntry.kind.in_((*KINDS, TAKEOVER))))
    by_student: dict[int, list[JournalEntry]] = {}
    for entry in entries:
        if entry.id in undone:
            continue
        by_student.setdefault(entry.student_id, []).append(entry)
    return {sid: fold(found) for sid, found in by_student.items()}


def open_case(session: Session, student: Student) -> Case | None:
    found = cases_of(session, [student.id]).get(student.id, [])
    return found[-1] if found and found[-1].open else None


# -- who is suspended now, and the case a certificate is for -----------------------------------

@dataclass
class Row:
    found: students.Found
    case: Case | None
    flags: list[tuple[str, str]]


def listing(session: Session, settings: Settings, today: dt.date, due_within: int | None = None,
            school: str | None = None, grade: int | None = None) -> list[Row]:
    """Every student suspended now, with what must be done soon: resume or renew within
    `due_within` days (default: the policy's notice, half a month), overdue, over the
    consecutive maximum. Ordered by the end of the suspension."""
    window = settings.policy.suspension_renew_notice_days if due_within is None else due_within
    found = students.listing(session, school=school, grade=grade, status="suspended")
    cases = cases_of(session, [f.student.id for f in found]) if found else {}
    rows = []
    for item in found:
        history = cases.get(item.student.id, [])
        case = history[-1] if history and history[-1].open else None
        flags = [("incomplete", "休学记录不全(日志中没有休学记录),请核对")] if case is None else \
            [("taken_over", f"接收原有学籍({case.start})时已在休学,期满日不详:按原休学证明办理复学或续办")] \
            if not case.period_known else rules.standing(case.until, case.chain_start, today, window,
                                                   settings.policy.suspension_max_years)
        rows.append(Row(item, case, flags))
    far = dt.date.max
    rows.sort(key=lambda r: (r.case.until if r.case else far, r.found.student.local_number or ""))
    return rows


def certificate_data(session: Session, key: str) -> tuple[students.Found, Case]:
    """The student and the suspension a certificate is for: the running one, else the
    latest."""
    found = students.find(session, key)
    history = cases_of(session, [found.student.id]).get(found.student.id, [])
    if not history:
        raise Refused([Violation("SUS-1", "key", f"{found.person.name}没有休学记录,不能开具休学证明",
                                 "先用 xueji suspend 办理休学")])
    if history[-1].taken_over:
        raise Refused([Violation(
            "SUS-1", "key", f"{found.person.name}在接收原有学籍({history[-1].start})时已在休学,"
            "休学证明由当时办理休学的学校开具,本工具没有其休学期限",
            "原休学证明(复印件)存入学籍档案")])
    return found, history[-1]

