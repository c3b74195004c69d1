"""The paper that leaves the office (TRF-8, REP-5): what a printed form shows is read back
from the written workbook. A visible sheet holds no full ID number, no internal code
(`school_out`), no rule id, no field key and no raw JSON; the data another program needs
travels on a hidden sheet that never prints."""

from __future__ import annotations

import re

import openpyxl

from synthetic import make_id
from transferkit import OTHER_TOWN, ok, out, pupil, town  # noqa: F401

FIRST = "02262600100001"
CHILD = make_id("2020-03-05", seq=77)
INTERNAL = re.compile(r"\b(school_out|central_out|bureau_out|central_in|bureau_in|key)\b|"
                      r"\b[A-Z]{2,4}-\d+\b|[{}\[\]]")


def visible_texts(path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets if ws.sheet_state == "visible"
                     for row in ws.iter_rows() for c in row if c.value not in (None, ""))


def test_certificate_data_sheet_is_hidden_and_still_imports(pupil, xueji, tmp_path):
    ok(out(xueji, FIRST, "--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN))
    ok(xueji("transfer", "approve", "ZX2026-0001", "--level", "school", "--doc-no", "校证1号"))
    path = tmp_path / "转学证明.xlsx"
    ok(xueji("transfer", "certificate", "ZX2026-0001", "--xlsx", path))
    wb = openpyxl.load_workbook(path)
    assert wb["数据"].sheet_state == "veryHidden" and wb["转学证明"].sheet_state == "visible"
    texts = visible_texts(path)
    assert CHILD not in texts and not INTERNAL.search(texts), INTERNAL.search(texts)
    assert "经办人:" in texts
    from xueji_cli.records.transfer import certificate

    person, _certified, _values = certificate.read(path)  # the receiving end reads it
    assert person.id_number == CHILD
