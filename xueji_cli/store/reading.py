"""Reading the database with plain SQL, one text for SQLite and a server: `:name`
parameters (which sqlite3 and SQLAlchemy's text() both take), dates as dates, and the few
words the two dialects spell differently (a JSON field). On SQLite a report that only
counts reads through the standard library's sqlite3, without loading SQLAlchemy and the
models (their import alone costs more than the counting); inside an ORM session the same
queries run on the session's connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from xueji_cli.store import sqlite

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.engine import Connection

    from xueji_cli.store.database import Store

# The LIMIT of an OFFSET alone (SQLite takes no OFFSET without a LIMIT; both dialects take
# the largest integer).
EVERY_ROW = 2**63 - 1
# Values bound to one IN list at a time (SQLite's oldest limit on parameters is 999).
CHUNK = 500


class SqliteReader:
    """A read transaction of the standard library's sqlite3 (store/sqlite.connect)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def rows(self, statement: str, parameters: dict) -> list[tuple]:
        return self.stream(statement, parameters).fetchall()

    def stream(self, statement: str, parameters: dict) -> sqlite3.Cursor:
        # Dates as SQLAlchemy stores them on SQLite: ISO text, compared as text.
        bound = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in parameters.items()}
        return self.conn.execute(statement, bound)

    def scan(self, statement: str) -> Iterator[tuple]:
        return self.conn.execute(statement)

    def json_text(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    def digits(self, column: str, count: int) -> str:
        return sqlite_digits(column, count)


class ConnectionReader:
    """The same queries on a SQLAlchemy connection (a server database, or an ORM session's)."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def rows(self, statement: str, parameters: dict) -> list[tuple]:
        from sqlalchemy import text

        return [tuple(row) for row in self.connection.execute(text(statement), parameters)]

    def stream(self, statement: str, parameters: dict) -> Iterator[tuple]:
        """The rows as the database gives them, a thousand at a time (constant memory)."""
        from sqlalchemy import text

        for row in self.connection.execution_options(yield_per=1000).execute(
                text(statement), parameters):
            yield tuple(row)

    def scan(self, statement: str) -> Iterator[tuple]:
        """The rows of a statement without parameters from the driver's own cursor: a
        column of 100k values read without a row object each."""
        cursor = self.connection.connection.cursor()
        try:
            cursor.execute(statement)
            yield from cursor
        finally:
            cursor.close()

    def json_text(self, column: str, key: str) -> str:
        if self.connection.dialect.name == "sqlite":
            return f"json_extract({column}, '$.{key}')"
        return f"({column} ->> '{key}')"

    def digits(self, column: str, count: int) -> str:
        if self.connection.dialect.name == "sqlite":
            return sqlite_digits(column, count)
        return f"{column} ~ '^[0-9]{{{count}}}$'"


def sqlite_digits(column: str, count: int) -> str:
    """The column is `count` ASCII digits (GLOB: SQLite has no regular expressions)."""
    return f"{column} GLOB '{'[0-9]' * count}'"


@contextlib.contextmanager
def sqlite_reading(store: Store) -> Iterator[SqliteReader]:
    """One read transaction on the directory's SQLite database (one snapshot for every
    query of the block); errors as the store words them."""
    with store.errors():
        conn = store.connect(write=False)
        try:
            conn.execute(sqlite.begin_statement(False))
            yield SqliteReader(conn)
            conn.execute("ROLLBACK")
        finally:
            conn.close()


@contextlib.contextmanager
def reading(store: Store) -> Iterator[SqliteReader | ConnectionReader]:
    """One read transaction of the directory's database: sqlite3 on SQLite (SQLAlchemy
    never loaded), an ORM session's connection on a server."""
    if store.is_sqlite:
        with sqlite_reading(store) as reader:
            yield reader
    else:
        with store.session() as session:
            yield ConnectionReader(session.connection())


def in_list(name: str, values: Iterable) -> tuple[str, dict]:
    """The placeholders of an IN list (`:name0, :name1 …`) and their parameters; an empty
    list matches nothing."""
    parameters = {f"{name}{i}": value for i, value in enumerate(values)}
    return (", ".join(f":{key}" for key in parameters) or "NULL"), parameters


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def as_date(value) -> dt.date | None:
    """A date column's value: a date on a server, ISO text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
