"""The change journal (学籍变动): append entries, and recompute the records from it.

`record()` is the only way a record's projected fields change: it applies `sets` to the
student row and appends the entry that says so, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from xueji_cli.core import codes
from xueji_cli.core.dates import now
from xueji_cli.core.models import PROJECTED, JournalEntry, Student
from xueji_cli.core.store import insert_many, insert_rows


def record(
    session: Session,
    student: Student | None,
    kind: str,
    effective_date: dt.date,
    operator: str,
    sets: dict | None = None,
    **entry_fields,
) -> JournalEntry:
    """Append one entry (and apply its `sets` to the record). `entry_fields` are the other
    columns of JournalEntry: reason, evidence, approvals, from_school, to_school, remark,
    details, case_ref, corrects, batch, school_id."""
    change = codes.change_kind(kind)
    sets = dict(sets or {})
    unknown = set(sets) - set(PROJECTED)
    if unknown:
        raise ValueError(f"not projected fields: {sorted(unknown)}")
    if student is not None:
        for field, value in sets.items():
            setattr(student, field, value)
        session.add(student)
        if student.id is None:
            session.flush()  # a new record needs its id before the entry can point at it
    entry = JournalEntry(
        student_id=student.id if student is not None else None,
        kind=kind,
        national_code=change.code,
        effective_date=effective_date,
        recorded_at=now(),
        operator=operator,
        school_id=entry_fields.pop("school_id", student.school_id if student is not None else None),
        sets=sets,
        **entry_fields,
    )
    session.add(entry)
    return entry


def create_records(session: Session, kind: str, effective_date: dt.date, operator: str,
                   items: list[tuple[dict, dict, dict]], ids: range | None = None
                   ) -> list[int]:
    """The bulk form of record() for records created by their first entry (a September
    roster): each item is (the record's own fields, `sets`, the entry's other fields), the
    items' dicts with the same keys in the same order. Each record is inserted with its
    `sets` applied and each entry appended, in the caller's transaction, with SQLAlchemy
    Core executemany. Returns the new records' ids, in order. The entries are the ones
    record() would append.

    A bulk write gives the records' `ids` (taken at its start, sqlite.next_ids)."""
    if not items:
        return []
    change = codes.change_kind(kind)
    stamp = now()
    for _own, sets, _fields in items:
        if not sets.keys() <= _PROJECTED:
            raise ValueError(f"not projected fields: {sorted(set(sets) - _PROJECTED)}")
    own_keys, set_keys = tuple(items[0][0]), tuple(items[0][1])
    if ids is None:
        ids = insert_many(session, Student.__table__, [{**own, **sets} for own, sets, _ in items],
                          return_ids=True)
    else:
        insert_rows(session, Student.__table__, ("id", *own_keys, *set_keys),
                    [(new_id, *own.values(), *sets.values())
                     for new_id, (own, sets, _fields) in zip(ids, items)])
    entries = []
    for student_id, (own, sets, fields) in zip(ids, items):
        get = fields.get
        school_id = get("school_id", _MISSING)
        if school_id is _MISSING:
            school_id = sets["school_id"] if "school_id" in sets else own["school_id"]
        entries.append((
            student_id, kind, change.code, effective_date, stamp, operator, school_id,
            get("from_school"), get("to_school"), get("reason"), get("evidence", _NO_LIST),
            get("approvals", _NO_LIST), sets, get("remark"), get("details", _NO_DICT),
            get("case_ref"), get("corrects"), get("batch")))
    insert_rows(session, JournalEntry.__table__, _ENTRY_KEYS, entries)
    return list(ids)


# Every column of an entry, in the order create_records gives them; an entry's own fields
# that are not given are None, or an empty list or dict (one shared object, never changed).
_ENTRY_KEYS = ("student_id", "kind", "national_code", "effective_date", "recorded_at",
               "operator", "school_id", "from_school", "to_school", "reason", "evidence",
               "approvals", "sets", "remark", "details", "case_ref", "corrects", "batch")
_NO_LIST: list = []
_NO_DICT: dict = {}
_MISSING = object()
_PROJECTED = frozenset(PROJECTED)


def fold(entries: list[dict]) -> dict:
    """The record's projected fields after applying `sets` of its entries in order."""
    state: dict = {}
    for sets in entries:
        state.update(sets)
    return state


@dataclass(frozen=True)
class Difference:
    student_id: int
    local_number: str | None
    field: str
    stored: object
    from_journal: object


def recompute(session: Session) -> tuple[int, list[Difference]]:
    """Fold the journal of every record and compare with the stored projection.
    Returns (records checked, differences)."""
    by_student: dict[int, dict] = {}
    rows = session.exec(
        select(JournalEntry.student_id, JournalEntry.sets)
        .where(JournalEntry.student_id.is_not(None))
        .order_by(JournalEntry.student_id, JournalEntry.id))
    for student_id, sets in rows:
        by_student.setdefault(student_id, {}).update(sets or {})
    differences: list[Difference] = []
    checked = 0
    columns = [getattr(Student, f) for f in PROJECTED]
    for row in session.exec(select(Student.id, Student.local_number, *columns)):
        checked += 1
        student_id, local_number, *values = row
        expected = by_student.pop(student_id, None)
        if expected is None:
            differences.append(Difference(student_id, local_number, "*", "有记录", "日志中没有"))
            continue
        for field, value in zip(PROJECTED, values):
            if expected.get(field, "(日志未记录)") != value:
                differences.append(Difference(student_id, local_number, field, value,
                                              expected.get(field, "(日志未记录)")))
    for student_id in by_student:
        differences.append(Difference(student_id, None, "*", "没有记录", "日志中有"))
    return checked, differences
