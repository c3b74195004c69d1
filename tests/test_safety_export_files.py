"""An export to a file that cannot be written (a name too long for the file system, a
"folder" that is a file): a plain refusal naming the file and the reason (exit 1, field
"file" in --json), never an internal error — for every command that writes a workbook
through excel/sheets.save."""

from __future__ import annotations

import json

import pytest

LONG = "学籍" * 130 + ".xlsx"  # 780 bytes in UTF-8: beyond any file system's 255

EXPORTS = [
    ("report", "monthly", "--month", "2026-10", "--xlsx"),
    ("report", "verify", "--year", "2026", "--xlsx"),
    ("report", "roster", "--xlsx"),
    ("report", "roster", "--as-of", "2026-10-01", "--xlsx"),
    ("student", "card", "{key}", "--xlsx"),
    ("suspend", "certificate", "{key}", "--xlsx"),
    ("borrow", "list", "--xlsx"),
]


@pytest.fixture
def pupil(township, enroll, as_json, set_setting, monkeypatch):
    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-16")
    number = as_json(enroll(json=True, grade="2", birth="2019-03-05"))["local_number"]
    return number


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("where", ["long", "under_a_file"])
def test_an_unwritable_export_is_refused_plainly(pupil, xueji, tmp_path, command, where):
    from suspendkit import suspend_args

    assert xueji(*suspend_args(pupil, start="2026-10-16")).exit_code == 0
    target = tmp_path / LONG if where == "long" else tmp_path / "a-file" / "out.xlsx"
    (tmp_path / "a-file").write_text("not a folder")
    argv = [part.format(key=pupil) for part in command] + [str(target)]
    result = xueji(*argv)  # the fixture fails on an internal error
    assert result.exit_code == 1, (argv, result.stdout, result.stderr)
    assert "[文件]" in result.stderr and "无法保存" in result.stderr
    assert ("文件名太长" in result.stderr) if where == "long" else ("out.xlsx" in result.stderr)
    document = json.loads(xueji(*argv, "--json").stdout)
    assert document["ok"] is False and document["errors"][0]["field"] == "file"
    assert not list(tmp_path.glob(".xueji-*"))  # no temporary file left behind


def test_a_roster_that_cannot_be_saved_leaves_no_traceback_at_exit(pupil, ws_dir, tmp_path):
    """The roster is written in openpyxl's write-only mode: a workbook that cannot be saved
    must be closed, or its streams print a traceback when the process exits."""
    import os
    import subprocess
    import sys

    (tmp_path / "a-file").write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "xueji_cli", "--dir", str(ws_dir), "report", "roster", "--xlsx",
         str(tmp_path / "a-file" / "out.xlsx")],
        capture_output=True, text=True, env={**os.environ, "XUEJI_TODAY": "2026-10-16"})
    assert result.returncode == 1
    assert "文件夹名已被一个文件占用" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
