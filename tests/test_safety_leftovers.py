"""What killed commands leave behind: restore's staged copy, a backup's partial copy,
the copies a log is judged on, a workbook being saved — hidden, private, whole copies of
the children's personal data. The next command of the directory removes those of
processes that are gone (store/leftovers.py) and says so; a process that still runs keeps
its own. (The SIGKILL trials of tests/test_safety_crash.py check the same after real kills.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xueji_cli.store import leftovers


def gone_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", ""])
    proc.wait()
    return proc.pid


def private(path: Path, text: str = "personal data") -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_the_next_command_removes_what_a_killed_one_left(township, xueji):
    gone = gone_pid()
    runner = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                              stdin=subprocess.PIPE)
    try:
        left = [private(township / name) for name in (
            f".xueji.db.restore-{gone}", f".xueji.db.restore-{gone}-journal",
            f".xueji.db.bak-20260901-120000.partial-{gone}",
            f".xueji.db.bak-20260901-120000.partial-{gone}-journal",
            f".xueji-{gone}-k2j3x.xlsx")]
        check = township / f".xueji.db.log-check-{gone}"
        check.mkdir(mode=0o700)
        private(check / "xueji.db")
        kept = [private(township / name) for name in (
            f".xueji.db.restore-{runner.pid}",  # a restore still at work
            f".xueji-{runner.pid}-a1b2c.xlsx",  # a workbook still being saved
            ".xueji-a1b2c3.xlsx",  # names no process: not known to be ours, or gone
            "xueji.db.bak-20260901-120000",  # a backup, not a temporary file
            ".notes.partial-x")]
        result = xueji("school", "list")
        assert result.exit_code == 0, result.stderr
        assert "已删除上次中断的操作留下的临时文件" in result.stderr
        for path in [*left, check]:
            assert not path.exists(), path
            assert path.name in result.stderr
        for path in kept:
            assert path.exists(), path
        again = xueji("school", "list")
        assert "临时文件" not in again.stderr  # said once, when removed
    finally:
        runner.communicate(b"")


def test_a_workbook_being_saved_is_named_by_its_process(tmp_path, monkeypatch):
    """excel/sheets.save writes `.xueji-PID-….xlsx`, a name the sweep knows."""
    from xueji_cli.excel import sheets

    seen = []
    real = os.replace

    def noting(source, target):
        seen.append(Path(source).name)
        return real(source, target)

    monkeypatch.setattr(sheets.os, "replace", noting)
    workbook, sheet = sheets.new_workbook()
    sheets.save(workbook, tmp_path / "名册.xlsx")
    [temporary] = seen
    assert leftovers.TEMPORARY.fullmatch(temporary) and f"-{os.getpid()}-" in temporary
