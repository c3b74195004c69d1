"""The query plans of the everyday commands: a directory of 100k records and a million
journal entries is only workable when no command reads the whole journal to find a
few entries. Every SELECT a command runs is captured and EXPLAIN QUERY PLAN'd on the
same database; a full scan of `journal` (a SCAN without an index) fails the test.
`check` reads every entry by design — through the index of records, in record order."""

from __future__ import annotations

import re
import sqlite3
from unittest import mock

import pytest
from synthetic import make_id

from xueji_cli.store import sqlite as store_sqlite

COMMANDS = [
    ("student", "list"), ("student", "list", "--csv"), ("student", "list", "--json", "--limit", "5"),
    ("student", "list", "--name", "张"), ("student", "show", "02262600100001"),
    ("check",), ("report", "stats", "--json"), ("report", "stats", "--json", "--as-of", "2026-09-01"),
    ("report", "verify", "--json"), ("report", "verify", "--year", "2025"),
    ("renumber-check", "--json"),
    ("log", "--month", "2026-09", "--json"), ("log", "02262600100001", "--json"),
    ("report", "roster", "--school", "001"), ("report", "roster", "--school", "001", "--as-of", "2026-09-01"),
]
FULL_SCAN = re.compile(r"\bSCAN (journal|j)\b(?! USING)")


@pytest.fixture
def two(township, enroll):
    assert enroll(id_number=make_id("2020-03-05", seq=221), name="张三").exit_code == 0
    assert enroll(id_number=make_id("2020-05-20", male=False, seq=222), name="李四",
                  gender="女", birth="2020-05-20").exit_code == 0
    return township


def plans_of(directory, xueji, args, table="journal") -> list[tuple[str, list[str]]]:
    """Each SELECT of `table` the command ran, through SQLAlchemy or sqlite3 alike
    (every connection is opened by store/sqlite.connect), with its plan."""
    captured: list[str] = []
    opened = store_sqlite.connect

    def connect(*args, **options):
        conn = opened(*args, **options)
        conn.set_trace_callback(captured.append)  # each statement, its values filled in
        return conn

    with mock.patch.object(store_sqlite, "connect", connect):
        result = xueji(*args)
    assert result.exit_code in (0, 1), result.stderr
    conn = sqlite3.connect(directory / "xueji.db")
    try:
        return [(statement, [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + statement)])
                for statement in captured
                if statement.lstrip().upper().startswith(("SELECT", "WITH")) and table in statement]
    finally:
        conn.close()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_command_scans_the_whole_journal(two, xueji, args):
    for statement, plan in plans_of(two, xueji, args):
        scans = [line for line in plan if FULL_SCAN.search(line)]
        assert not scans, f"{' '.join(args)}: {scans} in\n{statement}"


def test_the_check_reads_the_journal_in_record_order_by_its_index(two, xueji):
    [(_, plan)] = [(statement, plan) for statement, plan in plans_of(two, xueji, ("check",))
                   if "journal.sets" in statement]
    assert any("journal USING INDEX ix_journal_student_id" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan  # no sort of a million rows


def test_a_missing_index_is_caught(two, xueji, sql):
    """The test has teeth: without the index of effective dates, `log --month` reads the
    whole journal, and the plan says so."""
    sql("DROP INDEX ix_journal_date_kind")
    plans = plans_of(two, xueji, ("log", "--month", "2026-09", "--json"))
    assert any(FULL_SCAN.search(line) for _, plan in plans for line in plan)


def test_report_stats_finds_its_few_candidates_by_the_journal_indexes(two, xueji):
    """REP-1 at county scale: the admissions without their evidence (ENR-7, TRF-8 …) and
    the records without any are found in SQL through the journal's indexes (by kind, by
    record), not by reading every record's admission into Python."""
    plans = plans_of(two, xueji, ("report", "stats", "--json"))
    [(_, without)] = [(s, plan) for s, plan in plans if "NOT EXISTS" in s]
    assert any("USING INDEX ix_journal_student_id" in line
               or "USING COVERING INDEX ix_journal_student_id" in line for line in without), without
    [(_, lacking)] = [(s, plan) for s, plan in plans if "SELECT DISTINCT kind" in s]
    assert any("USING INDEX ix_journal_kind_school_date" in line for line in lacking), lacking


def plan(directory, statement: str) -> list[str]:
    conn = sqlite3.connect(directory / "xueji.db")
    try:
        return [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + statement)]
    finally:
        conn.close()


def test_renumber_check_reads_people_only_for_the_rows_it_judges(two, xueji):
    """NUM-1/NUM-2 at county scale: the numbers are summed up per prefix in one pass over
    the records; a person is looked up by its key, never read whole; numbers held twice
    are found in the index of local numbers alone."""
    plans = plans_of(two, xueji, ("renumber-check", "--json"), table="student")
    assert plans
    for statement, lines in plans:
        assert not any(re.search(r"\bSCAN person\b", line) for line in lines), (statement, lines)
    [(_, twice)] = [(s, lines) for s, lines in plans if "HAVING count(*) >" in s]
    assert any("COVERING INDEX ix_student_local_number" in line for line in twice), twice
    scans = [line for _, lines in plans for line in lines if re.search(r"\bSCAN student\b", line)]
    assert len(scans) <= 2, scans  # the summary per prefix, and the G numbers against the ID


def test_renumber_check_reads_national_numbers_from_their_index(two):
    """NUM-5 over 100k records: every national number is read from its index, in order
    (the same number twice is two neighbours), never from the table."""
    from xueji_cli.records.enrollment.number_check import NATIONAL_NUMBERS

    lines = plan(two, NATIONAL_NUMBERS)
    assert any("COVERING INDEX ix_student_national_number" in line for line in lines), lines
    assert not any("TEMP B-TREE" in line for line in lines), lines


def test_the_roster_of_a_school_reads_a_page_and_counts_by_the_index(two, xueji):
    """A central school of 5,000 pupils on screen: the roster reads one page (LIMIT) and
    counts them all in the database (the page is full: there may be more), both through
    the school's index — never every record of the directory."""
    plans = plans_of(two, xueji, ("report", "roster", "--school", "001", "--limit", "1"),
                     table="student")
    assert any("LIMIT 1 " in statement for statement, _ in plans), [s for s, _ in plans]
    [(_, counted)] = [(s, lines) for s, lines in plans if "count(*)" in s]
    assert not any(re.search(r"\bSCAN student\b", line) for line in counted), counted
    assert any("SEARCH student USING" in line for line in counted), counted


def test_report_verify_counts_its_check_sheet_in_the_database(two, xueji):
    """REP-2 at county scale: the check sheet's classes are grouped in SQL (no record read
    into Python to be counted), the records changed after the day found by the journal's
    index of dates, never a scan of the journal."""
    plans = plans_of(two, xueji, ("report", "verify", "--json"), table="student")
    [(_, grouped)] = [(s, lines) for s, lines in plans if "count(*)" in s and "GROUP BY" in s]
    assert not any(FULL_SCAN.search(line) for line in grouped), grouped
    assert any(re.search(r"SEARCH later USING (COVERING )?INDEX ix_journal_date", line)
               for line in grouped), grouped
