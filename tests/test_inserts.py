"""store/inserts.insert_many (many rows in one INSERT through the session: enrollment on a
server database, the records and journal entries of a batch) stores exactly what
SQLAlchemy Core would store, row for row, and hands out the ids in order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, insert
from sqlmodel import Session, SQLModel

from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.store.inserts import insert_many

STAMP = dt.datetime(2026, 9, 1, 1, 2, 3, tzinfo=dt.UTC)


def rows(table, second: bool = False) -> list[dict]:
    if table is Person.__table__:
        return [dict(name=f"张{i}", gender="1", birth_date=dt.date(2020, 3, i + 1), id_type="1",
                     id_number=f"13028320200305{i + 10 * second:04d}", ethnicity="01", hukou_region=None,
                     guardian_name=None, guardian_hukou_region=None, guardian_phone=None,
                     residence_region=None, address="示范镇", details={"health": "1", "名": "中"},
                     created_at=STAMP) for i in range(3)]
    if table is Student.__table__:
        return [dict(person_id=i + 1, school_id=1, kind="regular", local_number=f"0226260010000{i}",
                     national_number=None, entry_year=2026, grade=1, class_no=1, status="active",
                     enrolled_on=dt.date(2026, 9, 1), remark=None, created_at=STAMP)
                for i in range(3)]
    shared = []
    return [dict(student_id=i + 1, kind="enroll", national_code=None,
                 effective_date=dt.date(2026, 9, 1), recorded_at=STAMP, operator="王老师",
                 school_id=1, from_school=None, to_school="001 中心小学", reason=None,
                 evidence=["户口簿", "房产证明"], approvals=shared, sets={"grade": 1, "status": "active"},
                 remark=None, details={}, case_ref=None, corrects=None, batch="b")
            for i in range(3)]


def test_same_values_as_core_and_ids_in_order():
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(School.__table__), [dict(code="001", name="中心小学", type="primary",
                                                    is_central=True, designated_for_borrowing=False,
                                                    created_at=STAMP)])
    for model in (Person, Student, JournalEntry):
        table = model.__table__
        with engine.begin() as conn:
            conn.execute(insert(table), rows(table))
        with Session(engine) as session:
            ids = insert_many(session, table, rows(table, second=True),
                              return_ids=table is not JournalEntry.__table__)
            session.commit()
        with engine.connect() as conn:
            stored = conn.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY id").fetchall()
        core, many = stored[:3], stored[3:]
        if table is Person.__table__:  # the ID numbers differ (unique)
            core = [row[:5] + row[6:] for row in core]
            many = [row[:5] + row[6:] for row in many]
        assert [row[1:] for row in many] == [row[1:] for row in core], table.name
        if table is not JournalEntry.__table__:
            assert ids == [4, 5, 6] == [row[0] for row in many]
