"""The school year a grade given on a day belongs to (records/lifecycle/school_years.py,
TRF-5, CHG-1): by the semester, not by the intake's opening — the summer after the spring
semester is still the old school year for a pupil who has not been promoted."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.records.lifecycle.school_years import semester_year
from xueji_cli.store.settings import Semester, Settings

D = dt.date.fromisoformat


@pytest.mark.parametrize("day, year", [
    ("2027-02-10", 2026),  # the winter holiday of the autumn semester
    ("2027-03-01", 2026),
    ("2027-06-01", 2026),  # the intake of 2027 opens; pupils are still of 2026—2027
    ("2027-07-05", 2026),
    ("2027-08-31", 2026),
    ("2027-09-01", 2027),
])
def test_the_generic_calendar(day, year):
    assert semester_year(Settings(name="t"), D(day)) == year


def test_an_explicit_calendar_whatever_the_intake_day():
    settings = Settings(name="t", intake_opens=(9, 10), semesters=[
        Semester("2027—2028学年第一学期", D("2027-08-28"), None),
        Semester("2026—2027学年第二学期", D("2027-02-20"), D("2027-07-08"))])
    assert semester_year(settings, D("2027-07-20")) == 2026
    assert semester_year(settings, D("2027-08-30")) == 2027
