"""Finding the directory (--dir, XUEJI_DIR, upward search) and the exit codes of the
contract: 3 when the directory or database cannot be used, 2 for wrong usage — always a
message, never a traceback."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing

import pytest

from xueji_cli import __version__


def assert_exit_3(result, *words):
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip()
    for word in words:
        assert word in result.stderr


# -- discovery -------------------------------------------------------------------------

def test_explicit_dir(township, xueji_at):
    result = xueji_at(township, "school", "list", "--json")
    assert result.exit_code == 0
    assert [s["code"] for s in json.loads(result.stdout)["schools"]] == ["001", "002"]


def test_environment_variable(township, monkeypatch, tmp_path, xueji_at):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XUEJI_DIR", str(township))
    result = xueji_at(None, "school", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["schools"]) == 2


def test_dir_option_wins_over_environment(township, monkeypatch, tmp_path, xueji_at):
    monkeypatch.setenv("XUEJI_DIR", str(tmp_path / "nowhere"))
    assert xueji_at(township, "school", "list").exit_code == 0


def test_upward_search_from_a_subfolder(township, monkeypatch, xueji_at):
    deep = township / "2026年" / "秋季"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    result = xueji_at(None, "school", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["schools"]) == 2


def test_current_folder(township, monkeypatch, xueji_at):
    monkeypatch.chdir(township)
    assert xueji_at(None, "student", "list").exit_code == 0


def test_relative_dir_option(township, monkeypatch, xueji_at):
    monkeypatch.chdir(township.parent)
    assert xueji_at(township.name, "school", "list").exit_code == 0


# -- exit 3: no usable directory ------------------------------------------------------

def test_no_directory_anywhere(tmp_path, monkeypatch, xueji_at):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = xueji_at(None, "student", "list")
    assert_exit_3(result, "不是 xueji 目录", "--dir")
    result = xueji_at(None, "student", "list", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["errors"][0]["rule"] == "DirectoryError"


@pytest.mark.parametrize("where", ["missing", "file"])
def test_dir_that_is_not_a_directory(tmp_path, where, xueji_at):
    target = tmp_path / "x"
    if where == "file":
        target.write_text("hello")
    assert_exit_3(xueji_at(target, "school", "list"), "xueji.toml")


def test_environment_pointing_nowhere(tmp_path, monkeypatch, xueji_at):
    monkeypatch.setenv("XUEJI_DIR", str(tmp_path / "nowhere"))
    assert_exit_3(xueji_at(None, "school", "list"), "XUEJI_DIR")


def test_missing_database(ws_dir, xueji_at):
    (ws_dir / "xueji.db").unlink()
    for args in (("school", "list"), ("enroll", "--school", "001", "--name", "x"),
                 ("db", "status"), ("db", "upgrade")):
        assert_exit_3(xueji_at(ws_dir, *args), "xueji.db")
    assert not (ws_dir / "xueji.db").exists()  # nothing created behind the registrar's back


@pytest.mark.parametrize("content", [b"name,school\n\xe5\xbc\xa0,001\n" * 200,
                                     "这不是数据库".encode() * 10])
def test_text_file_posing_as_the_database(ws_dir, content, xueji_at):
    (ws_dir / "xueji.db").write_bytes(content)
    for args in (("school", "list"), ("student", "list", "--json"), ("renumber-check",),
                 ("db", "status"), ("db", "upgrade")):
        result = xueji_at(ws_dir, *args)
        assert_exit_3(result, "不是完好的 xueji 数据库")
    assert (ws_dir / "xueji.db").read_bytes() == content  # left as found


def test_empty_database_file(ws_dir, xueji_at):
    (ws_dir / "xueji.db").write_bytes(b"")
    assert_exit_3(xueji_at(ws_dir, "school", "list"), "不是 xueji 数据库")


def test_locked_database(township, ws_dir, set_setting, xueji_at):
    set_setting("busy_timeout_seconds = 15", "busy_timeout_seconds = 0.2")
    with closing(sqlite3.connect(ws_dir / "xueji.db", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another registrar is writing
        started = time.monotonic()
        result = xueji_at(ws_dir, "school", "add", "--code", "003", "--name", "西村小学")
        waited = time.monotonic() - started
        assert_exit_3(result, "正被另一个程序写入", "0.2")
        assert 0.15 < waited < 5
        result = xueji_at(ws_dir, "enroll", "--school", "001", "--name", "张三", "--json")
        assert result.exit_code == 3
        assert json.loads(result.stdout)["errors"][0]["rule"] == "DirectoryError"
        # readers are not blocked by a writer (WAL)
        assert xueji_at(ws_dir, "school", "list").exit_code == 0
        other.execute("ROLLBACK")
    assert xueji_at(ws_dir, "school", "add", "--code", "003", "--name", "西村小学").exit_code == 0


def test_read_only_database(township, ws_dir, xueji_at):
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    (ws_dir / "xueji.db").chmod(0o400)
    assert_exit_3(xueji_at(ws_dir, "school", "add", "--code", "003", "--name", "x"))


# -- exit 2: wrong usage ---------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("frobnicate",), ("school", "add", "--name", "x"), ("student", "list", "--bogus"),
    ("enroll",), ("renumber-check", "--school"), ("log", "a", "b"),
])
def test_usage_errors(ws_dir, args, xueji_at):
    result = xueji_at(ws_dir, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "用法:" in result.stderr and "错误:" in result.stderr


def test_version_and_help(xueji_at):
    result = xueji_at(None, "--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"xueji {__version__}"
    result = xueji_at(None, "--help")
    assert result.exit_code == 0
    for command in ("init", "school", "enroll", "student", "log", "renumber-check", "check", "db"):
        assert command in result.stdout


def test_every_command_has_help_text():
    import typer.main

    from xueji_cli.cli.app import app

    def walk(command, path=()):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    for path, command in walk(typer.main.get_command(app)):
        assert (command.help or "").strip(), f"xueji {' '.join(path)} has no help text"
