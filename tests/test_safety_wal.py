"""The write-ahead log beside the database (store/wal.py): a log that belongs to the
database — left by a writer that died after its commit — is replayed, since it holds
committed work; a log that does not belong to it — copied from another xueji database, or
left behind when a backup was copied over `xueji.db` by hand — is refused (exit 3) before
anything is changed, and never merged into the file. A command that only reads opens the
database read-only and cannot change the file at all.

Every file here is real: the logs are written by xueji's own core in a process that dies
right after its commit, as under SIGKILL (a process that never closes its connection leaves
its log behind, uncheckpointed). Each test plants its log before any command of this test
process opens the directory (a process judges the log of a database once, before it first
opens it)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import settle
from crashkit import Victim, kill_at_random
from populate import populate
from safety_worker import cli_argv as enroll_argv

from xueji_cli.store import wal
from xueji_cli.store.database import REVISIONS

TESTS = Path(__file__).resolve().parent
WORKER = TESTS / "safety_worker.py"
ENV = {**os.environ, "XUEJI_TODAY": "2026-09-01"}
DIES_AFTER_COMMIT = """
import os, sys
sys.path.insert(0, {tests!r})
from safety_worker import DAY, child
from xueji_cli.records.enrollment.applicant import from_options
from xueji_cli.records.enrollment.enrolling import enroll_one
from xueji_cli.store.workspace import open_workspace
ws = open_workspace({directory!r})
with ws.store.session(write=True) as session:
    for i in range({first}, {first} + {count}):
        enroll_one(session, ws.settings, from_options(**child(i)), DAY, DAY, "测试")
os._exit(0)  # dead after the commit, the connection never closed: nothing checkpointed
"""

RESTORE_DIES_AFTER_REPLACING = """
import os, sys
from xueji_cli.records.directory import backups
from xueji_cli.store import sqlite
from xueji_cli.store.workspace import open_workspace
replace = sqlite.replace_contents
def replace_and_die(*args):
    replace(*args)
    os._exit(0)  # the new content committed, in the log only
