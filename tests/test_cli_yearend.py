"""`xueji promote` and `xueji graduates`: a full year end for a township (promotion,
graduation roster, a repeater, a suspended child, a borrowed-out child, a borrowing record,
a child enrolled for the next year), the same year refused twice, the date window, --hold
problems collected in one pass, --dry-run, warnings, and check / renumber-check after."""

from __future__ import annotations

import lifekit
import pytest
from lifekit import refusal as errors_of
from openpyxl import load_workbook
from synthetic import OUTSIDE, VILLAGE_002, make_id

A, B, C, D = (f"0226260010000{n}" for n in (1, 2, 3, 4))  # 001, grade 1 (2026 cohort)
G1, G2 = "02262100100001", "02262100100002"  # 001, grade 6 (2021 cohort)
E, F = "02262600200001", "02262100200001"  # 002: grade 1 and grade 6
H = "02262700100001"  # 001, enrolled in June 2027 for 2027—2028
BORROWER = make_id("2020-03-05", seq=90)
YEAR_END = "2027-07-10"


def _build(directory):
    for n, name in enumerate(("甲", "乙", "丙", "丁")):
        lifekit.enroll_at(directory, name, make_id("2020-03-05", seq=n + 1))
    for n, name in enumerate(("六一", "六二")):
        lifekit.enroll_at(directory, name, make_id(f"2014-10-0{n + 1}", seq=n + 1), grade=6)
    lifekit.enroll_at(directory, "戊", make_id("2020-03-05", seq=7), school="002", region=VILLAGE_002)
    lifekit.enroll_at(directory, "己", make_id("2014-11-11", seq=8), school="002", region=VILLAGE_002,
                      grade=6)
    lifekit.suspend(directory, B)  # 乙: suspended in October
    lifekit.borrow_out(directory, C)  # 丙: studying elsewhere on loan
    lifekit.borrowing_record(directory, "借读生", BORROWER)  # from another county, in 001 grade 1
    # the 2027 intake, registered in June: part of 2027—2028
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XUEJI_TODAY", "2027-06-20")
        lifekit.enroll_at(directory, "庚", make_id("2021-03-05", seq=9), date="2027-06-20")


@pytest.fixture(scope="module")
def year_template(tmp_path_factory, township_template):
    return lifekit.scenario(tmp_path_factory, township_template, _build)


@pytest.fixture
def year(township, year_template, ws_dir, monkeypatch):
    """The township at the end of 2026—2027 (today 2027-07-10)."""
    monkeypatch.setenv("XUEJI_TODAY", YEAR_END)
    return lifekit.use(year_template, ws_dir)


