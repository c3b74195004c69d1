"""The projection (CHG-3: the journal is the history; a record is derived from it): the
fields of a student record that journal entries set, and the one fold that makes a record
of its entries. Kept apart from the table models so that code which only builds rows need
not load the ORM.

The fold applies entries in the order it is given. Two orders are used, each for its own
question: recording order is how the stored record was made (journal.record applies each
entry as it is written; ledger/check.py recomputes it so); effective-date order, up to a
day, is the record as it stood that day (ledger/timeline.py, the reports). CHG-3 keeps the
two the same — an entry may not take effect before the record's latest — and the monthly
report names a record where they differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

PROJECTED = ("school_id", "kind", "local_number", "national_number", "entry_year",
             "grade", "class_no", "status")


def fold(changes: Iterable[dict | None], start: dict | None = None) -> dict:
    """The projected fields after applying each entry's `sets`, in the order given, to
    `start` (by default the empty record before its first entry). A new dict."""
    state = dict(start) if start else {}
    for sets in changes:
        if sets:
            state.update(sets)
    return state


class Entry(Protocol):
    sets: dict


def transitions(entries: Iterable[Entry], start: dict | None = None
                ) -> Iterator[tuple[Entry, dict, dict]]:
    """The fold one entry at a time: (entry, the state before it, the state after it),
    for counting what each entry changed (the monthly report)."""
    state = dict(start) if start else {}
    for entry in entries:
        after = fold((entry.sets,), state)
        yield entry, state, after
        state = after
