"""Many rows written to a county's server database with PostgreSQL's COPY (psycopg's
copy), in the caller's transaction, not one INSERT a row: the September intake's people,
records and journal entries (records/enrollment/server_target.py). Each value is stored
as the ORM stores it for the column's type (JSON as json.dumps writes it; a timestamp in
UTC, as dates.now gives it), so that the ORM reads the rows back unchanged.

SQLite's counterpart is store/sqlite_writer.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from xueji_cli.store.inserts import each_once, json_text


class PostgresWriter:
    """The psycopg connection of one transaction: its queries (`?` placeholders, as
    sqlite3 writes them), and rows copied in."""

    def __init__(self, connection):
        self.connection = connection
        self._converters: dict[str, dict[str, Callable]] = {}

    def execute(self, statement: str, parameters: tuple | list = ()):
        return self.connection.execute(statement.replace("?", "%s"), parameters)

    def next_ids(self, table: str, count: int) -> list[int]:
        """Ids for `count` new rows of `table`, taken at once from its sequence, in
        increasing order (others writing at the same time take other ids)."""
        if not count:
            return []
        # the sequence looked up first: named in the query itself, it would be looked up
        # again for every id
        [(sequence,)] = self.connection.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table,))
        return sorted(new_id for (new_id,) in self.connection.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, count)))

    def page_cache(self, rows: int) -> contextlib.AbstractContextManager[None]:
        """The server keeps its own cache: nothing to set for a large write."""
        return contextlib.nullcontext()

    def insert(self, table: str, keys: tuple, rows: list[tuple]) -> None:
        """`rows` (values of `keys`) copied into `table` in their order (ids its sequence
        gives follow that order), each column's values converted as the ORM stores its
        type; a value repeated down a column is converted once."""
        if not rows:
            return
        converters = self._converters_of(table)
        columns = [values if (convert := converters.get(key)) is None
                   else each_once(values, convert)
                   for key, values in zip(keys, zip(*rows))]
        statement = f'COPY "{table}" ({", ".join(keys)}) FROM STDIN'
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            write_row = copy.write_row
            for row in zip(*columns):
                write_row(row)

    def _converters_of(self, table: str) -> dict[str, Callable]:
        if table not in self._converters:
            self._converters[table] = {
                name: CONVERTERS[kind] for name, kind in self.connection.execute(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = %s", (table,))
                if kind in CONVERTERS}
        return self._converters[table]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp as the ORM stores dates.now() in a column without time zone: UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


CONVERTERS: dict[str, Callable] = {"json": json_text, "jsonb": json_text,
                                   "timestamp without time zone": _utc}
