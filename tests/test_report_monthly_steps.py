"""REP-1, the monthly report's steps one by one, on hand-made journal steps (no database):
fold the touched records, tally both ends, count the month by column, fill the rows,
name the kinds without a column, order the discrepancies."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest

from xueji_cli.ledger.timeline import Step, Tally
from xueji_cli.reports.monthly.columns import unmapped_warnings
from xueji_cli.reports.monthly.counting import Touched, count_month, fold_touched, tallies
from xueji_cli.reports.monthly.data import add_tallies, month_bounds
from xueji_cli.reports.monthly.reconcile import dedupe
from xueji_cli.reports.monthly.report import Cells, Discrepancy
from xueji_cli.values.errors import InputError

FIRST, LAST = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
ACTIVE = {"school_id": 1, "kind": "regular", "grade": 2, "status": "active"}
_ids = iter(range(1, 10_000))


def step(kind: str, day: str, sets: dict | None = None, corrects: int | None = None) -> Step:
    return Step(next(_ids), 1, kind, dt.date.fromisoformat(day), sets or {}, 1, corrects)


def enrolled(day="2026-09-01", grade=2) -> Step:
    return step("enroll", day, {**ACTIVE, "grade": grade})


def touched(*steps, stored=None) -> Touched:
    timeline = SimpleNamespace(histories={steps[0].student_id: list(steps)},
                               stored={steps[0].student_id: stored} if stored else {})
    [record] = fold_touched(timeline, FIRST, LAST)
    return record


def counted(*records):
    return count_month(list(records), FIRST, LAST, {})


def test_fold_touched_gives_both_ends_and_takes_the_stored_state_when_nothing_follows():
    record = touched(enrolled(), step("withdraw", "2026-10-12", {"status": "withdrawn"}),
                     stored={**ACTIVE, "status": "withdrawn"})
    assert record.opening["status"] == "active" and record.closing["status"] == "withdrawn"
    assert record.stored is record.closing


def test_fold_touched_folds_the_month_end_when_an_entry_follows_it():
    record = touched(enrolled(), step("withdraw", "2026-11-02", {"status": "withdrawn"}),
                     stored={**ACTIVE, "status": "withdrawn"})
    assert record.closing["status"] == "active" and record.stored is None
    assert record.folded["status"] == "withdrawn"


def test_tallies_add_the_touched_records_to_the_untouched():
    untouched = Tally(Counter({(1, 2, "regular", "active"): 10}))
    record = touched(enrolled(), step("withdraw", "2026-10-12", {"status": "withdrawn"}))
    opening, closing = tallies(untouched, [record])
    assert opening.register() == {(1, 2): 11} and closing.register() == {(1, 2): 10}
    assert untouched.counts[(1, 2, "regular", "active")] == 10  # not changed


def test_an_increase_is_counted_where_the_record_goes():
    result = counted(touched(enrolled(day="2026-10-08", grade=1)))
    assert result.rows[(1, 1)].inc["enrolled"] == 1
    assert [c.column for c in result.changes] == ["in.enrolled"] and not result.discrepancies


def test_a_move_inside_the_register_is_other_out_of_one_grade_and_into_the_next():
    result = counted(touched(enrolled(grade=2), step("promote", "2026-10-02", {"grade": 3})))
    assert (result.rows[(1, 2)].dec["other"], result.rows[(1, 3)].inc["other"]) == (1, 1)
    assert result.changes[0].column == "move"


def test_a_reversal_in_the_same_month_takes_the_entry_back_from_its_column():
    enroll = enrolled(day="2026-10-08")
    undo = step("undo", "2026-10-09", {"status": "cancelled"}, corrects=enroll.id)
    result = counted(touched(enroll, undo))
    assert result.rows[(1, 2)].inc["enrolled"] == 0
    assert [c.column for c in result.changes] == ["in.enrolled", "in.enrolled"]


def test_an_entry_that_does_not_do_what_its_kind_says_is_named():
    result = counted(touched(enrolled(), step("transfer_out", "2026-10-12", {"status": "active"})))
    assert result.rows[(1, 2)].dec["transferred_out"] == 1
    [found] = result.discrepancies
    assert found.kind == "kind_effect" and "减少" in found.message


def test_a_kind_codes_toml_does_not_know_is_counted_by_its_effect():
    result = counted(touched(enrolled(), step("mystery", "2026-10-12", {"status": "withdrawn"})))
    assert result.rows[(1, 2)].dec["other"] == 1 and result.unmapped == {"mystery": 1}
    assert "未知类别 mystery" in unmapped_warnings(result.unmapped)[0]


def test_a_case_step_that_moves_nothing_is_not_listed():
    result = counted(touched(enrolled(), step("transfer_apply", "2026-10-12")))
    assert result.changes == []


def test_add_tallies_fills_each_cell():
    closing = Tally(Counter({(1, 2, "regular", "active"): 3, (1, 2, "regular", "suspended"): 1,
                             (1, 2, "borrowing", "active"): 2}))
    rows = Cells()
    add_tallies(rows, Tally(Counter({(1, 2, "regular", "active"): 4})), closing)
    row = rows[(1, 2)]
    assert (row.opening, row.closing, row.at_school, row.suspended_now, row.borrowing_here) == \
        (4, 4, 5, 1, 2)


def test_month_bounds_refuses_a_month_not_begun():
    assert month_bounds("2026-10", dt.date(2026, 10, 1)) == (FIRST, LAST)
    with pytest.raises(InputError):
        month_bounds("2026-11", dt.date(2026, 10, 31))


def test_dedupe_keeps_the_first_and_puts_the_census_first():
    effect = Discrepancy("kind_effect", 1, 2, "first", "", 7, 70)
    again = Discrepancy("kind_effect", 2, None, "again", "", 7, 70)
    census = Discrepancy("census", 1, None, "census", "")
    assert dedupe([effect, again, census]) == [census, effect]
