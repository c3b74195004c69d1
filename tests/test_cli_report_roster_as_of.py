"""`xueji report roster --as-of D` (REP-4): the roster as it stood on a past
day, derived from the journal, not from today's state — checked against a hand-built
expectation, on screen, in --json and in both workbook layouts."""

from __future__ import annotations

import openpyxl
import pytest
from journalkit import kit, roster_history  # noqa: F401  (kit: the fixture)


@pytest.fixture
def history(kit):
    """journalkit.roster_history: 甲 changes class, 乙 is suspended, 丙 leaves 002, 丁
    arrives at 002, 甲 is promoted."""
    roster_history(kit)
    return kit


def roster(xueji, as_json, *args):
    result = xueji("report", "roster", *args, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    columns = document["columns"]
    at = {name: columns.index(name) for name in ("姓名", "学校代码", "年级", "班级", "证明材料")}
    return document, [(r[at["姓名"]], r[at["学校代码"]], r[at["年级"]], r[at["班级"]])
                      for r in document["rows"]]


# Who was at school (在校) on each day, as the registrar would write it down by hand.
EXPECTED = {
    "2026-08-31": [],
    "2026-09-10": [("甲", "001", 1, 1), ("乙", "001", 2, 1), ("丙", "002", 1, 2)],
    "2026-10-12": [("甲", "001", 1, 2), ("丙", "002", 1, 2)],
    "2026-10-31": [("甲", "001", 1, 2), ("丁", "002", 3, 1)],
}


@pytest.mark.parametrize("day", sorted(EXPECTED))
def test_the_roster_of_a_past_day(history, xueji, as_json, day):
    document, rows = roster(xueji, as_json, "--as-of", day)
    assert rows == EXPECTED[day]
    assert document["as_of"] == day and f"截至 {day}" in document["title"]


def test_today_and_as_of_today_are_the_same_roster(history, xueji, as_json, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2027-08-01")
    today, rows = roster(xueji, as_json)
    as_of, rows_as_of = roster(xueji, as_json, "--as-of", "2027-08-01")
    assert rows == rows_as_of == [("甲", "001", 2, 2), ("丁", "002", 3, 1)]
    assert today["rows"] == as_of["rows"]  # every column, evidence included
    assert today["as_of"] is None


def test_filters_apply_to_the_state_of_that_day(history, xueji, as_json):
    # 甲 is in class 2 of grade 1 on 31 October 2026 (today: grade 2).
    assert roster(xueji, as_json, "--as-of", "2026-10-31", "--grade", "1", "--class", "2")[1] \
        == [("甲", "001", 1, 2)]
    assert roster(xueji, as_json, "--as-of", "2026-09-10", "--school", "002")[1] \
        == [("丙", "002", 1, 2)]
    assert roster(xueji, as_json, "--grade", "1")[1] == []  # today nobody is in grade 1


def test_screen_says_which_day_and_masks(history, xueji):
    result = xueji("report", "roster", "--as-of", "2026-09-10")
    assert result.exit_code == 0, result.stderr
    assert "截至 2026-09-10" in result.stdout and "共 3 人" in result.stdout
    assert "丙" in result.stdout and "丁" not in result.stdout
    empty = xueji("report", "roster", "--as-of", "2026-08-31")
    assert empty.exit_code == 0 and "没有符合条件的在校学生(2026-08-31)" in empty.stderr


@pytest.mark.parametrize("template", ["plain", "national"])
def test_workbook_of_a_past_day(history, xueji, tmp_path, template):
    path = tmp_path / f"{template}.xlsx"
    result = xueji("report", "roster", "--as-of", "2026-09-10", "--template", template,
                   "--xlsx", str(path))
    assert result.exit_code == 0, result.stderr
    assert "截至 2026-09-10" in result.stderr and "在校学生 3 人" in result.stderr
    sheet = openpyxl.load_workbook(path).active
    text = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    if template == "plain":  # the national export has no title row: its header is row 1
        assert any("截至 2026-09-10" in str(cell) for row in text[:3] for cell in row)
    names = {cell for row in text for cell in row} & {"甲", "乙", "丙", "丁"}
    assert names == {"甲", "乙", "丙"}


@pytest.mark.parametrize("value, words", [
    ("2026-02-30", "不是真实存在的日期"),
    ("2030-01-01", "还没有到"),
    ("昨天", "可写作"),
])
def test_bad_days_are_refused_plainly(history, xueji, value, words):
    result = xueji("report", "roster", "--as-of", value)
    assert result.exit_code == 1
    assert "[截至日期 --as-of]" in result.stderr and words in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
