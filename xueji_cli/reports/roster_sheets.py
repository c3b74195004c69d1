"""The numbered roster (花名册), written with openpyxl in write-only mode through
excel/sheets.py (text cells, A4, atomic owner-only save): a title row, the header
repeated on every printed page and frozen on screen, A4 landscape, sensible widths; ID
and number columns as text cells (number format @), so that Excel never turns them into
numbers that lose digits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from xueji_cli.excel import sheets


def write_roster(path: Path, heading: str | None, layout, rows: Iterable[list],
                 footer: str | None = None) -> tuple[Path, int]:
    """The numbered roster of `layout` (reports/roster.Layout) in write-only mode (fast
    for 100 000 rows). Returns (path, rows written). Borders are printed as grid lines
    rather than styled on every cell. Without a `heading` the header is row 1, as the
    national system's import expects. The layout's hidden columns stay in the file (it
    imports again) but do not print; text of free length wraps inside its cell, so that
    nothing runs past the last column; `footer`, the lines for the stamp and signatures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    headers, count, hidden = layout.headers, len(layout.headers), layout.hidden_columns
    for col, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        ws.column_dimensions[get_column_letter(col)].hidden = col - 1 in hidden
    top = 1 if heading is None else 2
    ws.freeze_panes = f"A{top + 1}"
    sheets.page_setup(ws, landscape=True, title_rows=f"1:{top}")
    ws.print_options.gridLines = True
    if heading is not None:
        title = sheets.write_only_cell(ws, heading)
        title.font, title.alignment = sheets.TITLE_FONT, sheets.CENTER
        ws.row_dimensions[1].height = 28
        sheets.append_row(ws, [title])
        if count > 1:
            ws.merged_cells.add(f"A1:{get_column_letter(count)}1")
    header_cells = []
    for text in headers:
        cell = sheets.write_only_cell(ws, text)
        cell.font, cell.alignment, cell.border = sheets.HEADER_FONT, sheets.CENTER, sheets.BORDER
        header_cells.append(cell)
    sheets.append_row(ws, header_cells)
    text_style = sheets.write_only_cell(ws, "")
    text_style.number_format = "@"
    # wrapped, at the foot of the cell like the plain cells beside it
    text_style.alignment = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
    text_columns = layout.text_columns | layout.wrapped_columns
    wrapped = sorted(layout.wrapped_columns - hidden)
    written = sheets.append_rows(ws, _heights(ws, rows, top + 1, wrapped, layout.widths),
                                 sorted(text_columns), text_style._style)
    if footer:
        line = sheets.write_only_cell(ws, footer)
        line.font, line.alignment = sheets.BODY_FONT, sheets.LEFT
        sheets.append_row(ws, [])
        sheets.append_row(ws, [line])
        row = written + top + 2
        ws.row_dimensions[row].height = 30
        ws.merged_cells.add(f"A{row}:{get_column_letter(count)}{row}")
    return sheets.save(wb, path), written


LINE_HEIGHT = 13.5  # points: one line of 10 pt text


def _heights(ws, rows: Iterable[list], first: int, wrapped: list[int], widths: list[float]):
    """The rows as they are, each given the height its longest wrapped text needs (a
    write-only sheet writes a row's height with the row; without it the lines overlap).
    A character's width: its UTF-8 length and its own averaged, 2 for a Chinese one; a
    tenth more for the lines broken early at a space or a bracket."""
    fits = [(index, max(widths[index] - 2, 1) / 1.1) for index in wrapped]
    for number, values in enumerate(rows, start=first):
        lines = 1
        for index, fit in fits:
            value = values[index]
            if value.__class__ is str and len(value) * 2 > fit:
                lines = max(lines, math.ceil((len(value.encode()) + len(value)) / 2 / fit))
        if lines > 1:
            ws.row_dimensions[number].height = LINE_HEIGHT * lines
        yield values
