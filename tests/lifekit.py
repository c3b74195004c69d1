"""Test helpers for the rest of a record's life (CHG-1, CHG-2): put records into the states of other workflows (suspended,
borrowed out, a borrowing record, a transfer's steps) by appending journal entries with
`journal.record` — the same path those workflows use — and read results back."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from synthetic import VILLAGE_001

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import Person, Student
from xueji_cli.records.directory import schools, students
from xueji_cli.store.workspace import open_workspace
from xueji_cli.values.dates import now


def _session(directory: Path):
    return open_workspace(str(directory)).store.session(write=True)


def append(directory: Path, key: str, kind: str, sets: dict | None = None,
           date: str = "2026-10-08", **fields) -> int:
    """Append one entry of `kind` to the record KEY names; returns its id."""
    with _session(directory) as session:
        found = students.find(session, key)
        entry = journal.record(session, found.student, kind, dt.date.fromisoformat(date), "测试",
                               sets=sets or {}, **fields)
        session.flush()
        return entry.id


def suspend(directory: Path, key: str, date: str = "2026-10-08") -> int:
    return append(directory, key, "suspend", {"status": "suspended"}, date,
                  reason="病休", evidence=["诊断证明"])


def borrow_out(directory: Path, key: str, date: str = "2026-09-01") -> int:
    return append(directory, key, "borrow_out", {"status": "borrowed_out"}, date,
                  to_school="外县某小学")


def borrowing_record(directory: Path, name: str, id_number: str, school: str = "001",
                     grade: int = 1, class_no: int = 1, date: str = "2026-09-01") -> int:
    """A temporary borrowing record (临时借读学籍, kind borrowing, no local number) at
    SCHOOL, opened by a borrow_in entry; returns the student id."""
    effective = dt.date.fromisoformat(date)
    with _session(directory) as session:
        where = schools.get(session, school)
        person = Person(name=name, gender="1", birth_date=dt.date(2020, 3, 5), id_number=id_number,
                        details={}, created_at=now())
        session.add(person)
        session.flush()
        student = Student(person_id=person.id, school_id=where.id, entry_year=2026, grade=grade,
                          class_no=class_no, enrolled_on=effective, created_at=now())
        journal.record(session, student, "borrow_in", effective, "测试",
                       sets={"school_id": where.id, "kind": "borrowing", "local_number": None,
                             "national_number": "G" + id_number, "entry_year": 2026,
                             "grade": grade, "class_no": class_no, "status": "active"},
                       from_school="外县某小学")
        session.flush()
        return student.id


def transfer_inside(directory: Path, key: str, new_number: str, school: str = "002",
                    date: str = "2026-10-10", case: str = "T-2026-1") -> None:
    """The child moves to another school of the township: the old record is transferred
    out and a new record with NEW_NUMBER is opened there (two steps of one case)."""
    append(directory, key, "transfer_out", {"status": "transferred_out"}, date, case_ref=case,
           to_school=school)
    effective = dt.date.fromisoformat(date)
    with _session(directory) as session:
        old = students.find(session, key).student
        where = schools.get(session, school)
        record = Student(person_id=old.person_id, school_id=where.id, entry_year=old.entry_year,
                         grade=old.grade, class_no=old.class_no, enrolled_on=effective,
                         created_at=now())
        journal.record(session, record, "transfer_in", effective, "测试",
                       sets={"school_id": where.id, "kind": "regular", "local_number": new_number,
                             "national_number": old.national_number, "entry_year": old.entry_year,
                             "grade": old.grade, "class_no": old.class_no, "status": "active"},
                       case_ref=case)


def record_of(sql, local_number: str) -> dict:
    """The stored projection of one record."""
    (row,) = sql("SELECT grade, class_no, status, national_number, kind FROM student "
                 "WHERE local_number = ?", local_number)
    return dict(zip(("grade", "class_no", "status", "national_number", "kind"), row))


def entries(sql, local_number: str) -> list[tuple]:
    """(id, kind, corrects) of a record's entries, in order."""
    return sql("SELECT j.id, j.kind, j.corrects FROM journal j JOIN student s ON s.id = j.student_id "
               "WHERE s.local_number = ? ORDER BY j.id", local_number)


# -- scenarios built once per test module ----------------------------------------------------

def enroll_at(directory: Path, name: str, id_number: str, *, school: str = "001", grade: int = 1,
              class_no: int = 1, region: str = VILLAGE_001, date: str | None = None) -> str:
    """Enroll one child (valid in every other respect); returns the local number."""
    from conftest import invoke

    result = invoke(directory, "enroll", "--school", school, "--name", name, "--id-number", id_number,
                    "--grade", grade, "--class", class_no, "--hukou-region", region,
                    "--guardian-hukou-region", region, "--residence-region", region,
                    "--evidence", "户口簿", "--evidence", "房产证明", "--json",
                    *(["--date", date] if date else []))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["local_number"]


def scenario(tmp_path_factory, township_template: Path, build, today: str = "2026-09-01") -> Path:
    """A township directory after `build(directory)` ran with XUEJI_TODAY = today; built
    once and copied into each test's directory by `use`."""
    from conftest import copy_directory, settle

    directory = copy_directory(township_template, tmp_path_factory.mktemp("scenario") / "dir")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XUEJI_TODAY", today)
        build(directory)
    settle(directory)
    return directory


def use(template: Path, ws_dir: Path) -> Path:
    shutil.copy(template / "xueji.db", ws_dir / "xueji.db")
    return ws_dir


def fixtures(build, today: str):
    """(template, pupils) fixtures for a test module: the scenario `build` made once, and
    each test's directory holding a copy of it, with XUEJI_TODAY = today. Assign them at
    module level: `template, pupils = lifekit.fixtures(_build, "2026-10-20")`."""

    @pytest.fixture(scope="module", name="template")
    def template_fixture(tmp_path_factory, township_template):
        return scenario(tmp_path_factory, township_template, build)

    @pytest.fixture(name="pupils")
    def pupils_fixture(township, template, ws_dir, monkeypatch):
        monkeypatch.setenv("XUEJI_TODAY", today)
        return use(template, ws_dir)

    return template_fixture, pupils_fixture


def refusal(result, as_json) -> list[tuple[str, str]]:
    """(rule, field) of each error of a refused --json command (exit 1)."""
    assert result.exit_code == 1, result.stdout + result.stderr
    return [(e["rule"], e["field"]) for e in as_json(result)["errors"]]
