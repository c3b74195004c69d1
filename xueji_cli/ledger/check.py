"""`xueji check` (CHG-3): every stored record recomputed from its journal entries by the
fold, in the order they were recorded, and compared field by field. A difference means
the record was changed behind the journal's back (or the journal was)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from xueji_cli.ledger.projection import PROJECTED, fold

if TYPE_CHECKING:
    from sqlmodel import Session

NOT_IN_JOURNAL = "(日志未记录)"


@dataclass(frozen=True)
class Difference:
    student_id: int
    local_number: str | None
    field: str
    stored: object
    from_journal: object


def recompute(session: Session) -> tuple[int, list[Difference]]:
    """Fold the journal of every record and compare with the stored projection, in one
    pass over both in record order (the entries read as plain rows, a record's folded
    state dropped once compared: memory does not grow with the directory).
    Returns (records checked, differences)."""
    from sqlalchemy import String, select, type_coerce

    from xueji_cli.ledger.models import JournalEntry, Student

    connection = session.connection().execution_options(yield_per=2000)
    entries = connection.execute(
        select(JournalEntry.student_id, type_coerce(JournalEntry.sets, String))
        .where(JournalEntry.student_id.is_not(None))
        .order_by(JournalEntry.student_id, JournalEntry.id))
    folded = ((student_id, fold(_decoded(sets) for _, sets in group))
              for student_id, group in groupby(entries, key=itemgetter(0)))
    records = connection.execute(
        select(Student.id, Student.local_number, *(getattr(Student, f) for f in PROJECTED))
        .order_by(Student.id))
    differences: list[Difference] = []
    orphans: list[Difference] = []
    checked = 0
    pending = next(folded, None)
    for student_id, local_number, *values in records:
        checked += 1
        while pending is not None and pending[0] < student_id:
            orphans.append(Difference(pending[0], None, "*", "没有记录", "日志中有"))
            pending = next(folded, None)
        if pending is None or pending[0] != student_id:
            differences.append(Difference(student_id, local_number, "*", "有记录", "日志中没有"))
            continue
        expected = pending[1]
        pending = next(folded, None)
        for field, value in zip(PROJECTED, values):
            if expected.get(field, NOT_IN_JOURNAL) != value:
                differences.append(Difference(student_id, local_number, field, value,
                                              expected.get(field, NOT_IN_JOURNAL)))
    while pending is not None:
        orphans.append(Difference(pending[0], None, "*", "没有记录", "日志中有"))
        pending = next(folded, None)
    return checked, differences + orphans


def _decoded(sets: str | dict | None) -> dict | None:
    """An entry's `sets` as read: JSON text (decoded here, where the many entries that set
    nothing, `{}`, are passed over without decoding) or, from a driver that decodes JSON
    itself, the dict."""
    if sets.__class__ is not str:
        return sets
    return None if sets == "{}" else json.loads(sets)
