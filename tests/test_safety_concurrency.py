"""Two registrars at once: several OS processes enrolling into the same
school and cohort get consecutive numbers with no gap and no duplicate; nobody sees
SQLite's raw "database is locked"; a lock really held past the wait is a clear exit 3.

The writers are separate processes (tests/safety_worker.py for the 1,000-record proof,
whole `xueji enroll` processes for the smaller one), so that what is tested is SQLite's
locking between processes: WAL, busy_timeout and BEGIN IMMEDIATE (store/sqlite.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import DEFAULTS
from safety_worker import cli_argv as enroll_argv

WORKER = Path(__file__).with_name("safety_worker.py")
RAW_LOCK_WORDS = ("database is locked", "OperationalError", "Traceback")


def start_workers(directory: Path, processes: int, each: int) -> list[dict]:
    """Start `processes` workers, let them all open the directory, then release them at
    the same moment; return their summaries."""
    env = {**os.environ, "XUEJI_TODAY": "2026-09-01"}
    procs = [subprocess.Popen(
        [sys.executable, str(WORKER), str(directory), str(p * each), str(each), "--tag", f"w{p}",
         "--wait"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env) for p in range(processes)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    summaries = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert not any(word in err for word in RAW_LOCK_WORDS), err
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    return summaries


def raw(directory: Path, statement: str):
    with closing(sqlite3.connect(directory / "xueji.db")) as conn:
        return conn.execute(statement).fetchall()


@pytest.mark.slow
def test_four_processes_enroll_250_each(township, xueji, as_json):
    processes, each = 4, 250
    summaries = start_workers(township, processes, each)
    total = processes * each
    for s in summaries:
        assert (s["enrolled"], s["already"], s["refused"], s["unusable"]) == (each, 0, [], []), s
    # the writers wrote at the same time: commit windows overlap. Not every writer's:
    # SQLite's lock is not fair, and on a busy machine one writer may commit all of its
    # children before a starved one commits any (seen 3 times in ~25 full runs while other
    # test runs shared the two cores) — which is no fault of the program.
    overlapping = [(a["tag"], b["tag"]) for i, a in enumerate(summaries) for b in summaries[i + 1:]
                   if a["first_commit"] < b["last_commit"] and b["first_commit"] < a["last_commit"]]
    assert overlapping, summaries
    numbers = [n for (n,) in raw(township, "SELECT local_number FROM student ORDER BY local_number")]
    assert numbers == [f"0226260010{n:04d}" for n in range(1, total + 1)]  # no gap, no duplicate
    assert raw(township, "SELECT count(DISTINCT person_id), count(DISTINCT national_number) "
                         "FROM student") == [(total, total)]
    # one journal entry per child, and the writers' transactions really interleaved
    operators = [o for (o,) in raw(township, "SELECT operator FROM journal ORDER BY id")]
    assert len(operators) == total
    switches = sum(1 for a, b in zip(operators, operators[1:]) if a != b)
    # one writer after another would switch 3 times; more is writers taking turns (how many
    # depends on the scheduler: SQLite's busy wait lets the writer that just committed win)
    assert switches > processes - 1, f"the writers did not overlap ({switches} switches)"
    assert raw(township, "PRAGMA integrity_check") == [("ok",)]
    assert xueji("check").exit_code == 0
    assert as_json(xueji("renumber-check", "--json")) == {"ok": True, "checked": total, "problems": []}


@pytest.mark.slow
def test_whole_cli_processes_at_once(township, xueji):
    """4 registrars × 5 enrollments each through the real `xueji enroll`, at once."""
    streams, each = 4, 5
    results: list[subprocess.CompletedProcess] = []
    env = {**os.environ, "XUEJI_TODAY": "2026-09-01"}
    start = threading.Barrier(streams)

    def registrar(s: int) -> None:
        start.wait()
        for i in range(s * each, (s + 1) * each):
            results.append(subprocess.run(enroll_argv(township, i), capture_output=True,
                                          text=True, env=env, timeout=120))

    threads = [threading.Thread(target=registrar, args=(s,)) for s in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == streams * each
    for done in results:
        assert done.returncode == 0, done.stderr
        assert not any(word in done.stderr + done.stdout for word in RAW_LOCK_WORDS)
        assert "已入学" in done.stdout
    numbers = [n for (n,) in raw(township, "SELECT local_number FROM student ORDER BY local_number")]
    assert numbers == [f"0226260010{n:04d}" for n in range(1, streams * each + 1)]
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


# -- a lock really held ----------------------------------------------------------------------

@pytest.fixture
def short_wait(township, set_setting):
    set_setting("busy_timeout_seconds = 15", "busy_timeout_seconds = 1")
    return township


class Holder:
    """Another program holding SQLite's write lock (a registrar's command in the middle
    of a long import, or a spreadsheet tool with the file open for writing)."""

    def __init__(self, directory: Path):
        self.conn = sqlite3.connect(directory / "xueji.db", isolation_level=None,
                                    check_same_thread=False)

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.conn.execute("ROLLBACK")
        self.conn.close()


def enroll_options(**extra) -> list[str]:
    argv = ["enroll", "--birth", "2020-03-05", "--gender", "男", "--id-number", "130283202003050035"]
    for key, value in {**DEFAULTS, **extra}.items():
        for item in value if isinstance(value, list) else [value]:
            argv += [f"--{key}", item]
    return argv


def test_locked_past_the_wait_is_exit_3_with_a_clear_message(short_wait, xueji, as_json):
    with Holder(short_wait):
        started = time.monotonic()
        result = xueji(*enroll_options())
        waited = time.monotonic() - started
        json_result = xueji(*enroll_options(), "--json")
        school = xueji("school", "add", "--code", "003", "--name", "第三小学")
    assert result.exit_code == 3
    assert waited >= 0.9  # it waited for the lock before giving up
    assert "正被另一个程序写入" in result.stderr and "等待 1 秒" in result.stderr
    assert "→" in result.stderr
    for r in (result, json_result, school):
        assert not any(word in r.stdout + r.stderr for word in RAW_LOCK_WORDS)
    assert json_result.exit_code == 3 and school.exit_code == 3
    [error] = as_json(json_result)["errors"]
    assert error["rule"] == "DirectoryError" and "正被另一个程序写入" in error["message"]
    # nothing was written, and afterwards the same command goes through
    assert raw(short_wait, "SELECT count(*) FROM student") == [(0,)]
    assert xueji(*enroll_options()).exit_code == 0


def test_readers_and_backups_go_on_while_a_writer_holds_the_lock(short_wait, xueji, enroll):
    assert enroll().exit_code == 0
    with Holder(short_wait):
        for args in (("student", "list"), ("check",), ("renumber-check",), ("log",),
                     ("school", "list"), ("backup",)):
            result = xueji(*args)
            assert result.exit_code == 0, (args, result.stderr)


def test_restore_waits_for_the_lock_and_changes_nothing(short_wait, xueji, enroll, as_json):
    saved = as_json(xueji("backup", "--json"))["file"]
    assert enroll().exit_code == 0
    with Holder(short_wait):
        result = xueji("restore", saved)
    assert result.exit_code == 3 and "正被另一个程序写入" in result.stderr
    assert raw(short_wait, "SELECT count(*) FROM student") == [(1,)]


def test_a_lock_released_within_the_wait_is_waited_for(township, xueji):
    """The default wait (15 s): a writer that finishes after half a second delays the
    command, it does not fail it."""
    holder = Holder(township).__enter__()
    timer = threading.Timer(0.5, lambda: holder.__exit__(None, None, None))
    timer.start()
    try:
        result = xueji(*enroll_options())
    finally:
        timer.join()
    assert result.exit_code == 0, result.stderr


@pytest.mark.slow
def test_locked_past_the_wait_as_a_whole_process(short_wait):
    env = {**os.environ, "XUEJI_TODAY": "2026-09-01"}
    with Holder(short_wait):
        done = subprocess.run([sys.executable, "-m", "xueji_cli", "--dir", str(short_wait),
                               *enroll_options()], capture_output=True, text=True, env=env)
    assert done.returncode == 3
    assert "正被另一个程序写入" in done.stderr
    assert not any(word in done.stderr + done.stdout for word in RAW_LOCK_WORDS)


def test_a_roster_import_waits_for_the_lock_then_says_so(short_wait, xueji, tmp_path):
    """The September intake opens its own sqlite3 connection (store/sqlite_writer.py): the same busy
    wait, the same message, nothing written; a dry run reads while the lock is held."""
    import rosters

    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(i) for i in range(1, 4)])
    with Holder(short_wait):
        started = time.monotonic()
        result = xueji("enroll", "--from", path, "--school", "001")
        waited = time.monotonic() - started
        dry = xueji("enroll", "--from", path, "--school", "001", "--dry-run")
    assert result.exit_code == 3 and waited >= 0.9
    assert "正被另一个程序写入" in result.stderr and "等待 1 秒" in result.stderr
    assert not any(word in result.stdout + result.stderr for word in RAW_LOCK_WORDS)
    assert dry.exit_code == 0 and "将入学:3 人" in dry.stdout
    assert raw(short_wait, "SELECT count(*) FROM student") == [(0,)]
    assert xueji("enroll", "--from", path, "--school", "001").exit_code == 0
