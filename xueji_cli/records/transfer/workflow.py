"""A transfer case after its application (TRF-2, TRF-3, TRF-9, TRF-11, TRF-12, NUM-3):
approved step by step along its route (`approve`), then completed (`complete`: the record
left behind is cancelled, the arriving one is created — 在校, whatever state the record
left in (TRF-11) — both in one transaction when both schools are in this directory) or
withdrawn (`withdraw`). Every step is a journal entry with `case_ref` =
the case number, and the case's state (`CaseView`) is read from those entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, Person, School, Student, TransferCase
from xueji_cli.records.directory import students
from xueji_cli.records.enrollment.numbering import Sequencer, prefix_for
from xueji_cli.records.lifecycle.school_years import GRADE_YEAR
from xueji_cli.records.transfer.cases import (
    PLACES,
    CaseView,
    Incoming,
    arrival_places,
    get,
    school_label,
)
from xueji_cli.records.transfer.conditions import (
    ENDED_HERE,
    area_checks,
    arrival_checks,
    class_checks,
    leaving_checks,
    person_matches,
)
from xueji_cli.records.transfer.placement import Placement, place
from xueji_cli.rules import transfer as rules
from xueji_cli.rules.organisation import check_school_open
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.dates import now
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation, reported_once, split


def _require_open(view: CaseView) -> None:
    if not view.is_open:
        label = codes.label("transfer_status", view.status)
        raise Refused([Violation("TRF-2", "case", f"案件 {view.case.case_no} {label},不能再办理",
                                 "用 xueji transfer show 查看该案件")])


def record_approval(session: Session, view: CaseView, step: rules.Step, day: dt.date,
                    doc_no: str | None, approver: str | None, operator: str,
                    source: str | None = None) -> JournalEntry:
    case = view.case
    approval = {"level": step.level, "step": step.key, "label": step.label, "date": day.isoformat(),
                "doc_no": doc_no, "approver": approver}
    return journal.record(
        session, view.student, "transfer_approve", day, operator,
        school_id=case.from_school_id if case.direction != "in" else case.to_school_id,
        from_school=case.from_name, to_school=case.to_name, approvals=[approval],
        case_ref=case.case_no, details={"step": step.key, "route": case.route, "source": source},
        remark=f"{case.case_no} {step.label}" + (f" 文号 {doc_no}" if doc_no else "")
        + (f"({source})" if source else ""))


def approve(session: Session, ref: str, level: str, day: dt.date, today: dt.date,
            operator: str, doc_no: str | None = None, approver: str | None = None) -> CaseView:
    view = get(session, ref)
    _require_open(view)
    texts, refused = fields.checked_texts(doc_no=doc_no, approver=approver)
    step, problems = rules.next_step(view.case.route, view.done, level)
    problems += refused
    problems += rules.check_step_date(day, view.last_step_on, "审批")
    if day > today:
        problems.append(Violation("TRF-2", "date", f"审批日期 {day:%Y-%m-%d} 在今天之后",
                                  "按审批表上的日期登记"))
    if problems:
        raise Refused(problems)
    record_approval(session, view, step, day, texts["doc_no"], texts["approver"], operator)
    session.flush()
    return get(session, view.case.case_no)


@dataclass
class Completed:
    view: CaseView
    new_student: Student | None
    warnings: list[Violation]


def complete(session: Session, settings: Settings, ref: str, day: dt.date, today: dt.date,
             operator: str, class_no: int | None = None,
             cap_decision: str | None = None) -> Completed:
    """Cancel the record that leaves and/or create the one that arrives (NUM-3), in one
    transaction; refused without the route's approvals (TRF-2, TRF-9)."""
    view = get(session, ref)
    _require_open(view)
    case = view.case
    texts, problems = fields.checked_texts(cap_decision=cap_decision)
    cap_decision = texts["cap_decision"]
    problems += rules.check_approved(case.route, view.done)
    problems += rules.check_step_date(day, view.last_step_on, "办结")
    if day > today:
        problems.append(Violation("TRF-9", "date", f"日期 {day:%Y-%m-%d} 在今天之后", "按实际日期登记"))
    if view.student is not None:  # what held at application must still hold
        found = students.Found(view.student, view.person, session.get(School, view.student.school_id))
        problems += leaving_checks(session, settings, found, case.special_reason, day)
    target = session.get(School, case.to_school_id) if case.to_school_id else None
    if target is not None:  # closed (撤并) since the family applied
        problems += check_school_open(f"{target.code} {target.name}", target.closed_on, day)
    person = Incoming.from_json(case.incoming) if case.direction == "in" else None
    national = view.student.national_number if view.student else None
    # The grade travels unchanged (TRF-5): inside the directory it is the record's grade
    # now — a school year turned since the application has moved the child up (CHG-1);
    # so does a turn the receiving school has recorded since (placement.py).
    grade = view.student.grade if view.student is not None else case.grade
    placed = None
    places = arrival_places(view.person if person is None else None, view.places_shown)
    if target is not None:
        placed = place(session, settings, view, target, grade)
        problems += placed.said
        problems += area_checks(session, settings, target, places["hukou_region"],
                                places["residence_region"])
        problems += class_checks(session, settings, target, placed.grade, class_no or case.to_class,
                                 cap_decision, refuse=True)
        if view.approved_on is not None:
            problems += rules.check_admission(view.approved_on, day, settings.policy.admit_within_days)
    if person is not None:  # someone may have been enrolled meanwhile (NUM-7)
        more, national = arrival_checks(session, person)
        problems += [v for v in more if v.is_error]  # its warnings were shown at application
    errors, warnings = split(reported_once(problems))
    if errors:
        raise Refused(errors, warnings)
    left_as = view.student.status if view.student is not None else person.status
    if view.student is not None:
        _leave(session, view, day, operator)
    new = None
    if target is not None:
        new = _arrive(session, settings, view, target, placed, class_no or case.to_class, day,
                      operator, national, person, cap_decision, warnings,
                      {"from_status": left_as, "places": places})
    session.flush()
    return Completed(get(session, case.case_no), new, warnings)


