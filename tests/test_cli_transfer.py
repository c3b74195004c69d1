"""`xueji transfer` inside one township directory: a case from application to completion
(both ends in one transaction), the numbers it leaves behind and gives (NUM-3), withdrawal,
the register, and `renumber-check` / `check` staying clean through transfers both ways."""

from __future__ import annotations

import json

import pytest
from pgkit import BOTH_STORES
from synthetic import make_id
from transferkit import (  # noqa: F401
    AT_001,
    AT_002,
    AT_003,
    MOVE,
    SAME_TOWN,
    ok,
    out,
    pupil,
    refused,
    run_case,
    town,
)

pytestmark = BOTH_STORES  # the registrar's workflow, on SQLite and on a county's server

FIRST = "02262600100001"


def test_internal_transfer_from_application_to_both_ends(pupil, xueji, as_json, sql):
    case = as_json(ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "2", *MOVE,
                            "--json")))
    assert (case["case_no"], case["direction"], case["route"], case["status"]) == (
        "ZX2026-0001", "internal", "internal", "applied")
    assert [m["step"] for m in case["missing"]] == ["central"]
    assert case["id_number"].count("*") == 8  # masked in --json too
    # TRF-9: no completion before the central school's approval
    result = refused(xueji("transfer", "complete", "ZX2026-0001"), "TRF-9", "乡镇中心校审批")
    assert "--level central" in result.stderr
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central", "--doc-no", "中字1号"))
    done = as_json(ok(xueji("transfer", "complete", "ZX2026-0001", "--json")))
    assert done["status"] == "completed" and done["new_local_number"] == "02262600300001"
    rows = sql("SELECT local_number, national_number, status, school_id, grade, class_no, "
               "person_id, remark FROM student ORDER BY id")
    (old, new) = rows
    assert old[:3] == (FIRST, "G" + make_id("2020-03-05", seq=77), "transferred_out")
    assert "转出至 003 测试镇第二小学" in old[7] and "2026-09-01" in old[7]
    assert new[0] == "02262600300001" and new[1] == old[1]  # the national number travels
    assert (new[2], new[4], new[5]) == ("active", 1, 2)  # TRF-5: same grade
    assert new[6] == old[6]  # the same person
    assert "自 001 测试镇中心校 转入" in new[7]
    kinds = [r[0] for r in sql("SELECT kind FROM journal WHERE case_ref = 'ZX2026-0001' ORDER BY id")]
    assert kinds == ["transfer_apply", "transfer_approve", "transfer_out", "transfer_in"]
    ok(xueji("renumber-check"))
    ok(xueji("check"))


def test_refusal_names_rule_on_stderr_and_in_json(pupil, xueji, as_json):
    ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE))
    result = xueji("transfer", "complete", "ZX2026-0001", "--json")
    assert result.exit_code == 1
    document = as_json(result)
    assert document["ok"] is False and document["errors"][0]["rule"] == "TRF-9"
    assert "被拒绝" in result.stderr


def test_two_schools_of_different_townships_in_one_directory(pupil, xueji, as_json):
    """001 and 002 of the `township` fixture lie in two townships: route B, both ends here."""
    done = run_case(xueji, as_json, FIRST, ["--to", "002", *AT_002, "--class", "1"],
                    ["school", "central", "central"])
    assert (done["route"], done["direction"], done["new_local_number"]) == (
        "B", "internal", "02262600200001")


def test_numbers_are_never_reused_and_arrivals_go_to_the_end(pupil, enroll, xueji, as_json):
    ok(enroll(name="钱二", id_number=make_id("2020-04-04", seq=78), birth="2020-04-04",
              school="003", hukou_region=SAME_TOWN, guardian_hukou_region=SAME_TOWN,
              residence_region=SAME_TOWN))  # 02262600300001
    done = run_case(xueji, as_json, FIRST, ["--to", "003", *AT_003, "--class", "1"], ["central"])
    assert done["new_local_number"] == "02262600300002"  # the end of the receiving cohort
    late = as_json(ok(enroll(json=True, name="孙三", id_number=make_id("2020-05-05", seq=79),
                             birth="2020-05-05")))
    assert late["local_number"] == "02262600100002"  # 0001 stays with the cancelled record
    ok(xueji("renumber-check"))


