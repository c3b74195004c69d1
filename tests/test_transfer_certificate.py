"""The transfer certificate (TRF-8): four printable copies with the four stamp boxes and
masked numbers, a data sheet that another directory imports with `transfer in
--from-file` (exported by one directory, imported by another), and that import validated
like any input."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from synthetic import make_id
from transferkit import (  # noqa: F401
    AT_WEST,
    ELSEWHERE,
    MOVE,
    OTHER_TOWN,
    ok,
    other,
    out,
    pupil,
    refused,
    town,
)

FIRST = "02262600100001"
CHILD = make_id("2020-03-05", seq=77)


@pytest.fixture
def certificate(pupil, xueji, tmp_path):
    """Route B out of 001 towards 西山镇中心小学, checked and issued by our side."""
    ok(out(xueji, FIRST, "--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "school", "--doc-no", "校证1号"))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central", "--doc-no", "中证2号"))
    path = tmp_path / "转学证明.xlsx"
    ok(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", path))
    return path


def data_sheet(path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["数据"]
    return {row[0]: row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}


def test_no_certificate_before_the_out_school_check(pupil, xueji, tmp_path):
    ok(out(xueji, FIRST, "--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN))
    refused(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", tmp_path / "c.xlsx"), "TRF-2")
    assert not (tmp_path / "c.xlsx").exists()


def test_no_certificate_for_a_withdrawn_case(pupil, xueji, tmp_path):
    ok(out(xueji, FIRST, "--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN))
    ok(xueji("transfer", "cancel", "ZX2026-0001", "--reason", "家长放弃转学"))
    result = refused(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", tmp_path / "c.xlsx"),
                     "TRF-2")
    assert "已撤回" in result.stderr and "重新申请" in result.stderr  # and what would make it pass
    assert not (tmp_path / "c.xlsx").exists()


def test_four_copies_with_four_stamp_boxes(certificate):
    wb = openpyxl.load_workbook(certificate)
    assert wb.sheetnames == ["转学证明", "数据"]
    texts = [str(c.value) for row in wb["转学证明"].iter_rows() for c in row if c.value]
    titles = [t for t in texts if t.startswith("第") and "联" in t]
    assert len(titles) == 4 and "第四联 转入学校所在地教育局存" in titles[3]
    for box in ("转出学校(盖章)", "转出地教育局/中心校(盖章)", "转入学校(盖章)", "转入地教育局/中心校(盖章)"):
        assert sum(box in t for t in texts) == 4, box
    assert sum("校证1号" in t for t in texts) == 4  # the recorded out-school check
    joined = "\n".join(texts)
    assert CHILD not in joined and CHILD[:6] + "********" + CHILD[-4:] in joined
    assert "西山镇中心小学" in joined and "B 乡镇↔乡镇" in joined
    ws = wb["转学证明"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "portrait"
    assert len(ws.row_breaks.brk) == 1  # two copies to a page
    assert certificate.stat().st_mode & 0o777 == 0o600


def test_data_sheet_carries_the_whole_record(certificate):
    data = data_sheet(certificate)
    assert data["format"] == "xueji-transfer-certificate" and data["case_no"] == "ZX2026-0001"
    assert (data["id_number"], data["national_number"]) == (CHILD, "G" + CHILD)
    assert (data["local_number"], data["grade"], data["route"]) == (FIRST, "1", "B")
    assert data["from_school"] == "测试镇中心校"  # the school's name; its code is ours alone
    assert len(data["checksum"]) == 16


def test_show_id_prints_the_whole_number(pupil, certificate, xueji, tmp_path):
    path = tmp_path / "shown.xlsx"
    ok(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", path, "--show-id"))
    texts = [str(c.value) for row in openpyxl.load_workbook(path)["转学证明"].iter_rows()
             for c in row if c.value]
    assert any(CHILD in t for t in texts)


def test_exported_by_one_directory_imported_by_another(certificate, other, xueji, xueji_at,
                                                       as_json, sql):
    case = as_json(ok(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school",
                               "001", *AT_WEST, "--class", "3", "--json")))
    assert (case["route"], case["direction"], case["origin_case_no"]) == ("B", "in", "ZX2026-0001")
    assert [a["step"] for a in case["approvals"]] == ["school_out", "central_out"]
    assert [m["step"] for m in case["missing"]] == ["central_in"]
    assert case["evidence"] == ["户口簿", "房产证明", "转学证明"]
    ok(xueji_at(other, "transfer", "approve", case["case_no"], "--level", "central",
                "--doc-no", "西中字9号"))
    # the origin learns of the destination's approval from the paper and cancels its record
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "central", "--doc-no", "西中字9号"))
    ok(xueji("transfer", "complete", "ZX2026-0001"))
    done = as_json(ok(xueji_at(other, "transfer", "complete", case["case_no"], "--json",
                               "--show-id")))
    assert done["new_local_number"] == "02262600100001"  # the receiving cohort's sequence
    assert done["national_number"] == "G" + CHILD  # travels unchanged
    card = as_json(ok(xueji_at(other, "student", "show", CHILD, "--json", "--show-id")))
    assert (card["name"], card["id_number"], card["grade"], card["class"]) == ("赵小明", CHILD, 1, 3)
    assert "自 测试镇中心校 转入" in card["remark"]
    for directory in (None, other):
        run = xueji if directory is None else (lambda *a: xueji_at(other, *a))
        ok(run("renumber-check"))
        ok(run("check"))


def test_across_the_county_line_the_other_bureau_is_not_ours(pupil, other, xueji, xueji_at,
                                                              as_json, tmp_path):
    ok(xueji_at(other, "school", "set", "001", "--remove-area", "130283106",
                "--service-area", ELSEWHERE))
    ok(out(xueji, FIRST, "--to-school", "西山镇中心小学", "--to-region", ELSEWHERE))
    for level in ("school", "bureau"):
        ok(xueji("transfer", "approve", "ZX2026-0001", "--level", level))
    path = tmp_path / "d.xlsx"
    ok(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", path))
    case = as_json(ok(xueji_at(other, "transfer", "in", "--from-file", path, "--school", "001",
                               "--hukou-region", ELSEWHERE, "--residence-region", ELSEWHERE,
                               "--class", "1", "--json")))
    assert case["route"] == "C" and case["approvals"] == []
    assert [m["step"] for m in case["missing"]] == ["bureau_in"]


def test_a_changed_data_sheet_is_noticed(certificate, other, xueji_at, as_json):
    wb = openpyxl.load_workbook(certificate)
    ws = wb["数据"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "address":
            row[2].value = "改过的地址"
    wb.save(certificate)
    case = as_json(ok(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school",
                               "001", *AT_WEST, "--class", "1", "--json")))
    assert [w["rule"] for w in case["warnings"]] == ["TRF-8"]
    [said] = case["warnings"]
    assert "改动过或已损坏" in said["message"] and "盖章的纸质转学证明" in said["hint"]


def test_the_checksum_is_not_presented_as_a_forgery_check(certificate, other, xueji_at):
    """TRF-8: the checksum has no secret, so a forged sheet with a recomputed checksum
    reads clean; every word the registrar sees says it guards against accidental change
    only, and that the stamped paper certificate is what to compare against."""
    from xueji_cli.records.transfer.certificate import _checksum

    wb = openpyxl.load_workbook(certificate)
    ws = wb["数据"]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value}
    rows["name"][2].value = "钱伪造"
    rows["checksum"][2].value = _checksum({k: str(r[2].value or "") for k, r in rows.items()})
    assert "不防伪造" in str(rows["checksum"][1].value)
    assert any("不能证明真伪" in str(c.value) for row in ws.iter_rows() for c in row if c.value)
    wb.save(certificate)
    result = ok(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school", "001",
                     *AT_WEST,                          "--class", "1"))
    assert "TRF-8" not in result.stderr
    assert "不能证明真伪" in result.stderr and "盖章的纸质转学证明" in result.stderr


@pytest.mark.parametrize("key, value, rules", [
    ("id_number", "130283202003050000", ["NUM-6"]),
    ("birth_date", "2020-13-40", ["INPUT"]),
    ("status", "suspended", ["SUS-2"]),
    ("name", "", ["TRF-8"]),
])
def test_the_data_sheet_is_validated_like_any_input(certificate, other, xueji_at, key, value,
                                                    rules):
    wb = openpyxl.load_workbook(certificate)
    for row in wb["数据"].iter_rows(min_row=2):
        if row[0].value == key:
            row[2].value = value
    wb.save(certificate)
    refused(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school", "001",
                     *AT_WEST,                      "--class", "1"), *rules)


def test_grade_on_the_command_line_must_match_the_certificate(certificate, other, xueji_at):
    refused(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school", "001",
                     *AT_WEST,                      "--class", "1", "--grade", "2"), "TRF-5")


def test_identity_cannot_be_retyped_over_the_certificate(certificate, other, xueji_at):
    result = refused(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school",
                              "001", *AT_WEST, "--class", "1", "--name", "别的名字"))
    assert "--name" in result.stderr


def test_a_certificate_for_another_township_is_refused(certificate, other, xueji_at):
    ok(xueji_at(other, "school", "set", "001", "--remove-area", "130283106",
                "--service-area", "130283107"))
    refused(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school", "001",
                     *AT_WEST,                      "--class", "1"), "TRF-8")


def test_files_that_are_not_certificates(other, xueji_at, tmp_path):
    refused(xueji_at(other, "transfer", "in", "--from-file", tmp_path / "none.xlsx",
                     "--school", "001", "--class", "1"))
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    result = refused(xueji_at(other, "transfer", "in", "--from-file", plain, "--school", "001",
                     *AT_WEST,                               "--class", "1"))
    assert "不是 xueji 开具的转学证明" in result.stderr
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    said = refused(xueji_at(other, "transfer", "in", "--from-file", junk, "--school", "001",
                     *AT_WEST,                             "--class", "1")).stderr
    assert "不是 Excel 表格" in said and "请原学校用 xueji transfer certificate 重新开具" in said


def test_a_certificate_that_cannot_be_written(certificate, xueji, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = refused(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", blocker / "c.xlsx"))
    assert "无法保存" in result.stderr


def test_a_version_1_data_sheet_is_still_read(certificate, other, xueji_at, as_json):
    """TRF-8 between directories that upgrade at different times: a sheet of version 1
    (no school year of the grade) is read, its checksum checked by version 1's fields."""
    from xueji_cli.records.transfer.certificate import _checksum

    wb = openpyxl.load_workbook(certificate)
    ws = wb["数据"]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value}
    ws.delete_rows(rows["school_year"][0].row)
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value}
    rows["version"][2].value = "1"
    values = {key: str(row[2].value or "") for key, row in rows.items()}
    rows["checksum"][2].value = _checksum(values, "1")
    wb.save(certificate)
    case = as_json(ok(xueji_at(other, "transfer", "in", "--from-file", certificate, "--school",
                               "001", *AT_WEST, "--class", "3", "--json")))
    assert not [w for w in case["warnings"] if w["rule"] == "TRF-8"]


