"""Hostile and broken input on the command line: any value for any
option of the commands that take free values. Never a traceback or an internal error
(the `xueji` fixture fails the test at once on either), always an answer: done (0), or
refused with a message naming the field (1) — with --json, one JSON document whose
every error names its field. Nothing written on a refusal.

The values are passed as `--option=VALUE`, so that a value starting with "-" is a value
(as a registrar's shell passes it), not a new option."""

from __future__ import annotations

import contextlib
import itertools
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from synthetic import make_id

CLI = settings(max_examples=30, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-/.年月日班xX初高一二三四 ", max_size=20),
    st.sampled_from(["", " ", "-1", "--json", "0", "99999999999999999999", "１２", "NaN", "=1+1",
                     "'; DROP TABLE student; --", "\x00", "\u202e", "a" * 2000, "🙂", "None"]),
)

ENROLL_OPTIONS = ["school", "name", "gender", "birth", "id-number", "grade", "class", "hukou-region",
                  "guardian-hukou-region", "residence-region", "evidence", "underage-commitment",
                  "cap-decision", "national-number", "id-type", "ethnicity", "guardian-name",
                  "guardian-phone", "address", "remark", "date"]
counter = itertools.count(1)


def assert_answered(result, json_mode: bool) -> None:
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    if json_mode:
        document = json.loads(result.stdout)
        assert document["ok"] is (result.exit_code == 0)
        for error in document.get("errors", []):
            assert error["field"] and error["message"], error
    elif result.exit_code == 1:
        assert result.stderr.strip() and ("[" in result.stderr or "错误" in result.stderr)
        assert "Traceback" not in result.stderr


ENROLL = settings(CLI, max_examples=300)


@ENROLL
@given(option=st.sampled_from(ENROLL_OPTIONS), value=values, json_mode=st.booleans())
def test_enroll_with_any_value_of_any_option(township, xueji, sql, option, value, json_mode):
    n = next(counter)
    base = {"school": "001", "name": f"测试{n}", "birth": "2020-03-05", "gender": "男",
            "id-number": make_id("2020-03-05", seq=n), "class": str(n % 40 + 1),
            "hukou-region": "130283105201", "guardian-hukou-region": "130283105201",
            "residence-region": "130283105201", "evidence": "户口簿、房产证明"}
    base[option] = value
    before = sql("SELECT count(*) FROM student")[0][0]
    result = xueji("enroll", *[f"--{k}={v}" for k, v in base.items()],
                   *(["--json"] if json_mode else []))
    assert_answered(result, json_mode)
    after = sql("SELECT count(*) FROM student")[0][0]
    assert after == before + (result.exit_code == 0)  # a refusal writes nothing
    if result.exit_code == 0:  # whatever was accepted is stored soundly
        assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


# (command words, option template or None for a positional value)
LOOKUPS = [
    (("student", "show"), None), (("student", "list"), "--school"), (("student", "list"), "--grade"),
    (("student", "list"), "--class"), (("student", "list"), "--status"), (("log",), None),
    (("log",), "--month"), (("renumber-check",), "--school"), (("renumber-check",), "--year"),
    (("school", "set"), None), (("school", "add", "--name=某校"), "--code"),
    (("school", "add", "--code=009"), "--name"), (("school", "set", "001"), "--service-area"),
    (("school", "set", "001"), "--remove-area"),
]


@settings(CLI, max_examples=300)
@given(lookup=st.sampled_from(LOOKUPS), value=values, json_mode=st.booleans())
def test_every_command_answers_any_value(township, enroll, xueji, lookup, value, json_mode):
    words, option = lookup
    argv = list(words) + (["--json"] if json_mode else [])
    argv += [f"{option}={value}"] if option else ["--", value]  # after --, a value, even "-0"
    result = xueji(*argv)
    assert_answered(result, json_mode)


@CLI
@given(name=values)
def test_backup_and_restore_with_any_file_name(township, xueji, tmp_path_factory, name):
    assume("\x00" not in name)  # no shell can pass a NUL byte in an argument
    folder = tmp_path_factory.mktemp("files")
    for command in ("backup", "restore"):
        # An empty name is the current folder (Path("") is Path(".")): run there, so
        # that a backup made into "the current folder" stays inside the test's files.
        with contextlib.chdir(folder):
            result = xueji(command, str(folder / name) if name else name, "--json")
        assert result.exit_code in (0, 1), (command, name, result.stderr)
        document = json.loads(result.stdout)
        assert document["ok"] is (result.exit_code == 0)
        if result.exit_code == 1:
            assert document["errors"][0]["field"] == "file"


@CLI
@given(name=values, city=values)
def test_init_with_any_name_and_codes(tmp_path_factory, xueji_at, name, city):
    target = tmp_path_factory.mktemp("init") / "dir"
    result = xueji_at(None, "init", str(target), f"--name={name}", f"--city-code={city}", "--json")
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 1:
        assert json.loads(result.stdout)["errors"][0]["field"]
        assert not (target / "xueji.db").exists()
