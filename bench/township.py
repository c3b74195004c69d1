"""Bulk loader for the report benchmark: a synthetic township of N student records and
about M journal entries, written straight into a fresh directory's database.

    python bench/township.py DIR [--students 100000] [--entries 1000000] [--seed 7]

Why a bulk loader: the project's write path (journal.record through the ORM) takes
about 0.3 ms per entry, so a million entries would take most of an hour. This loader
writes the same rows with sqlite3's executemany in one transaction, and keeps the
project's invariants, so that every command works on the result as on a real directory:

- the directory is made by the code behind `xueji init` and `xueji school add` (the
  real schema, migrations, triggers and settings);
- every record's projected fields (student row) are the fold of its journal entries
  (`xueji check` is clean — run it with --verify);
- every journal row has the columns journal.record writes (kind, national code from
  codes.toml, effective date, recorded time, operator, school, sets, evidence …);
- local numbers follow NUM-1/NUM-2 per school and entry year; ID numbers have valid
  check characters (python-stdnum) and are unique.

The township: 20 primary schools; twelve cohorts (entry 2015–2026), six of which have
graduated; each September an intake, each 10 July a promotion (grade 6 graduates);
transfers out and in, suspensions and resumptions, withdrawals, borrowing out, class
changes and procedural steps (transfer applications, approvals) spread over the years,
and a busy October 2026 (the month the benchmark reports). Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from stdnum.cn import ric

SCHOOLS = 20
FIRST_COHORT, LAST_COHORT = 2015, 2026
END = dt.date(2026, 11, 2)  # the day the township is "now"
REPORT_MONTH = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
NATIONAL = {"transfer_out": "21", "transfer_in": "22", "suspend": "11", "resume": "12",
            "withdraw": "31", "death": "51", "class_change": "29"}


def _id_number(rng: random.Random, birth: dt.date, used: set) -> str:
    while True:
        body = f"130283{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


class Loader:
    def __init__(self, students: int, entries: int, seed: int):
        self.rng = random.Random(seed)
        self.target_students = students
        self.target_entries = entries
        self.people: list[tuple] = []
        self.records: list[tuple] = []
        self.journal: list[tuple] = []
        self.sequence: dict[tuple[int, int], int] = {}
        self.used_ids: set[str] = set()
        self.last_day: dict[int, dt.date] = {}

    def number(self, school: int, entry_year: int) -> str:
        key = (school, entry_year)
        self.sequence[key] = self.sequence.get(key, 0) + 1
        return f"0226{entry_year % 100:02d}{school:03d}0{self.sequence[key]:04d}"

    def entry(self, student_id, kind, day, school, sets, **extra):
        self.last_day[student_id] = max(day, self.last_day.get(student_id, day))
        recorded = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(hours=self.rng.randrange(48))
        self.journal.append((
            student_id, kind, NATIONAL.get(kind), day.isoformat(),
            recorded.strftime("%Y-%m-%d %H:%M:%S.000000"), "bench", school,
            extra.get("from_school"), extra.get("to_school"), extra.get("reason"),
            json.dumps(extra.get("evidence", []), ensure_ascii=False), "[]",
            json.dumps(sets), None, json.dumps(extra.get("details", {})), extra.get("case_ref")))

    def student(self, entry_year: int, arrive: dt.date, grade: int, kind: str) -> None:
        rng = self.rng
        student_id = len(self.records) + 1
        school = rng.randrange(1, SCHOOLS + 1)
        birth = dt.date(entry_year - 7, 9, 1) + dt.timedelta(days=rng.randrange(365))
        id_number = _id_number(rng, birth, self.used_ids)
        gender = str(1 + (int(id_number[16]) + 1) % 2)
        self.people.append((student_id, f"学生{student_id:06d}", gender, birth.isoformat(), id_number))
        state = {"school_id": school, "kind": "regular", "local_number": self.number(school, entry_year),
                 "national_number": "G" + id_number, "entry_year": entry_year, "grade": grade,
                 "class_no": rng.randrange(1, 5), "status": "active"}
        evidence = ["户口簿", "房产证明"] if kind == "enroll" else ["转学证明"]
        self.entry(student_id, kind, arrive, school, dict(state), evidence=evidence,
                   from_school="外县小学" if kind == "transfer_in" else None)
        day = arrive
        year = arrive.year if arrive.month >= 9 else arrive.year - 1  # school year
        alive = ("active", "suspended", "borrowed_out")
        while state["status"] in alive:
            turn = dt.date(year + 1, 7, 10)  # the year's turn (promotion, graduation)
            if day >= turn:  # away over the turn (suspended, on loan): held in the grade
                year += 1
                continue
            event = self.event()
            when = day + dt.timedelta(days=rng.randrange(20, 280))
            if event and state["status"] == "active" and when < turn and when <= END:
                day = self.apply(event, student_id, school, state, when)
            if turn > END:
                break
            if day >= turn or state["status"] != "active":
                year += 1
                continue
            if state["grade"] == 6:
                state["status"] = "graduated"
                self.entry(student_id, "graduate", turn, school, {"status": "graduated"})
            else:
                state["grade"] += 1
                self.entry(student_id, "promote", turn, school, {"grade": state["grade"]})
            day, year = turn, year + 1
        self.records.append((student_id, student_id, state["school_id"], "regular",
                             state["local_number"], state["national_number"], state["entry_year"],
                             state["grade"], state["class_no"], state["status"], arrive.isoformat()))
        return student_id, arrive

    def event(self) -> str | None:
        """What happens to a child in one school year, if anything."""
        roll = self.rng.random()
        for kind, chance in (("transfer_out", 0.012), ("suspend", 0.004), ("borrow_out", 0.004),
                             ("withdraw", 0.001)):
            if roll < chance:
                return kind
            roll -= chance
        return None

    def apply(self, event: str, student_id: int, school: int, state: dict, when: dt.date) -> dt.date:
        """Record one event; returns the day the child is back (or `when`)."""
        rng = self.rng
        if event == "transfer_out":
            case = f"T{student_id}"
            self.entry(student_id, "transfer_apply", when - dt.timedelta(days=5), school, {},
                       case_ref=case, reason="随父母迁居")
            self.entry(student_id, "transfer_approve", when - dt.timedelta(days=2), school, {},
                       case_ref=case)
            state["status"] = "transferred_out"
            self.entry(student_id, "transfer_out", when, school, {"status": "transferred_out"},
                       case_ref=case, to_school="外县小学", evidence=["户口簿", "房产证明"])
            return when
        if event == "withdraw":
            state["status"] = "withdrawn"
            self.entry(student_id, "withdraw", when, school, {"status": "withdrawn"},
                       reason="随父母出国定居")
            return when
        away, back_kind, evidence = (("suspended", "resume", ["康复证明"]) if event == "suspend"
                                     else ("borrowed_out", "borrow_end", []))
        state["status"] = away
        self.entry(student_id, event, when, school, {"status": away},
                   reason="病" if event == "suspend" else "随父母务工",
                   evidence=["诊断证明"] if event == "suspend" else [])
        back = when + dt.timedelta(days=366 if event == "suspend" else rng.randrange(100, 300))
        if back > END:
            return when
        state["status"] = "active"
        self.entry(student_id, back_kind, back, school, {"status": "active"}, evidence=evidence,
                   details={} if event == "suspend" else {"direction": "out"})
        return back

    def build(self) -> None:
        rng = self.rng
        per_cohort = self.target_students // (LAST_COHORT - FIRST_COHORT + 1)
        spans = []
        for entry_year in range(FIRST_COHORT, LAST_COHORT + 1):
            for _ in range(per_cohort):
                if len(self.records) >= self.target_students:
                    break
                if rng.random() < 0.03 and entry_year < LAST_COHORT:  # arrived by transfer later
                    arrive = dt.date(entry_year + 1, 3, 1) + dt.timedelta(days=rng.randrange(200))
                    grade = min(6, arrive.year - entry_year + (1 if arrive.month >= 9 else 0))
                    spans.append(self.student(entry_year, min(arrive, END), max(1, grade), "transfer_in"))
                else:
                    spans.append(self.student(entry_year, dt.date(entry_year, 9, 1), 1, "enroll"))
        # The report month is busy: about 1.5% of the children at school change in it.
        month_first, month_last = REPORT_MONTH
        active = [r for r in self.records if r[9] == "active" and r[10] < month_first.isoformat()]
        for record in rng.sample(active, len(active) * 15 // 1000):
            self._october(record, rng.choice(["suspend", "transfer_out", "class_change", "borrow_out",
                                              "class_change", "transfer_out"]),
                          month_first + dt.timedelta(days=rng.randrange(31)))
        # Class changes and procedural steps spread over each record's years, to the
        # journal size asked for (the busiest kind of entry in a real journal).
        filler = max(0, self.target_entries - len(self.journal))
        for _ in range(filler):
            student_id, arrive = spans[rng.randrange(len(spans))]
            span = (min(self.last_day[student_id], month_first) - arrive).days
            when = arrive + dt.timedelta(days=rng.randrange(max(1, span)))
            record = self.records[student_id - 1]
            if rng.random() < 0.5:
                self.entry(student_id, "transfer_apply", when, record[2], {},
                           case_ref=f"A{student_id}", reason="咨询转学")
            else:
                self.entry(student_id, "correct", when, record[2], {}, reason="更正家庭住址")

    def _october(self, record, kind, when) -> None:
        student_id = record[0]
        school = record[2]
        values = list(record)
        if kind == "class_change":
            values[8] = 1 + values[8] % 4
            self.entry(student_id, kind, when, school, {"class_no": values[8]})
        else:
            status = {"suspend": "suspended", "transfer_out": "transferred_out",
                      "borrow_out": "borrowed_out"}[kind]
            values[9] = status
            self.entry(student_id, kind, when, school, {"status": status},
                       evidence=["诊断证明"] if kind == "suspend" else [])
        self.records[student_id - 1] = tuple(values)

    def write(self, db: Path) -> None:
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -400000")
        now = "2026-11-02 08:00:00.000000"
        with conn:
            conn.executemany(
                "INSERT INTO person (id, name, gender, birth_date, id_type, id_number, details, created_at)"
                " VALUES (?, ?, ?, ?, '1', ?, '{}', '" + now + "')", self.people)
            conn.executemany(
                "INSERT INTO student (id, person_id, school_id, kind, local_number, national_number,"
                " entry_year, grade, class_no, status, enrolled_on, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '" + now + "')", self.records)
            # journal ids in recording order: sort by recorded time
            self.journal.sort(key=lambda e: (e[4], e[3]))
            conn.executemany(
                "INSERT INTO journal (student_id, kind, national_code, effective_date, recorded_at,"
                " operator, school_id, from_school, to_school, reason, evidence, approvals, sets,"
                " remark, details, case_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self.journal)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
        conn.close()


def make(directory: Path, students: int, entries: int, seed: int = 7, quiet: bool = False) -> dict:
    """Create the directory with `xueji init` and load it. Returns counts and timings."""
    from xueji_cli.records.directory import schools
    from xueji_cli.store.workspace import init_workspace

    start = time.perf_counter()
    workspace = init_workspace(directory, "基准镇中心校", "township", "02", "26")  # = xueji init
    with workspace.store.session(write=True) as session:  # = xueji school add
        for code in range(1, SCHOOLS + 1):
            schools.add(session, f"{code:03d}", f"基准镇第{code}小学", central=code == 1,
                        areas=[f"130283105{200 + code}"])
    for engine in workspace.store._engines.values():
        engine.dispose()
    loader = Loader(students, entries, seed)
    loader.build()
    generated = time.perf_counter()
    loader.write(directory / "xueji.db")
    done = time.perf_counter()
    info = {"students": len(loader.records), "entries": len(loader.journal),
            "generate_s": generated - start, "write_s": done - generated}
    if not quiet:
        print(f"loaded {info['students']} records, {info['entries']} journal entries "
              f"(generate {info['generate_s']:.1f} s, write {info['write_s']:.1f} s)", file=sys.stderr)
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description="bulk-load a synthetic township")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verify", action="store_true", help="run xueji check afterwards")
    args = parser.parse_args()
    make(args.directory, args.students, args.entries, args.seed)
    if args.verify:
        subprocess.run([sys.executable, "-m", "xueji_cli", "--dir", str(args.directory), "check"],
                       check=True)


if __name__ == "__main__":
    main()
