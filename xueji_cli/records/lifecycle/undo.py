"""Undo (撤销, CHG-3): a mistaken journal entry is mended by a correcting entry — kind
`undo`, `corrects` = the entry — that restores what the entry changed, never by deleting.

- The projected fields the entry set go back to their values before it: the fold of the
  record's entries before it (ledger/projection.fold, in recording order).
- Person fields a correction changed (details {"old", "new"}) go back to their old values.
- An entry that opened its record (an enrollment: nothing before it) leaves the record as
  `cancelled` (已撤销): its local number stays used (never reused, NUM-3), its national
  number is cleared and, when the person has no other record, the ID number is released
  so that the child can be enrolled again correctly.
- A correction that changed several records (a new ID number gives every record of the
  person a new G number) is undone as a whole.
- Refused while later entries depend on it: later entries of the same record(s), later
  steps of the same case (a transfer's steps share a case_ref), and later corrections of
  the same person. They are named; undo them first, latest first.
- An entry already undone cannot be undone again; undoing the undo restores it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.ledger.projection import fold
from xueji_cli.records.directory.students import Found
from xueji_cli.rules.changes import check_effective
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import NotFound, Refused
from xueji_cli.values.violation import Violation

# The person's fields a correction (信息更正) or a change of details (信息变更) records as
# {"old", "new"} in its entry: what undo restores and `xueji check` follows.
PERSON_FIELDS = frozenset(("name", "gender", "birth_date", "id_type", "id_number", "ethnicity",
                           "hukou_region", "guardian_name", "guardian_hukou_region",
                           "guardian_phone", "residence_region", "address"))
PERSON_KINDS = ("correct", "update")


def undone_ids(session: Session) -> set[int]:
    """Ids of the entries that stand undone: an undo that is itself undone restores its
    target."""
    undo_of: dict[int, list[int]] = defaultdict(list)
    for undo_id, target in session.exec(select(JournalEntry.id, JournalEntry.corrects)
                                        .where(JournalEntry.kind == "undo",
                                               JournalEntry.corrects.is_not(None))):
        undo_of[target].append(undo_id)
    memo: dict[int, bool] = {}

    def undone(entry_id: int) -> bool:
        if entry_id not in memo:
            memo[entry_id] = any(not undone(u) for u in undo_of.get(entry_id, ()))
        return memo[entry_id]

    return {target for target in undo_of if undone(target)}


def person_changes(entry: JournalEntry) -> tuple[dict, dict]:
    """(old, new) person fields an entry changed, from its details."""
    details = entry.details or {}
    new = {k: v for k, v in (details.get("new") or {}).items() if k in PERSON_FIELDS}
    old = {k: v for k, v in (details.get("old") or {}).items() if k in new}
    return old, new


def person_value(person: Person, name: str):
    value = getattr(person, name)
    return value.isoformat() if isinstance(value, dt.date) else value


def set_person_value(person: Person, name: str, value) -> None:
    if name == "birth_date" and value is not None:
        value = dt.date.fromisoformat(value)
    setattr(person, name, value)


def label(session: Session, entry: JournalEntry) -> str:
    """`#12 2027-07-10 升级 02262600100001 张三` for messages."""
    student = session.get(Student, entry.student_id) if entry.student_id else None
    person = session.get(Person, student.person_id) if student else None
    parts = [f"#{entry.id}", f"{entry.effective_date:%Y-%m-%d}", codes.entry_label(entry.kind, entry.details)]
    if student is not None:
        parts += [student.local_number or "(借读)", person.name]
    return " ".join(parts)


@dataclass
class Undone:
    target: JournalEntry
    found: Found
    entries: list[JournalEntry] = field(default_factory=list)


def _operation(session: Session, target: JournalEntry) -> list[JournalEntry]:
    """The entries undone together: one correction's entries on every record it changed;
    otherwise the entry alone."""
    if target.kind == "correct" and target.case_ref:
        return list(session.exec(select(JournalEntry).where(
            JournalEntry.kind == "correct", JournalEntry.case_ref == target.case_ref)
            .order_by(JournalEntry.id)))
    return [target]


def _dependents(session: Session, target: JournalEntry, operation: list[JournalEntry],
                undone: set[int]) -> list[JournalEntry]:
    ids = {e.id for e in operation}
    records = {e.student_id for e in operation}
    persons = set(session.exec(select(Student.person_id).where(Student.id.in_(records))))
    relatives = set(session.exec(select(Student.id).where(Student.person_id.in_(persons))))
    touches_person = any(person_changes(e)[1] for e in operation)
    where = [JournalEntry.student_id.in_(records)]
    if target.case_ref:
        where.append(JournalEntry.case_ref == target.case_ref)
    if touches_person:
        where.append(JournalEntry.student_id.in_(relatives) & JournalEntry.kind.in_(PERSON_KINDS))
    later = session.exec(select(JournalEntry).where(JournalEntry.id > min(ids), or_(*where))
                         .order_by(JournalEntry.id))
    return [e for e in later if e.id not in ids and e.kind != "undo" and e.id not in undone
            and (e.student_id in records
                 or (target.case_ref is not None and e.case_ref == target.case_ref)
                 or bool(person_changes(e)[1]))]


def _before(session: Session, entry: JournalEntry) -> dict:
    sets = session.exec(select(JournalEntry.sets).where(
        JournalEntry.student_id == entry.student_id, JournalEntry.id < entry.id)
        .order_by(JournalEntry.id))
    return fold(sets)


def undo(session: Session, settings: Settings, entry_id: int, reason: str, effective: dt.date,
         today: dt.date, operator: str) -> Undone:
    # An id beyond SQLite's 64-bit integers is no entry (not an overflow in the driver).
    target = session.get(JournalEntry, entry_id) if 0 < entry_id < 2 ** 63 else None
    if target is None:
        raise NotFound(f"没有序号为 {entry_id} 的学籍变动", "用 xueji log 或 xueji student show 查看变动的序号")
    texts, problems = fields.checked_texts(reason=reason)
    if target.student_id is None:
        case = target.case_ref or ""
        hint = (f"这是转学案件 {case} 的一步,学生尚未转入:用 xueji transfer cancel {case} --reason … 撤回该案件"
                if case.startswith("ZX") else
                "只有学生学籍的变动可以撤销;用 xueji log 学籍号 查看该生各条变动的序号")
        raise Refused([Violation("CHG-3", "entry", f"变动 #{entry_id} 不属于某个学生的学籍,不能撤销", hint)])
    if not texts["reason"] and not problems:  # empty, not refused
        problems.append(Violation("CHG-3", "reason", "撤销没有写原因", "用 --reason 写明为什么撤销(如 录入错误)"))
    undone = undone_ids(session)
    if target.id in undone:
        by = session.exec(select(JournalEntry).where(JournalEntry.kind == "undo",
                                                     JournalEntry.corrects == target.id)
                          .order_by(JournalEntry.id.desc())).first()
        raise Refused([Violation("CHG-3", "entry", f"变动 {label(session, target)} 已被撤销({label(session, by)})",
                                 f"要恢复它,撤销那条撤销记录:xueji undo {by.id}")])
    operation = _operation(session, target)
    dependents = _dependents(session, target, operation, undone)
    if dependents:
        problems.append(Violation(
            "CHG-3", "entry",
            f"变动 {label(session, target)} 之后还有依赖它的变动:"
            + ";".join(label(session, e) for e in dependents),
            "先从最后一条起逐条撤销这些变动(xueji undo 序号),或不撤销而另办新的变动"))
    for entry in operation:
        latest = session.exec(select(JournalEntry).where(JournalEntry.student_id == entry.student_id)
                              .order_by(JournalEntry.effective_date.desc())).first()
        problems += check_effective(effective, today, settings.policy.future_limit_days,
                                    (latest.effective_date, codes.entry_label(latest.kind, latest.details)))
    writes = [_restoring(session, entry, problems) for entry in operation]
    errors = [v for v in problems if v.is_error]
    if errors:
        raise Refused(list(dict.fromkeys(errors)))
    student = session.get(Student, target.student_id)
    found = Found(student, session.get(Person, student.person_id), session.get(School, student.school_id))
    result = Undone(target, found)
    for entry, record, person, sets, old, new in writes:
        for name, value in new.items():
            if name in PERSON_FIELDS:
                set_person_value(person, name, value)
        session.add(person)
        result.entries.append(journal.record(
            session, record, "undo", effective, operator, sets=sets, reason=texts["reason"],
            corrects=entry.id, case_ref=entry.case_ref,
            details={"undoes": {"id": entry.id, "kind": entry.kind}, "old": old, "new": new}))
    session.flush()
    return result


def _restoring(session: Session, entry: JournalEntry, problems: list[Violation]):
    """What undoing one entry writes: (entry, record, person, sets, old, new)."""
    record = session.get(Student, entry.student_id)
    person = session.get(Person, record.person_id)
    before = _before(session, entry)
    if before:
        sets = {name: before[name] for name in entry.sets or {} if name in before}
    else:  # the entry opened the record: nothing to go back to
        sets = {"status": "cancelled", "national_number": None}
    old = {name: getattr(record, name) for name in sets}
    new = dict(sets)
    person_old, person_new = person_changes(entry)
    for name, value in person_old.items():  # back to the values before the entry
        old[name], new[name] = person_value(person, name), value
    if not before and person.id_number:
        others = session.exec(select(Student.id).where(Student.person_id == person.id,
                                                       Student.id != record.id)).first()
        if others is None:
            old["id_number"], new["id_number"] = person.id_number, None
    if new.get("id_number") and new["id_number"] != person.id_number:
        holder = session.exec(select(Person).where(Person.id_number == new["id_number"],
                                                   Person.id != person.id)).first()
        if holder is not None:
            problems.append(Violation(
                "NUM-7", "id_number", f"要恢复的身份证号已属于另一名学生({holder.name})",
                "一人一籍:先核对两名学生的身份证号"))
    return entry, record, person, sets, {k: _plain(v) for k, v in old.items()}, new


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value

