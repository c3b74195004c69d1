"""Hostile input on the commands of the later workflows (issues 4–8): any value for any
free option of suspend/resume, the year's turn and the other changes, corrections, undo,
the reports, transfers, borrowing and sanctions. Never a traceback or an internal error (the `xueji` fixture fails the
test at once on either); done (0) or refused (1) — with --json one JSON document whose
every error names its field; or wrong usage (2) from the option parser itself."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from suspendkit import MEDICAL
from synthetic import make_id

# 150 examples in the suite; XUEJI_HOSTILE_CLI=1500 for a longer hunt.
CLI = settings(max_examples=int(os.environ.get("XUEJI_HOSTILE_CLI", "150")),
               deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

values = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789-/.年月日班xX初高一二三四 sameloweruntil", max_size=16),
    st.sampled_from(["", " ", "-1", "0", "99999999999999999999", "１２", "NaN", "=1+1", "\u202e",
                     "a" * 500, "9999-12-31", "0001-01-01", "2026-02-29", "2028-02-29", "same",
                     "lower", "13", "7"]),
)

KEY = "{key}"
# (command words with {key} for a pupil's number, the option the value goes to)
OPTIONS = [
    (("suspend", KEY, "--reason", "病", *MEDICAL, "--dry-run"), "--from"),
    (("suspend", KEY, "--reason", "病", *MEDICAL, "--dry-run"), "--until"),
    (("suspend", KEY, *MEDICAL, "--dry-run"), "--reason"),
    (("suspend", KEY, "--reason", "病", *MEDICAL, "--dry-run"), "--share-override"),
    (("suspend", "extend", KEY), "--until"),
    (("suspend", "list"), "--due-within"),
    (("suspend", "certificate", KEY), "--xlsx"),
    (("resume", KEY, "--evidence", "康复证明"), "--grade"),
    (("resume", KEY, "--evidence", "康复证明"), "--date"),
    (("promote", "--dry-run"), "--year"),
    (("promote", "--year", "2026", "--dry-run"), "--date"),
    (("promote", "--year", "2026", "--reason", "x", "--dry-run"), "--hold"),
    (("graduates",), "--year"),
    (("skip-grade", KEY, "--approval", "批文"), "--to"),
    (("class-change", KEY), "--class"),
    (("withdraw", KEY, "--reason", "x"), "--lawful-basis"),
    (("death", KEY), "--date"),
    (("abroad", KEY), "--destination"),
    (("correct", KEY, "--evidence", "户口簿"), "--name"),
    (("correct", KEY, "--evidence", "户口簿"), "--id-number"),
    (("correct", KEY, "--evidence", "户口簿"), "--birth"),
    (("correct", KEY, "--evidence", "户口簿"), "--gender"),
    (("undo", "--reason", "x"), None),
    (("report", "monthly"), "--month"),
    (("report", "monthly", "--month", "2026-10"), "--school"),
    (("report", "stats"), "--as-of"),
    (("report", "roster"), "--as-of"),
    (("report", "verify"), "--year"),
    (("student", "card"), None),
]


# transfer in / borrow in: a complete command with one option replaced by the value
TRANSFER_IN = ("transfer", "in", "--school", "001", "--class", "1", "--grade", "2", "--name", "某某",
               "--gender", "男", "--birth", "2019-03-05", "--id-number", make_id("2019-03-05", seq=901),
               "--from-school", "外县小学", "--from-region", "130204001001", "--reason", "move",
               "--evidence", "户口簿", "--evidence", "房产证明", "--evidence", "转学证明", "--dry-run")
BORROW_IN = ("borrow", "in", "--school", "001", "--name", "某某", "--id-number",
             make_id("2019-03-05", seq=902), "--grade", "2", "--origin-school", "外县小学",
             "--letter", "L", "--evidence", "暂住证", "--evidence", "就业证明", "--dry-run")


def without(words: tuple, option: str) -> tuple:
    at = words.index(option) if option in words else None
    return words if at is None else words[:at] + words[at + 2:]


OPTIONS += [(without(TRANSFER_IN, o), o) for o in (
    "--grade", "--birth", "--id-number", "--from-region", "--class", "--reason", "--national-number",
    "--ethnicity", "--id-type", "--gender")]
OPTIONS += [(without(BORROW_IN, o), o) for o in (
    "--grade", "--origin-grade", "--until", "--class", "--id-number", "--national-number", "--birth",
    "--gender", "--id-type")]
OPTIONS += [
    (("transfer", "out", KEY, "--to-school", "X", "--reason", "move", "--evidence", "户口簿",
      "--evidence", "房产证明", "--dry-run"), "--to-region"),
    (("transfer", "out", KEY, "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明",
      "--dry-run"), "--to"),
    (("sanction", "add", KEY, "--reason", "x"), "--kind"),
    (("sanction", "add", KEY, "--kind", "警告", "--reason", "x"), "--until"),
    (("borrow", "out", KEY, "--letter", "L"), "--to-region"),
    (("transfer", "show"), None),
    (("borrow", "list"), "--xlsx"),
    (("report", "roster"), "--xlsx"),
]


@pytest.fixture
def pupil(township, enroll, as_json, set_setting, monkeypatch):
    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-16")
    return as_json(enroll(json=True, grade="2", birth="2019-03-05"))["local_number"]


@CLI
@given(lookup=st.sampled_from(OPTIONS), value=values, json_mode=st.booleans())
def test_every_workflow_option_answers_any_value(pupil, xueji, tmp_path_factory, lookup, value,
                                                 json_mode):
    words, option = lookup
    argv = [w.format(key=pupil) for w in words]
    if option == "--xlsx":  # a file name: in a fresh folder (or refused as a file problem)
        assume("\x00" not in value)  # no shell can pass a NUL byte in an argument
        value = str(tmp_path_factory.mktemp("x") / value) if value else value
    argv += [f"{option}={value}"] if option else ["--", value]
    if json_mode and words[0] not in ("graduates",):
        argv.insert(len(words), "--json")
    result = xueji(*argv)
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, result.stderr)
    if result.exit_code == 2:  # the option parser (a number option given text, …)
        assert "Traceback" not in result.stderr
        return
    if json_mode and result.stdout.strip().startswith("{"):
        document = json.loads(result.stdout)
        if document.get("ok") is False:
            for error in document.get("errors", []):
                assert error["message"], error
    if result.exit_code == 1:
        assert result.stderr.strip(), argv


@pytest.mark.parametrize("entry", ["9223372036854775808", "99999999999999999999999", "0", "-5"])
def test_undo_of_an_entry_number_beyond_any_entry(pupil, xueji, entry):
    result = xueji("undo", "--reason", "x", "--", entry)
    assert result.exit_code in (1, 2), result.stderr
    if result.exit_code == 1:
        assert "没有序号为" in result.stderr and "xueji log" in result.stderr
