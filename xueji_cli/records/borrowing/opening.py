"""Opening a loan (借读): `borrow in` — a child whose record is elsewhere comes to one of
our designated schools — and `borrow out` — one of our students studies elsewhere, inside
this directory or outside it. Every rule that applies is checked and every problem is
reported at once (Refused); then the records and the journal entries are written in the
caller's transaction under a new case number (see records/borrowing/loans.py for the model).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import Person, School, ServiceArea, Student
from xueji_cli.records.borrowing.loans import Terms, next_case_ref
from xueji_cli.records.directory import schools, students
from xueji_cli.records.directory.regions import session_labeller
from xueji_cli.records.enrollment import admission as enrollment
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.records.lifecycle.school_years import cohort_at
from xueji_cli.rules import borrowing as rules
from xueji_cli.rules import enrollment as enrollment_rules
from xueji_cli.rules import identity
from xueji_cli.rules.dates import check_not_far_ahead
from xueji_cli.rules.organisation import check_school_open
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.dates import now
from xueji_cli.values.errors import InputError, Refused
from xueji_cli.values.violation import Violation, reported_once, split


@dataclass
class LoanAssessment(enrollment.EnrollmentAssessment):
    person: Person | None = None  # an existing person to reuse (same ID number)


def designated(session: Session) -> list[School]:
    return list(session.exec(select(School).where(School.designated_for_borrowing)
                             .order_by(School.code)))


def _school_label(school: School) -> str:
    return f"{school.code} {school.name}"


def _person_checks(session: Session, applicant: Applicant, national: str | None,
                   lending: Student | None) -> tuple[Person | None, list[Violation]]:
    """NUM-7: the child may already be known here. A person whose records here have all
    ended (transferred away, an earlier loan ended) is reused; a record still held here
    refuses, each with its way forward."""
    person = None
    if applicant.id_number:
        person = session.exec(select(Person).where(Person.id_number == applicant.id_number)).first()
    if person is None and national:
        person = session.exec(select(Person).join(Student, Student.person_id == Person.id)
                              .where(Student.national_number == national)).first()
    if person is None:
        return None, []
    problems = []
    if (person.name, person.birth_date) != (applicant.name, applicant.birth):
        problems.append(Violation(
            "NUM-7", "id_number",
            f"身份证号(或全国学籍号)与本目录已有的「{person.name}」(出生 {person.birth_date:%Y-%m-%d})相同,"
            "但姓名或出生日期不同",
            "核对身份证号;同一人的姓名、出生日期变更须凭证明按更正手续办理(NUM-5)"))
    held = session.exec(select(Student, School).join(School, School.id == Student.school_id)
                        .where(Student.person_id == person.id))
    for student, school in held:
        if lending is not None and student.id == lending.id:
            continue
        where = _school_label(school)
        if student.kind == "borrowing" and student.status == "active":
            problems.append(Violation("NUM-7", "name", f"{person.name} 已在 {where} 借读",
                                      "一个学生同时只能在一处借读;先用 xueji borrow end 结束原借读"))
        elif student.kind == "regular" and student.status == "active":
            problems.append(Violation(
                "NUM-7", "name", f"{person.name} 在本目录 {where} 有学籍(学籍号 {student.local_number})",
                f"本目录的学生到指定学校借读,用 xueji borrow out {student.local_number} --to-school 学校代码 "
                "办理:学籍保留在原校,借读学校同时建临时借读学籍"))
        elif student.kind == "regular" and student.status == "suspended":
            problems.append(Violation("SUS-2", "name", f"{person.name} 在 {where} 休学,休学期间不得到其他学校就读",
                                      "复学后再办理借读"))
        elif student.kind == "regular" and student.status == "borrowed_out":
            problems.append(Violation("NUM-7", "name", f"{person.name} 的学籍在 {where},目前在外借读",
                                      "先用 xueji borrow end 结束在外借读,再办理新的借读"))
    return person, problems


def assess_in(session: Session, settings: Settings, applicant: Applicant, terms: Terms,
              effective: dt.date, today: dt.date, lending: Student | None = None) -> LoanAssessment:
    """Every rule that applies to a child coming to study here on loan; nothing is
    written. `lending` is the child's own record here when the loan is inside this
    directory (borrow out --to-school)."""
    found: list[Violation] = list(terms.problems)
    school = session.exec(select(School).where(School.code == applicant.school_code)).first()
    if school is None:
        found.append(Violation("ORG-2", "school", f"本目录没有代码为 {applicant.school_code} 的学校",
                               "用 xueji school list 查看学校代码"))
    else:
        found += check_school_open(_school_label(school), school.closed_on, effective)
        found += rules.check_designated(_school_label(school), school.designated_for_borrowing,
                                        [_school_label(s) for s in designated(session)])
    found += check_not_far_ahead(effective, today, settings.policy.future_limit_days,
                                 "date", "借读开始日期")
    for name, value, what in (("name", applicant.name, "姓名"), ("gender", applicant.gender, "性别"),
                              ("birth", applicant.birth, "出生日期")):
        if not value:
            found.append(identity.missing("BOR-3", name, what, f"按户口簿和借读证明信填写{what}",
                                          applicant.id_type, applicant.id_number))
    found += identity.check_name_characters("name", "姓名", applicant.name)
    found += identity.check_resident_id(
        applicant.id_type, applicant.id_number, applicant.birth, applicant.gender,
        "按户口簿填写18位公民身份号码;确无身份证号的,注明证件类型并填写全国学籍号")
    national, problems = identity.national_number_for(
        applicant.id_type, applicant.id_number, applicant.national_number)
    found += [v for v in problems if v.is_error] + rules.check_national_number(national)
    person = None
    if applicant.name and applicant.birth:
        person, problems = _person_checks(session, applicant, national, lending)
        found += problems
    found += rules.check_origin(terms.origin_school)
    found += rules.check_eligibility(applicant.evidence, codes.table("evidence"))
    # BOR-2: the stamp is a condition of every loan, inside this directory too
    found += rules.check_stamp(terms.approval)
    found += window(settings, effective, terms.late_approval)
    found += rules.check_grade_unchanged(applicant.grade, terms.origin_grade)
    found += rules.check_until(effective, terms.until)
    entry_year = None
    if school is not None:
        label = _school_label(school)
        first, last = settings.grades[school.type]
        found += enrollment_rules.check_grade(applicant.grade, first, last,
                                              codes.label("school_type", school.type))
        # the grade of the origin (BOR-4) in the school year running, not the coming one
        entry_year = cohort_at(session, settings, school, applicant.grade, effective)
        if applicant.birth and school.type == "primary":
            found += enrollment_rules.check_school_age(
                applicant.birth, entry_year, min_age=settings.policy.school_age_years,
                cutoff=settings.policy.school_age_cutoff, underage_entry=settings.policy.underage_entry,
                commitment=applicant.underage_commitment)
        found += enrollment_rules.check_class_cap(
            Lookups(session).in_class(school.id, applicant.grade, applicant.class_no), 1,
            settings.class_cap[school.type], applicant.cap_decision,
            f"{label} {applicant.grade}年级{applicant.class_no}班")
        if lending is None:  # a pupil of ours lent inside the directory is no newcomer
            found += rules.check_migrant(applicant.hukou_region, _service_areas(session, school),
                                         session_labeller(session))
    unreadable = {v.field for v in applicant.problems}
    found = applicant.problems + [v for v in found if v.field not in unreadable]
    errors, warnings = split(reported_once(found))
    return LoanAssessment(errors, warnings, school, entry_year, national, person=person)


def window(settings: Settings, effective: dt.date, late_approval: str = "") -> list[Violation]:
    """BOR-4 with the directory's calendar: the semester the day falls in, and the next
    semester's first day for the hint."""
    semester = settings.semester_of(effective)
    return rules.check_window(effective, semester.name, semester.start, settings.policy.borrow_window_days,
                              late_allowed=settings.policy.borrow_late_start,
                              late_approval=late_approval or None,
                              next_start=next_semester_start(settings, effective))


