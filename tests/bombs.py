"""Tiny spreadsheets that ask a reader for gigabytes, built in the test from a minimal
workbook (nothing big is kept in git): a value in a far cell, written every way
python-calamine reads it; thousands of overlapping merged ranges; the same in a legacy
.xls and an OpenDocument spreadsheet. `run_guarded` runs xueji on one in a child process
with its address space capped, so that a reader that does allocate fails there and not
in the test runner."""

from __future__ import annotations

import os
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import rosters

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADERS = ("姓名", "身份证号", "班级", "户口所在地", "监护人户口所在地", "现住地", "证明材料")
CHILD = ("张三", "130283202003050035", "1", "130283105201", "130283105201", "130283105201", "户口簿")


def _row(number: int, values: tuple[str, ...]) -> str:
    return f'<row r="{number}">' + "".join(
        f'<c r="{column(i + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)) + "</row>"


FAR_CELL = {  # every spelling of a value at XFD1048576 that calamine places there
    "usual": '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "single quotes": "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "spaces": '<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>',
    "lower case": '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "after its neighbour": '<row r="1048576"><c r="XFC1048576"><v>1</v></c><c><v>2</v></c></row>',
    "attribute order": '<row r="1048576"><c t="n" r="XFD1048576"><v>1</v></c></row>',
    "prefixed": '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    "out of order": '<row r="3"><c r="A3"><v>1</v></c><c r="XFD1048576"><v>1</v></c>'
                    '<c r="B3"><v>1</v></c></row>',
    "implicit cells": '<row r="1048576"><c r="A1048576"><v>1</v></c>' + "<c><v>1</v></c>" * 16383
                      + "</row>",
}
CAP = 4 * 1024 ** 3  # the child's address space: far below what the bombs ask for


def xlsx(path: Path, rows: str = "", extra: str = "", dimension: str = "A1:G2") -> Path:
    """A minimal .xlsx: one sheet whose <sheetData> holds a roster's header, one child and
    `rows`; `extra` after it."""
    rows = _row(1, HEADERS) + _row(2, CHILD) + rows
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:x="{MAIN}">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData>{extra}</worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def overlapping_merges(count: int = 3000, height: int = 1000, width: int = 99) -> str:
    """`count` merged ranges, each just under the reader's own per-range limit, all
    overlapping below the header."""
    last = column(width)
    ranges = "".join(f'<mergeCell ref="A{top}:{last}{top + height}"/>'
                     for top in range(2, count + 2))
    return f'<mergeCells count="{count}">{ranges}</mergeCells>'


def column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xls(path: Path, row: int, col: int) -> Path:
    """A legacy .xls (written by xlwt) with a header and one number, whose RK record is
    then moved to (row, col), 0-based: BIFF8 keeps a column in 16 bits."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    for index, header in enumerate(("姓名", "身份证号", "班级")):
        sheet.write(0, index, header)
    sheet.write(1, 0, 12345.0)
    book.save(str(path))
    data = path.read_bytes()
    at = data.index(struct.pack("<HHHH", 0x027E, 10, 1, 0))  # RK, length 10, row 1, column 0
    path.write_bytes(data[:at + 4] + struct.pack("<HH", row, col) + data[at + 8:])
    return path


def ods(path: Path, body: str) -> Path:
    """An OpenDocument spreadsheet whose one table holds `body` (table rows)."""
    return rosters.write_ods_rows(path, body, "S")


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def run_guarded(directory: Path, *args: str) -> subprocess.CompletedProcess:
    """`xueji --dir DIRECTORY ARGS` in a child process whose address space is capped."""
    return subprocess.run([sys.executable, "-m", "xueji_cli", "--dir", str(directory), *args],
                          capture_output=True, text=True, timeout=300, preexec_fn=_cap,
                          env={**os.environ, "XUEJI_TODAY": "2026-09-01"})


def add_to_sheet(path: Path, rows: str = "", extra: str = "") -> Path:
    """A workbook's first sheet with `rows` added at the end of its <sheetData> and `extra`
    (merged ranges) after it, in place."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    if "<sheetData/>" in sheet:
        sheet = sheet.replace("<sheetData/>", "<sheetData></sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</sheetData>", f"{rows}</sheetData>{extra}", 1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
