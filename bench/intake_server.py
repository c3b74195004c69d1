"""The September intake on a county's server (`python bench/intake.py --database URL`):
`xueji enroll --from ROSTER` as a whole process into a directory whose database is a new,
empty one on the server (made per run from a template holding the schools, through the
maintenance database URL names, dropped after), against the floor timed in the same run —
a plain Python script that reads the same file with python-calamine and copies the same
rows, one student and one journal entry each, with psycopg's COPY in one transaction into
a new database of its own.

    .ci/with-postgres sh -c 'python bench/intake.py --database "$XUEJI_TEST_DATABASE_URL"'

The last line of each size is `RATIO intake-pg-<N> <ratio to floor> peak-mb <MB>`.
"""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

FLOOR = '''
import json, sys
import psycopg
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
width = len(rows[-1])
rows = [[str(v) for v in row] for row in rows[1:] if len(row) == width]
with psycopg.connect(sys.argv[2]) as conn:
    conn.execute("CREATE TABLE student (id int PRIMARY KEY, "
                 + ", ".join(f"c{i} text" for i in range(width)) + ")")
    conn.execute("CREATE TABLE journal (id serial PRIMARY KEY, student_id int, kind text,"
                 " sets json)")
    with conn.cursor() as cursor:
        with cursor.copy("COPY student FROM STDIN") as copy:
            for number, row in enumerate(rows, start=1):
                copy.write_row([number, *row])
        with cursor.copy("COPY journal (student_id, kind, sets) FROM STDIN") as copy:
            for number, row in enumerate(rows, start=1):
                copy.write_row([number, "enroll", json.dumps(row[7:10])])
'''

_names = itertools.count(1)


def with_database(url: str, name: str) -> str:
    """The server's URL naming another database (a socket folder in the query is kept)."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def admin(url: str, statement: str) -> None:
    """CREATE/DROP DATABASE on the maintenance database (outside a transaction)."""
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        conn.execute(statement)


def new_database(url: str, template: str = "template0") -> str:
    name = f"xueji_bench_{os.getpid()}_{next(_names)}"
    admin(url, f"CREATE DATABASE {name} TEMPLATE {template}")
    return name


def drop_database(url: str, name: str) -> None:
    admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def count(url: str, table: str) -> int:
    with closing(psycopg.connect(url)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def measure(bench, rows: int, runs: int, url: str) -> None:
    """`bench`: bench/intake.py (its roster, schools, runner and the xueji command)."""
    bench.compile_package()
    roster = bench.roster_for(rows)
    template = new_database(url)
    made = [template]
    try:
        with tempfile.TemporaryDirectory(prefix="xueji-bench-pg-") as tmp:
            directory = Path(tmp) / "county"
            bench.run([*bench.XUEJI, "init", str(directory), "--name", "bench", "--database",
                       with_database(url, template)])
            env = {**os.environ, "XUEJI_TODAY": bench.DAY}
            for school in range(1, bench.schools_for(rows) + 1):
                bench.run([*bench.XUEJI, "--dir", str(directory), "school", "add", "--code",
                           f"{school:03d}", "--name", f"第{school}小学", "--service-area",
                           bench.village(school)[:9]], env)
            floor_script = Path(tmp) / "floor_copy.py"
            floor_script.write_text(FLOOR)
            timed = {"cli": [], "floor": [], "cli_cpu": [], "floor_cpu": [], "mb": []}
            for _ in range(runs):
                target = new_database(url, template)
                made.append(target)
                run_env = {**env, "XUEJI_DATABASE_URL": with_database(url, target)}
                wall, mb, cpu = bench.run([*bench.XUEJI, "--dir", str(directory), "enroll",
                                           "--from", str(roster), "--date", bench.DAY], run_env)
                timed["cli"].append(wall)
                timed["cli_cpu"].append(cpu)
                timed["mb"].append(mb)
                if count(with_database(url, target), "student") != rows:
                    raise SystemExit(f"expected {rows} students in {target}")
                floor = new_database(url)
                made.append(floor)
                wall, _, cpu = bench.run([bench.PYTHON, str(floor_script), str(roster),
                                          with_database(url, floor)])
                timed["floor"].append(wall)
                timed["floor_cpu"].append(cpu)
                for name in (target, floor):
                    drop_database(url, name)
    finally:
        for name in made:
            drop_database(url, name)
    report(rows, runs, timed)


def report(rows: int, runs: int, timed: dict) -> None:
    median = statistics.median
    ratio = median(timed["cli"]) / median(timed["floor"])
    peak = max(timed["mb"])
    print(f"\n== {rows} rows on the server ({runs} runs each, medians; machine load "
          f"{os.getloadavg()[0]:.1f}) ==")
    print(f"xueji enroll --from (server)   {median(timed['cli']):7.2f} s  peak {peak:6.0f} MB")
    print(f"floor: calamine + COPY         {median(timed['floor']):7.2f} s")
    print(f"  ratio {ratio:.2f}×  runs: {', '.join(f'{w:.2f}' for w in timed['cli'])} vs "
          f"{', '.join(f'{w:.2f}' for w in timed['floor'])}")
    print(f"  client CPU (user+system, median; the server's own work is not counted): "
          f"{median(timed['cli_cpu']):.2f} s vs {median(timed['floor_cpu']):.2f} s")
    print(f"RATIO intake-pg-{rows} {ratio:.2f} peak-mb {peak:.0f}", flush=True)
