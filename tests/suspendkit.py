"""Fixtures and helpers shared by the suspension tests (test_cli_suspend*.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import copy_directory, settle
from synthetic import VILLAGE_001, VILLAGE_002, make_id

MEDICAL = ["--hospital", "迁安市人民医院", "--evidence", "诊断证明,住院收据,病历复印件",
           "--evidence", "休学申请书", "--evidence", "调查报告"]
OCTOBER = "2026-10-16"


def suspend_args(key: str, *extra: str, reason: str = "病", start: str | None = OCTOBER,
                 evidence: list[str] | None = None) -> list[str]:
    args = ["suspend", key, "--reason", reason]
    if start:
        args += ["--from", start]
    return args + (MEDICAL if evidence is None else evidence) + list(extra)


@pytest.fixture
def on_day(monkeypatch):
    """on_day("2027-10-16") moves today."""
    return lambda day: monkeypatch.setenv("XUEJI_TODAY", day)


@pytest.fixture
def pupil(township, enroll, as_json, set_setting, on_day) -> str:
    """One grade-2 pupil of the central school 001 (cohort 2025), enrolled on 2026-09-01;
    the share of SUS-5 set to 100% so that a grade of one may suspend; today 2026-10-16.
    Returns the local number."""
    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    record = as_json(enroll(json=True, grade="2", birth="2019-03-05"))
    on_day(OCTOBER)
    return record["local_number"]


@pytest.fixture
def village_pupil(township, enroll, as_json, set_setting, on_day) -> str:
    """Like `pupil`, at the village school 002 (grade 1), whose suspensions the central
    school approves."""
    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    record = as_json(enroll(json=True, school="002", hukou_region=VILLAGE_002,
                            guardian_hukou_region=VILLAGE_002, residence_region=VILLAGE_002))
    on_day(OCTOBER)
    return record["local_number"]


def seed_grade(directory, count: int, school: str = "001", grade: int = 1, first: int = 1) -> None:
    """`count` pupils in one class of a grade, through the enrollment core in one
    transaction (the CLI would take a tenth of a second each)."""
    from xueji_cli.records.enrollment.applicant import Applicant
    from xueji_cli.records.enrollment.enrolling import enroll_one
    from xueji_cli.store.workspace import open_workspace

    ws = open_workspace(str(directory))
    birth = dt.date(2026 - 6 - grade, 3, 5)
    day = dt.date(2026, 9, 1)
    with ws.store.session(write=True) as session:
        for seq in range(first, first + count):
            applicant = Applicant(
                school_code=school, name=f"学生{seq}", gender="1", birth=birth, grade=grade,
                class_no=1, id_number=make_id(birth, seq=seq), hukou_region=VILLAGE_001,
                guardian_hukou_region=VILLAGE_001, residence_region=VILLAGE_001,
                evidence=["hukou", "property"])
            enroll_one(session, ws.settings, applicant, day, day, "test")
    for engine in ws.store._engines.values():
        engine.dispose()
    settle(directory)


@pytest.fixture(scope="session")
def grade_of_33(tmp_path_factory, township_template):
    """A township whose school 001 has 33 pupils in grade 1 (SUS-5's boundary)."""
    path = copy_directory(township_template, tmp_path_factory.mktemp("grade33") / "dir")
    seed_grade(path, 33)
    return path


@pytest.fixture
def grade33_dir(tmp_path, grade_of_33, on_day):
    on_day(OCTOBER)
    return copy_directory(grade_of_33, tmp_path / "grade33")
