"""Taking over a register as it stands (接收原有学籍): the pupils already at school, every
grade, from the national system's pupil list or the schools' own 花名册, each kept with
the local number, national number, entry year, grade, class and state it has (NUM-4:
一人一号,终身不变).

The files are read by the intake's reader (records/enrollment/intake.read, asking for the
学籍号, 入学年月 and 学生状态 columns); every row is judged, every problem collected,
and nothing is written unless every row passes (or the registrar skips the invalid
ones) — the intake's Batch, Rows, target and errors workbook. The rules are those of
numbers and identity, not of entry: NUM-1/NUM-2 (the kept number agrees with the row's
city, county, entry year, school and type digit; no number twice), NUM-5/NUM-6 (the
national and ID numbers), NUM-7 within the files and against the store (NAT-Q 二: a pupil
already recorded comes by transfer). Age on 31 August, the service area and the evidence
(ENR-1, ENR-2, ENR-7) judged the pupil's entry years ago and are not applied again.

Each record is written with one entry of the kind takeover, effective on the day the
register is taken over, saying the file, sheet and row it came from. Run again with the
same files, a pupil held at the same school with the same number is already taken over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.records.enrollment import intake
from xueji_cli.records.enrollment.admission import (
    EnrollmentAssessment,
    entry_year_for,
    identity_problems,
)
from xueji_cli.records.enrollment.lookups import Lookups, person_key
from xueji_cli.rules import identity
from xueji_cli.rules.changes import ON_REGISTER
from xueji_cli.rules.enrollment import check_grade
from xueji_cli.rules.numbering import LOCAL_FORMAT, check_kept_number
from xueji_cli.rules.organisation import check_school_open
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.dates import now
from xueji_cli.values.violation import Violation, split

if TYPE_CHECKING:
    from xueji_cli.records.enrollment.targets import Target

KIND = "takeover"
# The columns a row needs besides the school (a 学校 column, the 学籍号's school digits
# or --school); 入学年月 and 学生状态 may be left out (the grade gives the entry year,
# a pupil without a state is 在校).
REQUIRED = ("name", "id_number", "grade", "class_no", "local_number")
ASKED = ("local_number", "entry_month", "status")
NUMBER_ORDER = "学籍号顺序(保留原号,不重新编号)"
_NOTHING_ASKED: dict = {}  # a row without any of the ASKED cells; never changed


def read(paths: list[Path], school: str | None = None, sheet: str | None = None,
         tick: intake.Tick | None = None) -> intake.Batch:
    """Every data row of the files, with its 学籍号, 入学年月 and 学生状态."""
    return intake.read(paths, school, sheet, tick, asked=ASKED, required=REQUIRED)


@dataclass
class _Seen:
    """What the rows judged so far hold (NUM-2, NUM-7 within the files)."""

    numbers: dict[str, object] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    nationals: dict[str, object] = field(default_factory=dict)
    people: dict[tuple, object] = field(default_factory=dict)


@dataclass
class _Places:
    """What a school, and a school's grade and 入学年月, give every row naming them (ORG-2,
    the grade, the entry year NUM-1 compares), and what a sheet gives the details of its
    rows' entries (its file and name): worked out once per school, cohort and sheet, not
    once per row — a register repeats a few of them row after row. The lists are shared:
    a row's findings only read them."""

    lookups: Lookups
    settings: Settings
    as_of: dt.date
    schools: dict[str, tuple] = field(default_factory=dict)
    cohorts: dict[tuple, tuple] = field(default_factory=dict)
    sheets: dict[int, tuple[str, str]] = field(default_factory=dict)

    def school(self, code: str) -> tuple[object, list[Violation]]:
        """The school a row names, and the problems of taking a pupil into it (ORG-2)."""
        found = self.schools.get(code)
        if found is None:
            school = self.lookups.school(code)
            if school is None:
                problems = [Violation("ORG-2", "school", f"本目录没有代码为 {code} 的学校",
                                      "用 xueji school list 查看学校代码;新学校先用 xueji school add 登记")]
            else:
                problems = check_school_open(f"{school.code} {school.name}", school.closed_on,
                                             self.as_of)
            found = self.schools[code] = (school, problems)
        return found

    def cohort(self, school, grade: int, month: str) -> tuple[int | None, list[Violation], str]:
        """The entry year of a school's grade (or of its 入学年月), the problems of the
        grade and of the 入学年月, and the school's type digit (NUM-1)."""
        key = (school.code, grade, month)
        found = self.cohorts.get(key)
        if found is None:
            facts = self.lookups.facts(school, self.settings)
            wrong_grade = check_grade(grade, facts.first_grade, facts.last_grade, facts.type_label)
            entry_year, problems = _entry_year(month, grade, self.settings, school, self.as_of,
                                               wrong_grade)
            found = self.cohorts[key] = (entry_year, wrong_grade + problems,
                                         self.settings.type_digit[school.type])
        return found

    def source(self, row: intake.Row, month: str) -> dict:
        """Where the record came from (and its 入学年月, when the row gives one), kept in
        its entry's details."""
        sheet = self.sheets.get(id(row.sheet))
        if sheet is None:
            sheet = self.sheets[id(row.sheet)] = (row.sheet.file_name, row.sheet.name)
        if month:
            return {"file": sheet[0], "sheet": sheet[1], "row": row.number, "entry_month": month}
        return {"file": sheet[0], "sheet": sheet[1], "row": row.number}


