"""The conditions of a transfer through the command line: TRF-1 reason and evidence, TRF-4
the window, TRF-6 graduating grade, TRF-7 sanctions, TRF-10 the receiving class, TRF-3
the three days (flagged in the register and for the monthly report), SUS-2, NUM-7, and
each route's approvals (TRF-2) for students leaving and arriving."""

from __future__ import annotations

import json

import pytest
from synthetic import make_id
from transferkit import (  # noqa: F401
    AT_001,
    AT_003,
    ELSEWHERE,
    MOVE,
    OTHER_TOWN,
    URBAN,
    ok,
    out,
    pupil,
    put_state,
    refused,
    town,
)

FIRST = "02262600100001"


def arrive(xueji, *extra, region=ELSEWHERE, grade="2", date="2026-09-01", seq=90, json=True):
    """A typed `transfer in` of a second-grader (born 2019-04-04) into 001."""
    args = ["transfer", "in", "--school", "001", "--class", "1", "--grade", grade,
            "--name", "周小华", "--id-number", make_id("2019-04-04", seq=seq),
            "--from-school", "外县实验小学", "--from-region", region, *AT_001, *MOVE,
            "--evidence", "转学证明", "--date", date, *extra]
    return xueji(*args, *(["--json"] if json else []))


# -- TRF-1 -----------------------------------------------------------------------------------

def test_reason_and_evidence_are_required(pupil, xueji):
    result = refused(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1",
                           "--evidence", "户口本"), "TRF-1")
    assert "缺少转学原因" in result.stderr and "房产证明" in result.stderr


def test_other_reason_needs_the_details(pupil, xueji, as_json):
    base = ["transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", "--evidence", "户口簿",
            "--evidence", "房产证明", "--reason", "其他"]
    refused(xueji(*base), "TRF-1")
    case = as_json(ok(xueji(*base, "--reason-detail", "随祖父母生活", "--json")))
    assert case["reason"] == "other" and case["reason_detail"] == "随祖父母生活"


def test_arrival_needs_the_origin_certificate(town, xueji):
    args = ["transfer", "in", "--school", "001", "--class", "1", "--grade", "2", "--name", "周小华",
            "--id-number", make_id("2019-04-04", seq=91), "--from-school", "外县实验小学",
            "--from-region", ELSEWHERE, *AT_001, *MOVE]
    result = refused(xueji(*args), "TRF-1")
    assert "转学证明" in result.stderr


# -- TRF-4 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("today, reason, code", [
    ("2026-09-14", ["--reason", "other", "--reason-detail", "特殊"], 0),  # day 14: inside
    ("2026-09-15", ["--reason", "other", "--reason-detail", "特殊"], 1),  # day 15: outside
    ("2026-10-12", ["--reason", "move"], 0),  # a home move may come mid-semester
    ("2026-10-12", ["--reason", "job", "--evidence", "调令"], 0),  # so may a job transfer
])
def test_the_window_of_a_semester(pupil, xueji, monkeypatch, today, reason, code):
    monkeypatch.setenv("XUEJI_TODAY", today)
    result = xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *reason,
                   "--evidence", "户口簿", "--evidence", "房产证明", "--date", today)
    assert result.exit_code == code, result.stderr
    if code:
        assert "TRF-4" in result.stderr and "09月14日" in result.stderr


def test_the_calendar_in_the_settings_moves_the_window(pupil, xueji, set_setting, monkeypatch):
    set_setting('# [[calendar.semester]]\n# name = "2026—2027学年第一学期"\n# start = 2026-09-01',
                '[[calendar.semester]]\nname = "2026—2027学年第一学期"\nstart = 2026-09-07')
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-20")
    ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", "--reason", "other",
             "--reason-detail", "特殊", "--evidence", "户口簿", "--evidence", "房产证明",
             "--date", "2026-09-20"))


# -- TRF-6, TRF-7 -------------------------------------------------------------------------------

def test_graduating_grade_needs_a_special_reason(town, enroll, xueji, as_json):
    sixth = as_json(ok(enroll(json=True, grade="6", birth="2015-03-05",
                              id_number=make_id("2015-03-05", seq=92))))
    result = refused(out(xueji, sixth["local_number"], "--to", "003", *AT_003, "--class", "1"), "TRF-6")
    assert "--special-reason" in result.stderr
    case = as_json(ok(out(xueji, sixth["local_number"], "--to", "003", *AT_003, "--class", "1",
                          "--special-reason", "随军家属安置", "--json")))
    assert case["special_reason"] == "随军家属安置" and case["warnings"][0]["rule"] == "TRF-6"


def test_no_transfer_while_a_sanction_is_in_force(pupil, xueji):
    ok(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "打架"))
    result = refused(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"), "TRF-7")
    assert "CF2026-0001" in result.stderr and "xueji sanction revoke" in result.stderr
    ok(xueji("sanction", "revoke", FIRST, "--reason", "表现良好"))
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))


def test_a_sanction_given_after_the_application_blocks_completion(pupil, xueji):
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central"))
    ok(xueji("sanction", "add", FIRST, "--kind", "记过", "--reason", "毁坏公物"))
    refused(xueji("transfer", "complete", "ZX2026-0001"), "TRF-7")


