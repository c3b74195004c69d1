"""Enrolling what the rules admitted (records/enrollment/admission.py): the person, the
record with its local number (NUM-1) and national number, and the journal entry, in the
caller's transaction — one child (enroll_one), or many through the session (write_many).
rows_to_write gives the same rows to the writers of a roster, sqlite3's and the server's
COPY (records/enrollment/roster_target.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from xueji_cli.ledger import journal
from xueji_cli.records.enrollment.admission import EnrollmentAssessment, assess
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.records.enrollment.numbering import Sequencer, prefix_for
from xueji_cli.store.inserts import insert_many
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.dates import now
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation

if TYPE_CHECKING:
    from sqlmodel import Session

    from xueji_cli.ledger.models import Person, School, Student

WRITE_CHUNK = 2000  # children written at a time: a roster's rows are made chunk by chunk


@dataclass
class Enrolled:
    student: Student
    person: Person
    school: School
    warnings: list[Violation]


PERSON_KEYS = ("id", "name", "gender", "birth_date", "id_type", "id_number", "ethnicity",
               "hukou_region", "guardian_name", "guardian_hukou_region", "guardian_phone",
               "residence_region", "address", "details", "created_at")


def write_many(session: Session, items: list[tuple[Applicant, EnrollmentAssessment, str]],
               effective: dt.date, operator: str, batch: str | None = None,
               kind: str = "enroll") -> list[tuple[int, int]]:
    """Create the people, their records with the numbers given and the journal entries
    (of `kind`: enroll, or takeover for a register taken over as it stands), for children
    already assessed (one child, or many), through the session;
    the ids are taken table by table. Returns (person id, record id) of each."""
    if not items:
        return []
    from xueji_cli.ledger.models import Person

    stamp = now()
    people = [dict(zip(PERSON_KEYS[1:], _person(a, stamp))) for a, _, _ in items]
    person_ids = insert_many(session, Person.__table__, people, return_ids=True)
    student_ids = journal.create_records(session, kind, effective, operator,
                                         _records(items, person_ids, effective, stamp, batch))
    return list(zip(person_ids, student_ids))


def rows_to_write(items: list[tuple[Applicant, EnrollmentAssessment, str]], effective: dt.date,
                  operator: str, batch: str | None, person_ids: range,
                  student_ids: range, kind: str = "enroll") -> list[tuple[str, tuple, list[tuple]]]:
    """What write_many writes, as (table, columns, rows) with the ids given — for a writer
    that took the ids of all its rows at its start (records/enrollment/roster_target.py)."""
    stamp = now()
    shared: dict[tuple, dict] = {}
    people = [(person_id, *_person(a, stamp, _shared(shared, a.details)))
              for person_id, (a, _, _) in zip(person_ids, items)]
    records = _records(items, person_ids, effective, stamp, batch)
    return [("person", PERSON_KEYS, people),
            ("student", *journal.record_rows(records, student_ids)),
            ("journal", journal.ENTRY_KEYS,
             journal.entry_rows(kind, effective, operator, records, student_ids))]


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
                "class_no": applicant.class_no, "status": assessment.status}
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
        details = assessment.entry_details  # written as it is: never changed here
        if applicant.stated:  # what the registrar's statement for the batch gave this child
            details = {**(details or {}), "statement": applicant.stated}
        if details:
            entry["details"] = details
        records.append((own, sets, entry))
    return records


_NO_APPROVALS: list = []  # shared by every entry without one; never changed


def write(session: Session, applicant: Applicant, assessment: EnrollmentAssessment, sequencer: Sequencer,
          settings: Settings, effective: dt.date, operator: str, batch: str | None = None) -> Enrolled:
    """Create the person, the record with its next number, and the journal entry."""
    from xueji_cli.ledger.models import Person, Student

    number = sequencer.next(prefix_for(settings, assessment.school, assessment.entry_year))
    [(person_id, student_id)] = write_many(session, [(applicant, assessment, number)],
                                           effective, operator, batch)
    return Enrolled(session.get(Student, student_id), session.get(Person, person_id),
                    assessment.school, assessment.warnings)


def enroll_one(session: Session, settings: Settings, applicant: Applicant, effective: dt.date,
               today: dt.date, operator: str, dry_run: bool = False
               ) -> Enrolled | EnrollmentAssessment:
    """Enroll one child, or raise Refused with every problem found."""
    from xueji_cli.values.school_codes import normalise_code

    code = normalise_code(applicant.school_code)
    if code != applicant.school_code:
        applicant = replace(applicant, school_code=code)
    assessment = assess(applicant, Lookups(session), settings, effective, today)
    if assessment.errors:
        raise Refused(assessment.errors, assessment.warnings)
    if dry_run:
        return assessment
    return write(session, applicant, assessment, Sequencer(session), settings, effective, operator)
