"""Opening the database: the schema check, sessions that commit all or nothing, and the
migrations (alembic) that create and upgrade it.

SQLAlchemy is imported where it is used, not with this module: the September intake works
on SQLite through the standard library (records/enrollment/sqlite_target.py) and never loads it (≈ 0.5 s)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import operator
import sqlite3 as sqlite3_module
import sys
from collections.abc import Iterator
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.store import sqlite
from xueji_cli.values.errors import DirectoryError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

DB_FILE = "xueji.db"
# The revisions of migrations/versions, oldest first. tests/test_migrations.py checks
# this against alembic's history, so that start-up need not load alembic.
REVISIONS = ("0001", "0004", "0007", "0009", "0010")
HEAD = REVISIONS[-1]
RESTORE_HINT = "用 xueji restore 从最近的备份文件(xueji.db.bak-…)恢复"


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
    connection.exec_driver_sql(statement, list(zip(*ordered)))


_COMPILED: dict[tuple, tuple] = {}


def _compiled(table, dialect, keys: tuple[str, ...]) -> tuple[str, list[str], list[tuple]]:
    """(INSERT statement, the keys in parameter order, (slot, bind processor, is JSON) of
    each column whose type processes its values), compiled once per table, dialect and
    columns."""
    cache_key = (table, dialect.name, dialect.paramstyle, keys)
    if cache_key not in _COMPILED:
        from sqlalchemy import JSON, insert

        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        if not compiled.positional:
            raise NotImplementedError("insert_rows needs a positional paramstyle (sqlite, psycopg)")
        order = list(compiled.positiontup)
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


def _is_database_error(error: Exception) -> bool:
    """An error of the database driver, raised directly (sqlite3) or wrapped by SQLAlchemy
    (which is only looked for when it has been loaded)."""
    if isinstance(error, sqlite3_module.Error):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(error, sa_exc.DBAPIError)
_JSON_KINDS = (dict, list)
_NOTHING = object()


class Store:
    def __init__(self, directory: Path, database_url: str = "", timeout: float = 15.0):
        self.directory = directory
        self.path = directory / DB_FILE
        self.url = database_url or f"sqlite:///{self.path}"
        self.is_sqlite = self.url.startswith("sqlite")
        self.timeout = timeout
        self._engines: dict[bool, Engine] = {}

    def engine(self, write: bool) -> Engine:
        if write not in self._engines:
            from sqlalchemy import create_engine

            engine = create_engine(self.url)
            if self.is_sqlite:
                sqlite.configure(engine, write=write, timeout=self.timeout)
            self._engines[write] = engine
        return self._engines[write]

    def dispose(self) -> None:
        """Close pooled connections (after the file was replaced under them)."""
        for engine in self._engines.values():
            engine.dispose()

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Database errors become DirectoryError (exit 3) with a registrar's message."""
        try:
            yield
        except Exception as error:
            if not _is_database_error(error):
                raise
            translated = sqlite.translate(error, self.path, self.timeout) if self.is_sqlite else None
            if translated is None:
                raise
            raise translated from None

    def check_exists(self) -> None:
        if self.is_sqlite and not self.path.exists():
            raise DirectoryError(
                f"目录 {self.directory} 中没有数据库文件 {DB_FILE}",
                RESTORE_HINT + ",或在新目录中用 xueji init 重新建立")

    def revision(self, conn: Connection) -> str | None:
        from sqlalchemy import exc

        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except exc.OperationalError as error:
            if "no such table" in str(error):
                return None
            raise

    def check_schema(self) -> None:
        """Refuse to work on a database whose schema is not this program's (exit 3)."""
        self.check_exists()
        if self.is_sqlite:  # read without loading SQLAlchemy: every command starts here
            with self.errors():
                current = sqlite.schema_revision(self.path, self.timeout)
        else:
            with self.errors(), self.engine(False).connect() as conn:
                current = self.revision(conn)
        if current == HEAD:
            return
        if current is None:
            raise DirectoryError(f"{self.path} 不是 xueji 数据库(没有版本信息)",
                                 RESTORE_HINT)
        if current in REVISIONS:
            raise DirectoryError(
                f"数据库结构版本 {current} 较旧,本程序需要 {HEAD}",
                "先运行 xueji db upgrade(会自动先备份数据库)")
        raise DirectoryError(
            f"数据库结构版本 {current} 比本程序新(本程序为 {HEAD})",
            "请升级 xueji 程序后再使用该目录")

    @contextlib.contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any
        error, so that a command writes all of its change or none."""
        from sqlmodel import Session

        with self.errors(), Session(self.engine(write), expire_on_commit=False) as session:
            try:
                yield session
                if write:
                    session.commit()
            except BaseException:
                session.rollback()
                raise

    # -- migrations --------------------------------------------------------------

    def _alembic_config(self, conn: Connection):
        from alembic.config import Config

        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("xueji_cli.migrations")))
        config.attributes["connection"] = conn
        return config

    def migrate(self) -> None:
        from alembic import command

        with self.errors(), self.engine(True).begin() as conn:
            command.upgrade(self._alembic_config(conn), "head")

    def create(self) -> None:
        """A new database at the newest schema (xueji init)."""
        if self.is_sqlite:
            sqlite.create_private(self.path)
            sqlite.enable_wal(self.path)
        self.migrate()

    def upgrade(self) -> tuple[str | None, Path | None]:
        """Back the database up, then migrate to head. Returns (old revision, backup)."""
        self.check_exists()
        with self.errors(), self.engine(False).connect() as conn:
            current = self.revision(conn)
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar() \
                if self.is_sqlite else 0
        if current is None and tables:
            raise DirectoryError(f"{self.path} 不是 xueji 数据库(有数据表但没有版本信息)",
                                 "不要对它升级;用 xueji 的备份文件恢复")
        if current is not None and current not in REVISIONS:
            raise DirectoryError(f"数据库结构版本 {current} 比本程序新,不能降级",
                                 "请升级 xueji 程序")
        if current == HEAD:
            return current, None
        backup = self.backup()
        self.migrate()
        return current, backup

    def backup(self, target: Path | None = None) -> Path:
        """A consistent copy (SQLite's online backup, atomic, owner-only), by default
        `xueji.db.bak-YYYYmmdd-HHMMSS` beside the database."""
        if not self.is_sqlite:
            raise DirectoryError("服务器数据库请用其自身的备份工具", "")
        target = target or self.backup_name(self.directory)
        with self.errors():
            sqlite.backup(self.path, target, self.timeout)
        return target

    @staticmethod
    def backup_name(folder: Path, kind: str = "bak") -> Path:
        """A new name `xueji.db.<kind>-YYYYmmdd-HHMMSS` in `folder` (-2, -3 … when taken)."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{DB_FILE}.{kind}-{stamp}"
        counter = 2
        while target.exists():
            target = folder / f"{DB_FILE}.{kind}-{stamp}-{counter}"
            counter += 1
        return target
