"""Where the September intake checks its rows and writes them: the database in one
transaction, all or nothing. On SQLite, records/enrollment/sqlite_target.SqliteTarget
(sqlite3, every look-up made at once, no SQLAlchemy); on a server database
([database] url), SessionTarget through the ORM session, as one-student enrollment."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from xueji_cli.records.directory import regions
from xueji_cli.records.directory.region_names import Regions
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.enrolling import WRITE_CHUNK, write_many
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.records.enrollment.numbering import Sequencer
from xueji_cli.records.enrollment.sqlite_target import SqliteTarget
from xueji_cli.store import sqlite_writer
from xueji_cli.values.school_codes import not_found

if TYPE_CHECKING:
    from sqlmodel import Session

    from xueji_cli.store.database import Store


class Target(Protocol):
    """The database as the intake uses it, in one transaction (SqliteTarget on SQLite,
    SessionTarget on a server database)."""

    def schools(self) -> dict: ...
    def lookups(self, applicants: list[Applicant]) -> Lookups: ...
    def sequencer(self) -> Sequencer: ...
    def regions(self) -> Regions: ...
    def write(self, items: list, effective: dt.date, operator: str, batch: str,
              tick: Callable[[int], None] | None = None, kind: str = "enroll") -> None: ...
    def numbers_held(self, prefixes: set[str]) -> dict[str, str]: ...


@contextlib.contextmanager
def open_target(store: Store, write: bool) -> Iterator[Target]:
    """One transaction over the directory's database, all or nothing."""
    if store.is_sqlite:
        with sqlite_writer.transaction(store, write) as writer:
            yield SqliteTarget(writer)
    else:
        with store.session(write=write) as session:
            yield SessionTarget(session)


def require_school(target: Target, code: str) -> None:
    """--school names a school of the directory: one message, not one a row."""
    schools = target.schools()
    if code not in schools:
        raise not_found(code, [(s.code, s.name) for s in schools.values()])


class SessionTarget:
    """A server database: through the ORM session, each child's look-ups as one-student
    enrollment makes them, the rows written chunk by chunk (enrolling.write_many)."""

    def __init__(self, session: Session):
        self.session = session

    def schools(self) -> dict:
        from sqlmodel import select

        from xueji_cli.ledger.models import School

        return {s.code: s for s in self.session.exec(select(School))}

    def lookups(self, applicants: list[Applicant]) -> Lookups:
        return Lookups(self.session)

    def sequencer(self) -> Sequencer:
        return Sequencer(self.session)

    def regions(self) -> Regions:
        return regions.load(self.session)

    def numbers_held(self, prefixes: set[str]) -> dict[str, str]:
        from sqlmodel import select

        from xueji_cli.ledger.models import Person, Student

        held = {}
        for prefix in sorted(prefixes):
            held.update(self.session.exec(
                select(Student.local_number, Person.name)
                .join(Person, Person.id == Student.person_id)
                .where(Student.local_number >= prefix + "0000",
                       Student.local_number <= prefix + "9999")).all())
        return held

    def write(self, items: list, effective: dt.date, operator: str, batch: str,
              tick: Callable[[int], None] | None = None, kind: str = "enroll") -> None:
        for start in range(0, len(items), WRITE_CHUNK):
            chunk = items[start:start + WRITE_CHUNK]
            write_many(self.session, chunk, effective, operator, batch=batch, kind=kind)
            if tick:
                tick(start + len(chunk))
