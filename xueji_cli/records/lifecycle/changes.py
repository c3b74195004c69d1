"""Changes of one record (CHG-1, CHG-2): skipping a grade, changing class, and the ways of
leaving the register — withdrawal, death, going abroad, and for senior high completion
(结业) and leaving early (肄业).

Each change checks every rule that applies, collects all problems (Refused), then writes
one journal entry through `journal.record` in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry
from xueji_cli.records.directory import students
from xueji_cli.records.directory.students import Found
from xueji_cli.records.enrollment.applicant import Collector
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.rules import changes as rules
from xueji_cli.rules.enrollment import check_class_cap
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation, reported_once, split

# The status each way of leaving gives the record.
LEAVING = {
    "withdraw": "withdrawn",
    "death": "deceased",
    "abroad": "abroad",
    "complete": "completed",
    "leave_early": "left_early",
}


@dataclass
class Changed:
    """One change written: the record (as it is now), its entry, what it was before."""

    found: Found
    entry: JournalEntry | None  # None: checked only (--dry-run)
    before: dict
    warnings: list[Violation] = field(default_factory=list)


def who(found: Found) -> str:
    return f"{found.person.name}({found.student.local_number or '借读'})"


def latest(session: Session, student_id: int) -> tuple[dt.date, str] | None:
    """The date and label of a record's latest entry (by effective date)."""
    entry = session.exec(select(JournalEntry).where(JournalEntry.student_id == student_id)
                         .order_by(JournalEntry.effective_date.desc(), JournalEntry.id.desc())).first()
    return (entry.effective_date, codes.entry_label(entry.kind, entry.details)) if entry else None


def check_when(session: Session, settings: Settings, found: Found, effective: dt.date,
               today: dt.date) -> list[Violation]:
    return rules.check_effective(effective, today, settings.policy.future_limit_days,
                                 latest(session, found.student.id))


def check_state(found: Found, change: str) -> list[Violation]:
    status = found.student.status
    return rules.check_state(change, codes.change_kind(change).label, status,
                             codes.label("status", status), found.student.kind, who(found))


def write(session: Session, found: Found, kind: str, effective: dt.date, operator: str,
          sets: dict, problems: list[Violation], dry_run: bool = False,
          **entry_fields) -> Changed:
    """Refuse with every error found, or write the entry (warnings go into its remark);
    `dry_run`: only check (the entry is None)."""
    errors, warnings = split(reported_once(problems))
    if errors:
        raise Refused(errors, warnings)
    before = {name: getattr(found.student, name) for name in sets}
    if dry_run:
        return Changed(found, None, before, warnings)
    remark = entry_fields.pop("remark", None)
    notes = [remark] if remark else []
    notes += [f"{w.rule} {w.message}" for w in warnings]
    entry = journal.record(session, found.student, kind, effective, operator, sets=sets,
                           remark="; ".join(notes) or None, **entry_fields)
    session.flush()
    return Changed(found, entry, before, warnings)


def _school_grades(settings: Settings, found: Found) -> tuple[int, int, str]:
    first, last = settings.grades[found.school.type]
    return first, last, codes.label("school_type", found.school.type)


def cap_checks(session: Session, settings: Settings, found: Found, grade: int, class_no: int,
         decision: str | None) -> list[Violation]:
    """ENR-5 for a child joining (grade, class_no) of its school."""
    where = f"{found.school.code} {found.school.name} {grade}年级{class_no}班"
    in_class = Lookups(session).in_class(found.school.id, grade, class_no)
    return check_class_cap(in_class, 1, settings.class_cap[found.school.type], decision, where)


def _approvals(rule: str, decision: str | None, by: str = "") -> list[dict]:
    if not decision:
        return []
    return [{"for": rule, **({"by": by} if by else {}), "decision": decision}]


