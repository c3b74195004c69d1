"""The ledger (CHG-3): one fold makes a record of its entries; the stored record is that
fold in recording order, and `check` recomputes it so; the record on a day is that fold in
effective-date order (test_report_register.py)."""

from __future__ import annotations

import datetime as dt

from journalkit import kit  # noqa: F401  (the fixture)

from xueji_cli.ledger.check import recompute
from xueji_cli.ledger.projection import PROJECTED, fold, transitions
from xueji_cli.ledger.timeline import Step, state_on

D = dt.date


def test_fold_applies_the_changes_in_the_order_given():
    assert fold([{"grade": 1, "status": "active"}, {"grade": 2}, None, {}]) == {
        "grade": 2, "status": "active"}
    assert fold([{"grade": 2}, {"grade": 1}]) == {"grade": 1}
    assert fold([]) == {}


def test_fold_starts_from_a_state_without_changing_it():
    start = {"grade": 1, "class_no": 1}
    assert fold([{"class_no": 2}], start) == {"grade": 1, "class_no": 2}
    assert start == {"grade": 1, "class_no": 1}
    assert fold([], start) is not start


def test_transitions_are_the_fold_one_entry_at_a_time():
    steps = [Step(1, 1, "enroll", D(2026, 9, 1), {"grade": 1, "status": "active"}),
             Step(2, 1, "apply", D(2026, 9, 5), {}),
             Step(3, 1, "suspend", D(2026, 10, 1), {"status": "suspended"})]
    seen = [(step.id, before, after) for step, before, after in transitions(steps)]
    assert seen == [(1, {}, {"grade": 1, "status": "active"}),
                    (2, {"grade": 1, "status": "active"}, {"grade": 1, "status": "active"}),
                    (3, {"grade": 1, "status": "active"}, {"grade": 1, "status": "suspended"})]
    assert seen[-1][2] == fold(s.sets for s in steps) == state_on(steps, None)


def test_the_record_on_a_day_is_the_fold_in_effective_date_order():
    # entry 9 was recorded after entry 5 but took effect before it
    steps = [Step(5, 1, "class_change", D(2026, 10, 20), {"class_no": 4}),
             Step(1, 1, "enroll", D(2026, 9, 1), {"class_no": 1}),
             Step(9, 1, "class_change", D(2026, 10, 5), {"class_no": 3})]
    assert state_on(steps, D(2026, 10, 6)) == {"class_no": 3}
    assert state_on(steps, None) == fold([{"class_no": 1}, {"class_no": 3}, {"class_no": 4}])


def test_check_recomputes_every_record_from_its_entries(kit):
    a = kit.enroll("001", grade=2)
    kit.change(a, "class_change", "2026-10-10", class_no=3)
    kit.enroll("002")
    with kit.store.session() as session:
        checked, differences = recompute(session)
    assert (checked, differences) == (2, [])


def test_check_folds_in_recording_order_as_the_record_was_made(kit):
    """A late-entered change dated before the record's latest one: the stored record is what
    the entries made as they were written, and check agrees with it (the monthly report
    names the order problem, REP-1)."""
    a = kit.enroll("001")
    kit.change(a, "class_change", "2026-10-20", class_no=4)
    kit.change(a, "class_change", "2026-10-05", class_no=3)  # recorded last, dated earlier
    with kit.store.session() as session:
        _checked, differences = recompute(session)
        from xueji_cli.ledger.models import Student

        assert session.get(Student, a).class_no == 3
    assert differences == []


def test_check_names_a_field_changed_behind_the_journals_back(kit, sql):
    a = kit.enroll("001")
    sql("UPDATE student SET grade = 5 WHERE id = ?", a)
    with kit.store.session() as session:
        _checked, differences = recompute(session)
    assert [(d.student_id, d.field, d.stored, d.from_journal) for d in differences] == [
        (a, "grade", 5, 1)]
    assert set(PROJECTED) >= {d.field for d in differences}
