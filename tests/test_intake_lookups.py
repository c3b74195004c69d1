"""The September intake's look-ups made at once on sqlite3
(records/enrollment/sqlite_target.SqliteTarget.lookups) find, for every child, the records
one-student enrollment finds through the ORM (Lookups.matches, one query per child) —
whatever the size of the chunks of values."""

from __future__ import annotations

import datetime as dt
import sqlite3

from sqlalchemy import create_engine, insert
from sqlmodel import Session, SQLModel

from xueji_cli.ledger.models import Person, School, Student
from xueji_cli.records.enrollment import sqlite_target
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.store.sqlite_writer import SqliteWriter

STAMP = dt.datetime(2026, 9, 1, 1, 2, 3, tzinfo=dt.UTC)


def _database(path):
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(School.__table__), [
            dict(id=1, code="001", name="中心小学", type="primary", is_central=True,
                 designated_for_borrowing=False, created_at=STAMP)])
        people, records = [], []
        for i in range(1, 1201):
            birth = dt.date(2019, 9, 1) + dt.timedelta(days=i % 50)
            people.append(dict(id=i, name=f"张{i % 40}", gender="1", birth_date=birth, id_type="1",
                               id_number=None if i % 3 == 0 else f"1302832019{i:08d}",
                               details={}, created_at=STAMP))
            records.append(dict(id=i, person_id=i if i <= 1100 else i - 100, school_id=1,
                                kind="regular", local_number=f"0226260010{i:04d}",
                                national_number=f"J{i:018d}" if i % 5 == 0 else None,
                                entry_year=2026, grade=1, class_no=1 + i % 9, status="active",
                                enrolled_on=dt.date(2026, 9, 1), created_at=STAMP))
        conn.execute(insert(Person.__table__), people)
        conn.execute(insert(Student.__table__), records)
    return engine


def _applicants() -> list[Applicant]:
    out = []
    for i in range(1, 1300, 2):
        birth = dt.date(2019, 9, 1) + dt.timedelta(days=i % 50)
        out.append(Applicant("001", f"张{i % 40}", "1", birth, 1, 1,
                             id_number=f"1302832019{i:08d}" if i % 3 else ""))
        out.append(Applicant("001", f"张{i % 40}", "1", birth, 1, 1,
                             national_number=f"J{i:018d}", guardian_name="李某"))
    return out


def _loaded(path, chunk: int, monkeypatch) -> Lookups:
    monkeypatch.setattr(sqlite_target, "IN_CHUNK", chunk)
    conn = sqlite3.connect(path)
    try:
        return sqlite_target.SqliteTarget(SqliteWriter(conn)).lookups(_applicants())
    finally:
        conn.close()


def _key(match: dict) -> tuple:
    return match["local_number"], match["by"]


def test_loaded_look_ups_find_what_one_child_queries_find(tmp_path, monkeypatch):
    path = tmp_path / "x.db"
    engine = _database(path)
    loaded = _loaded(path, 500, monkeypatch)
    found = 0
    with Session(engine) as session:
        one_by_one = Lookups(session)
        for applicant in _applicants():
            expected = sorted(one_by_one.matches(applicant), key=_key)
            assert sorted(loaded.matches(applicant), key=_key) == expected, applicant
            found += len(expected)
    assert found > 1000
    kinds = {key[0] for key in loaded._found}
    assert kinds == {"id", "national", "name"}


def test_chunks_of_any_size_find_the_same(tmp_path, monkeypatch):
    path = tmp_path / "x.db"
    _database(path)
    whole = _loaded(path, 32_000, monkeypatch)._found
    for chunk in (1, 7, 500):
        assert _loaded(path, chunk, monkeypatch)._found == whole


def test_class_counts_and_schools_are_loaded(tmp_path):
    path = tmp_path / "x.db"
    _database(path)
    conn = sqlite3.connect(path)
    lookups = sqlite_target.SqliteTarget(SqliteWriter(conn)).lookups([])
    conn.close()
    assert lookups.school("001").name == "中心小学" and lookups.school("002") is None
    assert sum(lookups.in_class(1, 1, c) for c in range(1, 10)) == 1200


def test_a_national_number_does_not_switch_off_the_name_check(tmp_path, monkeypatch):
    """NUM-7 on both targets (the ORM session one child at a time, sqlite3 all at once): a
    child without an ID number is found by name + birth date + guardian whatever J/L number
    is given, and a record found by its national number too is held once."""
    path = tmp_path / "x.db"
    engine = _database(path)
    birth = dt.date(2019, 9, 1)
    with engine.begin() as conn:
        conn.execute(insert(Person.__table__), [dict(
            id=2000, name="赵无号", gender="1", birth_date=birth, id_type="Z", id_number=None,
            guardian_name="赵大", details={}, created_at=STAMP)])
        conn.execute(insert(Student.__table__), [dict(
            id=2000, person_id=2000, school_id=1, kind="regular", local_number="02262600109999",
            national_number="J130283201909010011", entry_year=2026, grade=1, class_no=1,
            status="active", enrolled_on=dt.date(2026, 9, 1), created_at=STAMP)])
    asking = [Applicant("001", "赵无号", "1", birth, 1, 1, national_number=national,
                        guardian_name=guardian)
              for national, guardian in (("L130283201909010011", "赵大"),
                                         ("J130283201909010011", "赵大"),
                                         ("L130283201909010011", "钱二"))]
    monkeypatch.setattr(sqlite_target, "IN_CHUNK", 500)
    conn = sqlite3.connect(path)
    loaded = sqlite_target.SqliteTarget(SqliteWriter(conn)).lookups(asking)
    conn.close()
    with Session(engine) as session:
        for lookups in (Lookups(session), loaded):
            assert [_key(m) for m in lookups.matches(asking[0])] == [("02262600109999", "name")]
            assert [_key(m) for m in lookups.matches(asking[1])] == [
                ("02262600109999", "national_number")]
            assert lookups.matches(asking[2]) == []
