"""Corrections of a person's data (信息更正): name, ID number, birth date, gender — with
the evidence shown and a new duplicate check (ENR-6, NUM-5, NUM-6, NUM-7, CHG-3).

The person's fields are not projected by the journal, so each correction records the
old and the new values in its entry's `details` {"old": …, "new": …}: the history keeps
every earlier name and ID number. A new ID number regenerates the G national number of
every record of the person (NUM-5: the G number follows the ID number; a J or L number
becomes G once the ID number is known); the old number stays in the history.

`xueji check` verifies person corrections with `verify_people`: each person's corrections
(and their undos), in order, must continue from where the previous one ended, and the
last must equal the person's stored values. Values never corrected have no journal
record to compare with (the enrollment entry does not copy the person).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.ledger.check import Difference
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.records.directory import students
from xueji_cli.records.directory.students import Found
from xueji_cli.records.enrollment.applicant import Collector
from xueji_cli.records.lifecycle.changes import check_when, write
from xueji_cli.records.lifecycle.undo import (
    PERSON_KINDS,
    person_changes,
    person_value,
    set_person_value,
)
from xueji_cli.rules import changes as rules
from xueji_cli.rules.identity import RESIDENT_ID, check_id_number
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError, Refused
from xueji_cli.values.privacy import mask_id, mask_national
from xueji_cli.values.violation import Violation

OPTION_FIELD = {"name": "name", "gender": "gender", "birth_date": "birth", "id_number": "id_number"}


@dataclass
class Corrected:
    found: Found
    old: dict
    new: dict
    entries: list[JournalEntry] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)


def _read(name: str | None, gender: str | None, birth: str | None, id_number: str | None,
          evidence: list[str], reason: str | None) -> tuple[dict, list[str], str | None,
                                                          list[Violation]]:
    """(the values to correct, the evidence keys, the reason, what cannot be read — all
    reported with the rules' findings). The name and the reason are free texts
    (values/fields.free_text): the new name is the one every list, card and export shows."""
    c = Collector()
    wanted = {
        "name": c.convert("name", fields.person_name, name, "") if name is not None else None,
        "gender": c.convert("gender", fields.gender, gender),
        "birth_date": c.convert("birth", fields.parse_date, birth),
        "id_number": c.convert("id_number", fields.normalise_id_number, id_number),
    }
    if name is not None and not wanted["name"] and all(v.field != "name" for v in c.problems):
        c.problems.append(Violation("INPUT", "name", "姓名不能为空", "按户口簿填写姓名"))
    keys = c.convert("evidence", fields.evidence, evidence, [])
    reason = c.text("reason", reason)
    return {k: v for k, v in wanted.items() if v}, keys, reason, c.problems


def _holders(session: Session, person: Person, where) -> list[str]:
    rows = session.exec(select(Student, Person, School).join(Person, Person.id == Student.person_id)
                        .join(School, School.id == Student.school_id)
                        .where(where, Person.id != person.id))
    return [f"{p.name}({school.code} {school.name} 学籍号 {s.local_number or '(无)'},"
            f"{codes.label('status', s.status)})" for s, p, school in rows]


def _duplicates(session: Session, person: Person, final: dict) -> list[Violation]:
    """NUM-7 again after the correction: by ID number; without one, by name and birth
    date (and guardian)."""
    if final["id_number"]:
        others = _holders(session, person, Person.id_number == final["id_number"])
        if others:
            return [Violation("NUM-7", "id_number",
                              f"更正后的身份证号已属于另一名学生:{'、'.join(others)}",
                              "一人一籍:核对身份证号;确属同一人的,应撤销重复的学籍")]
        return []
    where = (Person.name == final["name"]) & (Person.birth_date == final["birth_date"])
    if person.guardian_name:
        where = where & (Person.guardian_name == person.guardian_name)
    others = _holders(session, person, where)
    if others:
        return [Violation("NUM-7", "name", f"更正后与另一名学生姓名、出生日期相同:{'、'.join(others)}",
                          "一人一籍:核对是否同一人")]
    return []


def correct(session: Session, settings: Settings, key: str, *, name: str | None = None, gender: str | None = None,
            birth: str | None = None, id_number: str | None = None,
            evidence: list[str] | None = None, reason: str | None = None,
            effective: dt.date, today: dt.date, operator: str) -> Corrected:
    found = students.find(session, key)
    person, student = found.person, found.student
    wanted, evidence, reason, problems = _read(name, gender, birth, id_number, evidence or [],
                                               reason)
    if not wanted and not problems:
        raise InputError("key", "没有给出要更正的内容",
                         "用 --name、--id-number、--birth、--gender 给出更正后的值")
    for field_name, value in wanted.items():
        problems += [Violation(v.rule, OPTION_FIELD[field_name], v.message, v.hint)
                     for v in rules.check_same_value(OPTION_FIELD[field_name],
                                                     getattr(person, field_name), value)]
    changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    final = {k: changed.get(k, getattr(person, k)) for k in ("name", "gender", "birth_date", "id_number")}
    if "id_number" in changed and person.id_type != RESIDENT_ID:
        changed["id_type"] = RESIDENT_ID  # a J/L student whose ID number is now known
    if changed.keys() & {"id_number", "birth_date", "gender"} and final["id_number"] \
            and (person.id_type == RESIDENT_ID or "id_number" in changed):
        problems += check_id_number(final["id_number"], final["birth_date"], final["gender"])
    problems += _duplicates(session, person, final)
    keys = [k for k in ("name", "id_number", "birth", "gender")
            if {"birth": "birth_date"}.get(k, k) in changed]
    problems += rules.check_correction_evidence(keys, evidence or [])
    problems += check_when(session, settings, found, effective, today)
    errors = [v for v in problems if v.is_error]
    if errors:
        raise Refused(errors, [v for v in problems if not v.is_error])
    old = {k: person_value(person, k) for k in changed}
    new = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in changed.items()}
    records = [found.student] + [s for s in session.exec(
        select(Student).where(Student.person_id == person.id, Student.id != student.id))]
    national = "G" + changed["id_number"] if "id_number" in changed else None
    case = f"correct-{uuid.uuid4().hex[:12]}"
    for k, v in new.items():
        set_person_value(person, k, v)
    session.add(person)
    result = Corrected(found, dict(old), dict(new))
    labels = [codes.evidence_label(e) for e in evidence or []]
    for index, record in enumerate(records):
        sets, rec_old, rec_new = {}, dict(old) if index == 0 else {}, dict(new) if index == 0 else {}
        if national and (record.kind == "regular" or record.national_number):
            sets = {"national_number": national}
            rec_old["national_number"], rec_new["national_number"] = record.national_number, national
        if index and not sets:
            continue
        if index == 0:
            result.old, result.new = rec_old, rec_new
        holder = Found(record, person, session.get(School, record.school_id))
        changed_entry = write(session, holder, "correct", effective, operator, sets,
                              [v for v in problems if not v.is_error] if index == 0 else [],
                              reason=reason, evidence=labels, details={"old": rec_old, "new": rec_new},
                              case_ref=case)
        result.entries.append(changed_entry.entry)
        if index == 0:
            result.warnings = changed_entry.warnings
    return result


# -- xueji check --------------------------------------------------------------------------

def _shown(name: str, value):
    if name == "id_number":
        return mask_id(value)
    if name == "national_number":
        return mask_national(value)
    return value


def verify_people(session: Session) -> list[Difference]:
    """Person corrections against the stored person (see the module's docstring)."""
    chain: dict[tuple[int, str], tuple[object, object]] = {}
    differences = []
    # Plain rows, not table objects: a journal holds hundreds of thousands of corrections.
    rows = session.connection().execution_options(yield_per=2000).execute(
        select(JournalEntry.details, Student.id, Student.person_id, Student.local_number)
        .join(Student, Student.id == JournalEntry.student_id)
        .where(JournalEntry.kind.in_((*PERSON_KINDS, "undo"))).order_by(JournalEntry.id))
    for row in rows:  # the entry's details with its record's id, person and number
        old, new = person_changes(row)
        for name, value in new.items():
            key = (row.person_id, name)
            if key in chain and chain[key][0] != old.get(name):
                differences.append(Difference(row.id, row.local_number, f"更正链:{name}",
                                              _shown(name, old.get(name)), _shown(name, chain[key][0])))
            chain[key] = (value, row)
    for (person_id, name), (value, student) in sorted(chain.items(), key=lambda item: item[0]):
        stored = person_value(session.get(Person, person_id), name)
        if stored != value:
            differences.append(Difference(student.id, student.local_number, name,
                                          _shown(name, stored), _shown(name, value)))
    return differences
