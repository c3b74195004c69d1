"""Roster.preload finds the same records (the same matches, in the same order) whether
the values go to SQLite as one JSON array (json_each) or as chunks of bound parameters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, insert
from sqlmodel import Session, SQLModel

from xueji_cli.core import enrollment
from xueji_cli.core.enrollment import Applicant, Roster
from xueji_cli.core.models import Person, School, Student

STAMP = dt.datetime(2026, 9, 1, 1, 2, 3, tzinfo=dt.UTC)


def _database():
    engine = create_engine("sqlite://")
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


def _found(engine, json_list: bool, monkeypatch) -> dict:
    monkeypatch.setattr(enrollment, "_json_lists", lambda session: json_list)
    with Session(engine) as session:
        roster = Roster(session)
        roster.preload(_applicants())
        return roster._found


def test_json_array_and_chunks_find_the_same(monkeypatch):
    engine = _database()
    assert enrollment._json_lists(Session(engine)) is True  # the bundled SQLite is new enough
    chunked = _found(engine, False, monkeypatch)
    as_json = _found(engine, True, monkeypatch)
    assert as_json == chunked
    assert list(as_json) == list(chunked)  # the same keys, found in the same order
    kinds = {key[0] for key in as_json}
    assert kinds == {"id", "national", "name"} and sum(map(len, as_json.values())) > 1000


def test_no_values_no_query(monkeypatch):
    assert enrollment._among(Person.id_number, [], True) == []
    assert len(enrollment._among(Person.id_number, [str(i) for i in range(1200)], False)) == 3
