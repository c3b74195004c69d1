"""Opening the database: the schema check, sessions that commit all or nothing, and the
migrations (alembic) that create and upgrade it.

SQLAlchemy is imported where it is used, not with this module: every command starts here,
and the September intake on SQLite works through the standard library without it."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import sqlite3 as sqlite3_module
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.store import postgres, sqlite
from xueji_cli.values.errors import DirectoryError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

DB_FILE = "xueji.db"
# The revisions of migrations/versions, oldest first. tests/test_migrations.py checks
# this against alembic's history, so that start-up need not load alembic.
REVISIONS = ("0001", "0004", "0007", "0009", "0010", "0011", "0012", "0013")
HEAD = REVISIONS[-1]
RESTORE_HINT = "用 xueji restore 从最近的备份文件(xueji.db.bak-…)恢复"


def _is_database_error(error: Exception) -> bool:
    """An error of the database driver, raised directly (sqlite3; psycopg, whose COPY
    the September intake and `db copy` use on a server) or wrapped by SQLAlchemy (each
    only looked for when it has been loaded)."""
    if isinstance(error, sqlite3_module.Error):
        return True
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(error, sa_exc.DBAPIError)



_commits = [0]  # write transactions this process has committed


def commits() -> int:
    """How many write transactions this process has committed. The command layer compares
    the count before and after a command: an error after a commit must not say that
    nothing was written (the registrar would do the change again)."""
    return _commits[0]


def count_commit() -> None:
    _commits[0] += 1


class Store:
    """The directory's database: on SQLite the file of `path` — xueji.db in the
    directory, or the one [database] url names — which every command opens through
    connect(); on a server, the database of [database] url."""

    def __init__(self, directory: Path, database_url: str = "", timeout: float = 15.0,
                 named_by: str = postgres.NAMED_IN_SETTINGS):
        self.directory = directory
        self.named_by = named_by  # where the registrar wrote the server's address
        self.is_sqlite = not database_url or database_url.startswith("sqlite")
        self.path = sqlite.path_of(database_url if self.is_sqlite else "", directory, DB_FILE)
        self.url = postgres.engine_url(database_url) if not self.is_sqlite \
            else f"sqlite:///{self.path}"
        self.timeout = timeout
        self._engines: dict[bool, Engine] = {}
        self._log_judged = False  # the log beside the file: store/wal.py

    def connect(self, write: bool, check_same_thread: bool = True) -> sqlite3_module.Connection:
        """The one way the program opens its SQLite database: the SQLAlchemy engines, the
        sqlite3 writer of the September intake, backup and restore all connect here. A
        reader's connection is read-only. Before this process first opens the file, a
        write-ahead log left beside it is checked on copies (store/wal.py) and refused
        when it does not belong to the database."""
        self.judge_log()
        return sqlite.connect(self.path, self.timeout, write=write,
                              check_same_thread=check_same_thread)

    def judge_log(self) -> None:
        """Refuse (exit 3) a write-ahead log beside the SQLite file that does not belong
        to it (store/wal.py) — once, before this process first opens the file."""
        if not self.is_sqlite or self._log_judged:
            return
        if not sqlite.opened_here(self.path) and sqlite.log_pending(self.path):
            from xueji_cli.store import wal  # only then: most commands find no log

            wal.check(self.path, REVISIONS)
        self._log_judged = True

    def engine(self, write: bool) -> Engine:
        if write not in self._engines:
            from sqlalchemy import create_engine

            if self.is_sqlite:
                engine = create_engine(self.url, creator=lambda: self.connect(write))
                sqlite.configure(engine, write=write)
            else:
                engine = self._server_engine(create_engine)
            self._engines[write] = engine
        return self._engines[write]

    def _server_engine(self, create_engine) -> Engine:
        """[database] url's engine; a URL SQLAlchemy cannot use, or whose driver is not
        installed, is the directory's setting to correct (exit 3), not a defect. The
        message names the kind of database only: the URL may hold a password."""
        from sqlalchemy import exc

        kind = self.url.partition(":")[0]
        # a lock held by another writer is waited for as long as SQLite's busy timeout
        # (then exit 3, postgres.translate), never for ever
        options = f"-c lock_timeout={round(self.timeout * 1000)}"
        # xueji.db holds moments as UTC without a zone; read into the server's timestamptz
        # they must be UTC too, whatever zone the county's server is set to
        options += " -c TimeZone=UTC"
        try:
            return create_engine(self.url, connect_args={"options": options})
        except ImportError as error:
            raise DirectoryError(
                f"xueji.toml 中 [database] 的 url 是 {kind} 数据库,但本机没有安装它的驱动"
                f"({error.name or '未知'})",
                "安装该驱动(PostgreSQL 用 pip install \"psycopg[binary]\"),"
                "或清空 [database] 的 url 使用本目录的 xueji.db") from None
        except (exc.ArgumentError, exc.NoSuchModuleError):
            raise DirectoryError(
                f"xueji.toml 中 [database] 的 url({kind}:…)不是可用的数据库地址",
                "写成 postgresql://用户@主机/库名 或 sqlite:///文件名.db,"
                "或清空 [database] 的 url 使用本目录的 xueji.db") from None

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
            translated = sqlite.translate(error, self.path, self.timeout) if self.is_sqlite \
                else postgres.translate(error, self.timeout, self.named_by)
            if translated is None:
                raise
            raise translated from None

    def check_exists(self) -> None:
        if not self.is_sqlite or self.path.exists():
            return
        if self.path == self.directory / DB_FILE:
            raise DirectoryError(f"目录 {self.directory} 中没有数据库文件 {DB_FILE}",
                                 RESTORE_HINT + ",或在新目录中用 xueji init 重新建立")
        raise DirectoryError(f"xueji.toml 中 [database] 的 url 指定的数据库文件 {self.path} 不存在",
                             "核对 [database] 的 url,或用 xueji restore 从备份恢复")

    def revision(self, conn: Connection) -> str | None:
        from sqlalchemy import exc

        if not self.is_sqlite and conn.exec_driver_sql(
                "SELECT to_regclass('alembic_version')").scalar() is None:
            return None  # asked first: a failed statement would end the transaction
        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except exc.OperationalError as error:
            if "no such table" in str(error):
                return None
            raise

    def current_revision(self) -> str | None:
        """The database's schema revision (None: it has none, not a xueji database)."""
        self.check_exists()
        if self.is_sqlite:  # read without loading SQLAlchemy: every command starts here
            with self.errors():
                conn = self.connect(write=False)
                try:
                    return sqlite.schema_revision(conn)
                finally:
                    conn.close()
        with self.errors(), self.engine(False).connect() as conn:
            return self.revision(conn)

    def check_schema(self, older_ok: bool = False) -> None:
        """Refuse to work on a database whose schema is not this program's (exit 3); with
        `older_ok`, one of an older revision is accepted (a backup of it)."""
        current = self.current_revision()
        if current == HEAD or older_ok and current in REVISIONS:
            return
        raise revision_problem(self.name, current)

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
                    count_commit()
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
        count_commit()

    @property
    def name(self) -> str:
        """The database as a message names it (never the server's URL: it may hold a
        password)."""
        return str(self.path) if self.is_sqlite else "服务器数据库([database] url)"

    def create(self) -> None:
        """A new database at the newest schema (xueji init). On a server the database
        exists already: an empty one gets the schema, one at the newest schema is another
        directory's of the same county and is used as it is."""
        if self.is_sqlite:
            sqlite.create_private(self.path)
            sqlite.enable_wal(self.path, self.timeout)
        elif (current := self.current_revision()) is not None:
            if current != HEAD:
                raise revision_problem(self.name, current)
            return
        self.migrate()

    def upgrade(self) -> tuple[str | None, Path | None]:
        """Back the database up, then migrate to head. Returns (old revision, backup)."""
        self.check_exists()
        with self.errors(), self.engine(False).connect() as conn:
            current = self.revision(conn)
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'" if self.is_sqlite
                else "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).scalar()
        if current is None and tables:
            raise DirectoryError(f"{self.name} 不是 xueji 数据库(有数据表但没有版本信息)",
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
        `<database>.bak-YYYYmmdd-HHMMSS` beside the database (-2, -3 … when taken); of a
        server database, pg_dump's (server_dump), by default in the directory."""
        if not self.is_sqlite:
            return self.server_dump(target)[0]
        with self.errors():
            return self.copy([target] if target is not None else None)

    def server_dump(self, target: Path | None = None):
        """pg_dump of the server database into `target` (default: `<database
        name>.pgdump-YYYYmmdd-HHMMSS` in the directory); returns the file and what it
        holds (store/server_backup.py)."""
        from xueji_cli.store import server_backup

        names = [target] if target is not None else self.backup_names(self.directory)
        with self.errors():
            return server_backup.dump(server_backup.without_driver(self.url), names)

    def copy(self, names: list[Path] | None = None) -> Path:
        """backup() with SQLite's errors as they are (a restore tells a damaged database
        by them)."""
        source = self.connect(write=False)
        try:
            return sqlite.backup(source, names or self.backup_names(self.path.parent),
                                 self.timeout)
        finally:
            source.close()

    def backup_names(self, folder: Path, kind: str = "") -> Iterator[Path]:
        """New names `<database>.<kind>-YYYYmmdd-HHMMSS` in `folder` (the database: its
        file's name, or the server database's; kind: bak, or pgdump for pg_dump's
        format), then the same with -2, -3 …: whoever writes takes the first free one
        (sqlite.publish)."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        if self.is_sqlite:
            name, kind = self.path.name, kind or "bak"
        else:
            from xueji_cli.store import server_backup

            name, kind = server_backup.database_name(self.url), kind or "pgdump"
        base = folder / f"{name}.{kind}-{stamp}"
        yield base
        for counter in itertools.count(2):
            yield base.with_name(f"{base.name}-{counter}")

    def set_aside_unfitting_log(self) -> Path | None:
        """Before the database is replaced: a log beside it that does not fit it is moved
        to `<database>.unmatched-log-…` (store/wal.set_aside). Returns where, or None."""
        from xueji_cli.store import wal

        aside = wal.set_aside(self.path, REVISIONS,
                              self.backup_names(self.path.parent, "unmatched-log"))
        self._log_judged = True
        return aside

    def page_size(self) -> int:
        conn = self.connect(write=False)
        try:
            return sqlite.page_size(conn)
        finally:
            conn.close()

    def replace_contents(self, source: Path) -> None:
        """The whole database replaced by the file `source` in one write transaction
        (sqlite.replace_contents)."""
        conn = self.connect(write=True)
        try:
            sqlite.replace_contents(source, conn, self.timeout)
            count_commit()
        finally:
            conn.close()


def revision_problem(path: Path | str, current: str | None) -> DirectoryError:
    """Why a database at revision `current` cannot be used by this program, and what to do."""
    if current is None:
        return DirectoryError(f"{path} 不是 xueji 数据库(没有版本信息)", RESTORE_HINT)
    if current in REVISIONS:
        return DirectoryError(f"数据库结构版本 {current} 较旧,本程序需要 {HEAD}",
                              "先运行 xueji db upgrade(会自动先备份数据库)")
    return DirectoryError(f"数据库结构版本 {current} 比本程序新(本程序为 {HEAD}),本程序太旧",
                          "请升级 xueji 程序后再使用该目录")
