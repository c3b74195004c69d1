"""The school year a record's grade belongs to (CHG-1, TRF-5, NUM-3).

A pupil moves up a grade at the school year's turn (`xueji promote`), not on a date.
From the intake's opening (settings `calendar.intake_opens`) the new grade-1 children are
registered for the coming school year, but a pupil already at school is still in the grade
of the old school year until his school's turn is recorded. So:
- an enrollment belongs to the school year of its date (by `intake_opens`, ENR-3);
- a grade given on a day at a school (a transfer's or a loan's arrival) belongs to the
  school year of the semester the day falls in (the summer after the spring semester is
  still the old year), or, once the school has recorded the turn of that year, the next;
- an arrival carries the school year of its grade in its entry's details (`GRADE_YEAR`):
  its date alone cannot tell, and the turn decides by it who takes part (CHG-1).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, School, Student
from xueji_cli.store.settings import Settings

GRADE_YEAR = "grade_school_year"  # details key: the school year an arrival's grade belongs to
TURN_KINDS = ("promote", "graduate", "repeat")


def batch_id(year: int, school_code: str) -> str:
    """The batch of one school's turn of school year YEAR—YEAR+1."""
    return f"promote-{year}-{school_code}"


def semester_year(settings: Settings, day: dt.date) -> int:
    """The school year of the semester `day` falls in: an autumn semester begins its
    school year, a spring semester (and the summer after it) ends the one before. A
    semester of the calendar is an autumn one when it starts nearer the autumn's usual
    start (settings `calendar.autumn_start`) than the spring's."""
    start = settings.semester_of(day).start
    autumn = abs((start - dt.date(start.year, *settings.autumn_start)).days)
    spring = abs((start - dt.date(start.year, *settings.spring_start)).days)
    return start.year if autumn < spring else start.year - 1


def last_turn(session: Session, school: School, on: dt.date | None = None) -> int | None:
    """The latest school year whose turn is recorded for the school (taking effect on or
    before `on`, when given); None when none is."""
    query = (select(JournalEntry.batch).distinct()
             .where(JournalEntry.kind.in_(TURN_KINDS), JournalEntry.school_id == school.id,
                    JournalEntry.batch.like("promote-%")))
    if on is not None:
        query = query.where(JournalEntry.effective_date <= on)
    years = []
    for batch in session.exec(query):
        year, _, code = batch.removeprefix("promote-").partition("-")
        if code == school.code and year.isdigit():
            years.append(int(year))
    return max(years, default=None)


def school_year_at(session: Session, settings: Settings, school: School, day: dt.date) -> int:
    """The school year a grade given at `school` on `day` belongs to: the semester's, or
    the one after the school's latest turn recorded by then."""
    year = semester_year(settings, day)
    turned = last_turn(session, school, day)
    return year if turned is None else max(year, turned + 1)


def cohort_at(session: Session, settings: Settings, school: School, grade: int,
              day: dt.date) -> int:
    """The cohort (entry year, NUM-1) of a pupil given in `grade` at `school` on `day`."""
    first = settings.grades[school.type][0]
    return school_year_at(session, settings, school, day) - (grade - first)


def arrival_year(settings: Settings, student: Student, details: dict | None) -> int:
    """The school year a record's grade belonged to when the record was made: an
    arrival's own (TRF-5), or the school year of its enrollment (ENR-3)."""
    year = (details or {}).get(GRADE_YEAR)
    return int(year) if year is not None else settings.school_year(student.enrolled_on)


def arrival_years(session: Session, settings: Settings, students: list[Student]) -> dict[int, int]:
    """arrival_year of many records (student id -> year): the arrivals at their schools
    read at once (few beside the records; by the index that leads with the entry's kind)."""
    wanted = {s.id for s in students}
    details: dict[int, dict] = {}
    for student_id, entry_details in session.exec(
            select(JournalEntry.student_id, JournalEntry.details)
            .where(JournalEntry.kind == "transfer_in",
                   JournalEntry.school_id.in_({s.school_id for s in students}))):
        if student_id in wanted:
            details[student_id] = entry_details
    return {s.id: arrival_year(settings, s, details.get(s.id)) for s in students}


def record_year(session: Session, settings: Settings, student: Student, school: School) -> int:
    """The school year a record's grade belongs to now: its arrival's, or the one after
    its school's latest turn (every record on the register takes part in it, CHG-1)."""
    year = arrival_years(session, settings, [student])[student.id]
    turned = last_turn(session, school)
    return year if turned is None else max(year, turned + 1)
