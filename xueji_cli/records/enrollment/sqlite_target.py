"""The September intake's database work on SQLite, through the store's sqlite3 writer
(store/sqlite_writer.py), which does not load SQLAlchemy: the look-ups, numbering and
writing of records/enrollment/roster_target.py, the rows stored so that the ORM reads
them back unchanged (tests/test_intake_sqlite.py imports the same roster both ways and
compares every row).

A server database ([database] url) has its own: records/enrollment/server_target.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from xueji_cli.records.enrollment.roster_target import HELD, RosterTarget
from xueji_cli.store.sqlite_writer import SqliteWriter

IN_CHUNK = 500  # values bound in one `IN (?, …)` (SQLite allows 32 766)


class SqliteTarget(RosterTarget):
    """Where a roster is checked against and written to, in one sqlite3 transaction
    (the writer of store/sqlite_writer.transaction)."""

    writer: SqliteWriter

    def _held(self, column: str, values: list[str]) -> Iterator[tuple]:
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start:start + IN_CHUNK]
            yield from self.writer.execute(
                HELD.format(where=f"{column} IN ({', '.join('?' * len(chunk))})"), chunk)
