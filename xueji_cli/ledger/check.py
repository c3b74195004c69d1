"""`xueji check` (CHG-3): every stored record recomputed from its journal entries by the
fold, in the order they were recorded, and compared field by field. A difference means
the record was changed behind the journal's back (or the journal was)."""

from __future__ import annotations

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
    """Fold the journal of every record and compare with the stored projection.
    Returns (records checked, differences)."""
    from sqlmodel import select

    from xueji_cli.ledger.models import JournalEntry, Student

    rows = session.exec(
        select(JournalEntry.student_id, JournalEntry.sets)
        .where(JournalEntry.student_id.is_not(None))
        .order_by(JournalEntry.student_id, JournalEntry.id))
    folded = {student_id: fold(sets for _, sets in entries)
              for student_id, entries in groupby(rows, key=itemgetter(0))}
    differences: list[Difference] = []
    checked = 0
    columns = [getattr(Student, f) for f in PROJECTED]
    for row in session.exec(select(Student.id, Student.local_number, *columns)):
        checked += 1
        student_id, local_number, *values = row
        expected = folded.pop(student_id, None)
        if expected is None:
            differences.append(Difference(student_id, local_number, "*", "有记录", "日志中没有"))
            continue
        for field, value in zip(PROJECTED, values):
            if expected.get(field, NOT_IN_JOURNAL) != value:
                differences.append(Difference(student_id, local_number, field, value,
                                              expected.get(field, NOT_IN_JOURNAL)))
    for student_id in folded:
        differences.append(Difference(student_id, None, "*", "没有记录", "日志中有"))
    return checked, differences
