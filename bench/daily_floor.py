"""The floors of the everyday-commands benchmark (bench/daily.py): what a raw sqlite3
process, standard library only, needs to do the same work as each command.

    python bench/daily_floor.py DB list|check|stats|renumber
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import Counter


def list_all(conn: sqlite3.Connection) -> None:
    """Every record with its person and school, in roster order, written as text."""
    write = sys.stdout.write
    for row in conn.execute(
            "SELECT s.local_number, s.national_number, p.name, p.gender, p.birth_date, p.id_number,"
            " c.code, c.name, s.grade, s.class_no, s.status FROM student s"
            " JOIN person p ON p.id = s.person_id JOIN school c ON c.id = s.school_id"
            " ORDER BY c.code, s.grade, s.class_no, s.local_number"):
        write("\t".join("" if v is None else str(v) for v in row) + "\n")


def check(conn: sqlite3.Connection) -> None:
    """Fold every entry's `sets` in recording order, compare with the stored records."""
    folded: dict[int, dict] = {}
    for student_id, sets in conn.execute(
            "SELECT student_id, sets FROM journal WHERE student_id IS NOT NULL ORDER BY id"):
        folded.setdefault(student_id, {}).update(json.loads(sets))
    fields = ("school_id", "kind", "local_number", "national_number", "entry_year", "grade",
              "class_no", "status")
    differences = 0
    for row in conn.execute(f"SELECT id, {', '.join(fields)} FROM student"):
        state = folded.get(row[0], {})
        differences += sum(state.get(f) != v for f, v in zip(fields, row[1:]))
    print(differences)


def stats(conn: sqlite3.Connection) -> None:
    """Headcounts per school, grade, class, kind, status and gender: one GROUP BY."""
    counts = conn.execute(
        "SELECT s.school_id, s.grade, s.class_no, s.kind, s.status, p.gender, count(*)"
        " FROM student s JOIN person p ON p.id = s.person_id GROUP BY 1, 2, 3, 4, 5, 6").fetchall()
    print(len(counts))


def renumber(conn: sqlite3.Connection) -> None:
    """The local numbers in order: duplicates and gaps per prefix (CCKKYYSSST)."""
    seen: Counter = Counter()
    gaps = duplicates = 0
    last: dict[str, int] = {}
    for (number,) in conn.execute(
            "SELECT local_number FROM student WHERE kind = 'regular' ORDER BY local_number"):
        seen[number] += 1
        if seen[number] > 1:
            duplicates += 1
            continue
        prefix, sequence = number[:10], int(number[10:])
        gaps += sequence - last.get(prefix, 0) - 1
        last[prefix] = sequence
    print(gaps, duplicates)


FLOORS = {"list": list_all, "check": check, "stats": stats, "renumber": renumber}

if __name__ == "__main__":
    connection = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    FLOORS[sys.argv[2]](connection)
