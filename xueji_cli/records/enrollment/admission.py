"""Admission (入学 / 新生注册): every rule of RULES.md that applies to enrolling a child,
all problems found in one pass (`assess`), against the look-ups of records/enrollment/lookups.py;
one student and each row of a September roster are judged by the same function. Writing
what was admitted is records/enrollment/enrolling.py.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.lookups import Lookups, person_key
from xueji_cli.rules import enrollment as rules
from xueji_cli.rules import identity
from xueji_cli.rules.dates import check_not_far_ahead
from xueji_cli.rules.organisation import check_school_open
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.violation import Violation, split

if TYPE_CHECKING:
    from xueji_cli.ledger.models import School


@dataclass(slots=True)
class EnrollmentAssessment:
    """What the rules found of one child (errors refuse, warnings are recorded), and what
    writing the enrollment needs of it: the school, the cohort's entry year, the national
    number (NUM-6)."""

    errors: list[Violation]
    warnings: list[Violation]
    school: School | None = None
    entry_year: int | None = None
    national_number: str | None = None
    status: str = "active"  # the record's state at its first entry (a register taken over keeps its own)
    entry_details: dict | None = None  # the first entry's details (where a taken-over record came from)


def entry_year_for(settings: Settings, school: School, grade: int, effective: dt.date) -> int:
    """The cohort's entry year: the school year of the enrollment, less the grades above
    the first (a child entering grade 3 joins the cohort that entered two years ago)."""
    return _entry_year(settings, settings.grades[school.type][0], grade, effective)


def _entry_year(settings: Settings, first_grade: int, grade: int, effective: dt.date) -> int:
    return settings.school_year(effective) - (grade - first_grade)


@functools.lru_cache(maxsize=64)
def _not_far_ahead(effective: dt.date, today: dt.date, limit_days: int) -> list[Violation]:
    return check_not_far_ahead(effective, today, limit_days, "date", "入学日期")


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
    """ENR-2: the household register and proof of property, and the vaccination
    certificate where the policy asks for it ([XX])."""
    required = ["hukou", "property"] + (["vaccination"] if vaccination else [])
    return rules.check_evidence(list(shown), {key: codes.evidence_label(key) for key in required})


def identity_problems(applicant: Applicant, rule: str) -> list[Violation]:
    """Who the child is: a name, gender and birth date (missing ones under `rule`), and
    the resident ID number (NUM-6)."""
    found = []
    if not applicant.name:
        found.append(Violation(rule, "name", "缺少姓名", "按户口簿填写姓名"))
    if applicant.gender is None:
        found.append(identity.missing(rule, "gender", "性别", "填写 男 或 女",
                                      applicant.id_type, applicant.id_number))
    if applicant.birth is None:
        found.append(identity.missing(rule, "birth", "出生日期", "按户口簿填写出生日期",
                                      applicant.id_type, applicant.id_number))
    found += identity.check_name_characters("name", "姓名", applicant.name)
    found += identity.check_name_characters("guardian_name", "监护人姓名", applicant.guardian_name)
    return found + identity.check_resident_id(
        applicant.id_type, applicant.id_number, applicant.birth, applicant.gender,
        "按户口簿填写18位公民身份号码;确无身份证号的,注明证件类型")


def assess(applicant: Applicant, lookups: Lookups, settings: Settings, effective: dt.date,
           today: dt.date, held: list[dict] | None = None) -> EnrollmentAssessment:
    """Every rule that applies to one child; nothing is written. `held`: what
    lookups.matches(applicant) answers, when the caller has already asked it."""
    found: list[Violation] = []
    school = lookups.school(applicant.school_code)
    if school is None:
        found.append(Violation("ORG-2", "school", f"本目录没有代码为 {applicant.school_code} 的学校",
                               "用 xueji school list 查看学校代码"))
    else:
        found += check_school_open(f"{school.code} {school.name}", school.closed_on, effective)
    found += _not_far_ahead(effective, today, settings.policy.future_limit_days)
    found += identity_problems(applicant, "ENR-7")
    national, problems = identity.national_number_for(
        applicant.id_type, applicant.id_number, applicant.national_number)
    found += problems
    if applicant.id_number and applicant.id_number in lookups.pending_ids:
        found.append(Violation("NUM-7", "id_number",
                               f"身份证号与{lookups.pending_ids[applicant.id_number]}相同",
                               "同一名学生只能登记一次;删去重复的一行"))
    elif not applicant.id_number and person_key(applicant) in lookups.pending_people:
        found.append(Violation("NUM-7", "name",
                               f"姓名、出生日期与{lookups.pending_people[person_key(applicant)]}相同",
                               "同一名学生只能登记一次;删去重复的一行"))
    if applicant.name and applicant.birth:
        found += identity.check_one_record(lookups.matches(applicant) if held is None else held)
    found += _two_agreements(applicant.hukou_region, applicant.guardian_hukou_region,
                             applicant.residence_region, lookups.region_label)
    found += _evidence(tuple(applicant.evidence), settings.policy.require_vaccination)
    found += _timely(effective, today)
    entry_year = None
    if school is not None:
        facts = lookups.facts(school, settings)
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
            found += lookups.service_area(applicant.hukou_region, facts)
        found += rules.check_class_cap(
            lookups.in_class(facts.id, applicant.grade, applicant.class_no), 1, facts.cap,
            applicant.cap_decision, f"{facts.label} {applicant.grade}年级{applicant.class_no}班")
    # A value that could not be read is reported once, as such, not again as missing.
    if applicant.problems:
        unreadable = {v.field for v in applicant.problems}
        found = applicant.problems + [v for v in found if v.field not in unreadable]
    errors, warnings = split(found) if found else ([], [])
    return EnrollmentAssessment(errors, warnings, school, entry_year, national)
