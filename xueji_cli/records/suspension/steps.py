"""The steps of a suspension (休学 / 复学): start it (`suspend`, SUS-1, SUS-2, SUS-4, SUS-5,
SUS-6), renew it (`extend`, SUS-4) and end it (`resume`, SUS-2, SUS-3, SUS-7). Each step
is one journal entry of the case (records/suspension/cases.py), written only when every
check passes; every problem found is reported at once (Refused). The number never
changes (NUM-4, SUS-7): no entry here sets a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func
from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, School, Student
from xueji_cli.records.directory import students
from xueji_cli.records.suspension.cases import Case, cases_of, open_case
from xueji_cli.rules import suspension as rules
from xueji_cli.rules.dates import check_not_far_ahead
from xueji_cli.rules.enrollment import check_class_cap
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError, Refused
from xueji_cli.values.violation import Violation, reported_once, split

# On the register of their school (在籍): at school, suspended, or borrowing elsewhere.
ON_REGISTER = ("active", "suspended", "borrowed_out")
GRADE_WORDS = {"lower": "lower", "下一级": "lower", "到下一级": "lower",
               "same": "same", "原级": "same", "回原级": "same"}


# -- suspend ---------------------------------------------------------------------------------------

@dataclass
class Request:
    """What the registrar typed for a suspension, values already converted."""

    start: dt.date | None
    until: dt.date | None
    reason: str  # suspension_reason key
    evidence: list[str]  # evidence keys
    processed_on: dt.date
    hospital: str | None = None
    central_approval: str | None = None
    share_override: str | None = None
    school_order: str | None = None
    remark: str | None = None


@dataclass
class Outcome:
    found: students.Found
    case: Case | None
    warnings: list[Violation]
    written: bool
    details: dict = field(default_factory=dict)


def parse_reason(text: str) -> str:
    return codes.require("suspension_reason", text, "reason", "休学原因")


def parse_grade_choice(text: str | None) -> str | int | None:
    if text is None or not text.strip():
        return None
    word = text.strip()
    if word.lower() in GRADE_WORDS or word in GRADE_WORDS:
        return GRADE_WORDS.get(word.lower(), GRADE_WORDS.get(word))
    from xueji_cli.values import fields

    try:
        return fields.grade(word)
    except ValueError:
        raise InputError("grade", f"「{word}」不是复学年级的写法",
                         "写 lower(到下一级,即休学时所在年级,默认)、same(回原级,随原年级同学)"
                         "或年级数字") from None


def needs_central_approval(settings: Settings, school: School) -> bool:
    """SUS-1: 乡镇小学到中心校审批 — in a township directory, every school but the central
    one has its suspensions approved by the central school."""
    return settings.kind == "township" and not school.is_central


def _precondition(found: students.Found, step: str, rule: str) -> list[Violation]:
    student = found.student
    if student.kind != "regular":
        return [Violation("SUS-2", "key", f"{found.person.name}是临时借读学籍,不能在本校{step}",
                          "借读生的休学、复学由其原学校办理")]
    if step == "休学" and student.status == "suspended":
        return [Violation("SUS-4", "key", f"{found.person.name}已在休学中",
                          "延长休学用 xueji suspend extend;期满复学用 xueji resume")]
    if step != "休学" and student.status != "suspended":
        return [Violation(rule, "key", f"{found.person.name}不在休学中(学籍状态:"
                          f"{codes.label('status', student.status)}),不能{step}",
                          "用 xueji suspend list 查看休学学生")]
    if student.status == "borrowed_out":
        return [Violation("SUS-2", "key", f"{found.person.name}正在外出借读",
                          "先结束外出借读、回到本校,再办理休学")]
    if step == "休学" and student.status != "active":
        return [Violation("SUS-1", "key", f"{found.person.name}的学籍状态为"
                          f"{codes.label('status', student.status)},不能办理休学",
                          "只有在校学生可以休学")]
    return []


def _running(session: Session, key: str, step: str, rule: str) -> tuple[students.Found, Case]:
    """The suspended student a KEY names and the suspension running, or Refused."""
    found = students.find(session, key)
    blocked = _precondition(found, step, rule)
    case = None if blocked else open_case(session, found.student)
    if not blocked and case is None:
        blocked = [Violation(rule, "key", f"{found.person.name}的休学记录不全,无法办理{step}",
                             "用 xueji student show 查看学籍变动;用更正记录补齐")]
    if blocked:
        raise Refused(blocked)
    return found, case


def _check_dates(settings: Settings, day: dt.date, today: dt.date, field_: str, earliest: dt.date,
                 what: str, rule: str) -> list[Violation]:
    ahead = check_not_far_ahead(day, today, settings.policy.future_limit_days, field_, what,
                                "核对年份和月份")
    if ahead:
        return ahead
    if day < earliest:
        return [Violation(rule, field_, f"{what} {day} 早于该生学籍的上一次变动({earliest})",
                          "核对日期;补录纸质记录时按先后顺序录入")]
    return []


def _last_change(session: Session, student: Student) -> dt.date:
    return session.exec(select(func.max(JournalEntry.effective_date)).where(
        JournalEntry.student_id == student.id)).one() or student.enrolled_on


def grade_counts(session: Session, school_id: int, grade: int) -> tuple[int, int]:
    """(students of the grade on the register, of whom suspended) — SUS-5's numbers."""
    rows = session.exec(select(Student.status, func.count()).where(
        Student.school_id == school_id, Student.grade == grade, Student.kind == "regular",
        Student.status.in_(ON_REGISTER)).group_by(Student.status))
    counts = {status: count for status, count in rows}
    return sum(counts.values()), counts.get("suspended", 0)


