"""rules/changes.py: CHG-1 (the turn, skip, withdrawal, the states a change needs), CHG-2
(senior high only, final grade), CHG-3 (order of history), ENR-6/NUM-5 (evidence for a
correction), with their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.rules import changes as rules

D = dt.date


def rule_ids(violations):
    return [v.rule for v in violations]


# -- states --------------------------------------------------------------------------------

@pytest.mark.parametrize("change, status, kind, expected", [
    ("promote", "active", "regular", []),
    ("promote", "borrowed_out", "regular", []),  # BOR-5: promoted at the original school
    ("promote", "suspended", "regular", ["SUS-3"]),  # keeps the grade it left
    ("promote", "active", "borrowing", ["BOR-5"]),  # not ours
    ("promote", "graduated", "regular", ["CHG-1"]),
    ("skip", "suspended", "regular", ["SUS-3"]),
    ("class_change", "active", "borrowing", []),  # the borrowing child sits in our class
    ("class_change", "borrowed_out", "regular", ["BOR-5"]),
    ("class_change", "suspended", "regular", ["SUS-3"]),
    ("withdraw", "suspended", "regular", []),
    ("withdraw", "active", "borrowing", ["BOR-5"]),
    ("death", "active", "borrowing", []),
    ("death", "transferred_out", "regular", ["CHG-1"]),
    ("abroad", "borrowed_out", "regular", []),
    ("complete", "suspended", "regular", ["SUS-3"]),
    ("leave_early", "suspended", "regular", []),
])
def test_states(change, status, kind, expected):
    found = rules.check_state(change, "变动", status, status, kind, "张三")
    assert rule_ids(found) == expected
    assert all(v.hint and "张三" in v.message for v in found)


def test_every_leaving_change_applies_to_every_status_on_register_but_complete():
    for change in ("withdraw", "death", "abroad", "leave_early"):
        for status in rules.ON_REGISTER:
            assert rules.check_state(change, "x", status, status, "regular", "张三") == []


# -- the turn --------------------------------------------------------------------------------

WINDOW = rules.turn_window(2026, (3, 1), (9, 1))


def test_turn_window_is_the_following_spring_and_summer():
    assert WINDOW == (D(2027, 3, 1), D(2027, 9, 1))


@pytest.mark.parametrize("day, ok", [
    (D(2027, 2, 28), False), (D(2027, 3, 1), True), (D(2027, 7, 10), True),
    (D(2027, 9, 1), True), (D(2027, 9, 2), False), (D(2026, 7, 10), False),
])
def test_turn_date_boundaries(day, ok):
    found = rules.check_turn_date(2026, day, WINDOW)
    assert (found == []) is ok
    if not ok:
        assert found[0].rule == "CHG-1" and "2026—2027学年" in found[0].message


@pytest.mark.parametrize("grade, last, held, expected", [
    (1, 6, False, ("promote", 2)), (5, 6, False, ("promote", 6)), (6, 6, False, ("graduate", 6)),
    (6, 6, True, ("repeat", 6)), (1, 6, True, ("repeat", 1)), (9, 9, False, ("graduate", 9)),
    (3, 3, False, ("graduate", 3)),  # a junior school numbering its grades 1–3
])
def test_turn_step(grade, last, held, expected):
    assert rules.turn_step(grade, last, held) == expected


def test_grade_range_and_hold_reason():
    assert rules.check_grade_range(6, 1, 6, "小学", "张三") == []
    assert rule_ids(rules.check_grade_range(7, 1, 6, "小学", "张三")) == ["ORG-2"]
    assert rules.check_hold_reason("家长申请", "张三") == []
    assert rule_ids(rules.check_hold_reason("  ", "张三")) == ["CHG-1"]


# -- skip ----------------------------------------------------------------------------------

@pytest.mark.parametrize("grade, to, approval, fields", [
    (2, 3, "迁教〔2027〕1号", []),
    (2, 4, "迁教〔2027〕1号", []),
    (2, 6, "迁教〔2027〕1号", []),  # the last grade is still inside the school
    (2, 7, "迁教〔2027〕1号", ["to"]),
    (2, 2, "迁教〔2027〕1号", ["to"]),
    (2, 1, "迁教〔2027〕1号", ["to"]),
    (2, 3, None, ["approval"]),
    (2, 3, " ", ["approval"]),
    (2, 2, None, ["to", "approval"]),  # every problem at once
])
def test_skip(grade, to, approval, fields):
    found = rules.check_skip(grade, to, 1, 6, approval, "小学")
    assert [v.field for v in found] == fields
    assert set(rule_ids(found)) <= {"CHG-1"}


# -- leaving -------------------------------------------------------------------------------

@pytest.mark.parametrize("school_type, reason, basis, fields", [
    ("primary", "家长要求", None, ["lawful_basis"]),
    ("junior", "家长要求", None, ["lawful_basis"]),
    ("primary", "随父母定居境外", "迁教〔2027〕9号", []),
    ("senior", "家长要求", None, []),
    ("senior", "", None, ["reason"]),
    ("primary", "", None, ["reason", "lawful_basis"]),
])
def test_withdraw(school_type, reason, basis, fields):
    found = rules.check_withdraw(school_type, "学校", reason, basis)
    assert [v.field for v in found] == fields
    assert set(rule_ids(found)) <= {"CHG-1"}
    if "lawful_basis" in fields:
        assert "义务教育" in found[-1].message and "休学" in found[-1].hint


def test_senior_only_and_final_grade():
    assert rules.check_senior_only("senior", "高中", "结业") == []
    for school_type in ("primary", "junior"):
        assert rule_ids(rules.check_senior_only(school_type, "小学", "结业")) == ["CHG-2"]
    assert rules.check_final_grade(12, 12, "结业") == []
    assert rule_ids(rules.check_final_grade(11, 12, "结业")) == ["CHG-2"]


# -- corrections ---------------------------------------------------------------------------

def test_correction_evidence_rule_per_field():
    found = rules.check_correction_evidence(["name", "id_number", "birth", "gender"], [])
    assert rule_ids(found) == ["ENR-6", "NUM-5", "ENR-7", "ENR-7"]
    assert all(v.field == "evidence" and "--evidence" in v.hint for v in found)
    assert rules.check_correction_evidence(["name"], ["hukou"]) == []


def test_same_value():
    assert rules.check_same_value("name", "张三", "张叁") == []
    assert rule_ids(rules.check_same_value("name", "张三", "张三")) == ["INPUT"]


# -- order of history ----------------------------------------------------------------------

@pytest.mark.parametrize("effective, fields", [
    (D(2027, 7, 10), []),
    (D(2027, 7, 1), []),  # the same day as the last entry
    (D(2027, 6, 30), ["date"]),  # before the last entry
    (D(2027, 8, 10), []),  # 31 days ahead
    (D(2027, 8, 11), ["date"]),  # 32 days ahead
])
def test_effective(effective, fields):
    found = rules.check_effective(effective, D(2027, 7, 10), 31, (D(2027, 7, 1), "升级"))
    assert [v.field for v in found] == fields
    assert set(rule_ids(found)) <= {"CHG-3", "INPUT"}  # a date far ahead: a typing mistake


def test_not_future_and_class_move():
    assert rules.check_not_future(D(2027, 7, 10), D(2027, 7, 10), "死亡日期") == []
    assert rule_ids(rules.check_not_future(D(2027, 7, 11), D(2027, 7, 10), "死亡日期")) == ["CHG-3"]
    assert rules.check_class_move(2, 1, 2) == []
    assert rule_ids(rules.check_class_move(2, 1, 1)) == ["CHG-1"]


def test_repeat_class_warning_is_a_warning():
    found = rules.repeat_class_warning("001 2年级1班", 46, 45, ["张三"])
    assert found.rule == "ENR-5" and not found.is_error and "张三" in found.message


@pytest.mark.parametrize("status, warned", [("active", False), ("suspended", False),
                                            ("borrowed_out", False), ("graduated", True),
                                            ("transferred_out", True), ("deceased", True)])
def test_update_state_warns_off_the_register(status, warned):
    """CHG-1: a change of details on a record off the register is said, never refused."""
    found = rules.check_update_state(status, status, "甲")
    assert [(v.rule, v.severity) for v in found] == ([("CHG-1", "warning")] if warned else [])
