"""Opening the database: the schema check, sessions that commit all or nothing, and the
migrations (alembic) that create and upgrade it.

SQLAlchemy is imported where it is used, not with this module: every command starts here,
and the September intake on SQLite works through the standard library without it."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3 as sqlite3_module
import sys
from collections.abc import Iterator
from importlib import resources
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


def _is_database_error(error: Exception) -> bool:
    """An error of the database driver, raised directly (sqlite3) or wrapped by SQLAlchemy
    (which is only looked for when it has been loaded)."""
    if isinstance(error, sqlite3_module.Error):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(error, sa_exc.DBAPIError)



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
