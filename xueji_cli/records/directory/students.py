"""Finding students by KEY (PRODUCT.md) and reading their records and history."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.values import codes
from xueji_cli.values.dates import parse_month
from xueji_cli.values.errors import InputError, NotFound
from xueji_cli.values.fields import normalise_id_number
from xueji_cli.values.privacy import mask_id

KEY_HELP = "14位学籍号、全国学籍号(G/J/L开头)或18位身份证号"
ACTIVE_FIRST = {"active": 0, "suspended": 1, "borrowed_out": 2}


def classify_key(key: str) -> tuple[str, str]:
    """('local' | 'national' | 'id', normalised key), or InputError."""
    text = unicodedata.normalize("NFKC", key).replace(" ", "").upper()
    if re.fullmatch(r"\d{14}", text):
        return "local", text
    if re.fullmatch(r"[GJL]\d{17}[\dX]", text):
        return "national", text
    normalised = normalise_id_number(text)
    if re.fullmatch(r"\d{17}[\dX]", normalised):
        return "id", normalised
    shown = text if len(text) < 10 else mask_id(text)
    raise InputError("key", f"「{shown}」不是学籍号、全国学籍号或身份证号",
                     f"用{KEY_HELP}指明学生")



def held_for(session: Session, id_number: str, national_number: str, name: str, birth,
             guardian_name: str | None = None) -> list[tuple[Student, Person, School]]:
    """The records already held for a person (NUM-7, one person one record): by ID number;
    without one, by name and birth date (and the guardian's name, when given) whether or
    not a national number is given — a J/L number typed for the child does not make it
    another child — and by that national number."""
    query = (select(Student, Person, School).join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id))
    if id_number:
        return list(session.exec(query.where(Person.id_number == id_number)))
    where = (Person.name == name) & (Person.birth_date == birth)
    if guardian_name:
        where = where & (Person.guardian_name == guardian_name)
    if national_number:
        where = where | (Student.national_number == national_number)
    return list(session.exec(query.where(where).order_by(Student.id)))


@dataclass
class Found:
    student: Student
    person: Person
    school: School


def _query():
    return (select(Student, Person, School)
            .join(Person, Person.id == Student.person_id)
            .join(School, School.id == Student.school_id))


def records_for(session: Session, key: str) -> list[Found]:
    kind, value = classify_key(key)
    column = {"local": Student.local_number, "national": Student.national_number,
              "id": Person.id_number}[kind]
    rows = [Found(*row) for row in session.exec(_query().where(column == value))]
    rows.sort(key=lambda f: (ACTIVE_FIRST.get(f.student.status, 9), -f.student.id))
    return rows


def find(session: Session, key: str) -> Found:
    """The student a KEY names: the current record first when a person has several."""
    rows = records_for(session, key)
    if not rows:
        kind, value = classify_key(key)
        shown = value if kind == "local" else mask_id(value[1:] if kind == "national" else value)
        raise NotFound(f"没有找到学生 {shown}",
                       "核对号码;用 xueji student list 查看在籍学生", field="key")
    return rows[0]


def listing(session: Session, school: str | None = None, grade: int | None = None,
            class_no: int | None = None, status: str | None = None) -> list[Found]:
    query = _query()
    if school:
        query = query.where(School.code == school)
    if grade is not None:
        query = query.where(Student.grade == grade)
    if class_no is not None:
        query = query.where(Student.class_no == class_no)
    if status:
        query = query.where(Student.status == status)
    query = query.order_by(School.code, Student.grade, Student.class_no, Student.local_number)
    return [Found(*row) for row in session.exec(query)]


def parse_status(text: str) -> str:
    found = codes.parse_code("status", text)
    if not found:
        choices = "、".join(f"{k}({v})" for k, v in codes.table("status").items())
        raise InputError("status", f"没有「{text}」这种学籍状态", f"可选:{choices}")
    return found


def history(session: Session, student_ids: list[int]) -> list[JournalEntry]:
    return list(session.exec(select(JournalEntry).where(JournalEntry.student_id.in_(student_ids))
                             .order_by(JournalEntry.effective_date, JournalEntry.id)))


def log(session: Session, student_ids: list[int] | None = None,
        month: str | None = None) -> list[tuple[JournalEntry, Student | None, Person | None]]:
    query = (select(JournalEntry, Student, Person)
             .join(Student, Student.id == JournalEntry.student_id, isouter=True)
             .join(Person, Person.id == Student.person_id, isouter=True))
    if student_ids is not None:
        query = query.where(JournalEntry.student_id.in_(student_ids))
    if month:
        try:
            first, last = parse_month(month)
        except ValueError as exc:
            raise InputError("month", str(exc)) from None
        query = query.where(JournalEntry.effective_date >= first, JournalEntry.effective_date <= last)
    return list(session.exec(query.order_by(JournalEntry.effective_date, JournalEntry.id)))


def schools_by_id(session: Session) -> dict[int, School]:
    return {s.id: s for s in session.exec(select(School))}

