"""What the rules of enrollment look up in the database (`Lookups`): schools, their service
areas, the children in a class, the records already held for a child — plus what the
current batch has accepted so far, so that one student and a whole September roster go
through the same rules (ENR-5 class caps over the rows, NUM-7 the same child twice).

One student's look-ups are queries through the session, made as the rules ask; a roster's
are all made at once beforehand (Lookups.loaded, by records/enrollment/roster_target.py on
either store). The ORM is imported where it is used, so that the September intake, which reads
and writes through sqlite3, never loads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xueji_cli.records.directory import regions
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.rules import enrollment as rules
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.violation import Violation

if TYPE_CHECKING:
    from sqlmodel import Session

    from xueji_cli.ledger.models import School


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    """What assess() reads of a school and the settings for it."""

    id: int
    code: str
    type: str
    label: str  # "001 示范镇中心小学"
    first_grade: int
    last_grade: int
    type_label: str
    areas: list[str]  # service areas
    cap: int  # class cap (ENR-5)


class Lookups:
    """Look-ups over the database, plus the children this batch has accepted so far."""

    def __init__(self, session: Session | None = None):
        self.session = session
        self._schools: dict[str, School | None] = {}
        self._areas: dict[int, list[str]] | None = None
        self._class_counts: dict[tuple[int, int, int], int] = {}
        # id number (or name, birth date and guardian) -> what this batch calls the child:
        # a text, or an object that says it when a message formats it (a roster's row)
        self.pending_ids: dict[str, object] = {}
        self.pending_people: dict[tuple, object] = {}
        self._all_schools = False
        self._all_counts = False
        self._found: dict[tuple, list[dict]] | None = None  # loaded matches (NUM-7)
        self._facts: dict[int, SchoolFacts] = {}
        self._service: dict[tuple[str, int], list[Violation]] = {}  # read only once made
        # how a refusal names a region: 名称(代码), the table loaded only for a refusal
        self.region_label: rules.RegionLabel = (
            regions.session_labeller(session) if session is not None else str)

    @classmethod
    def loaded(cls, schools: dict[str, School], areas: dict[int, list[str]],
               class_counts: dict[tuple[int, int, int], int],
               found: dict[tuple, list[dict]],
               region_label: rules.RegionLabel = str) -> Lookups:
        """Look-ups all made beforehand (a whole September roster,
        records/enrollment/roster_target.py): every school by code, their service areas,
        each class's count of active records, and the records held for the batch's
        children by match key (match_keys → matches()); `region_label` names a region
        in a refusal."""
        lookups = cls()
        lookups.region_label = region_label
        lookups._schools, lookups._areas = dict(schools), areas
        lookups._class_counts, lookups._found = dict(class_counts), found
        lookups._all_schools = lookups._all_counts = True
        return lookups

    def school(self, code: str) -> School | None:
        if self._all_schools:
            return self._schools.get(code)
        if code not in self._schools:
            from sqlmodel import select

            from xueji_cli.ledger.models import School

            self._schools[code] = self.session.exec(
                select(School).where(School.code == code)).first()
        return self._schools[code]

    def facts(self, school: School, settings: Settings) -> SchoolFacts:
        """What the rules read of a school, read once per school (not once per child)."""
        found = self._facts.get(school.id)
        if found is None:
            first, last = settings.grades[school.type]
            found = self._facts[school.id] = SchoolFacts(
                school.id, school.code, school.type, f"{school.code} {school.name}", first, last,
                codes.label("school_type", school.type), self.areas().get(school.id, []),
                settings.class_cap[school.type])
        return found

    def areas(self) -> dict[int, list[str]]:
        if self._areas is None:
            from sqlmodel import select

            from xueji_cli.ledger.models import ServiceArea

            self._areas = {}
            for area in self.session.exec(select(ServiceArea)):
                self._areas.setdefault(area.school_id, []).append(area.region)
        return self._areas

    def serving(self, region: str, besides: int) -> list[str]:
        labels = []
        for school_id, areas in self.areas().items():
            if school_id != besides and rules.within(region, areas):
                school = self._school_by_id(school_id)
                labels.append(f"{school.code} {school.name}")
        return sorted(labels)

    def _school_by_id(self, school_id: int) -> School:
        if self._all_schools:
            return next(s for s in self._schools.values() if s.id == school_id)
        from xueji_cli.ledger.models import School

        return self.session.get(School, school_id)

    def service_area(self, hukou: str, facts: SchoolFacts) -> list[Violation]:
        """ENR-2 就近入学 for a household registration and a school, worked out once per
        distinct pair (a roster's children mostly share a few villages). A malformed code
        is reported by the two-agreements check instead."""
        key = (hukou, facts.id)
        found = self._service.get(key)
        if found is None:
            found = []
            if not rules.check_region_format(hukou, "hukou_region"):
                areas = facts.areas
                serving = [] if rules.within(hukou, areas) \
                    else self.serving(hukou, facts.id)  # only to explain a refusal
                found = rules.check_service_area(hukou, facts.label, areas, serving,
                                                 self.region_label)
            self._service[key] = found
        return found

    def in_class(self, school_id: int, grade: int, class_no: int) -> int:
        key = (school_id, grade, class_no)
        if self._all_counts:
            return self._class_counts.get(key, 0)
        if key not in self._class_counts:
            from sqlalchemy import func
            from sqlmodel import select

            from xueji_cli.ledger.models import Student

            self._class_counts[key] = self.session.exec(
                select(func.count()).select_from(Student).where(
                    Student.school_id == school_id, Student.grade == grade,
                    Student.class_no == class_no, Student.status == "active")).one()
        return self._class_counts[key]

    def matches(self, applicant: Applicant) -> list[dict]:
        """Records already held for the same person (NUM-7): by ID number; without one, by
        name, birth date and guardian whatever national number is given, and by that
        national number (students.held_for). Each says what it was matched by."""
        if self._found is None:
            return self._queried(applicant)
        if applicant.id_number:
            return [_by(m, "id_number", applicant)
                    for m in self._found.get(("id", applicant.id_number), [])]
        held: dict[int, dict] = {}  # a record found both ways is held once (by national number)
        for m in self._found.get(("national", applicant.national_number), []):
            held[id(m)] = _by(m, "national_number", applicant)
        for m in self._found.get(("name", applicant.name, applicant.birth), []):
            if not applicant.guardian_name or m["guardian_name"] == applicant.guardian_name:
                held.setdefault(id(m), _by(m, "name", applicant))
        return list(held.values())

    def _queried(self, applicant: Applicant) -> list[dict]:
        from xueji_cli.records.directory.students import held_for

        found = []
        for student, person, school in held_for(
                self.session, applicant.id_number, applicant.national_number, applicant.name,
                applicant.birth, applicant.guardian_name):
            held = match(school.code, school.name, student.local_number, student.status,
                         person.name, person.gender, person.birth_date, student.grade,
                         student.class_no, person.guardian_name)
            if applicant.id_number:
                by = "id_number"
            elif applicant.national_number and student.national_number == applicant.national_number:
                by = "national_number"
            else:
                by = "name"
            found.append(_by(held, by, applicant))
        return found

    def accept(self, applicant: Applicant, school: School, label: object) -> None:
        """Count a child this batch will enroll (class caps, duplicates across rows).
        `label` names the child in a message about a later duplicate (str() of it)."""
        key = (school.id, applicant.grade, applicant.class_no)
        self._class_counts[key] = self.in_class(*key) + 1
        if applicant.id_number:
            self.pending_ids[applicant.id_number] = label
        self.pending_people[person_key(applicant)] = label


def match(school_code: str, school_name: str, local_number: str | None, status: str,
          name: str, gender: str, birth: dt.date, grade: int, class_no: int,
          guardian_name: str | None) -> dict:
    """A record already held for a person, as the rules (NUM-7) and the intake read it."""
    return {"school": f"{school_code} {school_name}", "school_code": school_code,
            "local_number": local_number, "status": status,
            "status_label": codes.label("status", status), "name": name,
            "gender": gender, "birth": birth, "grade": grade,
            "class_no": class_no, "guardian_name": guardian_name}


BY_LABELS = {"id_number": "身份证号", "national_number": "全国学籍号"}


def _by(held: dict, by: str, applicant: Applicant) -> dict:
    """A held record with what it was matched by (NUM-7), as a field and in words."""
    label = BY_LABELS.get(by) or (
        "姓名、出生日期和监护人" if applicant.guardian_name else "姓名和出生日期")
    return {**held, "by": by, "by_label": label}


def match_keys(name: str, birth: dt.date, id_number: str | None,
               national_number: str | None) -> list[tuple]:
    """The keys under which Lookups.loaded finds a held record: by name and birth date, by
    ID number, by national number (Lookups.matches looks up the applicant's own key)."""
    keys = [("name", name, birth)]
    if id_number:
        keys.append(("id", id_number))
    if national_number:
        keys.append(("national", national_number))
    return keys


def person_key(applicant: Applicant) -> tuple:
    """The same child in two rows without an ID number (NUM-7)."""
    return (applicant.name, applicant.birth, applicant.guardian_name or "")
