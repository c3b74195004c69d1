"""`xueji report roster` on screen a page at a time: a central school of 5,000 pupils is
not one giant table (it took seconds to draw); the first page (50), the total counted in
the database, and how to see the rest (--all, --offset, --xlsx). The workbook stays
whole, and --json too unless --limit or --offset is given."""

from __future__ import annotations

import re

import pytest
import rosters
from pgkit import BOTH_STORES

from xueji_cli.cli.streams import PAGE

pytestmark = BOTH_STORES  # the roster of a school, on SQLite and on a county's server


def school_of(xueji, tmp_path, count: int) -> None:
    """`count` pupils of 001, cohort 2026, in classes of at most 45 (ENR-5)."""
    rows = [rosters.child(i, 学校代码="001", 班级=1 + (i - 1) // 40) for i in range(1, count + 1)]
    result = xueji("enroll", "--from", rosters.write(tmp_path / "in.xlsx", rows))
    assert result.exit_code == 0, result.stderr


def numbers_shown(result) -> list[int]:
    """The 序号 of the rows on screen."""
    return [int(line.split()[0]) for line in result.stdout.splitlines()
            if re.match(r"\s*\d+\s+022626001", line)]


def test_an_empty_school_says_so(township, xueji):
    result = xueji("report", "roster", "--school", "002")
    assert result.exit_code == 0, result.stderr
    assert "没有符合条件的在校学生" in result.stderr and numbers_shown(result) == []


def test_exactly_one_page_is_shown_whole(township, xueji, tmp_path):
    school_of(xueji, tmp_path, PAGE)
    result = xueji("report", "roster", "--school", "001")
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == list(range(1, PAGE + 1))
    assert f"共 {PAGE} 人" in result.stdout and "显示第" not in result.stdout


@pytest.fixture
def fifty_five(township, xueji, tmp_path):
    school_of(xueji, tmp_path, PAGE + 5)
    return township


def test_the_first_page_names_the_total_and_the_way_to_the_rest(fifty_five, xueji):
    result = xueji("report", "roster", "--school", "001")
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == list(range(1, PAGE + 1))
    assert f"共 {PAGE + 5} 人;显示第1–{PAGE}人;--all 显示全部" in result.stdout
    assert "--xlsx 导出" in result.stdout


def test_the_partial_last_page_numbers_on(fifty_five, xueji, as_json):
    result = xueji("report", "roster", "--school", "001", "--offset", str(PAGE))
    assert numbers_shown(result) == list(range(PAGE + 1, PAGE + 6))
    assert f"显示第{PAGE + 1}–{PAGE + 5}人" in result.stdout
    whole = as_json(xueji("report", "roster", "--school", "001", "--json"))
    last = [row[:2] for row in whole["rows"][PAGE:]]
    paged = as_json(xueji("report", "roster", "--school", "001", "--json", "--offset", str(PAGE)))
    assert [row[:2] for row in paged["rows"]] == last  # the same rows, the same 序号
    assert (paged["count"], paged["total"]) == (5, PAGE + 5)
    beyond = xueji("report", "roster", "--school", "001", "--offset", "100")
    assert beyond.exit_code == 0 and numbers_shown(beyond) == []
    assert "第101人起已没有" in beyond.stdout


def test_all_shows_every_pupil_and_json_stays_whole(fifty_five, xueji, as_json):
    result = xueji("report", "roster", "--school", "001", "--all")
    assert numbers_shown(result) == list(range(1, PAGE + 6))
    assert f"共 {PAGE + 5} 人" in result.stdout and "显示第" not in result.stdout
    document = as_json(xueji("report", "roster", "--school", "001", "--json"))
    assert document["count"] == PAGE + 5 and "total" not in document
    limited = as_json(xueji("report", "roster", "--school", "001", "--json", "--limit", "100"))
    assert (limited["count"], limited["total"]) == (PAGE + 5, PAGE + 5)


def test_a_past_day_pages_the_same(fifty_five, xueji):
    result = xueji("report", "roster", "--school", "001", "--as-of", "2026-09-01", "--limit", "10",
                   "--offset", "50")
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == list(range(51, 56))
    assert "共 55 人;显示第51–55人" in result.stdout


def test_the_workbook_is_never_a_page(fifty_five, xueji, tmp_path):
    result = xueji("report", "roster", "--xlsx", tmp_path / "r.xlsx", "--limit", "5")
    assert result.exit_code == 2 and "--limit" in result.stderr
    assert not (tmp_path / "r.xlsx").exists()
