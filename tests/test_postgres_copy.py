"""`xueji db copy --to URL`: a township's xueji.db moved into the county's server — every
row of every table, the journal's ids and order kept (CHG-3: a record is the fold of its
entries in recording order), in one transaction (all or nothing), the append-only guards
still in force, `check` and `renumber-check` clean afterwards. Skipped without a server."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pgkit
import psycopg
import pytest
from conftest import copy_directory, settle

from xueji_cli.store import settings

pytestmark = pytest.mark.postgres
TABLES = ("school", "service_area", "region", "person", "student", "journal",
          "transfer_case", "report_submission")


@pytest.fixture
def server_db(request) -> str:
    """An empty database of its own on the test server (no schema yet); its URL."""
    name = pgkit.new_database()
    request.addfinalizer(lambda: pgkit.drop_database(name))
    return pgkit.with_database(pgkit.server_url(), name)


@pytest.fixture
def full_township(township, enroll, xueji, as_json, monkeypatch):
    """A township made by the registrar's commands: enrollments into two schools, regions,
    a class change undone (an entry that corrects another), a withdrawal, September's
    report submitted — settled into its one file."""
    numbers = [as_json(enroll(json=True, **options))["local_number"]
               for options in ({}, {"class_": "2"}, {"name": "李小红", "gender": "女"})]
    assert xueji("region", "import", "samples/regions-示范镇.csv").exit_code == 0
    assert xueji("class-change", numbers[0], "--class", "2", "--date", "2026-09-10").exit_code == 0
    last = sqlite_rows(township, "SELECT max(id) FROM journal")[0][0]
    assert xueji("undo", last, "--reason", "录入错误", "--date", "2026-09-11").exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-08")
    result = xueji("withdraw", numbers[2], "--reason", "随父母外出", "--lawful-basis", "县教育局批复 2026-17",
                   "--date", "2026-09-20")
    assert result.exit_code == 0, result.stderr
    assert xueji("report", "monthly", "--month", "2026-09", "--submit").exit_code == 0
    settle(township)
    return township


def sqlite_rows(directory, statement: str) -> list:
    with closing(sqlite3.connect(directory / "xueji.db")) as conn:
        return conn.execute(statement).fetchall()


def test_every_row_moves_with_its_id_and_the_server_stays_append_only(
        full_township, server_db, xueji, enroll, as_json):
    counts = {t: sqlite_rows(full_township, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    assert xueji("check").exit_code == 0
    journal = sqlite_rows(full_township, "SELECT id, kind, student_id, corrects, operator, "
                                         "effective_date FROM journal ORDER BY id")
    result = xueji("db", "copy", "--to", server_db, "--switch", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result) == {"ok": True, "copied": as_json(result)["copied"], "switched": True}
    assert as_json(result)["copied"] == counts and counts["region"] and counts["report_submission"]
    assert settings.load(full_township).database_url == server_db
    for table in TABLES:
        assert pgkit.run_sql(server_db, f"SELECT count(*) FROM {table}") == [(counts[table],)]
    assert pgkit.run_sql(server_db, "SELECT id, kind, student_id, corrects, operator, "
                                    "effective_date FROM journal ORDER BY id") == journal
    # the server's guards are in force for the rows copied, and numbers go on after them
    with pytest.raises(psycopg.Error, match="append-only"):
        pgkit.run_sql(server_db, "UPDATE journal SET operator = 'x' WHERE id = 1")
    with pytest.raises(psycopg.Error, match="never deleted"):
        pgkit.run_sql(server_db, "DELETE FROM student WHERE id = 1")
    result = xueji("check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert xueji("renumber-check").exit_code == 0
    assert enroll(name="王小刚").exit_code == 0  # the server numbers on after the copied ids
    assert pgkit.run_sql(server_db, "SELECT max(id) FROM journal")[0][0] == journal[-1][0] + 1


def test_without_switch_the_directory_stays_on_its_file(township, server_db, xueji):
    result = xueji("db", "copy", "--to", server_db)
    assert result.exit_code == 0, result.stderr
    assert "学校:2 行" in result.stderr and "[database]" in result.stderr
    assert settings.load(township).database_url == ""
    assert pgkit.run_sql(server_db, "SELECT count(*) FROM school") == [(2,)]


def test_a_target_holding_data_is_refused_naming_it(township, server_db, xueji, xueji_at,
                                                   tmp_path):
    """Two registers under the same ids would mix: the second copy is refused (exit 1),
    naming what the server holds; nothing is written."""
    assert xueji("db", "copy", "--to", server_db).exit_code == 0
    other = copy_directory(township, tmp_path / "other")
    result = xueji_at(other, "db", "copy", "--to", server_db)
    assert result.exit_code == 1
    assert "已有数据" in result.stderr and "学校 2 行" in result.stderr
    assert "[目标数据库 --to]" in result.stderr  # the field named is the database, no grade
    assert pgkit.run_sql(server_db, "SELECT count(*) FROM school") == [(2,)]


def test_a_target_at_another_revision_or_not_xuejis_is_refused(township, server_db, xueji):
    pgkit.run_sql(server_db, "CREATE TABLE alembic_version (version_num varchar(32))")
    pgkit.run_sql(server_db, "INSERT INTO alembic_version VALUES ('0009')")
    result = xueji("db", "copy", "--to", server_db)
    assert result.exit_code == 1 and "0009" in result.stderr
    pgkit.run_sql(server_db, "DROP TABLE alembic_version")
    pgkit.run_sql(server_db, "CREATE TABLE notes (id int)")
    result = xueji("db", "copy", "--to", server_db)
    assert result.exit_code == 1 and "不是 xueji 数据库" in result.stderr


def test_a_row_the_server_refuses_leaves_it_empty(township, enroll, server_db, xueji, sql):
    """All or nothing: a journal row the server cannot take (planted behind the
    program's back) stops the copy; the schools and students copied before it are
    rolled back with it, and the message names the table and row, not the value."""
    assert enroll().exit_code == 0
    sql("PRAGMA ignore_check_constraints = 1")
    with closing(sqlite3.connect(township / "xueji.db")) as conn:
        conn.execute("DROP TRIGGER IF EXISTS journal_no_update")
        conn.execute("UPDATE journal SET effective_date = '2026-13-45' WHERE id = 1")
        conn.commit()
    result = xueji("db", "copy", "--to", server_db)
    assert result.exit_code == 1, result.stderr
    assert "学籍变动记录" in result.stderr and "第 1 行" in result.stderr
    assert "2026-13-45" not in result.stderr
    for table in TABLES:
        assert pgkit.run_sql(server_db, f"SELECT count(*) FROM {table}") == [(0,)]


@pytest.mark.parametrize("url", ["sqlite:///other.db", "postgresql://registrar:s3cret@db/x"])
def test_a_target_that_is_no_server_or_holds_a_password_is_refused(township, xueji, url):
    result = xueji("db", "copy", "--to", url)
    assert result.exit_code in (1, 3) and "s3cret" not in result.stderr
    assert "--to" in result.stderr or "PGPASSWORD" in result.stderr


def test_switch_rewrites_the_earlier_releases_key(township, server_db, xueji):
    """A directory made by the earlier release (top-level database_url) is switched to
    `[database] url`, its other lines kept."""
    path = township / "xueji.toml"
    text = path.read_text("utf-8").replace('[database]\nurl = ""', "", 1)
    path.write_text(text.replace("busy_timeout_seconds", 'database_url = ""\nbusy_timeout_seconds', 1),
                    "utf-8")
    assert settings.load(township).database_url == ""
    assert xueji("db", "copy", "--to", server_db, "--switch").exit_code == 0
    new = path.read_text("utf-8")
    assert "database_url" not in new and f'[database]\nurl = "{server_db}"' in new
    assert settings.load(township).name == "测试镇中心校"
    assert "测试村小学" in xueji("school", "list").stdout


def test_a_server_that_cannot_be_reached_is_named_as_the_option(township, xueji):
    """The address came from --to, not from xueji.toml: the message must send the registrar
    to what was typed (exit 3), never show the address itself."""
    url = pgkit.with_database(pgkit.server_url(), "no_such_database_here")
    result = xueji("db", "copy", "--to", url)
    assert result.exit_code == 3
    assert "--to" in result.stderr and "xueji.toml" not in result.stderr
    assert "no_such_database_here" not in result.stderr


def test_the_moments_stay_the_same_on_a_server_in_china_time(township, enroll, server_db, xueji):
    """xueji.db holds each entry's moment as UTC without a zone; a county server whose zone
    is Asia/Shanghai must not read the copied moments as China time (eight hours early),
    or the journal's times, the card's 登记时间 and 补录 flags would be wrong."""
    import datetime as dt
    from urllib.parse import urlsplit

    assert enroll().exit_code == 0
    settle(township)
    pgkit.admin(f"ALTER DATABASE {urlsplit(server_db).path.lstrip('/')} SET timezone = 'Asia/Shanghai'")
    assert xueji("db", "copy", "--to", server_db).exit_code == 0
    (stored,), = sqlite_rows(township, "SELECT max(recorded_at) FROM journal")
    (copied,), = pgkit.run_sql(server_db, "SELECT max(recorded_at) FROM journal")
    assert copied == dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC)
