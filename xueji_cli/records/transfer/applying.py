"""Applying for a transfer (转学, TRF-1…TRF-12): `apply_out` for a student of this
directory, `apply_in` for one arriving from outside it. The `transfer_case` row is written
once, with a `transfer_apply` journal entry; the approvals a certificate from the other
directory shows are recorded with it. Every check is run and every problem reported at
once (Refused); nothing is written unless all pass. What follows the application is in
records/transfer/workflow.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import School, Student, TransferCase
from xueji_cli.records.directory import schools, students
from xueji_cli.records.lifecycle.school_years import school_year_at, semester_year
from xueji_cli.records.transfer.cases import (
    ARRIVAL,
    CASE_PREFIX,
    CaseView,
    Certified,
    Incoming,
    arrival_places,
    cases_of,
    region_or_violation,
    school_label,
    views,
)
from xueji_cli.records.transfer.conditions import (
    area_checks,
    arrival_checks,
    class_checks,
    leaving_checks,
)
from xueji_cli.records.transfer.workflow import reason_text, record_approval
from xueji_cli.rules import transfer as rules
from xueji_cli.rules.organisation import check_school_open
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.dates import now
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation, reported_once, split, warning


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


def _checked(app: Application) -> Application:
    """The family's texts as stored (values/fields.free_text: on the case, the journal and
    the certificate); those that cannot be stored join the problems."""
    texts, refused = fields.checked_texts(reason_detail=app.reason_detail,
                                          special_reason=app.special_reason)
    return replace(app, **texts, problems=app.problems + refused)


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


def _open_case_for(session: Session, student_ids: list[int]) -> list[Violation]:
    open_ = [v for v in cases_of(session, student_ids) if v.is_open] if student_ids else []
    return [Violation("TRF-9", "case", f"该生已有未办结的转学案件 {v.case.case_no}(申请于 {v.case.applied_on})",
                      f"继续办理该案件,或先撤回:xueji transfer cancel {v.case.case_no} --reason …")
            for v in open_]


def apply_out(session: Session, settings: Settings, key: str, app: Application, day: dt.date,
              today: dt.date, operator: str, *, to_code: str | None = None,
              to_name: str | None = None, to_region: str | None = None,
              places: dict[str, str] | None = None, dry_run: bool = False) -> Applied:
    """A student of this directory asks to leave: to another school of this directory
    (`to_code`) or to a school elsewhere (`to_name` + `to_region`). `places`: the
    household registration and home (hukou_region, residence_region) the family shows for
    the receiving school of this directory (TRF-12), where they differ from the record's."""
    places = {k: v for k, v in (places or {}).items() if v}
    found = students.find(session, key)
    origin = found.school
    app = _checked(app)
    problems = leaving_checks(session, settings, found, app.special_reason, day)
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
        problems += check_school_open(to_name, target.closed_on, day, "to_code")
        to_region, bad = region_or_violation(session, target, "to_code")
        problems += bad
        problems += class_checks(session, settings, target, found.student.grade, app.to_class,
                                 None, refuse=False)
        arriving = arrival_places(found.person, places)
        problems += area_checks(session, settings, target, arriving["hukou_region"],
                                arriving["residence_region"])
    else:
        texts, refused = fields.checked_texts(to_school=to_name)
        to_name = texts["to_school"] or ""
        problems += refused
        if not to_name and not refused:
            problems.append(Violation("TRF-2", "to_school", "缺少转入学校",
                                      "本目录内的学校用 --to 学校代码;外校用 --to-school 名称 --to-region 区划代码"))
        mine = session.exec(select(School).where(School.name == to_name)).first()
        if mine is not None:
            problems.append(Violation("TRF-2", "to_school", f"「{to_name}」是本目录的学校",
                                      f"用 --to {mine.code} 办理,两端一并登记"))
        problems += rules.check_region(to_region or "", "to_region", "转入学校所在地")
    if any(v.is_error and v.field in ("school", "to_code", "to_region") for v in problems) \
            or origin_region is None or not to_region:
        raise Refused(*split(reported_once(problems)))
    route = rules.classify_route(origin_region, to_region, incoming=False)
    direction = "internal" if target is not None else "out"
    errors, warnings = split(reported_once(problems))
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
    _record_apply(session, case, found.student, operator, warnings,
                  {ARRIVAL: places} if places and target is not None else None)
    return Applied(views(session, [case])[0], warnings, route, direction)


def _record_apply(session: Session, case: TransferCase, student: Student | None, operator: str,
                  warnings: list[Violation], extra: dict | None = None) -> None:
    journal.record(
        session, student, "transfer_apply", case.applied_on, operator,
        school_id=case.from_school_id if case.direction != "in" else case.to_school_id,
        from_school=case.from_name, to_school=case.to_name, reason=reason_text(case),
        evidence=[codes.evidence_label(k) for k in case.evidence], case_ref=case.case_no,
        details={"direction": case.direction, "route": case.route, "grade": case.grade,
                 "special_reason": case.special_reason, **(extra or {})},
        remark="; ".join([f"{case.case_no} " + (f"申请自 {case.from_name} 转入 {case.to_name}"
                                                if case.direction == "in" else f"申请转往 {case.to_name}")]
                         + [f"{w.rule} {w.message}" for w in warnings]))


def apply_in(session: Session, settings: Settings, person: Incoming, school_code: str,
             app: Application, day: dt.date, today: dt.date, operator: str, *,
             grade: int | None = None, certified: Certified | None = None,
             dry_run: bool = False) -> Applied:
    """A student arrives from a school outside this directory."""
    certified = certified or Certified()
    school = schools.get(session, school_code)
    app = _checked(app)
    problems: list[Violation] = list(certified.warnings)
    target = person.grade if person.grade is not None else grade
    if person.grade is not None and grade is not None:
        problems += rules.check_grade_unchanged(person.grade, grade)
    if target is None:
        problems.append(Violation("TRF-5", "grade", "缺少年级", "用 --grade 填写该生在原学校的年级"))
    more, _national = arrival_checks(session, person)
    problems += more
    if target is not None:
        problems += class_checks(session, settings, school, target, app.to_class, None, refuse=False)
        if not any(v.rule == "TRF-5" and v.is_error for v in problems):
            problems += rules.check_graduating(target, settings.grades[school.type][1],
                                               app.special_reason)
        if person.grade_year is None:  # a certificate that does not say its school year
            problems += rules.check_grade_year(
                target, school_year_at(session, settings, school, day),
                semester_year(settings, day), settings.school_year(day))
    problems += _common_checks(settings, app, day, today, incoming=True,
                               window_day=certified.applied_on)
    if certified.applied_on and certified.applied_on > day:
        problems.append(Violation("TRF-2", "date", f"转入申请日期早于转学证明上的申请日期 {certified.applied_on}",
                                  "核对 --date"))
    problems += check_school_open(school_label(school), school.closed_on, day)
    region, bad = region_or_violation(session, school, "school")
    problems += bad
    problems += area_checks(session, settings, school, person.hukou_region, person.residence_region)
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
    errors, warnings = split(reported_once(problems))
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
        record_approval(session, views(session, [case])[0], step, item["date"],
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
