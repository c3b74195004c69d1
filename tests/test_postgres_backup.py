"""Backups of a county's server database by PostgreSQL's own tools: `xueji backup` and the
backup `db upgrade` takes first are pg_dump's custom format (owner-only, checked by
pg_restore reading it back); `xueji restore` puts one back with pg_restore into a
database holding no rows, all or nothing; without the tools each says what to run.
Skipped without a server."""

from __future__ import annotations

import stat

import pgkit
import pytest
from conftest import server_directory

from xueji_cli.store import server_backup
from xueji_cli.store.database import HEAD, REVISIONS, Store

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("store_kind", ["postgres"])]


@pytest.fixture
def empty_server_dir(tmp_path, request):
    """A directory naming a new database of the test server without any table."""
    name = pgkit.new_database()
    request.addfinalizer(lambda: pgkit.drop_database(name))
    return server_directory(tmp_path / "新库", name)


def test_backup_is_a_checked_dump_of_the_server(township, enroll, xueji, as_json):
    assert enroll().exit_code == 0
    result = xueji("backup", "--json")
    assert result.exit_code == 0, result.stderr
    made = as_json(result)
    path = township / made["file"].rpartition("/")[2]
    assert ".pgdump-" in path.name and server_backup.is_dump(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the register's personal data
    assert (made["schools"], made["students"], made["journal_entries"]) == (2, 1, 1)
    assert made["revision"] == HEAD


def test_a_dump_is_restored_into_an_empty_database(township, enroll, xueji, xueji_at,
                                                  empty_server_dir, tmp_path, as_json):
    assert enroll().exit_code == 0
    dump = tmp_path / "县库.pgdump"
    assert xueji("backup", dump).exit_code == 0
    result = xueji_at(empty_server_dir, "restore", dump, "--json")
    assert result.exit_code == 0, result.stderr
    restored = as_json(result)["restored"]
    assert (restored["schools"], restored["students"], restored["journal_entries"]) == (2, 1, 1)
    assert "测试村小学" in xueji_at(empty_server_dir, "school", "list").stdout
    assert xueji_at(empty_server_dir, "check").exit_code == 0
    kinds = pgkit.run_sql(pgkit.with_database(pgkit.server_url(), _name(empty_server_dir)),
                          "SELECT kind FROM journal ORDER BY id")
    assert kinds == [("enroll",), ("db_restore",)]  # CHG-3: the restore is on the record


def test_a_restore_over_a_register_holding_data_is_refused(township, enroll, xueji, sql, tmp_path):
    """Putting a dump back under registrars at work would lose their changes: refused
    (exit 1) naming what the database holds; nothing changes."""
    dump = tmp_path / "县库.pgdump"
    assert xueji("backup", dump).exit_code == 0
    assert enroll().exit_code == 0
    result = xueji("restore", dump)
    assert result.exit_code == 1
    assert "已有数据" in result.stderr and "学籍 1 行" in result.stderr
    assert sql("SELECT count(*) FROM student") == [(1,)]


def test_a_file_that_is_no_dump_is_refused(township, xueji, tmp_path):
    other = tmp_path / "xueji.db.bak-20260901-120000"
    other.write_bytes(b"SQLite format 3\0" + bytes(100))
    result = xueji("restore", other)
    assert result.exit_code == 1 and "pg_dump" in result.stderr


def test_upgrade_backs_the_server_up_with_pg_dump_first(empty_server_dir, xueji_at, as_json):
    older = REVISIONS[-2]
    store = Store(empty_server_dir, pgkit.with_database(pgkit.server_url(), _name(empty_server_dir)))
    with store.engine(True).begin() as conn:
        from alembic import command

        command.upgrade(store._alembic_config(conn), older)
    store.dispose()
    result = xueji_at(empty_server_dir, "db", "upgrade", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert (done["from"], done["to"]) == (older, HEAD)
    assert server_backup.is_dump(empty_server_dir / done["backup"].rpartition("/")[2])


def test_without_pg_dump_each_says_what_to_run(township, xueji, monkeypatch, sql):
    monkeypatch.setattr(server_backup, "tool", lambda name: None)
    for args in (("backup",), ("db", "upgrade")):
        sql("UPDATE alembic_version SET version_num = ?", REVISIONS[-2])  # upgrade needs one
        result = xueji(*args)
        assert result.exit_code == 3, result.stderr
        assert "pg_dump --format=custom" in result.stderr and "没有 PostgreSQL 的 pg_dump" in result.stderr
    assert sql("SELECT version_num FROM alembic_version") == [(REVISIONS[-2],)]  # not migrated


def _name(directory) -> str:
    from xueji_cli.store import settings

    return settings.load(directory).database_url.partition("?")[0].rpartition("/")[2]
