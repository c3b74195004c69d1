"""Reading the schools' rosters (.xlsx, .xls, .ods) with python-calamine.

Real rosters carry title rows above the header, merged cells, blank rows (and template
rows numbered but empty) and notes below the data. This module finds the header row,
maps its columns through excel/columns.py, fills merged cells, skips what is not
data, and turns every broken file into an InputError that says what is wrong and how to
fix the file: wrong or missing headers (listing what was expected), a text or web page
file named .xls/.xlsx, a password-protected workbook, an empty sheet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xueji_cli.excel import columns as rc
from xueji_cli.excel.files import file_error, open_workbook, prefetched_sheet, visible_sheets
from xueji_cli.values.errors import InputError

__all__ = ["open_workbook"]  # the reader's callers open the files through it

HEADER_SEARCH_ROWS = 30
MIN_HEADER_COLUMNS = 3
NOTE_WORDS = ("注", "备注", "说明", "填表", "制表", "审核", "合计", "总计", "共计", "以上",
              "校长", "负责人", "经办", "日期", "签字", "盖章", "联系人")

@dataclass
class Sheet:
    """One worksheet's layout: where the header is and what each column holds."""

    path: Path
    name: str
    header_row: int  # 1-based, as Excel shows it
    first_data_row: int  # 0-based index of the first row below the header
    start_col: int  # calamine trims empty columns on the left
    headers: dict[int, str]  # relative column -> header text as written
    mapped: dict[int, rc.Column]  # relative column -> column of the map
    unknown: list[str] = field(default_factory=list)
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    notes_from: int | None = None  # the row where notes below the data begin
    data: object = None  # calamine's sheet while it is being read (parsing it again is slow)

    @functools.cached_property
    def file_name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return f"{self.path.name}「{self.name}」"

    def column_of(self, key: str) -> str | None:
        for index, column in self.mapped.items():
            if column.key == key:
                return self.headers[index]
        return None

    def header_for_field(self) -> dict[str, str]:
        """Violation field -> the header of the column it came from."""
        out: dict[str, str] = {}
        for index, column in self.mapped.items():
            out.setdefault(column.problem_field, self.headers[index])
            if column.satisfies:
                out.setdefault(column.satisfies, self.headers[index])
        return out


def _merge_fill(merges, first_row: int) -> dict[int, list[tuple[int, int, int]]]:
    """row -> [(col, top, left)] for cells covered by a merge (not its top-left cell)."""
    fill: dict[int, list[tuple[int, int, int]]] = {}
    for (top, left), (bottom, right) in merges:
        if bottom < first_row or (bottom - top + 1) * (right - left + 1) > 100_000:
            continue
        for row in range(max(top, first_row), bottom + 1):
            for col in range(left, right + 1):
                if (row, col) != (top, left):
                    fill.setdefault(row, []).append((col, top, left))
    return fill


def _header_cells(rows: list[list], index: int, start_col: int, merges) -> list[str]:
    """The texts of one candidate header row: a header cell merged down from the row above
    is filled, and a group label above (家庭成员1 over 姓名, 关系 …) is joined to the cell
    below it when that names a known column."""
    row = [rc.cell_text(v) for v in rows[index]]
    groups: dict[int, str] = {}
    for (top, left), (bottom, right) in merges:
        lo, hi = left - start_col, right - start_col
        if top >= len(rows) or not 0 <= lo < len(rows[top]):
            continue
        value = rc.cell_text(rows[top][lo])
        columns = range(lo, min(hi + 1, len(row)))
        if top < index <= bottom:  # merged down into this row
            for col in columns:
                row[col] = row[col] or value
        elif bottom == index - 1 and right > left:  # a group label just above
            for col in columns:
                groups[col] = value
    return [(groups[c] + text if c in groups and rc.find(groups[c] + text) else text)
            for c, text in enumerate(row)]


def _score(cells: list[str]) -> int:
    keys = {column.key for column in map(rc.find, cells) if column and column.key != "ignored"}
    return len(keys)


def layout(path: Path, workbook, name: str) -> Sheet | None:
    """The sheet's header and column map; None when it holds no data at all."""
    sheet = _load(path, workbook, name)
    start_row, start_col = sheet.start or (0, 0)
    merges = sheet.merged_cell_ranges or []
    rows: list[list] = []
    for rows_seen, row in enumerate(sheet.iter_rows()):
        if rows_seen >= HEADER_SEARCH_ROWS + start_row:
            break
        rows.append(row)
    if not any(any(v != "" for v in row) for row in rows):
        return None
    best, best_score, best_cells = -1, 0, []
    for index in range(start_row, len(rows)):
        cells = _header_cells(rows, index, start_col, merges)
        score = _score(cells)
        if score > best_score:
            best, best_score, best_cells = index, score, cells
    if best_score < MIN_HEADER_COLUMNS:
        raise InputError(
            "roster_file", f"{path.name}「{name}」:前{HEADER_SEARCH_ROWS}行中找不到花名册的表头",
            f"表头一行应有这些列:{rc.expected_headers()},以及性别、出生日期、民族、年级等;"
            "也可以用全国学籍系统的学生信息模板的列名")
    # A header cell merged downwards (two header rows): data starts below the merge.
    first_data = best + 1
    for (top, left), (bottom, right) in merges:
        if top <= best <= bottom:
            first_data = max(first_data, bottom + 1)
    headers, mapped, unknown, seen = {}, {}, [], {}
    for col, text in enumerate(best_cells):
        if not text:
            continue
        headers[col] = text
        column = rc.find(text)
        if column is None:
            unknown.append(text)
            continue
        if column.key != "ignored" and column.key in seen:
            raise InputError(
                "roster_file", f"{path.name}「{name}」:「{seen[column.key]}」和「{text}」两列都是"
                f"{column.label}", "删去其中一列(或改掉列名)后再导入")
        seen[column.key] = text
        mapped[col] = column
    return Sheet(path, name, best + 1, first_data, start_col, headers, mapped, unknown, merges,
                 data=sheet)