def _next_case_ref(session: Session, school: School, year: int) -> str:
    prefix = f"SUS-{school.code}-{year}-"
    refs = session.exec(select(JournalEntry.case_ref).where(
        JournalEntry.kind == "suspend", JournalEntry.case_ref.startswith(prefix)))
    used = [int(ref.rsplit("-", 1)[1]) for ref in refs if ref and ref.rsplit("-", 1)[1].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:03d}"


def _remark(summary: str, remark: str | None, warnings: list[Violation]) -> str:
    parts = [summary, (remark or "").strip()] + [f"{w.rule} {w.message}" for w in warnings]
    return "; ".join(p for p in parts if p)


def _labels(keys: list[str]) -> list[str]:
    return [codes.evidence_label(key) for key in keys]


def suspend(session: Session, settings: Settings, key: str, request: Request, today: dt.date,
            operator: str, dry_run: bool = False) -> Outcome:
    """Suspend a student (SUS-1, SUS-2, SUS-4, SUS-5, SUS-6), or raise Refused with every
    problem found."""
    found = students.find(session, key)
    student, school, policy = found.student, found.school, settings.policy
    blocked = _precondition(found, "休学", "SUS-1")
    if blocked:
        raise Refused(blocked)
    texts, problems = fields.checked_texts(
        hospital=request.hospital, central_approval=request.central_approval,
        share_override=request.share_override, school_order=request.school_order,
        remark=request.remark)
    request = replace(request, **texts)
    start = request.start or request.processed_on
    until = request.until or rules.earliest_until(start, policy.suspension_min_years)
    problems += _check_dates(settings, start, today, "from", _last_change(session, student), "休学开始日", "SUS-2")
    if request.start:
        problems += check_not_far_ahead(request.processed_on, today, policy.future_limit_days,
                                        "date", "办理日期")
    previous = (cases_of(session, [student.id]).get(student.id) or [None])[-1]
    chain_start = start
    if previous is not None and previous.resumed_on is not None and previous.resumed_on >= start:
        chain_start = previous.chain_start  # back to suspension without a day at school
    problems += rules.check_period(start, until, policy.suspension_min_years)
    problems += rules.check_consecutive(chain_start, until, policy.suspension_max_years)
    problems += rules.check_suspension_evidence(request.reason, request.evidence, request.hospital,
                                                request.remark)
    problems += rules.check_school_order(request.reason, request.school_order)
    problems += rules.check_central_approval(needs_central_approval(settings, school),
                                             request.central_approval, "休学")
    total, already = grade_counts(session, school.id, student.grade)
    problems += rules.check_share(already, total, policy.suspension_max_share, request.share_override,
                                  f"{school.name}{student.grade}年级",
                                  ordered_by_school=request.reason == "infectious")
    errors, warnings = split(reported_once(problems))
    if errors:
        raise Refused(errors, warnings)
    share = {"grade_total": total, "suspended_before": already,
             "max_share": policy.suspension_max_share}
    if dry_run:
        return Outcome(found, None, warnings, False, {"from": start, "until": until, "share": share})
    case_ref = _next_case_ref(session, school, request.processed_on.year)
    approvals = []
    if request.central_approval:
        approvals.append({"for": "SUS-1", "by": "中心校", "decision": request.central_approval.strip()})
    if request.school_order:
        approvals.append({"for": "SUS-6", "by": school.name, "decision": request.school_order.strip()})
    if request.share_override:
        approvals.append({"for": "SUS-5", "override": request.share_override.strip()})
    details = {"from": start.isoformat(), "until": until.isoformat(),
               "chain_start": chain_start.isoformat(), "reason": request.reason,
               "grade": student.grade, "class_no": student.class_no,
               "processed_on": request.processed_on.isoformat(), "hospital": request.hospital,
               "hospital_level": rules.hospital_level(request.hospital, policy.county_hospitals),
               "remark": request.remark, "share": share}
    journal.record(
        session, student, "suspend", start, operator, sets={"status": "suspended"},
        reason=codes.label("suspension_reason", request.reason), evidence=_labels(request.evidence),
        approvals=approvals, details=details, case_ref=case_ref,
        remark=_remark(f"休学 {start} 至 {until}", request.remark, warnings))
    session.flush()
    return Outcome(found, open_case(session, student), warnings, True)


