"""Synthetic roster files for the intake tests: .xlsx (openpyxl), .xls (xlwt) and .ods (a
minimal OpenDocument file written by hand), with the shapes registrars' files take —
title rows, merged cells, blank rows, notes below the data.

`child(seq, **overrides)` is one valid row for school 001 of the `township` fixture, as
{header: value}; `write(path, rows)` writes rows (dicts or lists) under their headers.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from synthetic import VILLAGE_001, make_id

PLAIN_HEADERS = ["序号", "姓名", "性别", "出生日期", "民族", "身份证号", "年级", "班级", "户口所在地",
                 "监护人", "监护人户口所在地", "现住地", "证明材料"]
NAMES = ["王小明", "李小红", "张子涵", "刘一诺", "陈雨泽", "杨欣怡", "赵晨阳", "周思远"]


def in_words(number: int) -> str:
    """12 → 一二: a name tells rows apart without digits, which a name may not hold (ENR-6
    warns)."""
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(number))


def child(seq: int, *, birth: str = "2020-03-05", male: bool = True, **overrides) -> dict:
    """A valid row for school 001: six on 31 August 2026, both agreements, evidence."""
    row = {"序号": seq, "姓名": f"{NAMES[seq % len(NAMES)]}{in_words(seq)}", "性别": "男" if male else "女",
           "出生日期": birth, "民族": "汉族", "身份证号": make_id(birth, male=male, seq=seq),
           "年级": 1, "班级": 1, "户口所在地": VILLAGE_001, "监护人": f"家长{in_words(seq)}",
           "监护人户口所在地": VILLAGE_001, "现住地": VILLAGE_001, "证明材料": "户口簿、房产证明"}
    row.update(overrides)
    return row


def as_lists(rows: list[dict], headers: list[str] | None = None) -> tuple[list[str], list[list]]:
    headers = headers or list(rows[0])
    return headers, [[row.get(h, "") for h in headers] for row in rows]


def write(path: Path, rows: list[dict], *, headers: list[str] | None = None,
          title_rows: list[str] = (), notes: list[str] = (), sheet: str = "花名册",
          blank_after: set[int] = frozenset(), id_as_number: bool = False) -> Path:
    """An .xlsx roster: title rows (merged across), the header, the rows (blank rows after
    the given indexes), notes below. ID numbers are text cells unless `id_as_number`."""
    from openpyxl import Workbook

    headers, values = as_lists(rows, headers)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for text in title_rows:
        ws.append([text])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                       end_column=len(headers))
    ws.append(headers)
    for index, row in enumerate(values):
        if id_as_number and "身份证号" in headers:
            position = headers.index("身份证号")
            row[position] = int(row[position]) if str(row[position]).isdigit() else row[position]
        ws.append(row)
        if index in blank_after:
            ws.append([])
    for text in notes:
        ws.append([text])
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[dict], *, title: str | None = None) -> Path:
    import xlwt

    headers, values = as_lists(rows)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    top = 0
    if title:
        sheet.write_merge(0, 0, 0, len(headers) - 1, title)
        top = 2
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, header in enumerate(headers):
        sheet.write(top, c, header)
    for r, row in enumerate(values, start=top + 1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[dict]) -> Path:
    """A minimal OpenDocument spreadsheet (text cells, numbers as floats)."""
    headers, values = as_lists(rows)

    def cell(value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                "</text:p></table:table-cell>")

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                   for row in [headers, *values])
    return write_ods_rows(path, body)


def write_ods_rows(path: Path, body: str, sheet: str = "花名册") -> Path:
    """An OpenDocument spreadsheet whose one table holds `body` (its table rows, as XML)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def read_back(path: Path, sheet: int = 0) -> list[list]:
    """Every row of a workbook xueji wrote, read with openpyxl (values as stored)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[sheet]
    return [[c.value for c in row] for row in ws.iter_rows()]
