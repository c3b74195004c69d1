"""The register on any day: the one fold over the journal (state_on / states_at), who
is counted where (在籍 / 在校), and the roster as it stood on a past date (REP-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from journalkit import kit, roster_history  # noqa: F401  (kit: the fixture)

from xueji_cli.ledger.counted import at_school, on_register
from xueji_cli.ledger.timeline import (
    Step,
    Tally,
    place,
    roster_as_of,
    state_on,
    states_at,
)

D = dt.date


def step(id_, day, **sets):
    return Step(id_, 1, "x", D.fromisoformat(day), sets)


HISTORY = [
    step(1, "2026-09-01", school_id=1, kind="regular", grade=1, class_no=1, status="active"),
    step(2, "2026-10-10", status="suspended"),
    step(3, "2026-10-10", class_no=2),  # same day, recorded later
    step(4, "2027-07-10", grade=2),
]


def test_state_on_folds_entries_up_to_the_day():
    assert state_on(HISTORY, D(2026, 8, 31)) == {}
    assert state_on(HISTORY, D(2026, 9, 1))["status"] == "active"
    assert state_on(HISTORY, D(2026, 10, 9)) == {"school_id": 1, "kind": "regular", "grade": 1,
                                                 "class_no": 1, "status": "active"}
    on = state_on(HISTORY, D(2026, 10, 10))
    assert (on["status"], on["class_no"], on["grade"]) == ("suspended", 2, 1)
    assert state_on(HISTORY, None)["grade"] == 2


def test_state_on_orders_by_effective_date_then_recording():
    late = [HISTORY[0], step(9, "2026-10-05", class_no=3), step(5, "2026-10-20", class_no=4)]
    # entry 9 was recorded after entry 5 but took effect before it
    assert state_on(late, D(2026, 10, 31))["class_no"] == 4
    assert state_on(late, D(2026, 10, 6))["class_no"] == 3


def test_states_at_is_state_on_for_several_days():
    days = [D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31), None]
    assert states_at(HISTORY, days) == [state_on(HISTORY, d) for d in days]


@pytest.mark.parametrize("state, register, school", [
    ({"kind": "regular", "status": "active", "school_id": 1}, True, True),
    ({"kind": "regular", "status": "suspended", "school_id": 1}, True, False),
    ({"kind": "regular", "status": "borrowed_out", "school_id": 1}, True, False),
    ({"kind": "regular", "status": "transferred_out", "school_id": 1}, False, False),
    ({"kind": "regular", "status": "graduated", "school_id": 1}, False, False),
    ({"kind": "borrowing", "status": "active", "school_id": 1}, False, True),
    ({"status": "active", "school_id": 1}, True, True),  # no kind: a regular record
    ({}, False, False),
])
def test_who_is_counted(state, register, school):
    assert on_register(state) is register
    assert at_school(state) is school


def test_tally_counts_register_and_at_school_per_cell():
    tally = Tally()
    for status in ("active", "active", "suspended", "borrowed_out", "withdrawn"):
        tally.add({"school_id": 1, "grade": 3, "kind": "regular", "status": status})
    tally.add({"school_id": 1, "grade": 3, "kind": "borrowing", "status": "active"})
    assert tally.register() == {(1, 3): 4}
    assert tally.at_school() == {(1, 3): 3}
    assert tally.with_status("suspended") == {(1, 3): 1}
    assert place({"school_id": 1, "grade": 3}) == (1, 3) and place({}) is None


# -- the roster as of a past date, against a hand-built expectation -------------------------



def test_roster_as_of_a_past_date(kit):
    a, _b, _c = roster_history(kit)
    with kit.store.session() as session:
        def roster(day, **filters):
            return [(r.person.name, r.school.code, r.student.grade, r.student.class_no, r.student.status)
                    for r in roster_as_of(session, D.fromisoformat(day), **filters)]

        assert roster("2026-08-31") == []
        assert roster("2026-09-10") == [("甲", "001", 1, 1, "active"), ("乙", "001", 2, 1, "active"),
                                        ("丙", "002", 1, 2, "active")]
        assert roster("2026-10-12") == [("甲", "001", 1, 2, "active"), ("乙", "001", 2, 1, "suspended"),
                                        ("丙", "002", 1, 2, "active")]
        assert roster("2026-10-31") == [("甲", "001", 1, 2, "active"), ("乙", "001", 2, 1, "suspended"),
                                        ("丙", "002", 1, 2, "transferred_out"),
                                        ("丁", "002", 3, 1, "active")]
        assert roster("2027-09-01", school="001") == [("乙", "001", 2, 1, "suspended"),
                                                      ("甲", "001", 2, 2, "active")]
        assert roster("2026-10-31", status="active") == [("甲", "001", 1, 2, "active"),
                                                         ("丁", "002", 3, 1, "active")]
        assert roster("2026-10-31", grade=1, class_no=2) == [("甲", "001", 1, 2, "active"),
                                                             ("丙", "002", 1, 2, "transferred_out")]
        assert [r.person.name for r in roster_as_of(session, D(2026, 10, 31), register_only=True)] \
            == ["甲", "乙", "丁"]
        # The records themselves are untouched: the copies are detached.
        from xueji_cli.ledger.models import Student

        assert session.get(Student, a).grade == 2
