"""A writer process for the safety proofs (tests/test_safety_*.py): it opens a xueji
directory like any command does and enrolls synthetic children through the real core
path — `enrolling.enroll_one` in a write session (BEGIN IMMEDIATE), one transaction per
child — as a separate OS process, so that SQLite's locking between processes is what is
being tested, and so that it can be killed with SIGKILL.

    python tests/safety_worker.py DIR FIRST COUNT [--tag NAME] [--wait]

Child i (FIRST <= i < FIRST+COUNT) is always the same synthetic child, so a re-run enrolls
only who is missing (the others are refused by NUM-7, one person one record). With --wait
it prints "ready" once the directory is open and starts on a line from stdin ("go"), so
that several workers start writing at the same moment. Each finished child is reported
as a line "done i" (flushed) and the last line is a JSON summary.

With --batch all children go into ONE transaction (as a roster import does): a stand-in
for `xueji enroll --from FILE` while that is not on this branch."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import VILLAGE_001, make_id  # noqa: E402

DAY = dt.date(2026, 9, 1)
CLASSES = 25  # 40 children a class for 1,000: under the primary class cap (45)


def child(i: int) -> dict:
    """Synthetic child number i: a unique valid ID number (birth date and sequence from i)."""
    birth = dt.date(2019, 9, 1) + dt.timedelta(days=i % 365)
    male = i % 2 == 0
    return {"school": "001", "name": f"学生{i:05d}", "gender": "男" if male else "女",
            "birth": birth.isoformat(), "id_number": make_id(birth, male=male, seq=i // 365),
            "grade": "1", "class_no": str(i % CLASSES + 1), "hukou_region": VILLAGE_001,
            "guardian_hukou_region": VILLAGE_001, "residence_region": VILLAGE_001,
            "evidence": ["户口簿", "房产证明"]}


def cli_argv(directory: Path, i: int) -> list[str]:
    """The whole `xueji enroll` command line for child i, as a registrar would type it."""
    c = child(i)
    argv = [sys.executable, "-m", "xueji_cli", "--dir", str(directory), "enroll"]
    for key in ("school", "name", "gender", "birth", "id_number", "grade", "hukou_region",
                "guardian_hukou_region", "residence_region"):
        argv += [f"--{key.replace('_', '-')}", c[key]]
    argv += ["--class", c["class_no"], "--date", DAY.isoformat()]
    for item in c["evidence"]:
        argv += ["--evidence", item]
    return argv


def main(argv: list[str]) -> int:
    from xueji_cli.records.enrollment.applicant import from_options
    from xueji_cli.records.enrollment.enrolling import enroll_one
    from xueji_cli.store.workspace import open_workspace
    from xueji_cli.values.errors import DirectoryError, Refused

    directory, first, count = argv[0], int(argv[1]), int(argv[2])
    tag = argv[argv.index("--tag") + 1] if "--tag" in argv else "worker"
    ws = open_workspace(directory)
    operator = f"{ws.operator}/{tag}"
    import xueji_cli.ledger.models  # noqa: F401 - the ORM loaded before "ready" (not on the
    with ws.store.session():  # first write), so the kill window covers writing only
        pass
    if "--wait" in argv:
        print("ready", flush=True)
        sys.stdin.readline()
    summary = {"tag": tag, "enrolled": 0, "already": 0, "refused": [], "unusable": [],
               "first_commit": None, "last_commit": None}
    if "--batch" in argv:
        return batch(ws, operator, range(first, first + count), summary)
    for i in range(first, first + count):
        applicant = from_options(**child(i))
        try:
            with ws.store.session(write=True) as session:
                enroll_one(session, ws.settings, applicant, DAY, DAY, operator)
        except Refused as refused:
            if {v.rule for v in refused.violations} == {"NUM-7"}:
                summary["already"] += 1
            else:
                summary["refused"].append([i, sorted({v.rule for v in refused.violations})])
            continue
        except DirectoryError as error:  # exit 3 for a command: locked past the wait …
            summary["unusable"].append([i, error.message])
            continue
        summary["enrolled"] += 1
        now = time.time()
        summary["first_commit"] = summary["first_commit"] or now
        summary["last_commit"] = now
        print(f"done {i}", flush=True)
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return 0


def batch(ws, operator: str, children: range, summary: dict) -> int:
    from xueji_cli.records.enrollment.applicant import from_options
    from xueji_cli.records.enrollment.enrolling import enroll_one
    from xueji_cli.values.errors import Refused

    done = []
    with ws.store.session(write=True) as session:
        for i in children:
            try:
                enroll_one(session, ws.settings, from_options(**child(i)), DAY, DAY, operator)
            except Refused as refused:
                if {v.rule for v in refused.violations} != {"NUM-7"}:
                    raise
                summary["already"] += 1
                continue
            done.append(i)
    summary["enrolled"] = len(done)  # committed: all of them at once
    for i in done:
        print(f"done {i}", flush=True)
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
