"""Every migration, from the first, on a POPULATED database; and the guards the database
keeps by itself (append-only journal, records never deleted, every entry with an
operator) against direct SQL behind the program's back.

The populated database is built at the first revision with raw SQL in that revision's
columns (tests/populate.py), so these tests keep working whatever later migrations the
other issues add: each is run step by step and the data checked after every step."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from alembic import command
from populate import populate

from xueji_cli.store import database as store_mod
from xueji_cli.store.database import Store

FIRST = store_mod.REVISIONS[0]
GUARDS = {"journal_no_update", "journal_no_delete"}
SAFETY_GUARDS = {"journal_needs_operator", "student_no_delete", "person_no_delete"}


def triggers(path) -> set[str]:
    """The guards the database keeps: its triggers, and the journal's operator check —
    a trigger from 0009, a named CHECK constraint of the table from 0010."""
    with closing(sqlite3.connect(path)) as conn:
        found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        (table,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'journal'").fetchone()
    if "CONSTRAINT journal_needs_operator CHECK" in table:
        found.add("journal_needs_operator")
    return found


def rows(path, statement, *params):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(statement, params).fetchall()


@pytest.fixture
def old_dir(ws_dir):
    """ws_dir with its database rebuilt at the FIRST revision and populated there."""
    (ws_dir / "xueji.db").unlink()
    store = Store(ws_dir)
    from xueji_cli.store import sqlite

    sqlite.create_private(store.path)
    sqlite.enable_wal(store.path)
    with store.engine(True).begin() as conn:
        command.upgrade(store._alembic_config(conn), FIRST)
    store.engine(True).dispose()
    populated = populate(store.path, per_cohort=12)
    return ws_dir, populated


def snapshot(path) -> dict:
    return {
        "students": rows(path, "SELECT id, person_id, school_id, kind, local_number, national_number, "
                               "entry_year, grade, class_no, status FROM student ORDER BY id"),
        "persons": rows(path, "SELECT id, name, gender, birth_date, id_number FROM person ORDER BY id"),
        "journal": rows(path, "SELECT id, student_id, kind, effective_date, operator, sets "
                              "FROM journal ORDER BY id"),
        "schools": rows(path, "SELECT id, code, name FROM school ORDER BY id"),
    }


def test_commands_refuse_the_old_schema_until_upgraded(old_dir, xueji):
    directory, _ = old_dir
    if FIRST == store_mod.HEAD:
        pytest.skip("only one revision")
    result = xueji("student", "list")
    assert result.exit_code == 3 and "xueji db upgrade" in result.stderr


def test_every_migration_step_keeps_the_data_and_the_guards(old_dir):
    directory, populated = old_dir
    path = directory / "xueji.db"
    before = snapshot(path)
    assert len(before["students"]) == populated.students == 48
    store = Store(directory)
    for revision in store_mod.REVISIONS[1:]:
        with store.engine(True).begin() as conn:
            command.upgrade(store._alembic_config(conn), revision)
        assert rows(path, "PRAGMA integrity_check") == [("ok",)], revision
        assert rows(path, "PRAGMA foreign_key_check") == [], revision
        assert GUARDS <= triggers(path), f"{revision} lost the journal's append-only guards"
        assert snapshot(path) == before, f"{revision} changed the data"
    store.engine(True).dispose()


def test_db_upgrade_of_a_populated_database_to_head(old_dir, xueji, enroll, as_json):
    directory, populated = old_dir
    path = directory / "xueji.db"
    before = snapshot(path)
    result = xueji("db", "upgrade", "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["to"] == store_mod.HEAD
    if FIRST != store_mod.HEAD:
        assert document["from"] == FIRST and document["backup"]
        # the backup is the database as it was, still at the first revision
        assert rows(document["backup"], "SELECT version_num FROM alembic_version") == [(FIRST,)]
        assert snapshot(document["backup"]) == before
    assert rows(path, "SELECT version_num FROM alembic_version") == [(store_mod.HEAD,)]
    assert snapshot(path) == before
    assert (GUARDS | SAFETY_GUARDS) <= triggers(path)
    # the upgraded database works with every command
    assert xueji("check").exit_code == 0
    assert as_json(xueji("renumber-check", "--json")) == {
        "ok": True, "checked": populated.students, "problems": []}
    card = as_json(xueji("student", "show", populated.numbers[0], "--json"))
    assert card["local_number"] == populated.numbers[0] and len(card["history"]) >= 1
    listing = as_json(xueji("student", "list", "--school", "002", "--json"))
    assert listing["count"] == populated.students // 2
    # numbering goes on after the populated cohort: 001's 2026 cohort holds 0001–0012
    created = as_json(enroll(json=True))
    assert created["local_number"] == "02262600100013"
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


# -- the guards ---------------------------------------------------------------------------

@pytest.fixture
def filled(township, sql):
    populate(township / "xueji.db", per_cohort=3)
    return township


@pytest.mark.parametrize("statement", [
    "UPDATE journal SET reason = 'rewritten'",
    "UPDATE journal SET operator = 'someone else'",
    "UPDATE journal SET recorded_at = '2020-01-01 00:00:00.000000'",
    "UPDATE journal SET effective_date = '2020-01-01' WHERE id = 1",
    "UPDATE journal SET sets = '{}' WHERE id = 1",
    "DELETE FROM journal",
    "DELETE FROM journal WHERE id = (SELECT max(id) FROM journal)",
])
def test_journal_is_append_only_against_direct_sql(filled, sql, statement):
    before = sql("SELECT * FROM journal ORDER BY id")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        sql(statement)
    assert sql("SELECT * FROM journal ORDER BY id") == before


@pytest.mark.parametrize("table", ["student", "person"])
def test_records_are_never_deleted_even_without_foreign_keys(filled, ws_dir, table):
    with closing(sqlite3.connect(ws_dir / "xueji.db", isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")  # a tool that does not enforce them
        (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        for statement in (f"DELETE FROM {table}", f"DELETE FROM {table} WHERE id = 1"):
            with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
                conn.execute(statement)
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (count,)


@pytest.mark.parametrize("operator", [None, "", "   "])
def test_a_journal_entry_without_operator_is_refused(filled, sql, operator):
    count = sql("SELECT count(*) FROM journal")[0][0]
    with pytest.raises(sqlite3.DatabaseError, match="operator|NOT NULL"):
        sql("INSERT INTO journal (kind, effective_date, recorded_at, operator, evidence, approvals, "
            "sets, details) VALUES ('other', '2026-09-01', '2026-09-01 00:00:00', ?, '[]', '[]', "
            "'{}', '{}')", operator)
    assert sql("SELECT count(*) FROM journal")[0][0] == count


def test_appending_stays_possible(filled, sql, xueji):
    sql("INSERT INTO journal (kind, effective_date, recorded_at, operator, evidence, approvals, "
        "sets, details) VALUES ('other', '2026-09-01', '2026-09-01 00:00:00', '王老师', '[]', '[]', "
        "'{}', ?)", json.dumps({"note": "appended"}))
    assert xueji("check").exit_code == 0


def test_the_projection_can_still_change(filled, sql, xueji):
    """The guards stop deletion, not the journal's projection: a record's fields are
    changed by journal.record (and a change behind its back is what check finds)."""
    sql("UPDATE student SET grade = 3 WHERE id = 1")
    assert xueji("check").exit_code == 1


def test_guards_survive_a_downgrade_and_upgrade(ws_dir):
    store = Store(ws_dir)
    with store.engine(True).begin() as conn:
        command.downgrade(store._alembic_config(conn), FIRST)
    assert GUARDS <= triggers(store.path)
    assert not SAFETY_GUARDS & triggers(store.path)
    store.migrate()
    assert (GUARDS | SAFETY_GUARDS) <= triggers(store.path)
    store.engine(True).dispose()


def test_the_operator_check_rebuild_keeps_every_entry_and_correction(old_dir):
    """0010 rebuilds the journal so that a CHECK constraint replaces 0009's trigger:
    every entry comes through with its id and every value — a correcting entry's
    reference to the entry it corrects too — with the indexes and guards, and nothing
    of the old table is left. A blank operator is still refused, by the table itself."""
    directory, _ = old_dir
    path = directory / "xueji.db"
    store = Store(directory)
    with store.engine(True).begin() as conn:
        command.upgrade(store._alembic_config(conn), "0009")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            "INSERT INTO journal (student_id, kind, effective_date, recorded_at, operator, "
            "evidence, approvals, sets, details, corrects, remark) SELECT student_id, 'other', "
            "'2026-09-02', '2026-09-02 08:00:00.000000', '王老师', '[]', '[]', '{}', '{}', id, "
            "'更正' FROM journal ORDER BY id LIMIT 1")
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' ORDER BY name"
    before = rows(path, "SELECT * FROM journal ORDER BY id")
    before_indexes = rows(path, indexes)
    assert any(row[-2] is not None for row in before)  # the correction's `corrects`
    with store.engine(True).begin() as conn:
        command.upgrade(store._alembic_config(conn), "0010")
    store.engine(True).dispose()
    assert rows(path, "SELECT * FROM journal ORDER BY id") == before
    assert rows(path, indexes) == before_indexes
    assert rows(path, "PRAGMA foreign_key_check") == [] and rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "SELECT name FROM sqlite_master WHERE name LIKE '%journal_old%'") == []
    assert (GUARDS | SAFETY_GUARDS) <= triggers(path)
    assert "journal_needs_operator" not in {
        name for (name,) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    with closing(sqlite3.connect(path)) as conn, pytest.raises(sqlite3.IntegrityError,
                                                              match="journal_needs_operator"):
        conn.execute("INSERT INTO journal (kind, effective_date, recorded_at, operator, evidence, "
                     "approvals, sets, details) VALUES ('other', '2026-09-01', '2026-09-01', ' ', "
                     "'[]', '[]', '{}', '{}')")
