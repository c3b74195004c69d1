"""A county's register on a PostgreSQL server ([database] url postgresql://…): the schema by
the same migrations, its guards kept by the server itself, and the directory that names
the server. Skipped without a server (XUEJI_TEST_DATABASE_URL; `make test` starts one)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pgkit
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import xueji_cli.ledger.models  # noqa: F401  (registers the tables)
from xueji_cli.store import settings
from xueji_cli.store.database import HEAD, Store

pytestmark = pytest.mark.postgres


@pytest.fixture
def server_db(request) -> str:
    """An empty database of its own on the test server; its URL."""
    name = pgkit.new_database()
    request.addfinalizer(lambda: pgkit.drop_database(name))
    return pgkit.with_database(pgkit.server_url(), name)


def test_every_migration_runs_on_the_server_and_matches_the_models(server_db, tmp_path):
    store = Store(tmp_path, server_db)
    store.create()
    assert store.current_revision() == HEAD
    with store.engine(False).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    store.dispose()


def test_init_names_the_server_and_makes_no_file(server_db, tmp_path, xueji_at, as_json):
    """`xueji init --database URL` writes [database] url; no xueji.db is made."""
    path = tmp_path / "县局"
    result = xueji_at(None, "init", path, "--name", "示范县教育局", "--database", server_db)
    assert result.exit_code == 0, result.stderr
    assert settings.load(path).database_url == server_db
    assert "[database]\nurl = " in (path / "xueji.toml").read_text("utf-8")
    assert sorted(p.name for p in path.iterdir()) == ["xueji.toml"]
    assert as_json(xueji_at(path, "db", "status", "--json"))["revision"] == HEAD


def test_a_second_directory_joins_the_same_county_database(server_db, tmp_path, xueji_at):
    """Each township's directory points at the one server database: init on a database
    already at the newest schema uses it as it is."""
    for name in ("甲镇", "乙镇"):
        result = xueji_at(None, "init", tmp_path / name, "--name", name, "--database", server_db)
        assert result.exit_code == 0, result.stderr
    assert xueji_at(tmp_path / "甲镇", "school", "add", "--code", "001", "--name", "甲镇中心校",
                    "--central", "--service-area", "130283105").exit_code == 0
    assert "甲镇中心校" in xueji_at(tmp_path / "乙镇", "school", "list").stdout


def test_a_password_is_never_written_into_the_file(tmp_path, xueji_at):
    """Privacy: xueji.toml travels with the folder; the password stays in PGPASSWORD or
    ~/.pgpass."""
    url = pgkit.server_url().replace("postgres@", "postgres:s3cret@", 1)
    result = xueji_at(None, "init", tmp_path / "d", "--name", "县局", "--database", url)
    assert result.exit_code == 3 and "PGPASSWORD" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert not (tmp_path / "d" / "xueji.toml").exists()


def test_the_environment_names_the_server_over_the_file(township, xueji, tmp_path,
                                                        monkeypatch, server_db):
    """XUEJI_DATABASE_URL overrides [database] url (one session, one machine)."""
    Store(tmp_path, server_db).create()
    monkeypatch.setenv("XUEJI_DATABASE_URL", server_db)
    assert "130283105" not in xueji("school", "list").stdout  # the other database: empty
    monkeypatch.delenv("XUEJI_DATABASE_URL")
    assert "130283105" in xueji("school", "list").stdout


@pytest.mark.parametrize("store_kind", ["postgres"])
@pytest.mark.parametrize("table", ["student", "person"])
def test_records_are_never_deleted_in_the_server(township, enroll, sql, table):
    assert enroll().exit_code == 0
    for statement in (f"DELETE FROM {table}", f"DELETE FROM {table} WHERE id = 1"):
        with pytest.raises(psycopg.Error, match="never deleted"):
            sql(statement)
    assert sql(f"SELECT count(*) FROM {table}") == [(1,)]


@pytest.mark.parametrize("store_kind", ["postgres"])
@pytest.mark.parametrize("operator", [None, "", "   "])
def test_an_entry_without_operator_is_refused_by_the_server(township, sql, operator):
    """CHG-3: every entry names who made it — the operator CHECK on the server too."""
    with pytest.raises(psycopg.Error, match="operator|null"):
        sql("INSERT INTO journal (kind, effective_date, recorded_at, operator, evidence, "
            "approvals, sets, details) VALUES ('other', '2026-09-01', '2026-09-01 00:00:00', ?, "
            "'[]', '[]', '{}', '{}')", operator)
    assert sql("SELECT count(*) FROM journal") == [(0,)]




@pytest.mark.parametrize("store_kind", ["postgres"])
def test_entries_are_stamped_alike_whatever_the_servers_zone(township, xueji, tmp_path):
    """recorded_at is one moment whether the ORM wrote it (one child) or the intake's COPY
    (naive UTC text, as SQLite holds it): on a server whose zone is Asia/Shanghai the
    copied stamps must not be read as China time, eight hours early."""
    import datetime as dt

    from test_intake_sqlite import _mixed_roster
    from test_safety_concurrency import enroll_options

    url = settings.load(township).database_url
    pgkit.admin(f"ALTER DATABASE {urlsplit(url).path.lstrip('/')} SET timezone = 'Asia/Shanghai'")
    assert xueji("enroll", "--from", _mixed_roster(tmp_path)).exit_code == 0
    result = xueji(*enroll_options(**{"id-number": "130283202003051011"}))
    assert result.exit_code == 0, result.stderr
    now = dt.datetime.now(dt.UTC)
    stamps = pgkit.run_sql(url, "SELECT kind, recorded_at FROM journal WHERE kind = 'enroll'")
    assert len(stamps) == 7
    assert all(abs(stamp - now) < dt.timedelta(minutes=5) for _kind, stamp in stamps), stamps
