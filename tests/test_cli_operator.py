"""The operator's own name (CHG-3: every entry names who made it): `init --operator`,
`operator` in xueji.toml, XUEJI_OPERATOR (which wins) — on every journal entry, the
registration card and the suspension certificate. Without one the computer's account
(root, Administrator) is recorded marked as not a name, never printed as 经办人, and the
command says once, on stderr, how to set the name."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from suspendkit import OCTOBER, on_day, suspend_args, village_pupil  # noqa: F401

from xueji_cli.values.operators import ACCOUNT_MARK, HOW_TO_SET


def texts(path) -> str:
    return " ".join(str(c.value) for ws in load_workbook(path).worksheets
                    for row in ws.iter_rows() for c in row if c.value not in (None, ""))


def operators(sql) -> set[str]:
    return {row[0] for row in sql("SELECT operator FROM journal")}


def card_and_certificate(xueji, key, tmp_path) -> str:
    assert xueji(*suspend_args(key, "--central-approval", "休审〔2026〕1号")).exit_code == 0
    card, certificate = tmp_path / "card.xlsx", tmp_path / "cert.xlsx"
    assert xueji("student", "card", key, "--xlsx", card).exit_code == 0
    assert xueji("suspend", "certificate", key, "--xlsx", certificate).exit_code == 0
    return texts(card) + " " + texts(certificate)


def test_init_operator_is_written_to_the_settings(tmp_path, xueji_at):
    result = xueji_at(None, "init", tmp_path / "d", "--name", "示范镇中心校", "--operator", "王秀兰")
    assert result.exit_code == 0, result.stderr
    assert 'operator = "王秀兰"' in (tmp_path / "d" / "xueji.toml").read_text("utf-8")


def test_operator_of_the_settings_on_the_journal_card_and_certificate(
        village_pupil, xueji, sql, set_setting, tmp_path):
    set_setting('operator = ""', 'operator = "王秀兰"')
    printed = card_and_certificate(xueji, village_pupil, tmp_path)
    assert "填表人:王秀兰" in printed and "经办人:王秀兰" in printed
    assert "王秀兰" in operators(sql)


def test_the_environment_wins_over_the_settings(village_pupil, xueji, sql, set_setting, tmp_path,
                                                monkeypatch):
    set_setting('operator = ""', 'operator = "王秀兰"')
    monkeypatch.setenv("XUEJI_OPERATOR", "李春梅")
    printed = card_and_certificate(xueji, village_pupil, tmp_path)
    assert "填表人:李春梅" in printed and "经办人:李春梅" in printed
    assert "王秀兰" not in printed
    assert "李春梅" in operators(sql)


def test_without_a_name_the_account_is_never_printed_and_the_command_says_how_once(
        township, enroll, xueji, sql, tmp_path, monkeypatch, as_json):
    monkeypatch.delenv("XUEJI_OPERATOR", raising=False)
    result = enroll(json=True)
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)  # the hint is not in the JSON document
    assert result.stderr.count(HOW_TO_SET) == 1
    (operator,) = operators(sql)
    assert operator.endswith(ACCOUNT_MARK)  # the account, marked as not a name
    key = as_json(result)["local_number"]
    card = tmp_path / "card.xlsx"
    assert xueji("student", "card", key, "--xlsx", card).exit_code == 0
    printed = texts(card)
    assert "填表人:____________" in printed and operator.removesuffix(ACCOUNT_MARK) not in printed
