"""Personal data: ID numbers masked on screen and in --json unless
--show-id, in every command; every use of --show-id is in the journal as an access note
(who, when, which command, which students — never the numbers); nothing personal in
error messages or tracebacks; the files that hold personal data are the owner's only."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys

import pytest
import typer
from synthetic import make_id, wrong_check

from xueji_cli.cli.app import app

BOY = make_id("2020-03-05", male=True, seq=7)
GIRL = make_id("2020-04-04", male=False, seq=8)
LOCAL_BOY, LOCAL_GIRL = "02262600100001", "02262600100002"
ENV = {**os.environ, "XUEJI_TODAY": "2026-09-01"}


@pytest.fixture
def two(township, enroll):
    assert enroll(name="张小明", id_number=BOY).exit_code == 0
    assert enroll(name="李小红", id_number=GIRL, birth="2020-04-04", gender="女").exit_code == 0
    return township


def commands_with_show_id() -> set[str]:
    def walk(command, path):
        if hasattr(command, "list_commands"):
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), path + [name])
        elif any("--show-id" in getattr(p, "opts", []) for p in command.params):
            yield " ".join(path)

    return set(walk(typer.main.get_command(app), []))


def full_numbers(text: str) -> list[str]:
    """Every unmasked ID number of the two children in `text`."""
    return [n for n in (BOY, GIRL) if n in text]


# -- masking ---------------------------------------------------------------------------------

READ_COMMANDS = [
    ("student", "show", LOCAL_BOY), ("student", "show", BOY), ("student", "show", "G" + BOY),
    ("student", "list"), ("log",), ("log", LOCAL_GIRL), ("renumber-check",), ("check",),
    ("school", "list"), ("backup",), ("db", "status"),
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("json_mode", [False, True], ids=["screen", "json"])
def test_no_command_shows_a_full_id_number_unless_asked(two, xueji, args, json_mode):
    result = xueji(*args, *(["--json"] if json_mode else []))
    assert result.exit_code == 0, result.stderr
    assert full_numbers(result.stdout + result.stderr) == []
    if json_mode:
        json.loads(result.stdout)


def test_enroll_masks_unless_asked(township, enroll, as_json):
    screen = enroll(name="张小明", id_number=BOY)
    assert full_numbers(screen.stdout + screen.stderr) == []
    assert BOY[:6] + "********" + BOY[-4:] in screen.stdout
    shown = as_json(enroll(name="李小红", id_number=GIRL, birth="2020-04-04", gender="女",
                           json=True, show_id=True))
    assert shown["id_number"] == GIRL and shown["national_number"] == "G" + GIRL


def test_show_id_reveals_where_asked(two, xueji, as_json):
    assert full_numbers(xueji("student", "show", LOCAL_BOY, "--show-id").stdout) == [BOY]
    assert as_json(xueji("student", "show", LOCAL_BOY, "--show-id", "--json"))["id_number"] == BOY
    assert sorted(full_numbers(xueji("student", "list", "--show-id").stdout)) == sorted([BOY, GIRL])


def test_refusals_and_not_found_never_repeat_an_id_number(two, enroll, xueji):
    refusals = [
        enroll(name="王一", id_number=wrong_check(make_id("2020-05-05", seq=30))),
        enroll(name="张小明", id_number=BOY),  # NUM-7: already on record
        enroll(name="王二", id_number=BOY[:17]),  # 17 characters
        enroll(name="王三", id_number=make_id("2020-05-06", seq=31), birth="2020-01-01"),
        enroll(name="王四", id_number=make_id("2020-05-07", seq=32), national_number="G" + GIRL),
    ]
    for result in refusals:
        assert result.exit_code == 1
        text = result.stdout + result.stderr
        assert full_numbers(text) == [] and not re.search(r"\d{17}[\dX]", text), text
    for key in (make_id("2019-01-01", seq=40), "G" + make_id("2019-01-02", seq=41)):
        result = xueji("student", "show", key)
        assert result.exit_code == 1 and key[-18:] not in result.stderr


def test_check_masks_national_numbers_it_reports(two, xueji, sql):
    sql("UPDATE student SET national_number = ? WHERE local_number = ?", "G" + GIRL, LOCAL_BOY)
    for args in (("check",), ("check", "--json"), ("renumber-check",), ("renumber-check", "--json")):
        result = xueji(*args)
        assert result.exit_code == 1
        assert full_numbers(result.stdout + result.stderr) == [], args


# -- access notes ----------------------------------------------------------------------------

# Every command that takes --show-id, how to run it, and whose numbers it shows.
SHOW_ID_CASES = {
    "student show": (("student", "show", LOCAL_BOY), [LOCAL_BOY]),
    "student list": (("student", "list"), [LOCAL_BOY, LOCAL_GIRL]),
    "enroll": (None, ["02262600100004"]),  # the second child enrolled by the test
}
# Commands noted by the option itself (cli/workspace.py), by command and masked arguments.
GENERIC_CASES = {"log": ("log",), "borrow list": ("borrow", "list"),
                 "transfer list": ("transfer", "list")}


def test_every_command_with_show_id_is_covered():
    from xueji_cli.records.directory.access import PRECISE

    assert set(SHOW_ID_CASES) == PRECISE
    uncovered = []

    def walk(command, path):
        if hasattr(command, "list_commands"):
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), path + [name])
        else:
            for param in command.params:
                if "--show-id" in getattr(param, "opts", []):
                    yield " ".join(path), param

    for name, param in walk(typer.main.get_command(app), []):
        if param.name != "show_id":
            uncovered.append(name)
    assert uncovered == [], "--show-id must be the shared ShowIdOpt (parameter show_id), " \
        "which the command group notes before the command runs"
    assert set(GENERIC_CASES) <= commands_with_show_id()


def access_notes(sql) -> list[dict]:
    return [{"operator": op, "recorded_at": at, "reason": reason, "details": json.loads(details),
             "row": row}
            for op, at, reason, details, *row in sql(
                "SELECT operator, recorded_at, reason, details, j.* FROM journal j "
                "WHERE kind = 'access' ORDER BY id")]


@pytest.mark.parametrize("command", sorted(SHOW_ID_CASES))
def test_show_id_is_recorded_as_an_access_note(two, xueji, enroll, sql, as_json, command):
    args, numbers = SHOW_ID_CASES[command]
    run = (lambda *extra: enroll(name="王五", birth="2020-06-06", json="--json" in extra,
                                 show_id="--show-id" in extra)) if args is None \
        else (lambda *extra: xueji(*args, *extra))
    assert run().exit_code == 0 and access_notes(sql) == []  # without --show-id: no note
    result = run("--show-id", "--json")
    assert result.exit_code == 0, result.stderr
    [note] = access_notes(sql)
    assert note["operator"] and note["recorded_at"].startswith("20")
    assert note["reason"] == f"{command} --show-id"
    assert note["details"]["command"] == command
    assert sorted(note["details"]["local_numbers"]) == numbers
    assert note["details"]["count"] == len(numbers) == len(note["details"]["student_ids"])
    # the note names the students, never their ID numbers
    stored = json.dumps(note["row"], ensure_ascii=False, default=str)
    assert not re.search(r"\d{17}[\dX]", stored)
    # and `xueji log` shows it: who looked, when
    entries = as_json(xueji("log", "--json"))["entries"]
    assert any(e["kind"] == "access" and e["operator"] == note["operator"] for e in entries)


@pytest.mark.parametrize("command", sorted(GENERIC_CASES))
def test_other_commands_note_show_id_by_command(two, xueji, sql, command):
    assert xueji(*GENERIC_CASES[command]).exit_code == 0 and access_notes(sql) == []
    result = xueji(*GENERIC_CASES[command], "--show-id", "--json")
    assert result.exit_code == 0, result.stderr
    [note] = access_notes(sql)
    assert note["details"]["command"] == command and note["reason"] == f"{command} --show-id"
    assert isinstance(note["details"]["arguments"], dict)
    assert not re.search(r"\d{17}[\dX]", json.dumps(note["row"], ensure_ascii=False, default=str))


def test_generic_note_masks_id_numbers_in_the_arguments(two, xueji, sql):
    xueji("transfer", "list", "--show-id", "--json")
    xueji("log", BOY, "--show-id")
    notes = access_notes(sql)
    assert [n["details"]["command"] for n in notes] == ["transfer list", "log"]
    assert BOY not in json.dumps(notes[1]["details"], ensure_ascii=False)
    assert notes[1]["details"]["arguments"]["key"] == BOY[:6] + "********" + BOY[-4:]


def test_no_note_no_numbers(two, xueji, set_setting):
    """When the access note cannot be written (the database locked past the wait), the
    numbers are not shown either."""
    import sqlite3

    set_setting("busy_timeout_seconds = 15", "busy_timeout_seconds = 0.2")
    holder = sqlite3.connect(two / "xueji.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = xueji("student", "list", "--show-id")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 3 and full_numbers(result.stdout + result.stderr) == []


# -- errors, tracebacks, logs ------------------------------------------------------------------

def test_typer_never_shows_locals():
    assert app.pretty_exceptions_enable is False
    assert app.pretty_exceptions_show_locals is False


def test_an_internal_error_carries_no_values(two, monkeypatch):
    """A defect inside a command: exit 1, the kind of error only — not its message (which
    may hold a child's data), no traceback, no locals; with --json the same."""
    from conftest import runner

    from xueji_cli.records.directory import students

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"defect while reading {BOY} 张小明")

    monkeypatch.setattr(students, "listed", broken)
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["--dir", str(two), "student", "list", *extra])
        assert result.exit_code == 1
        text = result.stdout + result.stderr
        assert "RuntimeError" in text and "XUEJI_DEBUG" in result.stderr
        assert BOY not in text and "张小明" not in text and "Traceback" not in text
    assert json.loads(result.stdout)["errors"][0]["message"] == "RuntimeError"


