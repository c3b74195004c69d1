"""BOR-1…BOR-5 and ORG-3 as pure functions (xueji_cli/rules/borrowing.py), with their
boundaries: the 14th and 15th day of a semester, each piece of BOR-2 evidence, every
status a record can be lent from."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.records.borrowing.opening import next_semester_start, window
from xueji_cli.rules import borrowing as rules
from xueji_cli.store.settings import Semester, Settings
from xueji_cli.values import codes

LABELS = codes.table("evidence")
AUTUMN = dt.date(2026, 9, 1)


def rule_ids(found):
    return [(v.rule, v.field, v.severity) for v in found]


# -- BOR-1 / ORG-3 designated schools -------------------------------------------------------

def test_designated_school_passes():
    assert rules.check_designated("004 南岭小学", True, ["004 南岭小学"]) == []


def test_other_school_is_refused_and_told_where_to_go():
    [v] = rules.check_designated("001 中心小学", False, ["004 南岭小学", "005 北岭小学"])
    assert (v.rule, v.field, v.is_error) == ("BOR-1", "school", True)
    assert "不是指定借读学校" in v.message
    assert "004 南岭小学、005 北岭小学" in v.hint


def test_no_designated_school_at_all_says_how_to_designate_one():
    [v] = rules.check_designated("001 中心小学", False, [])
    assert v.rule == "BOR-1" and "--designated-for-borrowing" in v.hint


# -- BOR-2 eligibility -------------------------------------------------------------------

@pytest.mark.parametrize("work", ["employment", "business_licence"])
def test_permit_with_either_work_proof_and_the_letter_pass(work):
    assert rule_ids(rules.check_eligibility(["residence_permit", work, "borrowing_letter", "hukou"],
                                            LABELS)) == []


def test_nothing_shown_lists_everything_missing():
    found = rules.check_eligibility([], LABELS)
    assert rule_ids(found) == [("BOR-2", "evidence", "error"), ("BOR-2", "letter", "error"),
                               ("BOR-2", "evidence", "warning")]
    assert "暂住证、就业证明或营业执照" in found[0].message
    assert "--letter" in found[1].hint


def test_permit_without_work_proof_is_refused():
    [v] = rules.check_eligibility(["residence_permit", "borrowing_letter", "hukou"], LABELS)
    assert v.rule == "BOR-2" and "就业证明或营业执照" in v.message and "暂住证" not in v.message


def test_work_proof_without_permit_is_refused():
    [v] = rules.check_eligibility(["business_licence", "borrowing_letter", "hukou"], LABELS)
    assert v.message.endswith("暂住证")


def test_missing_letter_alone():
    [v] = rules.check_eligibility(["residence_permit", "employment", "hukou"], LABELS)
    assert (v.rule, v.field) == ("BOR-2", "letter") and "借读证明信" in v.message


def test_missing_household_register_is_only_a_warning():
    [v] = rules.check_eligibility(["residence_permit", "employment", "borrowing_letter"], LABELS)
    assert (v.rule, v.severity) == ("BOR-2", "warning") and "户口簿" in v.message


def test_no_stamp_refuses():
    """BOR-2: 「……到教育科审核盖章;乡镇之间小学借读的到乡镇中心校审核盖章」 — the stamp
    is a condition, not a remark."""
    [v] = rules.check_stamp("")
    assert (v.rule, v.field, v.severity) == ("BOR-2", "approval", "error")
    assert "教育科" in v.message and "乡镇中心校" in v.message and "--approval" in v.hint
    assert rules.check_stamp("教育科 2026-09-06 审核盖章") == []


AREAS = {"004 南岭小学": ["130283108"], "001 中心小学": ["130283105"], "002 村小学": ["130283106201"]}


@pytest.mark.parametrize("hukou, school", [
    ("130283108001", "004 南岭小学"),  # the host school's own area
    ("130283105201", "001 中心小学"),  # another school's area in this directory
    ("130283105", "001 中心小学"),  # the area's own code
    ("130283106201", "002 村小学"),  # an area of one village, exactly
])
def test_a_child_registered_in_a_service_area_here_is_no_migrant(hukou, school):
    """BOR-2 with ENR-2: 「凡年满6周岁的流动儿童……登记借读」 — a child whose household is
    registered in a service area of this directory enrolls at that school."""
    [v] = rules.check_migrant(hukou, AREAS)
    assert (v.rule, v.field, v.severity) == ("BOR-2", "hukou_region", "error")
    assert school in v.message and school in v.hint and "xueji enroll" in v.hint


@pytest.mark.parametrize("hukou", [
    "130283107001",  # a township of the county that no school here serves
    "130283106202",  # the next village to a one-village area
    "510722106201",  # another province
])
def test_a_child_registered_outside_every_service_area_is_a_migrant(hukou):
    assert rules.check_migrant(hukou, AREAS) == []


@pytest.mark.parametrize("hukou", ["130283", "130283106"])
def test_a_code_that_holds_a_service_area_cannot_tell(hukou):
    """BOR-2: a county's (or township's) code holding a service area here may be a local
    child: warned, asking for the full code, not passed silently."""
    [v] = rules.check_migrant(hukou, AREAS)
    assert (v.rule, v.field, v.severity) == ("BOR-2", "hukou_region", "warning")
    assert "12位" in v.hint


def test_without_the_household_registration_the_migrant_is_not_checked_silently():
    [v] = rules.check_migrant("", AREAS)
    assert (v.rule, v.field, v.severity) == ("BOR-2", "hukou_region", "warning")
    assert "--hukou-region" in v.hint


# -- BOR-4 start of a semester, grade unchanged ---------------------------------------------

@pytest.mark.parametrize("day, ok", [
    (dt.date(2026, 9, 1), True),    # day 1
    (dt.date(2026, 9, 14), True),   # day 14: the last day of the window
    (dt.date(2026, 9, 15), False),  # day 15
    (dt.date(2026, 8, 31), False),  # before the semester (a date in the spring semester's term)
])
def test_window_boundaries(day, ok):
    found = rules.check_window(day, "秋季学期", AUTUMN, 14)
    assert (found == []) is ok
    if not ok:
        assert found[0].rule == "BOR-4" and found[0].is_error


def test_window_message_names_the_day_and_the_last_day():
    [v] = rules.check_window(dt.date(2026, 9, 15), "2026—2027学年第一学期", AUTUMN, 14,
                             next_start=dt.date(2027, 3, 1))
    assert "第15天" in v.message and "至 2026-09-14" in v.message
    assert "2027-03-01" in v.hint and "没有学期中的例外" in v.hint


def test_late_start_is_refused_even_with_an_approval_by_default():
    """BOR-4: 「学生借读应在学期初办理」 has no exception (unlike TRF-4): unless the
    directory's policy allows a late start, an approval does not open the window."""
    [v] = rules.check_window(dt.date(2026, 10, 12), "秋季学期", AUTUMN, 14, late_approval="迁教字31号")
    assert (v.rule, v.field, v.severity) == ("BOR-4", "date", "error")
    assert "迁教字31号" in v.message and "不允许" in v.message
    assert "没有学期中的例外" in v.hint and "borrow_late_start = true" in v.hint  # how a policy allows it


