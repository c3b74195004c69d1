"""Hostile text after enrollment: every text a registrar types into a change of a record —
a corrected name, a transfer's reasons and approvals, a leaving's reason, a sanction, a
year-end hold — and every text a transfer certificate's data sheet holds is refused at
input when it holds a control character (terminal escape codes) or a direction override,
or runs past its field's length: exit 1, an INPUT error naming the field, nothing written.
Before, a corrected name could carry ESC into every list and export."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from synthetic import make_id
from transferkit import ELSEWHERE, MOVE, OTHER_TOWN, ok, other, pupil, town  # noqa: F401

FIRST = "02262600100001"  # the `pupil`: 赵小明, 001, grade 1, class 1
CASE = "ZX2026-0001"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"  # set the window title, clear the screen
LONG = "字" * 1001  # past every field's limit


def hostile(good: str = "正常文字") -> list[tuple[str, str]]:
    """(value, what the refusal says): a control character, a direction override, too long."""
    return [(f"{good}{ESCAPES}", "U+001B"), (f"\u202e{good}", "U+202E"), (LONG, "最多")]


def snapshot(sql) -> tuple:
    """What a refused command must leave as it was: the journal, the cases, the people."""
    return sql("SELECT (SELECT count(*) FROM journal), (SELECT count(*) FROM transfer_case), "
               "(SELECT group_concat(name || '|' || coalesce(guardian_name, ''), ';') "
               "FROM person)")[0]


def refuses_each(run, field: str, sql, good: str = "正常文字") -> None:
    """run(value) for each hostile value: exit 1, an INPUT error naming `field` with what is
    wrong, nothing written, no control character sent back."""
    before = snapshot(sql)
    for value, said in hostile(good):
        result = run(value)
        assert result.exit_code == 1, (said, result.stdout, result.stderr)
        errors = json.loads(result.stdout)["errors"]
        assert [e for e in errors if e["rule"] == "INPUT" and e["field"] == field
                and said in e["message"] and e["hint"]], (said, errors)
        assert snapshot(sql) == before, said
        assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stderr


# -- corrections, undo, leaving, the year's turn ---------------------------------------------------

@pytest.mark.parametrize("field, args", [
    ("name", ["--name", "{}", "--evidence", "户口簿"]),
    ("reason", ["--name", "赵大明", "--evidence", "户口簿", "--reason", "{}"]),
    ("evidence", ["--name", "赵大明", "--evidence", "{}"]),
])
def test_a_correction_refuses_hostile_text(pupil, xueji, sql, field, args):
    """ENR-6: a corrected name is the name on every list, card and export — it held ESC."""
    refuses_each(lambda v: xueji("correct", FIRST, *[a.format(v) for a in args], "--json"),
                 field, sql, "赵大明")


def test_an_undo_refuses_a_hostile_reason(pupil, xueji, sql, as_json):
    """CHG-3: the undo's reason is its journal entry's."""
    ok(xueji("class-change", FIRST, "--class", "2"))
    [entry] = sql("SELECT max(id) FROM journal")[0]
    refuses_each(lambda v: xueji("undo", entry, "--reason", v, "--json"), "reason", sql)


LAWFUL = ["--lawful-basis", "县教育局批复〔2026〕1号"]


@pytest.mark.parametrize("command, field, args", [
    ("withdraw", "reason", ["--reason", "{}", *LAWFUL]),
    ("withdraw", "lawful_basis", ["--reason", "随父母回原籍", "--lawful-basis", "{}"]),
    ("withdraw", "remark", ["--reason", "随父母回原籍", *LAWFUL, "--remark", "{}"]),
    ("withdraw", "evidence", ["--reason", "随父母回原籍", *LAWFUL, "--evidence", "{}"]),
    ("abroad", "destination", ["--destination", "{}"]),
    ("abroad", "reason", ["--reason", "{}"]),
    ("skip-grade", "approval", ["--to", "2", "--approval", "{}"]),
    ("skip-grade", "reason", ["--to", "2", "--approval", "迁教〔2026〕7号", "--reason", "{}"]),
    ("skip-grade", "cap_decision", ["--to", "2", "--approval", "迁教〔2026〕7号",
                                    "--cap-decision", "{}"]),
    ("class-change", "reason", ["--class", "2", "--reason", "{}"]),
    ("class-change", "cap_decision", ["--class", "2", "--cap-decision", "{}"]),
    ("repeat", "reason", ["--reason", "{}"]),
])
def test_a_change_refuses_hostile_text(pupil, xueji, sql, command, field, args):
    """CHG-1, CHG-2: a leaving's reason, lawful basis, destination and remark, a skip's
    approval and a class's cap decision are the entry's, shown on the card and the log."""
    refuses_each(lambda v: xueji(command, FIRST, *[a.format(v) for a in args], "--json"),
                 field, sql)


def test_a_held_back_pupils_reason_is_checked(pupil, xueji, sql):
    """CHG-1: each --hold's --reason is its repeat entry's reason."""
    refuses_each(lambda v: xueji("promote", "--year", "2026", "--hold", FIRST, "--reason", v,
                                 "--date", "2027-07-10", "--json"), "reason", sql)


# -- sanctions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, args", [
    ("sanction_reason", ["--reason", "{}"]),
    ("doc_no", ["--reason", "打架", "--doc-no", "{}"]),
])
def test_a_sanction_refuses_hostile_text(pupil, xueji, sql, field, args):
    """TRF-7: a sanction's reason and document number are shown wherever it blocks a transfer."""
    refuses_each(lambda v: xueji("sanction", "add", FIRST, "--kind", "警告",
                                 *[a.format(v) for a in args], "--json"), field, sql)


def test_a_sanctions_revocation_refuses_a_hostile_reason(pupil, xueji, sql):
    ok(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "打架"))
    refuses_each(lambda v: xueji("sanction", "revoke", FIRST, "--reason", v, "--json"),
                 "sanction_reason", sql)
