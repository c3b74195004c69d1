"""The September stamp list with the semester headcount check sheet (report verify,
REP-2, REP-3) as the register stood on the day, so that it can be made for a past date.

The stamp list is the records on the register that day (timeline.roster_as_of); the
check sheet is counted in SQL like `report stats`: the records as stored on the day are
grouped by the database, only those the journal changed after the day are folded."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from xueji_cli.ledger.counted import at_school_statuses, register_statuses
from xueji_cli.ledger.timeline import roster_as_of
from xueji_cli.reports.admissions import admissions
from xueji_cli.reports.evidence import missing_evidence
from xueji_cli.reports.stats import (
    AS_STORED,
    Pupil,
    folded_pupils,
    headcounts,
    person_line,
    pupil_of,
    tally,
)
from xueji_cli.store.reading import ConnectionReader, in_list
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.privacy import show


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
    rows = roster_as_of(session, as_of, school=school, register_only=True)
    intake_from = dt.date(year, *settings.intake_opens)
    reader = ConnectionReader(session.connection())
    entries = admissions(reader, [r.student.id for r in rows])
    changed = folded_pupils(session, as_of)
    classes = check_sheet(reader, changed, as_of, school)
    schools = {code: {"school": code, "school_name": name, "register": 0, "new_intake": 0,
                      "borrowing_here": 0, "students": []}
               for code, name in _schools_on_day(reader, changed, as_of, school)}
    for row in rows:
        entry = entries.get(row.student.id)
        # The year's intake (新生): enrolled this autumn into the cohort of `year`; an older
        # pupil first entered now (a record made from paper, a late registration) is on the
        # list but not new.
        new = (entry is not None and entry.kind == "enroll" and row.student.entry_year == year
               and intake_from <= entry.effective_date <= as_of)
        info = schools[row.school.code]
        info["students"].append(_stamp_line(row, entry, new, reveal))
        info["register"] += 1
        info["new_intake"] += new
    for line in classes:
        schools[line["school"]]["borrowing_here"] += line["borrowing_here"]
    return Verification(year, as_of, [schools[k] for k in sorted(schools)], classes)


def _stamp_line(row, entry, new: bool, reveal: bool) -> dict:
    """A pupil on the stamp list, with what the stamp check should look at (REP-3)."""
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
    return dict(person_line(pupil_of(row), row.school.code, row.school.name, reveal),
                gender=codes.label("gender", row.person.gender),
                id_number=show(row.person.id_number, reveal), status=row.student.status,
                status_label=codes.label("status", row.student.status), new=new,
                note=";".join(notes))


def _schools_on_day(reader, changed: list[tuple[Pupil, str]], as_of: dt.date,
                    school: str | None) -> list[tuple[str, str]]:
    """(code, name) of each school holding any record on the day, in or out of the
    register: each has its stamp list, an empty one too."""
    ids = {row[0] for row in reader.rows(
        f"SELECT DISTINCT s.school_id FROM student s WHERE {AS_STORED}", {"day": as_of})}
    ids |= {pupil.school_id for pupil, _gender in changed}
    return [(code, name) for id_, code, name in reader.rows("SELECT id, code, name FROM school", {})
            if id_ in ids and (school is None or code == school)]


def check_sheet(reader, changed: list[tuple[Pupil, str]], as_of: dt.date,
                school: str | None = None) -> list[dict]:
    """REP-2 per class: 在籍, 休学, 外出借读, 借读来 and 应到 (在校), the records as stored on
    the day grouped in SQL (the index of school, grade, kind and status), the `changed`
    ones (folded to the day) added one by one."""
    statuses, parameters = in_list("status", sorted(register_statuses() | at_school_statuses()))
    parameters["day"] = as_of
    where = f"s.status IN ({statuses}) AND {AS_STORED}"
    if school is not None:
        where += " AND s.school_id IN (SELECT id FROM school WHERE code = :school)"
        parameters["school"] = school
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for school_id, grade, class_no, kind, status, n in reader.rows(
            "SELECT s.school_id, s.grade, s.class_no, s.kind, s.status, count(*) FROM student s"
            f" WHERE {where} GROUP BY s.school_id, s.grade, s.class_no, s.kind, s.status", parameters):
        tally(cells[(school_id, grade, class_no)],
              {"school_id": school_id, "kind": kind, "grade": grade, "status": status}, None, n)
    names = {row[0]: row[1:] for row in reader.rows("SELECT id, code, name FROM school", {})}
    for pupil, _gender in changed:
        if pupil.school_id in names and (school is None or names[pupil.school_id][0] == school):
            tally(cells[(pupil.school_id, pupil.grade, pupil.class_no)], pupil.state(), None, 1)
    return [{"school": h["school"], "school_name": h["school_name"], "grade": h["grade"],
             "class": h["class"], "register": h["register"], "suspended": h["suspended"],
             "borrowed_out": h["borrowed_out"], "borrowing_here": h["borrowing_here"],
             "expected": h["at_school"], "present": None} for h in headcounts(cells, names)]
