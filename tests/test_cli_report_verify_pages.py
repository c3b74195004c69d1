"""`xueji report verify` on screen: the check sheet (REP-2) whole, the stamp list (REP-3)
a page at a time — a county's 100 000 pupils drawn as one table took most of a minute;
the first page (50), the total, and how to see the rest (--all, --offset, --xlsx). The
workbook and --json stay whole."""

from __future__ import annotations

import re

import pytest
import rosters
from pgkit import BOTH_STORES

from xueji_cli.cli.streams import PAGE

pytestmark = BOTH_STORES  # a township's list, on SQLite and on a county's server


def school_of(xueji, tmp_path, count: int) -> None:
    """`count` pupils of 001, cohort 2026, enrolled in September (on the REP-3 list of 2026)."""
    rows = [rosters.child(i, 学校代码="001", 班级=1 + (i - 1) // 40) for i in range(1, count + 1)]
    result = xueji("enroll", "--from", rosters.write(tmp_path / "in.xlsx", rows), "--date", "2026-09-01")
    assert result.exit_code == 0, result.stderr


def numbers_shown(result) -> list[int]:
    """The 序号 of the stamp list's rows on screen."""
    return [int(line.split()[0]) for line in result.stdout.splitlines()
            if re.match(r"\s*\d+\s+022626001", line)]


def test_an_empty_township_shows_the_check_sheet_and_says_so(township, xueji):
    result = xueji("report", "verify")
    assert result.exit_code == 0, result.stderr
    assert "学籍核对表" in result.stdout and "2026年9月没有在籍学生" in result.stderr
    assert numbers_shown(result) == []


def test_exactly_one_page_is_shown_whole(township, xueji, tmp_path):
    school_of(xueji, tmp_path, PAGE)
    result = xueji("report", "verify")
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == list(range(1, PAGE + 1))
    assert f"共 {PAGE} 人" in result.stdout and "显示第" not in result.stdout
    assert "学籍核对表" in result.stdout and f"在籍 {PAGE} 人" in result.stdout


@pytest.fixture
def fifty_five(township, xueji, tmp_path):
    school_of(xueji, tmp_path, PAGE + 5)
    return township


def test_the_first_page_names_the_total_and_the_way_to_the_rest(fifty_five, xueji):
    result = xueji("report", "verify")
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == list(range(1, PAGE + 1))
    assert f"共 {PAGE + 5} 人;显示第1–{PAGE}人;--all 显示全部" in result.stdout
    assert "--xlsx 导出" in result.stdout
    # the school's count is the whole school's, not the page's (REP-3)
    assert f"在籍 {PAGE + 5} 人" in result.stdout


def test_the_partial_last_page_numbers_on(fifty_five, xueji):
    result = xueji("report", "verify", "--offset", str(PAGE))
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == list(range(PAGE + 1, PAGE + 6))
    assert f"共 {PAGE + 5} 人;显示第{PAGE + 1}–{PAGE + 5}人" in result.stdout


def test_an_offset_past_the_end_says_so(fifty_five, xueji):
    result = xueji("report", "verify", "--offset", str(PAGE + 5))
    assert result.exit_code == 0, result.stderr
    assert numbers_shown(result) == [] and "已没有" in result.stdout


def test_all_and_limit(fifty_five, xueji):
    assert numbers_shown(xueji("report", "verify", "--all")) == list(range(1, PAGE + 6))
    assert numbers_shown(xueji("report", "verify", "--limit", "3", "--offset", "2")) == [3, 4, 5]


def test_json_is_whole(fifty_five, xueji, as_json):
    document = as_json(xueji("report", "verify", "--json"))
    assert len(document["schools"][0]["students"]) == PAGE + 5


def test_paging_the_whole_outputs_is_a_usage_error(township, xueji, tmp_path):
    result = xueji("report", "verify", "--json", "--limit", "5")
    assert result.exit_code == 2 and "--limit" in result.stderr
    result = xueji("report", "verify", "--xlsx", tmp_path / "v.xlsx", "--offset", "5")
    assert result.exit_code == 2 and not (tmp_path / "v.xlsx").exists()
