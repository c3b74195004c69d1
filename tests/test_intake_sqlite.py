"""The September intake on SQLite writes through sqlite3 without SQLAlchemy
(store/sqlite_writer.py, records/enrollment/sqlite_target.py). What it writes must be what
the ORM path writes (enrolling.write_many, the path of a server database and of
one-student enrollment): the same roster imported both ways gives the same rows, value for
value, in every table. And the intake really does not load SQLAlchemy."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3

import pytest
import rosters
from conftest import copy_directory, invoke
from loadkit import run_watching_sqlalchemy
from synthetic import VILLAGE_002

from xueji_cli.records.enrollment import targets
from xueji_cli.records.enrollment.enrolling import write_many
from xueji_cli.records.enrollment.sqlite_target import SqliteTarget
from xueji_cli.store.sqlite_writer import SqliteWriter

STAMPED = {"person": ("created_at",), "student": ("created_at",),
           "journal": ("recorded_at", "batch")}


def _rows(sql, table: str) -> list[dict]:
    columns = [c[1] for c in sql(f"PRAGMA table_info({table})")]
    keep = [c for c in columns if c not in STAMPED[table]]
    return [dict(zip(keep, row)) for row in sql(f"SELECT {', '.join(keep)} FROM {table} ORDER BY id")]


def _mixed_roster(tmp_path):
    """Children of two schools and classes, a namesake without an ID number, a national
    number, a class over the cap with its decision, a late roster (a warning kept in the
    remark), evidence of different kinds."""
    rows = [rosters.child(i, 身份证件类型="居民身份证", 全国学籍号="", 超额决定="")
            for i in range(1, 7)]
    rows[1] |= {"班级": 2, "证明材料": "户口簿、房产证明、预防接种证"}
    rows[2] |= {"学校代码": "002", "户口所在地": VILLAGE_002, "监护人户口所在地": VILLAGE_002,
                "现住地": VILLAGE_002}
    rows[3] |= {"身份证号": "", "身份证件类型": "其他", "姓名": rows[0]["姓名"],
                "出生日期": "2020-04-06", "全国学籍号": "L130283202004060011"}
    rows[4] |= {"超额决定": "县教育局2026-8号"}
    for row in rows:
        row.setdefault("学校代码", "001")
    return rosters.write(tmp_path / "mixed.xlsx", rows)


class OrmTarget(SqliteTarget):
    """The intake's look-ups on the session's own connection, its rows written through the
    ORM (enrolling.write_many, as one-student enrollment writes them)."""

    def __init__(self, session):
        super().__init__(SqliteWriter(session.connection().connection.driver_connection))
        self.session = session

    def write(self, items, effective, operator, batch, tick=None, kind="enroll"):
        write_many(self.session, items, effective, operator, batch=batch, kind=kind)


def import_late_then_again(run, path) -> None:
    """`run("enroll", "--from", path, …)` late (an ENR-4 remark), then again (already held)."""
    for args in (("--date", "2026-09-20"), ()):
        assert run("enroll", "--from", path, *args).exit_code == 0


def open_targets_of(target_class, monkeypatch) -> None:
    """The intake's targets made by `target_class(session)` over the store's session."""
    @contextlib.contextmanager
    def open_target(store, write):
        with store.session(write=write) as session:
            yield target_class(session)

    monkeypatch.setattr(targets, "open_target", open_target)


def test_the_sqlite_writer_writes_what_the_orm_writes(township, xueji, sql, tmp_path,
                                                         monkeypatch):
    path = _mixed_roster(tmp_path)
    orm_dir = copy_directory(township, tmp_path / "orm")
    import_late_then_again(xueji, path)
    sqlite_rows = {table: _rows(sql, table) for table in STAMPED}
    open_targets_of(OrmTarget, monkeypatch)
    import_late_then_again(lambda *args: invoke(orm_dir, *args), path)
    with contextlib.closing(sqlite3.connect(orm_dir / "xueji.db")) as conn:
        orm_rows = {table: _rows(lambda q: conn.execute(q).fetchall(), table)
                    for table in STAMPED}
    assert len(sqlite_rows["student"]) == 6
    assert sqlite_rows == orm_rows
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_a_failed_write_leaves_nothing(township, xueji, sql, tmp_path, monkeypatch):
    """The intake's transaction is all or nothing: an error in the middle of the writing
    (here the journal's insert) rolls back the people and records inserted before it."""
    real = SqliteWriter.insert

    def failing(self, table, keys, rows):
        if table == "journal":
            raise RuntimeError("simulated failure")
        return real(self, table, keys, rows)

    monkeypatch.setattr(SqliteWriter, "insert", failing)
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(1, 4)])
    with pytest.raises(AssertionError, match="内部错误"):  # RuntimeError: an internal error
        invoke(township, "enroll", "--from", path, "--school", "001")
    assert sql("SELECT count(*) FROM person") == sql("SELECT count(*) FROM student") == [(0,)]


