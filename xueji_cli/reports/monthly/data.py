"""The monthly change report (学籍变动情况月报, REP-1) and its reconciliation.

Per school and grade: 期初在籍 (the register at the end of the previous month), the
month's increases and decreases by column (data/report.toml), 期末在籍, 休学/复学,
borrowing apart, and 在校. Every column is derived from the journal.

Reconciliation — the closing count is computed twice:
  1. by the journal's kinds: opening + the month's increases − decreases, each entry
     counted by what its kind says it does (enroll: enters the register; transfer_out:
     leaves it; 升级, 转班, 借读, 休学: stays on it);
  2. from the records: each record's state at the end of the month.
Any difference is a discrepancy, named with the entry or record that causes it: an entry
whose effect is not what its kind says (a wrong kind, a hand-made entry), a record whose
stored state is not its journal's (changed behind the journal's back), a record without
a journal. Besides the month's records, a census per school compares the whole journal's
increases and decreases up to the month end with the records counted, so that a record
changed behind the journal's back in any month is found too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from xueji_cli.values import codes
from xueji_cli.values.dates import china_time, parse_month
from xueji_cli.values.errors import InputError
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.ledger.timeline import (COUNTED, REPORTED, STEP_COLUMNS, STORED_COLUMNS, Step,
                                       Tally, Timeline, _step, config, key_of, on_register,
                                       place, state_on, states_at, stored_state)

IN_KEYS = ("enrolled", "transferred_in", "resumed", "other")  # the JSON "in" object
OUT_KEYS = ("transferred_out", "suspended", "withdrawn", "died", "graduated", "other")


# -- what each kind counts as -------------------------------------------------------------

@dataclass(frozen=True)
class Role:
    side: str  # in / out / within / borrow / none / unknown
    column: str | None = None
    mapped: bool = True  # False: counted in 其他 (or by its effect) and named in a warning

    @property
    def delta(self) -> int:
        """What the kind says it does to the register: +1 enters, −1 leaves, 0 stays."""
        return {"in": 1, "out": -1}.get(self.side, 0)


@cache
def role_of(kind: str) -> Role:
    cfg = config()
    for side, section in (("in", "increase"), ("out", "decrease"), ("within", "within"),
                          ("borrow", "borrowing")):
        for column, spec in cfg[section].items():
            if kind in spec["kinds"]:
                return Role(side, column)
    try:
        group = codes.change_kind(kind).group
    except KeyError:
        return Role("unknown", "other", mapped=False)
    if group in ("in", "out"):
        return Role(group, "other", mapped=False)
    if group == "borrow":
        return Role("borrow", None, mapped=False)
    return Role("none")


@cache
def reversal_kinds() -> frozenset[str]:
    return frozenset(config()["reversal"]["kinds"])


@cache
def column_labels() -> dict[str, str]:
    """'in.enrolled' → 新生入学 …, for the change list."""
    cfg = config()
    labels = {}
    for prefix, section in (("in", "increase"), ("out", "decrease"), ("within", "within"),
                            ("borrow", "borrowing")):
        for column, spec in cfg[section].items():
            labels[f"{prefix}.{column}"] = spec["label"]
    labels["in.other"] = "其他增加"
    labels["out.other"] = "其他减少"
    labels["move"] = "年级/学校间调动(计入其他)"
    return labels


@cache
def kind_label(kind: str) -> str:
    try:
        return codes.change_kind(kind).label
    except KeyError:
        return f"未知类别 {kind}"


# -- the numbers ----------------------------------------------------------------------------

@dataclass
class Row:
    """The numbers of one school and grade (or a subtotal)."""

    school_id: int | None
    grade: int | None
    opening: int = 0
    closing: int = 0  # from the records
    at_school: int = 0
    suspended_now: int = 0  # 期末休学 (in the register)
    borrowing_here: int = 0  # 期末来本校借读
    away_now: int = 0  # 期末外出借读
    inc: Counter = field(default_factory=Counter)  # enrolled, transferred_in, other
    dec: Counter = field(default_factory=Counter)  # transferred_out, withdrawn, died, graduated, other
    suspended: int = 0  # 本月休学
    resumed: int = 0  # 本月复学
    borrowed_in: int = 0  # 本月开始来本校借读
    borrowed_out: int = 0  # 本月开始外出借读
    ended_in: int = 0  # 本月结束的来本校借读
    ended_out: int = 0  # 本月结束的外出借读
    moves: int = 0  # grade/school moves inside the register, inside 其他 (in and out)

    @property
    def increase(self) -> int:
        return sum(self.inc.values())

    @property
    def decrease(self) -> int:
        return sum(self.dec.values())

    @property
    def expected(self) -> int:
        return self.opening + self.increase - self.decrease

    def absorb(self, other: Row) -> None:
        for name in ("opening", "closing", "at_school", "suspended_now", "borrowing_here",
                     "away_now", "suspended", "resumed", "borrowed_in", "borrowed_out",
                     "ended_in", "ended_out", "moves"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.inc.update(other.inc)
        self.dec.update(other.dec)

    def is_empty(self) -> bool:
        return not any((self.opening, self.closing, self.at_school, self.suspended_now,
                        self.borrowing_here, self.away_now, self.suspended, self.resumed,
                        self.borrowed_in, self.borrowed_out, self.ended_in, self.ended_out,
                        any(self.inc.values()), any(self.dec.values())))


@dataclass
class Change:
    step: Step
    before: dict
    after: dict
    column: str | None  # "in.enrolled", "out.other", "within.suspended", "borrow.borrowed_in", "move"
    flags: list[str] = field(default_factory=list)


@dataclass
class Discrepancy:
    kind: str  # kind_effect / projection / no_journal / census / order
    school_id: int | None
    grade: int | None
    message: str
    hint: str
    student_id: int | None = None
    entry_id: int | None = None


@dataclass
class Report:
    month: str
    first: dt.date
    last: dt.date
    schools: dict[int, School]
    rows: dict[tuple[int, int], Row]
    changes: list[Change]
    discrepancies: list[Discrepancy]
    cell_differences: list[Row]  # rows whose expected closing differs from the records
    warnings: list[str]
    people: dict[int, tuple]  # student id → (local number, national number, name, id number)
    entries: dict[int, object]  # the month's entries (ENTRY_COLUMNS rows: reason, evidence …)
    school_filter: int | None = None

    @property
    def balanced(self) -> bool:
        return not self.discrepancies and not self.cell_differences

    def grade_rows(self, school_id: int) -> list[Row]:
        return [self.rows[k] for k in sorted(k for k in self.rows if k[0] == school_id)
                if not self.rows[k].is_empty()]

    def school_ids(self) -> list[int]:
        ids = sorted(self.schools, key=lambda i: self.schools[i].code)
        return [i for i in ids if self.school_filter in (None, i)]

    def subtotal(self, school_id: int) -> Row:
        total = Row(school_id, None)
        for row in self.grade_rows(school_id):
            total.absorb(row)
        return total

    def total(self) -> Row:
        total = Row(None, None)
        for school_id in self.school_ids():
            total.absorb(self.subtotal(school_id))
        return total


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    try:
        return parse_month(month)
    except ValueError as exc:
        raise InputError("month", str(exc), "如 --month 2026-10") from None


def build(session: Session, month: str, today: dt.date, school_code: str | None = None,
          admit_within_days: int = 3) -> Report:
    """The report of `month` (YYYY-MM), reconciled. `admit_within_days` is the policy of
    TRF-3 (a transfer admitted later is flagged)."""
    first, last = month_bounds(month)
    if first > today:
        raise InputError("month", f"{first:%Y年%m月}还没有到(今天是 {today:%Y-%m-%d})",
                         "月报只能报已开始的月份")
    schools = {s.id: s for s in session.exec(select(School)).scalars()}
    school_filter = None
    if school_code is not None:
        from xueji_cli.records.directory import schools as schools_mod

        school_filter = schools_mod.get(session, school_code).id
    warnings: list[str] = []
    if last >= today:
        warnings.append(f"{first:%Y年%m月}尚未结束:期末按截至今天({today:%Y-%m-%d})已登记的变动计算")

    timeline = Timeline(session, first, REPORTED)
    base = timeline.untouched_tally()
    opening = Tally(Counter(base.counts))
    closing = Tally(Counter(base.counts))
    rows: dict[tuple[int, int], Row] = {}

    def row(cell) -> Row:
        if cell not in rows:
            rows[cell] = Row(*cell)
        return rows[cell]

    discrepancies: list[Discrepancy] = []
    changes: list[Change] = []
    entries = _entries(session, first, last)
    unmapped: Counter = Counter()
    day_before = first - dt.timedelta(days=1)
    for student_id in timeline.histories.keys() | timeline.stored.keys():
        steps = timeline.histories.get(student_id, [])
        at_start, at_end, folded = states_at(steps, [day_before, last, None])
        stored = timeline.stored.get(student_id)
        counted_from_stored = stored is not None and (not steps or steps[-1].effective_date <= last)
        opening.add(at_start)
        closing.add(stored if counted_from_stored else at_end)
        if steps and steps[-1].effective_date >= first:
            month_steps = [s for s in steps if first <= s.effective_date <= last]
            if month_steps:
                _count_month(steps, month_steps, at_start, row, changes, discrepancies,
                             unmapped, entries)
        if counted_from_stored:
            if not steps:
                if on_register(stored):
                    discrepancies.append(_no_journal(student_id, stored))
            else:
                _compare(student_id, stored, folded, steps, discrepancies)

    for (school_id, grade), n in opening.register().items():
        row((school_id, grade)).opening += n
    for (school_id, grade), n in closing.register().items():
        row((school_id, grade)).closing += n
    for (school_id, grade), n in closing.at_school().items():
        row((school_id, grade)).at_school += n
    for (school_id, grade), n in closing.with_status("suspended").items():
        row((school_id, grade)).suspended_now += n
    for (school_id, grade), n in closing.with_status("borrowed_out").items():
        row((school_id, grade)).away_now += n
    for key, n in closing.counts.items():
        school_id, grade, kind, status = key
        if kind == "borrowing" and n and status in config()["at_school"]["statuses"]:
            row((school_id, grade)).borrowing_here += n
    for kind, n in sorted(unmapped.items()):
        role = role_of(kind)
        where = "计入其他" if role.side != "borrow" else "未计入借读栏"
        what = "不是已知的变动类别" if role.side == "unknown" else "没有对应的月报栏目"
        warnings.append(f"类别「{kind_label(kind)}」({kind}){what},本月 {n} 条已{where};"
                        "请在 data/report.toml 中为它指定栏目")

    differences = [r for r in rows.values() if r.expected != r.closing]
    mismatched = _census(session, closing, last, school_filter)
    # What was not found among the month's records: the whole history of the schools
    # whose numbers do not add up.
    unexplained = {r.school_id for r in differences} | set(mismatched)
    unknown_effects: Counter = Counter()
    if unexplained:
        unknown_effects = _drill_down(session, unexplained, last, discrepancies)
    for school_id, (declared, counted) in mismatched.items():
        # Entries of kinds codes.toml does not know are counted by their effect (and
        # named in a warning); the census counts them the same way before it complains.
        declared += unknown_effects[school_id]
        if declared != counted:
            name = schools[school_id].name if school_id in schools else f"(学校 {school_id})"
            discrepancies.append(Discrepancy(
                "census", school_id, None,
                f"{name}:按变动日志(至 {last:%Y-%m-%d} 的全部增减)在籍应为 {declared} 人,"
                f"按学籍现状为 {counted} 人",
                "下面列出造成差异的学籍或变动;运行 xueji check 可查看全部不一致"))
    discrepancies = _dedupe(discrepancies)

    if school_filter is not None:
        rows = {k: v for k, v in rows.items() if k[0] == school_filter}
        differences = [r for r in differences if r.school_id == school_filter]
        discrepancies = [d for d in discrepancies if d.school_id in (school_filter, None)]
        changes = [c for c in changes if school_filter in _schools_of(c)]
    changes.sort(key=lambda c: (c.step.effective_date, c.step.id))

    ids = {c.step.student_id for c in changes} | {d.student_id for d in discrepancies}
    people = {i: timeline.people[i] for i in ids if i in timeline.people}
    people.update(_people(session, {i for i in ids if i is not None and i not in people}))
    report = Report(f"{first:%Y-%m}", first, last, schools, rows, changes, discrepancies,
                    differences, warnings, people, entries, school_filter)
    _flag(session, report, admit_within_days, today)
    return report


def _schools_of(change: Change) -> set:
    return {change.step.school_id, change.before.get("school_id"), change.after.get("school_id")}


# -- the month's entries, counted by their kinds ----------------------------------------

def _register_place(state: dict):
    return place(state) if on_register(state) else None


def _count_month(steps, month_steps, opening, row, changes, discrepancies, unmapped, entries):
    by_id = {s.id: s for s in steps}
    counted: dict[int, tuple] = {}  # step id → (cell, side, column) of this month
    state = opening
    for step in month_steps:
        before = state
        after = {**state, **(step.sets or {})}
        state = after
        was, now = _register_place(before), _register_place(after)
        role = role_of(step.kind)
        corrected = by_id.get(step.corrects) if step.kind in reversal_kinds() else None
        column = None
        if corrected is not None:
            column = _count_reversal(step, corrected, counted, was, now, before, after, row,
                                     discrepancies)
        elif role.side in ("in", "out"):
            entering = role.side == "in"
            # Counted where the kind says the record goes (in) or was (out).
            cell = (now or place(after) or place(before)) if entering \
                else (was or place(before) or place(after))
            if cell is not None:
                (row(cell).inc if entering else row(cell).dec)[role.column] += 1
                counted[step.id] = (cell, role.side, role.column)
            column = f"{role.side}.{role.column}"
            if (was is None, now is None) != (entering, not entering):
                discrepancies.append(_effect(step, before, after, cell,
                                             "增加(进入在籍)" if entering else "减少(离开在籍)"))
        elif role.side == "unknown":
            column = _count_by_effect(was, now, row)
        else:
            cell = place(after) or place(before)
            if role.side == "within" and cell is not None:
                if role.column == "suspended":
                    row(place(before) or cell).suspended += 1
                else:
                    row(cell).resumed += 1
                column = f"within.{role.column}"
            elif role.side == "borrow" and role.column is not None and cell is not None:
                entry = entries.get(step.id)
                column = _count_borrowing(step, role, before, after, row,
                                          entry.details if entry is not None else {})
            if (was is None) != (now is None):
                says = {"within": "在籍人数不变(休学/复学)", "borrow": "在籍人数不变(借读)"}.get(
                    role.side, "在籍人数不变")
                discrepancies.append(_effect(step, before, after, was or now, says))
            elif was is not None and was != now:
                _move(was, now, row)
                column = column or "move"
        if not role.mapped and corrected is None:
            unmapped[step.kind] += 1
        if codes_group(step.kind) != "case" or (was != now):
            changes.append(Change(step, before, after, column))


def codes_group(kind: str) -> str | None:
    try:
        return codes.change_kind(kind).group
    except KeyError:
        return None


def _move(was, now, row) -> None:
    """A record moving between grades (or schools) inside the register: 其他减少 where it
    was, 其他增加 where it is (升级, 留级, 跳级, 复学到下一级 …)."""
    row(was).dec["other"] += 1
    row(was).moves += 1
    row(now).inc["other"] += 1
    row(now).moves += 1


def _count_by_effect(was, now, row) -> str | None:
    if was is None and now is not None:
        row(now).inc["other"] += 1
        return "in.other"
    if was is not None and now is None:
        row(was).dec["other"] += 1
        return "out.other"
    if was is not None and was != now:
        _move(was, now, row)
        return "move"
    return None


def _count_borrowing(step, role, before, after, row, details: dict) -> str:
    if role.column == "borrowed_in":
        row(place(after) or place(before)).borrowed_in += 1
        return "borrow.borrowed_in"
    if role.column == "borrowed_out":
        row(place(before) or place(after)).borrowed_out += 1
        return "borrow.borrowed_out"
    direction = (details or {}).get("direction")
    if direction not in ("in", "out"):
        direction = "in" if (before.get("kind") or after.get("kind")) == "borrowing" else "out"
    cell = row(place(before) or place(after))
    if direction == "in":
        cell.ended_in += 1
    else:
        cell.ended_out += 1
    return f"borrow.ended_{direction}"


def _count_reversal(step, corrected, counted, was, now, before, after, row, discrepancies):
    """An entry that reverses one made earlier (撤销): the opposite of what that one
    counted — taken back from its column when both are in this month, else 其他."""
    original = role_of(corrected.kind)
    if original.side not in ("in", "out"):
        if (was is None) != (now is None):
            discrepancies.append(_effect(step, before, after, was or now, "在籍人数不变"))
        elif was is not None and was != now:
            _move(was, now, row)
            return "move"
        return None
    if corrected.id in counted:
        cell, side, column = counted[corrected.id]
        (row(cell).inc if side == "in" else row(cell).dec)[column] -= 1
        label = f"{side}.{column}"
    elif original.side == "in":
        cell = was or place(before)
        if cell is not None:
            row(cell).dec["other"] += 1
        label = "out.other"
    else:
        cell = now or place(after)
        if cell is not None:
            row(cell).inc["other"] += 1
        label = "in.other"
    expected_out = original.side == "in"
    if expected_out != (was is not None and now is None) or \
            (not expected_out and not (was is None and now is not None)):
        discrepancies.append(_effect(step, before, after, was or now,
                                     "撤销第 %d 条,应%s在籍" % (corrected.id,
                                                          "离开" if expected_out else "回到")))
    return label


def _describe(state: dict) -> str:
    if not state:
        return "(无学籍)"
    status = codes.label("status", state.get("status"))
    kind = "借读" if state.get("kind") == "borrowing" else ""
    return f"{state.get('grade')}年级 {kind}{status}"


def _effect(step: Step, before: dict, after: dict, cell, says: str) -> Discrepancy:
    school_id, grade = cell if cell else (step.school_id, None)
    return Discrepancy(
        "kind_effect", school_id, grade,
        f"第 {step.id} 条变动({step.effective_date:%Y-%m-%d} {kind_label(step.kind)})"
        f"按类别应{says},实际使该学籍从「{_describe(before)}」变为「{_describe(after)}」",
        "该条变动的类别与内容不符(多为手工改库或程序缺陷);不可删改日志,"
        "请用更正记录恢复一致,并报告维护人员",
        step.student_id, step.id)


# -- the records against their journal --------------------------------------------------------

def _compare(student_id, stored, folded, steps, discrepancies) -> None:
    if key_of(stored) == key_of(folded):
        return
    wrong = [f for f in COUNTED if stored.get(f) != folded.get(f)]
    by_recording = {}
    for step in sorted(steps, key=lambda s: s.id):
        by_recording.update(step.sets or {})
    cell = place(stored) or place(folded)
    if all(stored.get(f) == by_recording.get(f) for f in COUNTED):
        discrepancies.append(Discrepancy(
            "order", *(cell or (None, None)),
            "补录的变动生效日期早于已登记的变动,且改的是同一项("
            + "、".join(_FIELD[f] for f in wrong) + "):按生效日期应为「"
            + _describe(folded) + "」,现状为「" + _describe(stored) + "」",
            "核对这两条变动的生效日期;如有错,用更正记录改正", student_id))
        return
    details = ",".join(f"{_FIELD[f]}:现为 {_value(f, stored.get(f))},按日志应为 {_value(f, folded.get(f))}"
                       for f in wrong)
    discrepancies.append(Discrepancy(
        "projection", *(cell or (None, None)),
        f"学籍现状与变动日志不符({details})",
        "现状被绕过日志直接改动过;运行 xueji check 查看全部不一致,用更正记录恢复,不可删改日志",
        student_id))


_FIELD = {"school_id": "学校", "kind": "学籍种类", "grade": "年级", "status": "学籍状态"}


def _value(name: str, value) -> str:
    """A projected value as the registrar reads it (「退学」, not withdrawn)."""
    if value is None or value == "":
        return "(空)"
    if name in codes.PROJECTED_TABLES:
        return f"「{codes.projected_label(name, value)}」"
    if name == "grade":
        return f"{value}年级"
    return f"学校(内部号 {value})"


def _no_journal(student_id: int, stored: dict) -> Discrepancy:
    return Discrepancy("no_journal", stored.get("school_id"), stored.get("grade"),
                       "该学籍在籍,但变动日志中没有它的任何记录(不是经本程序建立的)",
                       "查明来历;学籍只能经 xueji enroll 等命令建立", student_id)


# -- the census: the whole journal against the records, per school ------------------------------

def _declared_deltas() -> tuple[list[str], list[str]]:
    kinds = [k.key for k in codes.change_kinds()]
    ins = [k for k in kinds if role_of(k).side == "in"]
    outs = [k for k in kinds if role_of(k).side == "out"]
    return ins, outs


def census(session: Session, last: dt.date) -> Counter:
    """Per school: Σ increases − decreases of every journal entry effective up to `last`,
    by what the kinds say (reversals count against the entry they reverse). Counted over
    the whole journal from the index alone, less the few entries effective after `last`."""
    ins, outs = _declared_deltas()
    sign = {**{k: 1 for k in ins}, **{k: -1 for k in outs}}
    totals: Counter = Counter()
    for kind, school_id, n in session.connection().execute(
            select(JournalEntry.kind, JournalEntry.school_id, func.count())
            .where(JournalEntry.kind.in_(ins + outs))
            .group_by(JournalEntry.kind, JournalEntry.school_id)):
        totals[school_id] += sign[kind] * n
    for kind, school_id, n in session.connection().execute(
            select(JournalEntry.kind, JournalEntry.school_id, func.count())
            .where(JournalEntry.effective_date > last)
            .group_by(JournalEntry.kind, JournalEntry.school_id)):
        totals[school_id] -= sign.get(kind, 0) * n
    original = aliased(JournalEntry)
    for kind, school_id, n in session.connection().execute(
            select(original.kind, JournalEntry.school_id, func.count())
            .join(original, original.id == JournalEntry.corrects)
            .where(JournalEntry.kind.in_(sorted(reversal_kinds())),
                   JournalEntry.effective_date <= last)
            .group_by(original.kind, JournalEntry.school_id)):
        totals[school_id] -= sign.get(kind, 0) * n
    return totals


def _census(session, closing: Tally, last, school_filter) -> dict[int, tuple[int, int]]:
    """Schools whose register by the journal's kinds (census) differs from the records:
    school id → (by the journal, by the records)."""
    declared = census(session, last)
    counted: Counter = Counter()
    for (school_id, _grade), n in closing.register().items():
        counted[school_id] += n
    return {school_id: (declared[school_id], counted[school_id])
            for school_id in set(declared) | set(counted)
            if school_filter in (None, school_id) and declared[school_id] != counted[school_id]}


def _drill_down(session: Session, school_ids: set, last: dt.date, discrepancies) -> Counter:
    """The slow path, only when numbers do not add up: fold the whole history of every
    record that was ever at these schools and name the records and entries that disagree.
    Returns, per school, the register change made by entries of unknown kinds."""
    unknown: Counter = Counter()
    school_ids = {s for s in school_ids if s is not None}
    if not school_ids:
        return unknown
    ever = select(JournalEntry.student_id).where(JournalEntry.school_id.in_(school_ids))
    histories: dict[int, list[Step]] = defaultdict(list)
    for r in session.connection().execute(select(*STEP_COLUMNS).where(JournalEntry.student_id.in_(
            select(Student.id).where(Student.school_id.in_(school_ids)).union(ever)))):
        histories[r[1]].append(_step(r))
    stored_rows = session.connection().execute(select(*STORED_COLUMNS).where(
        Student.school_id.in_(school_ids) | Student.id.in_(ever)))
    for r in stored_rows:
        student_id, stored = r[0], stored_state(r)
        steps = sorted(histories.get(student_id, []), key=lambda s: s.order)
        if not steps:
            if on_register(stored):
                discrepancies.append(_no_journal(student_id, stored))
            continue
        if steps[-1].effective_date <= last:
            _compare(student_id, stored, state_on(steps, None), steps, discrepancies)
        by_id = {s.id: s for s in steps}
        state: dict = {}
        for step in steps:
            if step.effective_date > last:
                break
            before, after = state, {**state, **(step.sets or {})}
            state = after
            was, now = _register_place(before), _register_place(after)
            role = role_of(step.kind)
            declared = role.delta
            if step.kind in reversal_kinds() and step.corrects in by_id:
                declared = -role_of(by_id[step.corrects].kind).delta
            if role.side == "unknown":  # counted by its effect, named in a warning
                if was is not None:
                    unknown[was[0]] -= 1
                if now is not None:
                    unknown[now[0]] += 1
                continue
            actual = (now is not None) - (was is not None)
            moved_school = was is not None and now is not None and was[0] != now[0]
            if declared != actual or (declared == 0 and moved_school):
                says = {1: "增加(进入在籍)", -1: "减少(离开在籍)", 0: "在籍人数不变"}[declared]
                discrepancies.append(_effect(step, before, after, was or now or place(after), says))
    return unknown


def _dedupe(items: list[Discrepancy]) -> list[Discrepancy]:
    seen, out = set(), []
    for d in items:
        key = (d.kind, d.student_id, d.entry_id, d.school_id if d.kind == "census" else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    # The census line first, then what causes it.
    out.sort(key=lambda d: (d.kind != "census", d.school_id or 0, d.entry_id or 0, d.student_id or 0))
    return out


# -- names, flags -------------------------------------------------------------------------------

def _people(session: Session, ids: set[int]) -> dict[int, tuple]:
    out = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for sid, local, national, name, id_number, person_id in session.connection().execute(
                select(Student.id, Student.local_number, Student.national_number, Person.name,
                       Person.id_number, Person.id).join(Person, Person.id == Student.person_id)
                .where(Student.id.in_(chunk))):
            out[sid] = (local, national, name, id_number, person_id)
    return out


ENTRY_COLUMNS = (JournalEntry.id, JournalEntry.reason, JournalEntry.evidence,
                 JournalEntry.approvals, JournalEntry.from_school, JournalEntry.to_school,
                 JournalEntry.case_ref, JournalEntry.details, JournalEntry.recorded_at,
                 JournalEntry.remark, JournalEntry.operator, JournalEntry.effective_date,
                 JournalEntry.kind)


def _entries(session: Session, first: dt.date, last: dt.date) -> dict[int, object]:
    """The month's entries (rows with the columns above, by id)."""
    return {row.id: row for row in session.connection().execute(
        select(*ENTRY_COLUMNS).where(JournalEntry.effective_date >= first,
                                     JournalEntry.effective_date <= last))}


