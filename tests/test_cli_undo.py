"""`xueji undo ENTRY`: a correcting entry that restores what the entry changed, never a
delete (CHG-3) — an enrollment (the record stays, cancelled, its number never reused, the
ID number released), the steps of a transfer (appended here with journal.record), a
promotion and a graduation; refusals while later entries depend on it (named), an entry
already undone, and undoing the undo."""

from __future__ import annotations

import lifekit
from synthetic import VILLAGE_001, make_id
from transferkit import town  # noqa: F401  (fixture)

from xueji_cli.ledger import journal
from xueji_cli.store.workspace import open_workspace
from xueji_cli.values.dates import parse_date

A, B, C = (f"0226260010000{n}" for n in (1, 2, 3))
IA = make_id("2020-03-05", seq=1)


def _build(directory):
    for n, name in enumerate(("甲", "乙", "丙")):
        lifekit.enroll_at(directory, name, make_id("2020-03-05", seq=n + 1))


template, pupils = lifekit.fixtures(_build, "2026-10-20")


def first_entry(sql, number: str) -> int:
    return lifekit.entries(sql, number)[0][0]


def errors(result, as_json):
    assert result.exit_code == 1, result.stdout + result.stderr
    return as_json(result)["errors"]


def test_undo_an_enrollment(pupils, xueji, as_json, sql, enroll):
    entry = first_entry(sql, C)
    journal_before = sql("SELECT * FROM journal")
    result = xueji("undo", entry, "--reason", "录入错误:该生未来报到", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["undone"] == entry and done["record"]["status"] == "cancelled"
    [undo] = done["entries"]
    assert (undo["kind"], undo["corrects"], undo["reason"]) == ("undo", entry, "录入错误:该生未来报到")
    assert sql("SELECT * FROM journal WHERE id <= ?", journal_before[-1][0]) == journal_before  # nothing rewritten
    record = lifekit.record_of(sql, C)
    assert (record["status"], record["national_number"]) == ("cancelled", None)
    assert sql("SELECT count(*) FROM person WHERE id_number IS NULL") == [(1,)]  # ID number released
    card = xueji("student", "show", C)
    assert card.exit_code == 0 and "已撤销" in card.stdout and "撤销 #" in card.stdout
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0
    # the child can now be enrolled correctly; the cancelled number is never reused (NUM-3)
    again = enroll(name="丙", id_number=make_id("2020-03-05", seq=3), json=True)
    assert again.exit_code == 0, again.stderr
    assert as_json(again)["local_number"] == "02262600100004"
    assert xueji("renumber-check").exit_code == 0 and xueji("check").exit_code == 0


def test_undo_is_refused_while_later_entries_depend_on_it(pupils, xueji, as_json, sql):
    assert xueji("class-change", A, "--class", "2", "--date", "2026-10-10").exit_code == 0
    change = lifekit.entries(sql, A)[-1][0]
    [error] = errors(xueji("undo", first_entry(sql, A), "--reason", "x", "--json"), as_json)
    assert error["rule"] == "CHG-3" and f"#{change}" in error["message"] and "转班级" in error["message"]
    assert "最后一条" in error["hint"]
    assert xueji("undo", change, "--reason", "调错了班").exit_code == 0
    assert lifekit.record_of(sql, A)["class_no"] == 1
    assert xueji("undo", first_entry(sql, A), "--reason", "录入错误").exit_code == 0
    assert xueji("check").exit_code == 0


def test_undo_the_steps_of_a_transfer(pupils, xueji, as_json, sql, ws_dir):
    apply = lifekit.append(ws_dir, A, "transfer_apply", date="2026-10-08", case_ref="T-1")
    out = lifekit.append(ws_dir, A, "transfer_out", {"status": "transferred_out"}, "2026-10-10",
                         case_ref="T-1", to_school="外县某小学")
    [error] = errors(xueji("undo", apply, "--reason", "x", "--json"), as_json)
    assert f"#{out}" in error["message"] and "转学(转出)" in error["message"]
    result = xueji("undo", out, "--reason", "转学未成,家长撤回", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["changed"] == {"status": {"old": "transferred_out", "new": "active"}}
    assert lifekit.record_of(sql, A)["status"] == "active"
    assert xueji("undo", apply, "--reason", "转学未成").exit_code == 0
    assert [k for _, k, _ in lifekit.entries(sql, A)] == [
        "enroll", "transfer_apply", "transfer_out", "undo", "undo"]
    assert xueji("check").exit_code == 0


def test_a_later_step_of_the_same_case_on_another_record_depends(pupils, xueji, as_json, ws_dir):
    out = lifekit.append(ws_dir, A, "transfer_out", {"status": "transferred_out"}, "2026-10-10",
                         case_ref="T-2")
    step = lifekit.append(ws_dir, B, "other", date="2026-10-11", case_ref="T-2")
    [error] = errors(xueji("undo", out, "--reason", "x", "--json"), as_json)
    assert f"#{step}" in error["message"] and B in error["message"]


def test_already_undone_and_undoing_the_undo(pupils, xueji, as_json, sql):
    assert xueji("class-change", A, "--class", "2").exit_code == 0
    change = lifekit.entries(sql, A)[-1][0]
    assert xueji("undo", change, "--reason", "x").exit_code == 0
    undo = lifekit.entries(sql, A)[-1][0]
    [error] = errors(xueji("undo", change, "--reason", "x", "--json"), as_json)
    assert "已被撤销" in error["message"] and f"xueji undo {undo}" in error["hint"]
    assert xueji("undo", undo, "--reason", "撤销错了").exit_code == 0  # the class change stands again
    assert lifekit.record_of(sql, A)["class_no"] == 2
    assert xueji("undo", change, "--reason", "还是不调").exit_code == 0  # and may be undone again
    assert lifekit.record_of(sql, A)["class_no"] == 1
    assert xueji("check").exit_code == 0


def test_undo_a_promotion_and_a_graduation(pupils, xueji, sql, monkeypatch, enroll):
    assert enroll(name="六", grade="6", birth="2014-10-01", id_number=make_id("2014-10-01", seq=9)).exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-10")
    assert xueji("promote", "--year", "2026").exit_code == 0
    promote = lifekit.entries(sql, A)[-1][0]
    graduate = lifekit.entries(sql, "02262100100001")[-1][0]
    assert xueji("undo", promote, "--reason", "应留级,漏报").exit_code == 0
    assert lifekit.record_of(sql, A)["grade"] == 1
    assert xueji("undo", graduate, "--reason", "录入错误").exit_code == 0
    assert lifekit.record_of(sql, "02262100100001")["status"] == "active"
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_undo_refusals(pupils, xueji, as_json, sql, ws_dir):
    entry = first_entry(sql, A)
    assert errors(xueji("undo", 9999, "--reason", "x", "--json"), as_json)[0]["rule"] == "NotFound"
    assert xueji("undo", entry).exit_code == 2  # --reason is required
    assert xueji("undo", "x", "--reason", "y").exit_code == 2
    assert [e["field"] for e in errors(xueji("undo", entry, "--reason", " ", "--json"), as_json)] == ["reason"]
    assert [e["rule"] for e in errors(xueji("undo", entry, "--reason", "x", "--date", "2026-08-01",
                                            "--json"), as_json)] == ["CHG-3"]
    with open_workspace(str(ws_dir)).store.session(write=True) as session:
        loose = journal.record(session, None, "other", parse_date("2026-10-01"), "测试")
        session.flush()
        loose = loose.id
    [error] = errors(xueji("undo", loose, "--reason", "x", "--json"), as_json)
    assert error["field"] == "entry" and "xueji log" in error["hint"]  # and where to look


def test_undo_of_an_arrival_step_points_to_cancelling_the_case(town, xueji, as_json):
    """An arrival's application has no record yet: the way back is `transfer cancel`."""
    arrival = xueji("transfer", "in", "--school", "001", "--class", "1", "--grade", "2",
                    "--name", "周小华", "--id-number", make_id("2019-04-04", seq=90),
                    "--from-school", "外县实验小学", "--from-region", "130227101001",
                    "--hukou-region", VILLAGE_001, "--residence-region", VILLAGE_001,
                    "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明",
                    "--evidence", "转学证明", "--json")
    assert arrival.exit_code == 0, arrival.stderr
    [step] = as_json(arrival)["history"]
    [error] = errors(xueji("undo", step["id"], "--reason", "x", "--json"), as_json)
    assert "xueji transfer cancel ZX2026-0001" in error["hint"]


def test_undo_of_a_second_record_keeps_the_id_number(pupils, xueji, as_json, sql):
    lifekit.transfer_inside(pupils, A, "02262600200001")
    out = lifekit.entries(sql, A)[-1][0]
    opened = first_entry(sql, "02262600200001")
    [error] = errors(xueji("undo", out, "--reason", "x", "--json"), as_json)
    assert f"#{opened}" in error["message"]  # the receiving step depends on the sending one
    assert xueji("undo", opened, "--reason", "转学未成").exit_code == 0
    assert lifekit.record_of(sql, "02262600200001")["status"] == "cancelled"
    assert sql("SELECT count(*) FROM person WHERE id_number = ?", IA) == [(1,)]  # still 甲's
    assert xueji("undo", out, "--reason", "转学未成").exit_code == 0
    assert lifekit.record_of(sql, A)["status"] == "active"
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0
