"""Crashes: a writer killed with SIGKILL at random moments leaves a
database that passes SQLite's integrity check, `xueji check` and `xueji renumber-check`,
with every child all or nothing; re-running the same work completes it with nobody twice.
Backups and restores killed part-way leave the database as it was (or, for a restore,
wholly replaced) and never a half-written backup standing as one; the private temporary
copy such a kill leaves does not survive the next command of the directory.

The harness is tests/crashkit.py; each victim here is one `Victim`. The batch import
(`xueji enroll --from FILE`) joins as a victim by itself once it exists:
`test_batch_import_killed_at_random_moments` runs as soon as `xueji enroll --help` shows
--from (until then it is skipped)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import settle
from crashkit import Victim, assert_sound, kill_at_random, lifetime, sql, students
from populate import populate
from safety_worker import child
from safety_worker import cli_argv as enroll_argv

from xueji_cli.records.directory import backups

WORKER = Path(__file__).with_name("safety_worker.py")
SEED = 20260901
pytestmark = pytest.mark.slow


def timed(argv: list[str]) -> float:
    env = {**os.environ, "XUEJI_TODAY": "2026-09-01"}
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def startup(directory: Path) -> float:
    """How long a command takes before it touches the database (imports, settings)."""
    return timed([sys.executable, "-m", "xueji_cli", "--dir", str(directory), "db", "status"])


def writing_time(argv: list[str]) -> float:
    """How long a worker takes from "ready" to its last commit, uninterrupted."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env={**os.environ, "XUEJI_TODAY": "2026-09-01"})
    assert proc.stdout.readline().strip() == "ready"
    started = last = time.monotonic()
    for line in proc.stdout:
        if line.startswith("done "):
            last = time.monotonic()
    assert proc.wait() == 0
    return last - started


def test_single_student_writer_killed_at_random_moments(township, xueji, tmp_path):
    trials, per_trial = 24, 12
    argv = lambda n, directory=township: [  # noqa: E731
        sys.executable, str(WORKER), str(directory), str(n * per_trial), str(per_trial),
        "--tag", f"trial{n}", "--wait"]
    calibration = tmp_path / "calibration"
    shutil.copytree(township, calibration)
    worker = Victim("enrollment worker (one transaction per child)", argv=argv,
                    window=0.9 * writing_time(argv(1000, calibration)), ready="ready")
    counts: list[int] = []

    def after(trial):
        assert_sound(township, xueji)
        counts.append(students(township))

    outcome = kill_at_random(worker, trials, SEED, after)
    killed = [t for t in outcome if t.killed and t.progress < per_trial]
    assert len(killed) >= trials // 2, [(t.delay, t.progress) for t in outcome]
    assert len({t.progress for t in killed}) > 3  # the kills fell at different points
    # every child the victim reported done is on record (a reported commit is durable)
    assert counts[-1] >= sum(t.progress for t in outcome)
    # re-running the same work completes it, with nobody twice
    total = trials * per_trial
    done = subprocess.run([sys.executable, str(WORKER), str(township), "0", str(total)],
                          capture_output=True, text=True,
                          env={**os.environ, "XUEJI_TODAY": "2026-09-01"})
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["refused"] == [] and summary["unusable"] == []
    assert summary["already"] == counts[-1] and summary["enrolled"] == total - counts[-1]
    assert students(township) == total
    assert sql(township, "SELECT count(DISTINCT id_number) FROM person") == [(total,)]
    assert_sound(township, xueji)
    print(f"\nkill trials: {trials}; killed mid-run: {len(killed)}; "
          f"children on record after each kill: {counts}")


def test_cli_enroll_killed_at_random_moments(township, xueji):
    """Whole `xueji enroll` processes killed at any moment: before, during or after the
    transaction. Re-running the same command then enrolls the child, or refuses a second
    record (NUM-7) if the first had been committed."""
    trials = 4
    begin = startup(township)
    length = timed(enroll_argv(township, 9000)) - begin
    victim = Victim("xueji enroll", argv=lambda n: enroll_argv(township, 9001 + n),
                    window=begin + 2 * length)
    outcome = kill_at_random(victim, trials, SEED, lambda _t: assert_sound(township, xueji))
    for trial in outcome:
        again = subprocess.run(enroll_argv(township, 9001 + trial.number), capture_output=True,
                               text=True, env={**os.environ, "XUEJI_TODAY": "2026-09-01"})
        assert again.returncode in (0, 1), again.stderr
        if again.returncode == 1:
            assert "NUM-7" in again.stderr  # it had been committed before the kill
    assert students(township) == 1 + trials
    assert_sound(township, xueji)


