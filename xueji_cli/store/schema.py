"""What a xueji database must hold, whoever made the file: a schema revision this
program knows, its tables, and the journal's append-only guards (CHG-3: entries are
never changed or removed). Checked on a backup before it is restored
(records/directory/backups.py) and on a database with its write-ahead log replayed
before the log is let in (store/wal.py)."""

from __future__ import annotations

import sqlite3

from xueji_cli.store import sqlite

TABLES = {"school", "person", "student", "journal", "alembic_version"}
GUARDS = {"journal_no_update", "journal_no_delete"}
BACKUP_HINT = "换一个由 xueji backup 生成的备份文件"


def problem(conn: sqlite3.Connection, known: tuple[str, ...]) -> tuple[str, str] | None:
    """(what is wrong, what would make it pass) for the database of `conn`, or None when it
    is a xueji database of a revision in `known`. The text follows the file's name."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "alembic_version" not in names:
        return "不是 xueji 数据库(没有结构版本信息)", BACKUP_HINT
    revision = sqlite.schema_revision(conn)
    if revision not in known:
        return (f"的结构版本「{revision}」比本程序新或不认识(本程序认识 {', '.join(known)})",
                "升级 xueji 程序后再用它")
    if not TABLES <= names:
        return (f"缺少数据表 {', '.join(sorted(TABLES - names))},不是完整的 xueji 数据库",
                BACKUP_HINT)
    if not GUARDS <= names:
        return ("中变动日志的防篡改保护(只增不改)已被去除",
                "该文件可能被改动过;" + BACKUP_HINT)
    return None

