"""The September stamp list (验章名册, one sheet per school) and the headcount check sheet
(学籍核对表) as printable xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.styles import Font

from xueji_cli.excel import sheets
from xueji_cli.excel.sheets import set_text
from xueji_cli.reports.verify import Verification

STAMP_HEADERS = ["序号", "学籍号", "全国学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班级",
                 "新生", "备注", "验章"]
CHECK_HEADERS = ["学校", "年级", "班级", "在籍", "其中休学", "外出借读", "来本校借读", "应到人数",
                 "实到人数", "差额", "核对人"]


def write(result: Verification, path, unit: str, today: dt.date) -> Path:
    wb, first = sheets.new_workbook()
    check = first
    check.title = "学籍核对表"
    _check_sheet(check, result, unit, today)
    for info in result.schools:
        _stamp_sheet(wb.create_sheet(f"验章名册{info['school']}"), info, result, today)
    return sheets.save(wb, Path(path))


def _footer(ws, row: int, width: int, today: dt.date, who: str = "核对人") -> None:
    cell = ws.cell(row=row, column=1)
    set_text(cell, sheets.sign_line(today, who))
    cell.font = Font(name="宋体", size=11)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _check_sheet(ws, result: Verification, unit: str, today: dt.date) -> None:
    width = len(CHECK_HEADERS)
    sheets.title_row(ws, 1, f"{unit}学籍核对表({result.year}年秋季学期)", width)
    set_text(ws.cell(row=2, column=1), f"按学籍截至 {result.as_of:%Y年%m月%d日};"
                                       "“实到人数”由班主任清点后填写,与应到人数不符的写明原因 (REP-2)")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    rows = [[f"{c['school']} {c['school_name']}", c["grade"], c["class"], c["register"], c["suspended"],
             c["borrowed_out"], c["borrowing_here"], c["expected"], "", "", ""] for c in result.classes]
    end = sheets.table(ws, 3, CHECK_HEADERS, rows, widths=[20, 6, 6, 7, 8, 8, 9, 8, 9, 7, 10])
    _footer(ws, end + 1, width, today)
    sheets.page_setup(ws, landscape=False, title_rows="3:3")


def _stamp_sheet(ws, info: dict, result: Verification, today: dt.date) -> None:
    width = len(STAMP_HEADERS)
    sheets.title_row(ws, 1, f"{info['school_name']}{result.year}年学籍验章名册", width)
    set_text(ws.cell(row=2, column=1),
             f"学校代码 {info['school']};在籍 {info['register']} 人,其中{result.year}年新生 "
             f"{info['new_intake']} 人;按学籍截至 {result.as_of:%Y年%m月%d日}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    rows = [[n, s["local_number"] or "", s["national_number"], s["name"], s["gender"], s["birth_date"],
             s["id_number"], s["grade"], s["class"], "新生" if s["new"] else "", s["note"], ""]
            for n, s in enumerate(info["students"], start=1)]
    end = sheets.table(ws, 3, STAMP_HEADERS, rows,
                       widths=[5, 16, 22, 9, 5, 11, 20, 5, 5, 5, 16, 8], text_columns={1, 2, 6})
    _footer(ws, end + 1, width, today, "验章人")
    ws.freeze_panes = "A4"
    sheets.page_setup(ws, landscape=True, title_rows="3:3")
