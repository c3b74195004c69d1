"""The monthly report's reconciliation (REP-1): the closing count is computed twice.

  1. by the journal's kinds: opening + the month's increases − decreases, each entry
     counted by what its kind says it does (reports/monthly/counting.py);
  2. from the records: each record's state at the end of the month.

Any difference is a discrepancy, named with the entry or record that causes it: an entry
whose effect is not what its kind says, a record whose stored state is not its journal's
(changed behind the journal's back), a record without a journal. Besides the month's
records, a census per school compares the whole journal's increases and decreases up to
the month end with the records counted, so that a record changed behind the journal's
back in any month is found too; and when the month before was submitted, each school and
grade opens with what that month closed with as submitted (submission.opening_discrepancies).
Only the schools whose numbers do not add up have their whole history read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import takewhile
from operator import attrgetter

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from xueji_cli.ledger.counted import on_register
from xueji_cli.ledger.models import JournalEntry, School, Student
from xueji_cli.ledger.projection import fold, transitions
from xueji_cli.ledger.timeline import (
    COUNTED,
    STEP_COLUMNS,
    STORED_COLUMNS,
    Step,
    Tally,
    _step,
    key_of,
    place,
    state_on,
    stored_state,
)
from xueji_cli.reports.monthly.columns import reversal_kinds, role_of
from xueji_cli.reports.monthly.counting import (
    Effect,
    Touched,
    describe,
    register_place,
    wrong_effect,
)
from xueji_cli.reports.monthly.report import Discrepancy, Row
from xueji_cli.values import codes

FIELD = {"school_id": "学校", "kind": "学籍种类", "grade": "年级", "status": "学籍状态"}
SAYS = {1: "增加(进入在籍)", -1: "减少(离开在籍)", 0: "在籍人数不变"}


# -- the records against their journal --------------------------------------------------------

def check_records(touched: list[Touched]) -> list[Discrepancy]:
    """The touched records whose stored state is not the fold of their journal (or that
    are on the register without one)."""
    found: list[Discrepancy] = []
    for record in touched:
        if record.stored is None:
            continue
        if not record.steps:
            if on_register(record.stored):
                found.append(_no_journal(record.student_id, record.stored))
        else:
            _compare(record.student_id, record.stored, record.folded, record.steps, found)
    return found


def _compare(student_id: int, stored: dict, folded: dict, steps: list[Step],
             discrepancies: list[Discrepancy]) -> None:
    if key_of(stored) == key_of(folded):
        return
    wrong = [f for f in COUNTED if stored.get(f) != folded.get(f)]
    by_recording = fold(step.sets for step in sorted(steps, key=attrgetter("id")))
    cell = place(stored) or place(folded)
    if all(stored.get(f) == by_recording.get(f) for f in COUNTED):
        discrepancies.append(Discrepancy(
            "order", *(cell or (None, None)),
            "补录的变动生效日期早于已登记的变动,且改的是同一项("
            + "、".join(FIELD[f] for f in wrong) + "):按生效日期应为「"
            + describe(folded) + "」,现状为「" + describe(stored) + "」",
            "核对这两条变动的生效日期;如有错,用更正记录改正", student_id))
        return
    details = ",".join(f"{FIELD[f]}:现为 {_value(f, stored.get(f))},按日志应为 {_value(f, folded.get(f))}"
                       for f in wrong)
    discrepancies.append(Discrepancy(
        "projection", *(cell or (None, None)),
        f"学籍现状与变动日志不符({details})",
        "现状被绕过日志直接改动过;运行 xueji check 查看全部不一致,用更正记录恢复,不可删改日志",
        student_id))


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

def reconcile(session: Session, schools: dict[int, School], differences: list[Row],
              closing: Tally, last: dt.date, school_filter: int | None,
              questioned: set = frozenset()) -> list[Discrepancy]:
    """What the month's records leave unexplained: the schools whose rows do not add up
    (`differences`), whose census differs from the records, or whose opening is not the
    submitted closing of the month before (`questioned`), with the records and entries of
    their whole history that cause it, then one census line per school."""
    mismatched = _census(session, closing, last, school_filter)
    unexplained = {r.school_id for r in differences} | set(mismatched) | set(questioned)
    found: list[Discrepancy] = []
    unknown_effects = _drill_down(session, unexplained, last, found) if unexplained else Counter()
    for school_id, (declared, counted) in mismatched.items():
        # Entries of kinds codes.toml does not know are counted by their effect (and
        # named in a warning); the census counts them the same way before it complains.
        declared += unknown_effects[school_id]
        if declared != counted:
            name = schools[school_id].name if school_id in schools else f"(学校 {school_id})"
            found.append(Discrepancy(
                "census", school_id, None,
                f"{name}:按变动日志(至 {last:%Y-%m-%d} 的全部增减)在籍应为 {declared} 人,"
                f"按学籍现状为 {counted} 人",
                "下面列出造成差异的学籍或变动;运行 xueji check 可查看全部不一致"))
    return found


def census(session: Session, last: dt.date) -> Counter:
    """Per school: Σ increases − decreases of every journal entry effective up to `last`,
    by what the kinds say (reversals count against the entry they reverse). Counted over
    the whole journal from the index alone, less the few entries effective after `last`."""
    kinds = [k.key for k in codes.change_kinds()]
    ins = [k for k in kinds if role_of(k).delta == 1]  # opening kinds too (接收原有学籍)
    outs = [k for k in kinds if role_of(k).side == "out"]
    sign = {**{k: 1 for k in ins}, **{k: -1 for k in outs}}
    totals: Counter = Counter()
    connection = session.connection()
    for kind, school_id, n in connection.execute(
            select(JournalEntry.kind, JournalEntry.school_id, func.count())
            .where(JournalEntry.kind.in_(ins + outs))
            .group_by(JournalEntry.kind, JournalEntry.school_id)):
        totals[school_id] += sign[kind] * n
    for kind, school_id, n in connection.execute(
            select(JournalEntry.kind, JournalEntry.school_id, func.count())
            .where(JournalEntry.effective_date > last)
            .group_by(JournalEntry.kind, JournalEntry.school_id)):
        totals[school_id] -= sign.get(kind, 0) * n
    original = aliased(JournalEntry)
    for kind, school_id, n in connection.execute(
            select(original.kind, JournalEntry.school_id, func.count())
            .join(original, original.id == JournalEntry.corrects)
            .where(JournalEntry.kind.in_(sorted(reversal_kinds())),
                   JournalEntry.effective_date <= last)
            .group_by(original.kind, JournalEntry.school_id)):
        totals[school_id] -= sign.get(kind, 0) * n
    return totals


def _census(session: Session, closing: Tally, last: dt.date,
            school_filter: int | None) -> dict[int, tuple[int, int]]:
    """Schools whose register by the journal's kinds (census) differs from the records:
    school id → (by the journal, by the records)."""
    declared = census(session, last)
    counted: Counter = Counter()
    for (school_id, _grade), n in closing.register().items():
        counted[school_id] += n
    return {school_id: (declared[school_id], counted[school_id])
            for school_id in set(declared) | set(counted)
            if school_filter in (None, school_id) and declared[school_id] != counted[school_id]}


def _drill_down(session: Session, school_ids: set, last: dt.date,
                discrepancies: list[Discrepancy]) -> Counter:
    """The slow path, only when numbers do not add up: fold the whole history of every
    record that was ever at these schools and name the records and entries that disagree.
    Returns, per school, the register change made by entries of unknown kinds."""
    unknown: Counter = Counter()
    school_ids = {s for s in school_ids if s is not None}
    if not school_ids:
        return unknown
    connection = session.connection()
    ever = select(JournalEntry.student_id).where(JournalEntry.school_id.in_(school_ids))
    histories: dict[int, list[Step]] = defaultdict(list)
    for r in connection.execute(select(*STEP_COLUMNS).where(JournalEntry.student_id.in_(
            select(Student.id).where(Student.school_id.in_(school_ids)).union(ever)))):
        histories[r[1]].append(_step(r))
    for r in connection.execute(select(*STORED_COLUMNS).where(
            Student.school_id.in_(school_ids) | Student.id.in_(ever))):
        student_id, stored = r[0], stored_state(r)
        steps = sorted(histories.get(student_id, []), key=lambda s: s.order)
        if not steps:
            if on_register(stored):
                discrepancies.append(_no_journal(student_id, stored))
            continue
        if steps[-1].effective_date <= last:
            _compare(student_id, stored, state_on(steps, None), steps, discrepancies)
        _check_history(steps, last, discrepancies, unknown)
    return unknown


def _check_history(steps: list[Step], last: dt.date, discrepancies: list[Discrepancy],
                   unknown: Counter) -> None:
    """Each entry up to `last` against what its kind says it does to the register; the
    register change of entries of unknown kinds is added to `unknown` per school."""
    by_id = {s.id: s for s in steps}
    upto_last = takewhile(lambda step: step.effective_date <= last, steps)
    for step, before, after in transitions(upto_last):
        was, now = register_place(before), register_place(after)
        role = role_of(step.kind)
        if role.side == "unknown":  # counted by its effect, named in a warning
            if was is not None:
                unknown[was[0]] -= 1
            if now is not None:
                unknown[now[0]] += 1
            continue
        declared = role.delta
        if step.kind in reversal_kinds() and step.corrects in by_id:
            declared = -role_of(by_id[step.corrects].kind).delta
        actual = (now is not None) - (was is not None)
        moved_school = was is not None and now is not None and was[0] != now[0]
        if declared != actual or (declared == 0 and moved_school):
            discrepancies.append(wrong_effect(Effect(step, before, after, was, now),
                                              was or now or place(after), SAYS[declared]))


def dedupe(items: list[Discrepancy]) -> list[Discrepancy]:
    """Each discrepancy once (the month's records and the drill-down may both find it);
    the census lines first, then what causes them (an opening unlike the submitted closing
    is a line per school and grade)."""
    seen, out = set(), []
    for d in items:
        per_cell = d.kind in ("census", "opening")
        key = (d.kind, d.student_id, d.entry_id, d.school_id if per_cell else None,
               d.grade if per_cell else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    out.sort(key=lambda d: (d.kind != "census", d.school_id or 0, d.entry_id or 0, d.student_id or 0))
    return out
