"""TRF-1…TRF-10 as pure functions (rules/transfer.py), with their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.rules import transfer as rules

D = dt.date
TOWN = "130283105201"  # a village of a town (镇, digits 7–9 = 105)
TOWN_2 = "130283106201"  # another town of the same county
XIANG = "130283201201"  # a township (乡, 201)
STREET = "130283001005"  # a street of the urban area (街道, 001)
STREET_2 = "130283002003"
ELSEWHERE = "130204001001"  # another county
REASONS = {"move": "户口及家庭住址迁移", "job": "父母工作调动", "other": "其他特殊情况"}


# -- TRF-2: the route from the region codes --------------------------------------------------

@pytest.mark.parametrize("code, urban", [
    (STREET, True), ("130283099001", True), ("130283100001", False), (TOWN, False),
    ("130283199001", False), (XIANG, False), ("130283399001", False), ("130283105", False),
])
def test_street_codes_001_to_099_are_urban(code, urban):
    assert rules.is_urban(code) is urban


@pytest.mark.parametrize("origin, destination, incoming, route", [
    (TOWN, "130283105209", False, "internal"),  # same 9 digits: same township
    (TOWN, STREET, False, "A"),  # township → urban
    (XIANG, STREET, False, "A"),
    (TOWN, TOWN_2, False, "B"),  # township ↔ township
    (TOWN, XIANG, True, "B"),
    (STREET, TOWN, False, "U"),  # urban → elsewhere in the county
    (STREET, STREET_2, False, "U"),
    (ELSEWHERE, TOWN, True, "C"),  # from outside the county
    (TOWN, ELSEWHERE, False, "D"),  # to outside the county
    ("130283105", TOWN_2[:9], False, "B"),  # 9-digit prefixes are enough
])
def test_route_is_derived_from_the_regions(origin, destination, incoming, route):
    assert rules.classify_route(origin, destination, incoming) == route


@pytest.mark.parametrize("code", ["", "130283", "1302831052", "130283000000", "13028310520X"])
def test_a_region_must_place_a_school(code):
    (problem,) = rules.check_region(code, "to_region", "转入学校所在地")
    assert problem.rule == "TRF-2" and problem.field == "to_region"


def test_valid_regions_pass():
    assert rules.check_region(TOWN, "f", "x") == [] and rules.check_region(TOWN[:9], "f", "x") == []


@pytest.mark.parametrize("route, keys", [
    ("internal", ["central"]),
    ("A", ["school_out", "central_out", "bureau"]),
    ("B", ["school_out", "central_out", "central_in"]),
    ("U", ["school_out", "bureau"]),
    ("C", ["bureau_in"]),
    ("D", ["school_out", "bureau_out"]),
])
def test_each_route_needs_its_approvals_in_order(route, keys):
    assert [s.key for s in rules.steps(route)] == keys
    done: list[str] = []
    for key in keys:
        assert rules.check_approved(route, done)[0].rule == "TRF-9"
        level = key.split("_")[0]
        step, problems = rules.next_step(route, done, level)
        assert problems == [] and step.key == key
        done.append(step.key)
    assert rules.check_approved(route, done) == []


def test_an_approval_before_the_earlier_steps_is_refused():
    step, (problem,) = rules.next_step("A", [], "bureau")
    assert step is None and problem.rule == "TRF-2" and "转出学校初步认定" in problem.message
    assert "--level school" in problem.hint


def test_central_twice_on_route_b_is_origin_then_destination():
    first, _ = rules.next_step("B", ["school_out"], "central")
    second, _ = rules.next_step("B", ["school_out", "central_out"], "central")
    assert (first.key, second.key) == ("central_out", "central_in")


@pytest.mark.parametrize("route, done, level, words", [
    ("C", [], "school", "不需要"),  # route C has no out-school step here
    ("internal", ["central"], "central", "已经登记过"),
    ("A", [], "principal", "应为"),
])
def test_approvals_a_route_does_not_take(route, done, level, words):
    step, (problem,) = rules.next_step(route, done, level)
    assert step is None and problem.rule == "TRF-2" and words in problem.message


def test_an_approval_after_the_route_is_complete_points_to_completion():
    step, (problem,) = rules.next_step("internal", ["central"], "central")
    assert step is None and "xueji transfer complete" in problem.hint
    _step, (more,) = rules.next_step("A", ["school_out"], "school")  # still missing: named
    assert more.hint.startswith("尚缺:") and "--level central" in more.hint


def test_missing_approvals_are_named_with_the_option_to_record_them():
    (problem,) = rules.check_approved("B", ["school_out"])
    assert "转出地中心校开具正式转学证明" in problem.message and "转入地中心校审批" in problem.message
    assert "--level central" in problem.hint


def test_steps_go_forward_in_time():
    assert rules.check_step_date(D(2026, 9, 2), D(2026, 9, 2), "审批") == []
    (problem,) = rules.check_step_date(D(2026, 9, 1), D(2026, 9, 2), "审批")
    assert problem.rule == "TRF-2"


# -- TRF-1: reason and evidence ------------------------------------------------------------------

@pytest.mark.parametrize("reason, detail, field", [
    (None, None, "transfer_reason"), ("travel", None, "transfer_reason"),
    ("other", None, "reason_detail"),
])
def test_reason_is_one_the_rules_accept(reason, detail, field):
    (problem,) = rules.check_reason(reason, detail, REASONS)
    assert problem.rule == "TRF-1" and problem.field == field


@pytest.mark.parametrize("reason, detail", [("move", None), ("job", None), ("other", "随祖父母生活")])
def test_accepted_reasons(reason, detail):
    assert rules.check_reason(reason, detail, REASONS) == []


def test_destination_household_register_and_property_are_required():
    required = {"hukou": "户口簿", "property": "房产证明"}
    (problem,) = rules.check_evidence(["hukou"], required)
    assert problem.rule == "TRF-1" and "房产证明" in problem.message
    assert "--evidence 房产证明" in problem.hint
    assert rules.check_evidence(["hukou", "property"], required) == []


def test_job_transfer_without_the_letter_is_a_warning():
    (problem,) = rules.check_job_evidence("job", ["hukou"], "工作调动证明")
    assert problem.rule == "TRF-1" and not problem.is_error
    assert rules.check_job_evidence("job", ["job_transfer"], "工作调动证明") == []
    assert rules.check_job_evidence("move", [], "工作调动证明") == []


# -- TRF-4: the first 14 days of a semester ------------------------------------------------------

START = D(2026, 9, 1)


@pytest.mark.parametrize("day, ok", [
    (D(2026, 9, 1), True), (D(2026, 9, 14), True),  # day 1 and day 14
    (D(2026, 9, 15), False), (D(2026, 10, 12), False),
])
def test_window_is_the_first_14_days(day, ok):
    problems = rules.check_window(day, "2026—2027学年第一学期", START, 14, "other")
    assert (problems == []) is ok
    if not ok:
        assert problems[0].rule == "TRF-4" and "09月14日" in problems[0].message


@pytest.mark.parametrize("reason", ["move", "job"])
def test_a_move_or_a_job_transfer_may_come_mid_semester(reason):
    assert rules.check_window(D(2026, 10, 12), "秋季学期", START, 14, reason) == []


def test_window_length_is_a_setting():
    assert rules.check_window(D(2026, 9, 20), "秋", START, 30, "other") == []


# -- TRF-5, TRF-6, TRF-7, status ---------------------------------------------------------------

def test_grade_never_changes():
    assert rules.check_grade_unchanged(3, 3) == []
    (problem,) = rules.check_grade_unchanged(3, 4)
    assert problem.rule == "TRF-5" and problem.field == "grade"


def test_grade_must_exist_at_the_receiving_school():
    (problem,) = rules.check_grade_exists(7, 1, 6, "001 小学")
    assert problem.rule == "TRF-5"
    assert rules.check_grade_exists(6, 1, 6, "001 小学") == []


def test_graduating_grade_only_with_a_special_reason():
    assert rules.check_graduating(5, 6, None) == []
    (refused,) = rules.check_graduating(6, 6, None)
    assert refused.rule == "TRF-6" and refused.is_error and "--special-reason" in refused.hint
    (noted,) = rules.check_graduating(6, 6, "随军")
    assert noted.rule == "TRF-6" and not noted.is_error and "随军" in noted.message


def test_sanction_in_force_refuses():
    assert rules.check_sanctions([]) == []
    (problem,) = rules.check_sanctions(["警告(CF2026-0001,2026-09-03)"])
    assert problem.rule == "TRF-7" and "CF2026-0001" in problem.message


@pytest.mark.parametrize("status, rule", [
    ("suspended", "SUS-2"), ("borrowed_out", "TRF-9"), ("transferred_out", "TRF-9"),
    ("graduated", "TRF-9"),
])
def test_only_a_student_at_school_transfers(status, rule):
    (problem,) = rules.check_status(status, status)
    assert problem.rule == rule
    if status == "borrowed_out":  # the way forward is the command that ends the loan
        assert "xueji borrow end 学籍号 --transfer" in problem.hint
    assert rules.check_status("active", "在校") == []


# -- TRF-10 and TRF-3 ---------------------------------------------------------------------------

def test_class_cap_at_the_receiving_school_is_trf_10():
    assert rules.check_class_cap(44, 45, None, "2年级1班") == []
    (full,) = rules.check_class_cap(45, 45, None, "2年级1班")
    assert full.rule == "TRF-10" and full.is_error
    (decided,) = rules.check_class_cap(45, 45, "教字3号", "2年级1班")
    assert decided.rule == "TRF-10" and not decided.is_error


@pytest.mark.parametrize("admitted, flagged", [
    (D(2026, 9, 10), False), (D(2026, 9, 13), False),  # day 0 and day 3
    (D(2026, 9, 14), True),  # day 4
])
def test_admission_within_three_days_of_the_last_approval(admitted, flagged):
    problems = rules.check_admission(D(2026, 9, 10), admitted, 3)
    assert bool(problems) is flagged
    if flagged:
        assert problems[0].rule == "TRF-3" and not problems[0].is_error  # flagged, not refused


def test_admission_before_the_approval_is_refused():
    (problem,) = rules.check_admission(D(2026, 9, 10), D(2026, 9, 9), 3)
    assert problem.rule == "TRF-9" and problem.is_error


# -- TRF-5 with CHG-1: the school year of an arriving grade -------------------------------------

def test_an_arrival_after_the_receiving_turn_moves_up_with_the_cohort():
    assert rules.grade_after_turns(1, 2026, None, 6, "001 中心校") == (1, 2026, [])
    assert rules.grade_after_turns(1, 2026, 2025, 6, "001 中心校") == (1, 2026, [])
    grade, year, [said] = rules.grade_after_turns(1, 2026, 2026, 6, "001 中心校")
    assert (grade, year, said.rule, said.is_error) == (2, 2027, "CHG-1", False)
    assert rules.grade_after_turns(2, 2025, 2026, 6, "001 中心校")[:2] == (4, 2027)
    grade, year, [said] = rules.grade_after_turns(6, 2026, 2026, 6, "001 中心校")
    assert (grade, year, said.is_error) == (6, 2026, True) and "已经毕业" in said.message


def test_a_grade_read_in_the_summer_says_its_school_year():
    assert rules.check_grade_year(1, 2026, 2026, 2026) == []  # autumn: no doubt
    [before] = rules.check_grade_year(1, 2026, 2026, 2027)  # intake open, not turned yet
    assert before.rule == "TRF-5" and "2026—2027学年" in before.message
    assert "promote --year 2026" in before.hint
    [after] = rules.check_grade_year(2, 2027, 2026, 2027)  # the receiving school has turned
    assert "2027—2028学年" in after.message and "3年级" in after.hint
