"""Writing the registrar's Excel forms with openpyxl: one place for what every form
needs — text cells that stay text (ID numbers, numbers with leading zeros, and anything
beginning with = + - @, so that nothing from input becomes a formula), A4 page set-up,
borders, and saving atomically with owner-only permissions.

Reading rosters is python-calamine's job (much faster); see the intake importer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def set_text(cell, value) -> None:
    """Store `value` as a text cell: never a number (ID numbers lose digits as numbers)
    and never a formula (spreadsheet formula injection)."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"


def set_value(cell, value) -> None:
    """Numbers and dates as such; every string as text (see set_text)."""
    if isinstance(value, str) or value is None:
        set_text(cell, value)
    else:
        cell.value = value


def write_only_cell(ws, value, style=None):
    """A cell for a write-only sheet, text kept as text (never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"
    if style is not None:
        cell._style = style
    return cell


def append_row(ws, values: list) -> None:
    """Append a row to a write-only sheet. Plain values are fast; a string that openpyxl
    would take for a formula (it begins with =) is written as a text cell instead."""
    for index, value in enumerate(values):
        if isinstance(value, str) and value[:1] == "=":
            values[index] = write_only_cell(ws, value)
    ws.append(values)


def page_setup(ws: Worksheet, landscape: bool = True, title_rows: str | None = None,
               fit_width: bool = True) -> None:
    """A4, optionally landscape, fitted to the page width, header rows repeated."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # (also for write-only sheets)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def title_row(ws: Worksheet, row: int, text: str, width: int, font: Font = TITLE_FONT,
              height: float = 28) -> None:
    """A title merged across `width` columns."""
    cell = ws.cell(row=row, column=1)
    set_text(cell, text)
    cell.font = font
    cell.alignment = CENTER
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = height


def table(ws: Worksheet, top: int, headers: list[str], rows: list[list], widths: list[float] | None = None,
          text_columns: set[int] | None = None) -> int:
    """A bordered table with a bold header at row `top`; returns the next free row.
    Columns in `text_columns` (0-based) are written as text whatever their values."""
    text_columns = text_columns or set()
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=top, column=col)
        set_text(cell, header)
        cell.font, cell.alignment, cell.border = HEADER_FONT, CENTER, BORDER
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            (set_text if c - 1 in text_columns else set_value)(cell, value)
            cell.font, cell.alignment, cell.border = BODY_FONT, CENTER, BORDER
    for col, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=top, column=col).column_letter].width = width
    return top + 1 + len(rows)


def new_workbook() -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    return wb, wb.active


def _discard(wb: Workbook) -> None:
    """Close the sheets of a write-only workbook that will not be saved: their streams
    would otherwise end with a traceback on the screen when the program exits."""
    if not getattr(wb, "write_only", False):
        return
    for ws in wb.worksheets:
        try:
            ws.close()
        except Exception:  # noqa: BLE001 - closing what is thrown away
            pass


def save(wb: Workbook, path: Path) -> Path:
    """Write atomically (a half-written form never replaces a good one) and readable by
    the owner only (the file holds personal data)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(path.suffix + ".xlsx") if path.suffix else path.with_suffix(".xlsx")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".xueji-", suffix=".xlsx", dir=path.parent)
    except OSError as exc:  # named after the file asked for, not the folder or a temp file
        _discard(wb)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    os.close(fd)
    try:
        os.chmod(temp, 0o600)
        wb.save(temp)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
