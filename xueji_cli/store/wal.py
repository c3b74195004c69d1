"""The write-ahead log found beside the database, judged before this process first opens
the database (Store.connect).

SQLite replays whatever `xueji.db-wal` lies beside `xueji.db` when the pair is opened, and
the next checkpoint copies it into the file for good (a writer's commit, or the last
connection closing). It recognises a log by the log alone: the frames must carry the salts
of the log's own header and a chain of checksums that starts there — nothing in them names
the database file. So a log copied from another xueji database of the same page size, or
the log of this database left behind when a backup was copied over `xueji.db` by hand, is
replayed as faithfully as the log of a crash, which holds committed work and must be
replayed (a commit is durable once it is in the log). What tells them apart is what the
database becomes:

- A log that no other process has open (no live -shm, see in_use) and that is not empty is
  judged on private copies: the database file and the log are copied into a folder of
  their own beside it, and the copies are opened, so that SQLite replays the copy of the
  log into the copy of the file. The originals are only read.
- The log fits when SQLite finds nothing in it to replay (no valid frame: it is
  discarded), or when the database it makes is sound and is the database the file was,
  grown: SQLite's full integrity check passes; the schema is xueji's, of a revision this
  program knows (store/schema.py); no revision went backwards; no school, person, record
  or journal entry went missing (CHG-3, NUM-3: none is ever deleted); every journal entry
  the file held is still there unchanged, and the new ones follow it with no gap (the
  journal is append-only and its ids are given in order). When the file alone cannot be
  read (a checkpoint cut short by the crash leaves it part old, part new), the pair is
  judged by itself. A restore replaces the whole content in one transaction: its log,
  when it is killed before the log reaches the file, holds the backup being restored,
  and fits when it is exactly the checked copy the restore left beside the database.
- It does not fit when the file declares the rollback journal (bytes 18 and 19 of its
  header are 1, not 2): a file in that mode never wrote a log. xueji's own backups are in that mode, so a
  backup copied over `xueji.db` is told from the file that crashed even when its content
  would accept the log; a log written on top of exactly the file's state can otherwise
  not be told from its crash log — and then replaying it loses nothing.
- A log that does not fit is refused (exit 3) with what to do, and the originals are left
  exactly as they were: it is never checkpointed into a file it does not fit. `restore`
  moves it aside (set_aside), since it replaces the database anyway.

A log that another process has open is that process's, current; it is left to SQLite. So
is the log of a database this process has opened already (sqlite.opened_here): it was
judged then, and the locks of this process's own connections can neither be seen nor be
disturbed from here. A log that cannot be copied (no room, no right to write the folder)
cannot be judged, and is refused."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from xueji_cli.store import schema, sqlite
from xueji_cli.values.errors import DirectoryError, file_reason

DEAD_MAN_SWITCH = 128  # the byte of the -shm every connection holds a shared lock on
COUNTED = {"school": "学校", "person": "人员", "student": "学籍记录", "journal": "变动记录"}
CHECK_FOLDER = ".{name}.log-check-{pid}"  # the copies (store/leftovers.py knows it)


@dataclass(frozen=True)
class Facts:
    """What a database holds, as far as judging a log goes."""

    revision: str | None
    counts: dict[str, int]
    last_entry: int  # the highest journal id
    columns: tuple[str, ...]  # the journal's
    digest: str  # of the journal's rows up to an id


@dataclass(frozen=True)
class Misfit:
    reason: str
    alone: Facts | None  # the database file without the log, when it is sound


def log_of(path: Path) -> Path:
    return Path(f"{path}-wal")


def check(path: Path, known: tuple[str, ...]) -> None:
    """Refuse (DirectoryError, exit 3) a log beside `path` that does not fit it. Nothing
    is changed either way."""
    misfit = judge(path, known)
    if misfit is not None:
        raise refusal(path, misfit)


def judge(path: Path, known: tuple[str, ...]) -> Misfit | None:
    """Why the log beside `path` does not fit it, or None: no log, an empty one, one in
    use, or one that fits."""
    log = log_of(path)
    if not (path.exists() and sqlite.log_pending(path)) or in_use(path):
        return None
    folder = path.with_name(CHECK_FOLDER.format(name=path.name, pid=os.getpid()))
    try:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o700)
        copy = folder / path.name
        _copy_private(path, copy)
        alone = _read_alone(copy, known)
        for suffix in ("-wal", "-shm"):  # a read-only open leaves empty ones
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        _copy_private(log, log_of(copy))
        return _replayed(copy, path, alone, known)
    except OSError as error:
        raise DirectoryError(
            f"数据库 {path.name} 旁有上次未并入的日志 {log.name},但无法在 {path.parent} "
            f"复制它们来核验({file_reason(error)})",
            f"腾出磁盘空间、取得该文件夹的写入权限后重试;不要删除 {log.name}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def in_use(path: Path) -> bool:
    """Another process has the database open now: each connection holds a shared lock on
    the dead-man-switch byte of the -shm file for as long as it is open (SQLite's os_unix
    locking), so asking for that byte's exclusive lock (given back at once) fails. No
    -shm: no one has it open. Where the lock cannot be asked for (no POSIX locks, a -shm
    this user may not write), the log is taken to be in use and left to SQLite."""
    index = Path(f"{path}-shm")
    try:
        import fcntl
    except ImportError:
        return index.exists()
    try:
        fd = os.open(index, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, DEAD_MAN_SWITCH)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, DEAD_MAN_SWITCH)
        return False
    finally:
        os.close(fd)


def set_aside(path: Path, known: tuple[str, ...], names) -> Path | None:
    """Before a restore: a log that does not fit the database is moved out of the way
    under the first free of `names` (kept, under a name SQLite never reads), with the
    stale -shm removed, so that it never meets the file restored either. Returns where it
    went, or None when there was no such log."""
    if sqlite.opened_here(path) or judge(path, known) is None:
        return None
    aside = sqlite.publish(log_of(path), names)
    Path(f"{path}-shm").unlink(missing_ok=True)
    return aside


def refusal(path: Path, misfit: Misfit) -> DirectoryError:
    log = log_of(path).name
    message = (f"数据库 {path.name} 旁的日志文件 {log} 与它不相配:{misfit.reason}。"
               f"本程序没有并入它,{path.name} 与 {log} 都未改动")
    if misfit.alone is None:
        return DirectoryError(message, f"用 xueji restore 从最近的备份恢复(会先把 {log} 移开保存)")
    held = misfit.alone.counts
    return DirectoryError(message, (
        f"{path.name} 本身完好({held['student']} 个学籍记录、{held['journal']} 条变动)。"
        f"若它是手工复制来的备份,请改用 xueji restore 该备份文件;否则把 {log} "
        "移出本目录另存(不要删除,可请技术人员查看),再运行 xueji check"))


def _copy_private(source: Path, target: Path) -> None:
    sqlite.create_private(target)
    with open(source, "rb") as src, open(target, "r+b") as dst:
        shutil.copyfileobj(src, dst)


def _read_alone(copy: Path, known: tuple[str, ...]) -> Facts | None:
    """The database file without its log, or None when it cannot be read alone as a
    sound xueji database (a checkpoint cut short leaves it part old, part new)."""
    try:
        conn = sqlite.connect(copy, 15.0, write=False)
        try:
            if sqlite.integrity(conn) != "ok" or schema.problem(conn, known):
                return None
            return _facts(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _replayed(copy: Path, path: Path, alone: Facts | None,
              known: tuple[str, ...]) -> Misfit | None:
    """Open the copied pair (SQLite replays the log), and judge what it made of the
    database `path`."""
    def misfit(reason: str) -> Misfit:
        return Misfit(reason, alone)

    try:
        conn = sqlite.connect(copy, 15.0, write=True)
        try:
            frames = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
            if frames <= 0:
                return None  # nothing SQLite would replay: it discards the log
            if sqlite.journal_mode_of_file(path) != 2:
                return misfit(f"{copy.name} 本身是回滚日志方式的文件(看来是手工复制来的备份),"
                              "从未写过这样的日志")
            if sqlite.integrity(conn, quick=False) != "ok":
                return misfit("并入后数据库不完好(完整性检查未通过)")
            wrong = schema.problem(conn, known)
            if wrong:
                return misfit("并入后的数据库" + wrong[0])
            reason = _lost(conn, alone, known)
            if reason is None or _restored(conn, path):
                return None
            return misfit(reason)
        finally:
            conn.close()
    except sqlite3.Error:
        return misfit("并入后数据库无法读取(已损坏)")


def _lost(conn: sqlite3.Connection, alone: Facts | None, known: tuple[str, ...]) -> str | None:
    """What the replayed database lost or changed of the file alone (None: nothing), or,
    when the file alone could not be read, whether its journal has gaps."""
    after = _facts(conn, alone.columns if alone else None, alone.last_entry if alone else None)
    if alone is None:
        if after.counts["journal"] != after.last_entry:
            return "并入后变动记录的编号不连续"
        return None
    if known.index(after.revision) < known.index(alone.revision):
        return f"并入后结构版本从 {alone.revision} 退回到 {after.revision}"
    for table, label in COUNTED.items():
        if after.counts[table] < alone.counts[table]:
            return f"并入后{label}从 {alone.counts[table]} 条减少到 {after.counts[table]} 条"
    if after.digest != alone.digest:
        return f"并入后原有的 {alone.last_entry} 条变动记录不再相同"
    added = after.counts["journal"] - alone.counts["journal"]
    if after.last_entry - alone.last_entry != added:
        return "并入后新增的变动记录编号不连续"
    return None


def _restored(conn: sqlite3.Connection, path: Path) -> bool:
    """The log is a restore's, killed after it replaced the content (one transaction,
    committed) and before the log reached the file: the replayed database is exactly the
    checked copy that restore put in place, still beside it (`.xueji.db.restore-PID`,
    removed only once the restore is through — and by the next command only after this
    judgement)."""
    replayed = None
    for staged in path.parent.glob(f".{glob.escape(path.name)}.restore-*"):
        if not staged.name.rpartition("-")[2].isdigit():
            continue  # its rollback journal
        try:
            source = sqlite.open_readonly(staged)
            try:
                wanted = _facts(source)
            finally:
                source.close()
        except sqlite3.Error:
            continue
        replayed = replayed or _facts(conn)
        if (wanted.counts, wanted.digest) == (replayed.counts, replayed.digest):
            return True
    return False


def _facts(conn: sqlite3.Connection, columns: tuple[str, ...] | None = None,
           upto: int | None = None) -> Facts:
    """The counts, the revision, the last journal id, and a digest of the journal's rows
    (`columns`, ids up to `upto`; by default every column and row)."""
    counts = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
              for table in COUNTED}
    last = conn.execute("SELECT coalesce(max(id), 0) FROM journal").fetchone()[0]
    columns = columns or tuple(row[1] for row in conn.execute('PRAGMA table_info("journal")'))
    selected = ", ".join(f'"{column}"' for column in columns)
    digest = hashlib.sha256()
    for row in conn.execute(f"SELECT {selected} FROM journal WHERE id <= ? ORDER BY id",
                            (last if upto is None else upto,)):
        digest.update(repr(row).encode())
    return Facts(sqlite.schema_revision(conn), counts, last, columns, digest.hexdigest())
