"""A date too far ahead (policy `future_limit_days`): entered long before it happens, it
is taken for a typing mistake — a wrong year or month — and refused as such (INPUT),
whatever step it dates: no rule of RULES.md forbids a date ahead (ENR-4 is the record made
within a month of entry, BOR-4 a loan from the start of a term). Registration for
September may be made in August, so the default allows a month."""

from __future__ import annotations

import datetime as dt

from xueji_cli.values.violation import Violation


def check_not_far_ahead(day: dt.date, today: dt.date, limit_days: int, field: str,
                        what: str, hint: str = "核对 --date 的年份和月份") -> list[Violation]:
    if day <= today + dt.timedelta(days=limit_days):
        return []
    return [Violation("INPUT", field, f"{what} {day:%Y-%m-%d} 在今天({today:%Y-%m-%d})"
                      f"{limit_days}天以后,像是年份或月份写错了", hint)]
