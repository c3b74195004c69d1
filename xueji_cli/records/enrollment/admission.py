"""Enrollment (入学 / 新生注册): every rule of RULES.md that applies, all problems found in
one pass, then the person, the record, its numbers and the journal entry in one
transaction.

`Roster` answers the look-ups the rules need and also counts what the current batch has
already accepted, so one student and a whole September roster go through the same path.
One student's look-ups are queries through the session; a roster's are loaded at once
(Roster.loaded, by records/enrollment/sqlite_target.py on SQLite). The ORM is imported where it is used, so that
the September intake, which writes through sqlite3 (records/enrollment/sqlite_target.py), never loads it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xueji_cli.values import codes
from xueji_cli.ledger import journal
from xueji_cli.values.errors import Refused
from xueji_cli.records.enrollment.numbering import Sequencer, prefix_for
from xueji_cli.store.settings import Settings
from xueji_cli.store.inserts import insert_many
from xueji_cli.values.dates import now
from xueji_cli.values.violation import Violation, split
from xueji_cli.rules import enrollment as rules
from xueji_cli.rules import identity
from xueji_cli.rules.dates import check_not_far_ahead

if TYPE_CHECKING:
    from sqlmodel import Session

    from xueji_cli.ledger.models import Person, School, Student


@dataclass(slots=True)  # a roster holds thousands of them
class Applicant:
    """One child to enroll, with values already converted (values/fields.py)."""

    school_code: str
    name: str
    gender: str | None
    birth: dt.date | None
    grade: int
    class_no: int
    id_type: str = "1"
    id_number: str = ""
    national_number: str = ""
    hukou_region: str = ""
    guardian_hukou_region: str = ""
    residence_region: str = ""
    evidence: list[str] = field(default_factory=list)  # evidence keys
    underage_commitment: str | None = None
    cap_decision: str | None = None
    ethnicity: str | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    address: str | None = None
    remark: str | None = None
    details: dict = field(default_factory=dict)
    problems: list[Violation] = field(default_factory=list)  # values that could not be read


@dataclass(slots=True)
class Assessment:
    errors: list[Violation]
    warnings: list[Violation]
    school: School | None = None
    entry_year: int | None = None
    national_number: str | None = None


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


class Roster:
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

    @classmethod
    def loaded(cls, schools: dict[str, School], areas: dict[int, list[str]],
               class_counts: dict[tuple[int, int, int], int],
               found: dict[tuple, list[dict]]) -> Roster:
        """A roster whose look-ups were all made beforehand (a whole September roster,
        records/enrollment/sqlite_target.py): every school by code, their service areas, each class's count of
        active records, and the records held for the batch's children by match key
        (match_keys → match())."""
        roster = cls()
        roster._schools, roster._areas = dict(schools), areas
        roster._class_counts, roster._found = dict(class_counts), found
        roster._all_schools = roster._all_counts = True
        return roster

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
                found = rules.check_service_area(hukou, facts.label, areas, serving)
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
        """Records already held for the same person (NUM-7)."""
        if self._found is not None:
            if applicant.id_number:
                key = ("id", applicant.id_number)
            elif applicant.national_number:
                key = ("national", applicant.national_number)
            else:
                key = ("name", applicant.name, applicant.birth)
            held = self._found.get(key)
            if not held:
                return []
            by, by_label = _match_by(applicant)
            return [{**m, "by": by, "by_label": by_label} for m in held
                    if by != "name" or not applicant.guardian_name
                    or m["guardian_name"] == applicant.guardian_name]
        from sqlmodel import select

        from xueji_cli.ledger.models import Person, School, Student

        found = []
        query = (select(Student, Person, School).join(Person, Person.id == Student.person_id)
                 .join(School, School.id == Student.school_id))
        if applicant.id_number:
            where, by, by_label = Person.id_number == applicant.id_number, "id_number", "身份证号"
        elif applicant.national_number:
            where, by, by_label = (Student.national_number == applicant.national_number,
                                   "national_number", "全国学籍号")
        elif applicant.guardian_name:
            where = (Person.name == applicant.name) & (Person.birth_date == applicant.birth) \
                & (Person.guardian_name == applicant.guardian_name)
            by, by_label = "name", "姓名、出生日期和监护人"
        else:
            where = (Person.name == applicant.name) & (Person.birth_date == applicant.birth)
            by, by_label = "name", "姓名和出生日期"
        for student, person, school in self.session.exec(query.where(where)):
            found.append({"by": by, "by_label": by_label, **match(
                school.code, school.name, student.local_number, student.status, person.name,
                person.gender, person.birth_date, student.grade, student.class_no,
                person.guardian_name)})
        return found

    def accept(self, applicant: Applicant, school: School, label: object) -> None:
        """Count a child this batch will enroll (class caps, duplicates across rows).
        `label` names the child in a message about a later duplicate (str() of it)."""
        key = (school.id, applicant.grade, applicant.class_no)
        self._class_counts[key] = self.in_class(*key) + 1
        if applicant.id_number:
            self.pending_ids[applicant.id_number] = label
        self.pending_people[_person_key(applicant)] = label


def match(school_code: str, school_name: str, local_number: str | None, status: str,
          name: str, gender: str, birth: dt.date, grade: int, class_no: int,
          guardian_name: str | None) -> dict:
    """A record already held for a person, as the rules (NUM-7) and the intake read it."""
    return {"school": f"{school_code} {school_name}", "school_code": school_code,
            "local_number": local_number, "status": status,
            "status_label": codes.label("status", status), "name": name,
            "gender": gender, "birth": birth, "grade": grade,
            "class_no": class_no, "guardian_name": guardian_name}


def _match_by(applicant: Applicant) -> tuple[str, str]:
    if applicant.id_number:
        return "id_number", "身份证号"
    if applicant.national_number:
        return "national_number", "全国学籍号"
    if applicant.guardian_name:
        return "name", "姓名、出生日期和监护人"
    return "name", "姓名和出生日期"


def match_keys(name: str, birth: dt.date, id_number: str | None,
               national_number: str | None) -> list[tuple]:
    """The keys under which Roster.loaded finds a held record: by name and birth date, by
    ID number, by national number (Roster.matches looks up the applicant's own key)."""
    keys = [("name", name, birth)]
    if id_number:
        keys.append(("id", id_number))
    if national_number:
        keys.append(("national", national_number))
    return keys


def _person_key(applicant: Applicant) -> tuple:
    return (applicant.name, applicant.birth, applicant.guardian_name or "")


def required_evidence(settings: Settings) -> dict[str, str]:
    return _required_evidence(settings.policy.require_vaccination)


@functools.cache
def _required_evidence(vaccination: bool) -> dict[str, str]:
    keys = ["hukou", "property"] + (["vaccination"] if vaccination else [])
    return {key: codes.evidence_label(key) for key in keys}


def entry_year_for(settings: Settings, school: School, grade: int, effective: dt.date) -> int:
    """The cohort's entry year: the school year of the enrollment, less the grades above
    the first (a child entering grade 3 joins the cohort that entered two years ago)."""
    return _entry_year(settings, settings.grades[school.type][0], grade, effective)


def _entry_year(settings: Settings, first_grade: int, grade: int, effective: dt.date) -> int:
    return settings.school_year(effective) - (grade - first_grade)


@functools.lru_cache(maxsize=64)
def _not_far_ahead(effective: dt.date, today: dt.date, limit_days: int) -> list[Violation]:
    return check_not_far_ahead(effective, today, limit_days, "ENR-4", "date", "入学日期")


# The pure rules whose arguments a roster repeats row after row (the same regions, birth
# dates, evidence, grade and date): each answer is worked out once per distinct arguments.
# The lists answered are shared, so assess() only reads them (found += …).
_two_agreements = functools.lru_cache(maxsize=4096)(rules.check_two_agreements)
@functools.lru_cache(maxsize=4096)
def _school_age(birth: dt.date, entry_year: int, min_age: int, cutoff: tuple[int, int],
                underage_entry: str, commitment: str | None) -> list[Violation]:
    """rules.check_school_age, cached by its arguments given in order (a cache key
    made of keyword arguments costs more to build than the rule takes)."""
    return rules.check_school_age(birth, entry_year, min_age=min_age, cutoff=cutoff,
                                  underage_entry=underage_entry, commitment=commitment)
_timely = functools.lru_cache(maxsize=64)(rules.check_timely)
_grade = functools.lru_cache(maxsize=256)(rules.check_grade)


@functools.lru_cache(maxsize=1024)
def _evidence(shown: tuple[str, ...], vaccination: bool) -> list[Violation]:
    return rules.check_evidence(list(shown), _required_evidence(vaccination))


def assess(applicant: Applicant, roster: Roster, settings: Settings, effective: dt.date,
           today: dt.date, held: list[dict] | None = None) -> Assessment:
    """Every rule that applies to one child; nothing is written. `held`: what
    roster.matches(applicant) answers, when the caller has already asked it."""
    found: list[Violation] = []
    school = roster.school(applicant.school_code)
    if school is None:
        found.append(Violation("ORG-2", "school", f"本目录没有代码为 {applicant.school_code} 的学校",
                               "用 xueji school list 查看学校代码"))
    found += _not_far_ahead(effective, today, settings.policy.future_limit_days)
    if not applicant.name:
        found.append(Violation("ENR-7", "name", "缺少姓名", "按户口簿填写姓名"))
    if applicant.gender is None:
        found.append(identity.missing("ENR-7", "gender", "性别", "填写 男 或 女",
                                      applicant.id_type, applicant.id_number))
    if applicant.birth is None:
        found.append(identity.missing("ENR-7", "birth", "出生日期", "按户口簿填写出生日期",
                                      applicant.id_type, applicant.id_number))
    found += identity.check_resident_id(
        applicant.id_type, applicant.id_number, applicant.birth, applicant.gender,
        "按户口簿填写18位公民身份号码;确无身份证号的,注明证件类型")
    national, problems = identity.national_number_for(
        applicant.id_type, applicant.id_number, applicant.national_number)
    found += problems
    if applicant.id_number and applicant.id_number in roster.pending_ids:
        found.append(Violation("NUM-7", "id_number",
                               f"身份证号与{roster.pending_ids[applicant.id_number]}相同",
                               "同一名学生只能登记一次;删去重复的一行"))
    elif not applicant.id_number and _person_key(applicant) in roster.pending_people:
        found.append(Violation("NUM-7", "name",
                               f"姓名、出生日期与{roster.pending_people[_person_key(applicant)]}相同",
                               "同一名学生只能登记一次;删去重复的一行"))
    if applicant.name and applicant.birth:
        found += identity.check_one_record(roster.matches(applicant) if held is None else held)
    found += _two_agreements(applicant.hukou_region, applicant.guardian_hukou_region,
                             applicant.residence_region)
    found += _evidence(tuple(applicant.evidence), settings.policy.require_vaccination)
    found += _timely(effective, today)
    entry_year = None
    if school is not None:
        facts = roster.facts(school, settings)
        wrong_grade = _grade(applicant.grade, facts.first_grade, facts.last_grade, facts.type_label)
        found += wrong_grade
        entry_year = _entry_year(settings, facts.first_grade, applicant.grade, effective)
        # School age (ENR-1) is judged against the entry year the grade gives: with a
        # grade the school does not have, there is no such year to judge against.
        if applicant.birth and facts.type == "primary" and not wrong_grade:
            policy = settings.policy
            found += _school_age(applicant.birth, entry_year, policy.school_age_years,
                                 policy.school_age_cutoff, policy.underage_entry,
                                 applicant.underage_commitment)
        if applicant.hukou_region:
            found += roster.service_area(applicant.hukou_region, facts)
        found += rules.check_class_cap(
            roster.in_class(facts.id, applicant.grade, applicant.class_no), 1, facts.cap,
            applicant.cap_decision, f"{facts.label} {applicant.grade}年级{applicant.class_no}班")
    # A value that could not be read is reported once, as such, not again as missing.
    if applicant.problems:
        unreadable = {v.field for v in applicant.problems}
        found = applicant.problems + [v for v in found if v.field not in unreadable]
    errors, warnings = split(found) if found else ([], [])
    return Assessment(errors, warnings, school, entry_year, national)


@dataclass
class Enrolled:
    student: Student
    person: Person
    school: School
    warnings: list[Violation]


PERSON_KEYS = ("id", "name", "gender", "birth_date", "id_type", "id_number", "ethnicity",
               "hukou_region", "guardian_name", "guardian_hukou_region", "guardian_phone",
               "residence_region", "address", "details", "created_at")


def write_many(session: Session, items: list[tuple[Applicant, Assessment, str]],
               effective: dt.date, operator: str, batch: str | None = None) -> list[tuple[int, int]]:
    """Create the people, their records with the numbers given and the journal entries, for
    children already assessed (one child, or a roster on a server database), through the
    session; the ids are taken table by table. Returns (person id, record id) of each."""
    if not items:
        return []
    from xueji_cli.ledger.models import Person

    stamp = now()
    people = [dict(zip(PERSON_KEYS[1:], _person(a, stamp))) for a, _, _ in items]
    person_ids = insert_many(session, Person.__table__, people, return_ids=True)
    student_ids = journal.create_records(session, "enroll", effective, operator,
                                         _records(items, person_ids, effective, stamp, batch))
    return list(zip(person_ids, student_ids))


def rows_to_write(items: list[tuple[Applicant, Assessment, str]], effective: dt.date,
                  operator: str, batch: str | None, person_ids: range,
                  student_ids: range) -> list[tuple[str, tuple, list[tuple]]]:
    """What write_many writes, as (table, columns, rows) with the ids given — for a bulk
    write that took the ids of all its rows at its start (records/enrollment/sqlite_target.py)."""
    stamp = now()
    shared: dict[tuple, dict] = {}
    people = [(person_id, *_person(a, stamp, _shared(shared, a.details)))
              for person_id, (a, _, _) in zip(person_ids, items)]
    records = _records(items, person_ids, effective, stamp, batch)
    return [("person", PERSON_KEYS, people),
            ("student", *journal.record_rows(records, student_ids)),
            ("journal", journal.ENTRY_KEYS,
             journal.entry_rows("enroll", effective, operator, records, student_ids))]


def _shared(shared: dict[tuple, dict], details: dict) -> dict:
    """One dict for the details of the same content (most children of a roster have the
    same few, 健康状况 健康 …), so that a writer encodes it once; the applicants keep
    their own dicts."""
    try:
        return shared.setdefault(tuple(details.items()), details)
    except TypeError:  # a value that is itself a list or dict (a family member)
        return details


def _person(a: Applicant, stamp: dt.datetime, details: dict | None = None) -> tuple:
    """The values of PERSON_KEYS after the id (`details`: the applicant's, or a dict of
    the same content)."""
    return (a.name, a.gender, a.birth, a.id_type, a.id_number or None, a.ethnicity,
            a.hukou_region or None, a.guardian_name, a.guardian_hukou_region or None,
            a.guardian_phone, a.residence_region or None, a.address,
            a.details if details is None else details, stamp)


def _records(items, person_ids, effective: dt.date, stamp, batch: str | None) -> list[tuple]:
    """(the record's own fields, `sets`, the entry's other fields) of each child, for
    journal.create_records."""
    labels = codes.table("evidence")
    shared: dict[tuple, list] = {}  # rows with the same evidence share one list (written once)
    schools: dict[int, tuple[int, str]] = {}  # id(school) -> its id and label, read once
    records = []
    for person_id, (applicant, assessment, number) in zip(person_ids, items):
        school = schools.get(id(assessment.school))
        if school is None:
            school = schools[id(assessment.school)] = (
                assessment.school.id, f"{assessment.school.code} {assessment.school.name}")
        own = {"person_id": person_id, "enrolled_on": effective, "remark": applicant.remark,
               "created_at": stamp}
        sets = {"school_id": school[0], "kind": "regular", "local_number": number,
                "national_number": assessment.national_number,
                "entry_year": assessment.entry_year, "grade": applicant.grade,
                "class_no": applicant.class_no, "status": "active"}
        shown = (tuple(applicant.evidence), applicant.underage_commitment)
        evidence = shared.get(shown)
        if evidence is None:
            evidence = [labels.get(key) or codes.evidence_label(key) for key in applicant.evidence]
            if applicant.underage_commitment:
                evidence.append(f"{codes.evidence_label('commitment')}:{applicant.underage_commitment}")
            shared[shown] = evidence
        approvals = [{"for": "ENR-5", "decision": applicant.cap_decision}] \
            if applicant.cap_decision else _NO_APPROVALS
        entry = {"to_school": school[1], "evidence": evidence, "approvals": approvals,
                 "batch": batch,
                 "remark": "; ".join(f"{w.rule} {w.message}" for w in assessment.warnings)
                 or None if assessment.warnings else None}
        records.append((own, sets, entry))
    return records


_NO_APPROVALS: list = []  # shared by every entry without one; never changed


def write(session: Session, applicant: Applicant, assessment: Assessment, sequencer: Sequencer,
          settings: Settings, effective: dt.date, operator: str, batch: str | None = None) -> Enrolled:
    """Create the person, the record with its next number, and the journal entry."""
    from xueji_cli.ledger.models import Person, Student

    number = sequencer.next(prefix_for(settings, assessment.school, assessment.entry_year))
    [(person_id, student_id)] = write_many(session, [(applicant, assessment, number)],
                                           effective, operator, batch)
    return Enrolled(session.get(Student, student_id), session.get(Person, person_id),
                    assessment.school, assessment.warnings)


def enroll_one(session: Session, settings: Settings, applicant: Applicant, effective: dt.date,
               today: dt.date, operator: str, dry_run: bool = False) -> Enrolled | Assessment:
    """Enroll one child, or raise Refused with every problem found."""
    from xueji_cli.values.school_codes import normalise_code

    applicant.school_code = normalise_code(applicant.school_code)
    roster = Roster(session)
    assessment = assess(applicant, roster, settings, effective, today)
    if assessment.errors:
        raise Refused(assessment.errors, assessment.warnings)
    if dry_run:
        return assessment
    return write(session, applicant, assessment, Sequencer(session), settings, effective, operator)
