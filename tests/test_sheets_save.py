"""excel/sheets.save: a place that cannot be written is the registrar's input to correct
(InputError, exit 1 with what to do), never a traceback — also for the write-only
workbooks of large rosters, whose streamed rows must not complain when dropped."""

from __future__ import annotations

import gc

import pytest
from openpyxl import Workbook, load_workbook

from xueji_cli.excel import sheets
from xueji_cli.values.errors import InputError


def _workbook(write_only: bool) -> Workbook:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("花名册") if write_only else wb.active
    ws.append(["学籍号", "姓名"])
    ws.append(["02262600100001", "张小明"])
    return wb


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("write_only", [False, True])
def test_unwritable_place_is_input_error_and_leaves_nothing(tmp_path, write_only):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    wb = _workbook(write_only)
    with pytest.raises(InputError, match="无法保存") as info:
        sheets.save(wb, blocker / "花名册.xlsx")
    assert info.value.field == "file" and "路径中的文件夹名已被一个文件占用" in str(info.value)
    assert "换一个可以写入的文件夹" in info.value.hint
    del wb
    gc.collect()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_folder_of_the_same_name_and_no_name(tmp_path):
    (tmp_path / "r.xlsx").mkdir()
    with pytest.raises(InputError, match="是一个文件夹") as info:
        sheets.save(_workbook(False), tmp_path / "r.xlsx")
    assert str(tmp_path / "r.xlsx" / "花名册.xlsx") in info.value.hint
    (tmp_path / "材料").mkdir()  # a folder named without .xlsx: not written as 材料.xlsx beside it
    with pytest.raises(InputError, match="是一个文件夹"):
        sheets.save(_workbook(True), tmp_path / "材料")
    with pytest.raises(InputError, match="没有给出文件名"):
        sheets.save(_workbook(True), "")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["r.xlsx", "材料"]  # nothing left


def test_a_writable_place_still_saves(tmp_path):
    written = sheets.save(_workbook(True), tmp_path / "新建文件夹" / "花名册")
    assert written.name == "花名册.xlsx" and written.stat().st_mode & 0o777 == 0o600
    assert load_workbook(written)["花名册"]["A2"].value == "02262600100001"