def test_a_certificate_goes_through_the_file_guard(certificate, other, xueji_at, tmp_path):
    """The certificate reader opens a file the way the roster reader does (excel/guard.py):
    a member that would unpack to many times its size is refused before calamine reads it."""
    import zipfile

    bomb = tmp_path / "炸弹.xlsx"
    shutil.copy(certificate, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/pad.bin", b"\0" * (24 * 1024 * 1024))
    assert bomb.stat().st_size < 200_000
    said = refused(xueji_at(other, "transfer", "in", "--from-file", bomb, "--school", "001",
                     *AT_WEST,                             "--class", "1")).stderr
    assert "压缩炸弹" in said and "内部错误" not in said


def test_deeply_nested_approvals_are_an_input_error(certificate, other, xueji_at, as_json):
    """Nested data in a cell is measured before it is parsed: a 100,000-deep JSON in the
    approvals cell is refused naming the cell, not a RecursionError."""
    wb = openpyxl.load_workbook(certificate)
    for row in wb["数据"].iter_rows(min_row=2):
        if row[0].value == "approvals":
            row[2].value = "[" * 100_000 + "]" * 100_000
            cell = row[2].coordinate
    wb.save(certificate)
    result = xueji_at(other, "transfer", "in", "--from-file", certificate, "--school", "001",
                     *AT_WEST,                       "--class", "1", "--json")
    [error] = as_json(result)["errors"]
    assert result.exit_code == 1 and error["rule"] == "INPUT"
    assert "已登记的审批" in error["message"] and cell in error["message"]
