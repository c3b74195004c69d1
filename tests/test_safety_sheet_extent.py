"""Tiny files that ask for gigabytes: the file guard measures every sheet (excel/extent.py)
before any reader allocates — the farthest cell with a value, in every spelling calamine
reads, and the cells merged ranges cover in all — and refuses past the bounds; what real
rosters hold (empty styled cells far away, a stale <dimension>, a few merged titles) passes.
The whole command, in a child process, is in test_safety_hostile_workbooks.py."""

from __future__ import annotations

import re
import zipfile

import bombs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xueji_cli.excel import extent
from xueji_cli.excel.guard import check_spreadsheet
from xueji_cli.values.errors import InputError


def refused(path, *words) -> InputError:
    with pytest.raises(InputError) as raised:
        check_spreadsheet(path)
    error = raised.value
    assert error.field == "file" and path.name in error.message and error.hint
    for word in words:
        assert word in error.message, error.message
    return error


@pytest.mark.parametrize("spelling", sorted(bombs.FAR_CELL))
def test_a_value_in_a_far_cell_is_refused_in_every_spelling(tmp_path, spelling):
    """A 2 KB roster with one value at XFD1048576: calamine asked for 549 GB and aborted the
    process (exit 134) whichever way the cell was written."""
    error = refused(bombs.xlsx(tmp_path / "花名册.xlsx", bombs.FAR_CELL[spelling]), "1048576",
                    "会耗尽内存")
    assert "复制到一个新的工作表" in error.hint


def test_overlapping_merged_ranges_are_refused(tmp_path):
    """A 17 KB roster with 3,000 overlapping merged ranges: the reader's merge filling
    reached 3.9 GB (MemoryError)."""
    error = refused(bombs.xlsx(tmp_path / "花名册.xlsx", extra=bombs.overlapping_merges()),
                    "合并单元格", "1,000,000")
    assert "取消合并单元格" in error.hint


def test_too_many_merged_ranges_are_refused(tmp_path):
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(3, 3 + 1001))
    path = bombs.xlsx(tmp_path / "花名册.xlsx", extra=f"<mergeCells>{merges}</mergeCells>")
    with pytest.raises(InputError, match="超过 1,000 个合并单元格区域"):
        check_spreadsheet(path, bounds=extent.Bounds(max_merges=1000))


def test_a_far_cell_in_a_legacy_xls_is_refused(tmp_path):
    """BIFF8 keeps a column in 16 bits: a number at column 65535 made calamine ask for 137 GB."""
    refused(bombs.xls(tmp_path / "花名册.xls", 65535, 65535), "CRXP65536")
    assert check_spreadsheet(bombs.xls(tmp_path / "好.xls", 1, 0)).kind == "xls"


def test_repeated_values_in_an_ods_are_counted_as_repeated(tmp_path):
    cell = ('<table:table-cell office:value-type="string" table:number-columns-repeated="1000">'
            "<text:p>x</text:p></table:table-cell>")
    refused(bombs.ods(tmp_path / "花名册.ods",
                      f'<table:table-row table:number-rows-repeated="100000">{cell}</table:table-row>'),
            "ALL100000")


def test_what_real_files_hold_passes(tmp_path):
    """An empty styled cell far away (Excel keeps those), a stale <dimension>, LibreOffice's
    empty filler rows to the end of the sheet, merged titles: nothing a reader places."""
    styled = bombs.xlsx(tmp_path / "样式.xlsx", '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
                        dimension="A1:XFD1048576")
    titles = bombs.xlsx(tmp_path / "标题.xlsx",
                        extra='<mergeCells count="2"><mergeCell ref="A1:G1"/><mergeCell ref="H1"/></mergeCells>')
    filler = bombs.ods(tmp_path / "填充.ods",
                       '<table:table-row><table:table-cell office:value-type="string"><text:p>姓名'
                       '</text:p></table:table-cell><table:table-cell table:number-columns-repeated='
                       '"1023"/></table:table-row><table:table-row table:number-rows-repeated='
                       '"1048575"><table:table-cell table:number-columns-repeated="1024"/>'
                       "</table:table-row>")
    for path in (styled, titles, filler):
        check_spreadsheet(path)


def test_a_part_that_is_not_an_xml_sheet_but_named_by_the_workbook_is_measured(tmp_path):
    """calamine follows the workbook's relationships whatever the part is called."""
    path = bombs.xlsx(tmp_path / "花名册.xlsx", bombs.FAR_CELL["usual"])
    renamed = tmp_path / "改名.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(renamed, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename.replace("sheet1.xml", "data.bin")
            zout.writestr(name, data.replace(b"sheet1.xml", b"data.bin"))
    refused(renamed, "XFD1048576")


