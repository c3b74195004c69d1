"""Backups: `xueji backup` copies the database with SQLite's online backup
(consistent while others write; atomic; owner-only); `xueji restore` puts a backup back
after checking that it is a sound xueji database this program can use, and after backing
up the database it replaces.

A backup file is checked like any other input: nothing from it is trusted until it has
passed SQLite's integrity check and shown its schema revision, its tables and the
journal's append-only guards."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from xueji_cli.store import schema, sqlite
from xueji_cli.store.database import REVISIONS, Store
from xueji_cli.values.errors import InputError, XuejiError, file_reason

FILE = "file"


@dataclass
class Snapshot:
    """What a database file holds, for the registrar to see before and after."""

    path: Path
    revision: str
    schools: int
    students: int
    entries: int
    last_recorded: str | None
    size: int



def _refuse(path: Path, why: str, hint: str) -> InputError:
    return InputError(FILE, f"{path} {why}", hint)


def describe(path: Path, city: str | None = None, county: str | None = None) -> Snapshot:
    """Check that `path` is a sound xueji database of a known revision (and, given the
    directory's codes, that its numbers are this directory's), and say what it holds.
    Raises InputError (exit 1) with the reason otherwise. The file is only read."""
    path = Path(path)
    with _path_errors(path):
        exists, is_dir = path.exists(), path.is_dir()
    if not exists:
        raise _refuse(path, "不存在", "核对文件路径")
    if is_dir:
        raise _refuse(path, "是文件夹,不是备份文件", "指定备份文件本身,如 xueji.db.bak-20260901-120000")
    if not sqlite.is_database_file(path):
        with open(path, "rb") as handle:
            start = handle.read(4)
        kind = "压缩包或 Excel 表格" if start.startswith(b"PK") else "其他文件"
        raise _refuse(path, f"不是数据库文件(看来是{kind})", "xueji 的备份文件由 xueji backup 生成")
    try:
        conn = sqlite.open_readonly(path)
    except Exception as exc:  # sqlite3.Error, OSError: cannot even be opened
        raise _refuse(path, "无法打开", f"检查文件权限({type(exc).__name__})") from None
    try:
        problem = sqlite.integrity(conn, quick=False)
        if problem != "ok":
            raise _refuse(path, "已损坏(数据库完整性检查未通过)", "换一个较早的备份文件")
        wrong = schema.problem(conn, REVISIONS)
        if wrong:
            raise _refuse(path, *wrong)
        revision = sqlite.schema_revision(conn)
        if city and county:
            (foreign,) = conn.execute(
                "SELECT count(*) FROM student WHERE local_number IS NOT NULL "
                "AND substr(local_number, 1, 4) != ?", (city + county,)).fetchone()
            if foreign:
                raise _refuse(path, f"中有 {foreign} 个学籍号不属于本目录的市县代码 {city}{county},"
                              "是另一个目录的备份", "在那个目录中恢复它,或换用本目录的备份")
        count = lambda table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        last = conn.execute("SELECT max(recorded_at) FROM journal").fetchone()[0]
        return Snapshot(path, revision, count("school"), count("student"), count("journal"),
                        _china(last), path.stat().st_size)
    except InputError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError from a damaged or foreign file
        raise _refuse(path, "无法读取(文件已损坏或不是 xueji 数据库)",
                      f"换一个较早的备份文件({type(exc).__name__})") from None
    finally:
        conn.close()


def _china(stored: str | None) -> str | None:
    if not stored:
        return None
    from xueji_cli.values.dates import china_time

    try:
        moment = dt.datetime.fromisoformat(str(stored))
    except ValueError:
        return str(stored)
    return china_time(moment).strftime("%Y-%m-%d %H:%M:%S")


def make_backup(store: Store, target: Path | None = None) -> Snapshot:
    """Back the database up to `target` (a new file, or a folder to put it in; default:
    beside the database) and check the copy. A database newer than this program is
    refused before anything is written; a copy that fails its check is not kept."""
    store.check_schema(older_ok=True)
    target = _new_file(store, target)
    if not store.is_sqlite:
        return _dump_server(store, target)
    named = target or next(store.backup_names(store.path.parent))
    try:
        made = store.backup(target)
    except FileExistsError:
        raise _refuse(named, "已存在,不会覆盖", "换一个文件名") from None
    except PermissionError:
        raise _refuse(named, "无法写入(没有权限)", "换一个可写入的文件夹") from None
    except OSError as exc:  # a name too long for the file system, a full or vanished disk …
        raise _refuse(named, f"无法写入({file_reason(exc)})",
                      "换一个较短的文件名或另一个文件夹") from None
    try:
        return describe(made)
    except BaseException:
        made.unlink(missing_ok=True)
        raise


def _new_file(store: Store, target: Path | None) -> Path | None:
    """The backup file the registrar named (a folder: a new name in it), checked to be
    new and writable; None: the default name."""
    if target is not None:
        target = Path(target).expanduser()
        with _path_errors(target):
            if target.is_dir():
                target = next(store.backup_names(target.resolve()))
            elif target.exists():
                raise _refuse(target, "已存在,不会覆盖", "换一个文件名,或指定一个文件夹(自动按时间命名)")
            elif not target.parent.is_dir():
                raise _refuse(target, "所在的文件夹不存在", "先建立文件夹,或换一个路径")
            target = target.resolve()
        if target == store.path.resolve():
            raise _refuse(target, "就是数据库本身", "换一个文件名")
    return target


def _dump_server(store: Store, target: Path | None) -> Snapshot:
    """pg_dump of the server database (store/server_backup.py), checked by pg_restore
    reading it back; a dump that fails its check is not kept."""
    from xueji_cli.store import server_backup

    try:
        made, contents = store.server_dump(target)
    except FileExistsError:
        raise _refuse(target, "已存在,不会覆盖", "换一个文件名") from None
    except PermissionError:
        raise _refuse(target or store.directory, "无法写入(没有权限)", "换一个可写入的文件夹") from None
    try:
        server_backup.check_dump(made)
    except BaseException:
        made.unlink(missing_ok=True)
        raise
    return _server_snapshot(made, contents)


def _server_snapshot(path: Path, contents) -> Snapshot:
    return Snapshot(path, contents.revision, contents.schools, contents.students,
                    contents.entries, _china(contents.last_recorded), path.stat().st_size)


@contextlib.contextmanager
def _path_errors(path: Path):
    """A path the file system cannot even look at (too long, a NUL byte) is bad input."""
    try:
        yield
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or "路径无效"
        raise _refuse(Path(str(path)[:80] + ("…" if len(str(path)) > 80 else "")),
                      f"无法使用({why})", "换一个较短、只含普通字符的文件名") from None


@dataclass
class Restored:
    snapshot: Snapshot  # what was put back
    saved_as: Path | None  # where the replaced database went (None: there was none)
    damaged: bool  # the replaced database was damaged (set aside as it was)
    needs_upgrade: bool  # the backup's schema is older than this program's
    log_aside: Path | None = None  # a log beside the database that did not fit it, kept here


def restore(store: Store, source: Path, operator: str, city: str, county: str) -> Restored:
    """Replace the database with the backup `source`, after checking it (describe) and
    backing up the current database. A sound current database is replaced through
    SQLite's backup API (one transaction: others see the old or the new, a crash leaves
    the old); a damaged or missing one is set aside and the checked copy renamed in."""
    if not store.is_sqlite:
        return _restore_server(store, Path(source).expanduser(), operator)
    source = Path(source).expanduser()
    with _path_errors(source):
        source = source.resolve()
        same = store.path.exists() and source.exists() and source.samefile(store.path)
    if same:
        raise _refuse(source, "就是正在使用的数据库", "指定一个备份文件")
    snapshot = describe(source, city, county)
    log_aside = store.set_aside_unfitting_log()
    staged = store.path.with_name(f".{store.path.name}.restore-{os.getpid()}")
    saved, damaged = None, False
    with store.errors():
        if store.path.exists():
            try:
                saved = store.copy()
            except Exception as exc:  # noqa: BLE001 — only damage is handled here
                if not sqlite.is_damage(exc):
                    raise
                damaged = True
        page_size = None if damaged or not store.path.exists() else store.page_size()
        sqlite.stage(source, staged, page_size, store.timeout)
        try:
            if store.path.exists() and not damaged:
                store.replace_contents(staged)
            else:
                saved = _set_aside(store) if store.path.exists() else None
                for suffix in ("-wal", "-shm"):  # a stale journal must never meet the new file
                    Path(f"{store.path}{suffix}").unlink(missing_ok=True)
                os.replace(staged, store.path)
            sqlite.enable_wal(store.path, store.timeout)
        finally:
            staged.unlink(missing_ok=True)
    store.dispose()  # connections opened before the restore must not be reused
    needs_upgrade = snapshot.revision != REVISIONS[-1]
    if not needs_upgrade:
        _note(store, operator, source, saved, damaged, snapshot)
    return Restored(snapshot, saved, damaged, needs_upgrade, log_aside)


def _set_aside(store: Store) -> Path:
    """Move a damaged database (and its -wal, -shm) out of the way, kept for inspection."""
    aside = sqlite.publish(store.path, store.backup_names(store.path.parent, "damaged"))
    for suffix in ("-wal", "-shm"):
        part = Path(f"{store.path}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{aside}{suffix}"))
    return aside


def _note(store: Store, operator: str, source: Path, saved: Path | None, damaged: bool,
          snapshot: Snapshot) -> None:
    from xueji_cli.ledger import journal
    from xueji_cli.values.characters import visible
    from xueji_cli.values.dates import today

    # File names are the file system's, not typed text: any character they hold is kept
    # as its code, so that the journal never carries a control character.
    with store.session(write=True) as session:
        journal.record(
            session, None, "db_restore", today(), operator,
            reason=visible(f"从备份 {source.name} 恢复"),
            details={"source": visible(str(source)),
                     "saved_as": visible(str(saved)) if saved else None,
                     "replaced_was_damaged": damaged, "revision": snapshot.revision,
                     "students": snapshot.students, "journal_entries": snapshot.entries,
                     "last_recorded": snapshot.last_recorded},
            remark=(visible(f"恢复前的数据库{'(已损坏)' if damaged else ''}保存为 {saved.name}")
                    if saved else "恢复前没有数据库"))


def _restore_server(store: Store, source: Path, operator: str) -> Restored:
    """pg_restore of a dump into the server database, which must hold no rows: restoring
    over a register in use would put back one under the others' feet. Counted and noted
    in the journal like a restore of the file."""
    from xueji_cli.store import server_backup, server_copy

    with _path_errors(source):
        source = source.resolve()
        exists, is_file = source.exists(), source.is_file()
    if not exists:
        raise _refuse(source, "不存在", "核对文件路径")
    if not is_file or not server_backup.is_dump(source):
        raise _refuse(source, "不是服务器数据库的备份文件(pg_dump 的 custom 格式)",
                      "用服务器数据库上 xueji backup 生成的 .pgdump-… 文件")
    held = server_copy.held_by(store)
    if held:
        raise XuejiError(f"服务器数据库已有数据({server_copy.holdings(held)}),不能在其上恢复",
                             "在服务器上新建一个空数据库,把 xueji.toml 的 [database] url 指向它,"
                             "再运行 xueji restore")
    url = server_backup.without_driver(store.url)
    with store.errors():
        server_backup.restore(url, source)
        contents = server_backup.contents_of(url)
    store.dispose()
    snapshot = _server_snapshot(source, contents)
    needs_upgrade = snapshot.revision != REVISIONS[-1]
    if not needs_upgrade:
        _note(store, operator, source, None, False, snapshot)
    return Restored(snapshot, None, False, needs_upgrade)