def test_an_internal_error_in_a_real_process(two):
    """A defect in a whole `xueji` process: one line naming the kind of error, no values,
    no traceback, exit 1 — and XUEJI_DEBUG=1 as the only way to a traceback."""
    code = ("import sys; from xueji_cli.records.directory import students\n"
            "def broken(*a, **k): raise RuntimeError('defect at ' + a[0].__class__.__name__ + "
            f"' {BOY} 张小明')\n"
            "students.listed = broken\n"
            "from xueji_cli.cli.app import main\n"
            f"sys.argv = ['xueji', '--dir', {str(two)!r}, 'student', 'list']\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert done.returncode == 1
    assert "内部错误(RuntimeError)" in done.stderr and "XUEJI_DEBUG" in done.stderr
    assert "Traceback" not in done.stderr and BOY not in done.stderr and "张小明" not in done.stderr
    assert done.stdout == ""
    debug = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**ENV, "XUEJI_DEBUG": "1"})
    assert debug.returncode != 0 and "Traceback" in debug.stderr
    assert "locals" not in debug.stderr.lower() and "╭" not in debug.stderr


def test_undecodable_arguments_are_refused_without_echo(two):
    """Bytes that are not UTF-8 (a script saved in GBK) reach Python as surrogates."""
    argv = [sys.executable, "-m", "xueji_cli", "--dir", str(two).encode(), b"enroll",
            b"--school", b"001", b"--name", "张".encode("gbk") + b"\xff", b"--id-number",
            BOY.encode()]
    done = subprocess.run(argv, capture_output=True, env=ENV)
    assert done.returncode == 1
    stderr = done.stderr.decode("utf-8")
    assert "--name" in stderr and "UTF-8" in stderr and "Traceback" not in stderr
    assert BOY not in stderr
    assert b"\xff" not in done.stderr and "张".encode("gbk") not in done.stderr


