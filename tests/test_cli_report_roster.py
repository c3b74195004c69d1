"""`xueji report roster`: the numbered roster on screen, in --json and as a printable
workbook (plain and national template), and the round trip: a roster exported from one
directory imports into a fresh one and yields the same students."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import rosters
from synthetic import VILLAGE_002, make_id


def enroll_roster(xueji, tmp_path, rows, name="in.xlsx", *extra):
    result = xueji("enroll", "--from", rosters.write(tmp_path / name, rows), *extra)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def enrolled(township, xueji, tmp_path):
    """Five children of 001 (two classes) with national-template details, one of 002."""
    rows = [rosters.child(i, 学校代码="001", 班级=1 + i % 2, 健康状况="健康", 户口性质="农业户口",
                          成员1姓名=f"家长{i}", 成员1关系="父亲", 成员1是否监护人="是",
                          成员2姓名=f"母亲{i}", 成员2关系="母亲", 成员2联系电话="10012345678")
            for i in range(1, 6)]
    for row in rows:
        row.pop("监护人")
    rows.append(rosters.child(6, 学校代码="002", 户口所在地=VILLAGE_002, 监护人户口所在地=VILLAGE_002,
                              现住地=VILLAGE_002) | {k: "" for k in rows[0] if k.startswith("成员")})
    rows[-1]["成员1姓名"] = "家长6"
    rows[-1].pop("监护人")
    enroll_roster(xueji, tmp_path, rows)
    return rows


def people(sql):
    return sql("SELECT p.name, p.gender, p.birth_date, p.id_type, p.id_number, p.ethnicity, "
               "p.hukou_region, p.guardian_name, p.guardian_hukou_region, p.residence_region, "
               "p.details, sc.code, s.grade, s.class_no, s.national_number, s.local_number, "
               "s.status FROM student s JOIN person p ON p.id = s.person_id "
               "JOIN school sc ON sc.id = s.school_id ORDER BY p.id_number")


def test_screen_listing_masks_ids(enrolled, xueji):
    result = xueji("report", "roster", "--school", "001")
    assert result.exit_code == 0, result.stderr
    assert "花名册:001 测试镇中心校" in result.stdout and "共 5 人" in result.stdout
    assert enrolled[0]["身份证号"] not in result.stdout
    lines = [line for line in result.stdout.splitlines() if "022626001" in line]
    assert [line.split()[1] for line in lines] == [  # class 1 first, then class 2
        "02262600100001", "02262600100002", "02262600100003", "02262600100004",
        "02262600100005"]


def test_json_and_filters(enrolled, xueji, as_json):
    document = as_json(xueji("report", "roster", "--grade", "1", "--class", "2", "--json"))
    assert document["count"] == 3  # 001 class 2 (children 1, 3, 5) … and 002 has class 1
    assert document["columns"][:3] == ["序号", "学籍号", "姓名"]
    assert all("*" in row[document["columns"].index("身份证号")] for row in document["rows"])
    shown = as_json(xueji("report", "roster", "--school", "002", "--json", "--show-id"))
    assert shown["rows"][0][shown["columns"].index("身份证号")] == enrolled[5]["身份证号"]


def test_bad_filters_are_clear(township, xueji):
    assert xueji("report", "roster", "--school", "009").exit_code == 1
    result = xueji("report", "roster", "--template", "province")
    assert result.exit_code == 1 and "national" in result.stderr
    assert xueji("report", "roster", "--grade", "十三").exit_code == 1


def test_workbook_is_printable_with_text_ids(enrolled, xueji, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "roster.xlsx"
    result = xueji("report", "roster", "--xlsx", out)
    assert result.exit_code == 0 and "6 人" in result.stderr
    wb = load_workbook(out)
    ws = wb.active
    assert ws["A1"].value.startswith("花名册") and "A1:U1" in {str(r) for r in ws.merged_cells.ranges}
    headers = [c.value for c in ws[2]]
    assert headers[:4] == ["序号", "学籍号", "姓名", "性别"]
    for column in ("学籍号", "身份证号", "全国学籍号"):
        cell = ws.cell(row=3, column=headers.index(column) + 1)
        assert cell.data_type == "s" and cell.number_format == "@", column
    for column in ("户口所在地", "现住地"):  # digits, but as strings
        assert ws.cell(row=3, column=headers.index(column) + 1).data_type in ("s", "inlineStr")
    ids = [ws.cell(row=r, column=headers.index("身份证号") + 1).value for r in range(3, 9)]
    assert sorted(ids) == sorted(r["身份证号"] for r in enrolled)  # full numbers in the file
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.column_dimensions["H"].width >= 18  # 身份证号
    assert (out.stat().st_mode & 0o777) == 0o600


def test_national_template_columns(enrolled, xueji, tmp_path):
    out = tmp_path / "national.xlsx"
    assert xueji("report", "roster", "--template", "national", "--xlsx", out,
                 "--school", "001").exit_code == 0
    rows = rosters.read_back(out)
    headers = rows[0]  # row 1: the national system's import expects no title above it
    assert headers[:4] == ["学校标识码", "姓名", "性别", "出生日期"]
    assert headers[-5:] == ["学籍号", "全国学籍号", "年级", "现住地行政区划", "证明材料"]
    assert len(headers) == 46 + 24 + 5
    first = dict(zip(headers, rows[1]))
    assert first["出生日期"] == "20200305" and first["民族"] == "汉族"
    assert first["健康状况"] == "健康或良好" and first["户口性质"] == "农业户口"
    assert first["成员1姓名"] == "家长2" and first["成员1是否监护人"] == "是"
    assert first["成员2姓名"] == "母亲2" and first["成员2联系电话"] == "10012345678"
    assert first["入学年月"] == "202609" and first["学生来源"] == "正常入学"
    assert first["学籍号"] == "02262600100001"


@pytest.mark.parametrize("template", ["plain", "national"])
def test_round_trip_into_a_fresh_directory(enrolled, xueji, xueji_at, sql, tmp_path,
                                           township_template, template):
    out = tmp_path / f"{template}.xlsx"
    assert xueji("report", "roster", "--template", template, "--xlsx", out).exit_code == 0
    before = people(sql)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for name in ("xueji.toml", "xueji.db"):
        shutil.copy(township_template / name, fresh / name)
    result = xueji_at(fresh, "enroll", "--from", out, "--date", "2026-09-01")
    assert result.exit_code == 0, result.stderr
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(fresh / "xueji.db")) as conn:
        after = conn.execute(
            "SELECT p.name, p.gender, p.birth_date, p.id_type, p.id_number, p.ethnicity, "
            "p.hukou_region, p.guardian_name, p.guardian_hukou_region, p.residence_region, "
            "p.details, sc.code, s.grade, s.class_no, s.national_number, s.local_number, "
            "s.status FROM student s JOIN person p ON p.id = s.person_id "
            "JOIN school sc ON sc.id = s.school_id ORDER BY p.id_number").fetchall()
    if template == "plain":  # the plain roster has no columns for the template's details
        before = [row[:10] + row[11:] for row in before]
        after = [row[:10] + row[11:] for row in after]
    assert after == before
    # and the round trip is idempotent: the same file again enrolls nobody
    again = xueji_at(fresh, "enroll", "--from", out, "--date", "2026-09-01")
    assert again.exit_code == 0 and "已在籍 6 人" in again.stderr


def test_one_student_enrollments_export_and_import_too(township, enroll, xueji, xueji_at,
                                                        tmp_path, township_template):
    assert enroll(id_number=make_id(seq=5), guardian_name="张大明", guardian_phone="10011112222",
                  underage_commitment=None).exit_code == 0
    out = tmp_path / "r.xlsx"
    assert xueji("report", "roster", "--template", "national", "--xlsx", out).exit_code == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for name in ("xueji.toml", "xueji.db"):
        shutil.copy(township_template / name, fresh / name)
    result = xueji_at(fresh, "enroll", "--from", out)
    assert result.exit_code == 0, result.stderr
    assert "已导入 1 人" in result.stderr


def test_a_workbook_that_cannot_be_written_is_a_clear_refusal(enrolled, xueji, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = xueji("report", "roster", "--xlsx", blocker / "花名册.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    assert "[文件] 无法保存" in result.stderr and "→" in result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr


def test_national_school_identifier_fills_the_first_column(enrolled, xueji, tmp_path, as_json):
    """The national import needs 学校标识码: set once per school (10 digits, checked)."""
    bad = xueji("school", "set", "001", "--national-id", "12345")
    assert bad.exit_code == 1 and "10位数字" in bad.stderr
    assert xueji("school", "set", "001", "--national-id", "3113012345").exit_code == 0
    out = tmp_path / "national.xlsx"
    assert xueji("report", "roster", "--template", "national", "--xlsx", out).exit_code == 0
    rows = rosters.read_back(out)
    by_school = {row[rows[0].index("学籍号")][6:9]: row[0] for row in rows[1:]}
    assert by_school == {"001": "3113012345", "002": None}  # none set: left empty


def test_national_school_identifier_is_kept_with_the_school(township, xueji, as_json):
    """学校标识码 is the school's own, in the database (a county database shares it), set
    at `school add` too, and listed with the school."""
    assert xueji("school", "add", "--code", "009", "--name", "北山小学",
                 "--national-id", "311301234").exit_code == 1  # nine digits: refused
    added = as_json(xueji("school", "add", "--code", "009", "--name", "北山小学",
                          "--national-id", "3113019999", "--json"))
    assert added["national_id"] == "3113019999"
    assert not (township / "school_ids.toml").exists()
    listed = {s["code"]: s["national_id"]
              for s in as_json(xueji("school", "list", "--json"))["schools"]}
    assert listed["009"] == "3113019999" and listed["001"] is None
    with sqlite3.connect(township / "xueji.db") as conn:
        assert conn.execute("SELECT national_id FROM school WHERE code = '009'").fetchone() == (
            "3113019999",)