def test_a_binary_part_the_workbook_links_to_is_no_sheet(tmp_path):
    """An .xlsm links its macro project (vbaProject.bin) from the workbook: bytes that
    happen to hold `<c` are not a sheet that is written oddly, nor a damaged one."""
    path = bombs.xlsx(tmp_path / "花名册.xlsm")
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
        b'vbaProject" Target="vbaProject.bin"/></Relationships>'))
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0<c\x00\x01<c r=\"A\x00" * 50
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert check_spreadsheet(path).kind == "xlsx"


def test_the_bounds_fit_the_largest_roster():
    """100 000 rows × 60 columns (the national template's width) passes; 32 bytes a cell in
    calamine keeps the largest accepted sheet near 320 MB."""
    tally = extent.Tally()
    tally.sheet(100_000, 60, "s")
    with pytest.raises(extent.TooLarge):
        extent.Tally().sheet(1_048_576, 16_384, "s")


# -- the usual scan and the exact parse agree ------------------------------------------------------

positions = st.tuples(st.integers(1, 1_100_000), st.integers(1, 17_000), st.booleans())


def _sheet(cells: list[tuple[int, int, bool]], spelling: str) -> bytes:
    out = []
    for row, column, valued in cells:
        ref = f"{extent.column_letters(column)}{row}"
        if spelling == "lower":
            ref = ref.lower()
        quote = "'" if spelling == "quotes" else '"'
        body = "><v>1</v></c>" if valued else ' s="1"/>'
        out.append(f'<row r={quote}{row}{quote}><c r={quote}{ref}{quote}{body}</row>')
    return (f'<worksheet xmlns="{bombs.MAIN}"><sheetData>' + "".join(out)
            + "</sheetData></worksheet>").encode()


def _measure(scanner_class, data: bytes, chunk: int) -> tuple[int, int] | str:
    tally = extent.Tally()
    scanner = scanner_class(tally, "s")
    try:
        for at in range(0, len(data), chunk):
            scanner.feed(data[at:at + chunk])
        scanner.close()
    except extent.TooLarge:
        return "too large"
    return scanner.rows, scanner.columns


@settings(max_examples=300, deadline=None)
@given(st.lists(positions, max_size=12), st.sampled_from(["usual", "lower", "quotes"]),
       st.integers(7, 200))
@example([(10, 1, True), (15, 1, True), (20, 1, False)], "usual", 500)  # an empty cell last
@example([(3, 1, True), (1_048_576, 16_384, True), (4, 2, True)], "usual", 40)  # far, mid-row
def test_the_usual_scan_agrees_with_the_exact_parse(cells, spelling, chunk):
    """In any order, any chunking, any spelling: the exact parse finds the farthest cell
    with a value; the usual scan gives the same verdict and column, and a row that is the
    farthest when rows are in order — out of order, the farthest is never past that row
    rounded up to one significant digit; an unusual spelling goes to the exact parse."""
    data = _sheet(cells, spelling)
    exact = _measure(extent.ExactSheet, data, chunk)
    valued = [(r, c) for r, c, v in cells if v]
    far = (max((r for r, _c in valued), default=0), max((c for _r, c in valued), default=0))
    assert exact == ("too large" if far[0] * far[1] > extent.BOUNDS.max_cells else far)
    try:
        usual = _measure(extent.UsualSheet, data, chunk)
    except extent.Exotic:
        assert spelling == "quotes"
        return
    if exact == "too large" or not far[1]:
        assert usual == exact
        return
    rows, columns = usual
    digits = str(rows)
    assert columns == far[1] and rows <= far[0] <= (int(digits[0]) + 1) * 10 ** (len(digits) - 1)
    if [r for r, _c in valued] == sorted(r for r, _c in valued):
        assert rows == far[0]


def test_the_patterns_name_exactly_the_cells_up_to_a_bound():
    for number in (1, 20, 26, 27, 60, 702, 703, 16384):
        pattern = re.compile(b"(?:" + extent.letters_upto(number) + b')"')
        for column in range(1, 20_000, 7):
            for letters in (extent.column_letters(column), extent.column_letters(column).lower()):
                assert bool(pattern.fullmatch(letters.encode() + b'"')) == (column <= number)
    for number in (0, 1, 9, 99, 199_999, 499_999, 100_001, 1_048_576):
        pattern = re.compile(extent.digits_upto(number))
        for row in [*range(0, 2000), *range(max(0, number - 2000), number + 2000)]:
            assert bool(pattern.fullmatch(str(row).encode() + b'"')) == (row <= number)
