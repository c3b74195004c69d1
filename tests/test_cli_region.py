"""`xueji region import/list` and region names: the county's statistical region list
imported all or nothing, names accepted wherever a region code is asked (options and
roster columns; ENR-2 reads the codes they name), ambiguous and unknown names refused
with the candidates, and every printed form and JSON showing the name with the code."""

from __future__ import annotations

import pytest
import rosters
from synthetic import VILLAGE_001

SOUTH = "130283105202"  # 南村村委会 of 测试镇 (school 001's service area)
EAST_001, EAST_OUTSIDE = "130283105203", "130283107203"  # two 东村村委会
REGIONS = [("统计用区划代码", "城乡分类代码", "名称"),
           ("130283000000", "", "迁安市"),
           ("130283105000", "", "测试镇"), ("130283106000", "", "测试乡"),
           ("130283107000", "", "外乡"),
           (VILLAGE_001, "220", "北庄村委会"), (SOUTH, "220", "南村村委会"),
           (EAST_001, "220", "东村村委会"), ("130283106201", "220", "西村村委会"),
           (EAST_OUTSIDE, "220", "东村村委会")]


def write_csv(path, rows=REGIONS, encoding="utf-8-sig"):
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding=encoding)
    return path


def write_xlsx(path, rows=REGIONS):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["某县统计用区划代码表"])
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def regions(township, xueji, tmp_path):
    result = xueji("region", "import", str(write_csv(tmp_path / "区划.csv")))
    assert result.exit_code == 0, result.stderr
    return result


# -- import and list ---------------------------------------------------------------------------

def test_csv_import_then_reimport_changes_nothing(regions, xueji, sql, tmp_path, as_json):
    assert "新增 8 个" in regions.stderr + regions.stdout
    again = as_json(xueji("region", "import", str(write_csv(tmp_path / "区划.csv")), "--json"))
    assert (again["added"], again["renamed"], again["unchanged"]) == (0, 0, 8)
    assert sql("SELECT code, name, level, parent FROM region WHERE code = ?", SOUTH) == [
        (SOUTH, "南村村委会", "village", "130283105")]
    assert sql("SELECT level, parent FROM region WHERE code = '130283105'") == [("township", "130283")]


def test_xlsx_import_under_a_title_row_and_in_gbk_csv(township, xueji, sql, tmp_path, as_json):
    done = as_json(xueji("region", "import", str(write_xlsx(tmp_path / "区划.xlsx")), "--json"))
    assert done["added"] == 8 and done["counties_skipped"] == 1
    renamed = [r if r[0] != SOUTH else (SOUTH, "220", "南庄村委会") for r in REGIONS]
    done = as_json(xueji("region", "import", str(write_csv(tmp_path / "g.csv", renamed, "gb18030")),
                         "--json"))
    assert (done["added"], done["renamed"]) == (0, 1)
    assert sql("SELECT name FROM region WHERE code = ?", SOUTH) == [("南庄村委会",)]


def test_wrong_headers_are_refused_naming_the_columns(township, xueji, tmp_path):
    result = xueji("region", "import", str(write_csv(tmp_path / "x.csv", [("编码", "村名"), ("1", "a")])))
    assert result.exit_code == 1 and "找不到区划代码和名称两列" in result.stderr


def test_every_bad_row_is_listed_and_nothing_is_imported(township, xueji, sql, tmp_path):
    rows = [("区划代码", "名称"), ("130283105000", "测试镇"), ("1302831052", "短码"),
            ("130283105209", ""), ("130283109201", "无乡村委会"), ("130283105208", "甲村"),
            ("130283105208", "乙村")]
    result = xueji("region", "import", str(write_csv(tmp_path / "bad.csv", rows)))
    assert result.exit_code == 1
    for found in ("第3行", "第4行", "第5行", "第7行", "130283109"):
        assert found in result.stderr
    assert sql("SELECT count(*) FROM region") == [(0,)]


def test_list_filters_and_names_counties_from_stdnum(regions, xueji, as_json):
    found = as_json(xueji("region", "list", "东村", "--json"))["regions"]
    assert [(r["code"], r["parent_name"]) for r in found] == [(EAST_001, "测试镇"),
                                                              (EAST_OUTSIDE, "外乡")]
    county = as_json(xueji("region", "list", "迁安", "--json"))["regions"]
    assert [(r["code"], r["level"]) for r in county] == [("130283", "county")]
    assert "南村村委会" in xueji("region", "list").stdout


# -- names in options --------------------------------------------------------------------------

def test_unique_names_are_taken_as_their_codes(regions, enroll, sql, as_json):
    """ENR-2 reads the codes the names stand for: the child is in 001's service area."""
    result = enroll(hukou_region="南村", guardian_hukou_region="测试镇南村村委会",
                    residence_region="南村村委会", json=True)
    assert result.exit_code == 0, result.stderr
    record = as_json(result)
    assert record["hukou_region"] == SOUTH and record["hukou_region_name"] == "南村村委会"
    assert sql("SELECT hukou_region, guardian_hukou_region, residence_region FROM person") == [
        (SOUTH, SOUTH, SOUTH)]


def test_ambiguous_name_lists_the_candidates_with_other_problems(regions, enroll, sql, as_json):
    result = enroll(hukou_region="东村", birth="2026-01-01", json=True)
    assert result.exit_code == 1
    errors = as_json(result)["errors"]
    hukou = [e for e in errors if e["field"] == "hukou_region"]
    assert EAST_001 in hukou[0]["message"] and EAST_OUTSIDE in hukou[0]["message"]
    assert any(e["field"] == "birth" for e in errors)  # every problem at once
    assert sql("SELECT count(*) FROM person") == [(0,)]


