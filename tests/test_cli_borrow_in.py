"""`xueji borrow in`: the temporary borrowing record (临时借读学籍) and every refusal —
BOR-1 a school not designated, BOR-2 evidence and letter, BOR-3 the national number and
the origin school, BOR-4 the semester window and the grade, ENR-1, ENR-5, NUM-6, NUM-7 —
and a borrowing record never disturbing the regular number sequence."""

from __future__ import annotations

import json

import pytest
from borrowkit import SICHUAN, XIAOYAN, borrow_in, host, host_template, masked  # noqa: F401
from synthetic import make_id, wrong_check


def errors(as_json, result) -> list[tuple[str, str]]:
    assert result.exit_code == 1, result.stderr
    return [(e["rule"], e["field"]) for e in as_json(result)["errors"]]


# -- the record ----------------------------------------------------------------------------

def test_opens_a_borrowing_record_without_a_local_number(borrow_in, as_json, sql):
    result = borrow_in(json=True, origin_region="510722106000", until="2027-01-20",
                       guardian_name="刘德明", guardian_phone="10012345678", address="南岭村12号")
    assert result.exit_code == 0, result.stderr
    loan = as_json(result)
    assert loan["ok"] is True and loan["warnings"] == []
    assert (loan["case"], loan["direction"], loan["kind"], loan["local_number"]) == (
        "JD2026-0001", "in", "borrowing", None)
    assert loan["national_number"] == "G" + masked(XIAOYAN) and loan["id_number"] == masked(XIAOYAN)
    assert (loan["school"], loan["grade"], loan["class"], loan["start"], loan["until"]) == (
        "004", 3, 1, "2026-09-01", "2027-01-20")
    assert loan["origin_school"] == "三台县芦溪镇中心小学" and loan["origin_region"] == "510722106000"
    assert loan["evidence"] == ["暂住证", "就业证明", "户口簿", "借读证明信:芦溪借字〔2026〕15号"]
    assert loan["approvals"] == ["教育科 2026-08-30 审核盖章"]
    assert sql("SELECT kind, local_number, national_number, entry_year, grade, status FROM student") == [
        ("borrowing", None, "G" + XIAOYAN, 2024, 3, "active")]
    [(kind, group_details, case_ref, from_school, to_school)] = sql(
        "SELECT kind, details, case_ref, from_school, to_school FROM journal")
    details = json.loads(group_details)
    assert (kind, case_ref, from_school, to_school) == ("borrow_in", "JD2026-0001", "三台县芦溪镇中心小学",
                                                        "004 南岭小学")
    assert details["direction"] == "in" and details["student_source"] == "2"
    assert details["guardian_phone"] == "10012345678" and details["semester"] == "2026—2027学年第一学期"


def test_screen_card_and_masking(borrow_in):
    result = borrow_in()
    assert result.exit_code == 0, result.stderr
    for text in ("已登记来本校借读:刘小燕", "JD2026-0001", "临时借读学籍", "004 南岭小学", "3年级1班",
                 masked(XIAOYAN)):
        assert text in result.stdout
    assert XIAOYAN not in result.stdout + result.stderr


def test_show_id_reveals(borrow_in, as_json):
    loan = as_json(borrow_in(json=True, show_id=True))
    assert loan["id_number"] == XIAOYAN and loan["national_number"] == "G" + XIAOYAN


def test_never_takes_a_regular_number(borrow_in, enroll, as_json, xueji):
    first = as_json(enroll(json=True))
    assert borrow_in().exit_code == 0
    assert borrow_in(name="马浩然", gender="男", birth="2019-03-15", grade="2").exit_code == 0
    second = as_json(enroll(json=True, name="李小红", gender="女", birth="2020-07-11"))
    assert (first["local_number"], second["local_number"]) == ("02262600100001", "02262600100002")
    result = xueji("renumber-check", "--json")
    assert result.exit_code == 0
    assert as_json(result) == {"ok": True, "checked": 2, "problems": []}
    result = xueji("check", "--json")
    assert result.exit_code == 0 and as_json(result)["checked"] == 4
    listed = as_json(xueji("student", "list", "--json"))["students"]
    assert sorted((s["kind"], s["local_number"]) for s in listed) == [
        ("borrowing", None), ("borrowing", None), ("regular", "02262600100001"), ("regular", "02262600100002")]


