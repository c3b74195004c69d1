"""The floor of the report benchmark: the same month's numbers by raw SQL (sqlite3 and
the standard library only), as a process of its own:

    python bench/report_floor.py DB FIRST LAST     # prints the totals as JSON
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path


def floor_counts(db: Path, first: dt.date, last: dt.date) -> dict:
    """The month's numbers by raw SQL: opening and closing per (school, grade), and the
    month's entries per (school, grade, kind)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    registered = ("active", "suspended", "borrowed_out")
    tally: Counter = Counter()
    for school, grade, kind, status, n in conn.execute(
            "SELECT school_id, grade, kind, status, count(*) FROM student GROUP BY 1, 2, 3, 4"):
        if kind == "regular" and status in registered:
            tally[(school, grade)] += n
    opening, closing = Counter(tally), Counter(tally)
    touched = "SELECT student_id FROM journal WHERE effective_date >= :first"
    stored = {row[0]: row[1:] for row in conn.execute(
        f"SELECT id, school_id, grade, kind, status FROM student WHERE id IN ({touched})",
        {"first": first.isoformat()})}
    for sid, (school, grade, kind, status) in stored.items():
        if kind == "regular" and status in registered:
            opening[(school, grade)] -= 1
            closing[(school, grade)] -= 1
    history: dict[int, list] = {}
    for row in conn.execute(
            "SELECT student_id, effective_date, json_extract(sets, '$.school_id'),"
            " json_extract(sets, '$.grade'), json_extract(sets, '$.kind'), json_extract(sets, '$.status')"
            f" FROM journal WHERE student_id IN ({touched}) ORDER BY student_id, effective_date, id",
            {"first": first.isoformat()}):
        history.setdefault(row[0], []).append(row[1:])
    before, end = (first - dt.timedelta(days=1)).isoformat(), last.isoformat()
    for sid, steps in history.items():
        state = [None, None, "regular", None]
        at_open = at_close = None
        for day, *values in steps:
            if day > before and at_open is None:
                at_open = tuple(state)
            if day > end and at_close is None:
                at_close = tuple(state)
            state = [v if v is not None else s for v, s in zip(values, state)]
        at_open = at_open or tuple(state)
        at_close = at_close or tuple(state)
        for counter, (school, grade, kind, status) in ((opening, at_open), (closing, at_close)):
            if school is not None and kind == "regular" and status in registered:
                counter[(school, grade)] += 1
    month = Counter()
    for school, grade, kind, n in conn.execute(
            "SELECT j.school_id, s.grade, j.kind, count(*) FROM journal j JOIN student s ON s.id = j.student_id"
            " WHERE j.effective_date BETWEEN ? AND ? GROUP BY 1, 2, 3", (first.isoformat(), last.isoformat())):
        month[(school, grade, kind)] = n
    conn.close()
    return {"opening": sum(opening.values()), "closing": sum(closing.values()), "month": sum(month.values())}


if __name__ == "__main__":
    db, first, last = sys.argv[1:4]
    print(json.dumps(floor_counts(Path(db), dt.date.fromisoformat(first), dt.date.fromisoformat(last))))