def test_full_year_end(year, xueji, as_json, sql):
    result = xueji("promote", "--year", "2026", "--hold", D, "--reason", "本人及家长申请", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["counts"] == {"promoted": 3, "graduated": 3, "repeating": 1, "kept": 1,
                              "not_ours": 1, "next_year": 1}
    assert [r["local_number"] for r in done["held"]] == [D]
    assert done["held"][0]["why"] == "本人及家长申请"
    assert [r["local_number"] for r in done["kept"]] == [B]
    assert [r["name"] for r in done["not_ours"]] == ["借读生"]
    assert [r["local_number"] for r in done["next_year"]] == [H]
    assert done["kept"][0]["national_number"].count("*") == 8  # masked
    expected = {A: (2, "active"), B: (1, "suspended"), C: (2, "borrowed_out"), D: (1, "active"),
                G1: (6, "graduated"), G2: (6, "graduated"), E: (2, "active"), F: (6, "graduated"),
                H: (1, "active")}
    for number, (grade, status) in expected.items():
        record = lifekit.record_of(sql, number)
        assert (record["grade"], record["status"]) == (grade, status), number
    assert sql("SELECT grade, status FROM student WHERE kind = 'borrowing'") == [(1, "active")]
    rows = sql("SELECT kind, batch, effective_date FROM journal WHERE batch LIKE 'promote-%' ORDER BY id")
    assert sorted(k for k, _, _ in rows) == ["graduate"] * 3 + ["promote"] * 3 + ["repeat"]
    assert {b for _, b, _ in rows} == {"promote-2026-001", "promote-2026-002"}
    assert {d for _, _, d in rows} == {YEAR_END}
    assert xueji("check").exit_code == 0
    assert xueji("renumber-check").exit_code == 0


def test_graduation_roster(year, xueji, as_json, ws_dir):
    done = as_json(xueji("promote", "--year", "2026", "--json"))
    path = ws_dir / "毕业生花名册-2026学年.xlsx"
    assert done["roster"] == str(path) and path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(path)
    assert [ws.title for ws in wb] == ["001 测试镇中心校", "002 测试村小学"]
    ws = wb["001 测试镇中心校"]
    assert ws["A1"].value == "测试镇中心校 2026—2027学年毕业生花名册"
    assert "共 2 人" in ws["A2"].value and YEAR_END in ws["A2"].value
    assert [c.value for c in ws[3]][:7] == ["序号", "学籍号", "全国学籍号", "姓名", "性别", "出生日期", "身份证号"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    assert [r[1] for r in body] == [G1, G2] and [r[3] for r in body] == ["六一", "六二"]
    assert ws["G4"].data_type == "s" and len(ws["G4"].value) == 18  # full ID number, as text
    assert ws["C4"].value == "G" + ws["G4"].value
    assert "盖章" in ws["A7"].value
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"


def test_screen_output(year, xueji):
    result = xueji("promote", "--year", "2026", "--hold", D, "--reason", "家长申请")
    assert result.exit_code == 0, result.stderr
    for text in ("2026—2027学年升级与毕业", "升级", "毕业", "留级", "休学中,保留原年级", "借读生"):
        assert text in result.stdout
    assert "已升级 3 人,毕业 3 人,留级 1 人" in result.stderr
    assert "毕业生花名册(3 人)已保存" in result.stderr


def test_the_same_year_is_refused_twice(year, xueji, as_json, sql):
    assert xueji("promote", "--year", "2026", "--school", "001").exit_code == 0
    before = sql("SELECT count(*) FROM journal")
    result = xueji("promote", "--year", "2026", "--json")
    assert result.exit_code == 1
    [error] = as_json(result)["errors"]
    assert error["rule"] == "CHG-1" and "001" in error["message"] and YEAR_END in error["message"]
    assert "--school" in error["hint"]  # 002 is still to do
    again = xueji("promote", "--year", "2026", "--school", "001")
    assert again.exit_code == 1 and "不能升级两次" in again.stderr
    assert sql("SELECT count(*) FROM journal") == before
    assert xueji("promote", "--year", "2026", "--school", "002").exit_code == 0
    assert xueji("promote", "--year", "2026", "--dry-run").exit_code == 1


def test_dry_run_writes_nothing(year, xueji, as_json, sql, ws_dir):
    before = sql("SELECT count(*) FROM journal")
    result = xueji("promote", "--year", "2026", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["dry_run"] is True and done["roster"] is None and done["counts"]["graduated"] == 3
    assert {"school": "001", "school_name": "测试镇中心校", "grade": 1, "outcome": "promote",
            "to_grade": 2, "count": 3, "borrowed_out": 1} in done["rows"]
    assert sql("SELECT count(*) FROM journal") == before
    assert not list(ws_dir.glob("*.xlsx"))
    assert "检查通过,未写入" in xueji("promote", "--year", "2026", "--dry-run").stderr


@pytest.mark.parametrize("date", ["2027-02-28", "2027-09-02", "2026-07-10"])
def test_date_outside_the_turn_window(year, xueji, as_json, date):
    result = xueji("promote", "--year", "2026", "--date", date, "--json")
    assert result.exit_code == 1
    rules = [e["rule"] for e in as_json(result)["errors"]]
    assert rules[0] == "CHG-1" and set(rules) <= {"CHG-1", "CHG-3", "INPUT"} and len(rules) <= 2


def test_a_future_year_is_refused(year, xueji, as_json):
    result = xueji("promote", "--year", "2027", "--json")
    assert result.exit_code == 1
    [error] = as_json(result)["errors"]
    assert (error["rule"], error["field"]) == ("CHG-1", "date") and "2027—2028学年" in error["message"]


def test_hold_problems_all_at_once(year, xueji, as_json):
    result = xueji("promote", "--year", "2026", "--school", "001",
                   "--hold", B, "--reason", "病",  # suspended: keeps the grade anyway
                   "--hold", BORROWER, "--reason", "x",  # a borrowing record: not ours
                   "--hold", E, "--reason", "x",  # at 002, not in this run
                   "--hold", "02262600109999", "--reason", "x",  # nobody
                   "--hold", A, "--reason", " ",  # no reason
                   "--hold", H, "--reason", "x",  # enrolled for the next year
                   "--json")
    assert result.exit_code == 1
    errors = as_json(result)["errors"]
    assert [e["rule"] for e in errors] == ["SUS-3", "BOR-5", "CHG-1", "INPUT", "CHG-1", "CHG-1"]
    assert all(e["field"] in ("key", "hold", "reason") for e in errors)


def test_hold_and_reason_must_pair(year, xueji, as_json):
    result = xueji("promote", "--year", "2026", "--hold", A, "--json")
    assert result.exit_code == 1
    assert as_json(result)["errors"][0]["field"] == "hold"
    assert xueji("promote", "--year", "2026", "--hold", A).stderr.count("--reason") >= 1


def test_an_entry_after_the_turn_date_refuses(year, xueji, as_json, ws_dir, sql):
    lifekit.append(ws_dir, A, "class_change", {"grade": 1, "class_no": 2}, date="2027-07-15")
    before = sql("SELECT count(*) FROM journal")
    result = xueji("promote", "--year", "2026", "--json")
    assert result.exit_code == 1
    [error] = as_json(result)["errors"]
    assert error["rule"] == "CHG-3" and "2027-07-15" in error["message"]
    assert sql("SELECT count(*) FROM journal") == before  # nothing of the turn was written


def test_repeaters_over_the_class_cap_are_a_warning(year, xueji, as_json, set_setting):
    set_setting("primary = 45", "primary = 2")
    result = xueji("promote", "--year", "2026", "--school", "001", "--hold", D, "--reason", "x",
                   "--json")
    assert result.exit_code == 0, result.stderr
    [warning] = as_json(result)["warnings"]
    assert warning["rule"] == "ENR-5" and "1年级1班" in warning["message"] and "丁" in warning["message"]


def test_previous_year_not_promoted_is_a_warning(year, xueji, as_json, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2028-07-10")
    result = xueji("promote", "--year", "2027", "--school", "002", "--json")
    assert result.exit_code == 0, result.stderr
    [warning] = as_json(result)["warnings"]
    assert warning["rule"] == "CHG-1" and "2026—2027学年" in warning["message"]
    assert "--year 2026" in warning["hint"]


def test_next_year_after_this_one(year, xueji, as_json, sql, monkeypatch):
    assert xueji("promote", "--year", "2026").exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2028-07-10")
    result = xueji("promote", "--year", "2027", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["warnings"] == []
    assert lifekit.record_of(sql, A)["grade"] == 3 and lifekit.record_of(sql, H)["grade"] == 2


def test_junior_school_graduates_its_last_grade(township, xueji, enroll, as_json, sql, monkeypatch):
    area = OUTSIDE[:9]
    assert xueji("school", "add", "--code", "003", "--name", "测试中学", "--type", "junior",
                 "--service-area", area).exit_code == 0
    where = {"school": "003", "hukou_region": OUTSIDE, "guardian_hukou_region": OUTSIDE,
             "residence_region": OUTSIDE}
    assert enroll(name="初三", grade="9", birth="2012-05-05", **where).exit_code == 0
    assert enroll(name="初一", grade="7", birth="2014-05-05", **where).exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", YEAR_END)
    done = as_json(xueji("promote", "--year", "2026", "--school", "003", "--json"))
    assert (done["counts"]["graduated"], done["counts"]["promoted"]) == (1, 1)
    assert sql("SELECT grade, status FROM student ORDER BY grade") == [(8, "active"), (9, "graduated")]


def test_graduates_command_rebuilds_the_roster(year, xueji, as_json, ws_dir, tmp_path, sql):
    assert xueji("promote", "--year", "2026").exit_code == 0
    (graduation,) = sql("SELECT j.id FROM journal j JOIN student s ON s.id = j.student_id "
                        "WHERE s.local_number = ? AND j.kind = 'graduate'", F)[0]
    assert xueji("undo", graduation, "--reason", "尚未修完学业,录入错误").exit_code == 0
    out = tmp_path / "名册.xlsx"
    result = xueji("graduates", "--year", "2026", "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["count"] == 2 and [g["local_number"] for g in document["graduates"]] == [G1, G2]
    assert document["graduates"][0]["id_number"].count("*") == 8
    assert [ws.title for ws in load_workbook(out)] == ["001 测试镇中心校"]
    screen = xueji("graduates", "--year", "2026", "--school", "1")
    assert screen.exit_code == 0 and "六一" in screen.stdout and "已保存" in screen.stderr
    empty = xueji("graduates", "--year", "2025")
    assert empty.exit_code == 0 and "没有毕业记录" in empty.stderr


def test_unknown_school_and_bad_year(year, xueji):
    assert xueji("promote", "--year", "2026", "--school", "009").exit_code == 1
    assert xueji("promote", "--year", "26").exit_code == 1
    assert xueji("promote", "--year", "二〇二六").exit_code == 2  # not a number: usage


def test_repeat_decided_after_the_turn(year, xueji, as_json, sql):
    assert errors_of(xueji("repeat", A, "--reason", "家长申请", "--json"), as_json) == [("CHG-1", "key")]
    assert xueji("promote", "--year", "2026").exit_code == 0
    promote = lifekit.entries(sql, A)[-1][0]
    result = xueji("repeat", A, "--reason", "期末决定留级", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["changed"] == {"grade": {"old": 2, "new": 1}}
    assert (done["entries"][0]["kind"], done["entries"][0]["corrects"]) == ("repeat", promote)
    assert errors_of(xueji("repeat", A, "--reason", "x", "--json"), as_json) == [("CHG-1", "key")]
    undo = xueji("undo", promote, "--reason", "x", "--json")
    assert errors_of(undo, as_json)[0][0] == "CHG-3" and "留级" in as_json(undo)["errors"][0]["message"]
    # a graduate held back: no longer on the roster
    assert xueji("repeat", G1, "--reason", "家长申请复读", "--json").exit_code == 0
    assert lifekit.record_of(sql, G1)["status"] == "active"
    names = [g["name"] for g in as_json(xueji("graduates", "--year", "2026", "--force", "--json"))["graduates"]]
    assert names == ["六二", "己"]
    assert xueji("check").exit_code == 0


def test_a_roster_that_cannot_be_saved(year, xueji, as_json, sql, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = xueji("promote", "--year", "2026", "--roster", blocker / "名册.xlsx")
    assert result.exit_code == 1
    assert "已办理完毕" in result.stderr and "xueji graduates --year 2026" in result.stderr
    assert lifekit.record_of(sql, A)["grade"] == 2  # the turn itself is written
    out = xueji("graduates", "--year", "2026", "--out", blocker / "x.xlsx", "--json")
    assert errors_of(out, as_json) == [("INPUT", "roster")]


def test_check_and_renumber_check_after_all_of_it(year, xueji, as_json, sql, monkeypatch):
    """The year end, then a repeat, a correction of an ID number, a class change undone,
    a withdrawal and an undone enrollment: the projection and the numbers stay clean."""
    assert xueji("promote", "--year", "2026", "--hold", D, "--reason", "家长申请").exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2027-08-28")
    assert xueji("repeat", E, "--reason", "期末决定留级").exit_code == 0
    new_id = make_id("2020-03-07", seq=77)
    assert xueji("correct", A, "--id-number", new_id, "--birth", "2020-03-07",
                 "--evidence", "户口簿").exit_code == 0
    assert xueji("class-change", A, "--class", "2").exit_code == 0
    assert xueji("undo", lifekit.entries(sql, A)[-1][0], "--reason", "调错").exit_code == 0
    assert xueji("withdraw", C, "--reason", "随父母出境定居", "--lawful-basis", "迁教〔2027〕3号").exit_code == 0
    assert xueji("undo", lifekit.entries(sql, H)[0][0], "--reason", "未报到").exit_code == 0
    assert lifekit.record_of(sql, A)["national_number"] == "G" + new_id
    assert lifekit.record_of(sql, H)["status"] == "cancelled"
    assert as_json(xueji("check", "--json"))["ok"] is True
    assert as_json(xueji("renumber-check", "--json"))["ok"] is True
