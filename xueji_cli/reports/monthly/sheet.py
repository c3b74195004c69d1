"""The monthly report as the bureau's paper form (xlsx, through excel/sheets.py):
sheet 1 the summary form, sheet 2 the change list, sheet 3 a chart of increases and
decreases per school."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xueji_cli.excel import sheets
from xueji_cli.excel.sheets import BODY_FONT, BORDER, CENTER, HEADER_FONT, LEFT, set_text, set_value
from xueji_cli.reports.monthly import document as core
from xueji_cli.values import operators
from xueji_cli.values.described import in_office_words

# (group header, [(column header, value of a row)]) — the form's columns left to right.
GROUPS = [
    ("学校", [("学校", None)]),
    ("年级", [("年级", None)]),
    ("期初\n在籍", [("期初在籍", lambda r: r.opening)]),
    ("补报(上报后补录)", [("补报增", lambda r: r.late_in), ("补报减", lambda r: r.late_out)]),
    ("本月增加", [("新生入学", lambda r: r.inc["enrolled"]), ("转入", lambda r: r.inc["transferred_in"]),
              ("其他", lambda r: r.inc["other"]), ("小计", lambda r: r.increase)]),
    ("本月减少", [("转出", lambda r: r.dec["transferred_out"]), ("退学", lambda r: r.dec["withdrawn"]),
              ("死亡", lambda r: r.dec["died"]), ("毕业", lambda r: r.dec["graduated"]),
              ("其他", lambda r: r.dec["other"]), ("小计", lambda r: r.decrease)]),
    ("期末\n在籍", [("期末在籍", lambda r: r.closing)]),
    ("休学与复学(在籍人数不变)", [("本月休学", lambda r: r.suspended), ("本月复学", lambda r: r.resumed),
                       ("期末休学", lambda r: r.suspended_now)]),
    ("借读(不计入在籍)", [("本月来本校", lambda r: r.borrowed_in), ("本月外出", lambda r: r.borrowed_out),
                   ("本月结束", lambda r: r.ended_in + r.ended_out),
                   ("期末来本校", lambda r: r.borrowing_here)]),
    ("期末\n在校", [("期末在校", lambda r: r.at_school)]),
]
COLUMNS = [column for _group, columns in GROUPS for column in columns]
HEADER_TOP, HEADER_BOTTOM = 4, 5


def write(document: dict, names: dict[str, str], path, title: str, unit: str, today: dt.date,
          operator: str) -> Path:
    """The form of a report document (reports/monthly/document.as_document, or a
    submitted month's as it was kept); `names`: school code → name."""
    wb, ws = sheets.new_workbook()
    ws.title = "月报表"
    _summary(ws, document, names, title, unit, today, operator)
    _changes(wb.create_sheet("变动名单"), document, names, title)
    _chart(wb.create_sheet("增减图"), document, names, title)
    return sheets.save(wb, Path(path))


def _summary(ws, document: dict, names: dict, title: str, unit: str, today: dt.date,
             operator: str) -> None:
    width = len(COLUMNS)
    sheets.title_row(ws, 1, title, width)
    set_text(ws.cell(row=2, column=1), f"填报单位(盖章):{unit}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
    set_text(ws.cell(row=2, column=width - 3), "单位:人")
    ws.merge_cells(start_row=2, start_column=width - 3, end_row=2, end_column=width)
    ws.cell(row=2, column=width - 3).alignment = Alignment(horizontal="right")
    set_text(ws.cell(row=3, column=1), f"统计期间:{document['month']}" + _submitted(document))
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    column = 1
    for group, columns in GROUPS:
        top = ws.cell(row=HEADER_TOP, column=column)
        set_text(top, group)
        if len(columns) == 1:
            ws.merge_cells(start_row=HEADER_TOP, start_column=column, end_row=HEADER_BOTTOM,
                           end_column=column)
        else:
            ws.merge_cells(start_row=HEADER_TOP, start_column=column, end_row=HEADER_TOP,
                           end_column=column + len(columns) - 1)
            for offset, (name, _value) in enumerate(columns):
                set_text(ws.cell(row=HEADER_BOTTOM, column=column + offset), name)
        column += len(columns)
    for row in (HEADER_TOP, HEADER_BOTTOM):
        for col in range(1, width + 1):
            cell = ws.cell(row=row, column=col)
            cell.font, cell.alignment, cell.border = HEADER_FONT, CENTER, BORDER
    ws.row_dimensions[HEADER_TOP].height = 30
    ws.row_dimensions[HEADER_BOTTOM].height = 30
    line = HEADER_BOTTOM + 1
    for row in map(core.row_from_dict, document["rows"]):
        school = row.school_id
        subtotal = row.grade is None
        values = [f"{school} {names.get(school, '')}" if school else "全镇合计",
                  row.grade if not subtotal else ("小计" if school else "")]
        values += [value(row) for _name, value in COLUMNS[2:]]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=line, column=col)
            set_value(cell, value)
            cell.border, cell.alignment = BORDER, CENTER
            cell.font = Font(name="宋体", size=10, bold=subtotal)
        line += 1
    notes = ("说明:1. 期末在籍 = 期初在籍 + 增加小计 − 减少小计。2. 休学生、外出借读生仍在籍,"
             "休学、复学和借读不改变在籍人数,只改变在校人数;期末在校 = 期末在籍 − 期末休学 − 外出借读 + 来本校借读。"
             "3. 其他增减含年级间调动(升级、留级、跳级)。4. 补报:已上报月份在上报后补录的变动,按实际日期列在变动名单的补报部分。")
    cell = ws.cell(row=line + 1, column=1)
    set_text(cell, notes)
    cell.font, cell.alignment = BODY_FONT, LEFT
    ws.merge_cells(start_row=line + 1, start_column=1, end_row=line + 1, end_column=width)
    ws.row_dimensions[line + 1].height = 32
    signature = (f"填表人:{operators.signature(operator) or '____________'}        负责人:____________        "
                 f"填报日期:{today.year}年{today.month}月{today.day}日")
    cell = ws.cell(row=line + 3, column=1)
    set_text(cell, signature)
    cell.font = Font(name="宋体", size=11)
    ws.merge_cells(start_row=line + 3, start_column=1, end_row=line + 3, end_column=width)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 6
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 7.5
    ws.freeze_panes = ws.cell(row=HEADER_BOTTOM + 1, column=3)
    sheets.page_setup(ws, landscape=True, title_rows=f"{HEADER_TOP}:{HEADER_BOTTOM}")


CHANGE_HEADERS = ["序号", "日期", "学校", "年级", "班级", "学籍号", "姓名", "全国学籍号", "类别",
                  "计入栏目", "原", "现", "原因", "证明材料", "标记"]


def fit_rows(ws, first: int, last: int, line_height: float = 14.0) -> None:
    """Row heights for wrapped text (spreadsheet programs do not grow a row that a
    program wrote): enough lines for the longest cell, a CJK character counting two."""
    widths = {letter: dim.width or 8.43 for letter, dim in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=first, max_row=last):
        lines = 1
        for cell in row:
            text = "" if cell.value is None else str(cell.value)
            if not text or not hasattr(cell, "column_letter"):
                continue
            units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
            width = widths.get(cell.column_letter, 8.43)
            lines = max(lines, -(-units // max(1, int(width * 0.95))))
        ws.row_dimensions[row[0].row].height = line_height * lines + 2


def _submitted(document: dict) -> str:
    submitted = document.get("submitted")
    return f"(本表为 {submitted['submitted_on']} 上报的版本,第 {submitted['version']} 版)" if submitted else ""


def _changes(ws, document: dict, names: dict, title: str) -> None:
    sheets.title_row(ws, 1, f"{title}变动名单", len(CHANGE_HEADERS))
    rows = []
    late = [dict(c, kind_label=f"补报:{c['kind_label']}") for c in document.get("late", [])]
    for n, c in enumerate(document["changes"] + late, start=1):
        rows.append([n, c["date"], f"{c['school']} {names.get(c['school'], '')}" if c["school"] else "", c["grade"],
                     c["class"], c["local_number"] or "(借读)", c["name"] or "", c["national_number"],
                     c["kind_label"], c["column_label"], c["from"], c["to"], c["reason"] or "",
                     "、".join(str(e) for e in c["evidence"]),
                     ";".join(in_office_words(f) for f in c["flags"])])
    if not rows:
        rows = [["", "", "本月没有学籍变动"] + [""] * (len(CHANGE_HEADERS) - 3)]
    sheets.table(ws, 2, CHANGE_HEADERS, rows,
                 widths=[5, 11, 16, 5, 5, 16, 9, 22, 10, 10, 18, 18, 14, 16, 24],
                 text_columns={1, 5, 7})
    for row in ws.iter_rows(min_row=3, max_row=2 + len(rows)):
        for cell in row[10:]:
            cell.alignment = LEFT
    fit_rows(ws, 3, 2 + len(rows))
    ws.freeze_panes = "A3"
    sheets.page_setup(ws, landscape=True, title_rows="2:2")


def _chart(ws, document: dict, names: dict, title: str) -> None:
    sheets.title_row(ws, 1, f"{title}:各校增减人数", 12)
    data = []
    for row in map(core.row_from_dict, document["rows"]):
        if row.school_id is not None and row.grade is None:
            data.append([names.get(row.school_id, row.school_id), row.increase + row.late_in,
                         row.decrease + row.late_out, row.suspended, row.resumed])
    sheets.table(ws, 2, ["学校", "增加", "减少", "休学", "复学"], data, widths=[18, 8, 8, 8, 8])
    chart = BarChart()
    chart.type = "col"
    chart.title = "各校本月增加与减少人数"
    chart.y_axis.title = "人数"
    chart.x_axis.title = "学校"
    values = Reference(ws, min_col=2, max_col=3, min_row=2, max_row=2 + max(1, len(data)))
    categories = Reference(ws, min_col=1, min_row=3, max_row=2 + max(1, len(data)))
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(categories)
    chart.width, chart.height = 22, 11
    ws.add_chart(chart, f"A{len(data) + 5}")
    sheets.page_setup(ws, landscape=True)
