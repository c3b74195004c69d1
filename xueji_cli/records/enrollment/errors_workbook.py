"""The intake's errors workbook (问题表), written with openpyxl through excel/sheets.py (text
cells, A4, atomic owner-only save): the rows of the schools' rosters as they were read,
with a 问题 column in front saying what is wrong with each and how to fix it, ready to be
corrected and imported again (the importer ignores the 问题 and 原表行号 columns).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.excel import reader as roster_reader
from xueji_cli.excel import sheets

if TYPE_CHECKING:
    from xueji_cli.records.enrollment.intake import Batch, Row

PROBLEM_HEADER = "问题"
ROW_HEADER = "原表行号"


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        suffix = f"-{n}"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _problem_text(row: Row) -> str:
    if row.status == "already":
        return f"已在籍(学籍号 {row.existing}),不会重复登记"
    lines = []
    for v in row.errors + row.warnings:
        column = row.sheet.header_for_field().get(v.field, "")
        where = f"[{column}] " if column else ""
        tag = "" if v.is_error else "(提醒)"
        lines.append(f"{v.rule}{tag} {where}{v.message}" + (f" → {v.hint}" if v.hint else ""))
    return "\n".join(lines)


def write_errors(path: Path, batch: Batch, only_invalid: bool,
                 column_width: Callable[[str, str], float]) -> Path:
    """One sheet per roster sheet: 问题, 原表行号, then the original columns. With
    `only_invalid` (--skip-invalid) the invalid rows; otherwise every row (fix the
    marked ones and send the whole file again). `column_width(key, header)`: a column's
    width in characters, as the numbered roster has it (reports/roster.width)."""
    from openpyxl.styles import Font, PatternFill

    wanted: dict[tuple[Path, str], dict[int, object]] = {}
    for row in batch.rows:
        if row.status == "invalid" or not only_invalid:
            wanted.setdefault((row.sheet.path, row.sheet.name), {})[row.number] = row
    wb, first = sheets.new_workbook()
    used: set[str] = set()
    red = Font(name="宋体", size=10, color="C00000")
    flagged = PatternFill("solid", fgColor="FDE9E7")
    workbooks: dict[Path, object] = {}
    for layout in batch.sheets:
        picked = wanted.get((layout.path, layout.name))
        if not picked:
            continue
        ws = first if first is not None else wb.create_sheet()
        first = None
        ws.title = _sheet_title(f"{layout.path.stem}-{layout.name}", used)
        width = max(layout.headers) + 1
        headers = [PROBLEM_HEADER, ROW_HEADER] + [layout.headers.get(c, "") for c in range(width)]
        invalid = sum(1 for r in picked.values() if r.status == "invalid")
        sheets.title_row(ws, 1, f"{layout.path.name}「{layout.name}」:{invalid} 行有问题"
                         "(见「问题」列;改正后可直接重新导入)", min(len(headers), 12),
                         font=sheets.HEADER_FONT, height=22)
        if layout.path not in workbooks:
            workbooks[layout.path] = roster_reader.open_workbook(layout.path)
        values = []
        for number, cells in roster_reader.rows(layout, workbooks[layout.path]):
            if number in picked:
                row = picked[number]
                values.append([_problem_text(row), number] + [_cell(v) for v in cells[:width]])
        text_columns = {i + 2 for i, c in layout.mapped.items()}  # read columns stay text
        widths = [PROBLEM_WIDTH, 8] + [
            column_width(_key(layout.mapped.get(c)), layout.headers.get(c, ""))
            for c in range(width)]
        sheets.table(ws, 2, headers, values, widths=widths, text_columns=text_columns)
        for r, row_values in enumerate(values, start=3):
            problem = ws.cell(row=r, column=1)
            problem.alignment = sheets.LEFT
            lines = sum(1 + len(line) // (PROBLEM_WIDTH // 2 - 2)
                        for line in (row_values[0] or "").splitlines())
            ws.row_dimensions[r].height = max(15, 13.5 * lines)
            if picked[row_values[1]].status == "invalid":
                problem.font, problem.fill = red, flagged
            for c, value in enumerate(row_values, start=1):
                if isinstance(value, (dt.date, dt.datetime)):
                    ws.cell(row=r, column=c).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "C3"
        sheets.page_setup(ws, landscape=True, title_rows="1:2")
    return sheets.save(wb, path)


PROBLEM_WIDTH = 60


def _key(column) -> str:
    return column.key if column else ""


def _cell(value):
    """A cell as it was read: numbers stay numbers (a lost ID number shows as such)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value
