"""Alembic owns the schema: an empty database goes to head through Store.create(); the
migrations and the models agree; the journal is append-only in the database itself;
commands refuse a schema that is not theirs; `xueji db upgrade` backs up first."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from importlib import resources

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from pgkit import BOTH_STORES, DATABASE_ERRORS
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import xueji_cli.ledger.models  # noqa: F401  (registers the tables)
from xueji_cli.store import database as store_mod
from xueji_cli.store.database import Store

TABLES = {"school", "service_area", "person", "student", "journal", "alembic_version",
          "transfer_case", "region", "report_submission"}


@pytest.fixture
def fresh(tmp_path):
    """A database created from nothing by the project's own path (xueji init)."""
    store = Store(tmp_path)
    store.create()
    yield store
    for engine in store._engines.values():
        engine.dispose()


def scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(resources.files("xueji_cli.migrations")))
    return ScriptDirectory.from_config(config)


def test_empty_database_to_head(fresh):
    assert fresh.path.exists()
    engine = create_engine(fresh.url)
    try:
        assert set(inspect(engine).get_table_names()) == TABLES
        with engine.connect() as conn:
            assert fresh.revision(conn) == store_mod.HEAD
    finally:
        engine.dispose()
    fresh.check_schema()  # does not raise
    with closing(sqlite3.connect(fresh.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert fresh.path.stat().st_mode & 0o777 == 0o600  # personal data: owner only


def test_migrations_and_models_agree(fresh):
    engine = create_engine(fresh.url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_revisions_constant_is_alembic_history():
    history = [script.revision for script in scripts().walk_revisions()]  # newest first
    assert store_mod.REVISIONS == tuple(reversed(history))
    assert store_mod.HEAD == scripts().get_current_head()


def test_downgrade_and_upgrade_again(fresh):
    from alembic import command

    with fresh.engine(True).begin() as conn:
        command.downgrade(fresh._alembic_config(conn), "base")
    with closing(sqlite3.connect(fresh.path)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert not (TABLES - {"alembic_version"}) & names
    fresh.migrate()
    fresh.check_schema()


# -- the append-only journal ------------------------------------------------------------

@BOTH_STORES
def test_journal_refuses_update_and_delete(township, enroll, sql):
    """CHG-3: the database itself refuses to rewrite or delete an entry — on the server
    too, by raw SQL behind the program's back."""
    assert enroll().exit_code == 0
    (count,) = sql("SELECT count(*) FROM journal")[0]
    assert count == 1
    for statement in ("UPDATE journal SET reason = 'rewritten'", "DELETE FROM journal",
                      "UPDATE journal SET sets = '{}' WHERE id = 1"):
        with pytest.raises(DATABASE_ERRORS, match="append-only"):
            sql(statement)
    assert sql("SELECT count(*), max(reason) FROM journal")[0] == (1, None)
    # appending is what the journal is for
    assert enroll(name="李小红").exit_code == 0
    assert sql("SELECT count(*) FROM journal")[0] == (2,)


def test_journal_triggers_exist(fresh):
    with closing(sqlite3.connect(fresh.path)) as conn:
        triggers = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"journal_no_update", "journal_no_delete"} <= triggers


# -- schema versions: refuse, then upgrade with a backup ---------------------------------

def test_unknown_newer_revision_is_exit_3(ws_dir, xueji, sql):
    sql("UPDATE alembic_version SET version_num = '9999'")
    for args in (("school", "list"), ("student", "list"), ("renumber-check",), ("check",),
                 ("log",)):
        result = xueji(*args)
        assert result.exit_code == 3, args
        assert "9999" in result.stderr and "比本程序新" in result.stderr
    assert xueji("db", "status").exit_code == 3
    result = xueji("db", "upgrade")
    assert result.exit_code == 3 and "不能降级" in result.stderr
    assert not list(ws_dir.glob("xueji.db.bak-*"))


def test_a_newer_database_is_told_the_program_is_too_old(ws_dir, xueji, sql):
    """`db status` of a database newer than the program says the program is too old (not
    "upgrade the database", which `db upgrade` refuses); `backup` refuses it before
    writing anything, and leaves no file behind."""
    sql("UPDATE alembic_version SET version_num = '9999'")
    status = xueji("db", "status")
    assert status.exit_code == 3 and "本程序太旧" in status.stderr and "升级 xueji 程序" in status.stderr
    assert "db upgrade" not in status.stderr
    backup = xueji("backup")
    assert backup.exit_code == 3 and "比本程序新" in backup.stderr
    assert not list(ws_dir.glob("xueji.db.bak-*")) and not list(ws_dir.glob(".*partial*"))


def test_older_revision_is_exit_3_and_names_the_upgrade(ws_dir, xueji, monkeypatch):
    # This program pretends to know a newer revision 9999; the file is at the real head.
    current = store_mod.HEAD
    monkeypatch.setattr(store_mod, "REVISIONS", (*store_mod.REVISIONS, "9999"))
    monkeypatch.setattr(store_mod, "HEAD", "9999")
    result = xueji("school", "list")
    assert result.exit_code == 3
    assert "较旧" in result.stderr and "xueji db upgrade" in result.stderr
    result = xueji("db", "status", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout) | {"database": None} == {
        "ok": False, "revision": current, "head": "9999", "database": None}
    result = xueji("db", "upgrade", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["from"] == current and document["backup"]
    backups = list(ws_dir.glob("xueji.db.bak-*"))
    assert [str(b) for b in backups] == [document["backup"]]


def test_database_without_version_is_exit_3(ws_dir, xueji, sql):
    sql("DROP TABLE alembic_version")
    result = xueji("school", "list")
    assert result.exit_code == 3 and "不是 xueji 数据库" in result.stderr


def test_db_upgrade_refuses_a_foreign_database(ws_dir, xueji, sql):
    sql("DROP TABLE alembic_version")  # tables, but no version: not ours to migrate
    result = xueji("db", "upgrade")
    assert result.exit_code == 3 and "不是 xueji 数据库" in result.stderr
    assert not list(ws_dir.glob("xueji.db.bak-*"))


def test_bad_xueji_today_is_a_clear_message(township, xueji, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "tomorrow")
    result = xueji(
        "enroll", "--school", "001", "--name", "x", "--id-number", "130283202003051230")
    assert result.exit_code == 1
    assert "XUEJI_TODAY" in result.stderr and "内部错误" not in result.stderr


def test_db_upgrade_backs_up_then_migrates_an_empty_database(ws_dir, xueji):
    (ws_dir / "xueji.db").unlink()
    sqlite3.connect(ws_dir / "xueji.db").close()  # an empty SQLite file
    assert xueji("school", "list").exit_code == 3
    result = xueji("db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert "已备份到" in result.stderr
    backups = list(ws_dir.glob("xueji.db.bak-*"))
    assert len(backups) == 1
    assert backups[0].stat().st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(backups[0])) as conn:  # the backup is the old (empty) file
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    assert xueji("school", "list").exit_code == 0
    assert xueji("db", "status").exit_code == 0


def test_db_upgrade_at_head_makes_no_backup(ws_dir, xueji):
    result = xueji("db", "upgrade", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "from": store_mod.HEAD,
                                         "to": store_mod.HEAD, "backup": None}
    assert not list(ws_dir.glob("xueji.db.bak-*"))
    result = xueji("db", "status")
    assert result.exit_code == 0 and "最新" in result.stderr


def test_backup_keeps_the_data(township, enroll, ws_dir):
    assert enroll().exit_code == 0
    target = Store(ws_dir).backup()
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT local_number FROM student").fetchall() == [("02262600100001",)]


def test_the_schema_check_reads_the_revision_without_sqlalchemy(tmp_path):
    """Every command starts with the schema check; on SQLite it reads alembic_version
    through sqlite3 (store/sqlite.schema_revision): the revision, or None when there is
    none to read."""
    from xueji_cli.store.sqlite import schema_revision

    path = tmp_path / store_mod.DB_FILE
    store = Store(tmp_path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE other (id INTEGER)")
    assert store.current_revision() is None  # no version table: not a xueji database
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    assert store.current_revision() is None  # an empty one
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO alembic_version VALUES (?)", (store_mod.HEAD,))
        assert schema_revision(conn) == store_mod.HEAD
    assert store.current_revision() == store_mod.HEAD
    Store(tmp_path).check_schema()  # at head: no refusal


def test_0012_down_to_0011_and_up_again(fresh):
    """Migration 0012 (ORG-2 撤并, REP-1 submitted months) goes down to 0011 — the closing
    column and the submissions table gone, the rest kept — and up again."""
    from alembic import command

    def shape():
        with closing(sqlite3.connect(fresh.path)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            columns = {r[1] for r in conn.execute("PRAGMA table_info(school)")}
        return tables, columns

    with fresh.engine(True).begin() as conn:
        command.downgrade(fresh._alembic_config(conn), "0011")
    tables, columns = shape()
    assert "report_submission" not in tables and "closed_on" not in columns
    assert {"school", "journal", "region"} <= tables
    fresh.migrate()
    tables, columns = shape()
    assert "report_submission" in tables and "closed_on" in columns
    fresh.check_schema()
