"""Judging leaves the Applicant as read: the intake's check resolves a row's school and
grade into a new Applicant (only when something changes), and one-student enrollment
normalises the school code the same way."""

from __future__ import annotations

import copy
import datetime as dt

import rosters
from synthetic import VILLAGE_001, make_id

from xueji_cli.records.enrollment import intake, targets
from xueji_cli.records.enrollment.applicant import from_options
from xueji_cli.records.enrollment.enrolling import enroll_one
from xueji_cli.store.workspace import open_workspace

DAY = dt.date(2026, 9, 1)


def _checked(directory, path):
    ws = open_workspace(str(directory))
    batch = intake.read([path])
    read = [row.applicant for row in batch.rows]
    as_read = copy.deepcopy(read)
    with targets.open_target(ws.store, write=False) as target:
        intake.check(target, ws.settings, batch, DAY, DAY)
    assert read == as_read  # nothing read was changed
    return read, batch.rows


def test_the_school_and_grade_resolved_are_a_new_applicant(township, tmp_path):
    rows = [rosters.child(i, 年级="") for i in range(1, 5)]  # a grade left blank: a problem
    rows[0]["学校代码"] = "001"
    rows[1]["学校代码"] = "1"
    rows[2]["学校代码"] = "测试村小学"
    rows[3]["学校代码"] = "第九小学"
    read, checked = _checked(township, rosters.write(tmp_path / "r.xlsx", rows))
    assert [a.grade for a in read] == [None] * 4
    assert [r.applicant.school_code for r in checked] == ["001", "001", "002", "第九小学"]
    assert [r.applicant.grade for r in checked] == [1, 1, 1, 1]
    assert all(r.applicant is not a for r, a in zip(checked, read))
    assert [p.rule for p in checked[3].applicant.problems] == ["INPUT", "ORG-2"]
    assert [(p.field, p.message) for p in read[3].problems] == [("grade", "缺少年级")]


def test_a_row_that_needs_nothing_resolved_keeps_its_applicant(township, tmp_path):
    rows = [rosters.child(1, 学校代码="001"), rosters.child(2, 学校代码="001", 证明材料="户口簿")]
    read, checked = _checked(township, rosters.write(tmp_path / "r.xlsx", rows))
    assert [r.applicant for r in checked] == read
    assert all(r.applicant is a for r, a in zip(checked, read))
    assert [r.status for r in checked] == ["new", "invalid"]
    assert "在「证明材料」列填写" in checked[1].errors[0].hint  # the roster's words


def test_enroll_one_leaves_the_applicant_as_given(township):
    ws = open_workspace(str(township))
    applicant = from_options(school="1", name="张三", id_number=make_id("2020-03-05"),
                             grade="1", class_no="1", hukou_region=VILLAGE_001,
                             guardian_hukou_region=VILLAGE_001, residence_region=VILLAGE_001,
                             evidence=["户口簿", "房产证明"])
    with ws.store.session(write=True) as session:
        enrolled = enroll_one(session, ws.settings, applicant, DAY, DAY, "test")
    assert enrolled.school.code == "001" and applicant.school_code == "1"