# -- status: SUS-2 and the others ---------------------------------------------------------------

@pytest.mark.parametrize("kind, status, rule", [
    ("suspend", "suspended", "SUS-2"), ("borrow_out", "borrowed_out", "TRF-9"),
])
def test_only_a_student_at_school_may_leave(pupil, town, xueji, kind, status, rule):
    put_state(town, FIRST, kind, {"status": status})
    refused(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"), rule)


def test_a_suspended_student_here_cannot_come_in_again(pupil, town, xueji):
    put_state(town, FIRST, "suspend", {"status": "suspended"})
    result = xueji("transfer", "in", "--school", "003", "--class", "1", "--grade", "1",
                   "--name", "赵小明", "--id-number", make_id("2020-03-05", seq=77),
                   "--from-school", "外县小学", "--from-region", ELSEWHERE, *AT_001, *MOVE,
                   "--evidence", "转学证明")
    refused(result, "NUM-7")


# -- TRF-10 -------------------------------------------------------------------------------------

def test_receiving_class_at_its_cap(pupil, enroll, xueji, as_json, set_setting):
    set_setting("primary = 45", "primary = 1")
    ok(enroll(name="钱二", id_number=make_id("2020-04-04", seq=93), birth="2020-04-04",
              school="003", hukou_region="130283105209", guardian_hukou_region="130283105209",
              residence_region="130283105209"))
    case = as_json(ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1", "--json")))
    assert case["warnings"][0]["rule"] == "TRF-10"  # places may free up before admission
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central"))
    refused(xueji("transfer", "complete", "ZX2026-0001"), "TRF-10")
    ok(xueji("transfer", "complete", "ZX2026-0001", "--class", "2"))  # another class has room


def test_cap_decision_lets_one_more_in(pupil, enroll, xueji, as_json, set_setting, sql):
    set_setting("primary = 45", "primary = 1")
    ok(enroll(name="钱二", id_number=make_id("2020-04-04", seq=94), birth="2020-04-04",
              school="003", hukou_region="130283105209", guardian_hukou_region="130283105209",
              residence_region="130283105209"))
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central"))
    done = as_json(ok(xueji("transfer", "complete", "ZX2026-0001", "--cap-decision", "教字9号",
                            "--json")))
    assert done["warnings"][0]["rule"] == "TRF-10"
    approvals = json.loads(sql("SELECT approvals FROM journal WHERE kind = 'transfer_in'")[0][0])
    assert approvals == [{"for": "TRF-10", "decision": "教字9号"}]


# -- TRF-3 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("admitted, late", [("2026-09-04", False), ("2026-09-05", True)])
def test_admission_after_three_days_is_flagged(pupil, xueji, as_json, monkeypatch, admitted,
                                               late):
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central"))
    monkeypatch.setenv("XUEJI_TODAY", admitted)
    pending = as_json(xueji("transfer", "list", "--json"))["cases"][0]["admission"]
    assert pending["overdue"] is late and pending["late"] is False
    done = as_json(ok(xueji("transfer", "complete", "ZX2026-0001", "--date", admitted, "--json")))
    assert done["admission"]["late"] is late
    assert [w["rule"] for w in done["warnings"]] == (["TRF-3"] if late else [])
    screen = ok(xueji("transfer", "list")).stdout
    assert ("逾期接收" in screen) is late
    month = as_json(ok(xueji("report", "monthly", "--month", "2026-09", "--json")))
    flags = [f for c in month["changes"] if c["kind"] == "transfer_in" for f in c["flags"]
             if f.startswith("TRF-3")]
    assert flags == (["TRF-3 批准后第4天才接收(应在3天内)"] if late else [])


def test_the_printed_change_list_flags_a_late_admission_in_words(pupil, xueji, monkeypatch,
                                                                  tmp_path):
    """TRF-3 on the bureau's paper: the monthly report's change list says 批准后第4天才接收
    without the rule id the screen and JSON carry."""
    from test_paper_forms import INTERNAL, visible_texts

    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central"))
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-05")
    ok(xueji("transfer", "complete", "ZX2026-0001", "--date", "2026-09-05"))
    path = tmp_path / "月报.xlsx"
    ok(xueji("report", "monthly", "--month", "2026-09", "--xlsx", path))
    texts = visible_texts(path)
    assert "批准后第4天才接收(应在3天内)" in texts
    assert not INTERNAL.search(texts), INTERNAL.search(texts)


# -- TRF-2: each route, leaving and arriving -------------------------------------------------

@pytest.mark.parametrize("region, route, levels", [
    (URBAN, "A", ["school", "central", "bureau"]),
    (OTHER_TOWN, "B", ["school", "central", "central"]),
    (ELSEWHERE, "D", ["school", "bureau"]),
])
def test_leaving_for_a_school_elsewhere(pupil, xueji, as_json, sql, region, route, levels):
    case = as_json(ok(out(xueji, FIRST, "--to-school", "某某小学", "--to-region", region, "--json")))
    assert (case["route"], case["direction"]) == (route, "out")
    for index, level in enumerate(levels):
        refused(xueji("transfer", "complete", case["case_no"]), "TRF-9")
        ok(xueji("transfer", "approve", case["case_no"], "--level", level,
                 "--doc-no", f"文{index}"))
    done = as_json(ok(xueji("transfer", "complete", case["case_no"], "--json")))
    assert done["new_local_number"] is None and done["admission"] is None
    assert sql("SELECT status FROM student") == [("transferred_out",)]
    assert "转出至 某某小学" in sql("SELECT remark FROM student")[0][0]
    ok(xueji("renumber-check"))
    ok(xueji("check"))


@pytest.mark.parametrize("region, route, levels", [
    (ELSEWHERE, "C", ["bureau"]),
    (OTHER_TOWN, "B", ["school", "central", "central"]),
    (URBAN, "U", ["school", "bureau"]),
])
def test_arriving_from_a_school_elsewhere(town, xueji, as_json, sql, region, route, levels):
    case = as_json(ok(arrive(xueji, region=region)))
    assert (case["route"], case["direction"], case["name"]) == (route, "in", "周小华")
    assert sql("SELECT count(*) FROM student") == [(0,)]  # no record before completion
    for level in levels:
        refused(xueji("transfer", "complete", case["case_no"]), "TRF-9")
        ok(xueji("transfer", "approve", case["case_no"], "--level", level))
    done = as_json(ok(xueji("transfer", "complete", case["case_no"], "--json", "--show-id")))
    assert done["new_local_number"] == "02262500100001"  # grade 2: the cohort of 2025
    assert done["national_number"] == "G" + make_id("2019-04-04", seq=90)
    assert "自 外县实验小学 转入" in sql("SELECT remark FROM student")[0][0]
    ok(xueji("renumber-check"))
    ok(xueji("check"))


def test_arrival_checks_identity_grade_and_one_record(pupil, xueji):
    bad = make_id("2019-04-04", seq=95)
    result = refused(xueji("transfer", "in", "--school", "001", "--class", "1", "--grade", "7",
                           "--name", "吴某", "--id-number", bad[:-1] + ("0" if bad[-1] != "0" else "1"),
                           "--from-school", "外县小学", "--from-region", ELSEWHERE, *AT_001, *MOVE,
                           "--evidence", "转学证明"), "NUM-6", "TRF-5")
    assert "校验码" in result.stderr
    # gender and birth left out (they come from a valid number): the wrong number is named
    assert "缺少性别:身份证号有误,无法从中读出性别" in result.stderr
    assert "缺少出生日期:身份证号有误" in result.stderr
    again = refused(xueji("transfer", "in", "--school", "003", "--class", "1", "--grade", "1",
                          "--name", "赵小明", "--id-number", make_id("2020-03-05", seq=77),
                          "--from-school", "外县小学", "--from-region", ELSEWHERE, *AT_001, *MOVE,
                          "--evidence", "转学证明"), "NUM-7")
    assert "02262600100001" in again.stderr


def test_arrival_with_a_resident_id_type_needs_the_number(town, xueji, as_json):
    """NUM-6 as in enrollment: the default 居民身份证 without its number is refused, with
    the way for a child who truly has none (another --id-type and the national number)."""
    typed = ["transfer", "in", "--school", "001", "--class", "1", "--grade", "2",
             "--name", "周小华", "--gender", "男", "--birth", "2019-04-04",
             "--from-school", "外县实验小学", "--from-region", ELSEWHERE, *AT_001, *MOVE,
             "--evidence", "转学证明"]
    result = refused(xueji(*typed, "--json"), "NUM-6")
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("NUM-6", "id_number")]
    assert "--national-number" in as_json(result)["errors"][0]["hint"]
    ok(xueji(*typed, "--id-type", "A", "--national-number", "L201904041234567890", "--dry-run"))


def test_a_child_who_left_may_come_back(pupil, xueji, as_json, sql):
    case = as_json(ok(out(xueji, FIRST, "--to-school", "外县小学", "--to-region", ELSEWHERE, "--json")))
    for level in ("school", "bureau"):
        ok(xueji("transfer", "approve", case["case_no"], "--level", level))
    ok(xueji("transfer", "complete", case["case_no"]))
    back = as_json(ok(xueji("transfer", "in", "--school", "001", "--class", "1", "--grade", "1",
                            "--name", "赵小明", "--id-number", make_id("2020-03-05", seq=77),
                            "--from-school", "外县小学", "--from-region", ELSEWHERE, *AT_001, *MOVE,
                            "--evidence", "转学证明", "--json")))
    ok(xueji("transfer", "approve", back["case_no"], "--level", "bureau"))
    done = as_json(ok(xueji("transfer", "complete", back["case_no"], "--json")))
    assert done["new_local_number"] == "02262600100002"
    assert sql("SELECT count(DISTINCT person_id), count(*) FROM student") == [(1, 2)]
    ok(xueji("renumber-check"))
    ok(xueji("check"))


def test_an_open_arrival_blocks_a_second_one(town, xueji):
    ok(arrive(xueji))
    result = refused(arrive(xueji), "TRF-9")
    assert "ZX2026-0001" in result.stderr
