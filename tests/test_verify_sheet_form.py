"""The printed form of `report verify --xlsx` (REP-2, REP-3), written a row at a time:
every cell of the table bordered (the 验章 and 实到人数 columns are filled in by hand),
numbers as numbers and ID numbers as text, the title and note across the page, a blank
row and then the signatures, the header repeated on every printed page."""

from __future__ import annotations

from journalkit import kit  # noqa: F401  (the fixture)
from openpyxl import load_workbook
from test_report_sheets import october  # noqa: F401  (the fixture)


def test_the_stamp_list_and_check_sheet_print_as_forms(october, xueji, tmp_path):
    october.enroll("001", "2026-09-01", grade=1, name="一年级新生")
    path = tmp_path / "验章.xlsx"
    result = xueji("report", "verify", "--year", "2026", "--xlsx", path)
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(path)
    stamp = wb["验章名册001"]
    last = stamp.max_row
    assert sorted(map(str, stamp.merged_cells.ranges)) == ["A1:L1", "A2:L2", f"A{last}:L{last}"]
    assert stamp["A1"].font.sz == 16 and stamp["A1"].font.b
    assert stamp["A3"].value == "序号" and stamp["A3"].font.b and stamp["L3"].border.left.style == "thin"
    body = list(stamp.iter_rows(min_row=4, max_row=last - 2))
    assert len(body) == 3
    for row in body:
        assert all(c.border.top.style == "thin" and c.font.name == "宋体" for c in row)
        assert row[0].data_type == "n" and row[1].data_type == "s" and row[6].data_type == "s"
    assert all(c.value in (None, "") for c in stamp[last - 1])
    assert stamp[f"A{last}"].value.startswith("验章人:")
    assert stamp.freeze_panes == "A4" and stamp.print_title_rows == "$3:$3"
    assert stamp.page_setup.orientation == "landscape" and stamp.page_setup.paperSize == 9
    check = wb["学籍核对表"]
    assert check.page_setup.orientation == "portrait" and check.print_title_rows == "$3:$3"
    assert check.column_dimensions["A"].width == 20 and stamp.column_dimensions["C"].width == 22
    assert check[f"A{check.max_row}"].value.startswith("核对人:")


def test_the_printed_forms_name_no_rule_id(october, xueji, tmp_path):
    """The stamp list and check sheet go to the schools and the bureau: their words are the
    office's, never the project's rule ids (REP-2, ENR-…) or internal codes."""
    from test_paper_forms import INTERNAL, visible_texts

    october.enroll("001", "2026-09-01", grade=1, name="一年级新生")
    october.enroll("001", "2026-09-01", grade=1, evidence=["户口簿"], name="周小红")
    path = tmp_path / "验章.xlsx"
    assert xueji("report", "verify", "--year", "2026", "--xlsx", path).exit_code == 0
    assert "缺房产证明" in visible_texts(path)  # the stamp list's 备注 says what is missing
    assert not INTERNAL.search(visible_texts(path)), INTERNAL.search(visible_texts(path))