def test_case_numbers_count_up(borrow_in, as_json):
    assert as_json(borrow_in(json=True))["case"] == "JD2026-0001"
    assert as_json(borrow_in(json=True, name="马浩然", gender="男", birth="2019-03-15",
                             grade="2"))["case"] == "JD2026-0002"


def test_dry_run_writes_nothing(borrow_in, as_json, sql):
    result = borrow_in(dry_run=True, json=True)
    assert result.exit_code == 0 and as_json(result) == {"ok": True, "dry_run": True, "warnings": []}
    assert sql("SELECT count(*) FROM student")[0] == (0,)
    result = borrow_in(dry_run=True)
    assert result.exit_code == 0 and "未写入" in result.stderr and result.stdout == ""


# -- BOR-1 ---------------------------------------------------------------------------------

def test_school_not_designated_is_refused_with_the_designated_list(borrow_in, as_json, sql):
    result = borrow_in(school="001", json=True)
    assert errors(as_json, result) == [("BOR-1", "school")]
    error = as_json(result)["errors"][0]
    assert "001 测试镇中心校 不是指定借读学校" in error["message"] and "004 南岭小学" in error["hint"]
    assert sql("SELECT count(*) FROM student, person, journal")[0] == (0,)
    screen = borrow_in(school="002")
    assert screen.exit_code == 1 and "BOR-1" in screen.stderr and "004 南岭小学" in screen.stderr
    assert screen.stdout == ""


def test_no_designated_school_in_the_directory(township, xueji, as_json):
    result = xueji("borrow", "in", "--school", "001", "--name", "刘小燕", "--id-number", XIAOYAN,
                   "--grade", "3", "--origin-school", "x", "--letter", "1", "--evidence", "暂住证",
                   "--evidence", "就业证明", "--approval", "教育科审核盖章", "--json")
    [error] = as_json(result)["errors"]
    assert error["rule"] == "BOR-1" and "school set" in error["hint"]


def test_unknown_school(borrow_in, as_json):
    assert ("ORG-2", "school") in errors(as_json, borrow_in(school="009", json=True))


# -- BOR-2 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("evidence, expected", [
    (["暂住证", "营业执照", "户口簿"], []),
    (["居住证", "工商营业执照", "户口本"], []),  # aliases
    (["就业证明", "户口簿"], [("BOR-2", "evidence")]),
    (["暂住证", "户口簿"], [("BOR-2", "evidence")]),
])
def test_evidence(borrow_in, as_json, evidence, expected):
    result = borrow_in(evidence=evidence, json=True)
    if expected:
        assert errors(as_json, result) == expected
    else:
        assert result.exit_code == 0, result.stderr


def test_letter_by_number_or_as_evidence(borrow_in, as_json):
    result = borrow_in(letter=None, json=True)
    assert errors(as_json, result) == [("BOR-2", "letter")]
    assert "--letter" in borrow_in(letter=None).stderr
    loan = as_json(borrow_in(letter=None, evidence=["暂住证", "就业证明", "户口簿", "借读证明信"], json=True))
    assert loan["evidence"][-1] == "借读证明信" and loan["letter"] is None


def test_warnings_are_recorded_and_shown(borrow_in, as_json, sql):
    result = borrow_in(evidence=["暂住证", "就业证明"], hukou_region=None, json=True)
    assert result.exit_code == 0
    assert [(w["rule"], w["field"]) for w in as_json(result)["warnings"]] == [
        ("BOR-2", "evidence"), ("BOR-2", "hukou_region")]
    [(remark,)] = sql("SELECT remark FROM journal")
    assert "户口簿" in remark and "流动儿童" in remark
    screen = borrow_in(name="马浩然", gender="男", birth="2019-03-15", grade="2", hukou_region=None)
    assert screen.exit_code == 0 and "请注意" in screen.stderr and "--hukou-region" in screen.stderr


def test_no_stamp_is_refused(borrow_in, as_json, sql):
    """BOR-2: 「……到教育科审核盖章;乡镇之间小学借读的到乡镇中心校审核盖章」 — without the
    stamp recorded the child is not registered (it was only a warning)."""
    result = borrow_in(approval=None, json=True)
    assert errors(as_json, result) == [("BOR-2", "approval")]
    assert "--approval" in as_json(result)["errors"][0]["hint"]
    assert sql("SELECT count(*) FROM student")[0] == (0,)
    screen = borrow_in(approval=None)
    assert screen.exit_code == 1 and "审核盖章" in screen.stderr and "乡镇中心校" in screen.stderr


