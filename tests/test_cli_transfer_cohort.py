"""An arriving pupil keeps the cohort (entry year) and the school year of his grade,
whatever the day he arrives (NUM-3, TRF-5), and the turn moves him with it (CHG-1): a
transfer completed in July — after the intake's opening, before the turn — is neither
numbered into the next cohort nor left out of the turn (a silent repeat)."""

from __future__ import annotations

import openpyxl
from synthetic import make_id
from transferkit import (  # noqa: F401
    AT_001,
    AT_003,
    AT_WEST,
    ELSEWHERE,
    MOVE,
    OTHER_TOWN,
    ok,
    other,
    pupil,
    refused,
    town,
)

FIRST = "02262600100001"  # the `pupil`: 001, grade 1, enrolled 2026-09-01 (2026 cohort)
CHILD = make_id("2019-04-04", seq=90)


def typed_in(xueji, date, grade="1"):
    """A first-grader from another county, arriving at 001 from a paper certificate."""
    return xueji("transfer", "in", "--school", "001", "--class", "1", "--grade", grade,
                 "--name", "周小华", "--id-number", CHILD, "--from-school", "外县实验小学",
                 "--from-region", ELSEWHERE, *AT_001, *MOVE, "--evidence", "转学证明", "--date", date,
                 "--json")


def arrived(sql, name="周小华"):
    [row] = sql("SELECT s.local_number, s.grade, s.entry_year, s.status FROM student s "
                "JOIN person p ON p.id = s.person_id WHERE p.name = ? AND s.status = 'active'", name)
    return row


def test_a_july_transfer_inside_the_directory_keeps_its_cohort(pupil, xueji, as_json, sql,
                                                                monkeypatch):
    """NUM-3, TRF-5, CHG-1: completed on 2027-07-05, the pupil of the 2026 cohort is
    numbered in 2026's sequence at 003, and the turn of 2026—2027 promotes him."""
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-10")
    case = as_json(ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE,
                            "--date", "2027-07-01", "--json")))
    ok(xueji("transfer", "approve", case["case_no"], "--level", "central", "--date", "2027-07-02"))
    done = as_json(ok(xueji("transfer", "complete", case["case_no"], "--date", "2027-07-05",
                            "--json")))
    assert done["new_local_number"] == "02262600300001"  # 2026, not 2027
    turn = as_json(ok(xueji("promote", "--year", "2026", "--date", "2027-07-10", "--json")))
    assert turn["next_year"] == [] and turn["counts"]["promoted"] == 1
    assert arrived(sql, "赵小明") == ("02262600300001", 2, 2026, "active")
    ok(xueji("check"))
    ok(xueji("renumber-check"))


def test_a_july_arrival_from_outside_keeps_its_cohort(town, xueji, as_json, sql, monkeypatch):
    """TRF-5: a grade typed from paper in July is the old school year's while the
    receiving school has not turned; the registrar is told which year it is taken as."""
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-10")
    case = as_json(ok(typed_in(xueji, "2027-07-01")))
    [said] = [w for w in case["warnings"] if w["rule"] == "TRF-5"]
    assert "2026—2027学年" in said["message"] and "xueji promote --year 2026" in said["hint"]
    ok(xueji("transfer", "approve", case["case_no"], "--level", "bureau", "--date", "2027-07-02"))
    ok(xueji("transfer", "complete", case["case_no"], "--date", "2027-07-05"))
    assert arrived(sql)[:3] == ("02262600100001", 1, 2026)
    turn = as_json(ok(xueji("promote", "--year", "2026", "--date", "2027-07-10", "--json")))
    assert turn["next_year"] == [] and turn["counts"]["promoted"] == 1
    assert arrived(sql)[:3] == ("02262600100001", 2, 2026)
    ok(xueji("check"))
    ok(xueji("renumber-check"))


def test_a_turn_recorded_before_the_arrival_moves_him_up(pupil, xueji, as_json, sql, monkeypatch):
    """CHG-1: applied for before the receiving school's turn, completed after it: he
    arrives in the grade his cohort has moved up to, and is said so."""
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-12")
    case = as_json(ok(typed_in(xueji, "2027-07-01")))
    ok(xueji("promote", "--year", "2026", "--date", "2027-07-10"))
    ok(xueji("transfer", "approve", case["case_no"], "--level", "bureau", "--date", "2027-07-11"))
    done = as_json(ok(xueji("transfer", "complete", case["case_no"], "--date", "2027-07-12",
                            "--json")))
    assert [w["rule"] for w in done["warnings"]] == ["CHG-1"]
    assert "升入2年级" in done["warnings"][0]["message"]
    assert arrived(sql)[:3] == ("02262600100002", 2, 2026)  # after the pupil of 2026
    refused(xueji("promote", "--year", "2026", "--date", "2027-07-12"), "CHG-1")  # done once
    ok(xueji("check"))
    ok(xueji("renumber-check"))


def test_a_graduated_cohort_takes_no_one_more(pupil, xueji, as_json, monkeypatch):
    """CHG-1: a sixth-grader of 2026—2027 cannot arrive after the school's graduation."""
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-12")
    case = as_json(ok(xueji(
        "transfer", "in", "--school", "001", "--class", "1", "--grade", "6", "--name", "周大华",
        "--id-number", make_id("2015-04-04", seq=91), "--from-school", "外县实验小学",
        "--from-region", ELSEWHERE, *AT_001, *MOVE, "--evidence", "转学证明",
        "--special-reason", "随迁",
        "--date", "2027-07-01", "--json")))
    ok(xueji("promote", "--year", "2026", "--date", "2027-07-10"))
    ok(xueji("transfer", "approve", case["case_no"], "--level", "bureau", "--date", "2027-07-11"))
    result = refused(xueji("transfer", "complete", case["case_no"], "--date", "2027-07-12"), "CHG-1")
    assert "已经毕业" in result.stderr and "transfer cancel" in result.stderr


def test_the_certificate_says_the_school_year_of_the_grade(pupil, xueji, xueji_at, as_json,
                                                          other, tmp_path, monkeypatch):
    """TRF-5, NUM-3 across directories: the data sheet carries the school year of the
    grade, so a certificate imported in July places the pupil in his cohort."""
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-10")
    ok(xueji("transfer", "out", FIRST, "--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN,
             *MOVE, "--date", "2027-07-01"))
    for level in ("school", "central"):
        ok(xueji("transfer", "approve", "ZX2027-0001", "--level", level, "--date", "2027-07-02"))
    path = tmp_path / "转学证明.xlsx"
    ok(xueji("transfer", "certificate", "ZX2027-0001", "--xlsx", path, "--date", "2027-07-02"))
    ws = openpyxl.load_workbook(path)["数据"]
    data = {row[0]: row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert (data["version"], data["school_year"], data["entry_year"]) == ("2", "2026", "2026")
    case = as_json(ok(xueji_at(other, "transfer", "in", "--from-file", path, "--school", "001", *AT_WEST,
                               "--class", "1", "--date", "2027-07-03", "--json")))
    assert not [w for w in case["warnings"] if w["rule"] == "TRF-5"]  # the sheet says the year
    ok(xueji_at(other, "transfer", "approve", case["case_no"], "--level", "central",
                "--date", "2027-07-04"))
    done = as_json(ok(xueji_at(other, "transfer", "complete", case["case_no"], "--date",
                               "2027-07-05", "--json")))
    assert done["new_local_number"] == "02262600100001"
    turn = as_json(ok(xueji_at(other, "promote", "--year", "2026", "--date", "2027-07-10",
                               "--json")))
    assert turn["next_year"] == [] and turn["counts"]["promoted"] == 1
