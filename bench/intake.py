"""Intake benchmark: `xueji enroll --from ROSTER` into a fresh directory, as a whole process,
against the floor timed in the same run — a plain Python script that reads the same file
with python-calamine and inserts one row per student with raw sqlite3 executemany in one
transaction. Then the roster export (`xueji report roster --xlsx`) against openpyxl's
write-only mode writing the same cells, and the takeover of a register as it stands
(`xueji takeover` of that exported roster, numbers kept, into a fresh directory) against
the same floor reading the exported file.

    python bench/intake.py                 # 10 000 and 100 000 rows
    python bench/intake.py --rows 10000    # one size
    python bench/intake.py --rows 2000 --runs 1   # a quick look
    python bench/intake.py --database URL  # on a county's server instead (bench/intake_server.py)

The rosters are synthetic (20 columns, valid children spread over schools of 80 classes
of 45) and generated once into bench/out/ (not in git). Peak memory is the child's
maximum resident set size (getrusage of the waited-for child, os.wait4).

Targets: intake ≤ 3.5× the floor at 10k rows, ≤ 2.5× at 100k; peak ≤ 400 MB at
100k; roster export of 100k rows ≤ 1.3× openpyxl write-only (at 10k rows the export's
fixed cost, loading SQLAlchemy for the query, is a larger share: shown for information);
the takeover at the intake's speed. The last lines are
`RATIO takeover-<N> <ratio to floor> peak-mb <MB>` and
`RATIO intake-<N> <ratio to floor> peak-mb <MB>`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
XUEJI = [PYTHON, "-m", "xueji_cli"]
DAY = "2026-09-01"
PER_CLASS, CLASSES = 45, 80
PER_SCHOOL = PER_CLASS * CLASSES
GENERATOR_VERSION = 1

HEADERS = ["序号", "姓名", "性别", "出生日期", "民族", "身份证件类型", "身份证号", "学校代码", "年级",
           "班级", "户口所在地", "监护人", "监护人户口所在地", "监护人电话", "现住地", "现住址",
           "证明材料", "健康状况", "户口性质", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "子浩宇轩梓涵欣怡一诺雨泽晨阳思远佳琪俊杰若曦嘉怡博文雅静明哲婉清天佑语桐锦程"

FLOOR_INTAKE = '''
import sqlite3, sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
width = len(rows[-1])
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE student (" + ", ".join(f"c{i} TEXT" for i in range(width)) + ")")
with conn:
    conn.executemany("INSERT INTO student VALUES (" + ", ".join("?" * width) + ")",
                     [[str(v) for v in row] for row in rows[1:] if len(row) == width])
conn.close()
'''

FLOOR_EXPORT = '''
import json, sqlite3, sys
from openpyxl import Workbook
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute(
    "SELECT s.local_number, p.name, p.gender, p.birth_date, p.ethnicity, p.id_type, p.id_number,"
    " s.national_number, sc.code, sc.name, s.grade, s.class_no, p.hukou_region, p.guardian_name,"
    " p.guardian_hukou_region, p.residence_region, p.guardian_phone, p.address, j.evidence, s.remark"
    " FROM student s JOIN person p ON p.id = s.person_id JOIN school sc ON sc.id = s.school_id"
    " LEFT JOIN journal j ON j.student_id = s.id AND j.kind = 'enroll'"
    " ORDER BY sc.code, s.grade, s.class_no, s.local_number")
wb = Workbook(write_only=True)
ws = wb.create_sheet("花名册")
ws.append(["title"])
ws.append(["序号"] + [f"c{i}" for i in range(20)])
for seq, row in enumerate(rows, start=1):
    row = list(row)
    row[18] = "、".join(json.loads(row[18] or "[]"))
    ws.append([seq] + row)
wb.save(sys.argv[2])
'''


# -- the synthetic roster ------------------------------------------------------------------

def schools_for(rows: int) -> int:
    return -(-rows // PER_SCHOOL)


def village(school: int) -> str:
    return f"130283{100 + school:03d}201"


def make_roster(rows: int, path: Path) -> None:
    from openpyxl import Workbook
    from stdnum.cn import ric

    rng = random.Random(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("新生花名册")
    ws.append(HEADERS)
    used: set[str] = set()
    first = dt.date(2019, 9, 1)
    for i in range(rows):
        school, place = divmod(i, PER_SCHOOL)
        birth = first + dt.timedelta(days=rng.randrange(365))
        male = rng.random() < 0.5
        while True:
            order = rng.randrange(500) * 2 + (1 if male else 0)
            body = f"130283{birth:%Y%m%d}{order:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in used:
                used.add(number)
                break
        surname = rng.choice(SURNAMES)
        region = village(school + 1)
        ws.append([i + 1, surname + rng.choice(GIVEN) + rng.choice(GIVEN), "男" if male else "女",
                   birth, "汉族", "居民身份证", number, f"{school + 1:03d}", 1,
                   place // PER_CLASS + 1, region, surname + rng.choice(GIVEN), region,
                   f"100{rng.randrange(10**8):08d}", region, f"第{school + 1}村{rng.randrange(99)}号",
                   "户口簿、房产证明", "健康", "农业户口", ""])
    wb.save(path)


def roster_for(rows: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"roster-{rows}-v{GENERATOR_VERSION}.xlsx"
    if not path.exists():
        print(f"generating {path.name} …", file=sys.stderr, flush=True)
        make_roster(rows, path)
    return path


def template_directory(rows: int, parent: Path) -> Path:
    directory = parent / "template"
    subprocess.run([*XUEJI, "init", str(directory), "--name", "bench"], check=True,
                   capture_output=True)
    for school in range(1, schools_for(rows) + 1):
        subprocess.run([*XUEJI, "--dir", str(directory), "school", "add", "--code",
                        f"{school:03d}", "--name", f"第{school}小学", "--service-area",
                        village(school)[:9]], check=True, capture_output=True)
    return directory


# -- timing --------------------------------------------------------------------------------

def run(command: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak resident MB, CPU seconds: user + system) of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    stderr = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}:\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def compile_package() -> None:
    """xueji's modules compiled to bytecode, as an installed copy has them (pip compiles
    at install). Without this, an environment with PYTHONDONTWRITEBYTECODE set compiles
    every module from source in every timed run (~0.1 s of each), which a registrar's
    installation never does. The floor scripts are a few lines and are not compiled."""
    import compileall

    import xueji_cli

    compileall.compile_dir(str(Path(xueji_cli.__file__).parent), quiet=1)


def measure(rows: int, runs: int) -> None:
    compile_package()
    roster = roster_for(rows)
    env = {**os.environ, "XUEJI_TODAY": DAY}
    with tempfile.TemporaryDirectory(prefix="xueji-bench-") as tmp:
        tmp = Path(tmp)
        template = template_directory(rows, tmp)
        floor_script = tmp / "floor_intake.py"
        floor_script.write_text(FLOOR_INTAKE)
        export_script = tmp / "floor_export.py"
        export_script.write_text(FLOOR_EXPORT)
        cli, floor, cli_mb, floor_mb, cpu = [], [], [], [], {"cli": [], "floor": []}
        for attempt in range(runs):
            target = tmp / f"run{attempt}"
            shutil.copytree(template, target)
            wall, mb, seconds = run([*XUEJI, "--dir", str(target), "enroll", "--from",
                                     str(roster), "--date", DAY], env)
            cli.append(wall)
            cli_mb.append(mb)
            cpu["cli"].append(seconds)
            database = tmp / f"floor{attempt}.db"
            wall, mb, seconds = run([PYTHON, str(floor_script), str(roster), str(database)])
            floor.append(wall)
            floor_mb.append(mb)
            cpu["floor"].append(seconds)
        with sqlite3.connect(target / "xueji.db") as conn:
            enrolled = conn.execute("SELECT count(*) FROM student").fetchone()[0]
        if enrolled != rows:
            raise SystemExit(f"expected {rows} students, found {enrolled}")
        export, export_floor = [], []
        cpu["export"], cpu["export_floor"] = [], []
        for attempt in range(runs):
            wall, _, seconds = run([*XUEJI, "--dir", str(target), "report", "roster", "--xlsx",
                                    str(tmp / f"roster{attempt}.xlsx")], env)
            export.append(wall)
            cpu["export"].append(seconds)
            wall, _, seconds = run([PYTHON, str(export_script), str(target / "xueji.db"),
                                    str(tmp / f"floor-roster{attempt}.xlsx")])
            export_floor.append(wall)
            cpu["export_floor"].append(seconds)
        taken = takeover(rows, runs, template, tmp / "roster0.xlsx", floor_script, tmp, env)
    median = statistics.median
    ratio = median(cli) / median(floor)
    peak = max(cli_mb)
    export_ratio = median(export) / median(export_floor)
    print(f"\n== {rows} rows, 20 columns ({runs} runs each, medians; machine load "
          f"{os.getloadavg()[0]:.1f}) ==")
    print(f"xueji enroll --from            {median(cli):7.2f} s  peak {peak:6.0f} MB")
    print(f"floor: calamine + executemany  {median(floor):7.2f} s  peak {max(floor_mb):6.0f} MB")
    print(f"  ratio {ratio:.2f}× (target ≤ {3.5 if rows <= 10_000 else 2.5}×)  "
          f"runs: {', '.join(f'{w:.2f}' for w in cli)} vs {', '.join(f'{w:.2f}' for w in floor)}")
    print(f"  CPU (user+system, median; a loaded machine stretches wall time): "
          f"{median(cpu['cli']):.2f} s vs {median(cpu['floor']):.2f} s = "
          f"{median(cpu['cli']) / median(cpu['floor']):.2f}× (xueji parses in a second thread)")
    print(f"xueji report roster --xlsx     {median(export):7.2f} s")
    print(f"floor: openpyxl write-only     {median(export_floor):7.2f} s")
    print(f"  ratio {export_ratio:.2f}× (target ≤ 1.3× at 100 000 rows)  "
          f"runs: {', '.join(f'{w:.2f}' for w in export)} vs "
          f"{', '.join(f'{w:.2f}' for w in export_floor)}")
    print(f"  CPU (user+system, median): {median(cpu['export']):.2f} s vs "
          f"{median(cpu['export_floor']):.2f} s = "
          f"{median(cpu['export']) / median(cpu['export_floor']):.2f}×")
    print(f"RATIO roster-export-{rows} {export_ratio:.2f}")
    taken_cli, taken_floor, taken_mb, taken_cpu = taken
    print(f"xueji takeover (numbers kept)  {median(taken_cli):7.2f} s  peak {max(taken_mb):6.0f} MB")
    print(f"floor: calamine + executemany  {median(taken_floor):7.2f} s")
    print(f"  ratio {median(taken_cli) / median(taken_floor):.2f}× (at the intake's speed)  "
          f"runs: {', '.join(f'{w:.2f}' for w in taken_cli)} vs "
          f"{', '.join(f'{w:.2f}' for w in taken_floor)}")
    print(f"  CPU (user+system, median): {median(taken_cpu['cli']):.2f} s vs "
          f"{median(taken_cpu['floor']):.2f} s = "
          f"{median(taken_cpu['cli']) / median(taken_cpu['floor']):.2f}×")
    print(f"RATIO takeover-{rows} {median(taken_cli) / median(taken_floor):.2f} "
          f"peak-mb {max(taken_mb):.0f}")
    print(f"RATIO intake-{rows} {ratio:.2f} peak-mb {peak:.0f}", flush=True)


def takeover(rows: int, runs: int, template: Path, roster: Path, floor_script: Path,
             tmp: Path, env: dict) -> tuple[list[float], list[float], list[float], dict]:
    """`xueji takeover` of the exported roster (学籍号 and 学籍状态 kept) into fresh copies of
    the template directory, and the floor reading the same file: (walls, floor walls, MB,
    CPU seconds of each)."""
    cli, floor, peak, cpu = [], [], [], {"cli": [], "floor": []}
    for attempt in range(runs):
        target = tmp / f"takeover{attempt}"
        shutil.copytree(template, target)
        wall, mb, seconds = run([*XUEJI, "--dir", str(target), "takeover", str(roster),
                                 "--as-of", DAY], env)
        cli.append(wall)
        peak.append(mb)
        cpu["cli"].append(seconds)
        wall, _, seconds = run([PYTHON, str(floor_script), str(roster),
                                str(tmp / f"floor-takeover{attempt}.db")])
        floor.append(wall)
        cpu["floor"].append(seconds)
    with sqlite3.connect(target / "xueji.db") as conn:
        kept = conn.execute("SELECT count(*) FROM journal WHERE kind = 'takeover'").fetchone()[0]
    if kept != rows:
        raise SystemExit(f"expected {rows} records taken over, found {kept}")
    return cli, floor, peak, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append",
                        help="roster size (repeatable); default 10000 and 100000")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of each command, medians reported (default 5: "
                        "single runs of the same command vary by up to a fifth)")
    parser.add_argument("--database", metavar="URL",
                        help="a PostgreSQL server's maintenance database (postgresql://…): "
                        "the intake on the server against a floor of COPY "
                        "(bench/intake_server.py)")
    args = parser.parse_args()
    if args.runs < 1 or any(rows < 1 for rows in args.rows or []):
        parser.error("--runs and --rows must be at least 1")
    for rows in args.rows or [10_000, 100_000]:
        if args.database:
            import intake_server

            intake_server.measure(sys.modules[__name__], rows, args.runs, args.database)
        else:
            measure(rows, args.runs)


if __name__ == "__main__":
    main()
