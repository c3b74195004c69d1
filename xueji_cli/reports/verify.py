"""The September stamp list with the semester headcount check sheet (report verify,
REP-2, REP-3), read from the roster as it stood on the day (timeline.roster_as_of), so
that it can be made for a past date."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from xueji_cli.ledger.counted import at_school, on_register
from xueji_cli.ledger.timeline import roster_as_of
from xueji_cli.reports.admissions import admissions
from xueji_cli.reports.evidence import missing_evidence
from xueji_cli.reports.stats import person_line, pupil_of
from xueji_cli.store.reading import ConnectionReader
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
    rows = roster_as_of(session, as_of, school=school)
    intake_from = dt.date(year, *settings.intake_opens)
    entries = admissions(ConnectionReader(session.connection()), [r.student.id for r in rows])
    schools: dict[str, dict] = {}
    classes: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        pupil = pupil_of(row)
        st = pupil.state()
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
                person_line(pupil, row.school.code, row.school.name, reveal), gender=codes.label("gender", row.person.gender),
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
