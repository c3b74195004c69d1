"""Disciplinary sanctions (纪律处分), recorded minimally for TRF-7: a sanction is two
journal entries of one case — `sanction` when it is given, `sanction_revoke` when it is
lifted — with `case_ref` = its number (CF2026-0001). A sanction without its revocation is
in force. Neither entry changes the record's status (group "case")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.records.directory import students
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError, Refused
from xueji_cli.values.violation import Violation

PREFIX = "CF"
ON_REGISTER = ("active", "suspended", "borrowed_out")


@dataclass
class Sanction:
    case_ref: str
    student_id: int
    kind: str
    given_on: dt.date
    reason: str | None
    doc_no: str | None
    revoked_on: dt.date | None = None
    revoke_reason: str | None = None

    @property
    def label(self) -> str:
        return f"{codes.label('sanction_kind', self.kind)}({self.case_ref},{self.given_on:%Y-%m-%d})"

    @property
    def in_force(self) -> bool:
        return self.revoked_on is None


def parse_kind(text: str) -> str:
    return codes.require("sanction_kind", text, "sanction_kind", "处分")


def sanctions_of(session: Session, student_ids: list[int] | None = None) -> list[Sanction]:
    """Every sanction (of these records), in force or not, oldest first."""
    query = select(JournalEntry).where(JournalEntry.kind.in_(("sanction", "sanction_revoke")))
    if student_ids is not None:
        query = query.where(JournalEntry.student_id.in_(student_ids))
    found: dict[str, Sanction] = {}
    for entry in session.exec(query.order_by(JournalEntry.effective_date, JournalEntry.id)):
        if entry.kind == "sanction":
            found[entry.case_ref] = Sanction(
                entry.case_ref, entry.student_id, entry.details.get("kind", ""),
                entry.effective_date, entry.reason, entry.details.get("doc_no"))
        elif entry.case_ref in found:
            found[entry.case_ref].revoked_on = entry.effective_date
            found[entry.case_ref].revoke_reason = entry.reason
    return list(found.values())


def in_force(session: Session, student_ids: list[int], on: dt.date | None = None) -> list[Sanction]:
    """Sanctions in force (on a day, when given: given by then and not yet revoked)."""
    return [s for s in sanctions_of(session, student_ids)
            if (on is None and s.in_force)
            or (on is not None and s.given_on <= on and (s.revoked_on is None or s.revoked_on > on))]


def _next_ref(session: Session, year: int) -> str:
    prefix = f"{PREFIX}{year}-"
    refs = session.exec(select(JournalEntry.case_ref).where(
        JournalEntry.kind == "sanction", JournalEntry.case_ref.like(prefix + "%")))
    used = [int(r[len(prefix):]) for r in refs if r and r[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def _check_date(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise InputError("date", f"日期 {day:%Y-%m-%d} 在今天({today:%Y-%m-%d})之后",
                         "处分按实际决定日期登记")


def add(session: Session, key: str, kind: str, reason: str, doc_no: str | None, day: dt.date,
        today: dt.date, operator: str) -> tuple[Sanction, students.Found]:
    found = students.find(session, key)
    _check_date(day, today)
    texts, problems = fields.checked_texts(sanction_reason=reason, doc_no=doc_no)
    reason, doc_no = texts["sanction_reason"], texts["doc_no"]
    if found.student.status not in ON_REGISTER:
        problems.append(Violation("CHG-3", "status",
                                  f"该学籍状态为「{codes.label('status', found.student.status)}」,不在本校在籍",
                                  "只能给在籍学生登记处分"))
    if not reason and not any(v.field == "sanction_reason" for v in problems):  # empty, not refused
        problems.append(Violation("CHG-3", "sanction_reason", "缺少处分事由", "用 --reason 写明事由"))
    if day < found.student.enrolled_on:
        problems.append(Violation("CHG-3", "date", f"处分日期早于入学日期 {found.student.enrolled_on}",
                                  "核对 --date"))
    if problems:
        raise Refused(problems)
    ref = _next_ref(session, day.year)
    journal.record(session, found.student, "sanction", day, operator, reason=reason,
                   case_ref=ref, details={"kind": kind, "doc_no": doc_no},
                   remark=f"{ref} {codes.label('sanction_kind', kind)}" + (f"(文号 {doc_no})" if doc_no else ""))
    return Sanction(ref, found.student.id, kind, day, reason, doc_no), found


def revoke(session: Session, key: str, ref: str | None, reason: str, day: dt.date, today: dt.date,
           operator: str) -> tuple[Sanction, students.Found]:
    found = students.find(session, key)
    _check_date(day, today)
    ids = [f.student.id for f in students.records_for(session, found.person.id_number or key)]
    current = [s for s in sanctions_of(session, ids) if s.in_force]
    if ref:
        ref = ref.strip().upper()
        current = [s for s in current if s.case_ref == ref]
        if not current:
            raise Refused([Violation("CHG-3", "case", f"该生没有生效中的处分 {ref}",
                                     "用 xueji sanction list 查看处分编号")])
    if not current:
        raise Refused([Violation("CHG-3", "case", "该生没有生效中的处分",
                                  "核对学生;用 xueji sanction list 查看生效中的处分")])
    if len(current) > 1:
        raise Refused([Violation("CHG-3", "case",
                                 f"该生有{len(current)}项生效中的处分:{'、'.join(s.label for s in current)}",
                                 "用 --case 指明撤销哪一项")])
    sanction = current[0]
    texts, problems = fields.checked_texts(sanction_reason=reason)
    reason = texts["sanction_reason"]
    if not reason and not problems:  # empty, not refused
        problems.append(Violation("CHG-3", "sanction_reason", "缺少撤销理由", "用 --reason 写明"))
    if day < sanction.given_on:
        problems.append(Violation("CHG-3", "date",
                                  f"撤销日期早于处分日期 {sanction.given_on:%Y-%m-%d}", "核对 --date"))
    if problems:
        raise Refused(problems)
    student = session.get(Student, sanction.student_id)
    journal.record(session, student, "sanction_revoke", day, operator, reason=reason,
                   case_ref=sanction.case_ref, details={"kind": sanction.kind},
                   remark=f"{sanction.case_ref} 撤销{codes.label('sanction_kind', sanction.kind)}")
    sanction.revoked_on, sanction.revoke_reason = day, reason
    return sanction, found


def listing(session: Session, include_revoked: bool = False) -> list[tuple[Sanction, Student, Person, School]]:
    rows = []
    for sanction in sanctions_of(session):
        if sanction.in_force or include_revoked:
            student = session.get(Student, sanction.student_id)
            rows.append((sanction, student, session.get(Person, student.person_id),
                         session.get(School, student.school_id)))
    return rows