@pytest.mark.parametrize("hukou, school", [
    ("130283105201", "001 测试镇中心校"),  # another school's area in this directory
    ("130283108001", "004 南岭小学"),  # the designated school's own area
    ("130283105", "001 测试镇中心校"),  # the area's code itself
])
def test_local_child_is_refused_and_sent_to_enrollment(borrow_in, as_json, sql, hukou, school):
    """BOR-2 / ENR-2: 「凡年满6周岁的流动儿童……登记借读」 — a child registered in a service
    area of this directory is no migrant; borrowing is no way around the service areas.
    The refusal names the school whose area it is (it was only a warning)."""
    result = borrow_in(hukou_region=hukou, json=True)
    assert errors(as_json, result) == [("BOR-2", "hukou_region")]
    error = as_json(result)["errors"][0]
    assert school in error["message"] and school in error["hint"] and "xueji enroll" in error["hint"]
    assert sql("SELECT count(*) FROM student")[0] == (0,)


@pytest.mark.parametrize("hukou", ["130283107001", "130283104999", "510722106201"])
def test_a_child_registered_outside_every_service_area_may_borrow(borrow_in, as_json, hukou):
    """BOR-2: a village of the county that no school here serves, another province:
    migrants as far as this directory can tell."""
    result = borrow_in(hukou_region=hukou, json=True)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["warnings"] == []


def test_a_county_code_holding_our_areas_is_warned(borrow_in, as_json):
    """BOR-2: 「130283」 holds every service area here — the child may be local; the
    registrar is asked for the full code from the household register."""
    result = borrow_in(hukou_region="130283", json=True)
    assert result.exit_code == 0, result.stderr
    [warning] = as_json(result)["warnings"]
    assert (warning["rule"], warning["field"]) == ("BOR-2", "hukou_region")
    assert "001 测试镇中心校" in warning["message"] and "004 南岭小学" in warning["message"]


@pytest.mark.parametrize("origin, origin_region, hukou, stamp", [
    # a migrant from another province: the bureau's 教育科 stamps
    ("三台县芦溪镇中心小学", "510722106000", "510722106201", "迁安市教育局教育科 2026-08-30 审核盖章"),
    # a loan between townships' primary schools: the township central school stamps
    ("迁安市杨店子镇小学", "130283107000", "130283107001", "测试镇中心校 2026-08-30 审核盖章"),
])
def test_the_stamp_of_the_bureau_or_of_the_central_school(borrow_in, as_json, sql, origin,
                                                          origin_region, hukou, stamp):
    """BOR-2: 「……到教育科审核盖章;乡镇之间小学借读的到乡镇中心校审核盖章」 — either
    stamp, recorded, lets the loan open and is kept with it; without it, refused, naming
    both offices."""
    loan = dict(origin_school=origin, origin_region=origin_region, hukou_region=hukou, json=True)
    refused = borrow_in(**loan, approval=None)
    assert errors(as_json, refused) == [("BOR-2", "approval")]
    hint = as_json(refused)["errors"][0]["hint"]
    assert "教育科" in hint and "乡镇中心校" in hint
    blank = borrow_in(**loan, approval="  ")
    assert errors(as_json, blank) == [("BOR-2", "approval")]
    result = borrow_in(**loan, approval=stamp)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["approvals"] == [stamp]
    [(approvals,)] = sql("SELECT approvals FROM journal")
    assert json.loads(approvals) == [{"for": "BOR-2", "decision": stamp}]


# -- BOR-3 ---------------------------------------------------------------------------------

def test_origin_school_is_required(borrow_in, as_json):
    assert errors(as_json, borrow_in(origin_school=None, json=True)) == [("BOR-3", "origin_school")]


def test_child_without_id_needs_a_national_number(borrow_in, as_json):
    no_id = dict(id_number="", id_type="Z", gender="女", birth="2018-05-06")
    assert ("BOR-3", "national_number") in errors(as_json, borrow_in(**no_id, json=True))
    temporary = "L" + make_id("2018-05-06", male=False, seq=9, region=SICHUAN)
    loan = as_json(borrow_in(**no_id, national_number=temporary, json=True, show_id=True))
    assert loan["national_number"] == temporary and loan["id_number"] == ""


