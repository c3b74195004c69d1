"""Monthly report benchmark: `xueji report monthly` end to end on a synthetic township of
100k student records and 1M journal entries, against the floor timed in the same run —
the same month's counts by raw SQL on the same file.

    python bench/report.py [--students 100000] [--entries 1000000] [--runs 5] [--dir DIR]

The township is made by bench/township.py (a documented bulk loader; see its docstring)
in a fresh directory, unless --dir names one made before (then it is reused).

What is timed:
- report: `python -m xueji_cli report monthly --month 2026-10 --json` as a whole process,
  everything included: start-up, imports, settings, schema check,
  the report with its reconciliation and census, the JSON of every row and change.
- imports: a process that only imports every module that command imports (the list is
  taken from `python -X importtime` of the command itself): the interpreter's import
  time, which no query can beat.
- floor: the same month's numbers by raw sqlite3 (bench/report_floor.py), as a process
  of its own, less its imports — cold, like the report: the records
  per school, grade, kind and status; the history of the records the journal changed
  since the month began (the projected fields read by json_extract); their stored
  state; a minimal fold to the opening and closing counts; the month's entries counted
  per school, grade and kind.

Each process runs back to back with its imports alone, in --runs pairs; the median of
the pairs' differences is its time beyond its imports. Target: report ≤ 3 ×
floor + imports. The last line is `RATIO report-monthly <(report − imports) / floor>`. The query plans of the report's
queries (EXPLAIN QUERY PLAN) are printed, to show they use indexes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report_floor import floor_counts  # noqa: E402
from township import REPORT_MONTH, make  # noqa: E402

PYTHON = sys.executable
MONTH = f"{REPORT_MONTH[0]:%Y-%m}"
TODAY = "2026-11-02"


def imports_of(command: list[str], env: dict) -> str:
    """`import a, b, …` of every module the command imports at top level (from
    `python -X importtime`): timed as a process of its own, that is the interpreter's
    import time of the command."""
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], capture_output=True,
                          env=env, check=False)
    names = []
    for line in done.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line and "imported package" not in line:
            name = line.rsplit("|", 1)[1]
            if name.startswith(" ") and not name.startswith("  ") and not name.strip().endswith("__main__"):
                names.append(name.strip())
    return "import " + ", ".join(dict.fromkeys(names))


def timed(command: list[str], runs: int, env: dict) -> float:
    subprocess.run(command, capture_output=True, env=env, check=False)  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode not in (0,):
            raise SystemExit(f"{' '.join(command)} exit {done.returncode}: {done.stderr.decode()[-800:]}")
    return statistics.median(samples)


def paired(baseline: list[str], command: list[str], runs: int, env: dict) -> tuple[float, float, float]:
    """Medians of the baseline, of the command, and of the command's time beyond the
    baseline, the two run back to back in each of `runs` pairs (on a busy machine the
    difference of a pair is steadier than the difference of two medians)."""
    base, full, beyond = [], [], []
    for _ in range(runs):
        b = timed(baseline, 1, env)
        c = timed(command, 1, env)
        base.append(b)
        full.append(c)
        beyond.append(c - b)
    return statistics.median(base), statistics.median(full), statistics.median(beyond)


def floor(db: Path, runs: int) -> tuple[float, dict]:
    first, last = REPORT_MONTH
    floor_counts(db, first, last)  # warm-up
    samples, result = [], {}
    for _ in range(max(runs, 5)):
        start = time.perf_counter()
        result = floor_counts(db, first, last)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def query_plans(directory: Path) -> list[tuple[str, list[str]]]:
    """Run the report once in this process, capture its SQL, and EXPLAIN QUERY PLAN each."""
    from sqlalchemy import event

    from xueji_cli.reports.monthly import data as monthly
    from xueji_cli.store.database import Store

    store = Store(directory)
    captured: list[tuple[str, object]] = []
    engine = store.engine(False)

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    with store.session() as session:
        monthly.build(session, MONTH, dt.date.fromisoformat(TODAY))
    conn = sqlite3.connect(directory / "xueji.db")
    plans, seen = [], set()
    for statement, parameters in captured:
        key = " ".join(statement.split())[:160]
        if key in seen:
            continue
        seen.add(key)
        rows = conn.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        plans.append((" ".join(statement.split()), [r[-1] for r in rows]))
    conn.close()
    engine.dispose()
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="reuse (or create) the township here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp) / "township"
        if not (directory / "xueji.db").exists():
            make(directory, args.students, args.entries)
        db = directory / "xueji.db"
        with sqlite3.connect(db) as conn:
            students, entries = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                 for t in ("student", "journal"))
        env = {**os.environ, "XUEJI_DIR": str(directory), "XUEJI_TODAY": TODAY}
        command = [PYTHON, "-m", "xueji_cli", "report", "monthly", "--month", MONTH, "--json"]
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        document = json.loads(done.stdout)
        total = document["rows"][-1]
        imports, report, beyond = paired([PYTHON, "-c", imports_of(command, env)], command,
                                         args.runs, env)
        first, last = REPORT_MONTH
        floor_command = [PYTHON, str(HERE / "report_floor.py"), str(db), str(first), str(last)]
        floor_imports, floor_process, floor_s = paired(
            [PYTHON, "-c", "import sqlite3, json, datetime, collections, pathlib"], floor_command,
            args.runs, env)
        floor_warm, floor_result = floor(db, args.runs)
        plans = query_plans(directory)

    print(f"township: {students} student records, {entries} journal entries; month {MONTH}")
    print(f"report: balanced={document['balanced']} opening={total['opening']} closing={total['closing']}"
          f" changes={len(document['changes'])}; floor: opening={floor_result['opening']}"
          f" closing={floor_result['closing']} entries={floor_result['month']}")
    if (total["opening"], total["closing"]) != (floor_result["opening"], floor_result["closing"]):
        print("!! the report and the floor disagree")
    print("\nEXPLAIN QUERY PLAN of the report's queries:")
    for statement, plan in plans:
        print(f"  {statement[:150]}{'…' if len(statement) > 150 else ''}")
        for line in plan:
            print(f"      {line}")
    print()
    print(f"imports (python -c import …)   {imports * 1000:8.0f} ms")
    print(f"floor (raw SQL, as a process)  {floor_process * 1000:8.0f} ms  (beyond its imports:"
          f" {floor_s * 1000:.0f} ms; the same queries run again in one process: {floor_warm * 1000:.0f} ms)")
    print(f"xueji report monthly --json    {report * 1000:8.0f} ms  (beyond its imports: {beyond * 1000:.0f} ms;"
          f" target ≤ 3 × floor = {3 * floor_s * 1000:.0f} ms: {'met' if beyond <= 3 * floor_s else 'NOT met'})")
    print(f"RATIO report-monthly {beyond / floor_s:.2f}")


if __name__ == "__main__":
    main()