def test_late_start_where_the_policy_allows_it_needs_the_approval():
    [v] = rules.check_window(dt.date(2026, 9, 15), "秋季学期", AUTUMN, 14, late_allowed=True)
    assert (v.rule, v.severity) == ("BOR-4", "error") and "--late-approval" in v.hint
    [v] = rules.check_window(dt.date(2026, 10, 12), "秋季学期", AUTUMN, 14, late_allowed=True,
                             late_approval="迁教字31号")
    assert (v.rule, v.severity) == ("BOR-4", "warning") and "迁教字31号" in v.message
    assert rules.check_window(dt.date(2026, 9, 14), "秋季学期", AUTUMN, 14, late_allowed=True) == []


def test_window_length_is_the_policy():
    assert rules.check_window(dt.date(2026, 9, 21), "秋季学期", AUTUMN, 21) == []
    assert rules.check_window(dt.date(2026, 9, 22), "秋季学期", AUTUMN, 21) != []


def test_window_follows_the_calendar_of_the_settings():
    settings = Settings(name="x")
    assert window(settings, dt.date(2027, 3, 14)) == []  # generic spring start 03-01
    assert window(settings, dt.date(2027, 3, 15))[0].rule == "BOR-4"
    settings.semesters.append(Semester("2026—2027学年第二学期", dt.date(2027, 2, 22), dt.date(2027, 7, 5)))
    assert window(settings, dt.date(2027, 3, 7)) == []  # day 14 of a semester starting 02-22
    assert window(settings, dt.date(2027, 3, 8))[0].rule == "BOR-4"


