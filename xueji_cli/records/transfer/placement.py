"""Where an arriving pupil is placed (TRF-5, NUM-3, CHG-1): the grade he has, the school
year that grade belongs to and his cohort (entry year) travel with him, whatever the day
he arrives — a transfer completed in the summer, after the intake's opening, is still in
the old school year for a pupil his school has not promoted. A turn the receiving school
has recorded since moves him up with the cohort he joins.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from xueji_cli.ledger.models import School
from xueji_cli.records.lifecycle.school_years import last_turn, record_year, school_year_at
from xueji_cli.records.transfer.cases import CaseView, Incoming, school_label
from xueji_cli.rules import transfer as rules
from xueji_cli.store.settings import Settings
from xueji_cli.values.violation import Violation


@dataclass
class Placement:
    grade: int
    grade_year: int  # the school year `grade` belongs to
    entry_year: int  # the cohort: NUM-1's YY, the sequence the new number is taken from
    said: list[Violation]


def grade_year(session: Session, settings: Settings, view: CaseView) -> int | None:
    """The school year of the grade a case carries: the leaving record's (a record of
    this directory), the one the certificate states, or — a grade typed from paper — the
    one the receiving school was in when the family applied (None: no school of ours)."""
    if view.student is not None:
        return record_year(session, settings, view.student,
                           session.get(School, view.student.school_id))
    incoming = Incoming.from_json(view.case.incoming) if view.case.incoming else None
    if incoming is not None and incoming.grade_year:
        return incoming.grade_year
    if view.to_school is None:
        return None
    return school_year_at(session, settings, view.to_school, view.case.applied_on)


def place(session: Session, settings: Settings, view: CaseView, school: School,
          grade: int) -> Placement:
    """The grade, school year and cohort the pupil of a case arrives in at `school`."""
    year = grade_year(session, settings, view)
    first, last = settings.grades[school.type]
    if view.student is not None:
        entry_year = view.student.entry_year
    else:
        incoming = Incoming.from_json(view.case.incoming)
        entry_year = incoming.entry_year or year - (grade - first)
    to, to_year, said = rules.grade_after_turns(grade, year, last_turn(session, school), last,
                                                school_label(school))
    return Placement(to, to_year, entry_year, said)
