"""Everything SQLite-specific in one place: connection pragmas, BEGIN IMMEDIATE for
writers, the online backup and restore, and turning SQLite's errors into registrar
messages. A PostgreSQL deployment ([database] url) skips this module."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.values.errors import DirectoryError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

HEADER = b"SQLite format 3\x00"
DAMAGE_WORDS = ("file is not a database", "malformed", "integrity")


def configure(engine: Engine, *, write: bool) -> None:
    """Transactions that SQLAlchemy controls: a writer takes the write lock at BEGIN
    (IMMEDIATE), so reading the next free number and inserting it cannot interleave with
    another process. The connections themselves come from connect() (the engine's creator)."""
    from sqlalchemy import event

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(begin_statement(write))


def prepare(dbapi_connection: sqlite3.Connection, timeout: float) -> None:
    """Every connection: foreign keys on, a busy wait, every commit on the disk before it
    is reported (synchronous FULL), and transactions begun by us (begin_statement), not
    by the driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def begin_statement(write: bool) -> str:
    return "BEGIN IMMEDIATE" if write else "BEGIN"


_opened: set[str] = set()  # the database files this process has connected to


def connect(path: Path, timeout: float, *, write: bool,
            check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection of the standard library's sqlite3, set up by prepare(). The file
    must exist: opening never creates a database. A reader opens it read-only, so that
    it can never change the file — not even by the checkpoint SQLite makes when the last
    connection closes (which would copy a log into the file)."""
    path = Path(path).resolve()
    conn = sqlite3.connect(f"{path.as_uri()}?mode={'rw' if write else 'ro'}", uri=True,
                           timeout=timeout, check_same_thread=check_same_thread)
    _opened.add(str(path))
    prepare(conn, timeout)
    return conn


def opened_here(path: Path) -> bool:
    """This process has connected to the database `path` (store/wal.py: its own
    connections hold locks that it cannot see, and must not disturb)."""
    return str(Path(path).resolve()) in _opened


def log_pending(path: Path) -> bool:
    """A write-ahead log with something in it lies beside the database `path`."""
    try:
        return os.stat(f"{path}-wal").st_size > 0
    except OSError:
        return False


def schema_revision(conn: sqlite3.Connection) -> str | None:
    """The database's alembic revision, or None when it has none (not a xueji database)."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return None
        raise
    return row[0] if row else None


# A large write (a September roster) inserts about 1 KiB of table and index pages per row.
# SQLite's default page cache (2 MB) spills dirty pages to the WAL in the middle of the
# transaction and modifies them again and again; a cache that holds the whole transaction
# writes each page once, at the commit. The cache is only memory (no effect on durability).
WRITE_CACHE_KIB_PER_ROW = 1
WRITE_CACHE_MAX_KIB = 160 * 1024


@contextlib.contextmanager
def write_cache(conn: sqlite3.Connection, rows: int) -> Iterator[None]:
    """A page cache large enough for `rows` rows of a large insert, for the duration of
    the block (the connection's own setting is restored afterwards)."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    wanted = min(WRITE_CACHE_MAX_KIB, 8 * 1024 + rows * WRITE_CACHE_KIB_PER_ROW)
    if before < 0 and -before >= wanted or before > 0 and before * 4 >= wanted:
        yield
        return
    conn.execute(f"PRAGMA cache_size = -{wanted}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


_checkpoints: list = []  # threads copying a committed large write into the database file


def checkpoint_later(open_helper: Callable[[], sqlite3.Connection]) -> None:
    """After a large write committed with its automatic checkpoint turned off (PRAGMA
    wal_autocheckpoint = 0 on the writer's connection): copy the write-ahead log into the
    database file in a thread, while the caller reports and tidies up. The data is on
    the disk already (the commit synced the log, synchronous FULL); the checkpoint is
    housekeeping that SQLite would otherwise do inside the COMMIT — and again when the
    writer, the last connection, closed. The thread's connection (`open_helper()`, a
    writer's, usable from another thread) is opened before the writer closes, so that
    closing the writer does not checkpoint either. If the checkpoint cannot be made
    (another process holds the file), the log stays and the next connection checkpoints
    it; if no thread can be started, closing the writer checkpoints as usual. Never
    raises: the write is committed. wait_for_checkpoints() joins the threads (the end of
    a command)."""
    import threading

    try:
        helper = open_helper()
    except sqlite3.Error:
        return
    thread = threading.Thread(target=_checkpoint, args=(helper,), name="xueji-checkpoint")
    try:
        thread.start()
    except RuntimeError:  # no thread to be had
        helper.close()
        return
    _checkpoints.append(thread)


def _checkpoint(helper: sqlite3.Connection) -> None:
    try:
        helper.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        pass  # the committed data is in the log; the next connection copies it
    finally:
        helper.close()


def wait_for_checkpoints() -> None:
    while _checkpoints:
        _checkpoints.pop().join()


def next_ids(conn: sqlite3.Connection, table: str, count: int) -> range:
    """Ids for `count` new rows of `table`. SQLite gives a new row max(rowid) + 1; a writer
    holds the write lock from BEGIN IMMEDIATE to its commit, so no one else can take
    these ids meanwhile."""
    last = conn.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
    return range(last + 1, last + 1 + count)


def enable_wal(path: Path, timeout: float = 15.0) -> None:
    """WAL lets readers go on while one registrar writes; set once, kept in the file."""
    conn = connect(path, timeout, write=True)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def create_private(path: Path) -> None:
    """An empty file readable by its owner only (personal data). The mode is given at
    creation, so no umask can widen it; SQLite gives its -wal and -shm files the mode of
    the database file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def is_database_file(path: Path) -> bool:
    """True when the file starts with SQLite's header (an empty file is not a database)."""
    return starts_with(path, HEADER)


def starts_with(path: Path, header: bytes) -> bool:
    """The file's first bytes are `header` (what kind of file it is); False when it
    cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(header)) == header
    except OSError:
        return False


def is_damage(error: BaseException) -> bool:
    text = str(getattr(error, "orig", error) or error).lower()
    return any(word in text for word in DAMAGE_WORDS)


def open_readonly(path: Path, timeout: float = 15.0) -> sqlite3.Connection:
    """A connection that cannot change the file (a backup being inspected stays as it is)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def integrity(conn: sqlite3.Connection, quick: bool = True) -> str:
    """'ok', or SQLite's first complaint about the file."""
    rows = conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
    return "ok" if rows == [("ok",)] else str(rows[0][0] if rows else "no answer")


def _within(timeout: float):
    """A backup progress callback that gives up when the other side stays locked past the
    wait (Python's backup would otherwise retry for ever)."""
    limit = time.monotonic() + timeout

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > limit:
            raise sqlite3.OperationalError("database is locked")

    return progress


def _copy(source: sqlite3.Connection, target: Path, timeout: float,
          page_size: int | None = None) -> None:
    """The online backup API from `source` into the new file `target`, in one step (one
    consistent snapshot, even while others write), as a self-contained file (rollback
    journal, no -wal beside it), checked, and flushed to disk. The source is only read."""
    dst = sqlite3.connect(target, timeout=timeout, isolation_level=None)
    try:
        source.backup(dst, progress=_within(timeout))
        dst.execute("PRAGMA journal_mode = DELETE")
        if page_size and dst.execute("PRAGMA page_size").fetchone()[0] != page_size:
            dst.execute(f"PRAGMA page_size = {int(page_size)}")
            dst.execute("VACUUM")
        problem = integrity(dst)
        if problem != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: integrity {problem}")
    finally:
        dst.close()
    _fsync(target)


def backup(source: sqlite3.Connection, names: Iterable[Path], timeout: float = 15.0) -> Path:
    """A consistent copy of the database open as `source`, under the first of `names`
    that is free (one name: FileExistsError when it is taken), made atomically: written
    to a private temporary file beside it, checked, then given its name, so that a copy
    interrupted by a crash or a full disk never stands as a backup. Returns its path."""
    names = iter(names)
    first = Path(next(names))
    temp = first.with_name(f".{first.name}.partial-{os.getpid()}")
    temp.unlink(missing_ok=True)
    create_private(temp)
    try:
        _copy(source, temp, timeout)
        return publish(temp, itertools.chain([first], names))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def publish(temp: Path, names: Iterable[Path]) -> Path:
    """Give the file `temp` the first of `names` that no file holds, never replacing one:
    a hard link is made only where the name is free (atomic, so two processes choosing
    the same name in the same second both succeed, under different names). A file system
    without hard links (a FAT-formatted USB stick) gets a look, then a rename."""
    target = None
    for target in map(Path, names):
        try:
            os.link(temp, target)
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if target.exists():
                continue
            os.replace(temp, target)
        else:
            temp.unlink()
        _fsync_directory(target.parent)
        return target
    raise FileExistsError(errno.EEXIST, "File exists", str(target))


def stage(source: Path, temp: Path, page_size: int | None, timeout: float = 15.0) -> None:
    """A private, checked copy of a backup file to restore from, with the page size of
    the database it will replace (SQLite cannot back up across page sizes into WAL)."""
    temp.unlink(missing_ok=True)
    create_private(temp)
    try:
        conn = open_readonly(source, timeout)
        try:
            _copy(conn, temp, timeout, page_size)
        finally:
            conn.close()
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def page_size(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA page_size").fetchone()[0]


def replace_contents(source: Path, target: sqlite3.Connection, timeout: float = 15.0) -> None:
    """Replace the whole content of the live database open as `target` (a writer's
    connection) with the file `source` through the backup API: one write transaction of
    the database (taken like any writer's, after the busy wait), so other processes see
    the old or the new database, never a mixture, and a crash part-way leaves the old
    one. The file keeps its mode and its WAL journal."""
    src = open_readonly(source, timeout)
    try:
        src.backup(target, progress=_within(timeout))
    finally:
        src.close()


def journal_mode_of_file(path: Path) -> int | None:
    """The journal mode the database file itself declares (bytes 18 and 19 of its header:
    1 rollback journal, 2 WAL), or None when they disagree or cannot be read."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return None
    return header[18] if len(header) == 20 and header[18] == header[19] else None


def path_of(database_url: str, directory: Path, default: str) -> Path:
    """The SQLite file a directory uses: `default` in the directory, or the file that
    [database] url names (sqlite:///name relative to the directory, sqlite:////absolute);
    a URL that names no file is refused (exit 3), naming the setting."""
    if not database_url:
        return directory / default
    _scheme, _, rest = database_url.partition("://")
    name = rest[1:] if rest.startswith("/") else ""
    if not name or name.startswith(":memory:") or "?" in name or name.startswith("file:"):
        raise DirectoryError(
            f"xueji.toml 中 [database] 的 url「{database_url}」没有指明一个数据库文件",
            "写成 sqlite:///文件名.db(相对本目录)或 sqlite:////完整路径.db,"
            "或清空 [database] 的 url 使用本目录的 xueji.db")
    return (directory / Path(name).expanduser()).resolve()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(path: Path) -> None:
    """Make a rename durable (not every file system lets a folder be opened: skip then)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def translate(exc: BaseException, path: Path, timeout: float) -> DirectoryError | None:
    """A registrar's message for SQLite's own errors, or None when it is not one of them."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return DirectoryError(
            f"数据库 {path.name} 正被另一个程序写入,已等待 {timeout:g} 秒仍未释放",
            "等对方完成后再试;若确认无人使用,关闭其他打开该目录的 xueji 或表格程序")
    if is_damage(exc):
        return DirectoryError(
            f"{path} 不是完好的 xueji 数据库(文件已损坏或不是数据库)",
            "用 xueji restore 从最近的备份文件(xueji.db.bak-…)恢复")
    if "readonly" in text or "read-only" in text:
        return DirectoryError(f"数据库 {path} 只读,无法写入", "检查文件权限或磁盘是否写保护")
    if "unable to open" in text or "disk i/o" in text:
        return DirectoryError(f"无法打开数据库 {path}", "检查文件是否存在、磁盘是否可用")
    if "database or disk is full" in text:
        return DirectoryError(f"磁盘已满,无法写入 {path}", "清理磁盘空间后重试;本次操作未写入任何内容")
    return None