@pytest.fixture
def big(township):
    """A township of 2,000 records (about 25 MB), so that copying takes a while."""
    populate(township / "xueji.db", per_cohort=500, padding=12000)
    settle(township)
    return township


def test_backup_killed_at_random_moments(big, xueji):
    """Backups (beside the database) killed part-way: the database is untouched, a backup
    standing under its name is whole, and the private temporary copy a kill leaves in
    the middle of the copy does not survive the next command of the directory."""
    trials = 6
    before = students(big)
    argv = lambda _n: [sys.executable, "-m", "xueji_cli", "--dir", str(big), "backup"]  # noqa: E731
    partials = lambda: list(big.glob(".xueji.db.bak-*.partial-*"))  # noqa: E731
    copying = lambda _n=0: bool(partials())  # noqa: E731
    length = lifetime(argv(0), copying)
    for made in big.glob("xueji.db.bak-*"):
        made.unlink()
    victim = Victim("xueji backup", argv=argv, ready=copying, window=1.6 * length)
    complete = partial = 0

    def after(trial):
        nonlocal complete, partial
        leftovers = partials()
        for left in leftovers:  # the temporary copy (and its rollback journal)
            assert left.stat().st_mode & 0o777 == 0o600  # a leftover is private too
        partial += bool(leftovers)  # this kill fell in the middle of the copy
        assert students(big) == before
        assert_sound(big, xueji)  # its `xueji check` is the next command of the directory …
        assert not partials()  # … and removed what the kill left
        for made in big.glob("xueji.db.bak-*"):  # never a partial copy under a backup's name
            assert backups.describe(made).students == before
            made.unlink()
            complete += 1

    outcome = kill_at_random(victim, trials, SEED, after)
    assert any(t.killed for t in outcome)
    print(f"\nbackup kill trials: {trials}; complete backups: {complete}; "
          f"killed in the middle of the copy: {partial}")


def test_restore_killed_at_random_moments(township, xueji, tmp_path):
    """Restores killed part-way, alternating between a backup of 3 records and one of
    2,003 (about 25 MB): the database is always the one or the other, whole."""
    trials = 6
    for i in range(3):
        assert xueji(*enroll_argv(township, i)[5:]).exit_code == 0
    smaller = backups.make_backup(_store(township), tmp_path / "smaller.db")
    populate(township / "xueji.db", per_cohort=500, cohorts=(2024, 2025), padding=12000)
    larger = backups.make_backup(_store(township), tmp_path / "larger.db")
    sources = [smaller, larger]
    argv = lambda n: [sys.executable, "-m", "xueji_cli", "--dir", str(township), "restore",  # noqa: E731
                      str(sources[n % 2].path)]
    staging = lambda _n=0: any(township.glob(".xueji.db.restore-*"))  # noqa: E731
    length = lifetime(argv(1), staging)  # the larger one: the longer copy
    assert students(township) == larger.students
    victim = Victim("xueji restore", argv=argv, ready=staging, window=1.0 * length)
    states, midway = [], 0

    def after(_trial):
        nonlocal midway
        staged = list(township.glob(".xueji.db.restore-*"))
        for left in staged:  # killed while copying in or replacing
            assert left.stat().st_mode & 0o777 == 0o600
        midway += bool(staged)
        # a command of its own first (this process judged the log when it first opened
        # the database): the log a kill left is the restore's, and is let in
        checked = subprocess.run([sys.executable, "-m", "xueji_cli", "--dir", str(township),
                                  "check"], capture_output=True, text=True,
                                 env={**os.environ, "XUEJI_TODAY": "2026-09-01"})
        assert checked.returncode == 0, checked.stderr
        states.append(students(township))
        assert states[-1] in (smaller.students, larger.students)  # the old or the new, whole
        assert_sound(township, xueji)
        for old in township.glob("xueji.db.bak-*"):  # pre-restore backups take room: tidy up
            old.unlink()
        assert not list(township.glob(".xueji.db.restore-*"))  # removed by `xueji check`
        assert not list(township.glob(".xueji.db.bak-*.partial-*"))

    kill_at_random(victim, trials, SEED + 1, after)
    print(f"\nrestore kill trials: {trials}; records after each: {states}; "
          f"killed while staging or replacing: {midway}")


