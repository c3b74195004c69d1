"""The change journal (学籍变动): append entries, each applying its `sets` to the record.

`record()` is the only way a record's projected fields change: it applies `sets` to the
student row and appends the entry that says so, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from xueji_cli.ledger.projection import PROJECTED
from xueji_cli.store.inserts import insert_many, insert_rows
from xueji_cli.values import codes
from xueji_cli.values.dates import now

if TYPE_CHECKING:
    from sqlmodel import Session

    from xueji_cli.ledger.models import JournalEntry, Student


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
    from xueji_cli.ledger.models import JournalEntry

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
                   items: list[tuple[dict, dict, dict]]) -> list[int]:
    """The many-records form of record() for records created by their first entry: each item is
    (the record's own fields, `sets`, the entry's other fields), the items' dicts with
    the same keys in the same order. Each record is inserted with its `sets` applied and
    each entry appended, in the caller's transaction, with SQLAlchemy Core executemany.
    Returns the new records' ids, in order. The entries are the ones record() would
    append. (A September roster writes the same rows through sqlite3, or COPY on a server:
    record_rows and entry_rows, records/enrollment/roster_target.py.)"""
    if not items:
        return []
    from xueji_cli.ledger.models import JournalEntry, Student

    check_projected(items)
    ids = insert_many(session, Student.__table__, [{**own, **sets} for own, sets, _ in items],
                      return_ids=True)
    insert_rows(session, JournalEntry.__table__, ENTRY_KEYS,
                entry_rows(kind, effective_date, operator, items, ids))
    return ids


def check_projected(items: list[tuple[dict, dict, dict]]) -> None:
    for _own, sets, _fields in items:
        if not sets.keys() <= _PROJECTED:
            raise ValueError(f"not projected fields: {sorted(set(sets) - _PROJECTED)}")


def record_rows(items: list[tuple[dict, dict, dict]], ids) -> tuple[tuple, list[tuple]]:
    """(the columns, the rows) of the records create_records inserts: each record's id,
    its own fields and its `sets` applied."""
    check_projected(items)
    own_keys, set_keys = tuple(items[0][0]), tuple(items[0][1])
    return (("id", *own_keys, *set_keys),
            [(new_id, *own.values(), *sets.values())
             for new_id, (own, sets, _fields) in zip(ids, items)])


def entry_rows(kind: str, effective_date: dt.date, operator: str,
               items: list[tuple[dict, dict, dict]], ids) -> list[tuple]:
    """The journal entries (the values of ENTRY_KEYS) that create the records `ids`."""
    change = codes.change_kind(kind)
    stamp = now()
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
    return entries


# Every column of an entry, in the order create_records gives them; an entry's own fields
# that are not given are None, or an empty list or dict (one shared object, never changed).
ENTRY_KEYS = ("student_id", "kind", "national_code", "effective_date", "recorded_at",
               "operator", "school_id", "from_school", "to_school", "reason", "evidence",
               "approvals", "sets", "remark", "details", "case_ref", "corrects", "batch")
_NO_LIST: list = []
_NO_DICT: dict = {}
_MISSING = object()
_PROJECTED = frozenset(PROJECTED)
