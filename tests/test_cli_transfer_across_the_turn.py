"""A transfer inside the directory applied for before the school year's turn and completed
after it (a summer move, the commonest case): the child arrives in the grade the turn gave
(TRF-5 with CHG-1), not the grade of the application, and joins that grade's cohort."""

from __future__ import annotations

from transferkit import AT_003, MOVE, ok, pupil, town  # noqa: F401

FIRST = "02262600100001"


def test_the_promotion_travels_with_the_child(pupil, xueji, as_json, sql, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-20")
    case = as_json(ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE,
                            "--date", "2027-06-20", "--json")))
    turn = ok(xueji("promote", "--year", "2026", "--date", "2027-07-10"))
    assert "TRF-5" in turn.stderr and case["case_no"] in turn.stderr and "2年级" in turn.stderr
    assert sql("SELECT grade FROM student WHERE local_number = ?", FIRST) == [(2,)]
    ok(xueji("transfer", "approve", case["case_no"], "--level", "central", "--date", "2027-07-11"))
    done = as_json(ok(xueji("transfer", "complete", case["case_no"], "--date", "2027-07-11",
                            "--json")))
    [(number, grade, class_no, entry_year)] = sql(
        "SELECT local_number, grade, class_no, entry_year FROM student WHERE status = 'active'")
    assert (grade, class_no, entry_year) == (2, 1, 2026)  # the cohort of 2026, now in grade 2
    assert done["new_local_number"] == number and number.startswith("02262600300")
    assert done["grade"] == 2  # what the case shows is what was recorded
    screen = ok(xueji("transfer", "show", case["case_no"]))
    assert "2年级1班" in screen.stdout
    ok(xueji("check"))
    ok(xueji("renumber-check"))


def test_a_child_graduating_with_an_open_case_is_named_at_the_turn(town, enroll, xueji, as_json,
                                                                     monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-20")
    sixth = as_json(enroll(json=True, grade="6", birth="2015-03-05", date="2026-09-01"))
    number = sixth["local_number"]
    case = as_json(ok(xueji("transfer", "out", number, "--to", "003", *AT_003, "--class", "1", *MOVE,
                            "--special-reason", "家庭搬迁", "--date", "2027-06-20", "--json")))
    preview = as_json(ok(xueji("promote", "--year", "2026", "--date", "2027-07-10", "--dry-run",
                               "--json")))
    [warned] = [w for w in preview["warnings"] if w["rule"] == "TRF-9"]
    assert case["case_no"] in warned["message"] and "毕业" in warned["message"]
    assert f"xueji transfer complete {case['case_no']}" in warned["hint"]
    assert "transfer cancel" in warned["hint"]
