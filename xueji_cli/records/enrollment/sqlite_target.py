"""The September intake's database work on SQLite, through the store's sqlite3 writer
(store/sqlite_writer.py), which does not load SQLAlchemy: every look-up the rules need
made at once for the whole roster, the numbering, and the rows of
enrolling.rows_to_write — stored so that the ORM reads them back unchanged
(tests/test_intake_sqlite.py imports the same roster both ways and compares every row).

A server database ([database] url) goes through the ORM instead (records/enrollment/targets.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xueji_cli.records.directory.region_names import Regions
from xueji_cli.records.directory.regions import labeller, load_sqlite
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.enrolling import WRITE_CHUNK, rows_to_write
from xueji_cli.records.enrollment.lookups import Lookups, match, match_keys
from xueji_cli.records.enrollment.numbering import Sequencer, highest
from xueji_cli.store.sqlite_writer import SqliteWriter

IN_CHUNK = 500  # values bound in one `IN (?, …)` (SQLite allows 32 766)


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """What the intake reads of a school (the attributes the rules read of the model)."""

    id: int
    code: str
    name: str
    type: str
    closed_on: str | None = None  # ORG-2 撤并, as sqlite3 reads the date


class SqliteTarget:
    """Where a roster is checked against and written to, in one sqlite3 transaction."""

    def __init__(self, writer: SqliteWriter):
        self.writer = writer
        self._schools: dict[str, SchoolRow] | None = None
        self._regions: Regions | None = None

    def schools(self) -> dict[str, SchoolRow]:
        if self._schools is None:
            self._schools = {row[1]: SchoolRow(*row) for row in self.writer.execute(
                "SELECT id, code, name, type, closed_on FROM school ORDER BY code")}
        return self._schools

    def lookups(self, applicants: list[Applicant]) -> Lookups:
        """Every look-up made at once: the schools, their service areas, each class's
        count of active records, and the records already held for the children of the
        batch (by ID number, national number, name and birth date)."""
        areas: dict[int, list[str]] = {}
        for school_id, region in self.writer.execute(
                "SELECT school_id, region FROM service_area ORDER BY id"):
            areas.setdefault(school_id, []).append(region)
        counts = {(s, g, c): n for s, g, c, n in self.writer.execute(
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
            for row in self._held(column, sorted(values)):
                (record_id, code, school_name, local, status, name, gender, birth, grade,
                 class_no, guardian, id_number, national) = row
                if record_id in seen:
                    continue
                seen.add(record_id)
                birth = dt.date.fromisoformat(birth)
                held = match(code, school_name, local, status, name, gender, birth, grade,
                             class_no, guardian)
                for key in match_keys(name, birth, id_number, national):
                    found.setdefault(key, []).append(held)
        return Lookups.loaded(self.schools(), areas, counts, found, labeller(self.regions))

    def _held(self, column: str, values: list[str]) -> Iterator[tuple]:
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start:start + IN_CHUNK]
            yield from self.writer.execute(
                "SELECT s.id, sc.code, sc.name, s.local_number, s.status, p.name, p.gender,"
                " p.birth_date, s.grade, s.class_no, p.guardian_name, p.id_number,"
                " s.national_number FROM student s JOIN person p ON p.id = s.person_id"
                " JOIN school sc ON sc.id = s.school_id"
                f" WHERE {column} IN ({', '.join('?' * len(chunk))}) ORDER BY s.id", chunk)

    def sequencer(self) -> Sequencer:
        return Sequencer(last=self._last_sequence)

    def regions(self) -> Regions:
        """The region table, for the names a roster writes instead of codes and the
        names a refusal shows: loaded once per command, when first asked."""
        if self._regions is None:
            self._regions = load_sqlite(self.writer.execute)
        return self._regions

    def _last_sequence(self, prefix: str) -> int:
        """numbering.last_sequence in this transaction (inside BEGIN IMMEDIATE)."""
        return highest(number for (number,) in self.writer.execute(
            "SELECT local_number FROM student WHERE local_number >= ? AND local_number <= ?",
            (prefix + "0000", prefix + "9999")))

    def numbers_held(self, prefixes: set[str]) -> dict[str, str]:
        """The local numbers held under these prefixes (cancelled records too: never
        reused, NUM-3), with the name of each holder."""
        held = {}
        for prefix in sorted(prefixes):
            held.update(self.writer.execute(
                "SELECT s.local_number, p.name FROM student s JOIN person p ON p.id = s.person_id"
                " WHERE s.local_number >= ? AND s.local_number <= ?",
                (prefix + "0000", prefix + "9999")))
        return held

    def write(self, items: list, effective: dt.date, operator: str, batch: str,
              tick: Callable[[int], None] | None = None, kind: str = "enroll") -> None:
        """The people, records and journal entries (of `kind`) of `items` (applicant,
        assessment, number), in chunks; the ids of all of them taken first."""
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