@cache
def _evidence_key(item: str) -> str:
    text = item
    for sep in (":", ":"):
        text = text.split(sep, 1)[0]
    return codes.evidence_key(text)


def _evidence_keys(items: list) -> set[str]:
    return {_evidence_key(str(item)) for item in items or []}


def missing_evidence(kind: str, evidence: list, details: dict | None = None
                     ) -> tuple[str, list[str]] | None:
    """(rule, missing labels) when an entry of `kind` lacks evidence data/report.toml asks
    for; None when complete or nothing is asked (or the entry's direction is exempt)."""
    spec = config().get("evidence", {}).get(kind)
    if not spec:
        return None
    if (details or {}).get("direction") in spec.get("unless_direction", []):
        return None
    shown = _evidence_keys(evidence)
    missing = []
    for need in spec["needs"]:
        options = need.split("|")
        if not any(o in shown for o in options):
            missing.append("或".join(codes.evidence_label(o) for o in options))
    return (spec["rule"], missing) if missing else None


def _flag(session: Session, report: Report, admit_days: int, today: dt.date) -> None:
    """Late admission after a transfer (TRF-3), missing evidence, late recording."""
    cases = {c.step.id: report.entries[c.step.id].case_ref for c in report.changes
             if c.step.kind == "transfer_in" and c.step.id in report.entries
             and report.entries[c.step.id].case_ref}
    approvals = _approval_dates(session, set(cases.values()))
    for change in report.changes:
        entry = report.entries.get(change.step.id)
        if entry is None:
            continue
        if change.step.kind == "transfer_in":
            approved = _last_approval(entry, approvals.get(entry.case_ref))
            if approved is not None:
                days = (entry.effective_date - approved).days
                if days > admit_days:
                    change.flags.append(f"TRF-3 批准后第{days}天才接收(应在{admit_days}天内)")
        if (entry.details or {}).get("late_admission"):
            change.flags.append("TRF-3 逾期接收")
        gap = missing_evidence(change.step.kind, entry.evidence, entry.details)
        if gap:
            change.flags.append(f"{gap[0]} 缺少证明材料:{'、'.join(gap[1])}")
        recorded = china_time(entry.recorded_at).date() if entry.recorded_at else None
        # Recorded after the month was over (and not "after today": a clock pinned to a
        # past day, as in a demo or when re-entering old paper, cannot judge that).
        if recorded and report.last < recorded <= today:
            change.flags.append(f"补录(登记于 {recorded:%Y-%m-%d})")
        for flag in (entry.details or {}).get("flags", []) or []:
            change.flags.append(str(flag))
        if change.step.id in {d.entry_id for d in report.discrepancies}:
            change.flags.append("类别与内容不符")
        if codes_group(change.step.kind) is None:
            change.flags.append("未知类别")


def _approval_dates(session: Session, case_refs: set[str]) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    refs = [c for c in case_refs if c]
    if not refs:
        return out
    for ref, day in session.connection().execute(
            select(JournalEntry.case_ref, func.max(JournalEntry.effective_date))
            .where(JournalEntry.case_ref.in_(refs), JournalEntry.kind == "transfer_approve")
            .group_by(JournalEntry.case_ref)):
        out[ref] = day
    return out


def _last_approval(entry: JournalEntry, from_case: dt.date | None) -> dt.date | None:
    dates = [from_case] if from_case else []
    for approval in entry.approvals or []:
        if isinstance(approval, dict) and approval.get("date"):
            try:
                dates.append(dt.date.fromisoformat(str(approval["date"])[:10]))
            except ValueError:
                continue
    return max(dates) if dates else None
