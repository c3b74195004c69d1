"""`xueji enroll --from` with rosters as the schools send them: the national template
without 现住地行政区划 and 证明材料, a WPS roster without the guardian's household
registration either (the registrar's statement for the batch: --evidence and
--regions-as-hukou), blank rows inside merged cells, the header aliases and class
cells of WPS rosters, and a roster without 年级. Real .xlsx files built in tmp_path."""

from __future__ import annotations

import json

import pytest
import rosters
from synthetic import OUTSIDE, VILLAGE_001, make_id

DAY = ("--date", "2026-09-01")
STATEMENT = ("--evidence", "户口簿", "--evidence", "房产证明", "--regions-as-hukou")


def sheet(path, headers: list[str], rows: list[list], merges=(), title: str | None = None):
    """An .xlsx file: an optional title row merged across, the header, the rows; `merges`
    as openpyxl ranges ("A3:A7")."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def national(tmp_path, n: int = 3, **overrides):
    """A national-template roster as the system gives it (its own columns, 成员1 the
    guardian) with 年级 added: no 现住地行政区划, no 证明材料."""
    headers = ["姓名", "性别", "出生日期", "民族", "身份证件类型", "身份证件号", "户口所在地行政区划",
               "班号", "入学年月", "成员1姓名", "成员1关系", "成员1户口所在地行政区划", "成员1是否监护人",
               "年级"]
    rows = []
    for seq in range(1, n + 1):
        values = {"姓名": f"国模{seq}", "性别": "男", "出生日期": "20200305", "民族": "01-汉族",
                  "身份证件类型": "1-居民身份证", "身份证件号": make_id(seq=seq),
                  "户口所在地行政区划": VILLAGE_001, "班号": "1", "入学年月": "202609",
                  "成员1姓名": f"家长{seq}", "成员1关系": "父亲", "成员1户口所在地行政区划": VILLAGE_001,
                  "成员1是否监护人": "是", "年级": "1"} | overrides
        rows.append([values[h] for h in headers])
    return sheet(tmp_path / "全国模板.xlsx", headers, rows)


WPS_HEADERS = ["序号", "学校", "年级", "班级", "姓名", "性别", "出生日期", "身份证号", "户籍地", "监护人",
               "联系电话"]


def wps(tmp_path, hukou: str = VILLAGE_001, classes=("一年级(1)班",) * 4, blank_at: int | None = None):
    """A WPS roster: title row, 学校/年级/班级 merged down the rows, 户籍地 only (no guardian's
    registration, residence or evidence); a blank row at `blank_at` inside the merges."""
    rows = []
    for seq, class_cell in enumerate(classes, start=1):
        first = seq == 1
        rows.append([seq, "001" if first else None, 1 if first else None,
                     class_cell if first else None, f"王{seq}", "男", "2020-03-05",
                     make_id(seq=seq), hukou, f"家长{seq}", "13800000000"])
    if blank_at is not None:
        rows.insert(blank_at, [None] * len(WPS_HEADERS))
    last = 2 + len(rows)
    return sheet(tmp_path / "花名册.xlsx", WPS_HEADERS, rows,
                 merges=[f"{c}3:{c}{last}" for c in "BCD"], title="测试镇中心校2026级新生")


# -- the statement for the batch (ENR-2, ENR-7) -----------------------------------------------

def test_national_template_without_residence_and_evidence_says_which_options_exist(
        township, xueji, sql, tmp_path):
    """ENR-7/ENR-2: without the statement the roster is refused whole, once, and the
    message names the options that would let it in."""
    result = xueji("enroll", "--from", national(tmp_path), "--school", "001", *DAY)
    assert result.exit_code == 1
    assert "现住地(或用 --regions-as-hukou 声明与户口所在地相同)" in result.stderr
    assert "证明材料(或用 --evidence 登记对整批查验过的材料)" in result.stderr
    assert "监护人户口所在地" not in result.stderr.split("缺少这些列")[1].split("\n")[0]
    assert sql("SELECT count(*) FROM student") == [(0,)]


def test_national_template_enrolled_with_the_statement(township, xueji, sql, as_json,
                                                       tmp_path):
    """ENR-7/ENR-2: --evidence and --regions-as-hukou stand in for the missing columns;
    each journal entry records what the statement gave, and log/student show say it."""
    result = xueji("enroll", "--from", national(tmp_path), "--school", "001", *STATEMENT, *DAY)
    assert result.exit_code == 0, result.stderr
    assert "已导入 3 人" in result.stderr
    assert "按整批声明补填" in result.stderr and "证明材料 3 行" in result.stderr
    assert "现住地 3 行" in result.stderr and "监护人户口所在地 3 行" not in result.stderr
    assert set(sql("SELECT hukou_region, guardian_hukou_region, residence_region FROM person")) \
        == {(VILLAGE_001, VILLAGE_001, VILLAGE_001)}
    for evidence, details in sql("SELECT evidence, details FROM journal"):
        assert json.loads(evidence) == ["户口簿", "房产证明"]
        assert json.loads(details) == {"statement": {"evidence": ["户口簿", "房产证明"],
                                                     "regions_as_hukou": ["residence_region"]}}
    log = xueji("log")
    assert "整批声明:证明材料 户口簿、房产证明;现住地同户口所在地" in log.stdout.replace("\n", "")
    shown = as_json(xueji("student", "show", "02262600100001", "--json"))
    assert shown["history"][0]["statement"]["regions_as_hukou"] == ["residence_region"]
    assert "整批声明" in shown["history"][0]["sets"] and "1年级1班" in shown["history"][0]["sets"]
    assert xueji("check").exit_code == 0


def test_a_rows_own_columns_win_over_the_statement(township, xueji, sql, as_json, tmp_path):
    """ENR-2: a row's own residence is judged as written (two agreements refused when it
    differs); a row's own evidence is kept and its entry carries no statement."""
    rows = [rosters.child(1, 证明材料="户口簿、房产证明、接种证"), rosters.child(2, 证明材料=""),
            rosters.child(3, 现住地=OUTSIDE, 证明材料="")]
    for row in rows:
        row["监护人户口所在地"] = ""
    path = rosters.write(tmp_path / "r.xlsx", rows)
    result = as_json(xueji("enroll", "--from", path, "--school", "001", *STATEMENT, *DAY,
                           "--json"))
    assert [(e["row"], e["rule"]) for e in result["errors"]] == [(4, "ENR-2")]
    result = xueji("enroll", "--from", path, "--school", "001", *STATEMENT, *DAY,
                   "--skip-invalid")
    assert result.exit_code == 1
    (own, own_details), (stated, stated_details) = sql(
        "SELECT evidence, details FROM journal ORDER BY id")
    assert json.loads(own) == ["户口簿", "房产证明", "接种证"]
    assert json.loads(own_details) == {"statement": {"regions_as_hukou": ["guardian_hukou_region"]}}
    assert json.loads(stated) == ["户口簿", "房产证明"]
    assert json.loads(stated_details)["statement"]["evidence"] == ["户口簿", "房产证明"]