def skip_grade(session: Session, settings: Settings, key: str, to: int, class_no: int | None,
               approval: str | None, reason: str | None, cap_decision: str | None,
               effective: dt.date, today: dt.date, operator: str) -> Changed:
    """跳级 (CHG-1, [GX]): to a higher grade of the same school with the bureau's approval.
    The local number does not change (NUM-4); the class is kept unless --class."""
    found = students.find(session, key)
    student = found.student
    first, last, type_label = _school_grades(settings, found)
    target_class = class_no or student.class_no
    texts, problems = fields.checked_texts(approval=approval, reason=reason,
                                           cap_decision=cap_decision)
    approval, reason, cap_decision = texts["approval"], texts["reason"], texts["cap_decision"]
    problems += check_state(found, "skip")
    problems += rules.check_skip(student.grade, to, first, last, approval, type_label)
    problems += check_when(session, settings, found, effective, today)
    if not any(v.is_error for v in problems):
        problems += cap_checks(session, settings, found, to, target_class, cap_decision)
    return write(session, found, "skip", effective, operator,
                 {"grade": to, "class_no": target_class}, problems,
                 reason=reason, approvals=_approvals("CHG-1", approval, "县(市)教育局")
                 + _approvals("ENR-5", cap_decision),
                 details={"from_grade": student.grade, "from_class": student.class_no})


def change_class(session: Session, settings: Settings, key: str, class_no: int,
                 reason: str | None, cap_decision: str | None, effective: dt.date,
                 today: dt.date, operator: str, dry_run: bool = False) -> Changed:
    """转班级 (national code 29): to another class of the same grade; ENR-5 applies to the
    class joined."""
    found = students.find(session, key)
    student = found.student
    texts, problems = fields.checked_texts(reason=reason, cap_decision=cap_decision)
    reason, cap_decision = texts["reason"], texts["cap_decision"]
    problems += check_state(found, "class_change")
    problems += rules.check_class_move(student.grade, student.class_no, class_no)
    problems += check_when(session, settings, found, effective, today)
    if not any(v.is_error for v in problems):
        problems += cap_checks(session, settings, found, student.grade, class_no, cap_decision)
    return write(session, found, "class_change", effective, operator,
                 {"grade": student.grade, "class_no": class_no}, problems, dry_run,
                 reason=reason, approvals=_approvals("ENR-5", cap_decision),
                 details={"from_class": student.class_no})


def leave(session: Session, settings: Settings, kind: str, key: str, effective: dt.date,
          today: dt.date, operator: str, reason: str | None = None,
          evidence: list[str] | None = None, lawful_basis: str | None = None,
          destination: str | None = None, remark: str | None = None) -> Changed:
    """The record leaves the register: 退学 (withdraw), 死亡 (death), 出国 (abroad),
    结业 (complete) and 肄业 (leave_early) for senior high. The evidence as typed, the
    texts free texts (values/fields.free_text), reported with the rules' findings."""
    found = students.find(session, key)
    student = found.student
    first, last, type_label = _school_grades(settings, found)
    label = codes.change_kind(kind).label
    problems = check_state(found, kind)
    if problems:  # a record that cannot take the change: its other rules do not matter
        raise Refused(problems)
    c = Collector()
    evidence = c.convert("evidence", fields.evidence, evidence or [], [])
    reason, lawful_basis = c.text("reason", reason), c.text("lawful_basis", lawful_basis)
    destination, remark = c.text("destination", destination), c.text("remark", remark)
    problems = c.problems
    if kind == "withdraw":
        problems += rules.check_withdraw(found.school.type, type_label, reason or "", lawful_basis)
    if kind in ("complete", "leave_early"):
        problems += rules.check_senior_only(found.school.type, type_label, label)
    if kind == "complete" and found.school.type == "senior":
        problems += rules.check_final_grade(student.grade, last, label)
    if kind == "death":
        problems += rules.check_not_future(effective, today, "死亡日期")
    problems += check_when(session, settings, found, effective, today)
    approvals = _approvals("CHG-1", lawful_basis) if kind == "withdraw" else []
    details = {"from_status": student.status}
    if destination:
        details["destination"] = destination
    if lawful_basis:
        details["lawful_basis"] = lawful_basis
    return write(session, found, kind, effective, operator, {"status": LEAVING[kind]}, problems,
                 reason=reason, evidence=[codes.evidence_label(e) for e in evidence],
                 approvals=approvals, details=details, remark=remark,
                 to_school=destination)
