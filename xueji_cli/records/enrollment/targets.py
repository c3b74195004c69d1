"""Where the September intake (and the takeover of a register) checks its rows and writes
them: the database in one transaction, all or nothing, every look-up made at once for the
whole roster (records/enrollment/roster_target.py). On SQLite,
records/enrollment/sqlite_target.SqliteTarget (sqlite3, no SQLAlchemy); on a server
database ([database] url), records/enrollment/server_target.ServerTarget (COPY in the
session's transaction)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from xueji_cli.records.directory.region_names import Regions
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.records.enrollment.numbering import Sequencer
from xueji_cli.records.enrollment.sqlite_target import SqliteTarget
from xueji_cli.store import sqlite_writer
from xueji_cli.values.school_codes import not_found

if TYPE_CHECKING:
    from xueji_cli.store.database import Store


class Target(Protocol):
    """The database as the intake uses it, in one transaction (SqliteTarget on SQLite,
    ServerTarget on a server database)."""

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
        from xueji_cli.records.enrollment.server_target import ServerTarget

        with store.session(write=write) as session:
            yield ServerTarget(session)


def require_school(target: Target, code: str) -> None:
    """--school names a school of the directory: one message, not one a row."""
    schools = target.schools()
    if code not in schools:
        raise not_found(code, [(s.code, s.name) for s in schools.values()])
