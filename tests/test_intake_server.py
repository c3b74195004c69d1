"""The September intake on a county's server (records/enrollment/server_target.py): the
roster's look-ups made at once, its rows copied in with COPY (store/postgres_writer.py)
in one transaction. What it writes is what the ORM writes (enrolling.write_many, the
writing of one-student enrollment), value for value; a failure found by the server after
some rows were copied leaves nothing (all or nothing); a registrar enrolling into the
same cohort meanwhile waits for the intake and numbers after it (NUM-1, NUM-3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pgkit
import pytest
import rosters
from conftest import invoke, server_directory
from test_intake_sqlite import STAMPED, _mixed_roster, import_late_then_again, open_targets_of
from test_safety_concurrency import enroll_options

from xueji_cli.records.enrollment import roster_target
from xueji_cli.records.enrollment.enrolling import write_many
from xueji_cli.records.enrollment.server_target import ServerTarget
from xueji_cli.store import postgres_writer, settings

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("store_kind", ["postgres"])]
COHORT = "0226260010"  # city 02, county 26, entry 2026, school 001, primary


def _url(directory) -> str:
    return settings.load(directory).database_url


def _rows(url: str, table: str) -> list[dict]:
    columns = [c for (c,) in pgkit.run_sql(
        url, "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
        " AND table_schema = current_schema() ORDER BY ordinal_position", (table,))
        if c not in STAMPED[table]]
    return [dict(zip(columns, row)) for row in pgkit.run_sql(
        url, f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")]


class OrmTarget(ServerTarget):
    """The intake's look-ups on the server, its rows written through the ORM."""

    def __init__(self, session):
        super().__init__(session)
        self.session = session

    def write(self, items, effective, operator, batch, tick=None, kind="enroll"):
        write_many(self.session, items, effective, operator, batch=batch, kind=kind)


def test_the_copy_writes_what_the_orm_writes(township, xueji, tmp_path, monkeypatch, request):
    path = _mixed_roster(tmp_path)
    name = pgkit.new_database(request.getfixturevalue("pg_township_template"))
    request.addfinalizer(lambda: pgkit.drop_database(name))
    orm_dir = server_directory(tmp_path / "orm", name)
    import_late_then_again(xueji, path)
    copied = {table: _rows(_url(township), table) for table in STAMPED}
    open_targets_of(OrmTarget, monkeypatch)
    import_late_then_again(lambda *args: invoke(orm_dir, *args), path)
    written = {table: _rows(_url(orm_dir), table) for table in STAMPED}
    assert len(copied["student"]) == 6
    assert copied == written  # the journal's ids in the same order too
    stamps = pgkit.run_sql(_url(township), "SELECT DISTINCT recorded_at FROM journal")
    assert len(stamps) == 1  # one batch, one moment
    monkeypatch.undo()
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_a_refusal_of_the_server_after_some_copies_leaves_nothing(township, xueji, sql,
                                                                  tmp_path, monkeypatch):
    """All or nothing: the server refuses the third journal entry, after the people,
    records and entries of the first chunk and the people and records of the second were
    copied in; nothing of the roster stays, and the registrar gets exit 3 with the plain
    message, not a traceback."""
    monkeypatch.setattr(roster_target, "WRITE_CHUNK", 2)
    sql("CREATE FUNCTION refuse_third() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF (SELECT count(*) FROM journal) >= 2 THEN"
        " RAISE EXCEPTION 'busy' USING ERRCODE = 'lock_not_available'; END IF;"
        " RETURN NEW; END $$")
    sql("CREATE TRIGGER refuse_third BEFORE INSERT ON journal"
        " FOR EACH ROW EXECUTE FUNCTION refuse_third()")
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(11, 16)])
    result = xueji("enroll", "--from", path, "--school", "001")
    assert result.exit_code == 3 and "正被另一个程序写入" in result.stderr
    assert "Traceback" not in result.stderr
    for table in ("person", "student", "journal"):
        assert sql(f"SELECT count(*) FROM {table}") == [(0,)]
    sql("DROP TRIGGER refuse_third ON journal")
    assert xueji("enroll", "--from", path, "--school", "001").exit_code == 0
    numbers = [n for (n,) in sql("SELECT local_number FROM student ORDER BY local_number")]
    assert numbers == [f"{COHORT}{n:04d}" for n in range(1, 6)]


