"""`xueji suspend certificate KEY --xlsx FILE`: the 休学证明 in two copies on one A4 page,
read back with openpyxl (cell values, never bytes)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from suspendkit import on_day, pupil, suspend_args, village_pupil  # noqa: F401


def texts(path) -> list[str]:
    ws = load_workbook(path).active
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value not in (None, "")]


@pytest.fixture
def certificate(village_pupil, xueji, tmp_path):
    result = xueji(*suspend_args(village_pupil, "--central-approval", "休审〔2026〕1号"))
    assert result.exit_code == 0, result.stderr

    def make(*extra):
        path = tmp_path / "休学证明.xlsx"
        result = xueji("suspend", "certificate", village_pupil, "--xlsx", path, *extra)
        assert result.exit_code == 0, result.stderr
        return path, result

    return make


def test_two_copies_with_the_case(certificate, village_pupil):
    path, result = certificate()
    assert "〔2026〕002-001号" in result.stderr
    cells = texts(path)
    assert cells.count("测试村小学休学证明") == 2
    assert "(存根 · 学校存档)" in cells and "(正本 · 交学生家长收执)" in cells
    assert cells.count("编号:〔2026〕002-001号") == 2
    assert cells.count(village_pupil) == 2 and cells.count("张小明") == 2
    assert cells.count("自2026年10月16日起至2027年10月16日止,共一年(365天)") == 2
    assert cells.count("病(经迁安市人民医院诊断)") == 2
    assert cells.count("诊断证明、住院收据、病历复印件、休学申请书、调查报告") == 2
    assert cells.count("中心校审批:休审〔2026〕1号") == 2
    assert cells.count("1年级1班") == 2
    assert any("康复证明到校办理复学手续" in c for c in cells)
    assert any(c.startswith("- - -") and "骑缝" in c for c in cells)


def test_cells_are_text_and_page_is_a4_portrait_on_one_page(certificate):
    path, _ = certificate()
    ws = load_workbook(path).active
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value)
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.orientation == "portrait"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    assert path.stat().st_mode & 0o777 == 0o600


def test_national_number_masked_unless_show_id(certificate):
    path, _ = certificate()
    national = [c for c in texts(path) if c.startswith("G")]
    assert national and all("********" in c for c in national)
    path, _ = certificate("--show-id", "--force")
    assert all("*" not in c for c in texts(path) if c.startswith("G1"))


def test_extension_appears(certificate, village_pupil, xueji, on_day):
    on_day("2027-10-05")
    result = xueji("suspend", "extend", village_pupil, "--until", "2028-04-16", "--evidence",
                   "诊断证明,休学申请书", "--central-approval", "休审〔2027〕9号")
    assert result.exit_code == 0, result.stderr
    path, _ = certificate()
    cells = texts(path)
    assert cells.count("2027年10月5日续办至2028年4月16日(连续休学共548天)") == 2
    assert cells.count("自2026年10月16日起至2027年10月16日止") == 2


def test_no_suspension_no_certificate(township, enroll, xueji, tmp_path, as_json):
    number = as_json(enroll(json=True))["local_number"]
    result = xueji("suspend", "certificate", number, "--xlsx", tmp_path / "x.xlsx")
    assert result.exit_code == 1 and "SUS-1" in result.stderr and "没有休学记录" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_json(certificate, village_pupil, xueji, tmp_path, as_json):
    result = xueji("suspend", "certificate", village_pupil, "--xlsx", tmp_path / "c", "--json")
    doc = as_json(result)
    assert doc["ok"] and doc["file"].endswith("c.xlsx") and doc["case_ref"] == "SUS-002-2026-001"