def test_with_the_statement_enr2_is_judged_on_the_household_and_the_service_area(
        township, xueji, as_json, tmp_path):
    """ENR-2: a child registered outside the school's service area is still refused."""
    result = as_json(xueji("enroll", "--from", wps(tmp_path, hukou=OUTSIDE), *STATEMENT, *DAY,
                           "--json"))
    assert result["outcome"] == "refused"
    assert {(e["rule"], e["field"]) for e in result["errors"]} == {("ENR-2", "hukou_region")}
    assert result["statement"] == {"evidence": ["户口簿", "房产证明"], "regions_as_hukou": True}


def test_without_the_statement_nothing_is_filled(township, xueji, sql, tmp_path):
    """ENR-7: a row with an empty 证明材料 is still refused when no --evidence is given."""
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, 证明材料="")])
    result = xueji("enroll", "--from", path, "--school", "001", *DAY)
    assert result.exit_code == 1 and "ENR-7" in result.stderr
    assert sql("SELECT count(*) FROM journal") == [(0,)]


def test_the_evidence_hint_names_the_batch_statement_too(township, xueji, tmp_path, as_json):
    """ENR-7 in a roster: the column, or --evidence for the whole batch (the rows whose
    证明材料 is empty) — the two ways the papers shown are recorded."""
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, 证明材料="")])
    result = as_json(xueji("enroll", "--from", path, "--school", "001", *DAY, "--json"))
    [hint] = [e["hint"] for e in result["errors"] if e["rule"] == "ENR-7"]
    assert "「证明材料」列" in hint and "--evidence 户口簿 --evidence 房产证明 对整批声明" in hint


@pytest.mark.parametrize("args", [
    ["--school", "001", "--name", "张三", "--regions-as-hukou"],
])
def test_regions_as_hukou_is_for_rosters_only(township, xueji, args):
    result = xueji("enroll", *args)
    assert result.exit_code == 2 and "只用于 --from" in result.stderr