def test_unknown_name_is_refused_with_the_nearest(regions, enroll, as_json):
    result = enroll(residence_region="南", json=True)
    assert result.exit_code == 1
    error = [e for e in as_json(result)["errors"] if e["field"] == "residence_region"][0]
    assert "区划表中没有「南」" in error["message"] and SOUTH in error["hint"]


def test_names_without_a_table_say_to_import_one(township, enroll, as_json):
    error = as_json(enroll(hukou_region="南村", json=True))["errors"][0]
    assert error["field"] == "hukou_region" and "region import" in error["hint"]


def test_codes_keep_working_and_service_area_by_name(regions, xueji, enroll, as_json):
    assert enroll().exit_code == 0
    result = xueji("school", "add", "--code", "003", "--name", "外乡小学", "--service-area", "外乡",
                   "--json")
    assert as_json(result)["service_areas"] == ["130283107"]


# -- names in roster columns -------------------------------------------------------------------

def test_roster_names_become_codes_and_bad_names_are_row_problems(regions, xueji, sql, tmp_path,
                                                                   as_json):
    named = {"户口所在地": "南村", "监护人户口所在地": "南村村委会", "现住地": f"南村村委会({SOUTH})"}
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, **named),
                                               rosters.child(2, 户口所在地="东村")])
    refused = xueji("enroll", "--from", str(path), "--school", "001", "--json")
    assert refused.exit_code == 1
    errors = [e for e in as_json(refused)["errors"] if e["field"] == "hukou_region"]
    assert len(errors) == 1 and errors[0]["row"] == 3
    assert EAST_001 in errors[0]["message"] and EAST_OUTSIDE in errors[0]["message"]
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, **named)])
    result = xueji("enroll", "--from", str(path), "--school", "001")
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT hukou_region, guardian_hukou_region, residence_region FROM person") == [
        (SOUTH, SOUTH, SOUTH)]


# -- names on forms and in JSON ----------------------------------------------------------------

def cells(path):
    from openpyxl import load_workbook

    return {str(c.value) for ws in load_workbook(path) for row in ws.iter_rows() for c in row
            if c.value is not None}


def test_card_roster_and_json_show_the_name_with_the_code(regions, xueji, enroll, tmp_path,
                                                          as_json):
    number = as_json(enroll(hukou_region=SOUTH, guardian_hukou_region=SOUTH,
                            residence_region=SOUTH, json=True))["local_number"]
    label = f"南村村委会({SOUTH})"
    assert xueji("student", "card", number, "--xlsx", str(tmp_path / "c.xlsx")).exit_code == 0
    assert label in cells(tmp_path / "c.xlsx")
    assert xueji("report", "roster", "--xlsx", str(tmp_path / "r.xlsx")).exit_code == 0
    assert label in cells(tmp_path / "r.xlsx")
    shown = as_json(xueji("student", "show", number, "--json"))
    assert (shown["hukou_region"], shown["hukou_region_name"]) == (SOUTH, "南村村委会")
    assert (shown["residence_region"], shown["residence_region_name"]) == (SOUTH, "南村村委会")
    card = as_json(xueji("student", "card", number, "--json"))["cards"][0]
    assert (card["hukou_region"], card["hukou_region_name"]) == (SOUTH, "南村村委会")


def test_transfer_certificate_prints_names_and_keeps_codes_in_its_data(regions, xueji, enroll,
                                                                       tmp_path, as_json):
    number = as_json(enroll(hukou_region=SOUTH, guardian_hukou_region=SOUTH,
                            residence_region=SOUTH, json=True))["local_number"]
    applied = xueji("transfer", "out", number, "--to-school", "外乡小学", "--to-region", "外乡东村",
                    "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明",
                    "--date", "2026-09-01", "--json")
    assert applied.exit_code == 0, applied.stderr
    case = as_json(applied)["case_no"]
    assert xueji("transfer", "approve", case, "--level", "school", "--date", "2026-09-01").exit_code == 0
    path = tmp_path / "t.xlsx"
    result = xueji("transfer", "certificate", case, "--xlsx", str(path))
    assert result.exit_code == 0, result.stderr
    found = cells(path)
    assert f"东村村委会({EAST_OUTSIDE})" in found and f"南村村委会({SOUTH})" in found
    assert EAST_OUTSIDE in found  # the data sheet: the code alone


def test_borrowing_by_region_names_shows_them(regions, xueji, tmp_path, as_json):
    """BOR-2 reads the codes: a child registered elsewhere, living in 南村, borrows at 001."""
    assert xueji("school", "set", "001", "--designated-for-borrowing").exit_code == 0
    result = xueji("borrow", "in", "--school", "001", "--name", "刘小燕", "--id-number",
                   "510722201805060623", "--grade", "3", "--origin-school", "芦溪镇中心小学",
                   "--origin-region", "510722", "--hukou-region", "510722106201",
                   "--residence-region", "南村", "--letter", "借字1号", "--evidence", "暂住证",
                   "--evidence", "就业证明", "--evidence", "户口簿", "--approval", "教育科审核",
                   "--date", "2026-09-01", "--json")
    assert result.exit_code == 0, result.stderr
    loan = as_json(result)
    assert (loan["residence_region"], loan["residence_region_name"]) == (SOUTH, "南村村委会")
    assert loan["origin_region_name"] == "三台县"
    path = tmp_path / "b.xlsx"
    assert xueji("borrow", "list", "--xlsx", str(path)).exit_code == 0
    assert "芦溪镇中心小学 三台县(510722)" in cells(path)
