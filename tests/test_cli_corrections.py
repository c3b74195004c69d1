"""`xueji correct`: a name only with evidence (ENR-6); an ID number with evidence and a new
duplicate check, regenerating the G number of every record of the person while the old one
stays in the history (NUM-5, NUM-6, NUM-7); J to G; and `xueji check` verifying the
person's corrected values (a value changed behind the program's back is found)."""

from __future__ import annotations

import json

import lifekit
import pytest
from conftest import invoke
from lifekit import refusal as errors
from synthetic import VILLAGE_001, make_id, wrong_check

A, B, J = "02262600100001", "02262600100002", "02262600100003"
A2 = "02262600200001"  # 甲's record at 002 after a transfer inside the township
IA, IB = make_id("2020-03-05", seq=1), make_id("2020-03-05", seq=2)
JNUM = "J" + make_id("2020-06-01", seq=3, region="130283")
NEW_ID = make_id("2020-04-05", seq=50)  # 甲's corrected ID number (a different birth date)
EVIDENCE = ("--evidence", "户口簿")


def masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


def _build(directory):
    lifekit.enroll_at(directory, "甲", IA)
    lifekit.enroll_at(directory, "乙", IB)
    result = invoke(directory, "enroll", "--school", "001", "--name", "丙", "--gender", "女",
                    "--birth", "2020-06-01", "--id-type", "Z", "--national-number", JNUM,
                    "--guardian-name", "丙父", "--hukou-region", VILLAGE_001,
                    "--guardian-hukou-region", VILLAGE_001, "--residence-region", VILLAGE_001,
                    "--evidence", "户口簿", "--evidence", "房产证明")
    assert result.exit_code == 0, result.stderr


template, pupils = lifekit.fixtures(_build, "2026-10-20")


# -- name (ENR-6) ----------------------------------------------------------------------------

def test_name_needs_evidence(pupils, xueji, as_json, sql):
    before = sql("SELECT count(*) FROM journal")
    assert errors(xueji("correct", A, "--name", "甲一", "--json"), as_json) == [("ENR-6", "evidence")]
    assert sql("SELECT count(*) FROM journal") == before
    assert sql("SELECT name FROM person WHERE id_number = ?", IA) == [("甲",)]


