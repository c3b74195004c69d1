"""The store: schools, persons, student records (学籍) and the change journal.

Tables are singular classes with ASCII snake_case fields; the Chinese labels the
registrar sees live in values/labels.py. Alembic owns the schema (migrations/): a change
here needs a migration, and tests/test_migrations.py fails until it has one.

The journal is the source of truth. The `student` row is a projection of it: every
entry carries in `sets` the record fields it sets, and `xueji check` folds the journal
to recompute every record and compares.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class School(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=3, unique=True)  # SSS of the local number
    name: str
    type: str = Field(default="primary")  # primary / junior / senior
    is_central: bool = False  # the township central school (乡镇中心校)
    designated_for_borrowing: bool = False  # ORG-3 指定借读学校
    closed_on: dt.date | None = None  # 撤并: ORG-2, a school no longer of the township from this day
    national_id: str | None = Field(default=None, max_length=10)  # 学校标识码 (STANDARDS.md)
    created_at: dt.datetime


class ServiceArea(SQLModel, table=True):
    __tablename__ = "service_area"
    __table_args__ = (UniqueConstraint("school_id", "region"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    region: str = Field(max_length=12)  # statistical region code or its 6/9-digit prefix


class Region(SQLModel, table=True):
    """A statistical region (统计用区划代码) of the county's list, imported by
    `xueji region import`: a 9-digit township or a 12-digit village. Provinces, cities and
    counties are named by python-stdnum's own table, never stored here."""

    code: str = Field(max_length=12, primary_key=True)
    name: str
    level: str = Field(max_length=8)  # township / village
    parent: str | None = Field(default=None, max_length=12)  # the township, or the county


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    gender: str = Field(max_length=1)  # 1 男 / 2 女
    birth_date: dt.date
    id_type: str = Field(default="1", max_length=1)  # 身份证件类型
    id_number: str | None = Field(default=None, unique=True)  # normalised
    ethnicity: str | None = None  # 民族 code
    hukou_region: str | None = None  # 户口所在地
    guardian_name: str | None = None
    guardian_hukou_region: str | None = None
    guardian_phone: str | None = None
    residence_region: str | None = None  # 实际常住地
    address: str | None = None
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime


class Student(SQLModel, table=True):
    """A student record (学籍) at one school. Regular records carry the 14-digit local
    number; borrowing records (临时借读学籍) carry none."""

    __table_args__ = (Index("ix_student_class", "school_id", "grade", "class_no"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    school_id: int = Field(foreign_key="school.id")
    kind: str = Field(default="regular")  # regular / borrowing
    local_number: str | None = Field(default=None, index=True)  # CCKKYYSSSTNNNN
    national_number: str | None = Field(default=None, index=True)  # G/J/L + 18
    entry_year: int  # the cohort's entry year (YY of the local number)
    grade: int
    class_no: int
    status: str = Field(default="active")
    enrolled_on: dt.date
    remark: str | None = None
    created_at: dt.datetime


class JournalEntry(SQLModel, table=True):
    """One change of status (学籍变动). Append-only: a trigger refuses UPDATE and DELETE;
    a mistake is mended by a new entry that `corrects` it. Every entry names its
    operator (the CHECK constraint of migration 0010)."""

    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_date_kind", "effective_date", "kind"),
                      CheckConstraint("trim(operator) <> ''", name="journal_needs_operator"))
    id: int | None = Field(default=None, primary_key=True)
    student_id: int | None = Field(default=None, foreign_key="student.id", index=True)
    kind: str  # change kind key (data/codes.toml change_kind)
    national_code: str | None = None  # national change-type code, when there is one
    effective_date: dt.date
    recorded_at: dt.datetime
    operator: str
    school_id: int | None = Field(default=None, foreign_key="school.id")
    from_school: str | None = None
    to_school: str | None = None
    reason: str | None = None
    evidence: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    approvals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sets: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    remark: str | None = None
    # Kind-specific facts that are not projected (a suspension's end, a borrowing's origin,
    # a correction's old and new values …), so that workflows need no schema change.
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    case_ref: str | None = Field(default=None, index=True)  # the case a step belongs to
    corrects: int | None = Field(default=None, foreign_key="journal.id")
    batch: str | None = None  # one id for all entries of one import


# --- reports (REP-1) ---
# The monthly report's census counts the journal's increases and decreases per school
# (kind first: only those kinds are read, from the index alone); its tallies count the
# records per school, grade, kind and status from the index alone.
Index("ix_journal_kind_school_date", JournalEntry.kind, JournalEntry.school_id,
      JournalEntry.effective_date)
Index("ix_student_tally", Student.school_id, Student.grade, Student.kind, Student.status)
# --- transfer (TRF-2, TRF-3) ---

class TransferCase(SQLModel, table=True):
    """A transfer case (转学): who, from where, to where, why, on which route. Written once
    when the family applies; every later step (each approval, completion, withdrawal) is a
    journal entry whose `case_ref` is `case_no`, so the case's state is read from the
    journal and has nothing to drift from. For a student arriving from outside the
    directory there is no record yet: `incoming` holds the data the record will be made
    of (from the transfer certificate)."""

    __tablename__ = "transfer_case"
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(unique=True)  # ZX2026-0001
    direction: str  # out / in / internal
    route: str  # internal / A / B / U / C / D (rules/transfer.py)
    student_id: int | None = Field(default=None, foreign_key="student.id", index=True)
    grade: int
    from_school_id: int | None = Field(default=None, foreign_key="school.id")
    from_name: str
    from_region: str
    to_school_id: int | None = Field(default=None, foreign_key="school.id")
    to_name: str
    to_region: str
    to_class: int | None = None
    reason: str  # transfer_reason code
    reason_detail: str | None = None
    evidence: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    special_reason: str | None = None  # TRF-6
    applied_on: dt.date
    incoming: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    origin_case_no: str | None = None  # the other directory's case number, from its certificate
    created_at: dt.datetime


# --- reports (REP-1): the month as it went to the bureau ---

class ReportSubmission(SQLModel, table=True):
    """A monthly report as submitted (上报) to the bureau: the whole document, kept so that
    the month is shown as it was submitted whatever is recorded later (CHG-3: history is
    never rewritten). A re-submission is a new row with the next `version` and its reason;
    the newest version is the month's. `last_entry` is the newest journal entry when it
    was submitted: an entry after it, dated in a submitted month, is reported late (补报)."""

    __tablename__ = "report_submission"
    __table_args__ = (UniqueConstraint("month", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # YYYY-MM
    version: int = 1
    submitted_on: dt.date
    submitted_at: dt.datetime
    operator: str
    reason: str | None = None  # why a month was submitted again
    last_entry: int = 0
    document: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
