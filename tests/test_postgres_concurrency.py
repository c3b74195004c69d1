"""A county's registrars at once on the server: separate OS processes enrolling into one
school and cohort get consecutive numbers, no gap and no duplicate (NUM-1, NUM-3: the
prefix's lock, store/postgres.hold_numbers); a lock held past the wait is exit 3 with the
plain message SQLite gives."""

from __future__ import annotations

import time
from contextlib import closing

import psycopg
import pytest
from pgkit import run_sql
from test_safety_concurrency import RAW_LOCK_WORDS, enroll_options, start_workers

from xueji_cli.store import settings

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("store_kind", ["postgres"])]
COHORT = "0226260010"  # city 02, county 26, entry 2026, school 001, primary


def url_of(directory) -> str:
    return settings.load(directory).database_url


def test_four_processes_enroll_40_each_into_one_cohort(township, xueji, as_json):
    processes, each = 4, 40
    summaries = start_workers(township, processes, each)
    for s in summaries:
        assert (s["enrolled"], s["already"], s["refused"], s["unusable"]) == (each, 0, [], []), s
    total = processes * each
    numbers = [n for (n,) in run_sql(url_of(township),
                                     "SELECT local_number FROM student ORDER BY local_number")]
    assert numbers == [f"{COHORT}{n:04d}" for n in range(1, total + 1)]  # no gap, no duplicate
    operators = [o for (o,) in run_sql(url_of(township), "SELECT operator FROM journal ORDER BY id")]
    assert len(operators) == total
    assert xueji("check").exit_code == 0
    assert as_json(xueji("renumber-check", "--json")) == {"ok": True, "checked": total, "problems": []}


def test_a_held_number_lock_is_exit_3_with_the_plain_message(township, set_setting, xueji, as_json):
    """Another registrar's transaction holds the cohort's numbers past busy_timeout_seconds:
    the command waits that long, then says so (exit 3); nothing is written."""
    set_setting("busy_timeout_seconds = 15", "busy_timeout_seconds = 1")
    with closing(psycopg.connect(url_of(township))) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                       ("xueji-local-number:" + COHORT,))
        started = time.monotonic()
        result = xueji(*enroll_options())
        waited = time.monotonic() - started
        json_result = xueji(*enroll_options(), "--json")
        holder.rollback()
    assert result.exit_code == 3 and waited >= 0.9
    assert "正被另一个程序写入" in result.stderr and "等待 1 秒" in result.stderr
    assert not any(word in result.stdout + result.stderr for word in RAW_LOCK_WORDS)
    [error] = as_json(json_result)["errors"]
    assert json_result.exit_code == 3 and "正被另一个程序写入" in error["message"]
    assert run_sql(url_of(township), "SELECT count(*) FROM student") == [(0,)]
    assert xueji(*enroll_options()).exit_code == 0  # released: the same command goes through