def test_an_enrollment_into_the_cohort_during_the_intake_numbers_after_it(
        township, xueji, sql, tmp_path, monkeypatch):
    """NUM-1, NUM-3: while the intake copies its rows it holds the cohort's lock; a
    registrar enrolling one child into the same cohort from another process waits, then
    takes the number after the roster's — no duplicate, no gap."""
    real = postgres_writer.PostgresWriter.insert
    waiting: list[subprocess.Popen] = []

    def insert_while_another_enrolls(self, table, keys, rows):
        if not waiting:  # the numbers are given; the first COPY is about to run
            env = {**os.environ, "XUEJI_TODAY": "2026-09-01"}
            waiting.append(subprocess.Popen(
                [sys.executable, "-m", "xueji_cli", "--dir", str(township),
                 *enroll_options()], env=env, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True))
            time.sleep(3)
            assert waiting[0].poll() is None  # it waits for the intake's lock
        return real(self, table, keys, rows)

    monkeypatch.setattr(postgres_writer.PostgresWriter, "insert", insert_while_another_enrolls)
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(11, 16)])
    assert xueji("enroll", "--from", path, "--school", "001").exit_code == 0
    out, err = waiting[0].communicate(timeout=60)
    assert waiting[0].returncode == 0, err
    rows = sql("SELECT s.local_number, j.id FROM student s JOIN journal j ON j.student_id = s.id"
               " ORDER BY j.id")
    assert [n for n, _ in rows] == [f"{COHORT}{n:04d}" for n in range(1, 7)]
    assert xueji("renumber-check").exit_code == 0


def test_a_child_enrolled_by_another_registrar_meanwhile_is_a_plain_message(
        township, xueji, sql, tmp_path, monkeypatch):
    """NUM-7 across registrars: the roster's look-ups were made before another registrar
    committed one of its children (here the person's row, planted behind the program's
    back); the server's unique ID number refuses the copy, and the registrar is told what
    happened and what to do (exit 3), nothing of the roster written, no traceback."""
    real = postgres_writer.PostgresWriter.insert
    children = [rosters.child(i) for i in range(11, 14)]

    def insert_after_another_registrar(self, table, keys, rows):
        if table == "person" and not sql("SELECT 1 FROM person"):
            sql("INSERT INTO person (name, gender, birth_date, id_type, id_number, details,"
                " created_at) VALUES ('别处登记', '1', '2020-03-05', '1', ?, '{}', now())",
                children[1]["身份证号"])
        return real(self, table, keys, rows)

    monkeypatch.setattr(postgres_writer.PostgresWriter, "insert", insert_after_another_registrar)
    path = rosters.write(tmp_path / "r.xlsx", children)
    result = xueji("enroll", "--from", path, "--school", "001")
    assert result.exit_code == 3 and "另一个程序刚刚写入了相同的内容" in result.stderr
    assert "Traceback" not in result.stderr and "UniqueViolation" not in result.stderr
    assert sql("SELECT name FROM person") == [("别处登记",)]  # the other registrar's only
    assert sql("SELECT count(*) FROM student") == [(0,)]


def test_a_register_taken_over_on_the_server(township, xueji, sql, tmp_path):
    """takeover shares the intake's target: the numbers kept, one takeover entry each."""
    path = rosters.write(tmp_path / "r.xlsx", [
        rosters.child(i, 学籍号=f"{COHORT}{i:04d}") for i in (3, 7)])
    result = xueji("takeover", path, "--as-of", "2026-09-01")
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT s.local_number, j.kind FROM student s JOIN journal j"
               " ON j.student_id = s.id ORDER BY j.id") == [
        (f"{COHORT}0003", "takeover"), (f"{COHORT}0007", "takeover")]
    assert xueji("check").exit_code == 0
