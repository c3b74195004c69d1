"""The printable forms read back with openpyxl: the monthly report (title, totals that
add up, the change list with masked IDs, the chart), the stamp list and check sheet
(REP-2, REP-3) and the student registration form (REP-5)."""

from __future__ import annotations

import pytest
from journalkit import kit  # noqa: F401  (the fixture)
from openpyxl import load_workbook


@pytest.fixture
def october(kit):
    """Two schools with a few changes in October 2026."""
    a = kit.enroll("001", "2026-09-01", grade=2, name="王小明")
    kit.enroll("001", "2026-09-01", grade=3)
    kit.enroll("001", "2026-10-08", grade=1)
    b = kit.enroll("002", "2026-09-01", grade=1)
    kit.change(a, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    kit.change(b, "transfer_out", "2026-10-15", status="transferred_out", to_school="外县小学")
    kit.arrive("002", "transfer_in", "2026-10-16", grade=3, evidence=["转学证明"])
    return kit


def values(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_monthly_workbook(october, xueji, tmp_path):
    path = tmp_path / "月报.xlsx"
    result = xueji("report", "monthly", "--month", "2026-10", "--xlsx", path)
    assert result.exit_code == 0, result.stderr
    assert "已写入" in result.stderr and path.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(path)
    assert wb.sheetnames == ["月报表", "变动名单", "增减图"]
    ws = wb["月报表"]
    assert ws["A1"].value == "测试镇学籍变动情况月报(2026年10月)"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$4:$5" and ws.sheet_properties.pageSetUpPr.fitToPage
    cells = values(ws)
    text = "".join(str(v) for row in cells for v in row if v is not None)
    assert "填表人" in text and "负责人" in text and "单位:人" in text and "填报日期" in text
    headers = cells[4]
    col = {name: i for i, name in enumerate(headers) if name}
    body = [r for r in cells[5:] if r[0] and (str(r[0])[:3].isdigit() or r[0] == "全镇合计")]
    grade_rows = [r for r in body if isinstance(r[1], int)]
    subtotals = [r for r in body if r[1] == "小计"]
    total = [r for r in body if r[0] == "全镇合计"][0]
    opening, closing = cells[3].index("期初\n在籍"), cells[3].index("期末\n在籍")
    for row in grade_rows + subtotals + [total]:
        increase = row[col["新生入学"]] + row[col["转入"]] + row[col["新生入学"] + 2]
        assert row[col["新生入学"] + 3] == increase  # 小计 of the increases
        decrease = sum(row[col["转出"] + i] for i in range(5))
        assert row[col["转出"] + 5] == decrease
        assert row[opening] + increase - decrease == row[closing]
    for c in range(2, len(headers)):  # the township total is the sum of the schools
        assert total[c] == sum(r[c] for r in subtotals)
        for school in ("001", "002"):
            assert sum(r[c] for r in grade_rows if r[0].startswith(school)) == \
                [r for r in subtotals if r[0].startswith(school)][0][c]
    assert total[closing] == 4 and total[col["本月休学"]] == 1 and total[cells[3].index("期末\n在校")] == 3

    changes = values(wb["变动名单"])
    assert changes[1][:3] == ["序号", "日期", "学校"]
    names = [r[6] for r in changes[2:]]
    assert "王小明" in names
    national = [r[7] for r in changes[2:] if r[7]]
    assert national and all("*" in n for n in national)
    assert wb["变动名单"]["F3"].data_type == "s"  # numbers are text

    chart_sheet = wb["增减图"]
    assert len(chart_sheet._charts) == 1
    assert values(chart_sheet)[1][:3] == ["学校", "增加", "减少"]


def test_verify_stamp_list_and_check_sheet(october, xueji, as_json, tmp_path):
    october.enroll("001", "2026-09-01", grade=1, name="一年级新生")
    path = tmp_path / "验章.xlsx"
    result = xueji("report", "verify", "--year", "2026", "--xlsx", path, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["as_of"] == "2026-09-30"
    schools = {s["school"]: s for s in document["schools"]}
    # The grade-2 and grade-3 pupils recorded in September are on the list, not new (REP-3).
    assert schools["001"]["register"] == 3 and schools["001"]["new_intake"] == 1
    assert [s["name"] for s in schools["001"]["students"] if s["new"]] == ["一年级新生"]
    assert schools["002"]["register"] == 1
    wb = load_workbook(path)
    assert wb.sheetnames == ["学籍核对表", "验章名册001", "验章名册002"]
    check = values(wb["学籍核对表"])
    header = check[2]
    assert "实到人数" in header and "应到人数" in header
    present = header.index("实到人数")
    assert all(row[present] in ("", None) for row in check[3:-1])
    stamp = values(wb["验章名册001"])
    assert stamp[2][-1] == "验章" and any("新生" in (r[9] or "") for r in stamp[3:])
    assert all("*" in (r[6] or "*") for r in stamp[3:])


def test_verify_on_screen_defaults_to_this_school_year(october, xueji):
    result = xueji("report", "verify")
    assert result.exit_code == 0, result.stderr
    assert "2026年学籍验章名册" in result.stdout and "学籍核对表" in result.stdout


def test_verify_refuses_a_strange_year(kit, xueji):
    result = xueji("report", "verify", "--year", "1926")
    assert result.exit_code == 1 and "验章年份" in result.stderr
    # what is wrong and what would pass (today is 2026-11-02 in the kit)
    assert "应在 1990 至 2027 之间" in result.stderr and "--year 2026" in result.stderr


def test_student_card_one_page(october, xueji, tmp_path, sql):
    number = sql("SELECT local_number FROM student s JOIN person p ON p.id = s.person_id"
                 " WHERE p.name = '王小明'")[0][0]
    path = tmp_path / "card.xlsx"
    result = xueji("student", "card", number, "--xlsx", path)
    assert result.exit_code == 0, result.stderr
    assert "学生登记表" in result.stdout and "休学" in result.stdout
    assert "--show-id" in result.stderr
    wb = load_workbook(path)
    ws = wb.active
    assert ws.title == number
    assert ws["A1"].value == "学生登记表(学籍卡)"
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToHeight == 1 and ws.page_setup.fitToWidth == 1
    text = [str(v) for row in values(ws) for v in row if v]
    assert "王小明" in text and "诊断证明" in "".join(text)
    assert any("*" in t and t.startswith("130283") for t in text)  # ID masked
    full = xueji("student", "card", number, "--xlsx", path, "--show-id", "--force")
    assert full.exit_code == 0
    text = [str(v) for row in values(load_workbook(path).active) for v in row if v]
    assert not any("*" in t and t.startswith("130283") for t in text)


def test_student_card_for_a_whole_school(october, xueji, as_json, tmp_path):
    path = tmp_path / "school.xlsx"
    result = xueji("student", "card", "--school", "001", "--xlsx", path, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["count"] == 3
    assert len(load_workbook(path).sheetnames) == 3


def test_student_card_usage(kit, xueji):
    assert xueji("student", "card").exit_code == 2
    assert xueji("student", "card", "--school", "001").exit_code == 2
    result = xueji("student", "card", "02262600109999")
    assert result.exit_code == 1 and "没有找到学生" in result.stderr


def test_verify_check_sheet_counts_the_register_as_it_stood(october, xueji, as_json):
    """REP-2: the check sheet of September counts each class as it stood on 30 September —
    the suspension and the transfer of October not yet, the October arrival not at all —
    and a school's counts are its own with --school."""
    document = as_json(xueji("report", "verify", "--year", "2026", "--json"))
    lines = {(c["school"], c["grade"]): c for c in document["classes"]}
    assert set(lines) == {("001", 2), ("001", 3), ("002", 1)}
    assert (lines[("001", 2)]["register"], lines[("001", 2)]["suspended"], lines[("001", 2)]["expected"]) == (1, 0, 1)
    assert lines[("002", 1)]["register"] == 1 and lines[("002", 1)]["present"] is None
    today = as_json(xueji("report", "verify", "--year", "2026", "--json", "--school", "001"))
    assert [c["school"] for c in today["classes"]] == ["001", "001"]
    assert [s["school"] for s in today["schools"]] == ["001"]
