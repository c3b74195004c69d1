"""The crash harness: start a victim command as its own process, kill it
with SIGKILL at a random moment, and prove what is left is sound.

The victim is a parameter (`Victim`): the command line of each trial, when the clock
starts (at the process start, or at a line it prints once it is about to write), and
the window in which the kill falls. Any command can be a victim: the single-student
enrollment worker, `xueji enroll`, `xueji backup`, `xueji restore` — and the batch
import `xueji enroll --from FILE` once it exists (see test_safety_crash.py).

What "sound" means is checked by `assert_sound`: SQLite's integrity check, `xueji check`
(every record equals its folded journal), `xueji renumber-check` (no gap, no duplicate),
and every child all or nothing: a person has exactly one record, a record exactly one
enrollment entry, and nothing points at what is not there."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Victim:
    """`ready` starts the clock: a line the victim prints, or a test of trial n that turns
    true once it is at work (a temporary file appearing …); without it, the start."""

    name: str
    argv: Callable[[int], list[str]]  # the command line of trial n
    window: float  # seconds: the kill falls uniformly in [start, start + window)
    ready: str | Callable[[int], bool] | None = None
    start: float = 0.0
    env: dict = field(default_factory=dict)


@dataclass
class Trial:
    number: int
    delay: float  # seconds after the clock started
    killed: bool  # False when the victim finished before its moment came
    progress: int  # "done …" lines the victim printed before it died
    returncode: int | None = None


def kill_at_random(victim: Victim, trials: int, seed: int,
                   after: Callable[[Trial], None] | None = None) -> list[Trial]:
    """Run the victim `trials` times, each killed (SIGKILL) at a random moment; call
    `after(trial)` once each victim is dead, to check what it left."""
    rng = random.Random(seed)
    env = {**os.environ, "XUEJI_TODAY": "2026-09-01", **victim.env}
    done: list[Trial] = []
    for number in range(trials):
        proc = subprocess.Popen(victim.argv(number), stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                text=True, env=env)
        if isinstance(victim.ready, str):
            for line in proc.stdout:
                if line.strip() == victim.ready:
                    break
        elif victim.ready is not None:
            while proc.poll() is None and not victim.ready(number):
                time.sleep(0.002)
        delay = victim.start + rng.uniform(0, victim.window)
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        trial = Trial(number, delay, killed, rest.count("done "), proc.returncode)
        done.append(trial)
        if after is not None:
            after(trial)
    return done


def lifetime(argv: list[str], present: Callable[[], bool], env: dict | None = None) -> float:
    """How long `present()` stays true while `argv` runs uninterrupted (a phase of the
    command's work, such as the life of its temporary file), polled every 2 ms."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL,
                            env={**os.environ, "XUEJI_TODAY": "2026-09-01", **(env or {})})
    began = ended = None
    while proc.poll() is None:
        now, there = time.monotonic(), present()
        if there and began is None:
            began = now
        if began is not None and not there and ended is None:
            ended = now
        time.sleep(0.002)
    assert proc.wait() == 0 and began is not None, "the phase was never seen"
    return (ended or time.monotonic()) - began


def sql(directory: Path, statement: str, *params):
    with closing(sqlite3.connect(directory / "xueji.db")) as conn:
        return conn.execute(statement, params).fetchall()


def assert_sound(directory: Path, xueji: Callable) -> None:
    """What a crash must never leave behind."""
    assert sql(directory, "PRAGMA integrity_check") == [("ok",)]
    assert sql(directory, "PRAGMA foreign_key_check") == []
    checked = xueji("check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    numbered = xueji("renumber-check")
    assert numbered.exit_code == 0, numbered.stdout + numbered.stderr
    # every child all or nothing
    assert sql(directory, "SELECT count(*) FROM person p WHERE (SELECT count(*) FROM student s "
                          "WHERE s.person_id = p.id) != 1") == [(0,)]
    assert sql(directory, "SELECT count(*) FROM student s WHERE (SELECT count(*) FROM journal j "
                          "WHERE j.student_id = s.id AND j.kind = 'enroll') != 1") == [(0,)]


def students(directory: Path) -> int:
    return sql(directory, "SELECT count(*) FROM student")[0][0]
