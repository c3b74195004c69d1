"""Writing the registrar's Excel forms with openpyxl: one place for what every form
needs — text cells that stay text (ID numbers, numbers with leading zeros, and anything
beginning with = + - @, so that nothing from input becomes a formula), A4 page set-up,
borders, and saving atomically with owner-only permissions.

Reading rosters is python-calamine's job (much faster); see the intake importer.
"""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from xueji_cli.values.characters import visible
from xueji_cli.values.errors import InputError, file_reason

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def sign_line(today, *who: str) -> str:
    """The line under a form for the people who answer for it and the date:
    `验章人:____________        负责人:____________        日期:2026年9月1日`."""
    blanks = "        ".join(f"{name}:____________" for name in (*who, "负责人"))
    return f"{blanks}        日期:{today.year}年{today.month}月{today.day}日"


def set_text(cell, value) -> None:
    """Store `value` as a text cell: never a number (ID numbers lose digits as numbers)
    and never a formula (spreadsheet formula injection); a control character a record
    holds shown as its code (a workbook cannot hold one: IllegalCharacterError)."""
    cell.value = "" if value is None else visible(str(value))
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

    if isinstance(value, str):
        value = visible(value)
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
        if isinstance(value, str):
            if value[:1] == "=":
                values[index] = write_only_cell(ws, value)
            elif not value.isprintable():
                values[index] = visible(value)
    ws.append(values)


