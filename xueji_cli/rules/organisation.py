"""Organisation rules ORG-1…ORG-3 (RULES.md) as pure functions.

ORG-2: a directory holds a township's schools. A school closed or merged away (撤并) is no
longer one of them from its closing day: it takes no pupil any more — by enrollment,
transfer, loan or takeover — while the records it still holds stay until they are moved.
"""

from __future__ import annotations

import datetime as dt

from xueji_cli.values.violation import Violation


def check_school_open(label: str, closed_on: dt.date | str | None, day: dt.date,
                      field: str = "school") -> list[Violation]:
    """ORG-2: no pupil comes into a school on or after the day it was closed (撤并)."""
    if closed_on is None:
        return []
    if isinstance(closed_on, str):  # as sqlite3 reads a DATE column
        closed_on = dt.date.fromisoformat(closed_on[:10])
    if day < closed_on:
        return []
    return [Violation("ORG-2", field, f"{label}已于 {closed_on:%Y-%m-%d} 撤并,不再接收学生"
                      "(入学、转入、借读、接收学籍)",
                      "安排到本目录其他学校;如撤并登记有误,用 xueji school set 学校代码 --reopen 撤销")]


def overlapping(areas: list[str], others: dict[str, list[str]]) -> dict[str, list[str]]:
    """ORG-2 (ENR-2 就近入学): which of `areas` overlap another school's service area — the
    same region, or one inside the other — by that school's label."""
    found: dict[str, list[str]] = {}
    for label, theirs in others.items():
        for area in areas:
            if any(area.startswith(t) or t.startswith(area) for t in theirs):
                found.setdefault(label, []).append(area)
    return found
