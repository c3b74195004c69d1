"""Changes of a person's details (信息变更): the guardian's name and phone, the address, the
ethnicity, the household registrations (the child's, the guardian's) and the residence —
one journal entry (kind `update`) with the old and the new values in its details
{"old": …, "new": …}, as a correction keeps them (CHG-3), so that `undo` restores them and
`xueji check` follows them (records/lifecycle/undo.PERSON_FIELDS). It changes no count of
the monthly report.

A household registration changes only with the household register seen (ENR-2); after a
change of a region, each of ENR-2's two agreements that no longer holds is a warning
naming the field. A record no longer on the register (转出, 毕业 …) still takes a change
of the person's details, with a warning saying so (CHG-1). Who the child is — name, ID
number, birth date, gender — changes only by `correct`, with its evidence and a new
duplicate check (ENR-6, NUM-5, ENR-7): naming them here is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from xueji_cli.ledger.models import JournalEntry
from xueji_cli.records.directory import students
from xueji_cli.records.directory.students import Found
from xueji_cli.records.enrollment.applicant import Collector
from xueji_cli.records.lifecycle.changes import check_when, who, write
from xueji_cli.records.lifecycle.undo import person_value, set_person_value
from xueji_cli.rules import changes as rules
from xueji_cli.rules.enrollment import check_agreements_kept
from xueji_cli.rules.identity import check_name_characters
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError
from xueji_cli.values.violation import Violation

# The details a change of details may change, and how each typed value is read.
CONVERTERS = {
    "guardian_name": fields.guardian_name,
    "guardian_phone": fields.text_of("guardian_phone"),
    "address": fields.text_of("address"),
    "ethnicity": fields.ethnicity,
    "hukou_region": fields.region,
    "guardian_hukou_region": fields.region,
    "residence_region": fields.region,
}
REGIONS = ("hukou_region", "guardian_hukou_region", "residence_region")  # ENR-2's agreements
CLEARABLE = frozenset(("guardian_phone", "address"))  # may be left empty ("")
_UNREADABLE = object()


@dataclass
class Updated:
    found: Found
    old: dict
    new: dict
    entry: JournalEntry | None  # None: checked only (--dry-run)
    warnings: list[Violation] = field(default_factory=list)


def _read(typed: dict, c: Collector) -> dict:
    """The values typed, as stored (None: cleared); unreadable ones are problems of `c`."""
    wanted = {}
    for name, value in typed.items():
        if value is None:
            continue
        if not fields.text(value):
            if name not in CLEARABLE:
                c.problems.append(Violation("INPUT", name, "不能为空", "填写新的值,或不用该选项"))
            else:
                wanted[name] = None
            continue
        converted = c.convert(name, CONVERTERS[name], value, _UNREADABLE)
        if converted is not _UNREADABLE:
            wanted[name] = converted
    return wanted


def update(session: Session, settings: Settings, key: str, typed: dict, *,
           identity: list[str], evidence: list[str] | None, reason: str | None,
           effective: dt.date, today: dt.date, operator: str, dry_run: bool = False) -> Updated:
    """`typed`: the details to change (field → value typed, None: not given); `identity`:
    the identity fields named (refused, NUM-5/ENR-6/ENR-7)."""
    found = students.find(session, key)
    person = found.person
    c = Collector()
    wanted = _read(typed, c)
    shown = c.convert("evidence", fields.evidence, evidence or [], [])
    reason = c.text("reason", reason)
    problems = c.problems + rules.check_kept_for_correction(identity)
    if not wanted and not problems:
        raise InputError("key", "没有给出要变更的内容",
                         "用 --guardian-name、--guardian-phone、--address、--ethnicity、"
                         "--hukou-region、--guardian-hukou-region、--residence-region 给出新的值")
    changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    problems += [Violation("INPUT", k, "与现有记录相同,无需变更", "核对要变更的内容")
                 for k in wanted if k not in changed]
    problems += check_name_characters("guardian_name", "监护人姓名", changed.get("guardian_name"))
    problems += rules.check_update_evidence(list(changed), shown)
    problems += _agreements(person, changed)
    problems += rules.check_update_state(found.student.status,
                                         codes.label("status", found.student.status), who(found))
    problems += check_when(session, settings, found, effective, today)
    old = {k: person_value(person, k) for k in changed}
    done = write(session, found, "update", effective, operator, {}, problems, dry_run,
                 reason=reason, evidence=[codes.evidence_label(e) for e in shown],
                 details={"old": old, "new": dict(changed)})
    if not dry_run:
        for name, value in changed.items():
            set_person_value(person, name, value)
        session.add(person)
        session.flush()
    return Updated(found, old, dict(changed), done.entry, done.warnings)


def _agreements(person, changed: dict) -> list[Violation]:
    """ENR-2's two agreements, before and after a change of a region: those it breaks."""
    if not set(REGIONS) & set(changed):
        return []
    before = tuple(getattr(person, name) or "" for name in REGIONS)
    after = tuple(changed.get(name, getattr(person, name)) or "" for name in REGIONS)
    return check_agreements_kept(before, after)
