"""The September intake's database work on a county's server database ([database] url):
the look-ups, numbering and writing of records/enrollment/roster_target.py over the
psycopg connection of the ORM session's transaction — every look-up one query for the
whole roster, the rows copied in with COPY (store/postgres_writer.py), all or nothing
with the session's commit. SQLite's counterpart is records/enrollment/sqlite_target.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from xueji_cli.records.enrollment.roster_target import HELD, RosterTarget
from xueji_cli.store import postgres
from xueji_cli.store.postgres_writer import PostgresWriter

if TYPE_CHECKING:
    from sqlmodel import Session


class ServerTarget(RosterTarget):
    """Where a roster is checked against and written to, in the session's transaction."""

    writer: PostgresWriter

    def __init__(self, session: Session):
        self.connection = session.connection()
        super().__init__(PostgresWriter(self.connection.connection.driver_connection))

    def _held(self, column: str, values: list[str]) -> Iterator[tuple]:
        return self.writer.execute(HELD.format(where=f"{column} = ANY(?)"), (values,))

    def _hold(self, prefix: str) -> None:
        """NUM-1, NUM-3: the cohort's lock, as one-student enrollment takes it
        (numbering.last_sequence): a writer enrolling into the same cohort meanwhile
        waits for this transaction, then numbers after it."""
        postgres.hold_numbers(self.connection, prefix)