def test_bad_id_number_is_refused(borrow_in, as_json):
    result = borrow_in(id_number=wrong_check(XIAOYAN), gender="女", birth="2018-05-06", json=True)
    assert errors(as_json, result) == [("NUM-6", "id_number")]
    # gender and birth left out to be read from the number: the wrong number is the cause
    left_out = borrow_in(id_number=wrong_check(XIAOYAN), json=True)
    assert errors(as_json, left_out) == [("BOR-3", "gender"), ("BOR-3", "birth"), ("NUM-6", "id_number")]
    assert all("身份证号有误" in e["message"] for e in as_json(left_out)["errors"][:2])


# -- BOR-4 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("day, today, refused", [
    ("2026-09-01", "2026-09-01", False),  # the semester's first day
    ("2026-09-14", "2026-09-14", False),  # its 14th: the last of the beginning
    ("2026-09-15", "2026-09-15", True),
    ("2026-09-14", "2026-10-20", False),  # entered late from the paper register: the date counts
])
def test_semester_window(borrow_in, as_json, monkeypatch, day, today, refused):
    """BOR-4: 「学生借读应在学期初办理」 — the semester's first 14 days
    (policy.borrow_window_days); later is refused, saying how a directory's policy could
    allow it."""
    monkeypatch.setenv("XUEJI_TODAY", today)
    result = borrow_in(date=day, json=True)
    if refused:
        assert errors(as_json, result) == [("BOR-4", "date")]
        assert "borrow_late_start = true" in as_json(result)["errors"][0]["hint"]
    else:
        assert result.exit_code == 0, result.stderr


