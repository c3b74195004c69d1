"""Finding students by KEY (PRODUCT.md) — a number, or a pupil's name — and reading their
records and history."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy import func, or_
from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.values import codes
from xueji_cli.values.dates import parse_month
from xueji_cli.values.errors import Ambiguous, InputError, NotFound
from xueji_cli.values.fields import compact_name, normalise_id_number
from xueji_cli.values.privacy import mask_id, mask_national

KEY_HELP = "14位学籍号、全国学籍号(G/J/L开头)、18位身份证号或姓名"
NEAREST = 5  # the nearest names offered when a name names no one
NEAR_POOL = 5000  # names sharing a character with it, compared for nearness
ACTIVE_FIRST = {"active": 0, "suspended": 1, "borrowed_out": 2}


def is_name(key: str) -> bool:
    """A KEY that is a pupil's name rather than a number: it holds a character that is no
    ASCII letter or digit (李婷婷), or no digit at all (a Latin name). A mistyped number
    (0226260010001, G1302…) stays a number and is refused as one."""
    text = compact_name(key)
    return bool(text) and (not text.isascii() or not any(c.isdigit() for c in text))


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


def records_of(session: Session, person_id: int) -> list[Found]:
    """Every record of one person (a child without an ID number), in roster order: one
    query by the person, not the directory's whole list."""
    query = _query().where(Person.id == person_id).order_by(*ROSTER_ORDER)
    return [Found(*row) for row in session.exec(query)]


def records_for(session: Session, key: str) -> list[Found]:
    """The records a KEY names, the current one first. A name names the records of one
    person; a name that several persons bear is Ambiguous, listing them."""
    if is_name(key):
        return _named(session, compact_name(key))
    kind, value = classify_key(key)
    column = {"local": Student.local_number, "national": Student.national_number,
              "id": Person.id_number}[kind]
    rows = [Found(*row) for row in session.exec(_query().where(column == value))]
    rows.sort(key=lambda f: (ACTIVE_FIRST.get(f.student.status, 9), -f.student.id))
    return rows


def _named(session: Session, name: str) -> list[Found]:
    rows = [Found(*row) for row in session.exec(_query().where(Person.name == name))]
    rows.sort(key=lambda f: (ACTIVE_FIRST.get(f.student.status, 9), -f.student.id))
    current: dict[int, Found] = {}
    for found in rows:
        current.setdefault(found.person.id, found)
    if len(current) > 1:
        candidates = [candidate(f) for f in sorted(current.values(), key=lambda f: (
            f.school.code, f.student.grade, f.student.class_no, f.student.local_number or ""))]
        raise Ambiguous(f"有 {len(candidates)} 名学生叫「{name}」", "用学籍号或身份证号指明是哪一名",
                        candidates, field="key")
    return rows


def candidate(found: Found) -> dict:
    """One of several pupils of a name, as a refusal lists them: school, grade, class,
    masked ID number, local number, status."""
    student, person, school = found.student, found.person, found.school
    return {"school": school.code, "school_name": school.name, "grade": student.grade,
            "class": student.class_no, "id_number": mask_id(person.id_number) if person.id_number
            else None, "national_number": mask_national(student.national_number),
            "local_number": student.local_number, "status": student.status,
            "status_label": codes.label("status", student.status)}


def nearest_names(session: Session, name: str) -> list[str]:
    """The names on record nearest to one that names no one: among the names sharing a
    character with it (found in SQL, at most NEAR_POOL), the closest by difflib."""
    shares = [Person.name.contains(ch, autoescape=True) for ch in dict.fromkeys(name)][:20]
    pool = list(session.exec(select(Person.name).where(or_(*shares)).distinct().limit(NEAR_POOL)))
    return difflib.get_close_matches(name, pool, n=NEAREST, cutoff=0.3)


def find(session: Session, key: str) -> Found:
    """The student a KEY names: the current record first when a person has several."""
    rows = records_for(session, key)
    if not rows and is_name(key):
        name = compact_name(key)
        near = nearest_names(session, name)
        raise NotFound(f"没有叫「{name}」的学生",
                       (f"相近的姓名:{'、'.join(near)};" if near else "")
                       + "核对姓名;用 xueji student list --name 姓名中的字 查找", field="key")
    if not rows:
        kind, value = classify_key(key)
        shown = value if kind == "local" else mask_id(value[1:] if kind == "national" else value)
        raise NotFound(f"没有找到学生 {shown}",
                       "核对号码;用 xueji student list 查看在籍学生", field="key")
    return rows[0]


def _filtered(query, school: str | None, grade: int | None, class_no: int | None,
              status: str | None, name: str | None):
    """The list's filters, in SQL (so that a directory of 100k pupils is searched without
    reading them); `name`: a part of the name."""
    if name:
        query = query.where(Person.name.contains(compact_name(name), autoescape=True))
    if school:
        query = query.where(School.code == school)
    if grade is not None:
        query = query.where(Student.grade == grade)
    if class_no is not None:
        query = query.where(Student.class_no == class_no)
    if status:
        query = query.where(Student.status == status)
    return query


