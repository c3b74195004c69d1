"""REP-1 / CHG-3: a submitted month stays as submitted. An entry recorded afterwards with
a date inside it is accepted, the month's report (screen, JSON, xlsx) reproduces the
submitted figures, and the entry is reported late (补报) in the next month, which still
reconciles; --as-now shows the month recomputed and the difference; a second submission
only with --resubmit and a reason."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from synthetic import make_id


def monthly(xueji, month, *extra):
    result = xueji("report", "monthly", "--month", month, "--json", *extra)
    return result, json.loads(result.stdout) if result.stdout.strip() else None


def total(document):
    return {(r["school"], r["grade"]): r for r in document["rows"]}[(None, None)]


def test_a_late_entry_leaves_the_submitted_month_and_is_reported_next_month(
        township, enroll, xueji, monkeypatch, tmp_path):
    assert enroll(date="2026-09-01").exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2026-11-03")
    second = enroll(date="2026-10-08", id_number=make_id("2020-03-05", seq=41), name="李小红")
    assert second.exit_code == 0, second.stderr
    result, submitted = monthly(xueji, "2026-10", "--submit")
    assert result.exit_code == 0, result.stderr
    assert submitted["submitted"]["version"] == 1 and total(submitted)["closing"] == 2
    assert "2026-09 的月报尚未用本工具上报" in result.stderr  # mid-year start: allowed, said

    late = enroll(date="2026-10-20", id_number=make_id("2020-03-05", seq=42), name="王小雨")
    assert late.exit_code == 0, late.stderr  # an entry dated in the submitted month: accepted

    result, october = monthly(xueji, "2026-10")
    assert result.exit_code == 0
    assert october["rows"] == submitted["rows"] and october["changes"] == submitted["changes"]
    assert october["submitted"]["submitted_on"] == "2026-11-03"
    screen = xueji("report", "monthly", "--month", "2026-10")
    assert "本表为 2026-11-03 上报的版本" in screen.stdout + screen.stderr
    sheet = tmp_path / "十月.xlsx"
    assert xueji("report", "monthly", "--month", "2026-10", "--xlsx", sheet).exit_code == 0
    cells = [c.value for row in load_workbook(sheet)["月报表"].iter_rows() for c in row]
    assert any("上报的版本" in str(v) for v in cells)

    result, november = monthly(xueji, "2026-11")
    assert result.exit_code == 0, result.stderr
    row = total(november)
    assert row["opening"] == total(submitted)["closing"] == 2  # 期初 = October as submitted
    assert row["late"] == {"in": 1, "out": 0} and row["closing"] == 3
    assert november["balanced"]
    assert [(c["date"], c["name"]) for c in november["late"]] == [("2026-10-20", "王小雨")]

    result, as_now = monthly(xueji, "2026-10", "--as-now")
    assert total(as_now)["closing"] == 3
    assert {"school": None, "grade": None, "figure": "closing", "figure_label": "期末在籍",
            "submitted": 2, "now": 3} in as_now["differences_from_submitted"]
    screen = xueji("report", "monthly", "--month", "2026-10", "--as-now").stdout
    assert "期末在籍" in screen.split("与上报数字的差异")[1] and "closing" not in screen


def test_a_month_is_submitted_once_unless_resubmitted_with_a_reason(township, enroll, xueji,
                                                                     monkeypatch, sql):
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-05")
    assert enroll(date="2026-09-01").exit_code == 0
    assert monthly(xueji, "2026-09", "--submit")[0].exit_code == 0
    again, _ = monthly(xueji, "2026-09", "--submit")
    assert again.exit_code == 1 and "REP-1" in again.stderr and "--resubmit" in again.stderr
    assert monthly(xueji, "2026-09", "--resubmit")[0].exit_code == 1  # no reason
    result, document = monthly(xueji, "2026-09", "--resubmit", "--reason", "漏报一名转出")
    assert result.exit_code == 0 and document["submitted"]["version"] == 2
    assert sql("SELECT version, reason FROM report_submission ORDER BY version") == [
        (1, None), (2, "漏报一名转出")]  # the first version kept as history


def test_an_opening_unlike_the_submitted_closing_names_the_record_changed_behind(
        township, enroll, xueji, monkeypatch, sql):
    """REP-1: November opens with October's closing as submitted. A record moved to another
    grade behind the journal after the submission (no entry: no 补报) leaves every count
    adding up and the school's census unchanged — only the submitted figures tell: each
    school and grade that differs is named, and the record that causes it."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-11-03")
    assert enroll(date="2026-09-01").exit_code == 0
    assert enroll(date="2026-10-08", id_number=make_id("2020-03-05", seq=41), name="李小红").exit_code == 0
    assert monthly(xueji, "2026-10", "--submit")[0].exit_code == 0
    assert monthly(xueji, "2026-11")[0].exit_code == 0
    sql("UPDATE student SET grade = 2 WHERE local_number = '02262600100001'")

    result, november = monthly(xueji, "2026-11")
    assert result.exit_code == 1 and november["balanced"] is False
    opening = [(d["school"], d["grade"], d["message"]) for d in november["discrepancies"]
               if d["kind"] == "opening"]
    assert opening == [("001", 1, "期初在籍 1 人,与 2026-10 上报的期末在籍 2 人不符"),
                       ("001", 2, "期初在籍 1 人,与 2026-10 上报的期末在籍 0 人不符")]
    [named] = [d for d in november["discrepancies"] if d["kind"] == "projection"]
    assert named["local_number"] == "02262600100001" and "年级" in named["message"]
    screen = xueji("report", "monthly", "--month", "2026-11")
    assert "与 2026-10 上报的期末在籍" in screen.stdout and "绕过变动日志" in screen.stdout


def test_a_submitted_month_with_show_id_says_its_ids_stay_masked(township, enroll, xueji,
                                                                monkeypatch):
    """Personal data: a submitted version was kept with masked IDs; --show-id cannot reveal
    them and says so, pointing to --as-now."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-05")
    assert enroll(date="2026-09-01").exit_code == 0
    assert monthly(xueji, "2026-09", "--submit")[0].exit_code == 0
    result, september = monthly(xueji, "2026-09", "--show-id")
    assert result.exit_code == 0
    assert "遮盖" in result.stderr and "--as-now --show-id" in result.stderr
    assert "*" in september["changes"][0]["national_number"]
    revealed, now = monthly(xueji, "2026-09", "--as-now", "--show-id")
    assert "*" not in now["changes"][0]["national_number"] and "遮盖" not in revealed.stderr
