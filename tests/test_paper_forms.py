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


def test_card_of_a_village_pupil_in_office_words(pupil, xueji, as_json, tmp_path):
    """REP-5: the card names the approvals in words, labels the arrival 转入日期 and is
    stamped by the pupil's own school (003, a village school), not the central one."""
    from transferkit import AT_003, run_case

    done = run_case(xueji, as_json, FIRST, ["--to", "003", *AT_003, "--class", "1"], ["central"])
    number = done["new_local_number"] if "new_local_number" in done else "02262600300001"
    path = tmp_path / "card.xlsx"
    ok(xueji("student", "card", number, "--xlsx", path))
    texts = visible_texts(path)
    assert not INTERNAL.search(texts), INTERNAL.search(texts)
    assert "乡镇中心校审批" in texts and "转入日期" in texts
    assert "学校(盖章):测试镇第二小学" in texts
    ws = openpyxl.load_workbook(path).active
    sizes = {c.font.sz for row in ws.iter_rows(min_row=2) for c in row if c.value}
    assert sizes == {10}, sizes


def test_approvals_in_words_without_rule_ids():
    from xueji_cli.reports.card import _approval_words

    assert _approval_words({"level": "school", "step": "school_out", "label": "转出学校初步认定",
                            "date": "2026-10-12", "doc_no": "西庄小学〔2026〕3号", "approver": None}) \
        == "转出学校初步认定 西庄小学〔2026〕3号"
    assert _approval_words({"for": "SUS-5", "override": "一年级人数少"}) == "特殊情况:一年级人数少"
    assert _approval_words({"for": "SUS-1", "by": "中心校", "decision": "休审〔2026〕1号"}) \
        == "中心校 休审〔2026〕1号"