def append_rows(ws, rows, text_columns=(), text_style=None, body_style=None) -> int:
    """Append many rows of plain values to a write-only sheet, as append_row would: None
    an empty cell, a string that openpyxl would take for a formula written as text, and
    the values of `text_columns` (0-based) as text cells with `text_style` (a cell's
    `_style`, e.g. number format @). With `body_style` every value is a cell of that
    style, None and every string a text cell, as `table` writes a bordered form.
    Returns the number of rows written.

    Fast for a roster of 100 000 rows: openpyxl turns each value of a row into a cell one
    at a time and, for a cell that carries a style, makes a fresh cell object for the
    next value (a styled cell passed in also goes through a failed conversion first). A
    write-only sheet writes each row out as it is appended, so here one cell object per
    text column and one for every other value are reused row after row, with the value
    bound by openpyxl's own setter (its type, illegal-character check and formula
    detection are those of ws.append). Relies on openpyxl's write-only internals (the
    pinned 3.1 series); without them each row goes through append_row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    styled = {}
    for index in text_columns:
        cell = WriteOnlyCell(ws)
        if text_style is not None:
            cell._style = text_style
        styled[index] = cell
    if body_style is not None:
        rows = _boxed(ws, rows, set(text_columns), body_style)
        styled = {}
    if not callable(getattr(ws, "_values_to_row", None)):
        return _append_each(ws, rows, styled)
    plain = [WriteOnlyCell(ws)]

    def cells(values, row_index):
        for index, value in enumerate(values):
            if value is None:
                continue
            if value.__class__ is Cell:  # a boxed cell, its value bound already
                value.column = index + 1
                value.row = row_index
                yield value
                continue
            cell = styled.get(index) if value != "" else None
            if cell is not None:
                cell.value = visible(str(value))
                cell.data_type = "s"
            else:
                cell = plain[0]
                cell.value = visible(value) if value.__class__ is str else value
                if cell.data_type == "f":  # a string beginning with =: text, never a formula
                    cell.data_type = "s"
            cell.column = index + 1
            cell.row = row_index
            yield cell
            if cell is plain[0] and cell.has_style:  # a date took a number format
                plain[0] = WriteOnlyCell(ws)

    ws._values_to_row = cells  # this sheet's rows are turned into cells here
    written = 0
    try:
        for values in rows:
            ws.append(values)
            written += 1
    finally:
        del ws._values_to_row
    return written


def _boxed(ws, rows, text_columns: set[int], style):
    """Each row as cells of `style`, one cell object per column reused row after row (a
    write-only sheet writes a row out as it is appended): numbers as numbers, None and
    strings and the values of `text_columns` as text (see set_value)."""
    from openpyxl.cell import WriteOnlyCell

    def box():
        cell = WriteOnlyCell(ws)
        cell._style = copy.copy(style)  # its own: a date's number format changes it in place
        return cell

    boxes: list = []
    for values in rows:
        while len(boxes) < len(values):
            boxes.append(box())
        for index, value in enumerate(values):
            cell = boxes[index]
            if value is None or value.__class__ is str or index in text_columns:
                cell.value = "" if value is None else visible(str(value))
                cell.data_type = "s"
            else:
                cell.value = value
                if cell._style != style:  # a date took a number format: that cell only
                    boxes[index] = box()
            values[index] = cell
        yield values


def _append_each(ws, rows, styled: dict) -> int:
    written = 0
    for values in rows:
        for index, cell in styled.items():
            value = values[index]
            if value is not None and value != "":
                values[index] = write_only_cell(ws, str(value), cell._style)
        append_row(ws, values)
        written += 1
    return written


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


def xlsx_path(path: Path | str, example: str = "花名册.xlsx", field: str = "file") -> Path:
    """Where save() writes for the name the registrar gave: the name as given when it ends
    in .xlsx, otherwise with .xlsx added. No name, or the name of an existing folder (the
    registrar meant "into that folder", and `--xlsx D:/材料` would otherwise write
    `D:/材料.xlsx` beside it), is refused with a whole file name to use (`example`), as
    an InputError of `field` (the option that named the file)."""
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise InputError(field, "没有给出文件名" if str(path) in ("", ".") else f"「{path}」没有文件名",
                         f"写出文件名,如 {example}")
    if os.path.isdir(path):  # False, not an error, for a name the system cannot look up
        raise InputError(field, f"「{path}」是一个文件夹,不是文件名",
                         f"在文件夹后写上文件名,如 {path / example}")
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(path.suffix + ".xlsx") if path.suffix else path.with_suffix(".xlsx")
    return path


def new_file(path: Path | str, force: bool, field: str = "xlsx", example: str = "花名册.xlsx") -> Path:
    """The file save() will write for the name the registrar gave (xlsx_path), checked
    before any work is done: an existing file is refused, left as it is, unless the
    registrar said --force — a stamped form or a month's report is never replaced
    silently by a later run."""
    target = xlsx_path(path, example, field)
    if not force and target.exists():
        raise InputError(field, f"文件 {target} 已存在,未改动",
                         "换一个文件名;确要用新表格替换它,加 --force")
    return target


def save(wb: Workbook, path: Path) -> Path:
    """Write atomically (a half-written form never replaces a good one) and readable by
    the owner only (the file holds personal data). A place that cannot be written is the
    registrar's input to correct (InputError), never a traceback."""
    try:
        path = xlsx_path(path)
    except InputError:
        _discard(wb)
        raise
    for ws in wb.worksheets:  # a sheet named after a school or a file holding a control character
        if not ws.title.isprintable():
            ws.title = visible(ws.title)[:31]  # Excel's longest sheet name
    try:
        _make_folders(path.parent)
        # Named by the process (store/leftovers.py removes the file of a killed one).
        fd, temp = tempfile.mkstemp(prefix=f".xueji-{os.getpid()}-", suffix=".xlsx",
                                    dir=path.parent)
    except OSError as exc:
        _discard(wb)
        raise _unwritable(path, exc) from None
    os.close(fd)
    try:
        os.chmod(temp, 0o600)
        wb.save(temp)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _make_folders(folder: Path) -> None:
    """The folders the registrar named, each made readable by the owner only (they hold
    personal data), whatever the umask; folders already there are left as they are."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)  # a umask narrows mkdir's mode: the owner must still write


def _unwritable(path: Path, exc: OSError) -> InputError:
    return InputError("file", f"无法保存 {path}:{file_reason(exc)}",
                      "换一个可以写入的文件夹(如 桌面 或 文档)和文件名;若该文件正在 Excel/WPS 中打开,先关闭")


def _discard(wb: Workbook) -> None:
    """A write-only workbook's rows are streamed through generators that complain when
    they are dropped unfinished: finish them into memory and throw the result away."""
    if getattr(wb, "write_only", False):
        import io

        try:
            wb.save(io.BytesIO())
        except Exception:  # noqa: BLE001 — only quieting a workbook that will not be used
            pass
