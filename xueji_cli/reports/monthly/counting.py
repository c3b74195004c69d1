"""Counting the month from the journal (REP-1).

The records the journal changed since the month began are folded to the end of the
previous month and to the end of this one; with every other record, as stored, they make
the register at both ends (期初在籍, 期末在籍). Each of the month's entries is counted in
the column its kind names (data/report.toml) at the school and grade where the kind says
the record goes (an increase) or was (a decrease): enroll enters the register,
transfer_out leaves it, 升级, 转班, 借读 and 休学 keep it. A record taken over as it
stood (接收原有学籍, group opening) is in the opening balance (期初) of the month it was
taken over in, never an increase. An entry whose effect is not what
its kind says (a wrong kind, a hand-made entry) is still counted by its kind, and named as
a discrepancy.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import NamedTuple

from xueji_cli.ledger.counted import on_register
from xueji_cli.ledger.projection import fold, transitions
from xueji_cli.ledger.timeline import Step, Tally, Timeline, place, states_at
from xueji_cli.reports.monthly.columns import Role, kind_group, kind_label, reversal_kinds, role_of
from xueji_cli.reports.monthly.report import Cells, Change, Discrepancy
from xueji_cli.values import codes

STAYS = {"within": "在籍人数不变(休学/复学)", "borrow": "在籍人数不变(借读)"}


class Touched(NamedTuple):
    """A record the journal changed on or after the month's first day, folded to the
    days the report needs."""

    student_id: int
    steps: list[Step]  # its history, in effective-date order
    opening: dict  # at the end of the previous month
    closing: dict  # at the end of the month, as counted
    folded: dict  # after every entry
    stored: dict | None  # the stored projection, when no entry is effective after the month


class Effect(NamedTuple):
    """One entry applied to a record: its state before and after, and where it stood on
    the register before and after ((school id, grade), None when off the register)."""

    step: Step
    before: dict
    after: dict
    was: tuple | None
    now: tuple | None


class Counted:
    """The month's entries counted: the rows by cell, the change list, the entries whose
    effect is not what their kind says, and the kinds without a column of their own
    (with how many entries)."""

    def __init__(self) -> None:
        self.rows = Cells()
        self.changes: list[Change] = []
        self.discrepancies: list[Discrepancy] = []
        self.unmapped: Counter = Counter()


def fold_touched(timeline: Timeline, first: dt.date, last: dt.date) -> list[Touched]:
    """Each record the journal changed since `first`, folded to the day before `first`,
    to `last` and to after every entry. Its closing count is the stored projection when
    no entry is effective after `last` (the census then checks what is stored)."""
    day_before = first - dt.timedelta(days=1)
    touched = []
    for student_id in timeline.histories.keys() | timeline.stored.keys():
        steps = timeline.histories.get(student_id, [])
        opening, at_end, folded = states_at(steps, [day_before, last, None])
        taken = [s.sets for s in steps if first <= s.effective_date <= last and _opens(s)]
        if taken:
            opening = fold(taken, opening)
        stored = timeline.stored.get(student_id)
        if steps and steps[-1].effective_date > last:
            stored = None
        touched.append(Touched(student_id, steps, opening,
                               at_end if stored is None else stored, folded, stored))
    return touched


def tallies(untouched: Tally, touched: list[Touched]) -> tuple[Tally, Tally]:
    """The records counted at the end of the previous month and of this one: those the
    journal has not changed since, as stored, and the touched ones as folded."""
    opening, closing = Tally(Counter(untouched.counts)), Tally(Counter(untouched.counts))
    for record in touched:
        opening.add(record.opening)
        closing.add(record.closing)
    return opening, closing


def count_month(touched: list[Touched], first: dt.date, last: dt.date,
                entries: dict[int, object]) -> Counted:
    """The entries effective in [first, last], each counted by its kind. `entries` are
    the month's journal rows (a borrowing's end reads its direction from them)."""
    counted = Counted()
    for record in touched:
        steps = record.steps
        if steps and steps[-1].effective_date >= first:
            month_steps = [s for s in steps
                           if first <= s.effective_date <= last and not _opens(s)]
            if month_steps:
                _count_record(steps, month_steps, record.opening, counted, entries)
    return counted


def count_late(histories: dict[int, list[Step]], late_ids: set[int]) -> Counted:
    """The entries reported late (补报): recorded after their own month was submitted,
    each counted by its kind where it took effect, as its own month would have counted it."""
    counted = Counted()
    for steps in histories.values():
        if not late_ids.intersection(s.id for s in steps):
            continue
        for step, before, after in transitions(steps):
            if step.id in late_ids and not _opens(step):
                effect = Effect(step, before, after, register_place(before), register_place(after))
                column = _count_entry(effect, {}, counted, {})
                counted.changes.append(Change(step, before, after, column))
    return counted


def _opens(step: Step) -> bool:
    """An entry that records a record as it stood when taken over (group opening)."""
    return role_of(step.kind).side == "opening"


def register_place(state: dict) -> tuple[int, int] | None:
    return place(state) if on_register(state) else None


def _count_record(steps: list[Step], month_steps: list[Step], opening: dict, counted: Counted,
                  entries: dict[int, object]) -> None:
    by_id = {s.id: s for s in steps}
    columns: dict[int, tuple] = {}  # step id → (cell, side, column) counted this month
    for step, before, after in transitions(month_steps, opening):
        effect = Effect(step, before, after, register_place(before), register_place(after))
        corrected = by_id.get(step.corrects) if step.kind in reversal_kinds() else None
        if corrected is not None:
            column = _count_reversal(effect, corrected, columns, counted)
        else:
            column = _count_entry(effect, columns, counted, entries)
        # A case's procedural step (an application, an approval) is listed only when it
        # moved the record.
        if kind_group(step.kind) != "case" or effect.was != effect.now:
            counted.changes.append(Change(step, effect.before, after, column))


def _count_entry(effect: Effect, columns: dict, counted: Counted,
                 entries: dict[int, object]) -> str | None:
    role = role_of(effect.step.kind)
    if not role.mapped:
        counted.unmapped[effect.step.kind] += 1
    if role.side in ("in", "out"):
        return _count_in_out(effect, role, columns, counted)
    if role.side == "unknown":
        return _count_by_effect(effect, counted.rows)
    return _count_staying(effect, role, counted, entries)


def _count_in_out(effect: Effect, role: Role, columns: dict, counted: Counted) -> str:
    """An increase or a decrease, counted where the kind says the record goes (in) or
    was (out)."""
    step, before, after, was, now = effect
    entering = role.side == "in"
    cell = (now or place(after) or place(before)) if entering \
        else (was or place(before) or place(after))
    if cell is not None:
        row = counted.rows[cell]
        (row.inc if entering else row.dec)[role.column] += 1
        columns[step.id] = (cell, role.side, role.column)
    if (was is None, now is None) != (entering, not entering):
        counted.discrepancies.append(
            wrong_effect(effect, cell, "增加(进入在籍)" if entering else "减少(离开在籍)"))
    return f"{role.side}.{role.column}"


def _count_staying(effect: Effect, role: Role, counted: Counted,
                   entries: dict[int, object]) -> str | None:
    """An entry that keeps the register as it is: 休学/复学, borrowing, a move between
    grades or schools (其他 out of one cell, into the other), or nothing at all."""
    step, before, after, was, now = effect
    rows = counted.rows
    cell = place(after) or place(before)
    column = None
    if role.side == "within" and cell is not None:
        if role.column == "suspended":
            rows[place(before) or cell].suspended += 1
        else:
            rows[cell].resumed += 1
        column = f"within.{role.column}"
    elif role.side == "borrow" and role.column is not None and cell is not None:
        entry = entries.get(step.id)
        column = _count_borrowing(effect, role.column, rows,
                                  entry.details if entry is not None else {})
    if (was is None) != (now is None):
        counted.discrepancies.append(
            wrong_effect(effect, was or now, STAYS.get(role.side, "在籍人数不变")))
    elif was is not None and was != now:
        _move(was, now, rows)
        column = column or "move"
    return column


def _move(was: tuple, now: tuple, rows: Cells) -> None:
    """A record moving between grades (or schools) inside the register: 其他减少 where it
    was, 其他增加 where it is (升级, 留级, 跳级, 复学到下一级 …)."""
    rows[was].dec["other"] += 1
    rows[was].moves += 1
    rows[now].inc["other"] += 1
    rows[now].moves += 1


def _count_by_effect(effect: Effect, rows: Cells) -> str | None:
    """An entry of a kind codes.toml does not know: counted by what it did."""
    was, now = effect.was, effect.now
    if was is None and now is not None:
        rows[now].inc["other"] += 1
        return "in.other"
    if was is not None and now is None:
        rows[was].dec["other"] += 1
        return "out.other"
    if was is not None and was != now:
        _move(was, now, rows)
        return "move"
    return None


def _count_borrowing(effect: Effect, column: str, rows: Cells, details: dict) -> str:
    before, after = effect.before, effect.after
    if column == "borrowed_in":
        rows[place(after) or place(before)].borrowed_in += 1
        return "borrow.borrowed_in"
    if column == "borrowed_out":
        rows[place(before) or place(after)].borrowed_out += 1
        return "borrow.borrowed_out"
    direction = (details or {}).get("direction")
    if direction not in ("in", "out"):
        direction = "in" if (before.get("kind") or after.get("kind")) == "borrowing" else "out"
    row = rows[place(before) or place(after)]
    if direction == "in":
        row.ended_in += 1
    else:
        row.ended_out += 1
    return f"borrow.ended_{direction}"


def _count_reversal(effect: Effect, corrected: Step, columns: dict, counted: Counted) -> str | None:
    """An entry that reverses one made earlier (撤销): the opposite of what that one
    counted — taken back from its column when both are in this month, else 其他."""
    before, after, was, now = effect.before, effect.after, effect.was, effect.now
    rows = counted.rows
    original = role_of(corrected.kind)
    if original.side not in ("in", "out"):
        if (was is None) != (now is None):
            counted.discrepancies.append(wrong_effect(effect, was or now, "在籍人数不变"))
        elif was is not None and was != now:
            _move(was, now, rows)
            return "move"
        return None
    if corrected.id in columns:
        cell, side, column = columns[corrected.id]
        (rows[cell].inc if side == "in" else rows[cell].dec)[column] -= 1
        label = f"{side}.{column}"
    elif original.side == "in":
        cell = was or place(before)
        if cell is not None:
            rows[cell].dec["other"] += 1
        label = "out.other"
    else:
        cell = now or place(after)
        if cell is not None:
            rows[cell].inc["other"] += 1
        label = "in.other"
    leaves = original.side == "in"
    if not ((was is not None and now is None) if leaves else (was is None and now is not None)):
        counted.discrepancies.append(wrong_effect(
            effect, was or now, f"撤销第 {corrected.id} 条,应{'离开' if leaves else '回到'}在籍"))
    return label


def describe(state: dict) -> str:
    """A record's state as the registrar reads it: 「3年级 在校」, 「(无学籍)」."""
    if not state:
        return "(无学籍)"
    status = codes.label("status", state.get("status"))
    kind = "借读" if state.get("kind") == "borrowing" else ""
    return f"{state.get('grade')}年级 {kind}{status}"


def wrong_effect(effect: Effect, cell: tuple | None, says: str) -> Discrepancy:
    """The entry did not do to the register what its kind `says`."""
    step = effect.step
    school_id, grade = cell if cell else (step.school_id, None)
    return Discrepancy(
        "kind_effect", school_id, grade,
        f"第 {step.id} 条变动({step.effective_date:%Y-%m-%d} {kind_label(step.kind)})"
        f"按类别应{says},实际使该学籍从「{describe(effect.before)}」变为「{describe(effect.after)}」",
        "该条变动的类别与内容不符(多为手工改库或程序缺陷);不可删改日志,"
        "请用更正记录恢复一致,并报告维护人员",
        step.student_id, step.id)