def _load(path: Path, workbook, name: str):
    import python_calamine as pc

    sheet = prefetched_sheet(path, name)
    if sheet is not None:
        return sheet
    try:
        return workbook.get_sheet_by_name(name)
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
        raise file_error(path, f"工作表「{name}」已损坏,无法读取({type(exc).__name__})",
                     "用 Excel 或 WPS 打开检查;能打开的,「另存为」.xlsx 后再导入") from None


def missing_columns(sheet: Sheet, school_given: bool,
                    required: tuple[str, ...] = rc.REQUIRED,
                    stated: frozenset[str] = frozenset()) -> list[str]:
    """The required columns the sheet lacks, each with how else it may be given; `stated`:
    the fields the registrar states for the whole roster instead (rc.STATED_BY)."""
    provided = {c.key for c in sheet.mapped.values()} | {
        c.satisfies for c in sheet.mapped.values() if c.satisfies} | stated
    labels = {c.key: c.label for c in rc.PLAIN}
    missing = [labels[key] + (f"({rc.STATED_BY[key]})" if key in rc.STATED_BY else "")
               for key in required if key not in provided]
    if not (school_given or provided & {"school", "school_name", "local_number"}):
        missing.append("学校代码(或用 --school 指定学校)")
    return missing


def sheets(path: Path, workbook, only: str | None = None) -> tuple[list[Sheet], list[str]]:
    """The sheets to import and notes on those skipped. With `only`, that sheet."""
    names = workbook.sheet_names
    if only is not None:
        if only not in names:
            raise InputError("sheet", f"{path.name} 中没有名为「{only}」的工作表",
                             f"该文件的工作表:{'、'.join(names)}")
        found = layout(path, workbook, only)
        if found is None:
            raise file_error(path, f"工作表「{only}」是空的", "检查是否选错了工作表或文件")
        return [found], []
    found, notes, problems = [], [], []
    for name in visible_sheets(workbook):
        try:
            sheet = layout(path, workbook, name)
        except InputError as exc:
            problems.append(exc)
            continue
        if sheet is None:
            notes.append(f"{path.name}「{name}」是空的,已跳过")
        else:
            found.append(sheet)
    if not found:
        if problems:
            raise problems[0]
        raise file_error(path, "表格是空的,没有任何数据" if len(names) <= 1
                     else "所有工作表都是空的,没有任何数据", "检查是否选错了文件")
    notes += [f"{exc.message},已跳过该工作表" for exc in problems]
    return found, notes


def _is_note(values: list) -> bool:
    """A line below the data such as 备注:… / 填表人:… / 以上共56人 (often merged across)."""
    distinct: list = []
    for value in values:
        if value != "" and value not in distinct:
            distinct.append(value)
            if len(distinct) > 2:  # a data row: return at once
                return False
    if not distinct:
        return False
    first = rc.cell_text(distinct[0])
    return first.startswith(NOTE_WORDS) or bool(re.match(r"^[^\d]{0,6}[::]", first)) \
        or (len(distinct) == 1 and len(first) > 12)


def _blank(row: list, data_cols: list[int]) -> bool:
    return not any(row[c] != "" for c in data_cols if c < len(row))


def rows(sheet: Sheet, workbook=None) -> Iterator[tuple[int, list]]:
    """(Excel row number, cells) of every data row: merged cells filled, blank rows and
    rows that only carry a 序号 skipped, stopping at notes below the data. Reads the
    sheet loaded by layout(), or loads it again from `workbook`."""
    data = sheet.data if sheet.data is not None else _load(sheet.path, workbook, sheet.name)
    data_cols = [c for c, col in sheet.mapped.items() if col.key != "ignored"]
    fill = _merge_fill(sheet.merges, sheet.first_data_row)
    tops: dict[tuple[int, int], object] = {}
    tops_in_row: dict[int, set[int]] = {}  # row -> the columns of the merges' top cells there
    for cells in fill.values():
        for _c, top, left in cells:
            tops_in_row.setdefault(top, set()).add(left)
    start_col = sheet.start_col
    width = max(sheet.headers) + 1
    first = data_cols[0] if data_cols else 0  # a data row has this cell filled, mostly
    for index, row in enumerate(data.iter_rows()):
        if index < sheet.first_data_row:
            continue
        if fill:
            for left in tops_in_row.get(index, ()):
                if 0 <= left - start_col < len(row):
                    tops[(index, left)] = row[left - start_col]
            filling = fill.get(index, ())
            if filling and _blank(row, data_cols):
                continue  # blank but for cells merged over it (学校、年级、班级): no child
            for col, top, left in filling:
                rel = col - start_col
                if 0 <= rel < len(row) and row[rel] == "":
                    row[rel] = tops.get((top, left), "")
        # A data row has three different values in its first three cells, mostly: no
        # note has (_is_note looks no further either); other rows are looked at in full.
        if not (len(row) > 2 and row[0] != "" and row[1] != "" and row[2] != ""
                and row[0] != row[1] != row[2] != row[0]) and _is_note(row):
            sheet.notes_from = index + 1
            break
        if not (first < len(row) and row[first] != "") and _blank(row, data_cols):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        yield index + 1, row