def check(target: Target, settings: Settings, batch: intake.Batch, as_of: dt.date,
          tick: intake.Tick | None = None) -> None:
    """Judge every row (in file order) and set its status: new, already (taken over
    before, same school and number) or invalid; nothing is written."""
    no_grade = {id(row) for row in batch.rows if row.applicant.grade is None}
    lookups = target.lookups([row.applicant for row in batch.rows])
    numbers = [(row.applicant.asked or _NOTHING_ASKED).get("local_number") or ""
               for row in batch.rows]
    held_numbers = target.numbers_held({n[:10] for n in numbers if LOCAL_FORMAT.match(n)})
    places = _Places(lookups, settings, as_of)
    seen = _Seen()
    total = len(batch.rows)
    for done, row in enumerate(intake.with_schools(target, settings, batch), start=1):
        _judge(row, id(row) in no_grade, places, held_numbers, seen)
        if tick and done % intake.TICK == 0:
            tick("检查", done, total)


def _asked(row: intake.Row, key: str) -> str:
    return (row.applicant.asked or _NOTHING_ASKED).get(key) or ""


def _judge(row: intake.Row, no_grade: bool, places: _Places, held_numbers: dict[str, str],
           seen: _Seen) -> None:
    a = row.applicant
    asked = a.asked or _NOTHING_ASKED
    number = asked.get("local_number") or ""
    status = asked.get("status") or "active"
    month = asked.get("entry_month") or ""
    school, problems = places.school(a.school_code)
    found = a.problems + problems
    entry_year = None
    found += identity_problems(a, "INPUT")  # who the pupil is; NUM-6
    national, problems = identity.national_number_for(a.id_type, a.id_number, a.national_number)
    found += problems
    if no_grade:
        found.append(Violation("INPUT", "grade", "缺少年级", "填写该生现在的年级,如 3"))
    elif school is not None:
        entry_year, problems, type_digit = places.cohort(school, a.grade, month)
        found += problems
        found += check_kept_number(number, places.settings.city, places.settings.county,
                                   entry_year, school.code, type_digit)
    if status not in ON_REGISTER:
        found.append(Violation(
            "INPUT", "status", f"学生状态为「{codes.label('status', status)}」:不在籍,不接收",
            "只接收在籍的学生(在校、休学、外出借读);已离校的学生不必接收"))
    held = places.lookups.matches(a) if a.name and a.birth else []
    if held and _already(a, number, held):
        row.status, row.existing = "already", number
        _twice(row, number, national, seen)  # remembered: a later row naming it is twice
        return
    found += _twice(row, number, national, seen)
    if held:
        found += identity.check_one_record(held)
    holder = held_numbers.get(number)
    if holder is not None and not held:
        found.append(Violation("NUM-2", "local_number",
                               f"学籍号 {number} 已由本目录的 {holder} 使用",
                               "一号一人:核对本行的学籍号"))
    errors, warnings = split(found) if found else ([], [])
    row.assessment = EnrollmentAssessment(
        errors, warnings, school, entry_year, national, status, places.source(row, month))
    if errors:
        row.status, row.errors = "invalid", errors


