"""sheets.append_rows (the roster's fast write-only path) writes exactly what appending
each row through append_row / write_only_cell writes: same cells, types and styles."""

from __future__ import annotations

import datetime as dt
import zipfile

from openpyxl import Workbook, load_workbook

from xueji_cli.excel import sheets

ROWS = [
    [1, "张三", "=1+1", None, "0226260010001", 130283201909010011, "", "#N/A"],
    [2, "=", "+1", "-2", "@SUM(A1)", "110101201909010016", None, "备注"],
    [3, "李四", dt.date(2019, 9, 1), 7.5, "", "=HYPERLINK(\"http://x\")", "G123", None],
    [4, "王五", "x", True, "0001", 42, " 前后空格 ", "=A1"],
]
TEXT = [4, 5, 6]


def _write(tmp_path, name: str, fast: bool):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    style = sheets.write_only_cell(ws, "")
    style.number_format = "@"
    rows = [list(row) for row in ROWS]
    if fast:
        written = sheets.append_rows(ws, iter(rows), TEXT, style._style)
    else:
        written = sheets._append_each(ws, rows, {i: style for i in TEXT})
    assert written == len(ROWS)
    path = sheets.save(wb, tmp_path / name)
    with zipfile.ZipFile(path) as archive:
        return path, archive.read("xl/worksheets/sheet1.xml"), archive.read("xl/styles.xml")


def test_fast_rows_are_the_rows_appended_one_by_one(tmp_path):
    fast, fast_sheet, fast_styles = _write(tmp_path, "fast.xlsx", fast=True)
    slow, slow_sheet, slow_styles = _write(tmp_path, "slow.xlsx", fast=False)
    assert fast_sheet == slow_sheet and fast_styles == slow_styles
    assert b"<f>" not in fast_sheet and b"<f " not in fast_sheet  # never a formula
    cells = list(load_workbook(fast).active.iter_rows())
    assert (cells[0][2].value, cells[0][2].data_type) == ("=1+1", "s")
    assert (cells[0][5].value, cells[0][5].data_type, cells[0][5].number_format) == (
        "130283201909010011", "s", "@")  # a number in a text column: text, format @
    assert cells[0][3].value is None and cells[2][4].value is None
    assert cells[2][2].value == dt.datetime(2019, 9, 1)  # a date keeps its date format
    assert (cells[3][4].value, cells[3][4].number_format) == ("0001", "@")


def test_fast_rows_without_openpyxl_internals_fall_back(tmp_path, monkeypatch):
    class Sheet:  # a sheet without the write-only internals append_rows relies on
        def __init__(self):
            self.appended = []

        def append(self, values):
            self.appended.append(values)

    sheet = Sheet()
    monkeypatch.setattr(sheets, "append_row", lambda ws, values: ws.append(values))
    monkeypatch.setattr(sheets, "write_only_cell", lambda ws, value, style=None: ("cell", value))
    assert sheets.append_rows(sheet, [[1, 2, "=x"]], [1]) == 1
    assert sheet.appended == [[1, ("cell", "2"), "=x"]]