def test_mid_semester_is_refused_even_with_an_approval(borrow_in, as_json, monkeypatch, sql):
    """BOR-4: 「学生借读应在学期初办理」 has no exception (unlike TRF-4): by default an
    approval does not let a registrar start a loan mid-semester."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-12")
    result = borrow_in(date="2026-10-12", late_approval="迁教学字〔2026〕31号", json=True)
    assert errors(as_json, result) == [("BOR-4", "date")]
    assert "不允许" in as_json(result)["errors"][0]["message"]
    assert sql("SELECT count(*) FROM student")[0] == (0,)


def test_mid_semester_with_approval_where_the_policy_allows_it(borrow_in, as_json, monkeypatch, sql,
                                                               set_setting):
    set_setting("borrow_late_start = false", "borrow_late_start = true")
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-12")
    refused = borrow_in(date="2026-10-12", json=True)
    assert errors(as_json, refused) == [("BOR-4", "date")]
    assert "--late-approval" in as_json(refused)["errors"][0]["hint"]
    loan = as_json(borrow_in(date="2026-10-12", late_approval="迁教学字〔2026〕31号", json=True))
    assert [w["rule"] for w in loan["warnings"]] == ["BOR-4"]
    assert "迁教学字〔2026〕31号" in loan["approvals"]
    [(approvals,)] = sql("SELECT approvals FROM journal")
    assert {"for": "BOR-4", "decision": "迁教学字〔2026〕31号"} in json.loads(approvals)


def test_a_summer_loan_keeps_the_grade_of_the_year_running(borrow_in, monkeypatch, sql, set_setting):
    """BOR-4, TRF-5: a loan approved to start in July (after the intake's opening, before
    the autumn) is in the grade of 2026—2027: its cohort is 2024 for grade 3, not 2025."""
    set_setting("borrow_late_start = false", "borrow_late_start = true")
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-05")
    result = borrow_in(date="2027-07-05", late_approval="迁教学字〔2027〕9号")
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT entry_year, grade FROM student WHERE kind = 'borrowing'") == [(2024, 3)]


def test_window_is_a_policy(borrow_in, as_json, set_setting, monkeypatch):
    set_setting("borrow_window_days = 14", "borrow_window_days = 30")
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-30")
    assert borrow_in(date="2026-09-30").exit_code == 0
    assert errors(as_json, borrow_in(name="马浩然", gender="男", birth="2019-03-15", grade="2",
                                     date="2026-10-01", json=True)) == [("BOR-4", "date")]


def test_future_start_is_refused(borrow_in, as_json):
    assert ("INPUT", "date") in errors(as_json, borrow_in(date="2027-03-01", json=True))


def test_grade_does_not_change(borrow_in, as_json):
    assert errors(as_json, borrow_in(origin_grade="4", json=True)) == [("BOR-4", "grade")]
    assert borrow_in(origin_grade="三年级").exit_code == 0


def test_grade_must_exist(borrow_in, as_json):
    assert ("ORG-2", "grade") in errors(as_json, borrow_in(grade="7", json=True))


# -- ENR-1, ENR-5 --------------------------------------------------------------------------

def test_school_age(borrow_in, as_json):
    # grade 1 in 2026: six on 2026-08-31; born 2020-09-01 is one day short
    assert errors(as_json, borrow_in(birth="2020-09-01", grade="1", json=True)) == [("ENR-1", "birth")]
    result = borrow_in(birth="2020-09-01", grade="1", underage_commitment="承诺书-7", json=True)
    assert result.exit_code == 0 and [w["rule"] for w in as_json(result)["warnings"]] == ["ENR-1"]
    assert borrow_in(birth="2020-08-31", grade="1").exit_code == 0


def test_class_cap(borrow_in, as_json, set_setting):
    set_setting("primary = 45", "primary = 1")
    assert borrow_in().exit_code == 0
    other = dict(name="马浩然", gender="男", birth="2018-03-15")
    assert errors(as_json, borrow_in(**other, json=True)) == [("ENR-5", "class")]
    assert borrow_in(**other, cap_decision="迁教字〔2026〕9号").exit_code == 0


# -- NUM-7 ---------------------------------------------------------------------------------

def test_already_borrowing_here(borrow_in, as_json):
    assert borrow_in().exit_code == 0
    result = borrow_in(json=True)
    assert errors(as_json, result) == [("NUM-7", "name")]
    assert "已在 004 南岭小学 借读" in as_json(result)["errors"][0]["message"]


def test_our_own_student_is_sent_to_borrow_out(host, enroll, borrow_in, as_json):
    boy = make_id("2020-03-05", seq=77)
    assert enroll(id_number=boy).exit_code == 0
    result = borrow_in(id_number=boy, name="张小明", gender="男", birth="2020-03-05", grade="1", json=True)
    [error] = as_json(result)["errors"]
    assert error["rule"] == "NUM-7" and "borrow out 02262600100001 --to-school" in error["hint"]


def test_same_id_different_name(borrow_in, as_json, xueji):
    assert borrow_in().exit_code == 0
    assert xueji("borrow", "end", XIAOYAN, "--date", "2026-09-01").exit_code == 0
    result = borrow_in(name="刘晓燕", json=True)
    assert errors(as_json, result) == [("NUM-7", "id_number")]


def test_person_is_reused_after_an_ended_loan(borrow_in, xueji, as_json, sql, monkeypatch):
    assert borrow_in().exit_code == 0
    assert xueji("borrow", "end", XIAOYAN, "--date", "2026-09-01").exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2027-03-02")
    loan = as_json(borrow_in(date="2027-03-01", json=True))
    assert loan["case"] == "JD2027-0001"
    assert sql("SELECT count(*) FROM person")[0] == (1,)
    assert sql("SELECT status FROM student ORDER BY id") == [("borrow_ended",), ("active",)]
    card = as_json(xueji("student", "show", XIAOYAN, "--json"))
    assert [r["status"] for r in card["records"]] == ["active", "borrow_ended"]
    assert [x["case"] for x in card["borrowing"]] == ["JD2026-0001", "JD2027-0001"]
    assert xueji("check").exit_code == 0


def test_unreadable_values_are_reported_together(borrow_in, as_json):
    found = errors(as_json, borrow_in(until="明年", origin_region="四川", origin_grade="x", json=True))
    assert {f for _, f in found} == {"until", "origin_region", "origin_grade"}
    assert {r for r, _ in found} == {"INPUT"}


def test_undesignating_a_school_with_borrowers_warns(borrow_in, xueji, as_json):
    """ORG-3: a school taken off the designated list keeps its borrowing pupils (their loan
    runs its course) — the registrar is told how many are still there."""
    assert borrow_in().exit_code == 0
    result = xueji("school", "set", "004", "--not-designated")
    assert result.exit_code == 0, result.stderr
    assert "ORG-3(提醒)" in result.stderr and "仍有 1 名借读生在读" in result.stderr
    document = as_json(xueji("school", "set", "004", "--not-designated", "--json"))
    assert document["ok"] is True and len(document["warnings"]) == 1
    quiet = as_json(xueji("school", "set", "001", "--not-designated", "--json"))
    assert quiet["warnings"] == []