def _leave(session: Session, view: CaseView, day: dt.date, operator: str) -> None:
    """The record left behind is cancelled (NUM-3). One that had already left the register
    (TRF-11: 出国, 退学, 开除) leaves by transfer_out_direct: no count changes for it."""
    case, student = view.case, view.student
    remark = f"{day:%Y-%m-%d} 转出至 {case.to_name}(案件 {case.case_no})"
    student.remark = f"{student.remark};{remark}" if student.remark else remark
    direct = student.status in rules.DIRECT
    journal.record(session, student, "transfer_out_direct" if direct else "transfer_out", day,
                   operator, sets={"status": "transferred_out"}, from_school=case.from_name,
                   to_school=case.to_name, reason=reason_text(case), case_ref=case.case_no,
                   evidence=[codes.evidence_label(k) for k in case.evidence],
                   details={"route": case.route, "direction": case.direction,
                            "to_region": case.to_region,
                            **({"from_status": student.status} if direct else {})},
                   remark=remark + (f"(原学籍状态「{codes.label('status', student.status)}」,TRF-11)"
                                    if direct else ""))


def _arrive(session: Session, settings: Settings, view: CaseView, school: School,
            placed: Placement, class_no: int, day: dt.date, operator: str,
            national: str | None, person: Incoming | None, cap_decision: str | None,
            warnings: list[Violation], came: dict) -> Student:
    """The arriving record, numbered at the end of its cohort's sequence (NUM-3), 在校
    whatever state the record left in (TRF-11: `came["from_status"]`); the person takes
    the household registration and home shown for this school (TRF-12: `came["places"]`),
    the old ones kept in the entry."""
    case = view.case
    if person is None:
        person_row = view.person
    else:
        person_row = _person_for(session, person)
    moved = {k: {"old": getattr(person_row, k), "new": came["places"][k]} for k in PLACES
             if came["places"][k] and getattr(person_row, k) != came["places"][k]}
    for key, change in moved.items():
        setattr(person_row, key, change["new"])
    grade, entry_year = placed.grade, placed.entry_year
    number = Sequencer(session).next(prefix_for(settings, school, entry_year))
    remark = f"{day:%Y-%m-%d} 自 {case.from_name} 转入(案件 {case.case_no})"
    student = Student(person_id=person_row.id, school_id=school.id, entry_year=entry_year,
                      grade=grade, class_no=class_no, enrolled_on=day, remark=remark,
                      created_at=now())
    approved_on = view.approved_on
    approvals = [{"for": "TRF-10", "decision": cap_decision}] if cap_decision else []
    journal.record(
        session, student, "transfer_in", day, operator,
        sets={"school_id": school.id, "kind": "regular", "local_number": number,
              "national_number": national, "entry_year": entry_year, "grade": grade,
              "class_no": class_no, "status": "active"},
        from_school=case.from_name, to_school=school_label(school), reason=reason_text(case),
        evidence=[codes.evidence_label(k) for k in case.evidence], approvals=approvals,
        case_ref=case.case_no,
        details={"route": case.route, "direction": case.direction,
                 "from_region": case.from_region, "approved_on": approved_on.isoformat(),
                 "admit_days": rules.admission_days(approved_on, day),
                 "admit_within_days": settings.policy.admit_within_days,
                 "late": rules.admission_days(approved_on, day) > settings.policy.admit_within_days,
                 GRADE_YEAR: placed.grade_year,
                 "origin_local_number": (view.student.local_number if view.student
                                         else (person.origin_local_number if person else None)),
                 **({"from_status": came["from_status"]} if came["from_status"] in rules.DIRECT
                    else {}), **({"places": moved} if moved else {})},
        remark="; ".join([remark] + [f"{w.rule} {w.message}" for w in warnings]))
    return student