def test_nothing_is_logged(two, xueji):
    """No log handlers, no SQL echo, and no log file: the directory holds only its files."""
    for args in (("student", "list"), ("student", "show", LOCAL_BOY), ("check",)):
        assert xueji(*args).exit_code == 0
    ours = [h for h in logging.getLogger().handlers if not type(h).__module__.startswith("_pytest")]
    assert ours == []
    assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)
    names = {p.name for p in two.iterdir()}
    assert names <= {"xueji.toml", "xueji.db", "xueji.db-wal", "xueji.db-shm"}


# -- file modes --------------------------------------------------------------------------------

def test_files_with_personal_data_are_0600_whatever_the_umask(tmp_path):
    """Under umask 000 (the widest): the database, its -wal and -shm, backups and Excel
    exports are still the owner's only, and the directory is not open to others."""
    directory = tmp_path / "学籍"
    script = (
        "import os, sys, sqlite3\n"
        "os.umask(0)\n"
        "from xueji_cli.cli.app import app\n"
        "def run(*args):\n"
        "    try: app(list(args), standalone_mode=False)\n"
        "    except SystemExit: pass\n"
        f"d = {str(directory)!r}\n"
        "run('init', d, '--name', 't')\n"
        "run('--dir', d, 'school', 'add', '--code', '001', '--name', 'A', '--service-area', '130283105')\n"
        "run('--dir', d, 'enroll', '--school', '001', '--name', '张三', '--id-number', "
        f"{BOY!r}, '--hukou-region', '130283105201', '--guardian-hukou-region', '130283105201', "
        "'--residence-region', '130283105201', '--evidence', '户口簿', '--evidence', '房产证明')\n"
        "keep = sqlite3.connect(os.path.join(d, 'xueji.db'))\n"
        "keep.execute('SELECT count(*) FROM student').fetchone()\n"
        "run('--dir', d, 'backup')\n"
        "from xueji_cli.excel import sheets\n"
        "wb, ws = sheets.new_workbook(); sheets.table(ws, 1, ['身份证号'], [[" f"{BOY!r}" "]])\n"
        "sheets.save(wb, os.path.join(d, '花名册.xlsx'))\n"
        "print('FILES', *(f'{n}:{os.stat(os.path.join(d, n)).st_mode & 0o777:o}' "
        "for n in sorted(os.listdir(d))))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    listing = [line for line in done.stdout.splitlines() if line.startswith("FILES ")][0]
    modes = {name: int(mode, 8) for name, mode in (f.rsplit(":", 1) for f in listing.split()[1:])}
    assert {"xueji.db", "xueji.db-wal", "xueji.db-shm", "花名册.xlsx"} <= set(modes)
    assert any(n.startswith("xueji.db.bak-") for n in modes)
    for name, mode in modes.items():
        if name == "xueji.toml":
            assert mode & 0o022 == 0, "nobody else may change the settings"
        else:
            assert mode == 0o600, (name, oct(mode))
    assert directory.stat().st_mode & 0o077 == 0, oct(directory.stat().st_mode)
