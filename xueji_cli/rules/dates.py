"""A date too far ahead (policy `future_limit_days`): entered long before it happens, it
is taken for a typing mistake — a wrong year or month — under the rule of the step it
dates (ENR-4, BOR-3, BOR-4, SUS-1, SUS-2, CHG-3). Registration for September may be made
in August, so the default allows a month."""

from __future__ import annotations

import datetime as dt

from xueji_cli.values.violation import Violation


def check_not_far_ahead(day: dt.date, today: dt.date, limit_days: int, rule: str, field: str,
                        what: str, hint: str = "核对 --date 的年份和月份") -> list[Violation]:
    if day <= today + dt.timedelta(days=limit_days):
        return []
    return [Violation(rule, field, f"{what} {day:%Y-%m-%d} 在{limit_days}天以后", hint)]