# -- reading what the schools send -------------------------------------------------------------

def test_wps_roster_with_merged_cells_and_a_blank_row(township, xueji, sql, tmp_path):
    """A blank row inside 学校/年级/班级 merged over it is a blank row, not a child whose
    nine problems refuse the whole school; 户籍地 is the household registration."""
    result = xueji("enroll", "--from", wps(tmp_path, blank_at=2), *STATEMENT, *DAY)
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT p.name, s.grade, s.class_no FROM student s JOIN person p "
               "ON p.id = s.person_id ORDER BY s.id") == [
        ("王1", 1, 1), ("王2", 1, 1), ("王3", 1, 1), ("王4", 1, 1)]
    assert set(sql("SELECT guardian_hukou_region, residence_region FROM person")) == {
        (VILLAGE_001, VILLAGE_001)}


@pytest.mark.parametrize("headers", [("户籍地", "家长户籍地"), ("户籍地址代码", "监护人户籍地")])
def test_header_aliases_of_household_registration(township, xueji, sql, tmp_path, headers):
    rows = [{headers[0] if k == "户口所在地" else headers[1] if k == "监护人户口所在地" else k: v
             for k, v in rosters.child(1).items()}]
    result = xueji("enroll", "--from", rosters.write(tmp_path / "r.xlsx", rows),
                   "--school", "001", *DAY)
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT hukou_region, guardian_hukou_region FROM person") == [
        (VILLAGE_001, VILLAGE_001)]


@pytest.mark.parametrize("cell", ["一年级(1)班", "一年级\uff081\uff09班", "1班", "(1)",
                                  "\uff081\uff09", "(1)班", "1年级1班", "一(1)班"])
def test_class_as_wps_rosters_write_it(township, xueji, sql, tmp_path, cell):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, 班级=cell)])
    result = xueji("enroll", "--from", path, "--school", "001", *DAY)
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT grade, class_no FROM student") == [(1, 1)]


def test_a_class_naming_another_grade_is_a_problem_naming_both(township, xueji, as_json,
                                                               tmp_path):
    rows = [rosters.child(1, 年级=2, 班级="一年级(1)班"), rosters.child(2, 年级="", 班级="一年级(2)班")]
    result = as_json(xueji("enroll", "--from", rosters.write(tmp_path / "r.xlsx", rows),
                           "--school", "001", *DAY, "--dry-run", "--json"))
    [error] = [e for e in result["errors"] if e["rule"] == "INPUT"]
    assert (error["row"], error["field"], error["column"]) == (2, "class", "班级")
    assert "1年级1班" in error["message"] and "年级「2」" in error["message"]
    [second] = [s for s in result["students"] if s["row"] == 3]
    assert (second["grade"], second["class"]) == (1, 2)  # the grade the class names


def test_a_missing_grade_column_is_as_clear_as_a_missing_class(township, xueji, sql, tmp_path):
    """A roster without 年级 no longer puts every child in the first grade unasked."""
    rows = [{k: v for k, v in rosters.child(i).items() if k != "年级"} for i in (1, 2)]
    result = xueji("enroll", "--from", rosters.write(tmp_path / "r.xlsx", rows),
                   "--school", "001", *DAY)
    assert result.exit_code == 1
    assert "表头缺少这些列:年级" in result.stderr
    assert sql("SELECT count(*) FROM student") == [(0,)]


def test_a_blank_grade_is_a_problem_of_its_row(township, xueji, as_json, tmp_path):
    rows = [rosters.child(1), rosters.child(2, 年级="")]
    result = as_json(xueji("enroll", "--from", rosters.write(tmp_path / "r.xlsx", rows),
                           "--school", "001", *DAY, "--json"))
    assert [(e["row"], e["field"], e["message"]) for e in result["errors"]] == [
        (3, "grade", "缺少年级")]


def test_a_statement_that_cannot_be_stored_is_invalid_input(township, xueji, sql, tmp_path):
    """ENR-7: an --evidence word with a control character is refused naming --evidence,
    before anything is read or written (exit 1, not an internal error)."""
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, 证明材料="")])
    result = xueji("enroll", "--from", path, "--school", "001", "--evidence", "户口\x07簿", *DAY)
    assert result.exit_code == 1 and "--evidence" in result.stderr
    assert sql("SELECT count(*) FROM student") == [(0,)]
