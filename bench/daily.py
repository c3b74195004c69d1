"""The everyday commands at county scale: each command as a whole process on the township
of bench/township.py (100k records, 1M journal entries), against the floor of the same
work by a raw sqlite3 process (bench/daily_floor.py) timed in the same run.

    python bench/daily.py [--dir DIR] [--runs 3] [--only check,report-stats] [--source TREE]

The township is made in DIR (default bench/out/township) unless it is there already.
--source runs the commands from another checkout of xueji_cli (PYTHONPATH), to measure an
earlier commit against the same township and floors: `git archive <commit> | tar -x -C TREE`.

Each command and its floor run back to back, --runs times; medians of wall time and CPU
time (user + system), and the highest peak resident memory (getrusage of the child).
The machine may be shared: the load average is printed before and after, and the ratio
of CPU times, steadier than wall time on a busy machine, beside the wall-clock ratio.
Lines: `RATIO <command> <wall ratio> cpu <cpu ratio> peak-mb <MB>` for the commands with
a floor, `SECONDS <command> <wall> peak-mb <MB>` for the others. A command the checkout
does not know (exit 2) is reported as n/a.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from township import make  # noqa: E402

PYTHON = sys.executable
TODAY = "2026-11-02"

# name, arguments of `xueji`, floor (bench/daily_floor.py) or None, target ratio or seconds
COMMANDS = [
    ("student-list", ["student", "list"], "list", 3.0),
    ("student-list-csv", ["student", "list", "--csv"], "list", 4.0),
    ("check", ["check"], "check", 2.0),
    ("report-stats", ["report", "stats", "--json"], "stats", 4.0),
    ("renumber-check", ["renumber-check", "--json"], "renumber", 4.0),
    ("log-month", ["log", "--month", "2026-10", "--json"], None, 1.5),
    ("roster-school", ["report", "roster", "--school", "001"], None, 2.7),
    ("report-verify", ["report", "verify"], None, 8.0),
    ("report-verify-xlsx", ["report", "verify", "--xlsx", "验章名册.xlsx", "--force"], None, 14.0),
    ("student-show", ["student", "show", "{number}"], None, None),
]


def run(command: list[str], env: dict) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak resident MB, exit code) of one whole process, run
    outside any checkout (`python -m` puts the working directory first on the path)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=env["XUEJI_DIR"])
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(command: list[str], runs: int, env: dict) -> dict | None:
    run(command, env)  # warm-up: the file in the page cache, the modules compiled
    samples = [run(command, env) for _ in range(runs)]
    if any(code not in (0, 1) for *_, code in samples):
        return None
    return {"wall": statistics.median(s[0] for s in samples),
            "cpu": statistics.median(s[1] for s in samples),
            "peak": max(s[2] for s in samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=HERE / "out" / "township")
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated names of the commands to time")
    parser.add_argument("--source", type=Path, help="the checkout of xueji_cli to time")
    args = parser.parse_args()
    db = args.dir / "xueji.db"
    if not db.exists():
        make(args.dir, args.students, args.entries)
    with sqlite3.connect(db) as conn:
        students, entries = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                             for t in ("student", "journal"))
        number = conn.execute("SELECT local_number FROM student WHERE status = 'active'"
                              " ORDER BY id LIMIT 1").fetchone()[0]
    env = {**os.environ, "XUEJI_DIR": str(args.dir), "XUEJI_TODAY": TODAY, "COLUMNS": "160"}
    if args.source:
        env["PYTHONPATH"] = str(args.source)
    wanted = set(args.only.split(",")) if args.only else None
    print(f"township: {students} records, {entries} journal entries; source: "
          f"{args.source or 'this checkout'}; runs: {args.runs}; load average before: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    lines = []
    for name, arguments, floor, target in COMMANDS:
        if wanted and name not in wanted:
            continue
        command = [PYTHON, "-m", "xueji_cli", *(a.format(number=number) for a in arguments)]
        got = measure(command, args.runs, env)
        if got is None:
            print(f"{name:17} n/a (the checkout does not know `{' '.join(arguments)}`)")
            continue
        if floor is None:
            print(f"{name:17} {got['wall']:7.2f} s  cpu {got['cpu']:6.2f} s  peak {got['peak']:5.0f} MB"
                  + (f"   (target < {target} s)" if target else ""))
            lines.append(f"SECONDS {name} {got['wall']:.2f} peak-mb {got['peak']:.0f}")
            continue
        base = measure([PYTHON, str(HERE / "daily_floor.py"), str(db), floor], args.runs, env)
        wall, cpu = got["wall"] / base["wall"], got["cpu"] / base["cpu"]
        print(f"{name:17} {got['wall']:7.2f} s  cpu {got['cpu']:6.2f} s  peak {got['peak']:5.0f} MB"
              f"   floor {base['wall']:5.2f} s  cpu {base['cpu']:5.2f} s   {wall:5.2f}×  cpu {cpu:5.2f}×"
              f"   (target ≤ {target}×)")
        lines.append(f"RATIO {name} {wall:.2f} cpu {cpu:.2f} peak-mb {got['peak']:.0f}")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
