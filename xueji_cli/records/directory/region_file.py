"""Reading the county's statistical region list (统计用区划代码) for `xueji region import`:
a spreadsheet (.xlsx/.xls through excel/files, the file guard and python-calamine) or a
.csv, with a code column and a name column. Townships are 9-digit codes (or 12 digits
ending in 000, as the published lists write them), villages 12-digit codes; county rows
are left to python-stdnum's table. Every problem of the file is collected, each naming
its row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from xueji_cli.excel.columns import normalise_header
from xueji_cli.values import fields
from xueji_cli.values.errors import InputError
from xueji_cli.values.violation import Violation

CODE_HEADERS = ("统计用区划代码", "区划代码", "行政区划代码", "统计用区划码", "代码", "code")
NAME_HEADERS = ("名称", "区划名称", "单位名称", "村委会名称", "村居委会名称", "村(居)委会名称",
                "乡镇名称", "name")
HEADER_SEARCH_ROWS = 30
CSV_LIMIT = 50 * 1024 * 1024  # a county's list is well under 1 MB
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel saves CSV as GBK on Chinese Windows


@dataclass
class RegionList:
    """What the file holds: (code, name, level, parent) by code, its first row each, the
    problems, and the county rows left to stdnum."""

    rows: dict[str, tuple[str, str, str, str | None]] = field(default_factory=dict)
    row_of: dict[str, int] = field(default_factory=dict)
    problems: list[Violation] = field(default_factory=list)
    counties: int = 0

    def problem(self, row: int, message: str, hint: str) -> None:
        self.problems.append(Violation("INPUT", "region_file", f"第{row}行:{message}", hint))


def read(path: Path) -> RegionList:
    if not path.is_file():
        raise InputError("region_file", f"找不到文件 {path}", "检查文件名和所在文件夹")
    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else _sheet_rows(path)
    header, code_col, name_col = _header(path, rows)
    found = RegionList()
    for number, cells in enumerate(rows[header + 1:], start=header + 2):
        code_cell = cells[code_col] if code_col < len(cells) else ""
        name_cell = cells[name_col] if name_col < len(cells) else ""
        if _blank(code_cell) and _blank(name_cell):
            continue
        _take(found, number, code_cell, name_cell)
    if not found.rows and not found.problems:
        raise InputError("region_file", f"{path.name} 的表头下面没有区划",
                         "检查是否选错了文件或工作表")
    return found


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def _take(found: RegionList, number: int, code_cell: object, name_cell: object) -> None:
    if isinstance(code_cell, float) and code_cell.is_integer():
        code_cell = int(code_cell)
    code = fields.normalise_region(code_cell)
    if code.isdigit() and (len(code) == 6 or len(code) == 12 and code.endswith("000000")):
        found.counties += 1  # a county: its name comes from python-stdnum's table
        return
    if len(code) == 12 and code.isdigit() and code.endswith("000"):
        code = code[:9]  # a township as the published lists write it
    if not (code.isdigit() and len(code) in (9, 12)):
        found.problem(number, f"区划代码「{code}」应为12位(村、居委会)或9位(乡镇)数字",
                      "改正该格;代码按文本格式保存,不要被 Excel 改成科学计数法")
        return
    try:
        name = fields.free_text("region_name", name_cell, "区划名称")
    except fields.TextRefused as exc:
        found.problem(number, str(exc), exc.hint)
        return
    if not name:
        found.problem(number, f"区划 {code} 没有名称", "在名称一列填写该区划的名称")
        return
    if name.isdigit():
        found.problem(number, f"区划 {code} 的名称「{name}」是数字", "名称一列填写文字名称")
        return
    if code in found.rows:
        if found.rows[code][1] != name:
            found.problem(number, f"区划代码 {code} 重复,名称「{name}」与第{found.row_of[code]}行"
                                  f"「{found.rows[code][1]}」不同", "删去错误的一行")
        return
    level, parent = ("township", code[:6]) if len(code) == 9 else ("village", code[:9])
    found.rows[code] = (code, name, level, parent)
    found.row_of[code] = number


def _header(path: Path, rows: list[list]) -> tuple[int, int, int]:
    """The header row and the columns of code and name, in the first rows."""
    codes = {normalise_header(h) for h in CODE_HEADERS}
    names = {normalise_header(h) for h in NAME_HEADERS}
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [normalise_header(c) for c in cells]
        code_col = next((i for i, h in enumerate(headers) if h in codes), None)
        name_col = next((i for i, h in enumerate(headers) if h in names), None)
        if code_col is not None and name_col is not None:
            return index, code_col, name_col
    raise InputError(
        "region_file", f"{path.name} 中找不到区划代码和名称两列的表头",
        f"表头应有「{CODE_HEADERS[0]}」(或 区划代码、代码)和「{NAME_HEADERS[0]}」"
        "(或 区划名称、单位名称)两列;改好表头后重新导入")


def _sheet_rows(path: Path) -> list[list]:
    """The first visible sheet of a spreadsheet with a header, as calamine reads it."""
    import python_calamine as pc

    from xueji_cli.excel.files import file_error, open_workbook, visible_sheets

    workbook = open_workbook(path)
    for name in visible_sheets(workbook):
        try:
            rows = workbook.get_sheet_by_name(name).to_python()
        except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
            raise file_error(path, f"工作表「{name}」已损坏,无法读取({type(exc).__name__})") from None
        if rows:
            return rows
    raise InputError("region_file", f"{path.name} 是空的", "检查是否选错了文件")


def _csv_rows(path: Path) -> list[list]:
    if path.stat().st_size > CSV_LIMIT:
        raise InputError("region_file", f"{path.name} 太大,不像一个县的区划表",
                         "只导入本县的统计用区划代码表")
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        raise InputError("region_file", f"{path.name} 不是文本格式的 CSV 文件",
                         "用 Excel 或 WPS 打开后「另存为」CSV 或 .xlsx 再导入")
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("region_file", f"{path.name} 的文字编码无法识别",
                         "用 Excel 或 WPS 另存为「CSV UTF-8」后再导入")
    return list(csv.reader(io.StringIO(text, newline="")))
