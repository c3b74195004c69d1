"""Reading the schools' rosters (excel/reader.py, excel/columns.py): every
header alias and value form, the shapes real files take, and each broken file turned
into one clear message (exit 1) through `xueji enroll --from`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import rosters
from synthetic import VILLAGE_001, full_width, id_with_x, make_id

from xueji_cli.excel import columns as rc
from xueji_cli.records.enrollment import intake

DATA = Path(__file__).parent / "data"


def applicants(path: Path, school: str | None = "001"):
    return [row.applicant for row in intake.read([path], school).rows]


def only(path: Path, school: str | None = "001"):
    [applicant] = applicants(path, school)
    return applicant


# -- headers --------------------------------------------------------------------------------

def test_every_alias_of_every_column_is_recognised():
    for column in rc.columns():
        for alias in column.aliases:
            assert rc.find(alias) is column, alias


def test_national_template_headers_are_all_read():
    spec = rc.template()
    headers = [c["header"] for c in spec["column"] + spec["local"]]
    headers += [f"成员{n}{m['header']}" for n in rc.MEMBERS for m in spec["member"]]
    assert len(headers) == len(set(headers)) == 46 + 24 + 5
    assert all(rc.find(h) is not None for h in headers)


@pytest.mark.parametrize("written, key", [
    ("身份证件号", "id_number"), ("公民身份号码", "id_number"), ("身份证号码", "id_number"),
    ("*身份证号", "id_number"), ("出生日期(YYYYMMDD)", "birth"), ("出生日期\n(年月日)", "birth"),
    ("班 级", "class_no"), ("户口所在地行政区划", "hukou_region"), ("学生姓名", "name"),
    ("家庭成员1姓名", "member1.name"), ("成员2是否监护人", "member2.is_guardian"),
    ("ＩＤ", None), ("身份證號", None),
])
def test_header_forms(written, key):
    found = rc.find(written)
    assert (found.key if found else None) == key


def test_any_column_order_and_unknown_columns_noted(tmp_path):
    row = rosters.child(1)
    headers = list(reversed(list(row))) + ["家长单位"]
    batch = intake.read([rosters.write(tmp_path / "r.xlsx", [row], headers=headers)], "001")
    assert batch.rows[0].applicant.id_number == row["身份证号"]
    assert any("家长单位" in note for note in batch.notes)


# -- shapes of real files -------------------------------------------------------------------

def test_title_rows_blank_rows_template_rows_and_notes(tmp_path):
    rows = [rosters.child(i) for i in (1, 2, 3)]
    empty = {h: "" for h in rows[0]} | {"序号": 4}  # a template's pre-numbered empty row
    path = rosters.write(tmp_path / "r.xlsx", rows + [empty], blank_after={0},
                         title_rows=["示范镇东村小学2026年新生花名册", "填报日期:2026年8月25日"],
                         notes=["备注:以上共3人", "填表人:王老师  审核人:李校长"])
    batch = intake.read([path], "001")
    assert [r.number for r in batch.rows] == [4, 6, 7]  # Excel's row numbers
    assert batch.sheets[0].header_row == 3
    assert any("表尾说明" in note for note in batch.notes)


def _with_class_merged(path: Path, rows: list[dict], first: int, last: int,
                       footer: str | None = None) -> Path:
    """A roster whose 班级 cells of sheet rows first–last are one merged cell, and a
    footer note below the data merged across the sheet."""
    from openpyxl import Workbook

    headers, values = rosters.as_lists(rows)
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in values:
        ws.append(row)
    column = headers.index("班级") + 1
    ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    if footer:
        ws.append([footer])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                       end_column=len(headers))
    wb.save(path)
    return path


def test_merged_cells_are_filled_down(tmp_path):
    rows = [rosters.child(i, 班级=2 if i == 1 else "") for i in (1, 2, 3)]
    path = _with_class_merged(tmp_path / "r.xlsx", rows, 2, 4)
    assert [a.class_no for a in applicants(path)] == [2, 2, 2]


def test_two_level_header_with_family_member_groups(tmp_path):
    from openpyxl import Workbook

    row = rosters.child(1)
    wb = Workbook()
    ws = wb.active
    headers = [h for h in row if h not in ("监护人", "监护人户口所在地")]
    ws.append(headers + ["家庭成员1", "", ""])
    ws.append([""] * len(headers) + ["姓名", "户口所在地行政区划", "是否监护人"])
    for col in range(1, len(headers) + 1):
        ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    ws.merge_cells(start_row=1, start_column=len(headers) + 1, end_row=1,
                   end_column=len(headers) + 3)
    ws.append([row[h] for h in headers] + ["王大明", VILLAGE_001, "是"])
    wb.save(tmp_path / "r.xlsx")
    applicant = only(tmp_path / "r.xlsx")
    assert (applicant.guardian_name, applicant.guardian_hukou_region) == ("王大明", VILLAGE_001)
    assert applicant.details["guardian_member"] == 1


@pytest.mark.parametrize("writer", [rosters.write_xls, rosters.write_ods], ids=["xls", "ods"])
def test_xls_and_ods(tmp_path, writer):
    rows = [rosters.child(1, 出生日期=dt.date(2020, 3, 5)), rosters.child(2)]
    suffix = ".xls" if writer is rosters.write_xls else ".ods"
    found = applicants(writer(tmp_path / f"r{suffix}", rows))
    assert [a.id_number for a in found] == [r["身份证号"] for r in rows]
    assert found[0].birth == dt.date(2020, 3, 5) and found[0].class_no == 1


def test_xlsx_named_xls_is_read_for_what_it_is(tmp_path):
    row = rosters.child(1)
    renamed = rosters.write(tmp_path / "r.xlsx", [row]).rename(tmp_path / "r.xls")
    assert only(renamed).name == row["姓名"]


# -- value forms ----------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [dt.date(2020, 3, 5), dt.datetime(2020, 3, 5), "2020-03-05",
                                  "2020/3/5", "20200305", "2020年3月5日", 20200305, "２０２０-０３-０５"])
def test_date_forms(tmp_path, cell):
    assert only(rosters.write(tmp_path / "r.xlsx", [rosters.child(1, 出生日期=cell)])).birth \
        == dt.date(2020, 3, 5)


@pytest.mark.parametrize("header, cell, field, expected", [
    ("民族", "01", "ethnicity", "01"), ("民族", "汉族", "ethnicity", "01"),
    ("民族", "01-汉族", "ethnicity", "01"), ("民族", 1, "ethnicity", "01"),
    ("民族", "回", "ethnicity", "03"), ("性别", "1", "gender", "1"), ("性别", "1-男", "gender", "1"),
    ("班级", "1班", "class_no", 1), ("班级", "(1)班", "class_no", 1), ("年级", "一年级", "grade", 1),
])
def test_code_label_and_both(tmp_path, header, cell, field, expected):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1, **{header: cell})])
    assert getattr(only(path), field) == expected


def test_id_number_forms(tmp_path):
    with_x = id_with_x("2020-03-05")
    plain = make_id("2020-03-05", seq=7)
    rows = [rosters.child(1, 身份证号=with_x[:-1] + "x"), rosters.child(2, 身份证号=full_width(plain)),
            rosters.child(3, 身份证号=f"{plain[:6]} {plain[6:14]} {plain[14:]}")]
    found = applicants(rosters.write(tmp_path / "r.xlsx", rows))
    assert [a.id_number for a in found] == [with_x, plain, plain]


def test_national_template_values_go_to_details(tmp_path):
    row = rosters.child(1, 健康状况="健康", 户口性质="1-农业户口", 是否独生子女="否", 学生来源="1",
                        出生地行政区划代码=VILLAGE_001, 入学年月="202609", 血型="A")
    applicant = only(rosters.write(tmp_path / "r.xlsx", [row]))
    assert applicant.details == {"health": "1", "hukou_nature": "1", "only_child": "0",
                                 "birthplace_region": VILLAGE_001, "blood_type": "A"}
    # 学生来源 1 正常入学 is what enrolling means; 2 借读 is not enrolled as a new student
    borrowing = only(rosters.write(tmp_path / "b.xlsx", [rosters.child(2, 学生来源="借读")]))
    assert [(p.rule, p.field) for p in borrowing.problems] == [("BOR-3", "details.source")]


def test_the_guardian_is_chosen_among_the_family_members(tmp_path):
    """The member marked 是否监护人 = 是 is the guardian, else 成员1 unless marked 否; its
    name, household registration and phone fill the guardian's fields the row leaves
    empty, and the rest of each member is kept in details."""
    plain = {k: v for k, v in rosters.child(1).items() if k not in ("监护人", "监护人户口所在地")}
    other = VILLAGE_001[:-1] + "9"

    def members(**cells):
        return plain | {"成员1姓名": "", "成员1关系": "", "成员1户口所在地行政区划": "",
                        "成员1联系电话": "", "成员1是否监护人": "", "成员2姓名": "",
                        "成员2户口所在地行政区划": "", "成员2是否监护人": ""} | cells

    rows = [members(成员1姓名="父", 成员1关系="父亲", 成员1户口所在地行政区划=VILLAGE_001,
                    成员1联系电话="13900000001"),
            members(成员1姓名="父", 成员2姓名="母", 成员2户口所在地行政区划=other,
                    成员2是否监护人="是"),
            members(成员1姓名="父", 成员1是否监护人="否", 成员2姓名="母"),
            members(成员2姓名="母"),
            members(成员1姓名="父", 成员1户口所在地行政区划="12x")]
    first, second, neither, only_second, unreadable = applicants(
        rosters.write(tmp_path / "r.xlsx", rows))
    assert (first.guardian_name, first.guardian_hukou_region, first.guardian_phone) == (
        "父", VILLAGE_001, "13900000001")
    assert first.details["guardian_member"] == 1 and first.details["member1"] == {"relation": "父亲"}
    assert (second.guardian_name, second.guardian_hukou_region) == ("母", other)
    assert second.details["guardian_member"] == 2 and second.details["member1"] == {"name": "父"}
    assert "member2" not in second.details  # all of it became the guardian's fields
    assert neither.guardian_name is None and "guardian_member" not in neither.details
    assert neither.details["member1"] == {"name": "父", "is_guardian": "0"}
    assert only_second.guardian_name is None and only_second.details["member2"] == {"name": "母"}
    assert unreadable.guardian_name == "父" and unreadable.guardian_hukou_region == ""
    assert [(p.rule, p.field) for p in unreadable.problems] == [
        ("INPUT", "member1.hukou_region")]


def test_a_row_of_its_own_guardian_keeps_it_over_the_members(tmp_path):
    row = rosters.child(1, 成员1姓名="父", 成员1是否监护人="是", 学生来源="借读", 班级="")
    applicant = only(rosters.write(tmp_path / "r.xlsx", [row]))
    assert applicant.guardian_name == row["监护人"]
    assert applicant.details == {"guardian_member": 1, "member1": {"name": "父"}}
    assert [(p.rule, p.field) for p in applicant.problems] == [
        ("BOR-3", "details.source"), ("INPUT", "class")]


# -- broken files: one clear message each, exit 1 -----------------------------------------------

def refused(xueji, path, *extra):
    result = xueji("enroll", "--from", path, "--school", "001", *extra)
    assert result.exit_code == 1, result.stderr
    assert "内部错误" not in result.stderr and result.stdout == ""
    return result.stderr


def test_wrong_headers_list_what_was_expected(township, xueji, tmp_path):
    path = rosters.write(tmp_path / "r.xlsx", [{"编号": 1, "学生": "张三", "生日": "2020-01-01"}])
    message = refused(xueji, path)
    assert "找不到花名册的表头" in message and "身份证号" in message and "户口所在地" in message


def test_missing_required_columns_are_named(township, xueji, tmp_path):
    row = {k: v for k, v in rosters.child(1).items() if k not in ("现住地", "证明材料")}
    message = refused(xueji, rosters.write(tmp_path / "r.xlsx", [row]))
    assert "缺少这些列" in message and "现住地" in message and "证明材料" in message
    assert "已识别的列" in message


def test_two_columns_for_one_field(township, xueji, tmp_path):
    row = rosters.child(1) | {"公民身份号码": make_id(seq=2)}
    assert "两列都是" in refused(xueji, rosters.write(tmp_path / "r.xlsx", [row]))


def test_empty_sheet(township, xueji, tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "empty.xlsx")
    assert "是空的" in refused(xueji, tmp_path / "empty.xlsx")


def test_header_without_rows(township, xueji, tmp_path):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1)])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.delete_rows(2)
    wb.save(path)
    assert "没有学生" in refused(xueji, path)


@pytest.mark.parametrize("name, content, words", [
    ("text.xlsx", "姓名,性别\n张三,男\n".encode(), "文本文件"),
    ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
    ("zero.xlsx", b"", "空的"),
    ("noise.xlsx", bytes(range(256)) * 4, "不是 Excel"),
])
def test_files_that_are_not_spreadsheets(township, xueji, tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    message = refused(xueji, tmp_path / name)
    assert words in message and "另存为" in message or words in message


def test_password_protected_workbook(township, xueji):
    message = refused(xueji, DATA / "password-1234.xlsx")
    assert "密码" in message and "删除密码" in message


def test_missing_file_and_wrong_sheet(township, xueji, tmp_path):
    assert "找不到文件" in refused(xueji, tmp_path / "nope.xlsx")
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1)])
    message = refused(xueji, path, "--sheet", "二班")
    assert "没有名为「二班」的工作表" in message and "花名册" in message


def test_id_number_stored_as_excel_number(township, xueji, as_json, tmp_path):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1), rosters.child(2)], id_as_number=True)
    result = xueji("enroll", "--from", path, "--school", "001", "--json")
    assert result.exit_code == 1
    errors = as_json(result)["errors"]
    assert {(e["rule"], e["field"], e["row"]) for e in errors} == {
        ("INPUT", "id_number", 2), ("INPUT", "id_number", 3)}
    assert "后几位已经丢失" in errors[0]["message"] and "文本" in errors[0]["hint"]
    assert errors[0]["column"] == "身份证号"


def test_a_sheet_without_a_header_is_skipped_among_others(tmp_path):
    from openpyxl import Workbook

    row = rosters.child(1)
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["请按模板填写,身份证号列设为文本格式。"])
    data = wb.create_sheet("一班")
    data.append(list(row))
    data.append(list(row.values()))
    wb.save(tmp_path / "r.xlsx")
    batch = intake.read([tmp_path / "r.xlsx"], "001")
    assert len(batch.rows) == 1 and any("填表说明" in n for n in batch.notes)


@pytest.mark.parametrize("cell", ["G130283202003051230", "g130283202003051230",
                                  " G1302832020030512 30 ", "Ｇ130283202003051230",
                                  "J13028320200305123X", "L130283202003051230", "G13028320200305123x",
                                  "X130283202003051230", 130283202003051230.0])
def test_national_number_cells_read_as_the_normaliser_gives(cell):
    """NUM-5: a 全国学籍号 cell already plain is taken as it is, any other normalised —
    the same text either way (full-width, lower case, spaces, a number cell)."""
    from xueji_cli.values import fields

    assert rc.national_number(cell) == fields.normalise_national_number(rc.cell_text(cell))


def test_a_merge_down_below_the_first_row_and_a_merged_footer(tmp_path):
    """A class merged down from the second child's row is filled from its own top cell,
    not from the first row's; a note below the data merged across the sheet ends it."""
    rows = [rosters.child(i, 班级=1 if i == 1 else 3 if i == 2 else "") for i in (1, 2, 3, 4)]
    path = _with_class_merged(tmp_path / "r.xlsx", rows, 3, 5, footer="以上共4人")
    assert [a.class_no for a in applicants(path)] == [1, 3, 3, 3]
