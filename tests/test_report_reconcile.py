"""REP-1 reconciliation: inconsistencies planted behind the program's back are found,
the month is reported unbalanced (exit 1), and the records or entries that cause them
are named."""

from __future__ import annotations

import json

from journalkit import kit  # noqa: F401  (the fixture)

MONTH = "2026-10"




def local_number(sql, student_id):
    return sql("SELECT local_number FROM student WHERE id = ?", student_id)[0][0]


def plant_entry(sql, student_id, kind, day, sets, school_id=1):
    """A journal entry inserted by hand (as a faulty program or a hand edit would)."""
    sql("INSERT INTO journal (student_id, kind, effective_date, recorded_at, operator, school_id,"
        " evidence, approvals, sets, details) VALUES (?, ?, ?, '2026-10-30 08:00:00.000000', '手工',"
        " ?, '[]', '[]', ?, '{}')", student_id, kind, day, school_id, json.dumps(sets))
    return sql("SELECT max(id) FROM journal")[0][0]


def monthly(xueji, as_json, *args):
    result = xueji("report", "monthly", "--month", MONTH, "--json", *args)
    return result, as_json(result)


def test_a_clean_month_is_balanced(kit, xueji, as_json):
    kit.enroll("001", "2026-09-01", grade=2)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 0 and document["balanced"]


def test_student_row_changed_behind_the_journal_is_found(kit, xueji, as_json, sql):
    """A record nobody touched this month, withdrawn by raw SQL: only the census sees it."""
    quiet = kit.enroll("001", "2026-09-01", grade=2)
    kit.enroll("001", "2026-09-01", grade=2)
    sql("UPDATE student SET status = 'withdrawn' WHERE id = ?", quiet)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    assert document["balanced"] is False
    kinds = {d["kind"] for d in document["discrepancies"]}
    assert {"census", "projection"} <= kinds
    named = [d for d in document["discrepancies"] if d["kind"] == "projection"]
    assert [d["local_number"] for d in named] == [local_number(sql, quiet)]
    assert "学籍状态:现为 「退学」,按日志应为 「在校」" in named[0]["message"]  # labels, not codes
    assert "withdrawn" not in named[0]["message"]
    census = [d for d in document["discrepancies"] if d["kind"] == "census"][0]
    assert census["school"] == "001" and "应为 2 人" in census["message"] and "为 1 人" in census["message"]
    # the screen says the same, on stderr the verdict
    screen = xueji("report", "monthly", "--month", MONTH)
    assert screen.exit_code == 1
    assert local_number(sql, quiet) in screen.stdout and "核对不一致" in screen.stderr


def test_touched_record_changed_behind_the_journal_is_found(kit, xueji, as_json, sql):
    child = kit.enroll("001", "2026-09-01", grade=2)
    kit.change(child, "class_change", "2026-10-10", class_no=2)
    sql("UPDATE student SET grade = 3 WHERE id = ?", child)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    [difference] = [d for d in document["discrepancies"] if d["kind"] == "projection"]
    assert difference["local_number"] == local_number(sql, child)
    assert "年级:现为 3年级,按日志应为 2年级" in difference["message"]
    cells = {(d["school"], d["grade"]): d["difference"] for d in document["differences"]}
    assert cells == {("001", 2): -1, ("001", 3): 1}


def test_entry_with_a_wrong_kind_is_named(kit, xueji, as_json, sql):
    """A hand-made entry of kind 转班级 (which keeps the register) that withdraws a child."""
    child = kit.enroll("002", "2026-09-01", grade=4)
    entry = plant_entry(sql, child, "class_change", "2026-10-15", {"status": "withdrawn"}, school_id=2)
    sql("UPDATE student SET status = 'withdrawn' WHERE id = ?", child)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    [wrong] = [d for d in document["discrepancies"] if d["kind"] == "kind_effect"]
    assert wrong["entry"] == entry and wrong["local_number"] == local_number(sql, child)
    assert "转班级" in wrong["message"] and "在籍人数不变" in wrong["message"]
    assert document["differences"] == [{"school": "002", "grade": 4, "expected": 1, "closing": 0,
                                        "difference": -1}]
    flagged = [c for c in document["changes"] if c["entry"] == entry]
    assert "类别与内容不符" in flagged[0]["flags"]


def test_increase_entry_that_does_not_enter_the_register_is_named(kit, xueji, as_json, sql):
    child = kit.enroll("001", "2026-09-01", grade=2)
    entry = plant_entry(sql, child, "enroll", "2026-10-15", {"class_no": 2})
    sql("UPDATE student SET class_no = 2 WHERE id = ?", child)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    assert [d["entry"] for d in document["discrepancies"] if d["kind"] == "kind_effect"] == [entry]


def test_wrong_entry_of_an_earlier_month_is_found_by_the_census(kit, xueji, as_json, sql):
    child = kit.enroll("001", "2026-09-01", grade=2)
    entry = plant_entry(sql, child, "correct", "2026-09-20", {"status": "withdrawn"})
    sql("UPDATE student SET status = 'withdrawn' WHERE id = ?", child)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    assert entry in [d["entry"] for d in document["discrepancies"]]


def test_record_without_any_journal_is_named(kit, xueji, as_json, sql):
    kit.enroll("001", "2026-09-01", grade=2)
    person = sql("SELECT person_id FROM student LIMIT 1")[0][0]
    sql("INSERT INTO student (person_id, school_id, kind, local_number, entry_year, grade, class_no,"
        " status, enrolled_on, created_at) VALUES (?, 1, 'regular', '02262600109999', 2026, 1, 1,"
        " 'active', '2026-09-01', '2026-09-01 00:00:00')", person)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    [orphan] = [d for d in document["discrepancies"] if d["kind"] == "no_journal"]
    assert orphan["local_number"] == "02262600109999"


def test_unknown_kind_is_counted_in_other_and_warned(kit, xueji, as_json, sql):
    child = kit.enroll("001", "2026-09-01", grade=2)
    plant_entry(sql, child, "dropout", "2026-10-15", {"status": "withdrawn"})
    sql("UPDATE student SET status = 'withdrawn' WHERE id = ?", child)
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 0, document
    row = {(r["school"], r["grade"]): r for r in document["rows"]}[("001", 2)]
    assert row["out"]["other"] == 1 and row["closing"] == 0
    assert any("dropout" in w for w in document["warnings"])
    # the other commands still show it
    assert xueji("report", "monthly", "--month", MONTH).exit_code == 0


def test_late_recording_out_of_order_is_reported(kit, xueji, as_json):
    """Two entries on the same field whose recording order differs from their dates: the
    record's state depends on which counts — the report says so."""
    child = kit.enroll("001", "2026-09-01", grade=2)
    kit.change(child, "repeat", "2026-10-20", grade=3)
    kit.change(child, "correct", "2026-10-05", grade=2)  # recorded later, effective earlier
    result, document = monthly(xueji, as_json)
    assert result.exit_code == 1
    [order] = [d for d in document["discrepancies"] if d["kind"] == "order"]
    assert "生效日期" in order["message"]