def next_semester_start(settings: Settings, day: dt.date) -> dt.date:
    explicit = [s.start for s in settings.semesters if s.start > day]
    if explicit:
        return min(explicit)
    return min(start for start in (dt.date(day.year, *settings.spring_start),
                                   dt.date(day.year, *settings.autumn_start),
                                   dt.date(day.year + 1, *settings.spring_start)) if start > day)


def _service_areas(session: Session, host: School) -> dict[str, list[str]]:
    """ENR-2's service areas of every school of this directory, by school, the host first
    (BOR-2: a child registered in one of them is no migrant)."""
    areas: dict[str, list[str]] = {_school_label(host): []}
    for area, school in session.exec(select(ServiceArea, School).join(School, School.id == ServiceArea.school_id)
                                     .order_by(School.code, ServiceArea.region)):
        areas.setdefault(_school_label(school), []).append(area.region)
    return areas


@dataclass
class Opened:
    """A loan just recorded: the records it wrote, with the warnings shown."""

    case_ref: str
    borrowing: Student | None  # the temporary borrowing record here (in, or out inside)
    lent: Student | None  # our record that stays here (out)
    person: Person
    school: School  # host (in) or home (out)
    host: School | None
    warnings: list[Violation]


def _evidence_labels(keys: list[str], terms: Terms, commitment: str | None) -> list[str]:
    labels = []
    for key in keys:
        label = codes.evidence_label(key)
        if key == rules.BORROWING_LETTER and terms.letter:
            label += f":{terms.letter}"
        labels.append(label)
    if commitment:
        labels.append(f"{codes.evidence_label('commitment')}:{commitment}")
    return labels


