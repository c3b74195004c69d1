"""Transfers (转学, TRF-1…TRF-10, NUM-3) as cases.

A case is applied for (`apply_out` for a student of this directory, `apply_in` for one
arriving from outside it), approved step by step along its route (`approve`), and then
completed (`complete`: the record left behind is cancelled, the arriving one is created,
both in one transaction when both schools are in this directory) or withdrawn
(`withdraw`). The `transfer_case` row is written once; every step is a journal entry with
`case_ref` = the case number, and the case's state (`CaseView`) is read from those entries.

Every check is run and every problem reported at once (Refused); nothing is written
unless all pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.values import codes
from xueji_cli.ledger import journal
from xueji_cli.records.transfer import sanctions
from xueji_cli.records.directory import schools, students
from xueji_cli.values.dates import now
from xueji_cli.records.enrollment.admission import entry_year_for
from xueji_cli.values.errors import Refused
from xueji_cli.ledger.models import JournalEntry, Person, School, Student, TransferCase
from xueji_cli.records.enrollment.numbering import Sequencer, prefix_for
from xueji_cli.store.settings import Settings
from xueji_cli.values.violation import Violation, split, warning
from xueji_cli.rules import identity
from xueji_cli.rules import transfer as rules
from xueji_cli.records.transfer.cases import (CASE_PREFIX, CaseView, Certified, Incoming,
                                              cases_of, get, region_or_violation, school_label,
                                              views)



# -- applying ---------------------------------------------------------------------------------

@dataclass
class Application:
    """What the family asks for, as typed."""

    reason: str | None
    reason_detail: str | None
    evidence: list[str]
    special_reason: str | None = None
    to_class: int | None = None
    problems: list[Violation] = field(default_factory=list)  # values that could not be read


@dataclass
class Applied:
    view: CaseView | None  # None on a dry run
    warnings: list[Violation]
    route: str
    direction: str


def _next_case_no(session: Session, year: int) -> str:
    prefix = f"{CASE_PREFIX}{year}-"
    used = [int(n[len(prefix):]) for n in session.exec(
        select(TransferCase.case_no).where(TransferCase.case_no.like(prefix + "%")))
        if n[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def _common_checks(settings: Settings, app: Application, day: dt.date, today: dt.date,
                   incoming: bool, window_day: dt.date | None = None) -> list[Violation]:
    found: list[Violation] = list(app.problems)
    if day > today:
        found.append(Violation("TRF-4", "date", f"申请日期 {day:%Y-%m-%d} 在今天({today:%Y-%m-%d})之后",
                               "按家长提出申请的实际日期填写 --date"))
    found += rules.check_reason(app.reason, app.reason_detail, codes.table("transfer_reason"))
    required = {k: codes.evidence_label(k) for k in ("hukou", "property")}
    if incoming:  # TRF-8: the receiving school sees the origin's transfer certificate
        required["transfer_certificate"] = codes.evidence_label("transfer_certificate")
    found += rules.check_evidence(app.evidence, required)
    found += rules.check_job_evidence(app.reason, app.evidence, codes.evidence_label("job_transfer"))
    window_day = window_day or day
    semester = settings.semester_of(window_day)
    found += rules.check_window(window_day, semester.name, semester.start,
                                settings.policy.transfer_window_days, app.reason)
    return found


def _class_checks(session: Session, settings: Settings, school: School, grade: int,
                  class_no: int | None, decision: str | None, refuse: bool) -> list[Violation]:
    first, last = settings.grades[school.type]
    found = rules.check_grade_exists(grade, first, last, school_label(school))
    if class_no is None:
        return found + [Violation("TRF-10", "class", f"未指定转入 {school_label(school)} 的班级",
                                  "用 --class 填写转入班级(班号)")]
    if found:
        return found
    in_class = len(session.exec(select(Student.id).where(
        Student.school_id == school.id, Student.grade == grade, Student.class_no == class_no,
        Student.status == "active")).all())
    cap = rules.check_class_cap(in_class, settings.class_cap[school.type], decision,
                                f"{school_label(school)} {grade}年级{class_no}班")
    # At application a full class is a warning (places may free up); at admission it refuses.
    return cap if refuse else [warning(v.rule, v.field, v.message, v.hint) if v.is_error else v
                               for v in cap]


def _open_case_for(session: Session, student_ids: list[int]) -> list[Violation]:
    open_ = [v for v in cases_of(session, student_ids) if v.is_open] if student_ids else []
    return [Violation("TRF-9", "case", f"该生已有未办结的转学案件 {v.case.case_no}(申请于 {v.case.applied_on})",
                      f"继续办理该案件,或先撤回:xueji transfer cancel {v.case.case_no} --reason …")
            for v in open_]


def _leaving_checks(session: Session, settings: Settings, found: students.Found,
                    special_reason: str | None, day: dt.date) -> list[Violation]:
    """What a record of this directory must meet to leave (TRF-6, TRF-7, status)."""
    student, school = found.student, found.school
    problems = []
    if student.kind != "regular":
        problems.append(Violation("BOR-5", "kind", "这是临时借读学籍,学籍在原学校",
                                  "借读生转学由其原学校办理;结束借读用 xueji borrow"))
    problems += rules.check_status(student.status, codes.label("status", student.status))
    problems += rules.check_graduating(student.grade, settings.grades[school.type][1], special_reason)
    problems += rules.check_sanctions([s.label for s in sanctions.in_force(session, [student.id], day)])
    if day < student.enrolled_on:
        problems.append(Violation("TRF-9", "date", f"日期 {day:%Y-%m-%d} 早于该学籍的入学日期 {student.enrolled_on}",
                                  "核对 --date"))
    return problems


def apply_out(session: Session, settings: Settings, key: str, app: Application, day: dt.date,
              today: dt.date, operator: str, *, to_code: str | None = None,
              to_name: str | None = None, to_region: str | None = None,
              dry_run: bool = False) -> Applied:
    """A student of this directory asks to leave: to another school of this directory
    (`to_code`) or to a school elsewhere (`to_name` + `to_region`)."""
    found = students.find(session, key)
    origin = found.school
    problems = _leaving_checks(session, settings, found, app.special_reason, day)
    problems += _open_case_for(session, [found.student.id])
    problems += _common_checks(settings, app, day, today, incoming=False)
    origin_region, bad = region_or_violation(session, origin, "school")
    problems += bad
    target: School | None = None
    if to_code:
        target = schools.get(session, to_code)
        if target.id == origin.id:
            problems.append(Violation("TRF-2", "to_code", f"该生已在 {school_label(origin)}",
                                      "同校换班不是转学;转班另行办理"))
        to_name = school_label(target)
        to_region, bad = region_or_violation(session, target, "to_code")
        problems += bad
        problems += _class_checks(session, settings, target, found.student.grade, app.to_class,
                                  None, refuse=False)
    else:
        to_name = (to_name or "").strip()
        if not to_name:
            problems.append(Violation("TRF-2", "to_school", "缺少转入学校",
                                      "本目录内的学校用 --to 学校代码;外校用 --to-school 名称 --to-region 区划代码"))
        mine = session.exec(select(School).where(School.name == to_name)).first()
        if mine is not None:
            problems.append(Violation("TRF-2", "to_school", f"「{to_name}」是本目录的学校",
                                      f"用 --to {mine.code} 办理,两端一并登记"))
        problems += rules.check_region(to_region or "", "to_region", "转入学校所在地")
    if any(v.is_error and v.field in ("school", "to_code", "to_region") for v in problems) \
            or origin_region is None or not to_region:
        raise Refused(*split(problems))
    route = rules.classify_route(origin_region, to_region, incoming=False)
    direction = "internal" if target is not None else "out"
    errors, warnings = split(problems)
    if errors:
        raise Refused(errors, warnings)
    if dry_run:
        return Applied(None, warnings, route, direction)
    case = TransferCase(
        case_no=_next_case_no(session, day.year), direction=direction, route=route,
        student_id=found.student.id, grade=found.student.grade, from_school_id=origin.id,
        from_name=school_label(origin), from_region=origin_region,
        to_school_id=target.id if target else None, to_name=to_name, to_region=to_region,
        to_class=app.to_class if target else None, reason=app.reason,
        reason_detail=app.reason_detail, evidence=app.evidence,
        special_reason=app.special_reason, applied_on=day, created_at=now())
    session.add(case)
    session.flush()
    _record_apply(session, case, found.student, operator, warnings)
    return Applied(views(session, [case])[0], warnings, route, direction)


def _record_apply(session: Session, case: TransferCase, student: Student | None, operator: str,
                  warnings: list[Violation], extra: dict | None = None) -> None:
    journal.record(
        session, student, "transfer_apply", case.applied_on, operator,
        school_id=case.from_school_id if case.direction != "in" else case.to_school_id,
        from_school=case.from_name, to_school=case.to_name, reason=_reason_text(case),
        evidence=[codes.evidence_label(k) for k in case.evidence], case_ref=case.case_no,
        details={"direction": case.direction, "route": case.route, "grade": case.grade,
                 "special_reason": case.special_reason, **(extra or {})},
        remark="; ".join([f"{case.case_no} " + (f"申请自 {case.from_name} 转入 {case.to_name}"
                                                if case.direction == "in" else f"申请转往 {case.to_name}")]
                         + [f"{w.rule} {w.message}" for w in warnings]))


def _reason_text(case: TransferCase) -> str:
    text = codes.label("transfer_reason", case.reason)
    return f"{text}:{case.reason_detail}" if case.reason_detail else text


# Records that no longer hold the child here: one who once left (NUM-3) or whose loan here
# has ended (BOR-5; `borrow end --transfer` hands over to the transfer) may arrive again,
# as the same person.
ENDED_HERE = ("transferred_out", "borrow_ended")


def _person_matches(session: Session, person: Incoming) -> list[tuple[Student, Person, School]]:
    query = (select(Student, Person, School).join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id))
    if person.id_number:
        where = Person.id_number == person.id_number
    elif person.national_number:
        where = Student.national_number == person.national_number
    else:
        where = (Person.name == person.name) & (Person.birth_date == person.birth)
    return list(session.exec(query.where(where)))


def _arrival_checks(session: Session, person: Incoming) -> tuple[list[Violation], str | None]:
    """Who may arrive (ENR-7, NUM-5, NUM-6, NUM-7, SUS-2), and the national number."""
    problems = list(person.problems)
    for what, label, value in (("name", "姓名", person.name), ("gender", "性别", person.gender),
                               ("birth", "出生日期", person.birth)):
        if not value and what not in {v.field for v in person.problems}:
            problems.append(identity.missing("ENR-7", what, label, f"照转学证明填写{label}",
                                             person.id_type, person.id_number))
    unreadable = {v.field for v in person.problems}  # said once, as unreadable
    problems += [v for v in identity.check_resident_id(
        person.id_type, person.id_number, person.birth, person.gender,
        "照转学证明填写18位公民身份号码;确无身份证号的,用 --id-type 注明证件类型"
        "并用 --national-number 填写全国学籍号") if v.field not in unreadable]
    national, more = identity.national_number_for(person.id_type, person.id_number,
                                                  person.national_number)
    problems += more
    if person.status == "suspended":
        problems.append(Violation("SUS-2", "status", "转学证明上该生的学籍状态为休学,休学期间不得转学就读",
                                  "待该生在原学校复学后再办理转入"))
    elif person.status not in ("active", "transferred_out"):
        problems.append(Violation("TRF-9", "status",
                                  f"转学证明上该生的学籍状态为「{codes.label('status', person.status)}」",
                                  "只有在校生可以转学;请原学校核实"))
    if person.name and person.birth:
        for student, other, where in _person_matches(session, person):
            if student.status in ENDED_HERE:
                if other.name != person.name:
                    problems.append(warning("NUM-5", "name", f"该生曾在本目录就读,原登记姓名为「{other.name}」",
                                            "姓名以原学籍为准;更名须另行办理更正"))
                continue
            if student.kind == "borrowing" and student.status == "active":
                problems.append(_still_borrowing(session, student, where))
                continue
            problems += identity.check_one_record([{
                "by": "id_number" if person.id_number else "name",
                "by_label": "身份证号" if person.id_number else "姓名和出生日期",
                "school": school_label(where), "local_number": student.local_number,
                "status": student.status, "status_label": codes.label("status", student.status),
                "name": other.name}])
    return problems, national


def _still_borrowing(session: Session, student: Student, where: School) -> Violation:
    """NUM-7 for a child studying here on loan: the loan ends first (`borrow end
    --transfer`), then the transfer creates the regular record (BOR-5, TRF-9)."""
    case_ref = session.exec(select(JournalEntry.case_ref).where(
        JournalEntry.student_id == student.id, JournalEntry.kind == "borrow_in")
        .order_by(JournalEntry.id.desc())).first() or ""
    return Violation(
        "NUM-7", "id_number",
        f"该生正在 {school_label(where)} 借读(临时借读学籍 {case_ref}),借读期间不能再建正式学籍",
        f"借读转为正式转学:先用 xueji borrow end {case_ref or '借读登记号'} --transfer 结束借读,再办理转入")


def apply_in(session: Session, settings: Settings, person: Incoming, school_code: str,
             app: Application, day: dt.date, today: dt.date, operator: str, *,
             grade: int | None = None, certified: Certified | None = None,
             dry_run: bool = False) -> Applied:
    """A student arrives from a school outside this directory."""
    certified = certified or Certified()
    school = schools.get(session, school_code)
    problems: list[Violation] = list(certified.warnings)
    target = person.grade if person.grade is not None else grade
    if person.grade is not None and grade is not None:
        problems += rules.check_grade_unchanged(person.grade, grade)
    if target is None:
        problems.append(Violation("TRF-5", "grade", "缺少年级", "用 --grade 填写该生在原学校的年级"))
    more, _national = _arrival_checks(session, person)
    problems += more
    if target is not None:
        problems += _class_checks(session, settings, school, target, app.to_class, None, refuse=False)
        if not any(v.rule == "TRF-5" and v.is_error for v in problems):
            problems += rules.check_graduating(target, settings.grades[school.type][1],
                                               app.special_reason)
    problems += _common_checks(settings, app, day, today, incoming=True,
                               window_day=certified.applied_on)
    if certified.applied_on and certified.applied_on > day:
        problems.append(Violation("TRF-2", "date", f"转入申请日期早于转学证明上的申请日期 {certified.applied_on}",
                                  "核对 --date"))
    region, bad = region_or_violation(session, school, "school")
    problems += bad
    problems += rules.check_region(person.from_region, "from_region", "原学校所在地")
    if person.id_number:
        problems += _open_incoming(session, person.id_number)
    if region and not rules.check_region(person.from_region, "from_region", ""):
        if certified.to_region and certified.to_region[:9] != region[:9]:
            problems.append(Violation(
                "TRF-8", "to_school",
                f"转学证明写明转入「{certified.to_name}」(区划 {certified.to_region}),不是 {school_label(school)} 所在乡镇",
                "请原学校按实际转入学校重开转学证明"))
        mine = session.exec(select(School).where(School.name == person.from_name)).first()
        if mine is not None and person.from_region[:9] == region[:9]:
            problems.append(Violation("TRF-2", "from_school", f"「{person.from_name}」是本目录的学校",
                                      f"本目录内转学用 xueji transfer out KEY --to {school.code}"))
    errors, warnings = split(problems)
    if errors:
        raise Refused(errors, warnings)
    route = rules.classify_route(person.from_region, region, incoming=True)
    if certified.route and rules.OTHER_SIDE.get(certified.route, certified.route) != route:
        warnings.append(warning(
            "TRF-2", "route", f"转学证明上的线路为「{certified.route}」,按两校所在地区划判定为"
            f"「{rules.route_label(route)}」", "以本目录判定的线路办理审批;请与原学校核对转入学校所在地"))
    if dry_run:
        return Applied(None, warnings, route, "in")
    case = TransferCase(
        case_no=_next_case_no(session, day.year), direction="in", route=route, student_id=None,
        grade=target, from_name=person.from_name, from_region=person.from_region,
        to_school_id=school.id, to_name=school_label(school), to_region=region,
        to_class=app.to_class, reason=app.reason, reason_detail=app.reason_detail,
        evidence=app.evidence, special_reason=app.special_reason, applied_on=day,
        incoming=person.as_json(), origin_case_no=certified.origin_case_no, created_at=now())
    session.add(case)
    session.flush()
    _record_apply(session, case, None, operator, warnings,
                  {"certificate_approvals": [{**a, "date": a["date"].isoformat()}
                                             for a in certified.approvals]})
    done: list[str] = []
    for item in certified.approvals:  # the origin's steps of our route, as the certificate shows
        step, _ = rules.next_step(route, done, item["level"])
        if step is None or step.key != item["step"]:
            continue  # the other side's own (its bureau, across the county line): kept above
        _record_approval(session, views(session, [case])[0], step, item["date"],
                         item.get("doc_no"), item.get("approver"), operator,
                         source=f"据转学证明 {certified.origin_case_no or ''}".strip())
        done.append(step.key)
    return Applied(views(session, [case])[0], warnings, route, "in")


def _open_incoming(session: Session, id_number: str) -> list[Violation]:
    problems = []
    for view in views(session, list(session.exec(select(TransferCase).where(
            TransferCase.direction == "in")))):
        if view.is_open and view.case.incoming.get("id_number") == id_number:
            problems.append(Violation(
                "TRF-9", "case", f"该生已有未办结的转入案件 {view.case.case_no}",
                f"继续办理该案件,或先撤回:xueji transfer cancel {view.case.case_no} --reason …"))
    return problems


# -- approving, completing, withdrawing --------------------------------------------------------

def _require_open(view: CaseView) -> None:
    if not view.is_open:
        label = codes.label("transfer_status", view.status)
        raise Refused([Violation("TRF-2", "case", f"案件 {view.case.case_no} {label},不能再办理",
                                 "用 xueji transfer show 查看该案件")])


def _record_approval(session: Session, view: CaseView, step: rules.Step, day: dt.date,
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
    step, problems = rules.next_step(view.case.route, view.done, level)
    problems += rules.check_step_date(day, view.last_step_on, "审批")
    if day > today:
        problems.append(Violation("TRF-2", "date", f"审批日期 {day:%Y-%m-%d} 在今天之后",
                                  "按审批表上的日期登记"))
    if problems:
        raise Refused(problems)
    _record_approval(session, view, step, day, doc_no, approver, operator)
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
    problems = rules.check_approved(case.route, view.done)
    problems += rules.check_step_date(day, view.last_step_on, "办结")
    if day > today:
        problems.append(Violation("TRF-9", "date", f"日期 {day:%Y-%m-%d} 在今天之后", "按实际日期登记"))
    if view.student is not None:  # what held at application must still hold
        found = students.Found(view.student, view.person, session.get(School, view.student.school_id))
        problems += _leaving_checks(session, settings, found, case.special_reason, day)
    target = session.get(School, case.to_school_id) if case.to_school_id else None
    person = Incoming.from_json(case.incoming) if case.direction == "in" else None
    national = view.student.national_number if view.student else None
    # The grade travels unchanged (TRF-5): inside the directory it is the record's grade
    # now — a school year turned since the application has moved the child up (CHG-1).
    grade = view.student.grade if view.student is not None else case.grade
    if target is not None:
        problems += _class_checks(session, settings, target, grade, class_no or case.to_class,
                                  cap_decision, refuse=True)
        if view.approved_on is not None:
            problems += rules.check_admission(view.approved_on, day, settings.policy.admit_within_days)
    if person is not None:  # someone may have been enrolled meanwhile (NUM-7)
        more, national = _arrival_checks(session, person)
        problems += [v for v in more if v.is_error]  # its warnings were shown at application
    errors, warnings = split(problems)
    if errors:
        raise Refused(errors, warnings)
    if view.student is not None:
        _leave(session, view, day, operator)
    new = None
    if target is not None:
        new = _arrive(session, settings, view, target, grade, class_no or case.to_class, day,
                      operator, national, person, cap_decision, warnings)
    session.flush()
    return Completed(get(session, case.case_no), new, warnings)


def _leave(session: Session, view: CaseView, day: dt.date, operator: str) -> None:
    case, student = view.case, view.student
    remark = f"{day:%Y-%m-%d} 转出至 {case.to_name}(案件 {case.case_no})"
    student.remark = f"{student.remark};{remark}" if student.remark else remark
    journal.record(session, student, "transfer_out", day, operator,
                   sets={"status": "transferred_out"}, from_school=case.from_name,
                   to_school=case.to_name, reason=_reason_text(case), case_ref=case.case_no,
                   evidence=[codes.evidence_label(k) for k in case.evidence],
                   details={"route": case.route, "direction": case.direction,
                            "to_region": case.to_region}, remark=remark)


def _arrive(session: Session, settings: Settings, view: CaseView, school: School, grade: int,
            class_no: int, day: dt.date, operator: str, national: str | None,
            person: Incoming | None, cap_decision: str | None,
            warnings: list[Violation]) -> Student:
    case = view.case
    if person is None:
        person_row = view.person
    else:
        person_row = _person_for(session, person)
    entry_year = entry_year_for(settings, school, grade, day)
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
        from_school=case.from_name, to_school=school_label(school), reason=_reason_text(case),
        evidence=[codes.evidence_label(k) for k in case.evidence], approvals=approvals,
        case_ref=case.case_no,
        details={"route": case.route, "direction": case.direction,
                 "from_region": case.from_region, "approved_on": approved_on.isoformat(),
                 "admit_days": rules.admission_days(approved_on, day),
                 "admit_within_days": settings.policy.admit_within_days,
                 "late": rules.admission_days(approved_on, day) > settings.policy.admit_within_days,
                 "origin_local_number": (view.student.local_number if view.student
                                         else (person.origin_local_number if person else None))},
        remark="; ".join([remark] + [f"{w.rule} {w.message}" for w in warnings]))
    return student


def _person_for(session: Session, person: Incoming) -> Person:
    """The person arriving: the one this directory already knows (who once left), or new."""
    for student, known, _school in _person_matches(session, person):
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
    problems = []
    if not reason.strip():
        problems.append(Violation("CHG-3", "withdraw_reason", "缺少撤回原因", "用 --reason 写明(如 家长放弃转学)"))
    problems += rules.check_step_date(day, view.last_step_on, "撤回")
    if day > today:
        problems.append(Violation("CHG-3", "date", f"日期 {day:%Y-%m-%d} 在今天之后", "按实际日期登记"))
    if problems:
        raise Refused(problems)
    case = view.case
    journal.record(session, view.student, "transfer_withdraw", day, operator,
                   school_id=case.from_school_id if case.direction != "in" else case.to_school_id,
                   from_school=case.from_name, to_school=case.to_name, reason=reason.strip(),
                   case_ref=case.case_no, details={"route": case.route},
                   remark=f"{case.case_no} 撤回转学申请")
    session.flush()
    return get(session, case.case_no)
