"""Journal entries of every change kind, written the way the workflows write them
(`journal.record(...)`), so that the reports can be tested before the transfer,
borrowing, suspension and year's-turn commands exist.

    kit = Kit(township)                       # a directory from the fixtures
    a = kit.enroll("001", grade=3, day="2026-09-01")
    kit.change(a, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    b = kit.arrive("002", "transfer_in", "2026-10-12", grade=2, evidence=["转学证明"])
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import select
from synthetic import make_id

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import Person, School, Student
from xueji_cli.store.workspace import open_workspace

_serial = itertools.count(1)


def day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


class Kit:
    def __init__(self, directory):
        self.store = open_workspace(str(directory), check_schema=False).store  # either store
        self.numbers: dict[int, int] = {}

    def _school(self, session, code: str) -> School:
        return session.exec(select(School).where(School.code == code)).one()

    def _person(self, session, name: str | None, gender: str, birth: str) -> Person:
        serial = next(_serial)
        person = Person(name=name or f"学生{serial:03d}", gender=gender,
                        birth_date=day(birth), id_number=make_id(birth, male=gender == "1",
                                                                  seq=serial + 200),
                        created_at=dt.datetime.now(dt.UTC))
        session.add(person)
        session.flush()
        return person

    def arrive(self, school: str, kind: str, when, *, grade: int = 1, class_no: int = 1,
               regular: bool = True, name: str | None = None, gender: str = "1",
               birth: str = "2019-03-05", entry_year: int | None = None, status: str = "active",
               **fields) -> int:
        """A record that comes into being by an entry of `kind` (enroll, transfer_in,
        borrow_in …). Returns the record's id."""
        with self.store.session(write=True) as session:
            school_row = self._school(session, school)
            person = self._person(session, name, gender, birth)
            entry_year = entry_year or (day(when).year - grade + 1)
            sets = {"school_id": school_row.id, "kind": "regular" if regular else "borrowing",
                    "entry_year": entry_year, "grade": grade, "class_no": class_no,
                    "status": status}
            if regular:
                seq = self.numbers[school_row.id] = self.numbers.get(school_row.id, 0) + 1
                sets["local_number"] = f"0226{entry_year % 100:02d}{school}0{seq + 5000:04d}"
                sets["national_number"] = "G" + person.id_number
            student = Student(person_id=person.id, school_id=school_row.id, entry_year=entry_year,
                              grade=grade, class_no=class_no, enrolled_on=day(when),
                              created_at=dt.datetime.now(dt.UTC))
            journal.record(session, student, kind, day(when), "测试", sets=sets, **fields)
            return student.id

    def enroll(self, school: str, when="2026-09-01", **options) -> int:
        options.setdefault("evidence", ["户口簿", "房产证明"])
        return self.arrive(school, "enroll", when, **options)

    def change(self, student_id: int, kind: str, when, **sets_and_fields) -> int:
        """Append an entry of `kind` to a record; keyword arguments that are projected
        fields go to `sets`, the others (reason, evidence, details, corrects, case_ref …)
        to the entry. Returns the entry id."""
        from xueji_cli.ledger.projection import PROJECTED

        sets = {k: v for k, v in sets_and_fields.items() if k in PROJECTED}
        fields = {k: v for k, v in sets_and_fields.items() if k not in PROJECTED}
        with self.store.session(write=True) as session:
            student = session.get(Student, student_id)
            entry = journal.record(session, student, kind, day(when), "测试", sets=sets, **fields)
            session.flush()
            return entry.id

    def case_step(self, kind: str, when, case_ref: str, student_id: int | None = None, **fields) -> int:
        with self.store.session(write=True) as session:
            student = session.get(Student, student_id) if student_id else None
            entry = journal.record(session, student, kind, day(when), "测试", case_ref=case_ref,
                                   **fields)
            session.flush()
            return entry.id

    def school_id(self, code: str) -> int:
        with self.store.session() as session:
            return self._school(session, code).id

    def close(self) -> None:
        for engine in self.store._engines.values():
            engine.dispose()


@pytest.fixture
def kit(township, monkeypatch):
    """A Kit on the township of the fixtures, on 2 November 2026 (after October's end)."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-11-02")
    made = Kit(township)
    yield made
    made.close()


def roster_history(kit: Kit) -> tuple[int, int, int]:
    """A history to read rosters of past days from (甲 changes class, 乙 is suspended, 丙
    leaves 002, 丁 arrives at 002, 甲 is promoted); returns the ids of 甲, 乙, 丙."""
    a = kit.enroll("001", "2026-09-01", grade=1, class_no=1, name="甲")
    b = kit.enroll("001", "2026-09-01", grade=2, class_no=1, name="乙")
    c = kit.enroll("002", "2026-09-01", grade=1, class_no=2, name="丙")
    kit.change(a, "class_change", "2026-09-20", class_no=2)
    kit.change(b, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    kit.change(c, "transfer_out", "2026-10-15", status="transferred_out")
    kit.arrive("002", "transfer_in", "2026-10-16", grade=3, name="丁", evidence=["转学证明"])
    kit.change(a, "promote", "2027-07-10", grade=2)
    return a, b, c