def _entry_year(month: str, grade: int, settings: Settings, school, as_of: dt.date,
                wrong_grade: list[Violation]) -> tuple[int | None, list[Violation]]:
    """The cohort's entry year: the row's 入学年月, else what its grade gives on the day
    of the takeover (a pupil who repeated a grade needs the 入学年月)."""
    year = settings.school_year(as_of)
    if month:
        entry_year = int(month[:4])
        if entry_year > year:
            return entry_year, [Violation(
                "INPUT", "entry_month", f"入学年月 {month} 晚于接收日期 {as_of:%Y-%m-%d} 所在学年",
                "核对入学年月;今年秋季入学的新生用 xueji enroll 登记")]
        return entry_year, []
    if wrong_grade:
        return None, []
    return entry_year_for(settings, school, grade, as_of), []


def _already(a, number: str, held: list[dict]) -> bool:
    """Taken over before: the same pupil held at this school with this number."""
    return any(m["local_number"] == number and m["school_code"] == a.school_code
               and m["name"] == a.name and m["gender"] == a.gender and m["birth"] == a.birth
               for m in held) if number else False


def _twice(row: intake.Row, number: str, national: str | None, seen: _Seen) -> list[Violation]:
    """NUM-2 and NUM-7 within the files: a number, an ID number, a national number or
    (without an ID number) a name and birth date already on an earlier row. The row is
    remembered for the rows after it (the first row holding a value keeps it)."""
    a = row.applicant
    found = []
    if number:
        first = seen.numbers.setdefault(number, row)
        if first is not row:
            found.append(Violation("NUM-2", "local_number", f"学籍号与{first}相同",
                                   "一号一人:核对两行的学籍号"))
    same_id = seen.ids.setdefault(a.id_number, row) if a.id_number else row
    same_national = seen.nationals.setdefault(national, row) if national else row
    same_person = seen.people.setdefault(person_key(a), row) \
        if not a.id_number and a.name else row
    if same_id is not row:
        found.append(Violation("NUM-7", "id_number", f"身份证号与{same_id}相同",
                               "同一名学生只能接收一次;删去重复的一行"))
    elif same_national is not row:
        found.append(Violation("NUM-7", "national_number", f"全国学籍号与{same_national}相同",
                               "同一名学生只能接收一次;删去重复的一行"))
    elif same_person is not row:
        found.append(Violation("NUM-7", "name", f"姓名、出生日期与{same_person}相同",
                               "同一名学生只能接收一次;删去重复的一行"))
    return found


# -- keeping the numbers and writing ---------------------------------------------------------

def number(batch: intake.Batch) -> None:
    """Each new row keeps its own number; they are written in the order of the numbers."""
    rows = batch.having("new")
    for row in rows:
        row.local_number = _asked(row, "local_number")
    batch.numbered = sorted(rows, key=attrgetter("local_number"))


def write(target: Target, batch: intake.Batch, as_of: dt.date, operator: str,
          tick: intake.Tick | None = None) -> str | None:
    """Write the new rows (persons, records, one takeover entry each) in the target's one
    transaction. Returns the batch id the entries carry."""
    rows = batch.numbered or []
    if not rows:
        return None
    batch.batch_id = f"takeover-{now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    target.write([(r.applicant, r.assessment, r.local_number) for r in rows], as_of, operator,
                 batch.batch_id, (lambda done: tick("写入", done, len(rows))) if tick else None,
                 kind=KIND)
    return batch.batch_id
