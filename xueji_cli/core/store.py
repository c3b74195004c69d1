"""Opening the database: the schema check, sessions that commit all or nothing, and the
migrations (alembic) that create and upgrade it."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3 as sqlite3_module
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, exc, insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from xueji_cli.core import sqlite
from xueji_cli.core.errors import DirectoryError

DB_FILE = "xueji.db"
# The revisions of migrations/versions, oldest first. tests/test_migrations.py checks
# this against alembic's history, so that start-up need not load alembic.
REVISIONS = ("0001", "0004", "0007", "0009")
HEAD = REVISIONS[-1]
RESTORE_HINT = "用 xueji restore 从最近的备份文件(xueji.db.bak-…)恢复"


def insert_many(session: Session, table, rows: list[dict], return_ids: bool = False) -> list[int]:
    """Insert many rows (dicts with the same keys) with one executemany inside the session's
    transaction; with `return_ids`, return their new ids in order.

    The INSERT is SQLAlchemy Core's, compiled for the dialect, and every value goes through
    its column type's own bind processor (so what is stored is what Core would store);
    what is skipped is Core's per-row parameter bookkeeping, which doubles the cost of a
    large executemany. A value the rows share (the batch's timestamp, an empty list) is
    processed once.

    SQLite cannot return the ids of a batch in order (SQLAlchemy would insert row by row),
    so there the ids are taken after the highest one, which is safe for a writer holding
    the write lock (sqlite.next_ids)."""
    if not rows:
        return []
    connection = session.connection()
    dialect = connection.dialect
    ids: list[int] = []
    if return_ids:
        if dialect.name != "sqlite":
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(session.execute(statement, rows).scalars())
        session.flush()  # rows the session still holds take their ids first
        ids = list(sqlite.next_ids(connection, table.name, len(rows)))
        for new_id, row in zip(ids, rows):
            row["id"] = new_id
    # A column that is NULL in every row is left out (it is NULL without a parameter).
    keys = [key for key in rows[0] if any(row[key] is not None for row in rows)]
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    if not set(compiled.positiontup or keys) <= set(keys):  # a column default took its place
        keys = list(rows[0])
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else keys
    processors = [(index, process) for index, name in enumerate(order)
                  if (process := table.c[name].type.dialect_impl(dialect)
                      .bind_processor(dialect)) is not None]
    params = []
    last: list[tuple[object, object]] = [(_NOTHING, None)] * len(processors)
    for row in rows:
        values = [row[name] for name in order]
        for slot, (index, process) in enumerate(processors):
            value = values[index]
            seen, result = last[slot]
            if seen is not value:  # a value shared with the row before is processed once
                result = process(value)
                last[slot] = (value, result)
            values[index] = result
        params.append(tuple(values) if compiled.positional else dict(zip(order, values)))
    connection.exec_driver_sql(compiled.string, params)
    return ids


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
        except (exc.DBAPIError, sqlite3_module.Error) as error:
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
        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except exc.OperationalError as error:
            if "no such table" in str(error):
                return None
            raise

    def check_schema(self) -> None:
        """Refuse to work on a database whose schema is not this program's (exit 3)."""
        self.check_exists()
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