def test_next_semester_start():
    settings = Settings(name="x")
    assert next_semester_start(settings, dt.date(2026, 9, 20)) == dt.date(2027, 3, 1)
    assert next_semester_start(settings, dt.date(2026, 8, 20)) == dt.date(2026, 9, 1)
    assert next_semester_start(settings, dt.date(2026, 1, 10)) == dt.date(2026, 3, 1)
    settings.semesters.append(Semester("下学期", dt.date(2027, 2, 22)))
    assert next_semester_start(settings, dt.date(2026, 9, 20)) == dt.date(2027, 2, 22)


@pytest.mark.parametrize("origin, refused", [(None, False), (3, False), (2, True), (4, True)])
def test_grade_unchanged(origin, refused):
    found = rules.check_grade_unchanged(3, origin)
    assert bool(found) is refused
    if refused:
        assert (found[0].rule, found[0].field) == ("BOR-4", "grade")
        assert f"--grade {origin}" in found[0].hint


# -- BOR-3 the register's facts, BOR-5 the record stays home --------------------------------

def test_national_number_is_required():
    assert rules.check_national_number("G510722201805060121") == []
    [v] = rules.check_national_number(None)
    assert (v.rule, v.field) == ("BOR-3", "national_number") and "--national-number" in v.hint


def test_origin_and_host_are_required():
    assert rules.check_origin("三台县芦溪镇中心小学") == []
    [v] = rules.check_origin("")
    assert (v.rule, v.field) == ("BOR-3", "origin_school") and "--origin-school" in v.hint
    [v] = rules.check_origin("", "host_school")
    assert v.field == "host_school" and "--to" in v.hint


@pytest.mark.parametrize("status, kind, rule", [
    ("active", "regular", None),
    ("suspended", "regular", "SUS-2"),
    ("borrowed_out", "regular", "BOR-5"),
    ("transferred_out", "regular", "BOR-5"),
    ("graduated", "regular", "BOR-5"),
    ("active", "borrowing", "BOR-5"),
])
def test_only_an_active_regular_record_can_be_lent(status, kind, rule):
    found = rules.check_can_lend(status, codes.label("status", status), kind, "张三")
    assert [v.rule for v in found] == ([rule] if rule else [])


def test_dates_of_a_loan():
    start = dt.date(2026, 9, 7)
    assert rules.check_dates(start, start, "结束") == []
    [v] = rules.check_dates(start, dt.date(2026, 9, 6), "结束")
    assert v.rule == "BOR-3" and "早于借读开始日期" in v.message
    assert rules.check_until(start, None) == [] and rules.check_until(start, dt.date(2026, 9, 8)) == []
    assert rules.check_until(start, start)[0].field == "until"


def test_exams_at_home():
    assert rules.exams_at_home(6, 6) == "毕业考试、升学考试"
    assert rules.exams_at_home(5, 6) == "期末(升级)考试"


def test_code_tables_know_borrowing():
    assert codes.label("status", "borrow_ended") == "借读结束"
    assert codes.change_kind("borrow_note").group == "case"
    assert {codes.change_kind(k).group for k in ("borrow_in", "borrow_out", "borrow_end")} == {"borrow"}
    assert [codes.parse_code("borrow_note", w) for w in ("成绩", "评价", "奖励", "处分", "results", "考试成绩")] \
        == ["results", "evaluation", "reward", "sanction", "results", "results"]
    assert codes.evidence_key("工商营业执照") == "business_licence"
    assert codes.evidence_key("借读证明") == "borrowing_letter"
