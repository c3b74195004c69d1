"""ORG-2 撤并: a closed school takes no pupil any more — by enrollment (one child or a
roster), transfer in or out to it, loan into it or takeover — refused naming ORG-2; its
records stay until moved; closed and emptied, it leaves the monthly form from the month
after. `school add` refuses a code not typed as three digits and warns of overlapping
service areas."""

from __future__ import annotations

import json

import rosters
from borrowkit import borrow_in, host, host_template  # noqa: F401
from synthetic import make_id
from transferkit import ELSEWHERE, MOVE, SAME_TOWN, ok, pupil, refused, town  # noqa: F401

AT_003 = ["--hukou-region", SAME_TOWN, "--residence-region", SAME_TOWN]


def close_003(xueji, date="2026-09-01"):
    return ok(xueji("school", "set", "003", "--closed", "--date", date, "--json"))


def test_a_closed_school_refuses_enrollment_one_child_and_a_roster(town, xueji, enroll, tmp_path):
    close_003(xueji)
    refused(enroll(school="003", hukou_region=SAME_TOWN, guardian_hukou_region=SAME_TOWN,
                   residence_region=SAME_TOWN), "ORG-2", "撤并")
    roster = rosters.write(tmp_path / "003.xlsx", [rosters.child(1, 学校代码="003")])
    refused(xueji("enroll", "--from", str(roster)), "ORG-2", "撤并")
    ok(xueji("school", "set", "003", "--reopen"))  # a closing recorded by mistake
    ok(enroll(school="003", hukou_region=SAME_TOWN, guardian_hukou_region=SAME_TOWN,
              residence_region=SAME_TOWN))


def test_a_closed_school_refuses_transfers_into_it(town, pupil, xueji):
    close_003(xueji)
    refused(xueji("transfer", "out", pupil["local_number"], "--to", "003", *AT_003, *MOVE,
                  "--date", "2026-09-01"), "ORG-2")
    refused(xueji("transfer", "in", "--school", "003", "--class", "1", "--grade", "2",
                  "--name", "周小华", "--id-number", make_id("2019-04-04", seq=90),
                  "--from-school", "外县实验小学", "--from-region", ELSEWHERE, *AT_003, *MOVE,
                  "--evidence", "转学证明", "--date", "2026-09-01"), "ORG-2")


def test_a_transfer_applied_for_before_the_closing_is_not_completed_into_it(town, pupil, xueji,
                                                                            as_json):
    case = as_json(ok(xueji("transfer", "out", pupil["local_number"], "--to", "003", "--class", "1", *AT_003,
                            *MOVE, "--date", "2026-09-01", "--json")))
    ok(xueji("transfer", "approve", case["case_no"], "--level", "central", "--date", "2026-09-01"))
    close_003(xueji)
    refused(xueji("transfer", "complete", case["case_no"], "--date", "2026-09-01"), "ORG-2")


def test_a_closed_school_takes_no_loan_and_no_takeover(host, xueji, borrow_in, tmp_path):
    ok(xueji("school", "set", "004", "--closed", "--date", "2026-09-01"))
    refused(borrow_in(), "ORG-2")
    row = {"学校代码": "004", "学籍号": "02262400400001", "全国学籍号": "G" + make_id("2018-03-05", seq=3),
           "姓名": "学生甲", "性别": "男", "出生日期": "2018-03-05",
           "身份证号": make_id("2018-03-05", seq=3), "年级": 3, "班级": 1, "学生状态": "在校"}
    roster = rosters.write(tmp_path / "takeover.xlsx", [row])
    refused(xueji("takeover", str(roster), "--as-of", "2026-09-01"), "ORG-2")


def test_records_stay_and_the_form_shows_the_school_until_the_month_after_it_emptied(
        town, xueji, enroll, as_json, monkeypatch):
    child = as_json(ok(enroll(school="003", hukou_region=SAME_TOWN, guardian_hukou_region=SAME_TOWN,
                              residence_region=SAME_TOWN, json=True)))
    monkeypatch.setenv("XUEJI_TODAY", "2026-12-20")
    closing = close_003(xueji, "2026-10-01")
    assert "1 名在籍学生" in " ".join(as_json(closing)["warnings"])
    listing = as_json(ok(xueji("school", "list", "--json")))["schools"]
    assert [s["closed_on"] for s in listing if s["code"] == "003"] == ["2026-10-01"]
    assert "已撤并" in ok(xueji("school", "list")).stdout

    def schools_on_form(month):
        document = as_json(ok(xueji("report", "monthly", "--month", month, "--json")))
        return {r["school"] for r in document["rows"]}

    assert "003" in schools_on_form("2026-10")  # closed, but the pupil is still on its register
    ok(xueji("transfer", "out", child["local_number"], "--to-school", "外县实验小学",
             "--to-region", ELSEWHERE, *MOVE, "--date", "2026-11-10", "--json"))
    case = json.loads(ok(xueji("transfer", "list", "--json")).stdout)
    case_no = case["cases"][0]["case_no"]
    for level in ("school", "bureau"):
        ok(xueji("transfer", "approve", case_no, "--level", level, "--date", "2026-11-10"))
    ok(xueji("transfer", "complete", case_no, "--date", "2026-11-10"))
    assert "003" in schools_on_form("2026-11")  # it emptied in November: November shows it
    assert "003" not in schools_on_form("2026-12")  # closed and empty: gone from the form
    assert "003" in schools_on_form("2026-09")  # the past is unchanged


def test_school_add_refuses_a_short_code_and_warns_of_an_overlapping_area(township, xueji, as_json):
    result = refused(xueji("school", "add", "--code", "4", "--name", "新村小学"))
    assert "004" in result.stderr
    added = as_json(ok(xueji("school", "add", "--code", "004", "--name", "新村小学",
                             "--service-area", "130283105201", "--json")))
    assert any("001 测试镇中心校" in w and "重叠" in w for w in added["warnings"])