def test_a_cohort_keeps_its_entry_year(town, enroll, xueji, as_json):
    third = as_json(ok(enroll(json=True, grade="3", birth="2018-05-05",
                              id_number=make_id("2018-05-05", seq=80))))
    assert third["local_number"] == "02262400100001"
    done = run_case(xueji, as_json, third["local_number"], ["--to", "003", *AT_003, "--class", "1"],
                    ["central"])
    assert done["new_local_number"] == "02262400300001"  # cohort 2024 of school 003


def test_there_and_back_keeps_numbers_and_checks_clean(pupil, xueji, as_json):
    run_case(xueji, as_json, FIRST, ["--to", "003", *AT_003, "--class", "1"], ["central"])
    back = run_case(xueji, as_json, "02262600300001", ["--to", "001", *AT_001, "--class", "1"], ["central"])
    assert back["new_local_number"] == "02262600100002"
    card = as_json(ok(xueji("student", "show", make_id("2020-03-05", seq=77), "--json")))
    assert card["local_number"] == "02262600100002" and card["status"] == "active"
    assert [r["status"] for r in card["records"]] == ["active", "transferred_out", "transferred_out"]
    assert [c["case_no"] for c in card["transfer_cases"]] == ["ZX2026-0001", "ZX2026-0002"]
    ok(xueji("renumber-check"))
    ok(xueji("check"))


def test_student_show_has_the_case_history(pupil, xueji):
    ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE))
    result = ok(xueji("student", "show", FIRST))
    assert "转学案件" in result.stdout and "ZX2026-0001" in result.stdout
    assert "转学申请" in result.stdout and "尚缺:乡镇中心校审批" in result.stdout


def test_withdrawal_leaves_the_record_alone(pupil, xueji, as_json, sql):
    ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE))
    refused(xueji("transfer", "cancel", "ZX2026-0001", "--reason", " "), "CHG-3")
    withdrawn = as_json(ok(xueji("transfer", "cancel", FIRST, "--reason", "家长放弃", "--json")))
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_on"] == "2026-09-01"
    assert sql("SELECT status FROM student") == [("active",)]
    for args in (("approve", "ZX2026-0001", "--level", "central"), ("complete", "ZX2026-0001"),
                 ("cancel", "ZX2026-0001", "--reason", "再撤")):
        refused(xueji("transfer", *args), "TRF-2", "已撤回")
    # a new application is possible once the old one is withdrawn
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    assert as_json(xueji("transfer", "list", "--open", "--json"))["count"] == 1


def test_one_open_case_per_student(pupil, xueji):
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    result = refused(out(xueji, FIRST, "--to", "002", *AT_002, "--class", "1"), "TRF-9")
    assert "ZX2026-0001" in result.stderr


def test_dry_run_writes_nothing(pupil, xueji, as_json, sql):
    document = as_json(ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE,
                                "--dry-run", "--json")))
    assert document == {"ok": True, "dry_run": True, "route": "internal",
                        "direction": "internal", "warnings": []}
    assert sql("SELECT count(*) FROM transfer_case") == [(0,)]
    assert sql("SELECT count(*) FROM journal") == [(1,)]


