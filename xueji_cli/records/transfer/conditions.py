"""What a transfer asks of the child and of the class (TRF-5…TRF-7, TRF-9…TRF-12, ENR-7,
NUM-5…NUM-7, SUS-2, BOR-5): checked when the family applies, and again when the case
completes — what held at application must still hold.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.records.directory import students
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.records.transfer import sanctions
from xueji_cli.records.transfer.cases import Incoming, school_label
from xueji_cli.rules import identity
from xueji_cli.rules import transfer as rules
from xueji_cli.rules.enrollment import within
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.violation import Violation, warning


def class_checks(session: Session, settings: Settings, school: School, grade: int,
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


def leaving_checks(session: Session, settings: Settings, found: students.Found,
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


# Records that no longer hold the child here: one who once left (NUM-3) or whose loan here
# has ended (BOR-5; `borrow end --transfer` hands over to the transfer) may arrive again,
# as the same person.
ENDED_HERE = ("transferred_out", "borrow_ended")


def area_checks(session: Session, settings: Settings, school: School, hukou: str | None,
                residence: str | None) -> list[Violation]:
    """TRF-12: the arriving child's household registration and home lie in the receiving
    school's service area; where not, which school's area holds them (ENR-2's look-up)."""
    lookups = Lookups(session)
    facts = lookups.facts(school, settings)
    serving = {code: lookups.serving(code, facts.id) for code in (hukou, residence)
               if code and not within(code, facts.areas)}  # only to explain a refusal
    return rules.check_arrival_area(hukou, residence, facts.label, facts.areas, serving,
                                    lookups.region_label)


def person_matches(session: Session, person: Incoming) -> list[tuple[Student, Person, School]]:
    return students.held_for(session, person.id_number, person.national_number, person.name,
                             person.birth)


def arrival_checks(session: Session, person: Incoming) -> tuple[list[Violation], str | None]:
    """Who may arrive (ENR-7, NUM-5, NUM-6, NUM-7, SUS-2), and the national number."""
    problems = list(person.problems)
    for what, label, value in (("name", "姓名", person.name), ("gender", "性别", person.gender),
                               ("birth", "出生日期", person.birth)):
        if not value and what not in {v.field for v in person.problems}:
            problems.append(identity.missing("ENR-7", what, label, f"照转学证明填写{label}",
                                             person.id_type, person.id_number))
    unreadable = {v.field for v in person.problems}  # said once, as unreadable
    problems += identity.check_name_characters("name", "姓名", person.name)
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
    elif person.status in rules.DIRECT:  # TRF-11: 出国, 退学, 开除 transfer directly
        problems.append(rules.direct_transfer(codes.label("status", person.status)))
    elif person.status not in ("active", "transferred_out"):
        problems.append(Violation("TRF-9", "status",
                                  f"转学证明上该生的学籍状态为「{codes.label('status', person.status)}」",
                                  "只有在校生,或出国、退学、开除的学生(TRF-11)可以转学;请原学校核实"))
    if person.name and person.birth:
        for student, other, where in person_matches(session, person):
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
