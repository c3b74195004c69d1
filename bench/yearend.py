"""Year-end benchmark: `xueji promote --year 2026` for a township of N records (default
3000: six grades of a central school and three village schools), as a whole process, in
one transaction, with its graduation roster; then `xueji check` over the result.

    python bench/yearend.py [--records 3000]

The records are written through the enrollment core (one transaction, no CLI) so that
building the township does not dominate. Last line: `SECONDS promote-<N> <seconds>`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "samples"))

from synth import id_number  # noqa: E402

XUEJI = [sys.executable, "-m", "xueji_cli"]
REGION = "130283105201"


def build(directory: Path, records: int) -> None:
    from xueji_cli.records.directory import schools
    from xueji_cli.records.enrollment.admission import EnrollmentAssessment, entry_year_for
    from xueji_cli.records.enrollment.applicant import Applicant
    from xueji_cli.records.enrollment.enrolling import write
    from xueji_cli.records.enrollment.numbering import Sequencer
    from xueji_cli.store.workspace import init_workspace

    ws = init_workspace(directory, "基准镇", "township", "02", "26")
    day = dt.date(2026, 9, 1)
    with ws.store.session(write=True) as session:
        made = [schools.add(session, f"00{n}", f"学校{n}", areas=["130283105"]) for n in range(1, 5)]
        sequencer = Sequencer(session)
        for n in range(records):
            grade = n % 6 + 1
            birth = dt.date(2020 - grade + 1, 1, 1) + dt.timedelta(days=n % 360)
            applicant = Applicant(
                school_code=made[n % 4].code, name=f"学生{n}", gender="1", birth=birth, grade=grade,
                class_no=n // 24 % 4 + 1, id_number=id_number(REGION, birth, n // 360, True),
                hukou_region=REGION, guardian_hukou_region=REGION, residence_region=REGION,
                evidence=["hukou", "property"], cap_decision="基准")
            # The rules are not asked: the data is valid by construction.
            assessment = EnrollmentAssessment(
                [], [], made[n % 4], entry_year_for(ws.settings, made[n % 4], grade, day),
                "G" + applicant.id_number)
            write(session, applicant, assessment, sequencer, ws.settings, day, "bench")


def run(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-800:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp) / "bench"
        started = time.perf_counter()
        build(directory, args.records)
        print(f"built {args.records} records in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "XUEJI_DIR": str(directory), "XUEJI_TODAY": "2027-07-10"}
        dry = run([*XUEJI, "promote", "--year", "2026", "--dry-run", "--json"], env)
        print(f"promote --dry-run: {dry:.2f} s")
        seconds = run([*XUEJI, "promote", "--year", "2026", "--json"], env)
        print(f"promote (one transaction, {args.records} entries, roster): {seconds:.2f} s")
        print(f"check afterwards: {run([*XUEJI, 'check'], env):.2f} s")
        print(f"SECONDS promote-{args.records} {seconds:.2f}")


if __name__ == "__main__":
    main()
