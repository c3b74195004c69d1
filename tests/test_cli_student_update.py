"""`xueji student update`: a person's details (guardian, phone, address, ethnicity,
household registration, residence) changed by one 信息变更 entry with the old and new values
(CHG-3); the household registration only with the 户口簿 (ENR-2); who the child is stays
with `correct` (ENR-6, NUM-5); undone by `undo`; shown old → new on the card and in the
monthly change list; the phone masked like the ID number unless --show-id; and
`class-change --dry-run` writing nothing."""

from __future__ import annotations

import json

import lifekit
import pytest
from lifekit import refusal as errors
from synthetic import VILLAGE_001, make_id

A = "02262600100001"
IA = make_id("2020-03-05", seq=1)
OTHER_VILLAGE = VILLAGE_001[:-1] + "2"
PHONE, NEW_PHONE = "13912345678", "13700001111"


def _build(directory):
    from conftest import invoke

    lifekit.enroll_at(directory, "甲", IA, date="2026-09-01")
    assert invoke(directory, "student", "update", A, "--guardian-phone", PHONE,
                  "--date", "2026-09-02").exit_code == 0


template, pupils = lifekit.fixtures(_build, "2026-10-20")


def test_update_writes_one_entry_with_old_and_new(pupils, xueji, as_json, sql):
    result = xueji("student", "update", "甲", "--guardian-phone", NEW_PHONE, "--address", "东村3号",
                   "--guardian-name", "甲父", "--ethnicity", "回族", "--date", "2026-10-08", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["changed"]["guardian_phone"] == {"old": "139****5678", "new": "137****1111"}
    assert done["changed"]["address"] == {"old": None, "new": "东村3号"}
    assert NEW_PHONE not in result.stdout
    [(kind, details)] = sql("SELECT kind, details FROM journal WHERE effective_date = '2026-10-08'")
    assert kind == "update"
    assert json.loads(details) == {
        "old": {"guardian_phone": PHONE, "address": None, "guardian_name": None, "ethnicity": None},
        "new": {"guardian_phone": NEW_PHONE, "address": "东村3号", "guardian_name": "甲父",
                "ethnicity": "03"}}
    assert sql("SELECT guardian_phone, address FROM person") == [(NEW_PHONE, "东村3号")]
    assert xueji("check").exit_code == 0


def test_household_registration_needs_the_register(pupils, xueji, as_json, sql):
    """ENR-2: the household registration is shown by the 户口簿."""
    before = sql("SELECT count(*) FROM journal")
    refused = xueji("student", "update", A, "--hukou-region", OTHER_VILLAGE, "--json")
    assert errors(refused, as_json) == [("ENR-2", "evidence")]
    assert sql("SELECT count(*) FROM journal") == before
    done = xueji("student", "update", A, "--hukou-region", OTHER_VILLAGE, "--evidence", "户口本",
                 "--json")
    assert done.exit_code == 0, done.stderr
    assert sql("SELECT hukou_region FROM person") == [(OTHER_VILLAGE,)]


@pytest.mark.parametrize("option, rule", [("--name", "ENR-6"), ("--id-number", "NUM-5")])
def test_identity_stays_with_correct(pupils, xueji, as_json, option, rule):
    result = xueji("student", "update", A, option, "乙", "--json")
    assert errors(result, as_json) == [(rule, option[2:].replace("-", "_"))]
    assert "xueji correct" in as_json(result)["errors"][0]["hint"]


def test_update_then_undo_restores_the_values(pupils, xueji, as_json, sql):
    done = as_json(xueji("student", "update", A, "--guardian-phone", NEW_PHONE, "--json"))
    entry = done["entries"][0]["id"]
    undone = xueji("undo", str(entry), "--reason", "录入错误")
    assert undone.exit_code == 0, undone.stderr
    assert sql("SELECT guardian_phone FROM person") == [(PHONE,)]
    assert xueji("check").exit_code == 0


def test_card_and_monthly_list_show_old_to_new(pupils, xueji, as_json):
    assert xueji("student", "update", A, "--address", "东村3号", "--date", "2026-10-08").exit_code == 0
    card = xueji("student", "card", A)
    assert "监护人电话 (无)→139****5678" in card.stdout and "现住址 (无)→东村3号" in card.stdout
    report = as_json(xueji("report", "monthly", "--month", "2026-10", "--json"))
    [change] = [c for c in report["changes"] if c["kind"] == "update"]
    assert (change["kind_label"], change["from"], change["to"]) == ("信息变更", "现住址 (无)", "现住址 东村3号")
    assert change["column"] is None and report["balanced"] is True


def test_show_gives_every_detail_the_phone_masked(pupils, xueji, as_json):
    shown = as_json(xueji("student", "show", A, "--json"))
    assert shown["guardian_phone"] == "139****5678" and "address" in shown
    assert PHONE not in xueji("student", "show", A).stdout
    assert as_json(xueji("student", "show", A, "--json", "--show-id"))["guardian_phone"] == PHONE


def test_class_change_dry_run_writes_nothing(pupils, xueji, as_json, sql):
    before = sql("SELECT count(*) FROM journal")
    checked = as_json(xueji("class-change", A, "--class", "2", "--dry-run", "--json"))
    assert checked["dry_run"] is True and checked["changed"] == {"class_no": {"old": 1, "new": 2}}
    assert sql("SELECT count(*) FROM journal") == before
    assert lifekit.record_of(sql, A)["class_no"] == 1


def test_an_undone_update_is_labelled_as_such_everywhere(pupils, xueji, as_json):
    """CHG-3: the undo of a 信息变更 is 撤销信息变更 — it corrected nothing — in the log,
    on the card and in the monthly change list; an undone correction stays 撤销更正."""
    done = as_json(xueji("student", "update", A, "--address", "东村3号", "--date", "2026-10-08",
                         "--json"))
    entry = done["entries"][0]["id"]
    assert xueji("undo", str(entry), "--reason", "录入错误", "--date", "2026-10-09").exit_code == 0
    log = as_json(xueji("log", A, "--json"))
    assert [e["kind_label"] for e in log["entries"] if e["kind"] == "undo"] == ["撤销信息变更"]
    assert "撤销信息变更" in xueji("log", A).stdout
    card = xueji("student", "card", A)
    assert "撤销信息变更" in card.stdout and "撤销更正" not in card.stdout
    report = as_json(xueji("report", "monthly", "--month", "2026-10", "--json"))
    assert [c["kind_label"] for c in report["changes"] if c["kind"] == "undo"] == ["撤销信息变更"]
    fixed = xueji("correct", A, "--name", "甲乙", "--evidence", "户口簿", "--date", "2026-10-10",
                  "--json")
    assert fixed.exit_code == 0, fixed.stderr
    undone = xueji("undo", str(as_json(fixed)["entries"][0]["id"]), "--reason", "录入错误",
                   "--date", "2026-10-11")
    assert undone.exit_code == 0, undone.stderr
    assert [e["kind_label"] for e in as_json(xueji("log", A, "--json"))["entries"]
            if e["kind"] == "undo"] == ["撤销信息变更", "撤销更正"]


def _last_entry(xueji, as_json) -> int:
    return as_json(xueji("log", A, "--json"))["entries"][-1]["id"]


def _warned(result, as_json) -> list[tuple[str, str]]:
    assert result.exit_code == 0, result.stderr
    return [(w["rule"], w["field"]) for w in as_json(result)["warnings"]]


def test_a_new_household_registration_alone_warns_of_the_two_agreements(pupils, xueji, as_json,
                                                                        sql):
    """ENR-2: the child's household registration equals the guardian's and the residence.
    A change that breaks an agreement is recorded (the papers are what they are) and warned,
    naming the field; a family that moved together changes all three without a warning."""
    screen = xueji("student", "update", A, "--residence-region", VILLAGE_001[:-1] + "3")
    assert screen.exit_code == 0 and "ENR-2" in screen.stderr and "现住地" in screen.stderr
    assert xueji("undo", str(_last_entry(xueji, as_json)), "--reason", "搬家未成").exit_code == 0
    alone = xueji("student", "update", A, "--hukou-region", OTHER_VILLAGE, "--evidence", "户口簿",
                  "--json")
    assert _warned(alone, as_json) == [("ENR-2", "guardian_hukou_region"), ("ENR-2", "residence_region")]
    assert sql("SELECT hukou_region FROM person") == [(OTHER_VILLAGE,)]
    together = xueji("student", "update", A, "--guardian-hukou-region", OTHER_VILLAGE,
                     "--residence-region", OTHER_VILLAGE, "--evidence", "户口簿", "--date",
                     "2026-10-20", "--json")
    assert _warned(together, as_json) == []
    assert sql("SELECT hukou_region, guardian_hukou_region, residence_region FROM person") == [
        (OTHER_VILLAGE,) * 3]
    assert xueji("check").exit_code == 0


def test_the_guardians_registration_needs_the_register_and_is_undone(pupils, xueji, as_json, sql):
    """ENR-2: the guardian's household registration is shown by the 户口簿 too; undo
    restores it and `check` follows it (CHG-3)."""
    refused = xueji("student", "update", A, "--guardian-hukou-region", OTHER_VILLAGE, "--json")
    assert errors(refused, as_json) == [("ENR-2", "evidence")]
    done = xueji("student", "update", A, "--guardian-hukou-region", OTHER_VILLAGE, "--evidence",
                 "户口簿", "--json")
    assert _warned(done, as_json) == [("ENR-2", "guardian_hukou_region")]
    entry = as_json(done)["entries"][0]["id"]
    assert xueji("undo", str(entry), "--reason", "录入错误").exit_code == 0
    assert sql("SELECT guardian_hukou_region FROM person") == [(VILLAGE_001,)]
    assert xueji("check").exit_code == 0


def test_a_record_no_longer_on_the_register_takes_an_update_and_says_so(pupils, xueji, as_json,
                                                                       sql):
    """CHG-1: a record that left the register (here 死亡) changes no register any more; the
    person's details in the file may still be put right — accepted, and said."""
    died = xueji("death", A, "--date", "2026-10-10", "--evidence", "死亡证明")
    assert died.exit_code == 0, died.stderr
    done = xueji("student", "update", A, "--address", "东村3号", "--json")
    assert _warned(done, as_json) == [("CHG-1", "key")]
    assert "已不在籍" in as_json(done)["warnings"][0]["message"]
    assert sql("SELECT address FROM person") == [("东村3号",)]
    assert lifekit.record_of(sql, A)["status"] == "deceased"
    assert "已不在籍" in xueji("student", "update", A, "--address", "东村4号").stderr
