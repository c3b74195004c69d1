"""Dates of a year no record can have (9999, 0001, 3000 …): refused where they are read,
as invalid input naming the option (exit 1), never an internal error from the date
arithmetic behind them (a year later, the day before, last autumn)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xueji_cli.values.dates import YEARS, parse_date, parse_month

FAR = ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.dates(), st.datetimes(), st.integers(), st.text(max_size=12),
                 st.dates().map(lambda d: f"{d.year:04d}-{d.month}-{d.day}")))
def test_no_date_outside_the_years_of_a_record_is_ever_returned(value):
    try:
        day = parse_date(value)
    except ValueError as exc:
        assert str(exc)
        return
    assert YEARS[0] <= day.year <= YEARS[1]


@pytest.mark.parametrize("text", ["9999-12", "0001-01", "1899-12", "3000-01"])
def test_months_outside_the_years_are_refused(text):
    with pytest.raises(ValueError, match="年份"):
        parse_month(text)


def test_the_edges_are_accepted():
    assert parse_date("1900-01-01") == dt.date(1900, 1, 1)
    assert parse_date("2999-12-31") == dt.date(2999, 12, 31)
    assert parse_month("2999-12") == (dt.date(2999, 12, 1), dt.date(2999, 12, 31))


COMMANDS = [
    ("suspend", "{key}", "--from", "{day}", "--reason", "病"),
    ("report", "stats", "--as-of", "{day}"),
    ("report", "roster", "--as-of", "{day}"),
    ("log", "--month", "{month}"),
    ("report", "monthly", "--month", "{month}"),
    ("transfer", "out", "{key}", "--to-school", "外县小学", "--to-region", "130204001001",
     "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明", "--date", "{day}"),
    ("class-change", "{key}", "--class", "2", "--date", "{day}"),
    ("promote", "--year", "2026", "--date", "{day}", "--dry-run"),
]


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_commands_refuse_a_far_year_plainly(township, enroll, xueji, as_json, command, day):
    key = as_json(enroll(json=True))["local_number"]
    argv = [part.format(key=key, day=day, month=day[:7]) for part in command]
    result = xueji(*argv)  # the fixture fails on a traceback or an internal error
    assert result.exit_code == 1, (argv, result.stdout, result.stderr)
    assert "年份" in result.stderr and "[" in result.stderr
