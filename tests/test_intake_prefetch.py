"""`enroll --from FILE` starts parsing the rosters from the command line, before Typer
parses it (cli/startup.prefetch_rosters → excel/files.prefetch). That is only a
head start: what it guessed wrong is parsed anew, nothing parsed ahead outlives the
command, and a file that cannot be read is reported as if nothing had been parsed ahead."""

from __future__ import annotations

import subprocess
import sys

import pytest
import rosters
from conftest import invoke

from xueji_cli.cli.startup import roster_arguments
from xueji_cli.excel import files as roster_files


@pytest.mark.parametrize("argv, expected", [
    (["--dir", "d", "enroll", "--from", "a.xlsx", "--from=b.xls", "--sheet", "花名册"],
     (["a.xlsx", "b.xls"], "花名册")),
    (["enroll", "--school", "001", "--from", "a.xlsx", "--sheet=一班"], (["a.xlsx"], "一班")),
    (["enroll", "--name", "张三", "--school", "001"], ([], None)),  # one student
    (["enroll", "--from"], ([], None)),  # Typer will say the value is missing
    (["report", "roster", "--xlsx", "a.xlsx"], ([], None)),
    (["takeover", "a.xlsx", "--school", "001", "b.xls", "--as-of", "2026-09-01", "--dry-run",
      "--errors-out", "问题.xlsx", "--sheet", "名单"], (["a.xlsx", "b.xls"], "名单")),
    ([], ([], None)),
])
def test_the_rosters_named_on_the_command_line(argv, expected):
    assert roster_arguments(argv) == expected


def test_a_second_request_for_the_same_files_keeps_the_parse(tmp_path):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1)], sheet="一班")
    roster_files.prefetch([path])
    roster_files.prefetch([path])  # the command's own request: the same files
    assert roster_files.prefetched_sheet(path, "一班") is not None
    roster_files.discard()


def test_nothing_parsed_ahead_outlives_the_command(tmp_path):
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1)], sheet="一班")
    roster_files.prefetch([path])
    roster_files.discard()
    rosters.write(path, [rosters.child(1)], sheet="二班")  # the file changed since
    roster_files.prefetch([path])
    assert roster_files.open_workbook(path).sheet_names == ["二班"]
    roster_files.discard()
    assert roster_files.prefetched_sheet(path, "二班") is None


def test_other_files_or_sheet_are_parsed_anew(tmp_path):
    first = rosters.write(tmp_path / "a.xlsx", [rosters.child(1)], sheet="一班")
    second = rosters.write(tmp_path / "b.xlsx", [rosters.child(2)], sheet="二班")
    roster_files.prefetch([first])
    roster_files.prefetch([second], "二班")
    assert roster_files.prefetched_sheet(first, "一班") is None
    assert roster_files.prefetched_sheet(second, "二班") is not None
    roster_files.discard()


def _xueji(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xueji_cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_a_broken_or_missing_roster_is_reported_as_usual(township, tmp_path):
    text = tmp_path / "名单.xlsx"
    text.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    for path, words in ((tmp_path / "没有.xlsx", "找不到文件"), (text, "文本文件")):
        done = _xueji("--dir", str(township), "enroll", "--from", str(path), "--school", "001")
        assert done.returncode == 1 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_wrong_guess_changes_nothing(township, tmp_path):
    """Whatever the head start parsed (here another roster), the import reads the files
    and sheet Typer parsed from the command line."""
    guessed = rosters.write(tmp_path / "guess.xlsx", [rosters.child(9)])
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1), rosters.child(2)])
    roster_files.prefetch([guessed], "花名册")
    done = invoke(township, "enroll", "--from", path, "--school", "001", "--dry-run")
    assert done.exit_code == 0 and "将入学:2 人" in done.stdout, done.stderr
    assert roster_files.prefetched_sheet(guessed, "花名册") is None  # discarded at the end