def _person_for(session: Session, person: Incoming) -> Person:
    """The person arriving: the one this directory already knows (who once left), or new."""
    for student, known, _school in person_matches(session, person):
        if student.status in ENDED_HERE:
            return known
    row = Person(name=person.name, gender=person.gender, birth_date=person.birth,
                 id_type=person.id_type, id_number=person.id_number or None,
                 ethnicity=person.ethnicity, hukou_region=person.hukou_region,
                 guardian_name=person.guardian_name,
                 guardian_hukou_region=person.guardian_hukou_region,
                 guardian_phone=person.guardian_phone, residence_region=person.residence_region,
                 address=person.address, details={}, created_at=now())
    session.add(row)
    session.flush()
    return row


def withdraw(session: Session, ref: str, reason: str, day: dt.date, today: dt.date,
             operator: str) -> CaseView:
    view = get(session, ref)
    _require_open(view)
    texts, problems = fields.checked_texts(withdraw_reason=reason)
    reason = texts["withdraw_reason"]
    if not reason and not problems:  # empty, not refused
        problems.append(Violation("CHG-3", "withdraw_reason", "缺少撤回原因", "用 --reason 写明(如 家长放弃转学)"))
    problems += rules.check_step_date(day, view.last_step_on, "撤回")
    if day > today:
        problems.append(Violation("CHG-3", "date", f"日期 {day:%Y-%m-%d} 在今天之后", "按实际日期登记"))
    if problems:
        raise Refused(problems)
    case = view.case
    journal.record(session, view.student, "transfer_withdraw", day, operator,
                   school_id=case.from_school_id if case.direction != "in" else case.to_school_id,
                   from_school=case.from_name, to_school=case.to_name, reason=reason,
                   case_ref=case.case_no, details={"route": case.route},
                   remark=f"{case.case_no} 撤回转学申请")
    session.flush()
    return get(session, case.case_no)


def reason_text(case: TransferCase) -> str:
    text = codes.label("transfer_reason", case.reason)
    return f"{text}:{case.reason_detail}" if case.reason_detail else text
