"""The September intake's database work on SQLite, through the standard library's sqlite3.

The same file, schema (Alembic's), connection settings (sqlite.prepare) and transaction
(BEGIN IMMEDIATE … COMMIT: all or nothing) as the rest of the program, without loading
SQLAlchemy and the models: their import alone is a third of a 10 000-row import's time
(issue 3, bench/intake.py). The rows written are enrollment.rows_to_write's, each value
stored as SQLAlchemy stores it for the column's declared type (dates, timestamps, JSON),
so that the ORM reads them back unchanged — tests/test_intake_bulk.py imports the same
roster both ways and compares every row.

A server database (database_url) goes through the ORM instead (records/enrollment/targets.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xueji_cli.store import sqlite
from xueji_cli.records.enrollment.admission import (Applicant, Roster, match, match_keys,
                                                    rows_to_write)
from xueji_cli.records.enrollment.numbering import Sequencer, highest
from xueji_cli.store.database import Store
from xueji_cli.store.inserts import each_once, json_dumps

WRITE_CHUNK = 2000
IN_CHUNK = 500  # values bound in one `IN (?, …)` (SQLite allows 32 766)


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """What the intake reads of a school (the attributes the rules read of the model)."""

    id: int
    code: str
    name: str
    type: str


@contextlib.contextmanager
def transaction(store: Store, write: bool) -> Iterator[BulkTarget]:
    """One transaction on the directory's SQLite database: committed when the block ends
    normally (a writer), rolled back otherwise; errors as the store words them. The
    caller joins the checkpoint that follows a commit (sqlite.wait_for_checkpoints)."""
    with store.errors():
        conn = sqlite.connect(store.path, store.timeout)
        try:
            conn.execute(sqlite.begin_statement(write))
            yield BulkTarget(conn)
            if write:
                # The log is copied into the database file after the commit, in a
                # thread, while the command reports (sqlite.checkpoint_later).
                conn.execute("PRAGMA wal_autocheckpoint = 0")
                conn.execute("COMMIT")
                sqlite.checkpoint_later(store.path, store.timeout)
            else:
                conn.execute("ROLLBACK")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()


class BulkTarget:
    """Where a roster is checked against and written to, on one sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._schools: dict[str, SchoolRow] | None = None
        self._columns: dict[str, dict[str, tuple[Callable | None, bool]]] = {}

    def schools(self) -> dict[str, SchoolRow]:
        if self._schools is None:
            self._schools = {row[1]: SchoolRow(*row) for row in self.conn.execute(
                "SELECT id, code, name, type FROM school ORDER BY code")}
        return self._schools

    def roster(self, applicants: list[Applicant]) -> Roster:
        """A Roster with every look-up made at once: the schools, their service areas,
        each class's count of active records, and the records already held for the
        children of the batch (by ID number, national number, name and birth date)."""
        areas: dict[int, list[str]] = {}
        for school_id, region in self.conn.execute(
                "SELECT school_id, region FROM service_area ORDER BY id"):
            areas.setdefault(school_id, []).append(region)
        counts = {(s, g, c): n for s, g, c, n in self.conn.execute(
            "SELECT school_id, grade, class_no, count(*) FROM student WHERE status = 'active'"
            " GROUP BY school_id, grade, class_no")}
        ids = {a.id_number for a in applicants if a.id_number}
        nationals = {a.national_number for a in applicants
                     if not a.id_number and a.national_number}
        names = {a.name for a in applicants
                 if not a.id_number and not a.national_number and a.name}
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
        return Roster.loaded(self.schools(), areas, counts, found)

    def _held(self, column: str, values: list[str]) -> Iterator[tuple]:
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start:start + IN_CHUNK]
            yield from self.conn.execute(
                "SELECT s.id, sc.code, sc.name, s.local_number, s.status, p.name, p.gender,"
                " p.birth_date, s.grade, s.class_no, p.guardian_name, p.id_number,"
                " s.national_number FROM student s JOIN person p ON p.id = s.person_id"
                " JOIN school sc ON sc.id = s.school_id"
                f" WHERE {column} IN ({', '.join('?' * len(chunk))}) ORDER BY s.id", chunk)

    def sequencer(self) -> Sequencer:
        return Sequencer(last=self._last_sequence)

    def _last_sequence(self, prefix: str) -> int:
        """numbering.last_sequence on this connection (inside BEGIN IMMEDIATE)."""
        return highest(number for (number,) in self.conn.execute(
            "SELECT local_number FROM student WHERE local_number >= ? AND local_number <= ?",
            (prefix + "0000", prefix + "9999")))

    def write(self, items: list, effective: dt.date, operator: str, batch: str,
              tick: Callable[[int], None] | None = None) -> None:
        """The people, records and journal entries of `items` (applicant, assessment,
        number), in chunks; the ids of all of them taken first (the write lock is held
        since BEGIN IMMEDIATE)."""
        person_ids = sqlite.next_ids(self.conn, "person", len(items))
        student_ids = sqlite.next_ids(self.conn, "student", len(items))
        with sqlite.bulk_cache(self.conn, len(items)):
            for start in range(0, len(items), WRITE_CHUNK):
                end = min(start + WRITE_CHUNK, len(items))
                for table, keys, rows in rows_to_write(
                        items[start:end], effective, operator, batch,
                        person_ids[start:end], student_ids[start:end]):
                    self.insert(table, keys, rows)
                if tick:
                    tick(end)

    def insert(self, table: str, keys: tuple, rows: list[tuple]) -> None:
        """executemany of `rows` (values of `keys`), each column's values stored as
        SQLAlchemy stores its declared type; a value repeated down a column (the batch's
        timestamp, a birth date, one shared JSON list) is converted once. A column that is
        NULL in every row and has no default is left out of the INSERT: SQLite stores NULL
        there all the same, without binding a None per row (sqlite3 binds None through its
        adaptation look-up, the costliest parameter it binds: seven such columns per child
        were about 8 % of a roster's write)."""
        if not rows:
            return
        columns_of = self._columns_of(table)
        names, columns = [], []
        for key, values in zip(keys, zip(*rows)):
            convert, nullable_default = columns_of[key]
            if nullable_default and values[0] is None and values.count(None) == len(values):
                continue
            names.append(key)
            columns.append(values if convert is None else each_once(values, convert))
        self.conn.executemany(
            f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})',
            zip(*columns))

    def _columns_of(self, table: str) -> dict[str, tuple[Callable | None, bool]]:
        """Each column of `table`: its converter (by declared type), and whether leaving
        it out of an INSERT stores NULL (it has no DEFAULT)."""
        if table not in self._columns:
            self._columns[table] = {
                name: (CONVERTERS.get(declared.upper()), default is None)
                for _cid, name, declared, _notnull, default, _pk in
                self.conn.execute(f'PRAGMA table_info("{table}")')}
        return self._columns[table]


def _date(value: dt.date | None) -> str | None:
    if value is None:
        return None
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:"
            f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}")


def _json(value) -> str:
    """json.dumps(value) (None too: JSON null, as SQLAlchemy stores it); a list or dict
    through the store's one reused encoder."""
    return json_dumps(value) if value.__class__ in (dict, list) else json.dumps(value)


def _boolean(value: bool | None) -> int | None:
    return None if value is None else int(value)


# By the type the migrations declared (PRAGMA table_info); other types are stored as given.
CONVERTERS: dict[str, Callable] = {"DATE": _date, "DATETIME": _datetime, "JSON": _json,
                                   "BOOLEAN": _boolean}