sqlite.replace_contents = replace_and_die
ws = open_workspace({directory!r}, check_schema=False)
backups.restore(ws.store, {source!r}, "测试", "02", "26")
"""


def dies_after_commit(directory: Path, first: int, count: int) -> Path:
    """Enroll children first … first+count-1 through the core in a process that dies right
    after its commit; returns the log it leaves."""
    code = DIES_AFTER_COMMIT.format(tests=str(TESTS), directory=str(directory), first=first,
                                    count=count)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    log = directory / "xueji.db-wal"
    assert log.stat().st_size > 0
    return log


def run(directory: Path, *args) -> subprocess.CompletedProcess:
    """`xueji --dir DIRECTORY ARGS` as its own process (it judges the log afresh)."""
    return subprocess.run([sys.executable, "-m", "xueji_cli", "--dir", str(directory),
                           *map(str, args)], capture_output=True, text=True, env=ENV)


def fingerprint(directory: Path) -> dict:
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
            for name in ("xueji.db", "xueji.db-wal")}


def students(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT count(*) FROM student").fetchone()[0]


@pytest.fixture
def held(township):
    """The township with 40 records, all in the database file (no log beside it)."""
    populate(township / "xueji.db", per_cohort=10)
    settle(township)
    return township


@pytest.fixture
def foreign_log(tmp_path, township_template) -> Path:
    """The log of another xueji database, left by a writer that died after its commit."""
    other = tmp_path / "other"
    shutil.copytree(township_template, other)
    return dies_after_commit(other, 500, 3)


def test_a_log_from_another_database_is_refused_and_nothing_changes(held, xueji, foreign_log):
    """A foreign -wal beside the database: SQLite would replay it (its frames are valid) and
    the next checkpoint would make the database the other one. Every command — a reader
    too — refuses (exit 3), names the log and what to do, and leaves both files as they
    were."""
    shutil.copy(foreign_log, held / "xueji.db-wal")
    before = fingerprint(held)
    for args in (("school", "list"), ("student", "list"), ("check",), ("backup",), ("db", "status")):
        result = xueji(*args)
        assert result.exit_code == 3, (args, result.stderr)
        assert "xueji.db-wal" in result.stderr and "不相配" in result.stderr
        assert "40 个学籍记录" in result.stderr  # the file alone is sound: said so
        assert fingerprint(held) == before
    assert not list(held.glob("xueji.db.bak-*"))  # no backup of the wrong database
    assert not list(held.glob(".xueji.db.log-check-*"))  # the copies are gone


def test_restore_moves_an_unfitting_log_aside(held, xueji, as_json, foreign_log, tmp_path):
    saved = tmp_path / "saved.db"
    assert run(held, "backup", saved).returncode == 0
    shutil.copy(foreign_log, held / "xueji.db-wal")
    document = as_json(xueji("restore", saved, "--json"))
    assert document["ok"] and document["restored"]["students"] == 40
    aside = Path(document["unmatched_log"])
    assert aside.name.startswith("xueji.db.unmatched-log-")
    assert aside.read_bytes() == foreign_log.read_bytes()  # kept whole, never merged
    assert xueji("check").exit_code == 0 and students(held / "xueji.db") == 40


def test_the_log_of_this_database_beside_a_backup_copied_by_hand_is_refused(held, xueji, tmp_path):
    """After a crash the registrar copies a backup over xueji.db by hand; the crashed
    database's log stays beside it. Merged into the backup it would pass `xueji check`:
    it is refused instead, and `xueji restore` of the same backup then puts it right."""
    saved = tmp_path / "saved.db"
    assert run(held, "backup", saved).returncode == 0
    dies_after_commit(held, 0, 3)
    shutil.copy(saved, held / "xueji.db")
    before = fingerprint(held)
    result = xueji("check")
    assert result.exit_code == 3 and "手工复制" in result.stderr, result.stderr
    assert fingerprint(held) == before
    restored = xueji("restore", saved)
    assert restored.exit_code == 0 and "不相配" in restored.stderr
    assert xueji("check").exit_code == 0 and students(held / "xueji.db") == 40


def test_a_stale_log_beside_an_older_copy_of_the_file_is_refused(held, tmp_path):
    """The same with a plain copy of the database file (in WAL mode, like the live one),
    taken days before: the crash log of the later database does not fit the older file."""
    copy = tmp_path / "copy.db"
    shutil.copy(held / "xueji.db", copy)
    for i in range(3):
        assert subprocess.run(enroll_argv(held, 700 + i), capture_output=True, env=ENV).returncode == 0
    dies_after_commit(held, 0, 3)
    shutil.copy(copy, held / "xueji.db")
    (held / "xueji.db-shm").unlink(missing_ok=True)
    before = fingerprint(held)
    result = run(held, "student", "list")
    assert result.returncode == 3 and "不相配" in result.stderr, result.stderr
    assert fingerprint(held) == before


def test_the_log_of_a_crash_is_recovered(held, xueji, as_json):
    """A writer died after its commit: its children are in the log only, and they are
    on record at the next command."""
    dies_after_commit(held, 0, 3)
    assert students(held / "xueji.db") == 43  # read through the log
    listed = as_json(xueji("student", "list", "--json"))
    assert len(listed["students"]) == 43
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0
    assert not list(held.glob(".xueji.db.log-check-*"))


def test_the_log_of_a_restore_killed_after_replacing_is_recovered(held, tmp_path):
    """restore replaces the whole content in one transaction: killed after its commit,
    before the log reached the file, it leaves a log that holds the backup being restored
    — fewer records than the file. That log is the restore's, committed: the next command
    lets it in (the checked copy the restore left beside the database shows whose it is),
    then removes that copy."""
    smaller = tmp_path / "smaller.db"
    assert run(held, "backup", smaller).returncode == 0
    populate(held / "xueji.db", per_cohort=10, cohorts=(2024,))
    code = RESTORE_DIES_AFTER_REPLACING.format(directory=str(held), source=str(smaller))
    assert subprocess.run([sys.executable, "-c", code], env=ENV).returncode == 0
    [staged] = held.glob(".xueji.db.restore-*")
    result = run(held, "check")
    assert result.returncode == 0, result.stderr
    assert staged.name in result.stderr and not staged.exists()
    assert students(held / "xueji.db") == 40


def test_a_reader_never_writes_the_database_file(held):
    """A command that only reads opens the database read-only: even the checkpoint SQLite
    makes when the last connection closes cannot copy a log into the file."""
    dies_after_commit(held, 0, 3)
    file_before = (held / "xueji.db").read_bytes()
    result = run(held, "student", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["students"]) == 43
    assert (held / "xueji.db").read_bytes() == file_before
    assert (held / "xueji.db-wal").stat().st_size > 0  # still to be checkpointed by a writer
    assert run(held, "school", "add", "--code", "003", "--name", "新学校").returncode == 0
    assert run(held, "check").returncode == 0


def test_logs_of_writers_killed_at_random_moments_are_recovered(held):
    """SIGKILL at random moments (tests/crashkit.py): the next command, a process of its
    own, judges the log the victim left and lets it in: every child reported done is on
    record, and the database passes `xueji check`."""
    argv = lambda n: [sys.executable, str(WORKER), str(held), str(n * 6), "6",  # noqa: E731
                      "--tag", f"t{n}", "--wait"]
    victim = Victim("enrollment worker", argv=argv, window=0.6, ready="ready")
    recovered = []

    def after(trial):
        checked = run(held, "check")
        assert checked.returncode == 0, checked.stderr
        recovered.append(students(held / "xueji.db"))
        assert not list(held.glob(".xueji.db.log-check-*"))

    outcome = kill_at_random(victim, 5, 20261117, after)
    assert recovered[-1] >= 40 + sum(t.progress for t in outcome)


def test_a_log_in_use_by_another_process_is_left_to_it(held, xueji, monkeypatch):
    """While another process has the database open, its log is its own and current: it
    is not copied, not judged, and the command goes on."""
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            "c.execute('PRAGMA wal_autocheckpoint = 0');"
            "c.execute(\"UPDATE school SET name = name || '' WHERE code = '001'\");"
            "print('ready', flush=True); sys.stdin.readline()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(held / "xueji.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert wal.in_use(held / "xueji.db")
        monkeypatch.setattr(wal, "_copy_private", lambda *a: pytest.fail("copied a live log"))
        assert wal.judge(held / "xueji.db", REVISIONS) is None
        assert xueji("school", "list").exit_code == 0
    finally:
        holder.communicate("\n")
    assert not wal.in_use(held / "xueji.db")


def test_a_log_without_a_valid_frame_is_left_to_sqlite(held, xueji):
    """A log SQLite would find nothing to replay in is discarded by SQLite itself: it
    does not stop the directory."""
    (held / "xueji.db-wal").write_bytes(b"\x00" * 4096)
    assert xueji("student", "list").exit_code == 0


def test_a_log_that_cannot_be_copied_to_be_judged_is_refused(held, xueji, foreign_log,
                                                              monkeypatch):
    shutil.copy(foreign_log, held / "xueji.db-wal")

    def no_room(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wal, "_copy_private", no_room)
    result = xueji("school", "list")
    assert result.exit_code == 3 and "核验" in result.stderr and "不要删除" in result.stderr
    assert "磁盘空间不足" in result.stderr
