"""`xueji borrow list`: the borrowing register (借读生登记册, BOR-3) on screen, as JSON and as
a printable workbook — read back with openpyxl: sheets, title, headers, rows, evidence
and dates, masked numbers kept as text, A4 landscape set-up."""

from __future__ import annotations

import pytest
from borrowkit import XIAOYAN, borrow_in, host, host_template, masked  # noqa: F401  (fixtures)
from openpyxl import load_workbook
from synthetic import make_id

BOY = make_id("2020-03-05", seq=91)


@pytest.fixture
def register(host, borrow_in, enroll, xueji, monkeypatch):
    """One borrower at 004 (a result noted), one who has gone home, one of our pupils in
    Tianjin; today 2026-09-10."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-10")
    assert borrow_in(date="2026-09-02", until="2027-01-20", guardian_name="刘德明",
                     guardian_phone="10012345678", address="南岭村12号").exit_code == 0
    assert borrow_in(name="马浩然", gender="男", birth="2019-03-15", grade="2", date="2026-09-03").exit_code == 0
    assert xueji("borrow", "end", "JD2026-0002", "--date", "2026-09-09").exit_code == 0
    assert enroll(id_number=BOY, date="2026-09-01").exit_code == 0
    assert xueji("borrow", "out", "02262600100001", "--to", "天津市西青区杨柳青第一小学",
                 "--letter", "中心校借字1号", "--date", "2026-09-07").exit_code == 0
    assert xueji("borrow", "note", "JD2026-0001", "--kind", "成绩", "--text", "开学测验 优").exit_code == 0
    return host


def test_screen_lists_both_directions(register, xueji):
    result = xueji("borrow", "list")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in ("借读生登记册:来本校借读(正在借读,共 1 人)", "JD2026-0001", "刘小燕", "三台县芦溪镇中心小学",
                 "2026-09-02", "2027-01-20(预计)", "外出借读学生", "02262600100001", "天津市西青区杨柳青第一小学",
                 "期末(升级)考试", masked(XIAOYAN)):
        assert text in out
    assert "马浩然" not in out and XIAOYAN not in out


def test_filters(register, xueji, as_json):
    every = as_json(xueji("borrow", "list", "--all", "--json"))
    assert every["scope"] == "all" and every["xlsx"] is None
    assert [x["name"] for x in every["in"]] == ["刘小燕", "马浩然"]
    assert [x["status"] for x in every["in"]] == ["open", "ended"]
    assert [x["name"] for x in every["out"]] == ["张小明"]
    only_in = as_json(xueji("borrow", "list", "--in", "--json"))
    assert set(only_in) == {"ok", "scope", "in", "xlsx"}
    only_out = as_json(xueji("borrow", "list", "--out", "--json"))
    assert set(only_out) == {"ok", "scope", "out", "xlsx"}
    at_001 = as_json(xueji("borrow", "list", "--school", "1", "--json"))
    assert (at_001["in"], [x["name"] for x in at_001["out"]]) == ([], ["张小明"])
    assert "来本校借读:无" in xueji("borrow", "list", "--school", "001").stderr
    unknown = xueji("borrow", "list", "--school", "009")
    assert unknown.exit_code == 1 and "009" in unknown.stderr


def test_json_carries_notes_and_show_id(register, xueji, as_json):
    [loan] = as_json(xueji("borrow", "list", "--in", "--json", "--show-id"))["in"]
    assert loan["id_number"] == XIAOYAN and loan["national_number"] == "G" + XIAOYAN
    assert loan["notes"] == [{"date": "2026-09-10", "category": "results", "category_label": "成绩",
                              "text": "开学测验 优"}]
    assert (loan["guardian_name"], loan["guardian_phone"], loan["address"]) == ("刘德明", "10012345678", "南岭村12号")


def test_workbook(register, xueji, as_json, ws_dir, tmp_path):
    target = tmp_path / "out" / "借读生登记册"
    result = xueji("borrow", "list", "--all", "--xlsx", target, "--json")
    assert result.exit_code == 0, result.stderr
    path = as_json(result)["xlsx"]
    assert path.endswith("借读生登记册.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["来本校借读", "外出借读"]
    ws = wb["来本校借读"]
    assert ws["A1"].value == "测试镇中心校借读生登记册"
    assert "全部借读(含已结束)" in ws["A2"].value and "共 2 人" in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers[:7] == ["序号", "登记号", "姓名", "性别", "出生日期", "全国学籍号", "借读学校"]
    assert "查验的证明材料" in headers and "借读起止日期" in headers and "审核盖章" in headers
    first = {h: c.value for h, c in zip(headers, ws[4])}
    assert (first["序号"], first["登记号"], first["姓名"]) == (1, "JD2026-0001", "刘小燕")
    assert first["全国学籍号"] == "G" + masked(XIAOYAN) and ws.cell(row=4, column=6).data_type == "s"
    assert first["查验的证明材料"] == "暂住证、就业证明、户口簿、借读证明信:芦溪借字〔2026〕15号"
    assert first["借读起止日期"] == "2026-09-02 至 2027-01-20(预计)"
    assert first["监护人及电话"] == "刘德明 10012345678" and first["状态"] == "在本校借读"
    second = {h: c.value for h, c in zip(headers, ws[5])}
    assert second["借读起止日期"] == "2026-09-03 至 2026-09-09" and second["状态"] == "已结束:回原学校"
    assert "填表人" in ws.cell(row=7, column=1).value and "教育科备查" in ws.cell(row=7, column=1).value
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$3:$3" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[4].height > 20  # the evidence wraps: the row is tall enough
    out = wb["外出借读"]
    out_headers = [c.value for c in out[3]]
    row = {h: c.value for h, c in zip(out_headers, out[4])}
    assert (row["学籍号"], row["借读学校"], row["借读证明信"], row["回原校参加考试"]) == (
        "02262600100001", "天津市西青区杨柳青第一小学", "中心校借字1号", "期末(升级)考试")
    assert out.cell(row=4, column=6).data_type == "s"  # the local number stays text


def test_workbook_for_one_direction_and_empty(host, xueji, tmp_path):
    result = xueji("borrow", "list", "--out", "--xlsx", tmp_path / "out.xlsx")
    assert result.exit_code == 0 and "已写出借读生登记册" in result.stderr
    wb = load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames == ["外出借读"]
    ws = wb.active
    assert ws["A4"].value == "(无)" and "共 0 人" in ws["A2"].value


def test_workbook_reveals_ids_only_when_asked(register, xueji, tmp_path):
    assert xueji("borrow", "list", "--in", "--xlsx", tmp_path / "a.xlsx", "--show-id").exit_code == 0
    assert load_workbook(tmp_path / "a.xlsx").active["F4"].value == "G" + XIAOYAN
    assert (tmp_path / "a.xlsx").stat().st_mode & 0o777 == 0o600
