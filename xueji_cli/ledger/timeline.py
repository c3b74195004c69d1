"""The register (在籍) and the children at school (在校) on any day, derived from the journal.

`state_on` folds (ledger/projection.fold) the `sets` of a record's journal entries
effective on or before a day, in effective-date order, then recording order. Everything
the reports count — the opening and closing of a month, the roster as it stood on a past
date, the reconciliation — is that fold, classified by `on_register` / `at_school` (ledger/counted).

Reading every entry of a large township for every report would be slow (a million
entries), so `Timeline` folds only the records the journal has changed since the day
asked about, and reads the others from the stored projection — which is, record by
record, the fold of the whole journal (journal.record keeps it so; `xueji check` proves
it, and the monthly report's census catches a record changed behind the journal's back).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import takewhile
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import String, cast, func, or_, select, type_coerce
from sqlmodel import Session

from xueji_cli.ledger.counted import at_school_statuses, on_register, register_statuses
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.ledger.projection import PROJECTED, fold

# The projected fields that decide where a record is counted.
COUNTED = ("school_id", "kind", "grade", "status")


# -- the pure part --------------------------------------------------------------------

class Step(NamedTuple):
    """One journal entry, as the reports read it (a tuple: a township's history is read
    in tens of thousands of them)."""

    id: int
    student_id: int | None
    kind: str
    effective_date: dt.date
    sets: dict
    school_id: int | None = None
    corrects: int | None = None

    @property
    def order(self) -> tuple[dt.date, int]:
        return (self.effective_date, self.id)


_ORDER = attrgetter("effective_date", "id")  # Step.order, without a property call per step


def state_on(steps: Iterable[Step], day: dt.date | None) -> dict:
    """The record's projected fields on `day` (None: after every entry): the `sets` of
    its entries effective on or before that day, applied in effective-date order (then
    recording order). Empty when the record did not exist yet."""
    ordered = sorted(steps, key=_ORDER)
    if day is not None:
        ordered = takewhile(lambda step: step.effective_date <= day, ordered)
    return fold(step.sets for step in ordered)


def states_at(steps: list[Step], days: list[dt.date | None]) -> list[dict]:
    """`state_on` for several days (ascending; None last = after every entry) in one pass
    over steps already in effective-date order."""
    out: list[dict] = []
    state: dict = {}
    index = 0
    for day in days:
        end = index
        while end < len(steps) and (day is None or steps[end].effective_date <= day):
            end += 1
        state = fold((step.sets for step in steps[index:end]), state)
        index = end
        out.append(state)
    return out


def place(state: dict) -> tuple[int, int] | None:
    """(school id, grade) of a state, or None for a record that did not exist."""
    if not state or state.get("school_id") is None:
        return None
    return (state["school_id"], state.get("grade"))


def key_of(state: dict) -> tuple | None:
    """The tally key of a state: (school id, grade, kind, status)."""
    if not state or state.get("school_id") is None:
        return None
    return (state["school_id"], state.get("grade"), state.get("kind") or "regular",
            state.get("status"))


@dataclass
class Tally:
    """Records counted by (school id, grade, kind, status): every count of the reports
    is a sum over these keys."""

    counts: Counter = field(default_factory=Counter)

    def add(self, state: dict, n: int = 1) -> None:
        key = key_of(state)
        if key is not None:
            self.counts[key] += n

    def register(self) -> Counter:
        """在籍 per (school id, grade)."""
        return self._sum(lambda kind, status: kind == "regular" and status in register_statuses())

    def at_school(self) -> Counter:
        return self._sum(lambda kind, status: status in at_school_statuses())

    def with_status(self, status: str, kind: str = "regular") -> Counter:
        return self._sum(lambda k, s: k == kind and s == status)

    def _sum(self, accept) -> Counter:
        out: Counter = Counter()
        for (school_id, grade, kind, status), n in self.counts.items():
            if n and accept(kind, status):
                out[(school_id, grade)] += n
        return out


# -- reading the journal ----------------------------------------------------------------

INTEGER_FIELDS = ("school_id", "entry_year", "grade", "class_no")
# Each projected field that an entry sets, read by the database (JSON_EXTRACT in SQLite,
# ->> in PostgreSQL): the reports fold a record's history without decoding its JSON.
# What the counts need (the roster reads every projected field).
REPORTED = (*COUNTED, "class_no")


def step_columns(fields=PROJECTED) -> tuple:
    # The date as the database holds it, converted below (SQLAlchemy's per-row date
    # processing costs more than the query on a large history).
    return (JournalEntry.id, JournalEntry.student_id, JournalEntry.kind,
            type_coerce(JournalEntry.effective_date, String), JournalEntry.school_id,
            JournalEntry.corrects,
            *(JournalEntry.sets[f].as_integer() if f in INTEGER_FIELDS
              else JournalEntry.sets[f].as_string() for f in fields))


STEP_COLUMNS = step_columns()
STORED_COLUMNS = (Student.id, *(getattr(Student, f) for f in PROJECTED))


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])


def _step(row, fields=PROJECTED) -> Step:
    sets = {f: v for f, v in zip(fields, row[6:6 + len(fields)]) if v is not None}
    return Step(row[0], row[1], row[2], _date(row[3]), sets, row[4], row[5])


def stored_state(row) -> dict:
    """The stored projection of a record (a row of STORED_COLUMNS) as a state."""
    return dict(zip(PROJECTED, row[1:]))


class Timeline:
    """The records the journal has changed on or after `since`, with their whole
    history and their stored projection; every other record is counted from the stored
    projection (it has not changed since)."""

    def __init__(self, session: Session, since: dt.date, fields=PROJECTED):
        self.session = session
        self.since = since
        touched = select(JournalEntry.student_id).where(JournalEntry.effective_date >= since)
        connection = session.connection()  # plain rows: no ORM work per row
        self.histories: dict[int, list[Step]] = {}
        histories = self.histories
        # Entries that set nothing (applications, approvals …) cannot change a state:
        # only those of the period itself are read.
        sets_something = or_(JournalEntry.effective_date >= since,
                             cast(JournalEntry.sets, String) != "{}")
        # Each row carries the record's stored state and its person (one query, not three).
        stored_at = 6 + len(fields)
        person_at = stored_at + len(PROJECTED)
        self.stored: dict[int, dict] = {}
        self.people: dict[int, tuple] = {}  # id → (local number, national number, name, ID, person)
        for row in connection.execute(
                select(*step_columns(fields), *STORED_COLUMNS[1:], Person.name, Person.id_number,
                       Person.id)
                .join(Student, Student.id == JournalEntry.student_id)
                .join(Person, Person.id == Student.person_id)
                .where(JournalEntry.student_id.in_(touched), sets_something)
                .order_by(JournalEntry.student_id, JournalEntry.effective_date, JournalEntry.id)
        ).fetchall():
            step = _step(row, fields)
            if step.student_id in histories:
                histories[step.student_id].append(step)
            else:
                histories[step.student_id] = [step]
                stored = dict(zip(PROJECTED, row[stored_at:person_at]))
                self.stored[step.student_id] = stored
                self.people[step.student_id] = (stored["local_number"], stored["national_number"],
                                                *row[person_at:])

    def changed_after(self, student_id: int, day: dt.date) -> bool:
        steps = self.histories.get(student_id, ())
        return bool(steps) and steps[-1].effective_date > day

    def state(self, student_id: int, day: dt.date) -> dict:
        """A touched record's state on `day`: the stored projection when the journal
        has not changed it after `day`, else the fold."""
        if not self.changed_after(student_id, day) and student_id in self.stored:
            return self.stored[student_id]
        return state_on(self.histories.get(student_id, ()), day)

    def untouched_tally(self) -> Tally:
        """Every record the journal has not changed since `since`, by its stored state:
        the same on every day from `since − 1` on."""
        tally = Tally()
        rows = self.session.connection().execute(
            select(Student.school_id, Student.grade, Student.kind, Student.status, func.count())
            .group_by(Student.school_id, Student.grade, Student.kind, Student.status))
        for school_id, grade, kind, status, n in rows:
            tally.counts[(school_id, grade, kind or "regular", status)] += n
        for state in self.stored.values():
            tally.add(state, -1)
        return tally

    def tally_on(self, day: dt.date, base: Tally | None = None) -> Tally:
        """All records counted on `day` (≥ since − 1)."""
        tally = Tally(Counter((base or self.untouched_tally()).counts))
        for student_id in self.histories.keys() | self.stored.keys():
            tally.add(self.state(student_id, day))
        return tally


# -- the roster as it stood on a day ----------------------------------------------------

# Every column but the time a row was written, which no roster shows.
_STUDENT_COLUMNS = [c for c in Student.__table__.columns if c.key != "created_at"]
_PERSON_COLUMNS = [c for c in Person.__table__.columns if c.key != "created_at"]
# A record and its person as plain rows, read like the tables' objects (row.grade …).
StudentRow = NamedTuple("StudentRow", [(c.key, object) for c in _STUDENT_COLUMNS])
PersonRow = NamedTuple("PersonRow", [(c.key, object) for c in _PERSON_COLUMNS])


@dataclass
class RosterRow:
    """One record as it stood on a day: the record as a plain row with the projected
    fields of that day, its person (a plain row) and its school (like students.Found)."""

    student: StudentRow
    person: PersonRow
    school: School


def roster_as_of(session: Session, day: dt.date, school: str | None = None,
                 grade: int | None = None, class_no: int | None = None,
                 status: str | None = None, register_only: bool = False) -> list[RosterRow]:
    """Every record as it stood at the end of `day`, derived from the journal: records
    changed after `day` are folded from their entries up to `day` (a record created
    later is left out); the others are as stored. Filters apply to the state of that
    day. Sorted like `student list` (school, grade, class, number)."""
    timeline = Timeline(session, day + dt.timedelta(days=1))
    schools = {s.id: s for s in session.exec(select(School)).scalars()}
    rows: list[RosterRow] = []
    # Plain rows of every column (no table object per record: a county holds 100k).
    query = select(*_STUDENT_COLUMNS, *_PERSON_COLUMNS).join(Person, Person.id == Student.person_id)
    untouched = ~Student.id.in_(select(JournalEntry.student_id).where(
        JournalEntry.effective_date > day, JournalEntry.student_id.is_not(None)))
    filters = []
    if school is not None:
        filters.append(Student.school_id.in_([s.id for s in schools.values() if s.code == school]))
    if grade is not None:
        filters.append(Student.grade == grade)
    if class_no is not None:
        filters.append(Student.class_no == class_no)
    if status is not None:
        filters.append(Student.status == status)
    if register_only:  # on_register in SQL: a county's records out of the register stay unread
        filters += [or_(Student.kind == "regular", Student.kind.is_(None)),
                    Student.status.in_(sorted(register_statuses()))]
    connection = session.connection().execution_options(yield_per=2000)
    # Untouched records: as stored, if they existed on that day.
    for student, person in _split(connection.execute(query.where(untouched, *filters,
                                                                 Student.enrolled_on <= day))):
        rows.append(RosterRow(student, person, schools[student.school_id]))
    for row in folded_rows(session, timeline, day, schools):
        copy = row.student
        if school is not None and row.school.code != school:
            continue
        if grade is not None and copy.grade != grade:
            continue
        if class_no is not None and copy.class_no != class_no:
            continue
        if status is not None and copy.status != status:
            continue
        rows.append(row)
    if register_only:
        rows = [r for r in rows if on_register(_as_state(r.student))]
    rows.sort(key=lambda r: (r.school.code, r.student.grade, r.student.class_no,
                             r.student.kind != "regular", r.student.local_number or "",
                             r.person.name))
    return rows


def folded_rows(session: Session, timeline: Timeline, day: dt.date,
                schools: dict[int, School]) -> list[RosterRow]:
    """The records the journal changed after `day` (`timeline` since the day after), each
    folded to that day; a record that did not exist yet is left out."""
    query = select(*_STUDENT_COLUMNS, *_PERSON_COLUMNS).join(Person, Person.id == Student.person_id)
    connection = session.connection().execution_options(yield_per=2000)
    rows: list[RosterRow] = []
    for chunk in _chunks(list(timeline.histories), 500):
        for student, person in _split(connection.execute(query.where(Student.id.in_(chunk)))):
            state = state_on(timeline.histories[student.id], day)
            if not state or state.get("school_id") not in schools:
                continue
            copy = student._replace(**{f: state.get(f) for f in PROJECTED})
            rows.append(RosterRow(copy, person, schools[copy.school_id]))
    return rows


def _as_state(student: Student) -> dict:
    return {f: getattr(student, f) for f in PROJECTED}


def _split(rows) -> Iterable[tuple[StudentRow, PersonRow]]:
    cut = len(_STUDENT_COLUMNS)
    for row in rows:
        yield StudentRow._make(row[:cut]), PersonRow._make(row[cut:])


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