def test_the_log_is_copied_into_the_database_file_before_the_command_ends(township, tmp_path):
    """The commit leaves the checkpoint (write-ahead log → database file) to a thread
    while the report is printed; the command joins it before it ends: afterwards the
    database file itself holds the roster and the thread is gone. Read from another
    process, without a log beside the file, to see the file alone."""
    import threading

    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(1, 31)])
    database = township / "xueji.db"
    before = database.stat().st_size
    result = invoke(township, "enroll", "--from", path, "--school", "001")
    assert "已导入 30 人" in result.stderr
    assert not any(t.name == "xueji-checkpoint" for t in threading.enumerate())
    assert database.stat().st_size > before
    copy = tmp_path / "file-alone.db"
    copy.write_bytes(database.read_bytes())  # the file without its -wal
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("SELECT count(*) FROM student").fetchone() == (30,)


@pytest.mark.parametrize("failing", ["helper connection", "thread"])
def test_the_write_stands_when_the_checkpoint_cannot_be_started(township, sql, tmp_path,
                                                               monkeypatch, failing):
    """A checkpoint that cannot be handed to a thread is left to closing the connection
    (SQLite's own): the committed roster is reported and kept."""
    import threading

    from xueji_cli.store import sqlite as sqlite_mod

    real_connect, real_start = sqlite3.connect, threading.Thread.start

    def refuse_helper(*args, **kwargs):
        if kwargs.get("check_same_thread") is False:
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(*args, **kwargs)

    def refuse_thread(self):
        if self.name == "xueji-checkpoint":
            raise RuntimeError("can't start new thread")
        return real_start(self)

    if failing == "thread":
        monkeypatch.setattr(threading.Thread, "start", refuse_thread)
    else:
        monkeypatch.setattr(sqlite_mod.sqlite3, "connect", refuse_helper)
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(1, 4)])
    result = invoke(township, "enroll", "--from", path, "--school", "001")
    assert "已导入 3 人" in result.stderr
    assert sql("SELECT count(*) FROM student") == [(3,)]


def test_columns_null_in_every_row_are_left_to_sqlite(township, sql, tmp_path, monkeypatch):
    """A column that is NULL in every row (and has no default) is not named in the
    INSERT — SQLite stores NULL there all the same; a column with a value in some row is
    named."""
    from xueji_cli.store.sqlite_writer import SqliteWriter

    statements = []
    real = SqliteWriter.insert

    class Recording:
        def __init__(self, conn):
            self.conn = conn

        def executemany(self, statement, rows):
            statements.append(statement)
            return self.conn.executemany(statement, rows)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    def recording(self, table, keys, rows):
        conn, self.conn = self.conn, Recording(self.conn)
        try:
            return real(self, table, keys, rows)
        finally:
            self.conn = conn

    monkeypatch.setattr(SqliteWriter, "insert", recording)
    children = [rosters.child(i, 备注="") for i in range(1, 4)]
    children[1]["备注"] = "转入时补录"
    path = rosters.write(tmp_path / "r.xlsx", children)
    assert "已导入 3 人" in invoke(township, "enroll", "--from", path, "--school", "001").stderr
    journal = next(s for s in statements if s.startswith('INSERT INTO "journal"'))
    student = next(s for s in statements if s.startswith('INSERT INTO "student"'))
    assert "case_ref" not in journal and "corrects" not in journal and "reason" not in journal
    assert "remark" in student  # one child has a remark
    assert sql("SELECT count(*) FROM journal WHERE case_ref IS NULL AND corrects IS NULL") == [(3,)]
    assert sql("SELECT remark FROM student ORDER BY id") == [(None,), ("转入时补录",), (None,)]


def test_the_intake_does_not_load_sqlalchemy(township, tmp_path):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(1, 4)])
    done, loaded = run_watching_sqlalchemy("--dir", township, "enroll", "--from", path,
                                           "--school", "001")
    assert "已导入 3 人" in done.stderr, done.stderr
    assert not loaded


@pytest.mark.parametrize("declared, sa_type, values", [
    ("DATE", "Date", [dt.date(2020, 3, 5), None]),
    ("DATETIME", "DateTime", [dt.datetime(2026, 9, 1, 8, 5, 3, 12),
                              dt.datetime(2026, 9, 1), None]),
    ("JSON", "JSON", [{}, [], {"a": "学", "b": [1, None]}, ["户口簿"], "text", None]),
    ("BOOLEAN", "Boolean", [True, False, None]),
])
def test_each_declared_type_is_stored_as_sqlalchemy_stores_it(declared, sa_type, values):
    import sqlalchemy
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from xueji_cli.store.sqlite_writer import CONVERTERS

    dialect = sqlite_dialect.dialect()
    process = getattr(sqlalchemy, sa_type)().dialect_impl(dialect).bind_processor(dialect)
    for value in values:
        assert CONVERTERS[declared](value) == process(value), value
