"""Many rows written to the directory's SQLite database through the standard library's
sqlite3, without loading SQLAlchemy and the models (their import alone costs more than
writing a September roster of thousands): the same file, schema (Alembic's), connection
settings (sqlite.prepare) and transaction (BEGIN IMMEDIATE … COMMIT: all or nothing) as
the rest of the program. Each value is stored as SQLAlchemy stores it for the column's
declared type (dates, timestamps, JSON), so that the ORM reads the rows back unchanged.

A server database ([database] url) is written with COPY instead (store/postgres_writer.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from xueji_cli.store import sqlite
from xueji_cli.store.database import count_commit
from xueji_cli.store.inserts import each_once, json_text

if TYPE_CHECKING:
    from xueji_cli.store.database import Store


@contextlib.contextmanager
def transaction(store: Store, write: bool) -> Iterator[SqliteWriter]:
    """One transaction on the directory's SQLite database: committed when the block ends
    normally (a writer), rolled back otherwise; errors as the store words them. The
    caller joins the checkpoint that follows a commit (sqlite.wait_for_checkpoints)."""
    with store.errors():
        conn = store.connect(write)
        try:
            conn.execute(sqlite.begin_statement(write))
            yield SqliteWriter(conn)
            if write:
                # The log is copied into the database file after the commit, in a
                # thread, while the command reports (sqlite.checkpoint_later).
                conn.execute("PRAGMA wal_autocheckpoint = 0")
                conn.execute("COMMIT")
                count_commit()
                sqlite.checkpoint_later(functools.partial(
                    store.connect, True, check_same_thread=False))
            else:
                conn.execute("ROLLBACK")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()


class SqliteWriter:
    """The connection of one transaction: its queries, and rows inserted as SQLAlchemy
    would store them."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._columns: dict[str, dict[str, tuple[Callable | None, bool]]] = {}

    def execute(self, statement: str, parameters: tuple | list = ()) -> sqlite3.Cursor:
        return self.conn.execute(statement, parameters)

    def next_ids(self, table: str, count: int) -> range:
        """Ids for `count` new rows of `table`, taken at once (the write lock is held
        since BEGIN IMMEDIATE)."""
        return sqlite.next_ids(self.conn, table, count)

    def page_cache(self, rows: int) -> contextlib.AbstractContextManager[None]:
        """A page cache that holds `rows` new rows, for the block (sqlite.write_cache)."""
        return sqlite.write_cache(self.conn, rows)

    def insert(self, table: str, keys: tuple, rows: list[tuple]) -> None:
        """executemany of `rows` (values of `keys`), each column's values stored as
        SQLAlchemy stores its declared type; a value repeated down a column (the batch's
        timestamp, a birth date, one shared JSON list) is converted once. A column that is
        NULL in every row and has no default is left out of the INSERT: SQLite stores NULL
        there all the same, without binding a None per row (sqlite3 binds None through its
        adaptation look-up, the costliest parameter it binds)."""
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


def _boolean(value: bool | None) -> int | None:
    return None if value is None else int(value)


# By the type the migrations declared (PRAGMA table_info); other types are stored as given.
CONVERTERS: dict[str, Callable] = {"DATE": _date, "DATETIME": _datetime, "JSON": json_text,
                                   "BOOLEAN": _boolean}