def _store(directory: Path):
    from xueji_cli.store.database import Store

    return Store(directory)


# -- the batch import, once it exists ---------------------------------------------------------

def batch_import_available() -> bool:
    from conftest import invoke

    return "--from" in invoke(None, "enroll", "--help").stdout


def write_roster(path: Path, children: list[dict]) -> Path:
    """A plain roster (姓名, 性别, 出生日期, 身份证号, 年级, 班级, 户口所在地, …).
    INTEGRATOR: if the importer names its columns otherwise, adapt the headers here."""
    from xueji_cli.excel import sheets

    headers = ["姓名", "性别", "出生日期", "身份证号", "年级", "班级", "户口所在地",
               "监护人户口所在地", "现住地", "证明材料"]
    keys = ["name", "gender", "birth", "id_number", "grade", "class_no", "hukou_region",
            "guardian_hukou_region", "residence_region", "evidence"]
    wb, ws = sheets.new_workbook()
    rows = [[("、".join(c[k]) if k == "evidence" else c[k]) for k in keys] for c in children]
    sheets.table(ws, 1, headers, rows, text_columns=set(range(len(headers))))
    return sheets.save(wb, path)


def batch_trials(township: Path, xueji, argv, rows: int, trials: int, tmp_path: Path) -> list[int]:
    """Kill a batch at random moments: after each kill none or all of it is written (a
    written batch is taken away again for the next trial); then run it twice to the end:
    all of it, and nobody twice."""
    pristine = tmp_path / "pristine"
    shutil.copytree(township, pristine)
    calibration = tmp_path / "calibration"
    shutil.copytree(township, calibration)
    begin = startup(township)
    length = timed(argv(0, calibration)) - begin
    assert students(calibration) == rows, "the batch did not go through: adapt write_roster()"
    victim = Victim("batch", argv=lambda n: argv(n, township), window=begin + 1.2 * length)
    outcomes: list[int] = []

    def after(trial):
        assert_sound(township, xueji)
        count = students(township)
        assert count in (0, rows), f"trial {trial.number}: {count} of {rows} written"
        outcomes.append(count)
        if count:  # start the next trial from an empty cohort again
            for name in ("xueji.db", "xueji.db-wal", "xueji.db-shm"):
                (township / name).unlink(missing_ok=True)
            shutil.copy(pristine / "xueji.db", township / "xueji.db")

    kill_at_random(victim, trials, SEED, after)
    assert 0 in outcomes  # some kills did land before the commit
    for _ in range(2):  # the batch, then the same batch again: nobody twice
        subprocess.run(argv(0, township), capture_output=True,
                       env={**os.environ, "XUEJI_TODAY": "2026-09-01"})
        assert students(township) == rows
        assert_sound(township, xueji)
    return outcomes


def test_one_transaction_batch_killed_at_random_moments(township, xueji, tmp_path):
    """The stand-in for the roster import: 150 children in one transaction through the
    real core (safety_worker.py --batch)."""
    rows = 150
    argv = lambda _n, directory: [sys.executable, str(WORKER), str(directory), "0", str(rows),  # noqa: E731
                                  "--batch"]
    outcomes = batch_trials(township, xueji, argv, rows, 8, tmp_path)
    print(f"\nbatch kill trials: {len(outcomes)}; records after each: {outcomes}")


@pytest.mark.skipif(not batch_import_available(), reason="batch import not on this branch")
def test_batch_import_killed_at_random_moments(township, xueji, tmp_path):
    """A September roster import killed at random moments writes none of the batch or all
    of it; re-running the import then completes it with nobody twice."""
    rows = 300
    roster = write_roster(tmp_path / "roster.xlsx", [child(i) for i in range(rows)])
    argv = lambda _n, directory: [  # noqa: E731
        sys.executable, "-m", "xueji_cli", "--dir", str(directory), "enroll", "--from", str(roster),
        "--school", "001", "--date", "2026-09-01"]
    outcomes = batch_trials(township, xueji, argv, rows, 20, tmp_path)
    print(f"\nbatch import kill trials: {len(outcomes)}; records after each: {outcomes}")
