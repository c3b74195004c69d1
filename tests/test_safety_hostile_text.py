"""Hostile text, end to end: a roster cell or an option holding ESC, NUL or a direction
override, or a 10 MB name, is refused at input naming the field (INPUT, exit 1); a record
that already holds one (stored before the check) is shown with the character as its code —
the terminal never receives it — and exports to a workbook instead of failing; a folder
made for an export is the owner's only, whatever the umask."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import pytest
import rosters
from openpyxl import load_workbook
from suspendkit import OCTOBER, on_day, pupil, suspend_args  # noqa: F401

ESCAPES = "\x1b]0;pwned\x07\x1b[2J"  # set the window title, clear the screen


def _with_cell_text(path, placeholder: str, escaped: str) -> None:
    """Put `escaped` (an OOXML escape such as _x001B_) where the sheet holds `placeholder`."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(placeholder.encode(), escaped.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("kind", ["xlsx _x001B_", "xls ESC", "xls NUL", "xls override"])
def test_a_roster_name_with_a_control_character_is_refused_on_its_row(township, xueji, tmp_path,
                                                                       kind):
    """An .xls cell holding ESC or NUL, or `_x001B_` in an xlsx, was imported as the name."""
    if kind.startswith("xlsx"):
        path = rosters.write(tmp_path / "花名册.xlsx", [rosters.child(1, 姓名="王ESC小明")])
        _with_cell_text(path, "ESC", "_x001B_")
    else:
        char = {"xls ESC": "\x1b", "xls NUL": "\x00", "xls override": "\u202e"}[kind]
        path = rosters.write_xls(tmp_path / "花名册.xls", [rosters.child(1, 姓名=f"王{char}小明")])
    result = xueji("enroll", "--from", str(path), "--school", "001", "--json")
    assert result.exit_code == 1, result.stderr
    [error] = json.loads(result.stdout)["errors"]
    assert (error["rule"], error["field"], error["row"], error["column"]) == ("INPUT", "name", 2, "姓名")
    assert "U+00" in error["message"] or "U+202E" in error["message"]
    assert "\x1b" not in result.stdout + result.stderr


def test_a_very_long_name_cell_is_refused_without_echoing_it(township, xueji, tmp_path):
    """A 10 MB name was stored, and `student list` hung."""
    path = rosters.write_xls(tmp_path / "花名册.xls", [rosters.child(1, 姓名="王" * 30_000)])
    result = xueji("enroll", "--from", str(path), "--school", "001", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["field"] == "name" and "30,000 个字符,最多 50 个" in error["message"]
    assert len(result.stdout) < 2000


@pytest.mark.parametrize("option, value, words", [
    ("name", "王" * 1000, "最多 50 个"), ("name", f"王{ESCAPES}小明", "U+001B"),
    ("name", "王\n小明", "换行"), ("guardian_name", "\u202e明小王", "显示方向"),
    ("address", "x" * 201, "最多 200 个"), ("remark", "\x00", "U+0000"),
    ("evidence", "户口簿\x1b", "U+001B"), ("underage_commitment", "承诺\x9b", "U+009B"),
])
def test_a_typed_text_with_a_control_character_or_too_long_is_refused(township, enroll, as_json,
                                                                      sql, option, value, words):
    result = enroll(json=True, **{option: value})
    assert result.exit_code == 1
    [error] = [e for e in as_json(result)["errors"] if e["rule"] == "INPUT"]
    assert error["field"] == option and words in error["message"] and error["hint"]
    assert sql("SELECT count(*) FROM person")[0][0] == 0


def test_a_remark_may_hold_lines(township, enroll, as_json, sql):
    assert enroll(json=True, remark="第一行\r\n第二行").exit_code == 0
    assert sql("SELECT remark FROM student")[0][0] == "第一行\n第二行"


def test_school_names_are_checked(township, xueji):
    added = xueji("school", "add", "--code", "009", "--name", f"新{ESCAPES}学校", "--json")
    assert added.exit_code == 1 and json.loads(added.stdout)["errors"][0]["field"] == "name"
    renamed = xueji("school", "set", "001", "--name", "校" * 61, "--json")
    assert renamed.exit_code == 1 and "最多 60 个" in json.loads(renamed.stdout)["errors"][0]["message"]


def test_suspension_texts_are_checked(pupil, xueji, as_json):  # noqa: F811
    result = xueji(*suspend_args(pupil, "--json", "--hospital", "县医院\x1b[2J"))
    assert result.exit_code == 1
    errors = as_json(result)["errors"]
    assert ("INPUT", "hospital") in [(e["rule"], e["field"]) for e in errors]


# -- a record that already holds one ------------------------------------------------------------

@pytest.fixture
def poisoned(township, enroll, as_json, sql) -> str:
    """A child whose stored name holds terminal escape codes (written before the check)."""
    record = as_json(enroll(json=True, name="王小明"))
    sql("UPDATE person SET name = ?", f"王{ESCAPES}小明\u202e")
    return record["local_number"]


def test_student_list_shows_the_codes_and_never_sends_them(poisoned, xueji):
    """`student list` wrote the raw escape codes: the terminal's title changed and the
    screen was cleared."""
    shown = xueji("student", "list")
    assert shown.exit_code == 0
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "\u202e" not in shown.stdout
    assert "王<U+001B>]0;pwned<U+0007><U+001B>[2J小明<U+202E>" in shown.stdout.replace("\n", "")
    card = xueji("student", "show", poisoned)
    assert "\x1b" not in card.stdout + card.stderr and "<U+001B>" in card.stdout
    data = xueji("student", "list", "--json")
    assert "\x1b" not in data.stdout and "\\u001b" in data.stdout
    assert json.loads(data.stdout)  # still one JSON document


def test_exports_hold_the_codes_instead_of_failing(poisoned, xueji, tmp_path):
    """Every xlsx export failed with 内部错误(IllegalCharacterError)."""
    out = tmp_path / "名册.xlsx"
    result = xueji("report", "roster", "--school", "001", "--xlsx", str(out))
    assert result.exit_code == 0, result.stderr
    values = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert any(isinstance(v, str) and "王<U+001B>]0;pwned<U+0007>" in v for v in values)
    card = xueji("student", "card", poisoned, "--xlsx", str(tmp_path / "卡.xlsx"))
    assert card.exit_code == 0, card.stderr


# -- folders made for an export --------------------------------------------------------------------

def test_a_folder_made_for_an_export_is_the_owners_only_under_any_umask(township, xueji, tmp_path):
    """Under umask 000 the folder made for --errors-out / --xlsx was 0777."""
    roster = rosters.write(tmp_path / "花名册.xlsx", [rosters.child(1, 身份证号="1")])
    target = tmp_path / "新建" / "问题" / "问题表.xlsx"
    previous = os.umask(0)
    try:
        result = xueji("enroll", "--from", str(roster), "--school", "001",
                       "--errors-out", str(target))
    finally:
        os.umask(previous)
    assert result.exit_code == 1 and target.exists()
    for folder in (tmp_path / "新建", tmp_path / "新建" / "问题"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, oct(folder.stat().st_mode)