def _approvals(terms: Terms, cap_decision: str | None = None) -> list[dict]:
    approvals = []
    if terms.approval:
        approvals.append({"for": "BOR-2", "decision": terms.approval})
    if terms.late_approval:
        approvals.append({"for": "BOR-4", "decision": terms.late_approval})
    if cap_decision:
        approvals.append({"for": "ENR-5", "decision": cap_decision})
    return approvals


def _remark(warnings: list[Violation]) -> str | None:
    return "; ".join(f"{w.rule} {w.message}" for w in warnings) or None


def _open_borrowing(session: Session, settings: Settings, applicant: Applicant, terms: Terms,
                    assessment: LoanAssessment, person: Person, effective: dt.date, operator: str,
                    case_ref: str) -> Student:
    school = assessment.school
    student = Student(person_id=person.id, school_id=school.id, kind="borrowing",
                      entry_year=assessment.entry_year, grade=applicant.grade,
                      class_no=applicant.class_no, enrolled_on=effective, remark=applicant.remark,
                      created_at=now())
    details = {
        "direction": "in", "student_source": "2",  # 学生来源 2 借读 (STANDARDS.md)
        "origin_school": terms.origin_school, "origin_region": terms.origin_region or None,
        "origin_grade": terms.origin_grade or applicant.grade, "letter": terms.letter or None,
        "until": terms.until.isoformat() if terms.until else None,
        "semester": settings.semester_of(effective).name,
        "hukou_region": applicant.hukou_region or None,
        "residence_region": applicant.residence_region or None, "address": applicant.address,
        "guardian_name": applicant.guardian_name, "guardian_phone": applicant.guardian_phone,
    }
    journal.record(
        session, student, "borrow_in", effective, operator,
        sets={"school_id": school.id, "kind": "borrowing", "local_number": None,
              "national_number": assessment.national_number, "entry_year": assessment.entry_year,
              "grade": applicant.grade, "class_no": applicant.class_no, "status": "active"},
        from_school=terms.origin_school, to_school=_school_label(school), reason=terms.reason or None,
        evidence=_evidence_labels(applicant.evidence, terms, applicant.underage_commitment),
        approvals=_approvals(terms, applicant.cap_decision), details=details, case_ref=case_ref,
        remark=_remark(assessment.warnings))
    return student


def borrow_in(session: Session, settings: Settings, applicant: Applicant, terms: Terms,
              effective: dt.date, today: dt.date, operator: str,
              dry_run: bool = False) -> Opened | LoanAssessment:
    """A child whose record is elsewhere comes to study at one of our designated schools:
    the temporary borrowing record and its journal entry, or Refused with every problem."""
    applicant.school_code = schools.normalise_code(applicant.school_code)
    assessment = assess_in(session, settings, applicant, terms, effective, today)
    if assessment.errors:
        raise Refused(assessment.errors, assessment.warnings)
    if dry_run:
        return assessment
    person = assessment.person
    if person is None:
        person = Person(
            name=applicant.name, gender=applicant.gender, birth_date=applicant.birth,
            id_type=applicant.id_type, id_number=applicant.id_number or None,
            ethnicity=applicant.ethnicity, hukou_region=applicant.hukou_region or None,
            guardian_name=applicant.guardian_name, guardian_phone=applicant.guardian_phone,
            residence_region=applicant.residence_region or None, address=applicant.address,
            details={}, created_at=now())
        session.add(person)
        session.flush()
    case_ref = next_case_ref(session, effective.year)
    student = _open_borrowing(session, settings, applicant, terms, assessment, person, effective,
                              operator, case_ref)
    return Opened(case_ref, student, None, person, assessment.school, assessment.school,
                  assessment.warnings)


# -- borrow out ----------------------------------------------------------------------------

def _lendable(session: Session, key: str) -> students.Found:
    """The record a KEY names that could be lent: the child's regular record here."""
    rows = students.records_for(session, key)
    if not rows:
        students.find(session, key)  # raises NotFound with its message
    regular = [f for f in rows if f.student.kind == "regular"]
    return (regular or rows)[0]


