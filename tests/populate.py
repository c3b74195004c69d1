"""A populated township written with raw SQL in the columns of the FIRST schema revision
(0001), so that it can be built before any later migration has run and then carried to
head by `xueji db upgrade` (tests/test_safety_migrations.py), or made large quickly
(tests/test_safety_crash.py). Every record is consistent: contiguous local numbers per
school and cohort, valid synthetic ID numbers, and a journal whose folded `sets` equal
the stored projection, so `xueji check` and `xueji renumber-check` pass on it.

Some records carry a second entry (a change of class) so that folding is exercised."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from synthetic import make_id

SCHOOLS = (("001", "测试镇中心校", 1, "130283105"), ("002", "测试村小学", 0, "130283106"))
RECORDED = "2026-09-01 08:00:00.000000"


@dataclass
class Populated:
    schools: int = 0
    students: int = 0
    entries: int = 0
    numbers: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


def populate(path: Path, per_cohort: int = 10, cohorts: tuple[int, ...] = (2025, 2026),
             city: str = "02", county: str = "26", first_seq: int = 1,
             padding: int = 0) -> Populated:
    """Schools 001 and 002 (with service areas) and `per_cohort` records per school and
    cohort. `padding` adds that many bytes of notes to each person (a bigger file)."""
    out = Populated()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        person_id = conn.execute("SELECT coalesce(max(id), 0) FROM person").fetchone()[0]
        student_id = conn.execute("SELECT coalesce(max(id), 0) FROM student").fetchone()[0]
        persons, students, entries = [], [], []
        for school_id, (code, name, central, area) in enumerate(SCHOOLS, start=1):
            conn.execute(
                "INSERT OR IGNORE INTO school (id, code, name, type, is_central, "
                "designated_for_borrowing, created_at) VALUES (?, ?, ?, 'primary', ?, 0, ?)",
                (school_id, code, name, central, RECORDED))
            conn.execute("INSERT OR IGNORE INTO service_area (school_id, region) VALUES (?, ?)",
                         (school_id, area))
            for cohort in cohorts:
                for n in range(per_cohort):
                    person_id += 1
                    student_id += 1
                    birth = dt.date(cohort - 7, 9, 1) + dt.timedelta(days=(person_id * 7) % 360)
                    id_number = make_id(birth, male=person_id % 2 == 1, seq=person_id // 300)
                    number = f"{city}{county}{cohort % 100:02d}{code}0{first_seq + n:04d}"
                    grade = 2026 - cohort + 1
                    class_no = n % 3 + 1
                    details = {"note": "x" * padding} if padding else {}
                    persons.append((person_id, f"生{person_id:05d}", "1" if person_id % 2 else "2",
                                    birth.isoformat(), id_number, area + "201", json.dumps(details),
                                    RECORDED))
                    sets = {"school_id": school_id, "kind": "regular", "local_number": number,
                            "national_number": "G" + id_number, "entry_year": cohort,
                            "grade": grade, "class_no": class_no, "status": "active"}
                    entries.append((student_id, "enroll", f"{cohort}-09-01", json.dumps(sets),
                                    school_id, json.dumps(["户口簿", "房产证明"], ensure_ascii=False)))
                    if n % 4 == 3:  # a later change of class: the record shows the last one
                        class_no = class_no % 3 + 1
                        entries.append((student_id, "class_change", f"{cohort}-10-08",
                                        json.dumps({"class_no": class_no}), school_id, "[]"))
                    students.append((student_id, person_id, school_id, number, "G" + id_number,
                                     cohort, grade, class_no, f"{cohort}-09-01", RECORDED))
                    out.numbers.append(number)
                    out.ids.append(id_number)
        conn.executemany(
            "INSERT INTO person (id, name, gender, birth_date, id_type, id_number, hukou_region, "
            "details, created_at) VALUES (?, ?, ?, ?, '1', ?, ?, ?, ?)", persons)
        conn.executemany(
            "INSERT INTO student (id, person_id, school_id, kind, local_number, national_number, "
            "entry_year, grade, class_no, status, enrolled_on, created_at) "
            "VALUES (?, ?, ?, 'regular', ?, ?, ?, ?, ?, 'active', ?, ?)", students)
        conn.executemany(
            "INSERT INTO journal (student_id, kind, effective_date, recorded_at, operator, sets, "
            "school_id, evidence, approvals, details) "
            f"VALUES (?, ?, ?, '{RECORDED}', '测试录入员', ?, ?, ?, '[]', '{{}}')", entries)
        out.schools = len(SCHOOLS)
        out.students = len(students)
        out.entries = len(entries)
    return out
