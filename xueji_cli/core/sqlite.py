"""Everything SQLite-specific in one place: connection pragmas, BEGIN IMMEDIATE for
writers, the online backup, and turning SQLite's errors into registrar messages.
A PostgreSQL deployment (database_url) skips this module."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from xueji_cli.core.errors import DirectoryError


def configure(engine: Engine, *, write: bool, timeout: float) -> None:
    """Foreign keys on, a busy wait, and transactions that SQLAlchemy controls: a writer
    takes the write lock at BEGIN (IMMEDIATE), so reading the next free number and
    inserting it cannot interleave with another process."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def next_ids(connection, table: str, count: int) -> range:
    """Ids for `count` new rows of `table`. SQLite gives a new row max(rowid) + 1; a writer
    holds the write lock from BEGIN IMMEDIATE to its commit, so no one else can take
    these ids meanwhile."""
    last = connection.exec_driver_sql(f'SELECT coalesce(max(id), 0) FROM "{table}"').scalar()
    return range(last + 1, last + 1 + count)


def enable_wal(path: Path) -> None:
    """WAL lets readers go on while one registrar writes; set once, kept in the file."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def create_private(path: Path) -> None:
    """An empty database file readable by its owner only (personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def backup(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while others write."""
    create_private(target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def translate(exc: BaseException, path: Path, timeout: float) -> DirectoryError | None:
    """A registrar's message for SQLite's own errors, or None when it is not one of them."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return DirectoryError(
            f"数据库 {path.name} 正被另一个程序写入,已等待 {timeout:g} 秒仍未释放",
            "等对方完成后再试;若确认无人使用,关闭其他打开该目录的 xueji 或表格程序")
    if "file is not a database" in text or "malformed" in text:
        return DirectoryError(
            f"{path} 不是完好的 xueji 数据库(文件已损坏或不是数据库)",
            "用最近的备份文件(xueji.db.bak-…)替换 xueji.db 后重试")
    if "readonly" in text or "read-only" in text:
        return DirectoryError(f"数据库 {path} 只读,无法写入", "检查文件权限或磁盘是否写保护")
    if "unable to open" in text or "disk i/o" in text:
        return DirectoryError(f"无法打开数据库 {path}", "检查文件是否存在、磁盘是否可用")
    return None
