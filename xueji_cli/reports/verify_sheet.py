"""The September stamp list (验章名册, one sheet per school) and the headcount check sheet
(学籍核对表) as printable xlsx."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl.styles import Font

from xueji_cli.excel import sheets
from xueji_cli.reports.verify import Verification
from xueji_cli.values.described import in_office_words

STAMP_HEADERS = ["序号", "学籍号", "全国学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班级",
                 "新生", "备注", "验章"]
CHECK_HEADERS = ["学校", "年级", "班级", "在籍", "其中休学", "外出借读", "来本校借读", "应到人数",
                 "实到人数", "差额", "核对人"]


def write(result: Verification, path, unit: str, today: dt.date) -> Path:
    """The check sheet, then one stamp list per school, in openpyxl's write-only mode (a
    county's 100 000 rows): each row written as it is made, every cell bordered as on
    paper."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _check_sheet(wb.create_sheet("学籍核对表"), result, unit, today)
    for info in result.schools:
        _stamp_sheet(wb.create_sheet(f"验章名册{info['school']}"), info, result, today)
    return sheets.save(wb, Path(path))


def _check_sheet(ws, result: Verification, unit: str, today: dt.date) -> None:
    rows = ([f"{c['school']} {c['school_name']}", c["grade"], c["class"], c["register"], c["suspended"],
             c["borrowed_out"], c["borrowing_here"], c["expected"], "", "", ""] for c in result.classes)
    _form(ws, Form(f"{unit}学籍核对表({result.year}年秋季学期)",
                   f"按学籍截至 {result.as_of:%Y年%m月%d日};"
                   "“实到人数”由班主任清点后填写,与应到人数不符的写明原因",
                   CHECK_HEADERS, [20, 6, 6, 7, 8, 8, 9, 8, 9, 7, 10], set(), "核对人", landscape=False),
          rows, today)


def _stamp_sheet(ws, info: dict, result: Verification, today: dt.date) -> None:
    rows = ([n, s["local_number"] or "", s["national_number"], s["name"], s["gender"], s["birth_date"],
             s["id_number"], s["grade"], s["class"], "新生" if s["new"] else "", in_office_words(s["note"]), ""]
            for n, s in enumerate(info["students"], start=1))
    ws.freeze_panes = "A4"
    _form(ws, Form(f"{info['school_name']}{result.year}年学籍验章名册",
                   f"学校代码 {info['school']};在籍 {info['register']} 人,其中{result.year}年新生 "
                   f"{info['new_intake']} 人;按学籍截至 {result.as_of:%Y年%m月%d日}",
                   STAMP_HEADERS, [5, 16, 22, 9, 5, 11, 20, 5, 5, 5, 16, 8], {1, 2, 6}, "验章人",
                   landscape=True),
          rows, today)


@dataclass(frozen=True)
class Form:
    title: str
    note: str
    headers: list[str]
    widths: list[float]
    text_columns: set[int]
    who: str
    landscape: bool


def _form(ws, form: Form, rows, today: dt.date) -> None:
    """Title (row 1) and note (row 2) across the form, the bold header (row 3, repeated
    on every printed page), the bordered rows, and the line for signatures below them."""
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(form.headers))
    for col, width in enumerate(form.widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    sheets.page_setup(ws, landscape=form.landscape, title_rows="3:3")
    title = sheets.write_only_cell(ws, form.title)
    title.font, title.alignment = sheets.TITLE_FONT, sheets.CENTER
    ws.row_dimensions[1].height = 28
    sheets.append_row(ws, [title])
    sheets.append_row(ws, [sheets.write_only_cell(ws, form.note)])
    header = []
    for text in form.headers:
        cell = sheets.write_only_cell(ws, text)
        cell.font, cell.alignment, cell.border = sheets.HEADER_FONT, sheets.CENTER, sheets.BORDER
        header.append(cell)
    sheets.append_row(ws, header)
    body = sheets.write_only_cell(ws, "")
    body.font, body.alignment, body.border = sheets.BODY_FONT, sheets.CENTER, sheets.BORDER
    written = sheets.append_rows(ws, rows, sorted(form.text_columns), body_style=body._style)
    footer = sheets.write_only_cell(ws, sheets.sign_line(today, form.who))
    footer.font = Font(name="宋体", size=11)
    sheets.append_row(ws, [])  # a blank row between the table and the signatures
    sheets.append_row(ws, [footer])
    end = written + 5
    for row in (1, 2, end):
        ws.merged_cells.add(f"A{row}:{last}{row}")
