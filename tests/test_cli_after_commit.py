"""A failure after a command's transaction has committed (the file it goes on to write,
the report on screen, an interrupt) says what was saved and the command that produces the
rest — never that nothing was written: a registrar who believes that runs the command
again, and a school year is turned once (CHG-1)."""

from __future__ import annotations

import json

import pytest
from conftest import app, runner
from synthetic import make_id
from transferkit import AT_003, MOVE, ok, pupil, refused, town  # noqa: F401

FIRST = "02262600100001"  # the `pupil`: 001, grade 1
YEAR_END = "2027-07-10"


def run(ws_dir, *args):
    """`xueji ARGS` in-process, letting a simulated defect through as the registrar sees it."""
    return runner.invoke(app, ["--dir", str(ws_dir), *[str(a) for a in args]])


@pytest.fixture
def sixth(township, enroll, monkeypatch):
    """A sixth-grader of 001 (graduates at the turn of 2026—2027), today the year's end."""
    ok(enroll(name="六年级", grade="6", birth="2014-10-01", id_number=make_id("2014-10-01", seq=5)))
    monkeypatch.setenv("XUEJI_TODAY", YEAR_END)


def broken(*_args, **_kwargs):
    raise RuntimeError("the writer broke")


def test_a_roster_that_fails_after_the_turn_says_the_turn_is_saved(sixth, ws_dir, xueji, sql,
                                                                   monkeypatch):
    """CHG-1: the turn is committed when the roster fails; the message says so, names the
    command that writes the roster, and that command writes it."""
    from xueji_cli.records.lifecycle import graduates

    monkeypatch.setattr(graduates, "write", broken)
    result = run(ws_dir, "promote", "--year", "2026", "--date", YEAR_END)
    assert result.exit_code == 1
    assert "未写入任何内容" not in result.stderr
    assert "已保存" in result.stderr and "毕业 1 人" in result.stderr
    assert "毕业生花名册未能生成" in result.stderr and "RuntimeError" in result.stderr
    assert "xueji graduates --year 2026" in result.stderr
    assert sql("SELECT status FROM student") == [("graduated",)]
    monkeypatch.undo()
    monkeypatch.setenv("XUEJI_TODAY", YEAR_END)
    refused(xueji("promote", "--year", "2026", "--date", YEAR_END), "CHG-1")
    done = json.loads(ok(xueji("graduates", "--year", "2026", "--force", "--json")).stdout)
    assert done["count"] == 1 and done["roster"]


def test_an_interrupt_after_the_turn_says_the_turn_is_saved(sixth, ws_dir, monkeypatch):
    from xueji_cli.records.lifecycle import graduates

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(graduates, "write", interrupted)
    result = run(ws_dir, "promote", "--year", "2026", "--date", YEAR_END, "--json")
    assert result.exit_code == 130 and "未写入任何内容" not in result.stderr
    document = json.loads(result.stdout)
    assert (document["ok"], document["committed"]) == (False, True)
    assert "毕业 1 人" in document["saved"] and "xueji graduates" in document["errors"][0]["hint"]


def test_a_name_the_workbook_cannot_hold_does_not_block_the_roster(township, enroll, xueji, sql,
                                                                    monkeypatch, tmp_path):
    """CHG-1: a control character in a name stored before names were checked would make
    every writing of the roster fail, after a turn that cannot be run again: the workbook
    shows it as its code (excel/sheets.py)."""
    from openpyxl import load_workbook

    ok(enroll(name="张三", grade="6", birth="2014-10-01", id_number=make_id("2014-10-01", seq=5)))
    sql("UPDATE person SET name = ?", "张\x01三")
    monkeypatch.setenv("XUEJI_TODAY", YEAR_END)
    roster = tmp_path / "名册.xlsx"
    ok(xueji("promote", "--year", "2026", "--date", YEAR_END, "--roster", roster))
    names = [c.value for row in load_workbook(roster).active.iter_rows() for c in row]
    assert "张<U+0001>三" in names
    ok(xueji("graduates", "--year", "2026", "--out", tmp_path / "again.xlsx"))


def test_a_transfer_completed_then_not_shown_says_it_is_completed(pupil, ws_dir, xueji, sql,
                                                                  monkeypatch):
    """TRF-9: the case is completed (the record cancelled, the new one numbered) when the
    report fails; the message says so and how to see it, not that nothing was written."""
    from xueji_cli.cli.views import transfers

    case = json.loads(ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE,
                               "--json")).stdout)["case_no"]
    ok(xueji("transfer", "approve", case, "--level", "central"))
    monkeypatch.setattr(transfers, "show_case", broken)
    result = run(ws_dir, "transfer", "complete", case)
    assert result.exit_code == 1 and "未写入任何内容" not in result.stderr
    assert f"转学案件 {case}" in result.stderr and "已办结" in result.stderr
    assert "新学籍号 02262600300001" in result.stderr
    assert f"xueji transfer show {case}" in result.stderr
    assert sorted(sql("SELECT status FROM student")) == [("active",), ("transferred_out",)]


def test_a_suspension_saved_then_not_shown_says_it_is_saved(township, enroll, set_setting,
                                                              ws_dir, monkeypatch):
    """SUS-1: the suspension is written when the card fails to show."""
    from suspendkit import OCTOBER, suspend_args

    from xueji_cli.cli import suspend

    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    number = json.loads(ok(enroll(json=True, grade="2", birth="2019-03-05")).stdout)["local_number"]
    monkeypatch.setenv("XUEJI_TODAY", OCTOBER)
    monkeypatch.setattr(suspend, "table", broken)
    result = run(ws_dir, *suspend_args(number))
    assert result.exit_code == 1, result.stderr
    assert "未写入任何内容" not in result.stderr and "已办理休学" in result.stderr
    assert f"xueji student show {number}" in result.stderr


@pytest.mark.parametrize("failure, words", [
    (RuntimeError("the screen broke"), "内部错误(RuntimeError)"),
    (KeyboardInterrupt(), "已中断"),
    (OSError(28, "No space left on device"), "磁盘空间不足"),
])
def test_any_command_that_saved_before_an_error_does_not_say_nothing_was_written(
        township, ws_dir, sql, monkeypatch, failure, words):
    """Every command, not only those that name what follows their commit: an error after
    the commit (here `school add` failing to show what it registered) says that what was
    saved stays and is not to be done again — 「未写入任何内容」 only when nothing was."""
    from xueji_cli.cli import school

    def failing(*_args, **_kwargs):
        raise failure

    monkeypatch.setattr(school, "say", failing)
    result = run(ws_dir, "school", "add", "--code", "009", "--name", "北山小学")
    assert result.exit_code in (1, 130)
    assert words in result.stderr
    assert "未写入任何内容" not in result.stderr and "已保存的变动不会丢失" in result.stderr
    assert sql("SELECT name FROM school WHERE code = '009'") == [("北山小学",)]


def test_an_error_before_any_commit_still_says_nothing_was_written(township, ws_dir, sql,
                                                                  monkeypatch):
    from xueji_cli.records.directory import schools

    monkeypatch.setattr(schools, "add", broken)
    result = run(ws_dir, "school", "add", "--code", "009", "--name", "北山小学")
    assert result.exit_code == 1 and "本次操作未写入任何内容" in result.stderr
    assert sql("SELECT count(*) FROM school WHERE code = '009'") == [(0,)]