def borrow_out(session: Session, settings: Settings, key: str, terms: Terms, effective: dt.date,
               today: dt.date, operator: str, dry_run: bool = False) -> Opened | LoanAssessment:
    """One of our students studies elsewhere; the record stays here (BOR-5). With
    `terms.host_code` the host is a designated school of this directory, which opens the
    borrowing record in the same transaction."""
    found = _lendable(session, key)
    student, person, home = found.student, found.person, found.school
    who = f"{person.name}(学籍号 {student.local_number or '无'})"
    problems = list(terms.problems)
    problems += rules.check_can_lend(student.status, codes.label("status", student.status),
                                     student.kind, who)
    problems += check_not_far_ahead(effective, today, settings.policy.future_limit_days,
                                    "date", "借读开始日期")
    if effective < student.enrolled_on:
        problems.append(Violation("BOR-3", "date", f"借读开始日期 {effective:%Y-%m-%d} 早于入学日期 "
                                  f"{student.enrolled_on:%Y-%m-%d}", "核对 --date"))
    if not terms.letter:
        problems.append(Violation("BOR-5", "letter", "未登记本校开具的借读证明信",
                                  "原学校开具借读证明信并保留借读证明;用 --letter 记录证明信编号"))
    problems += rules.check_until(effective, terms.until)
    inside: LoanAssessment | None = None
    applicant: Applicant | None = None
    own = terms
    if terms.host_code:
        applicant, own, inside, more = _inside(session, settings, found, terms, effective, today)
        problems += more
        host_label = _school_label(inside.school) if inside.school else terms.host_code
    else:
        problems += rules.check_origin(terms.host_school, "host_school")
        problems += window(settings, effective, terms.late_approval)
        host_label = terms.host_school
    errors, warnings = split(reported_once(problems))
    if errors:
        raise Refused(errors, warnings)
    if dry_run:
        return inside or LoanAssessment([], warnings, home)
    case_ref = next_case_ref(session, effective.year)
    last = settings.grades[home.type][1]
    journal.record(
        session, student, "borrow_out", effective, operator, sets={"status": "borrowed_out"},
        from_school=_school_label(home), to_school=host_label, reason=terms.reason or None,
        evidence=[f"{codes.evidence_label(rules.BORROWING_LETTER)}:{terms.letter}"],
        approvals=_approvals(terms),
        details={"direction": "out", "host_school": host_label,
                 "host_region": terms.host_region or None, "host_code": terms.host_code or None,
                 "letter": terms.letter, "grade": student.grade,
                 "until": terms.until.isoformat() if terms.until else None,
                 "semester": settings.semester_of(effective).name,
                 "exams_at_home": rules.exams_at_home(student.grade, last)},
        case_ref=case_ref, remark=_remark(warnings))
    borrowing = None
    if inside is not None:
        borrowing = _open_borrowing(session, settings, applicant, own, inside, person, effective,
                                    operator, case_ref)
    return Opened(case_ref, borrowing, student, person, home, inside.school if inside else None,
                  warnings)


def _inside(session: Session, settings: Settings, found: students.Found, terms: Terms,
            effective: dt.date, today: dt.date) -> tuple[Applicant, Terms, LoanAssessment, list[Violation]]:
    """The borrowing side of a loan inside this directory, assessed like any borrow in."""
    student, person, home = found.student, found.person, found.school
    problems: list[Violation] = []
    try:
        code = schools.normalise_code(terms.host_code)
    except InputError as exc:
        code = terms.host_code
        problems.append(Violation("INPUT", "host_code", exc.message, exc.hint))
    if code == home.code:
        problems.append(Violation("BOR-1", "host_code", f"借读学校不能是学籍所在的 {_school_label(home)}",
                                  "--to-school 填写另一所指定借读学校的代码"))
    if terms.class_no is None:
        problems.append(Violation("BOR-3", "class", "本目录内借读须指明借读学校的班级",
                                  "用 --class 填写班号"))
    applicant = Applicant(
        school_code=code, name=person.name, gender=person.gender, birth=person.birth_date,
        grade=student.grade, class_no=terms.class_no or 1, id_type=person.id_type,
        id_number=person.id_number or "", national_number=student.national_number or "",
        hukou_region=person.hukou_region or "", residence_region=person.residence_region or "",
        evidence=list(terms.evidence), guardian_name=person.guardian_name,
        guardian_phone=person.guardian_phone, address=person.address)
    own = Terms(**{**vars(terms), "origin_school": _school_label(home), "origin_grade": student.grade,
                   "problems": []})
    inside = assess_in(session, settings, applicant, own, effective, today, lending=student)
    # here the host school is what --to-school names, not --school
    inside.errors = [replace(v, field="host_code") if v.field == "school" else v for v in inside.errors]
    inside.warnings = [replace(v, field="host_code") if v.field == "school" else v for v in inside.warnings]
    return applicant, own, inside, problems + inside.errors + inside.warnings