# -- extend ----------------------------------------------------------------------------------------

def extend(session: Session, settings: Settings, key: str, until: dt.date, evidence: list[str],
           processed_on: dt.date, today: dt.date, operator: str,
           central_approval: str | None = None, remark: str | None = None,
           dry_run: bool = False) -> Outcome:
    """Renew a running suspension (SUS-4): never past `suspension_max_years` consecutive
    years; warned when not applied for within the half month before the end."""
    found, case = _running(session, key, "续办休学", "SUS-4")
    student, policy = found.student, settings.policy
    texts, problems = fields.checked_texts(central_approval=central_approval, remark=remark)
    central_approval, remark = texts["central_approval"], texts["remark"]
    problems += _check_dates(settings, processed_on, today, "date", case.start, "续办日期", "SUS-4")
    problems += rules.check_extension(case.until, until)
    problems += rules.check_consecutive(case.chain_start, until, policy.suspension_max_years)
    problems += rules.check_extension_evidence(case.reason, evidence)
    problems += rules.check_central_approval(needs_central_approval(settings, found.school),
                                             central_approval, "续办休学")
    if not case.period_known:  # taken over: its end is not known, nothing to be late for
        problems += rules.check_taken_over_renewal(case.start, policy.suspension_max_years)
    else:
        problems += rules.check_renewal_timing(processed_on, case.until,
                                               policy.suspension_renew_notice_days)
    errors, warnings = split(reported_once(problems))
    if errors:
        raise Refused(errors, warnings)
    if dry_run:
        return Outcome(found, case, warnings, False, {"until": until})
    approvals = [{"for": "SUS-1", "by": "中心校", "decision": central_approval.strip(),
                  "step": "续办"}] if central_approval else []
    details = {"from": case.start.isoformat(), "previous_until": case.until.isoformat(),
               "until": until.isoformat(), "chain_start": case.chain_start.isoformat(),
               "remark": remark}
    journal.record(
        session, student, "suspend_extend", processed_on, operator, sets={},
        reason=case.reason_label, evidence=_labels(evidence), approvals=approvals,
        details=details, case_ref=case.case_ref,
        remark=_remark(f"续办休学至 {until}(原期满日 {case.until})", remark, warnings))
    session.flush()
    return Outcome(found, open_case(session, student), warnings, True)


