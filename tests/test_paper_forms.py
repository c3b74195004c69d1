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


def printed_size(ws, body_pt: float = 10.0) -> float:
    """The body font's size on paper: a sheet fitted to the A4 width shrinks by the
    printable width over the printed columns' width (hidden columns do not print).
    Widths are in characters of the default font: about 7 pixels each and 5 of padding,
    at 96 pixels to the inch."""
    from openpyxl.utils import get_column_letter

    last = ws.max_column
    inches = sum((ws.column_dimensions[get_column_letter(c)].width * 7 + 5) / 96
                 for c in range(1, last + 1) if not ws.column_dimensions[get_column_letter(c)].hidden)
    paper = 11.69 if ws.page_setup.orientation == "landscape" else 8.27
    printable = paper - ws.page_margins.left - ws.page_margins.right
    return body_pt * min(1.0, printable / inches)


def test_roster_prints_at_nine_points_or_more(pupil, xueji, tmp_path):
    """REP-3: a roster checked and stamped on paper is readable: ≥ 9 pt on A4 landscape,
    the header repeated on every page, the stamp, signatures and date under the table."""
    path = tmp_path / "花名册.xlsx"
    ok(xueji("report", "roster", "--xlsx", path))
    ws = openpyxl.load_workbook(path).active
    assert printed_size(ws) >= 9, printed_size(ws)
    assert ws.print_title_rows == "$1:$2"
    headers = [c.value for c in ws[2]]
    shown = [h for i, h in enumerate(headers, start=1)
             if not ws.column_dimensions[openpyxl.utils.get_column_letter(i)].hidden]
    assert shown[-1] == "备注" and "身份证号" in shown and "现住址" not in shown
    last = [c.value for c in ws[ws.max_row] if c.value]
    assert last and "学校(盖章)" in last[0] and "验章人" in last[0] and "日期" in last[0]
    assert ws.cell(row=3, column=headers.index("户口所在地") + 1).alignment.wrap_text
