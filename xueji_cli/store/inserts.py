"""Inserting many rows at once inside the session's transaction, with SQLAlchemy Core's
compiled INSERT and each column's own bind processing (so what is stored is what the ORM
would store), without Core's per-row bookkeeping: the records and journal entries a
batch creates (ledger/journal.create_records) and the people of an enrollment. The JSON
encoder is shared with the SQLite writer (store/sqlite_writer.py)."""

from __future__ import annotations

import json
import operator
from itertools import repeat
from typing import TYPE_CHECKING

from xueji_cli.store import sqlite

if TYPE_CHECKING:
    from sqlmodel import Session


def insert_many(session: Session, table, rows: list[dict], return_ids: bool = False) -> list[int]:
    """Insert many rows (dicts with the same keys) with one executemany inside the session's
    transaction; with `return_ids`, return their new ids in order.

    SQLite cannot return the ids of a batch in order (SQLAlchemy would insert row by row),
    so there the ids are taken after the highest one, which is safe for a writer holding
    the write lock (sqlite.next_ids)."""
    if not rows:
        return []
    connection = session.connection()
    ids: list[int] = []
    if return_ids:
        if connection.dialect.name != "sqlite":
            from sqlalchemy import insert

            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(session.execute(statement, rows).scalars())
        session.flush()  # rows the session still holds take their ids first
        ids = list(sqlite.next_ids(connection.connection.driver_connection, table.name,
                                   len(rows)))
        keys = ["id", *rows[0]]
        insert_rows(session, table, keys, [(new_id, *row.values()) for new_id, row in zip(ids, rows)])
    else:
        insert_rows(session, table, list(rows[0]), [tuple(row.values()) for row in rows])
    return ids


def insert_rows(session: Session, table, keys: list[str], rows: list[tuple]) -> None:
    """Insert many rows, each a tuple of the values of `keys` in that order, with one
    executemany inside the session's transaction.

    The INSERT is SQLAlchemy Core's, compiled for the dialect, and every value goes through
    its column type's own bind processor (so what is stored is what Core would store);
    what is skipped is Core's per-row parameter bookkeeping, which doubles the cost of a
    large executemany. The values are processed column by column: a value that repeats
    in a column (the batch's timestamp, a birth date, the same evidence) is processed
    once. A column that is NULL in every row is left out (it is NULL without a
    parameter)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = list(zip(*rows))
    height = len(rows)
    keep = tuple(key for key, column in zip(keys, columns) if column.count(None) != height)
    statement, order, processors = _compiled(table, dialect, keep)
    if not set(order) <= set(keep):  # a column default took the place of a left-out column
        statement, order, processors = _compiled(table, dialect, tuple(keys))
    position = {key: index for index, key in enumerate(keys)}
    ordered = [columns[position[key]] for key in order]
    for slot, process, is_json in processors:
        ordered[slot] = _processed(ordered[slot], process, is_json, dialect)
    if dialect.positional:
        connection.exec_driver_sql(statement, list(zip(*ordered)))
    else:  # psycopg's named parameters, %(name)s
        connection.exec_driver_sql(statement, [dict(zip(order, row)) for row in zip(*ordered)])


_COMPILED: dict[tuple, tuple] = {}


def _compiled(table, dialect, keys: tuple[str, ...]) -> tuple[str, list[str], list[tuple]]:
    """(INSERT statement, the keys in parameter order, (slot, bind processor, is JSON) of
    each column whose type processes its values), compiled once per table, dialect and
    columns."""
    cache_key = (table, dialect.name, dialect.paramstyle, keys)
    if cache_key not in _COMPILED:
        from sqlalchemy import JSON, insert

        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        order = list(compiled.positiontup if compiled.positional else compiled.params)
        processors = []
        for slot, name in enumerate(order):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((slot, process, isinstance(column_type, JSON)))
        _COMPILED[cache_key] = (compiled.string, order, processors)
    return _COMPILED[cache_key]


def _processed(values: tuple, process, is_json: bool, dialect) -> list:
    """One column's values through its bind processor, each distinct value once. A JSON
    list or dict is encoded as json.dumps would (the processor's own serializer when the
    engine was given another one); rows that share one list or dict encode it once."""
    if is_json and dialect._json_serializer is None:
        return each_once(values, lambda value: _json_text(value)
                         if value.__class__ in _JSON_KINDS else process(value))
    return each_once(values, process)


def each_once(values: tuple, convert) -> list:
    """convert(value) for each of a column's values, each distinct value converted once:
    the batch's timestamp, a birth date, a region repeat down a roster. A list or dict is
    shared only when it is the same object (a row's run of one evidence list)."""
    if values and all(map(operator.is_, values, repeat(values[0]))):
        return [convert(values[0])] * len(values)  # one object down the column (a stamp)
    out = []
    memo: dict = {}
    last, result = _NOTHING, None
    for value in values:
        if value is not last:
            if value.__class__ in _JSON_KINDS:  # unhashable
                result = convert(value)
            else:
                key = (value.__class__, value)  # True == 1, but not to a converter
                result = memo.get(key, _NOTHING)
                if result is _NOTHING:
                    result = memo[key] = convert(value)
            last = value
        out.append(result)
    return out


def json_text(value) -> str:
    """json.dumps(value) (None too: JSON null, as SQLAlchemy stores it); a list or dict
    through the store's one reused encoder."""
    return _json_text(value) if value.__class__ in _JSON_KINDS else json.dumps(value)


def _json_text(value: dict | list) -> str:
    if value:
        return json_dumps(value)
    return "{}" if value.__class__ is dict else "[]"  # most people's details: {}


def _json_encoder():
    """json.dumps(value) for a list or dict, with the standard library's C encoder made
    once (json.dumps makes it anew for every value, which costs more than encoding a
    record's few fields). The output is json.dumps's own: same encoder, same settings."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps

    def default(value):
        raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")

    iterencode = make(None, default, encoder.encode_basestring_ascii, None, ": ", ", ",
                      False, False, True)
    return lambda value: "".join(iterencode(value, 0))


json_dumps = _json_encoder()


_JSON_KINDS = (dict, list)
_NOTHING = object()
