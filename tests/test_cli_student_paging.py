"""`student list` a page at a time, and the lists written as they are read (`--csv`,
`--json`, `log`): a directory of 100k pupils must not be read whole to show 50 of them,
and an export must open in Excel with every number as it was (leading zeros, 18-digit
ID numbers)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pytest
from loadkit import run_watching_sqlalchemy
from pgkit import BOTH_STORES
from synthetic import make_id

IDS = [make_id("2020-03-05", seq=211), make_id("2020-05-20", male=False, seq=212),
       make_id("2019-11-11", seq=213)]
NUMBERS = ["02262600100001", "02262600100002", "02262600100003"]


@pytest.fixture
def three(township, enroll):
    assert enroll(id_number=IDS[0], name="张三").exit_code == 0
    assert enroll(id_number=IDS[1], name="李四", gender="女", birth="2020-05-20").exit_code == 0
    assert enroll(id_number=IDS[2], name="王五", birth="2019-11-11").exit_code == 0
    return township


def shown(result) -> list[str]:
    return re.findall(r"0226260010000\d", result.stdout)


# -- pages on screen ----------------------------------------------------------------------

def test_first_page_by_default_with_the_total_and_how_to_see_more(three, xueji, monkeypatch):
    """The screen shows one page and says how many there are: a big list is never read whole."""
    monkeypatch.setattr("xueji_cli.cli.student.PAGE", 2)
    result = xueji("student", "list")
    assert result.exit_code == 0, result.stderr
    assert shown(result) == NUMBERS[:2]
    assert "共 3 人,其中在校 3 人;显示第1–2人;--all 显示全部,--csv 导出" in result.stdout


def test_all_shows_every_page(three, xueji, monkeypatch):
    monkeypatch.setattr("xueji_cli.cli.student.PAGE", 2)
    monkeypatch.setattr("xueji_cli.cli.streams.PAGE", 2)
    result = xueji("student", "list", "--all")
    assert result.exit_code == 0 and shown(result) == NUMBERS
    assert "显示第" not in result.stdout


@pytest.mark.parametrize("args, numbers, caption", [
    (("--limit", "3"), NUMBERS, "共 3 人,其中在校 3 人\n"),  # exactly one page: no hint
    (("--limit", "2"), NUMBERS[:2], "显示第1–2人"),
    (("--limit", "2", "--offset", "2"), NUMBERS[2:], "显示第3–3人"),  # the last, partial page
    (("--offset", "1"), NUMBERS[1:], "显示第2–3人"),
    (("--limit", "2", "--offset", "3"), [], "第4人起已没有"),
])
def test_page_boundaries(three, xueji, args, numbers, caption):
    result = xueji("student", "list", *args)
    assert result.exit_code == 0, result.stderr
    assert shown(result) == numbers and caption in result.stdout


def test_an_empty_list_says_so(three, xueji, as_json):
    result = xueji("student", "list", "--grade", "5")
    assert result.exit_code == 0 and result.stdout == ""
    assert "没有符合条件的学生" in result.stderr
    assert as_json(xueji("student", "list", "--grade", "5", "--json")) == {
        "ok": True, "count": 0, "students": []}
    assert xueji("student", "list", "--grade", "5", "--csv").stdout.count("\n") == 1  # the header


def test_json_pages_count_what_they_hold_and_name_the_total(three, xueji, as_json):
    whole = as_json(xueji("student", "list", "--json"))
    assert whole["count"] == 3 and "total" not in whole
    page = as_json(xueji("student", "list", "--json", "--limit", "2", "--offset", "2"))
    assert page["count"] == 1 and page["total"] == 3
    assert page["students"] == whole["students"][2:]


def test_json_streamed_is_the_document_as_before(three, xueji):
    """Written row by row, the document is byte for byte what emit_json writes whole."""
    import json

    from xueji_cli.cli.output import json_text

    text = xueji("student", "list", "--json").stdout
    assert text == json_text(json.loads(text)) + "\n"


@pytest.mark.parametrize("args", [("--limit", "0"), ("--offset", "-1"), ("--csv", "--json")])
def test_bad_paging_is_a_usage_error(three, xueji, args):
    assert xueji("student", "list", *args).exit_code == 2


def test_name_filter_pages_too(three, xueji, as_json):
    found = as_json(xueji("student", "list", "--name", "李", "--json", "--limit", "5"))
    assert [s["name"] for s in found["students"]] == ["李四"] and found["total"] == 1


# -- CSV for Excel ---------------------------------------------------------------------------

def excel_reads(cell: str):
    """How Excel reads a CSV cell: `="…"` is that text; a cell that looks like a number
    becomes a number (a double: leading zeros and digits past the 15th are lost)."""
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1]
    if re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", cell):
        return float(cell)
    return cell


def test_csv_round_trip_keeps_every_number_as_text(three, xueji):
    """Excel must not turn 02262600100001 into 2262600100001 nor an 18-digit ID number into
    1.30283E+17: both come back exactly as stored."""
    result = xueji("student", "list", "--csv", "--show-id")
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the names right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    read = [dict(zip(header, map(excel_reads, row))) for row in body]
    assert [r["学籍号"] for r in read] == NUMBERS
    assert [r["身份证号"] for r in read] == IDS
    assert [r["学校代码"] for r in read] == ["001"] * 3
    assert [r["姓名"] for r in read] == ["张三", "李四", "王五"]
    assert read[0]["年级"] == 1.0  # a real number stays a number


# The JSON field of each CSV column, in the CSV's order.
CSV_KEYS = ("local_number", "national_number", "name", "gender", "birth_date", "id_type",
            "id_number", "ethnicity", "school", "school_name", "entry_year", "grade", "class",
            "status_label", "enrolled_on", "hukou_region", "guardian_name", "guardian_phone",
            "guardian_hukou_region", "residence_region", "address", "remark")


@BOTH_STORES
@pytest.mark.parametrize("args", [
    (), ("--school", "001"), ("--status", "在校"), ("--name", "李"), ("--name", "_"),
    ("--grade", "1", "--class", "1"), ("--limit", "2", "--offset", "1"), ("--offset", "2"),
    ("--show-id",)], ids=" ".join)
def test_csv_holds_what_the_json_holds(three, xueji, as_json, args):
    """The CSV, read as plain rows (sqlite3 alone on SQLite), holds the records and values
    the JSON holds — filters, pages and masking alike — on SQLite and on a server."""
    document = as_json(xueji("student", "list", "--json", *args))
    result = xueji("student", "list", "--csv", *args)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["学籍号", "全国学籍号"] and len(rows[0]) == len(CSV_KEYS)
    from xueji_cli.cli.streams import excel_cell

    expected = [["" if record[key] is None else excel_cell(record[key])
                 if isinstance(record[key], str) else str(record[key]) for key in CSV_KEYS]
                for record in document["students"]]
    assert rows[1:] == expected


def test_csv_on_sqlite_does_not_load_sqlalchemy(three):
    """100k pupils to CSV: loading SQLAlchemy and the models would cost more than a third of
    the export (README, benchmarks); an unknown school is refused the same way."""
    done, loaded = run_watching_sqlalchemy("--dir", three, "student", "list", "--csv",
                                           "--school", "001")
    assert done.returncode == 0 and done.stdout.count("\n") == 4 and not loaded, done.stderr
    unknown, loaded = run_watching_sqlalchemy("--dir", three, "student", "list", "--csv",
                                              "--school", "009")
    assert unknown.returncode == 1 and "没有代码为 009 的学校" in unknown.stderr and not loaded


def test_csv_masks_id_numbers_without_show_id(three, xueji):
    text = xueji("student", "list", "--csv").stdout
    assert not any(number in text for number in IDS) and "********" in text


def test_csv_text_that_looks_like_a_formula_stays_inert():
    from xueji_cli.cli.streams import excel_cell

    assert excel_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert excel_cell("-1+2") == "'-1+2" and excel_cell("007") == '="007"'
    assert excel_cell("示范镇东村8号") == "示范镇东村8号"


def test_log_csv_and_limit(three, xueji, as_json):
    every = as_json(xueji("log", "--json"))
    assert every["count"] == 3 and len(every["entries"]) == 3
    two = as_json(xueji("log", "--json", "--limit", "2"))
    assert two["entries"] == every["entries"][:2] and two["count"] == 2
    rows = list(csv.reader(io.StringIO(xueji("log", "--csv").stdout_bytes.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[0][:3] == ["序号", "生效日期", "类别"]
    assert [excel_reads(r[5]) for r in rows[1:]] == NUMBERS


# -- a closed pipe ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("student", "list", "--csv"), ("student", "list", "--json"),
                                  ("student", "list", "--all"), ("log",)])
def test_a_closed_pipe_ends_quietly(three, args):
    """`xueji student list --csv | head`: when the reader stops, xueji stops — exit 0, no
    error message, no traceback."""
    env = {**os.environ, "XUEJI_DIR": str(three)}
    child = subprocess.Popen([sys.executable, "-m", "xueji_cli", *args], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # the reader is gone before the first line is written
    stderr = child.stderr.read().decode()
    assert child.wait() == 0, stderr
    assert stderr == ""


@pytest.mark.parametrize("command, header", [
    (("transfer", "list"), "案件号"), (("borrow", "list"), "方向"), (("suspend", "list"), "学籍号"),
    (("log",), "序号"), (("student", "list"), "学籍号")])
def test_every_list_writes_csv_and_takes_a_limit(three, xueji, command, header):
    result = xueji(*command, "--csv", "--limit", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.decode("utf-8-sig").split(",")[0] == header
    assert len(result.stdout.splitlines()) <= 2
    assert xueji(*command, "--csv", "--json").exit_code == 2
