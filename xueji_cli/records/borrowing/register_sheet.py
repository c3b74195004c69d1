"""The borrowing register (借读生登记册, BOR-3) as a printable workbook: one sheet for the
children studying here on loan, one for our students studying elsewhere (with the exams
they come home for, BOR-5). A4 landscape, fitted to the page width, header repeated on
every page, ID numbers masked unless asked, the evidence shown and the dates.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from pathlib import Path

from openpyxl.styles import Alignment, Font

from xueji_cli.excel import sheets
from xueji_cli.records.directory.region_names import with_name
from xueji_cli.values.operators import signature

IN_HEADERS = ["序号", "登记号", "姓名", "性别", "出生日期", "全国学籍号", "借读学校", "年级班级",
              "原学校(学籍所在)", "户籍所在地", "监护人及电话", "现住址", "查验的证明材料",
              "审核盖章", "借读起止日期", "状态"]
IN_WIDTHS = [5, 12, 8, 5, 11, 21, 13, 9, 18, 13, 14, 16, 20, 14, 12, 11]
OUT_HEADERS = ["序号", "登记号", "姓名", "性别", "出生日期", "学籍号", "全国学籍号", "本校",
               "年级班级", "借读学校", "借读证明信", "借读起止日期", "回原校参加考试", "状态"]
OUT_WIDTHS = [5, 12, 8, 5, 11, 16, 21, 13, 9, 20, 16, 12, 14, 11]
NOTE_FONT = Font(name="宋体", size=10)
FIRST_ROW = 3  # title, subtitle, then the header
LINE_HEIGHT = 13  # points per line of 10-point text


def _display_width(text: str) -> int:
    """Columns a text takes: a Chinese character is as wide as two Latin ones."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit_rows(ws, first: int, rows: list[list], widths: list[float]) -> None:
    """Spreadsheet programs do not grow a row for wrapped text written by openpyxl: give
    each row the height its longest cell needs, so that nothing prints cut off."""
    for index, values in enumerate(rows):
        lines = max(math.ceil(_display_width(str(v)) / max(w - 1.5, 1)) if v not in (None, "") else 1
                    for v, w in zip(values, widths))
        ws.row_dimensions[first + index].height = max(lines, 1) * LINE_HEIGHT + 4


def until(loan: dict) -> str:
    """The end of a loan, or the end expected when it is still open."""
    return loan["end"] or (f"{loan['until']}(预计)" if loan["until"] else "")


def period(loan: dict) -> str:
    end = until(loan)
    return f"{loan['start']} 至 {end}" if end else f"{loan['start']} 起"


def _region(loan: dict, key: str) -> str:
    """A region of the loan as printed: 东村村委会(130283100204), or its code alone."""
    return with_name(loan.get(key), loan.get(f"{key}_name"))


def _school_at(loan: dict, school: str, region: str) -> str:
    """芦溪镇中心小学(510722…), or with its region's name: 芦溪镇中心小学 芦溪镇(510722…)."""
    if not loan[region]:
        return loan[school]
    if loan.get(f"{region}_name"):
        return f"{loan[school]} {_region(loan, region)}"
    return f"{loan[school]}({loan[region]})"


def in_row(number: int, loan: dict) -> list:
    guardian = " ".join(x for x in (loan["guardian_name"], loan["guardian_phone"]) if x)
    return [number, loan["case"], loan["name"], loan["gender"], loan["birth_date"],
            loan["national_number"], f"{loan['school']} {loan['school_name']}",
            f"{loan['grade']}年级{loan['class']}班",
            _school_at(loan, "origin_school", "origin_region"),
            _region(loan, "hukou_region"), guardian,
            loan["address"] or _region(loan, "residence_region"),
            "、".join(loan["evidence"]), "、".join(loan["approvals"]), period(loan), loan["status_label"]]


def out_row(number: int, loan: dict) -> list:
    return [number, loan["case"], loan["name"], loan["gender"], loan["birth_date"],
            loan["local_number"], loan["national_number"], f"{loan['school']} {loan['school_name']}",
            f"{loan['grade']}年级{loan['class']}班",
            _school_at(loan, "host_school", "host_region"),
            loan["letter"] or "", period(loan), loan["exams_at_home"], loan["status_label"]]


def _sheet(ws, title: str, subtitle: str, headers: list[str], widths: list[float], rows: list[list],
           footer: str) -> None:
    width = len(headers)
    sheets.title_row(ws, 1, title, width)
    sheets.title_row(ws, 2, subtitle, width, font=NOTE_FONT, height=18)
    after = sheets.table(ws, FIRST_ROW, headers, rows, widths, text_columns=set(range(1, width)))
    _fit_rows(ws, FIRST_ROW, [headers], widths)
    _fit_rows(ws, FIRST_ROW + 1, rows, widths)
    if not rows:
        sheets.set_text(ws.cell(row=after, column=1), "(无)")
        ws.merge_cells(start_row=after, start_column=1, end_row=after, end_column=width)
        after += 1
    cell = ws.cell(row=after + 1, column=1)
    sheets.set_text(cell, footer)
    cell.font = NOTE_FONT
    cell.alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(start_row=after + 1, start_column=1, end_row=after + 1, end_column=width)
    ws.row_dimensions[after + 1].height = 30
    ws.freeze_panes = ws.cell(row=FIRST_ROW + 1, column=1)
    sheets.page_setup(ws, landscape=True, title_rows=f"{FIRST_ROW}:{FIRST_ROW}")
    ws.oddFooter.center.text = "第 &P 页,共 &N 页"


def write(path: Path, directory_name: str, loans_in: list[dict] | None, loans_out: list[dict] | None,
          as_of: dt.date, scope: str, operator: str = "") -> Path:
    """`loans_in` / `loans_out` are loans as the register lists them (the dicts of the
    command layer's loan view, cli/views/loans.py); None leaves the sheet out. `scope` says which loans are listed (在借 / 全部)."""
    wb, first = sheets.new_workbook()
    footer = (f"填表人:{signature(operator) or '          '}          负责人:                    "
              f"填报日期:{as_of:%Y年%m月%d日}        (报县教育局教育科备查)")
    made = 0
    for loans, name, title, headers, widths, row in (
            (loans_in, "来本校借读", "借读生登记册", IN_HEADERS, IN_WIDTHS, in_row),
            (loans_out, "外出借读", "外出借读学生名册", OUT_HEADERS, OUT_WIDTHS, out_row)):
        if loans is None:
            continue
        ws = first if made == 0 else wb.create_sheet()
        ws.title = name
        subtitle = f"{name} · {scope} · 截至 {as_of:%Y-%m-%d} · 共 {len(loans)} 人"
        _sheet(ws, f"{directory_name}{title}", subtitle, headers, widths,
               [row(i, loan) for i, loan in enumerate(loans, start=1)], footer)
        made += 1
    return sheets.save(wb, path)
