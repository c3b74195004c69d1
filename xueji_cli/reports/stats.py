"""Statistics on any day (report stats), and the September stamp list with the semester
headcount check sheet (report verify, REP-2, REP-3). Both read the roster as it stood
on the day (register.roster_as_of), so they can be made for a past date."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from xueji_cli.ledger.models import JournalEntry
from xueji_cli.ledger.timeline import RosterRow, at_school, on_register, roster_as_of
from xueji_cli.reports.monthly.flags import missing_evidence
from xueji_cli.rules.enrollment import school_age_cutoff
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.dates import full_years
from xueji_cli.values.privacy import show

# The entries that bring a record in; a register taken over as it stands (takeover) had its
# papers checked at an entry years ago (ENR-7 is not judged again, records/takeover).
ADMITTING = ("enroll", "transfer_in", "borrow_in", "takeover")


def state(row: RosterRow) -> dict:
    s = row.student
    return {"school_id": s.school_id, "kind": s.kind, "grade": s.grade, "status": s.status}


def admissions(session: Session, student_ids: list[int]) -> dict[int, object]:
    """The entry that brought each record in (enroll, transfer_in, borrow_in, takeover):
    its kind, evidence and approvals."""
    wanted = sorted(set(student_ids))
    out: dict[int, object] = {}
    query = (select(JournalEntry.student_id, JournalEntry.id, JournalEntry.kind,
                    JournalEntry.evidence, JournalEntry.approvals, JournalEntry.effective_date,
                    JournalEntry.details)
             .where(JournalEntry.kind.in_(ADMITTING)).order_by(JournalEntry.id))
    for start in range(0, len(wanted), 500):
        for row in session.connection().execute(
                query.where(JournalEntry.student_id.in_(wanted[start:start + 500]))):
            out.setdefault(row.student_id, row)
    return out


def commitment_of(evidence: list) -> str | None:
    label = codes.evidence_label("commitment")
    for item in evidence or []:
        text = str(item)
        if text.startswith(label) or codes.evidence_key(text.split(":")[0].split(":")[0]) == "commitment":
            return text.split(":", 1)[-1].split(":", 1)[-1] if (":" in text or ":" in text) else text
    return None


def underage(row: RosterRow, settings: Settings) -> bool:
    """ENR-1: not `school_age_years` full years on the cut-off day of the entry year."""
    if row.person.birth_date is None or row.student.entry_year is None:
        return False
    cutoff = school_age_cutoff(row.student.entry_year, settings.policy.school_age_cutoff)
    return full_years(row.person.birth_date, cutoff) < settings.policy.school_age_years


@dataclass
class Stats:
    as_of: dt.date
    headcounts: list[dict]
    over_cap: list[dict]
    suspension_share: list[dict]
    borrowing: list[dict]
    underage: list[dict]
    missing_evidence: list[dict]

    def as_document(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "headcounts": self.headcounts,
                "over_cap": self.over_cap, "suspension_share": self.suspension_share,
                "borrowing": self.borrowing, "underage": self.underage,
                "missing_evidence": self.missing_evidence}


def _person_line(row: RosterRow, reveal: bool) -> dict:
    return {"school": row.school.code, "school_name": row.school.name,
            "local_number": row.student.local_number, "name": row.person.name,
            "national_number": show(row.student.national_number, reveal, national=True),
            "grade": row.student.grade, "class": row.student.class_no,
            "birth_date": row.person.birth_date.isoformat() if row.person.birth_date else None,
            "entry_year": row.student.entry_year}


def build_stats(session: Session, settings: Settings, as_of: dt.date, reveal: bool = False) -> Stats:
    rows = roster_as_of(session, as_of)
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        st = state(row)
        key = (row.school.code, row.school.name, row.student.grade, row.student.class_no)
        if on_register(st):
            cells[key]["register"] += 1
            cells[key]["male" if row.person.gender == "1" else "female"] += 1
            if row.student.status == "suspended":
                cells[key]["suspended"] += 1
            if row.student.status == "borrowed_out":
                cells[key]["borrowed_out"] += 1
        if at_school(st):
            cells[key]["at_school"] += 1
            if row.student.kind == "borrowing":
                cells[key]["borrowing_here"] += 1
    headcounts = []
    for (code, name, grade, class_no), c in sorted(cells.items()):
        if not (c["register"] or c["at_school"]):
            continue
        headcounts.append({"school": code, "school_name": name, "grade": grade, "class": class_no,
                           "register": c["register"], "male": c["male"], "female": c["female"],
                           "at_school": c["at_school"], "suspended": c["suspended"],
                           "borrowed_out": c["borrowed_out"], "borrowing_here": c["borrowing_here"]})
    types = {row.school.code: row.school.type for row in rows}
    over_cap = [dict(h, cap=settings.class_cap[types[h["school"]]]) for h in headcounts
                if h["at_school"] > settings.class_cap[types[h["school"]]]]
    by_grade: dict[tuple, Counter] = defaultdict(Counter)
    for h in headcounts:
        by_grade[(h["school"], h["school_name"], h["grade"])].update(
            {"register": h["register"], "suspended": h["suspended"]})
    limit = settings.policy.suspension_max_share
    share = [{"school": code, "school_name": name, "grade": grade, "register": c["register"],
              "suspended": c["suspended"],
              "share": round(c["suspended"] / c["register"], 4) if c["register"] else 0.0,
              "limit": limit, "over": c["register"] > 0 and c["suspended"] > limit * c["register"]}
             for (code, name, grade), c in sorted(by_grade.items())]
    by_school: dict[tuple, Counter] = defaultdict(Counter)
    for h in headcounts:
        by_school[(h["school"], h["school_name"])].update(
            {"borrowing_here": h["borrowing_here"], "borrowed_out": h["borrowed_out"]})
    borrowing = [{"school": code, "school_name": name, **c} for (code, name), c in sorted(by_school.items())
                 if c["borrowing_here"] or c["borrowed_out"]]
    counted = [r for r in rows if on_register(state(r)) or at_school(state(r))]
    entries = admissions(session, [r.student.id for r in counted])
    young = []
    for row in counted:
        entry = entries.get(row.student.id)
        taken_over = entry is not None and entry.kind == "takeover"  # ENR-1 judged at its entry
        if row.student.kind == "regular" and not taken_over and underage(row, settings):
            commitment = commitment_of(entry.evidence if entry else [])
            young.append(dict(_person_line(row, reveal), commitment=commitment,
                              problem=None if commitment else "ENR-1 不足龄且未登记承诺书"))
    missing = []
    for row in counted:
        entry = entries.get(row.student.id)
        if entry is None:
            if row.student.kind == "regular":
                missing.append(dict(_person_line(row, reveal), kind=None, rule="ENR-7",
                                    missing=["入学记录"]))
            continue
        gap = missing_evidence(entry.kind, entry.evidence, entry.details)
        if gap:
            missing.append(dict(_person_line(row, reveal), kind=entry.kind, rule=gap[0], missing=gap[1]))
    return Stats(as_of, headcounts, over_cap, share, borrowing, young, missing)


# -- the September stamp list and the headcount check sheet ---------------------------------

@dataclass
class Verification:
    year: int
    as_of: dt.date
    schools: list[dict]  # each: code, name, students [...], register, new_intake, borrowing_here
    classes: list[dict]  # the check sheet: one line per class

    def as_document(self) -> dict:
        return {"year": self.year, "as_of": self.as_of.isoformat(), "schools": self.schools,
                "classes": self.classes}


STATUS_NOTE = {"suspended": "休学", "borrowed_out": "外出借读"}


def build_verification(session: Session, settings: Settings, year: int, today: dt.date,
                       school: str | None = None, reveal: bool = False) -> Verification:
    """REP-3: every record on the register of each school in September of `year` (as of
    30 September, or today if earlier), with the year's intake (entry year `year`)
    marked; REP-2: per class
    the registered count, who is away, the count expected present, and an empty column
    for the count actually present."""
    as_of = min(today, dt.date(year, 9, 30))
    rows = roster_as_of(session, as_of, school=school)
    intake_from = dt.date(year, *settings.intake_opens)
    entries = admissions(session, [r.student.id for r in rows])
    schools: dict[str, dict] = {}
    classes: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        st = state(row)
        info = schools.setdefault(row.school.code, {
            "school": row.school.code, "school_name": row.school.name, "register": 0,
            "new_intake": 0, "borrowing_here": 0, "students": []})
        key = (row.school.code, row.school.name, row.student.grade, row.student.class_no)
        if on_register(st):
            entry = entries.get(row.student.id)
            # The year's intake (新生): enrolled this autumn into the cohort of `year`; an
            # older pupil first entered now (a record made from paper, a late registration)
            # is on the list but not new.
            new = (entry is not None and entry.kind == "enroll" and row.student.entry_year == year
                   and intake_from <= entry.effective_date <= as_of)
            notes = []
            if row.student.status in STATUS_NOTE:
                notes.append(STATUS_NOTE[row.student.status])
            if not row.student.national_number:
                notes.append("无全国学籍号")
            if entry is None:
                notes.append("无入学记录")
            else:
                gap = missing_evidence(entry.kind, entry.evidence, entry.details)
                if gap:
                    notes.append(f"{gap[0]} 缺{'、'.join(gap[1])}")
            info["students"].append(dict(
                _person_line(row, reveal), gender=codes.label("gender", row.person.gender),
                id_number=show(row.person.id_number, reveal), status=row.student.status,
                status_label=codes.label("status", row.student.status), new=new,
                note=";".join(notes)))
            info["register"] += 1
            info["new_intake"] += new
            classes[key]["register"] += 1
            if row.student.status == "suspended":
                classes[key]["suspended"] += 1
            if row.student.status == "borrowed_out":
                classes[key]["borrowed_out"] += 1
        if at_school(st):
            classes[key]["expected"] += 1
            if row.student.kind == "borrowing":
                classes[key]["borrowing_here"] += 1
                info["borrowing_here"] += 1
    sheet = [{"school": code, "school_name": name, "grade": grade, "class": class_no,
              "register": c["register"], "suspended": c["suspended"], "borrowed_out": c["borrowed_out"],
              "borrowing_here": c["borrowing_here"], "expected": c["expected"], "present": None}
             for (code, name, grade, class_no), c in sorted(classes.items())
             if c["register"] or c["expected"]]
    return Verification(year, as_of, [schools[k] for k in sorted(schools)], sheet)
