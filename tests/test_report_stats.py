"""report stats: headcounts by school, grade, class and gender on any day; classes over
their cap (ENR-5); the suspension share of a grade against SUS-5; borrowing; under-age
admissions and their commitments (ENR-1); records missing evidence (ENR-7 …)."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from journalkit import kit  # noqa: F401  (the fixture)
from loadkit import run_watching_sqlalchemy
from pgkit import BOTH_STORES

from xueji_cli.reports.stats import Pupil, latest_of_age, underage

pytestmark = BOTH_STORES  # counted in SQL: the same text on SQLite and on a county's server


def stats(xueji, as_json, *args):
    result = xueji("report", "stats", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return as_json(result)


def test_headcounts_by_class_and_gender(kit, xueji, as_json):
    kit.enroll("001", grade=1, class_no=1, gender="1")
    kit.enroll("001", grade=1, class_no=1, gender="2", birth="2019-04-04")
    suspended = kit.enroll("001", grade=1, class_no=2)
    kit.change(suspended, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    kit.arrive("001", "borrow_in", "2026-09-03", grade=1, class_no=2, regular=False,
               evidence=["暂住证", "就业证明", "借读证明信"])
    document = stats(xueji, as_json)
    assert document["as_of"] == "2026-11-02"
    heads = {(h["school"], h["grade"], h["class"]): h for h in document["headcounts"]}
    assert heads[("001", 1, 1)] | {} == {
        "school": "001", "school_name": "测试镇中心校", "grade": 1, "class": 1, "register": 2,
        "male": 1, "female": 1, "at_school": 2, "suspended": 0, "borrowed_out": 0, "borrowing_here": 0}
    assert (heads[("001", 1, 2)]["register"], heads[("001", 1, 2)]["at_school"],
            heads[("001", 1, 2)]["suspended"], heads[("001", 1, 2)]["borrowing_here"]) == (1, 1, 1, 1)
    assert document["borrowing"] == [{"school": "001", "school_name": "测试镇中心校",
                                      "borrowing_here": 1, "borrowed_out": 0}]
    # as of a day before the suspension
    before = stats(xueji, as_json, "--as-of", "2026-10-01")
    heads = {(h["school"], h["grade"], h["class"]): h for h in before["headcounts"]}
    assert heads[("001", 1, 2)]["suspended"] == 0 and heads[("001", 1, 2)]["at_school"] == 2
    screen = xueji("report", "stats")
    assert screen.exit_code == 0 and "在籍人数" in screen.stdout and "合计" in screen.stdout


def test_classes_over_their_cap(kit, xueji, as_json, set_setting):
    set_setting("primary = 45", "primary = 2")
    for _ in range(3):
        kit.enroll("001", grade=1, class_no=1)
    kit.enroll("001", grade=1, class_no=2)
    document = stats(xueji, as_json)
    assert [(c["school"], c["grade"], c["class"], c["at_school"], c["cap"])
            for c in document["over_cap"]] == [("001", 1, 1, 3, 2)]
    assert "ENR-5" in xueji("report", "stats").stdout


@pytest.mark.parametrize("size, over", [(33, True), (34, False)])
def test_suspension_share_of_a_grade(kit, xueji, as_json, size, over):
    children = [kit.enroll("002", grade=3, class_no=1 + n % 2) for n in range(size)]
    kit.change(children[0], "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    document = stats(xueji, as_json)
    [share] = [s for s in document["suspension_share"] if (s["school"], s["grade"]) == ("002", 3)]
    assert (share["register"], share["suspended"], share["limit"]) == (size, 1, 0.03)
    assert share["over"] is over


def test_underage_admissions_and_commitments(kit, xueji, as_json):
    kit.enroll("001", grade=1, birth="2020-09-01", name="小雨",
               evidence=["户口簿", "房产证明", "承诺书:2026-001"])
    kit.enroll("001", grade=1, birth="2020-09-02", name="小雪")
    kit.enroll("001", grade=1, birth="2020-08-31", name="小风")
    document = stats(xueji, as_json)
    found = {u["name"]: u for u in document["underage"]}
    assert set(found) == {"小雨", "小雪"}
    assert found["小雨"]["commitment"] == "2026-001" and found["小雨"]["problem"] is None
    assert found["小雪"]["commitment"] is None and found["小雪"]["problem"].startswith("ENR-1")


def test_records_missing_evidence(kit, xueji, as_json):
    kit.enroll("001", grade=2, evidence=["户口簿"], name="缺房产证明")
    kit.enroll("001", grade=2, name="齐全")
    kit.arrive("002", "transfer_in", "2026-10-09", grade=3, name="缺转学证明")
    document = stats(xueji, as_json)
    missing = {m["name"]: (m["rule"], m["missing"]) for m in document["missing_evidence"]}
    assert missing == {"缺房产证明": ("ENR-7", ["房产证明"]), "缺转学证明": ("TRF-8", ["转学证明"])}


def test_stats_refuses_a_bad_date(kit, xueji):
    result = xueji("report", "stats", "--as-of", "2026-02-30")
    assert result.exit_code == 1 and "不是真实存在的日期" in result.stderr


def test_stats_and_the_roster_of_a_day_read_plain_rows(kit, xueji, as_json, table_loads):
    """REP-1 at county scale: the roster of a day was a table object per record (12.8 s and
    576 MB for `report stats` on 100k records); it is read as plain rows, the records the
    journal changed since that day folded from theirs (the same fold)."""
    from xueji_cli.ledger.models import Person, Student

    kit.enroll("001", grade=1, class_no=1, gender="1")
    moved = kit.enroll("001", grade=1, class_no=2)
    kit.change(moved, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    with table_loads(Student, Person) as loaded:
        before = stats(xueji, as_json, "--as-of", "2026-10-01")
        today = stats(xueji, as_json)
    assert loaded == []
    suspended = {(h["grade"], h["class"]): h["suspended"] for h in today["headcounts"]}
    assert suspended == {(1, 1): 0, (1, 2): 1}
    assert sum(h["suspended"] for h in before["headcounts"]) == 0


def test_the_lists_of_a_past_day_fold_the_records_changed_since(kit, xueji, as_json):
    """ENR-1, ENR-7 on any day: a record changed after the day is folded from the journal,
    one unchanged is read as stored; both are found, in roster order, on either path."""
    young = kit.enroll("001", grade=1, class_no=1, birth="2020-09-02", name="小雪")
    lacking = kit.enroll("001", grade=1, class_no=1, evidence=["户口簿"], name="缺房产证明")
    kit.arrive("001", "restore", "2026-09-01", grade=2, class_no=1, name="无入学记录")
    kit.enroll("001", grade=1, class_no=1, name="齐全")
    for child in (young, lacking):
        kit.change(child, "class_change", "2026-10-20", class_no=2)
    past = stats(xueji, as_json, "--as-of", "2026-10-15")
    today = stats(xueji, as_json)
    for document, class_no in ((past, 1), (today, 2)):
        assert [(u["name"], u["class"], u["problem"]) for u in document["underage"]] == [
            ("小雪", class_no, "ENR-1 不足龄且未登记承诺书")]
        assert [(m["name"], m["class"], m["rule"], m["missing"]) for m in document["missing_evidence"]] == [
            ("缺房产证明", class_no, "ENR-7", ["房产证明"]), ("无入学记录", 1, "ENR-7", ["入学记录"])]


def test_a_record_on_the_register_no_longer_is_not_listed(kit, xueji, as_json):
    """The lists hold the records counted on the day (在籍 or 在校): one that left before
    it is not listed, one that left after it is."""
    gone = kit.enroll("001", grade=1, birth="2020-09-02", evidence=["户口簿"], name="已转出")
    kit.change(gone, "transfer_out", "2026-10-15", status="transferred_out")
    assert stats(xueji, as_json)["underage"] == [] == stats(xueji, as_json)["missing_evidence"]
    before = stats(xueji, as_json, "--as-of", "2026-10-14")
    assert [u["name"] for u in before["underage"]] == ["已转出"]
    assert [m["name"] for m in before["missing_evidence"]] == ["已转出"]


def test_todays_statistics_on_sqlite_do_not_load_sqlalchemy(kit, store_kind):
    """The statistics of a day after every entry are counted by the sqlite3 reader: loading
    SQLAlchemy and the models would cost more than the counting (README, benchmarks)."""
    if store_kind == "postgres":
        pytest.skip("a server database is read through SQLAlchemy")
    kit.enroll("001", grade=1)
    done, loaded = run_watching_sqlalchemy("--dir", kit.store.directory, "report", "stats", "--json")
    assert done.returncode == 0, done.stderr
    assert not loaded
    past, loaded = run_watching_sqlalchemy("--dir", kit.store.directory, "report", "stats",
                                           "--json", "--as-of", "2026-08-31")
    assert past.returncode == 0 and json.loads(past.stdout)["headcounts"] == []


@pytest.mark.parametrize("cutoff", [(8, 31), (2, 29), (1, 1), (12, 31)])
def test_the_last_birth_date_of_school_age_agrees_with_enr1(cutoff):
    """ENR-1: the database finds the under-age as those born after the last birth date of
    school age; that date says exactly what the rule says, a 29 February cut-off too."""
    settings = SimpleNamespace(policy=SimpleNamespace(school_age_cutoff=cutoff, school_age_years=6))
    for entry_year in (2023, 2024, 2025, 2028):
        if cutoff == (2, 29) and entry_year % 4:
            continue  # no cut-off day that year
        latest = latest_of_age(entry_year, settings)
        birth = dt.date(entry_year - 8, 1, 1)
        while birth < dt.date(entry_year - 4, 1, 1):
            pupil = Pupil(1, 1, None, "甲", None, 1, 1, birth, entry_year, "regular", "active")
            assert (birth > latest) == underage(pupil, settings), (entry_year, birth)
            birth += dt.timedelta(days=1)