# -- resume ----------------------------------------------------------------------------------------

@dataclass
class Resumption:
    on: dt.date
    evidence: list[str]
    grade: str | int | None = None  # "lower" | "same" | a grade number | None (default)
    class_no: int | None = None
    hospital: str | None = None
    approval: str | None = None
    cap_decision: str | None = None
    remark: str | None = None


def resume(session: Session, settings: Settings, key: str, request: Resumption, today: dt.date,
           operator: str, dry_run: bool = False) -> Outcome:
    """Return a suspended student to school (SUS-2, SUS-3, SUS-7): into the grade left
    (default) or with the original cohort; the number stays the same."""
    found, case = _running(session, key, "复学", "SUS-3")
    student, school, policy = found.student, found.school, settings.policy
    texts, problems = fields.checked_texts(hospital=request.hospital, approval=request.approval,
                                           cap_decision=request.cap_decision, remark=request.remark)
    request = replace(request, **texts)
    on = request.on
    problems += _check_dates(settings, on, today, "date", _last_change(session, student), "复学日期", "SUS-2")
    problems += _return_checks(case, request, policy)
    turns = rules.autumns_between(case.start, on, settings.autumn_start)
    last = settings.grades[school.type][1]
    left = case.grade or student.grade
    grade, wrong = rules.target_grade(request.grade, left, turns, last)
    problems += wrong
    class_no = request.class_no or case.class_no or student.class_no
    if grade is not None:
        in_class = session.exec(select(func.count()).select_from(Student).where(
            Student.school_id == school.id, Student.grade == grade, Student.class_no == class_no,
            Student.status == "active")).one()
        problems += check_class_cap(in_class, 1, settings.class_cap[school.type], request.cap_decision,
                                    f"{school.name}{grade}年级{class_no}班")
    errors, warnings = split(reported_once(problems))
    if errors:
        raise Refused(errors, warnings)
    cohort = left + turns
    details = {"from": case.start.isoformat(), "until": case.until.isoformat(),
               "taken_over": case.taken_over, "grade_left": left, "cohort_grade": cohort, "grade": grade,
               "class_no": class_no, "early": on < case.until, "hospital": request.hospital,
               "hospital_level": rules.hospital_level(request.hospital, policy.county_hospitals),
               "remark": request.remark}
    if dry_run:
        return Outcome(found, case, warnings, False, details)
    approvals = []
    if request.approval:
        approvals.append({"for": "SUS-2", "decision": request.approval.strip()})
    if request.cap_decision:
        approvals.append({"for": "ENR-5", "decision": request.cap_decision.strip()})
    where = f"编入{grade}年级{class_no}班" + (
        f"(原年级同学现在{cohort}年级)" if cohort != grade else "")
    journal.record(
        session, student, "resume", on, operator,
        sets={"status": "active", "grade": grade, "class_no": class_no},
        reason="经批准提前复学" if on < case.until else "休学期满复学",
        evidence=_labels(request.evidence), approvals=approvals, details=details,
        case_ref=case.case_ref, remark=_remark(f"复学{where},学籍号不变", request.remark, warnings))
    session.flush()
    resumed = cases_of(session, [student.id])[student.id][-1]
    return Outcome(found, resumed, warnings, True, details)


def _return_checks(case: Case, request: Resumption, policy) -> list[Violation]:
    """SUS-2 and SUS-3 for the return: the period and the recovery certificate as the
    case holds them; for a suspension taken over with the register, on the original
    休学证明 (rules.check_taken_over_return)."""
    if not case.period_known:
        return rules.check_taken_over_return(case.start, request.evidence) + rules.check_hospital(
            request.hospital, "SUS-3", False, "康复证明")
    return (rules.check_return(request.on, case.start, case.until, policy.suspension_early_return,
                               request.approval, policy.suspension_renew_notice_days)
            + rules.check_recovery(case.reason, request.evidence)
            + rules.check_hospital(request.hospital, "SUS-3",
                                   bool(rules.REQUIRED_TO_RESUME[case.reason]), "康复证明"))