ROSTER_ORDER = (School.code, Student.grade, Student.class_no, Student.local_number)


def listing(session: Session, school: str | None = None, grade: int | None = None,
            class_no: int | None = None, status: str | None = None,
            name: str | None = None) -> list[Found]:
    """Records by the filters, in roster order, as table objects (for the few callers
    that go on to work with each record)."""
    query = _filtered(_query(), school, grade, class_no, status, name).order_by(*ROSTER_ORDER)
    return [Found(*row) for row in session.exec(query)]


LISTED = {
    Student: ("id", "local_number", "national_number", "kind", "entry_year", "grade", "class_no",
              "status", "enrolled_on", "remark"),
    Person: ("id", "name", "gender", "birth_date", "id_type", "id_number", "ethnicity",
             "hukou_region", "guardian_name", "guardian_phone", "guardian_hukou_region",
             "residence_region", "address"),
    School: ("code", "name"),
}
_PARTS = {table: namedtuple(f"Listed{table.__name__}", fields) for table, fields in LISTED.items()}


def listed(session: Session, school: str | None = None, grade: int | None = None,
           class_no: int | None = None, status: str | None = None, name: str | None = None,
           limit: int | None = None, offset: int = 0) -> Iterator[Found]:
    """The records `listing` finds, read as plain rows (no table object per record) and
    yielded as the database gives them, `limit` of them from `offset`: a page of 100k
    pupils, or all of them, in constant memory."""
    columns = [getattr(table, f) for table, fields in LISTED.items() for f in fields]
    query = (select(*columns).select_from(Student)
             .join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id))
    query = _filtered(query, school, grade, class_no, status, name).order_by(*ROSTER_ORDER)
    if limit is not None or offset:
        query = query.limit(limit).offset(offset)
    split = list(accumulate(len(fields) for fields in LISTED.values()))
    make_student, make_person, make_school = (part._make for part in _PARTS.values())
    for row in session.connection().execution_options(yield_per=1000).execute(query):
        yield Found(make_student(row[:split[0]]), make_person(row[split[0]:split[1]]),
                    make_school(row[split[1]:]))


def tally(session: Session, school: str | None = None, grade: int | None = None,
          class_no: int | None = None, status: str | None = None,
          name: str | None = None) -> dict[str, int]:
    """How many records the filters find, per status, counted in SQL."""
    query = select(Student.status, func.count()).select_from(Student)
    if name:
        query = query.join(Person, Person.id == Student.person_id)
    if school:
        query = query.join(School, School.id == Student.school_id)
    query = _filtered(query, school, grade, class_no, status, name).group_by(Student.status)
    return dict(session.connection().execute(query).all())


def history(session: Session, student_ids: list[int]) -> list[JournalEntry]:
    """The entries of these records, and the steps of their transfer cases recorded before
    the pupil had a record here (an arriving pupil's approvals, TRF-2, TRF-9)."""
    own = list(session.exec(select(JournalEntry).where(JournalEntry.student_id.in_(student_ids))))
    cases = {e.case_ref for e in own if e.case_ref}
    if cases:
        own += session.exec(select(JournalEntry).where(JournalEntry.student_id.is_(None),
                                                       JournalEntry.case_ref.in_(cases)))
    return sorted(own, key=lambda e: (e.effective_date, e.id))


def _of_log(query, student_ids: list[int] | None, month: str | None):
    if student_ids is not None:
        query = query.where(JournalEntry.student_id.in_(student_ids))
    if month:
        try:
            first, last = parse_month(month)
        except ValueError as exc:
            raise InputError("month", str(exc)) from None
        query = query.where(JournalEntry.effective_date >= first, JournalEntry.effective_date <= last)
    return query


def log(session: Session, student_ids: list[int] | None = None, month: str | None = None,
        limit: int | None = None) -> Iterator[tuple[JournalEntry, Student | None, Person | None]]:
    """The journal entries of these records or this month (all when neither is given), in
    effective-date order, `limit` of them: read a thousand at a time, as they are used."""
    query = (select(JournalEntry, Student, Person)
             .join(Student, Student.id == JournalEntry.student_id, isouter=True)
             .join(Person, Person.id == Student.person_id, isouter=True))
    query = _of_log(query, student_ids, month)
    query = query.order_by(JournalEntry.effective_date, JournalEntry.id).limit(limit)
    return iter(session.exec(query.execution_options(yield_per=1000)))


def log_count(session: Session, student_ids: list[int] | None = None, month: str | None = None) -> int:
    """How many entries `log` would give (before its limit), counted in SQL."""
    return session.exec(_of_log(select(func.count()).select_from(JournalEntry), student_ids, month)).one()


def schools_by_id(session: Session) -> dict[int, School]:
    return {s.id: s for s in session.exec(select(School))}