def test_list_and_show(pupil, xueji, as_json):
    assert "还没有转学案件" in ok(xueji("transfer", "list")).stderr
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    listing = as_json(ok(xueji("transfer", "list", "--json")))
    assert listing["count"] == 1 and listing["cases"][0]["status"] == "applied"
    screen = ok(xueji("transfer", "list"))
    assert "ZX2026-0001" in screen.stdout and "乡镇中心校审批" in screen.stdout
    for ref in ("ZX2026-0001", "zx2026-0001", FIRST):
        assert as_json(ok(xueji("transfer", "show", ref, "--json")))["case_no"] == "ZX2026-0001"
    shown = ok(xueji("transfer", "show", "ZX2026-0001"))
    assert "审批(按线路顺序)" in shown.stdout and "办理记录" in shown.stdout
    refused(xueji("transfer", "show", "ZX2026-0099"))
    assert "没有转学案件" in xueji("transfer", "show", "ZX2026-0099").stderr


@pytest.mark.parametrize("args, rule, words", [
    (["--to", "001", *AT_001, "--class", "1"], "TRF-2", "已在"),
    (["--to", "003", *AT_003], "TRF-10", "--class"),
    (["--to-school", "城关小学"], "TRF-2", "区划代码"),
    (["--to-school", "测试村小学", "--to-region", "130283106201"], "TRF-2", "是本目录的学校"),
])
def test_destination_refusals(pupil, xueji, args, rule, words):
    result = refused(out(xueji, FIRST, *args), rule)
    assert words in result.stderr


def test_to_and_to_school_together_is_invalid(pupil, xueji):
    result = refused(out(xueji, FIRST, "--to", "003", *AT_003, "--to-school", "某校"))
    assert "只能用一种" in result.stderr


def test_school_without_service_area_cannot_place_the_route(ws_dir, xueji, enroll):
    ok(xueji("school", "add", "--code", "001", "--name", "无范围小学"))
    ok(enroll(school="001"))
    result = refused(out(xueji, FIRST, "--to-school", "某校", "--to-region", "130283001005"),
                     "TRF-2")
    assert "xueji school set 001 --service-area" in result.stderr


@pytest.mark.parametrize("date, words", [("2026-09-02", "之后"), ("2026-08-31", "早于")])
def test_approval_dates(pupil, xueji, date, words):
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    result = refused(xueji("transfer", "approve", "ZX2026-0001", "--level", "central",
                           "--date", date), "TRF-2")
    assert words in result.stderr


def test_unknown_level_and_student_key_forms(pupil, xueji):
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    refused(xueji("transfer", "approve", FIRST, "--level", "county"), "TRF-2")
    refused(xueji("transfer", "approve", "not-a-key", "--level", "central"))


def test_a_student_key_finds_the_open_case_and_never_shows_the_id(pupil, xueji, as_json):
    child = make_id("2020-03-05", seq=77)
    assert "该生没有转学案件" in refused(xueji("transfer", "show", child)).stderr
    nobody = make_id("2020-01-01", seq=60)
    result = refused(xueji("transfer", "show", nobody))
    assert nobody not in result.stderr and "没有找到该学生" in result.stderr
    run_case(xueji, as_json, FIRST, ["--to", "003", *AT_003, "--class", "1"], ["central"])
    assert "已办结或撤回的案件:ZX2026-0001" in refused(xueji("transfer", "approve", child,
                                                         "--level", "central")).stderr


def test_unreadable_values_are_reported_with_the_rules(pupil, xueji):
    result = refused(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "abc",
                           "--evidence", "户口簿"), "INPUT", "TRF-1")
    assert "班级「abc」" in result.stderr and "缺少转学原因" in result.stderr


def test_each_end_carries_the_evidence_it_was_done_on(pupil, xueji, as_json, sql):
    run_case(xueji, as_json, FIRST, ["--to", "003", *AT_003, "--class", "1"], ["central"])
    rows = sql("SELECT kind, evidence FROM journal WHERE kind IN ('transfer_out', 'transfer_in') "
               "ORDER BY id")
    assert [(kind, json.loads(evidence)) for kind, evidence in rows] == [
        ("transfer_out", ["户口簿", "房产证明"]), ("transfer_in", ["户口簿", "房产证明"])]