def test_name_correction_keeps_the_old_name_in_history(pupils, xueji, as_json, sql):
    result = xueji("correct", A, "--name", "甲 一", *EVIDENCE, "--reason", "户口簿更名", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["changed"] == {"name": {"old": "甲", "new": "甲一"}}
    assert done["record"]["name"] == "甲一" and done["records_changed"] == 1
    [entry] = done["entries"]
    assert (entry["kind"], entry["evidence"], entry["sets"]) == ("correct", ["户口簿"], "姓名 甲→甲一")
    [(details,)] = sql("SELECT details FROM journal WHERE kind = 'correct'")
    assert json.loads(details) == {"old": {"name": "甲"}, "new": {"name": "甲一"}}
    assert "姓名 甲→甲一" in xueji("student", "show", A).stdout
    assert "信息更正" in xueji("log", A).stdout
    assert xueji("check").exit_code == 0


# -- ID number (NUM-5, NUM-6, NUM-7) ---------------------------------------------------------

def test_id_correction_regenerates_the_g_number(pupils, xueji, as_json, sql):
    result = xueji("correct", A, "--id-number", NEW_ID, "--birth", "2020-04-05", *EVIDENCE,
                   "--evidence", "身份证号变更证明", "--json")
    assert result.exit_code == 0, result.stderr
    changed = as_json(result)["changed"]
    assert changed["id_number"] == {"old": masked(IA), "new": masked(NEW_ID)}
    assert changed["national_number"] == {"old": "G" + masked(IA), "new": "G" + masked(NEW_ID)}
    assert changed["birth_date"] == {"old": "2020-03-05", "new": "2020-04-05"}
    assert IA not in result.stdout and NEW_ID not in result.stdout
    assert lifekit.record_of(sql, A)["national_number"] == "G" + NEW_ID
    assert sql("SELECT birth_date FROM person WHERE id_number = ?", NEW_ID) == [("2020-04-05",)]
    (details,) = sql("SELECT details FROM journal WHERE kind = 'correct'")[0]
    assert "G" + IA in details  # the old G number stays in the history
    assert xueji("student", "show", NEW_ID).exit_code == 0
    assert xueji("student", "show", IA).exit_code == 1
    shown = xueji("log", A, "--show-id").stdout
    assert IA in shown and NEW_ID in shown
    assert xueji("renumber-check").exit_code == 0 and xueji("check").exit_code == 0


@pytest.mark.parametrize("args, expected", [
    (("--id-number", NEW_ID), [("NUM-6", "birth")]),  # the birth date inside disagrees
    (("--id-number", wrong_check(NEW_ID), "--birth", "2020-04-05"), [("NUM-6", "id_number")]),
    (("--id-number", "130283200304051"), [("NUM-6", "id_number")]),  # 15-digit legacy number
    (("--id-number", IB), [("NUM-7", "id_number")]),  # 乙's number
    (("--gender", "女"), [("NUM-6", "gender")]),  # the ID number says male
    (("--birth", "2020-03-06"), [("NUM-6", "birth")]),
    (("--name", "甲"), [("INPUT", "name")]),  # nothing to correct
    (("--birth", "2020-13-01"), [("INPUT", "birth")]),
])
def test_id_and_birth_refusals(pupils, xueji, as_json, args, expected):
    assert errors(xueji("correct", A, *args, *EVIDENCE, "--json"), as_json) == expected


def test_every_problem_at_once(pupils, xueji, as_json):
    found = errors(xueji("correct", A, "--id-number", IB, "--name", "甲一", "--json"), as_json)
    assert sorted(found) == [("ENR-6", "evidence"), ("NUM-5", "evidence"), ("NUM-7", "id_number")]


def test_nothing_to_correct(pupils, xueji, as_json):
    assert errors(xueji("correct", A, "--json"), as_json) == [("INPUT", "key")]


def test_a_j_number_becomes_g_when_the_id_number_is_known(pupils, xueji, as_json, sql):
    number = make_id("2020-06-01", male=False, seq=60)
    result = xueji("correct", J, "--id-number", number, *EVIDENCE, "--json")
    assert result.exit_code == 0, result.stderr
    assert lifekit.record_of(sql, J)["national_number"] == "G" + number
    assert sql("SELECT id_type FROM person WHERE id_number = ?", number) == [("1",)]
    (details,) = sql("SELECT details FROM journal WHERE kind = 'correct'")[0]
    assert JNUM in details
    assert xueji("renumber-check").exit_code == 0 and xueji("check").exit_code == 0


def test_duplicate_check_without_an_id_number(pupils, xueji, as_json):
    assert xueji("enroll", "--school", "001", "--name", "丁", "--gender", "女", "--birth", "2020-06-02",
                 "--id-type", "Z", "--guardian-name", "丙父", "--hukou-region", VILLAGE_001,
                 "--guardian-hukou-region", VILLAGE_001, "--residence-region", VILLAGE_001,
                 "--evidence", "户口簿", "--evidence", "房产证明").exit_code == 0
    found = errors(xueji("correct", "02262600100004", "--name", "丙", "--birth", "2020-06-01",
                         *EVIDENCE, "--json"), as_json)
    assert found == [("NUM-7", "name")]


def test_every_record_of_the_person_gets_the_new_g_number(pupils, xueji, as_json, sql):
    lifekit.transfer_inside(pupils, A, A2)
    result = xueji("correct", A2, "--id-number", NEW_ID, "--birth", "2020-04-05", *EVIDENCE, "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["records_changed"] == 2
    assert [lifekit.record_of(sql, n)["national_number"] for n in (A, A2)] == ["G" + NEW_ID] * 2
    assert xueji("renumber-check").exit_code == 0 and xueji("check").exit_code == 0
    # undone as a whole, from either of its entries
    (secondary,) = sql("SELECT j.id FROM journal j JOIN student s ON s.id = j.student_id "
                       "WHERE j.kind = 'correct' AND s.local_number = ?", A)[0]
    undone = xueji("undo", secondary, "--reason", "号码录错", "--json")
    assert undone.exit_code == 0, undone.stderr
    assert len(as_json(undone)["entries"]) == 2
    assert [lifekit.record_of(sql, n)["national_number"] for n in (A, A2)] == ["G" + IA] * 2
    assert sql("SELECT birth_date FROM person WHERE id_number = ?", IA) == [("2020-03-05",)]
    assert xueji("renumber-check").exit_code == 0 and xueji("check").exit_code == 0


# -- xueji check over person corrections ----------------------------------------------------

def test_check_finds_a_corrected_value_changed_behind_the_programs_back(pupils, xueji, as_json, sql):
    assert xueji("correct", A, "--name", "甲一", *EVIDENCE).exit_code == 0
    assert xueji("correct", A, "--id-number", NEW_ID, "--birth", "2020-04-05", *EVIDENCE).exit_code == 0
    assert xueji("check").exit_code == 0
    sql("UPDATE person SET name = '甲二', id_number = ? WHERE id_number = ?", IB[:-1] + "0", NEW_ID)
    result = xueji("check", "--json")
    assert result.exit_code == 1
    found = {d["field"]: d for d in as_json(result)["differences"]}
    assert set(found) == {"name", "id_number"}
    assert (found["name"]["stored"], found["name"]["from_journal"]) == ("甲二", "甲一")
    assert found["id_number"]["from_journal"] == masked(NEW_ID)  # never in full
    assert NEW_ID not in xueji("check").stdout


def test_check_finds_a_broken_chain(pupils, xueji, as_json, sql, ws_dir):
    assert xueji("correct", A, "--name", "甲一", *EVIDENCE).exit_code == 0
    lifekit.append(ws_dir, A, "correct", date="2026-10-20",
                   details={"old": {"name": "某某"}, "new": {"name": "甲一"}})
    result = xueji("check", "--json")
    assert result.exit_code == 1
    [difference] = as_json(result)["differences"]
    assert difference["field"] == "更正链:name" and difference["stored"] == "某某"
