"""`xueji return-from-abroad` (回国复学, CHG-1 [NAT-Q], TRF-11): 「A child back from abroad
returns to school (回国复学) at the school that keeps the record」, into the grade SUS-3's
return gives (default the grade left; by wish the original cohort's), counted in the
monthly report as an increase, as going abroad was a decrease."""

from __future__ import annotations

from transferkit import AT_003, ok, out, pupil, refused, town  # noqa: F401

FIRST = "02262600100001"
BACK = ["return-from-abroad", FIRST, "--evidence", "护照", "--evidence", "复学申请书"]


def _status(sql):
    return sql(f"SELECT status, grade FROM student WHERE local_number = '{FIRST}'")[0]


def test_back_from_abroad_into_the_grade_left(pupil, xueji, as_json, sql):
    ok(xueji("abroad", FIRST, "--destination", "新加坡", "--date", "2026-09-01"))
    done = as_json(ok(xueji(*BACK, "--date", "2026-09-01", "--json")))
    assert done["record"]["local_number"] == FIRST  # the number stays (NUM-4)
    assert _status(sql) == ("active", 1)
    ok(xueji("check"))
    report = as_json(ok(xueji("report", "monthly", "--month", "2026-09", "--json")))
    assert report["balanced"] is True and report["discrepancies"] == []
    total = {(r["school"], r["grade"]): r for r in report["rows"]}[(None, None)]
    assert total["out"]["other"] == 1 and total["in"]["other"] == 1  # 出国, 回国复学


def test_by_wish_with_the_original_cohort(pupil, xueji, sql, monkeypatch):
    """SUS-3's choice: a year abroad across the autumn: grade 1 by default, grade 2 with
    the original cohort (same), grade 3 refused."""
    ok(xueji("abroad", FIRST, "--date", "2026-09-01"))
    monkeypatch.setenv("XUEJI_TODAY", "2027-09-10")
    refused(xueji(*BACK, "--grade", "3", "--date", "2027-09-10"), "SUS-3")
    ok(xueji(*BACK, "--grade", "same", "--date", "2027-09-10"))
    assert _status(sql) == ("active", 2)


def test_only_a_record_abroad_comes_back(pupil, xueji):
    """CHG-1: a record at school, or withdrawn, does not 'return from abroad'."""
    refused(xueji(*BACK), "CHG-1")
    ok(xueji("withdraw", FIRST, "--reason", "x", "--lawful-basis", "迁教字〔2026〕1号"))
    refused(xueji(*BACK), "CHG-1")


def test_the_evidence_is_recorded(pupil, xueji, as_json):
    ok(xueji("abroad", FIRST, "--date", "2026-09-01"))
    result = refused(xueji("return-from-abroad", FIRST, "--json"), "CHG-1")
    assert [e["field"] for e in as_json(result)["errors"]] == ["evidence"]


def test_abroad_then_a_transfer_elsewhere_instead(pupil, xueji):
    """TRF-11: the child back from abroad may instead go straight to another school."""
    ok(xueji("abroad", FIRST, "--date", "2026-09-01"))
    ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"))
