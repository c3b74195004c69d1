"""What the September intake asks of the database, without the ORM, the same on SQLite
(records/enrollment/sqlite_target.py) and on a county's server
(records/enrollment/server_target.py): every look-up the rules need made at once for the
whole roster, not once per child, the highest number of each cohort (NUM-1, NUM-3), and
the rows of enrolling.rows_to_write, the ids of all of them taken first. The store's
writer (store/sqlite_writer.py, store/postgres_writer.py) runs the statements (`?`
placeholders) and writes many rows at once; a subclass gives the look-up of many values at
once (`_held`) and the cohort's lock (`_hold`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from xueji_cli.records.directory.region_names import Regions
from xueji_cli.records.directory.regions import labeller, load_rows
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.enrolling import WRITE_CHUNK, rows_to_write
from xueji_cli.records.enrollment.lookups import Lookups, match, match_keys
from xueji_cli.records.enrollment.numbering import Sequencer, highest

# a record already held, by one of its person's or record's columns (`{where}`)
HELD = ("SELECT s.id, sc.code, sc.name, s.local_number, s.status, p.name, p.gender,"
        " p.birth_date, s.grade, s.class_no, p.guardian_name, p.id_number,"
        " s.national_number FROM student s JOIN person p ON p.id = s.person_id"
        " JOIN school sc ON sc.id = s.school_id WHERE {where} ORDER BY s.id")


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """What the intake reads of a school (the attributes the rules read of the model)."""

    id: int
    code: str
    name: str
    type: str
    closed_on: dt.date | str | None = None  # ORG-2 撤并, as the driver reads the date


class RosterTarget:
    """Where a roster is checked against and written to, in one transaction of the
    writer's connection."""

    def __init__(self, writer):
        self.writer = writer
        self._schools: dict[str, SchoolRow] | None = None
        self._regions: Regions | None = None

    def execute(self, statement: str, parameters: tuple | list = ()) -> Iterable[tuple]:
        return self.writer.execute(statement, parameters)

    def _held(self, column: str, values: list[str]) -> Iterator[tuple]:
        """The rows of HELD whose `column` is one of `values`."""
        raise NotImplementedError

    def _hold(self, prefix: str) -> None:
        """Before a cohort's highest number is read: nobody else numbers it until the
        transaction ends (SQLite's BEGIN IMMEDIATE holds the whole file already)."""

    def schools(self) -> dict[str, SchoolRow]:
        if self._schools is None:
            self._schools = {row[1]: SchoolRow(*row) for row in self.execute(
                "SELECT id, code, name, type, closed_on FROM school ORDER BY code")}
        return self._schools

    def lookups(self, applicants: list[Applicant]) -> Lookups:
        """Every look-up made at once: the schools, their service areas, each class's
        count of active records, and the records already held for the children of the
        batch (by ID number, national number, name and birth date)."""
        areas: dict[int, list[str]] = {}
        for school_id, region in self.execute(
                "SELECT school_id, region FROM service_area ORDER BY id"):
            areas.setdefault(school_id, []).append(region)
        counts = {(s, g, c): n for s, g, c, n in self.execute(
            "SELECT school_id, grade, class_no, count(*) FROM student WHERE status = 'active'"
            " GROUP BY school_id, grade, class_no")}
        ids = {a.id_number for a in applicants if a.id_number}
        nationals = {a.national_number for a in applicants
                     if not a.id_number and a.national_number}
        names = {a.name for a in applicants if not a.id_number and a.name}  # NUM-7: J/L too
        found: dict[tuple, list[dict]] = {}
        seen: set[int] = set()  # a record found by two of the queries is held once
        for column, values in (("p.id_number", ids), ("s.national_number", nationals),
                               ("p.name", names)):
            if not values:
                continue
            for row in self._held(column, sorted(values)):
                (record_id, code, school_name, local, status, name, gender, birth, grade,
                 class_no, guardian, id_number, national) = row
                if record_id in seen:
                    continue
                seen.add(record_id)
                if birth.__class__ is str:  # as sqlite3 reads a DATE column
                    birth = dt.date.fromisoformat(birth)
                held = match(code, school_name, local, status, name, gender, birth, grade,
                             class_no, guardian)
                for key in match_keys(name, birth, id_number, national):
                    found.setdefault(key, []).append(held)
        return Lookups.loaded(self.schools(), areas, counts, found, labeller(self.regions))

    def sequencer(self) -> Sequencer:
        return Sequencer(last=self._last_sequence)

    def regions(self) -> Regions:
        """The region table, for the names a roster writes instead of codes and the
        names a refusal shows: loaded once per command, when first asked."""
        if self._regions is None:
            self._regions = load_rows(self.execute)
        return self._regions

    def _last_sequence(self, prefix: str) -> int:
        """numbering.last_sequence in this transaction, the prefix held first (_hold)."""
        self._hold(prefix)
        return highest(number for (number,) in self.execute(
            "SELECT local_number FROM student WHERE local_number >= ? AND local_number <= ?",
            (prefix + "0000", prefix + "9999")))

    def numbers_held(self, prefixes: set[str]) -> dict[str, str]:
        """The local numbers held under these prefixes (cancelled records too: never
        reused, NUM-3), with the name of each holder."""
        held = {}
        for prefix in sorted(prefixes):
            held.update(self.execute(
                "SELECT s.local_number, p.name FROM student s JOIN person p ON p.id = s.person_id"
                " WHERE s.local_number >= ? AND s.local_number <= ?",
                (prefix + "0000", prefix + "9999")))
        return held

    def write(self, items: list, effective: dt.date, operator: str, batch: str,
              tick: Callable[[int], None] | None = None, kind: str = "enroll") -> None:
        """The people, records and journal entries (of `kind`) of `items` (applicant,
        assessment, number), in chunks, in the order given (the journal's ids follow it);
        the ids of all the people and records taken first."""
        writer = self.writer
        person_ids = writer.next_ids("person", len(items))
        student_ids = writer.next_ids("student", len(items))
        with writer.page_cache(len(items)):
            for start in range(0, len(items), WRITE_CHUNK):
                end = min(start + WRITE_CHUNK, len(items))
                for table, keys, rows in rows_to_write(
                        items[start:end], effective, operator, batch,
                        person_ids[start:end], student_ids[start:end], kind):
                    writer.insert(table, keys, rows)
                if tick:
                    tick(end)
