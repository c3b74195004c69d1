"""回国复学 (CHG-1 [NAT-Q], TRF-11): a child back from abroad returns to the school that
kept the record. Like a return from suspension (SUS-3) the child joins the grade left
(default) or, by wish, the original cohort's grade; the number stays the same (NUM-4).
The record re-enters the register: the monthly report counts it as an increase (其他增加),
as it counted the going abroad as a decrease."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry
from xueji_cli.records.directory import students
from xueji_cli.records.enrollment.applicant import Collector
from xueji_cli.records.lifecycle.changes import (
    Changed,
    cap_checks,
    check_state,
    check_when,
    write,
)
from xueji_cli.rules import changes as rules
from xueji_cli.rules.suspension import autumns_between, target_grade
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import Refused


def return_from_abroad(session: Session, settings: Settings, key: str, effective: dt.date,
                       today: dt.date, operator: str, grade_choice: str | int | None = None,
                       class_no: int | None = None, evidence: list[str] | None = None,
                       cap_decision: str | None = None, remark: str | None = None) -> Changed:
    found = students.find(session, key)
    student = found.student
    problems = check_state(found, "return_from_abroad")
    if problems:  # only a record in 出国 comes back this way
        raise Refused(problems)
    c = Collector()
    evidence = c.convert("evidence", fields.evidence, evidence or [], [])
    cap_decision, remark = c.text("cap_decision", cap_decision), c.text("remark", remark)
    problems = c.problems + rules.check_return_evidence(evidence)
    problems += check_when(session, settings, found, effective, today)
    left_on = session.exec(select(JournalEntry.effective_date).where(
        JournalEntry.student_id == student.id, JournalEntry.kind == "abroad")
        .order_by(JournalEntry.effective_date.desc())).first() or effective
    turns = autumns_between(left_on, effective, settings.autumn_start)
    last = settings.grades[found.school.type][1]
    grade, wrong = target_grade(grade_choice, student.grade, turns, last)
    problems += wrong
    class_no = class_no or student.class_no
    if grade is not None:
        problems += cap_checks(session, settings, found, grade, class_no, cap_decision)
    cohort = student.grade + turns
    details = {"abroad_from": left_on.isoformat(), "grade_left": student.grade,
               "cohort_grade": cohort, "grade": grade, "class_no": class_no}
    where = f"回国复学,编入{grade}年级{class_no}班" + (
        f"(原年级同学现在{cohort}年级)" if grade is not None and cohort != grade else "")
    return write(session, found, "return_from_abroad", effective, operator,
                 {"status": "active", "grade": grade, "class_no": class_no}, problems,
                 reason=where, evidence=[codes.evidence_label(e) for e in evidence],
                 approvals=[{"for": "ENR-5", "decision": cap_decision}] if cap_decision else [],
                 details=details, remark=remark)
