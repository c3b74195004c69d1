"""Transfer cases as the journal tells them (TRF-2, TRF-3): where a school lies, the
student who arrives from elsewhere, each case's state read from its journal entries, and
the look-ups.

The `transfer_case` row is written once when the family applies; every later step is a
journal entry with `case_ref` = the case number, so the state (`CaseView.status`, the
approvals done and missing) has nothing to drift from.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.ledger.models import JournalEntry, Person, School, ServiceArea, Student, TransferCase
from xueji_cli.records.directory import schools, students
from xueji_cli.rules import transfer as rules
from xueji_cli.values.errors import InputError, NotFound
from xueji_cli.values.violation import Violation

CASE_PREFIX = "ZX"
# The record that leaves is cancelled by transfer_out, or — one that had left the register
# already (TRF-11: 出国, 退学, 开除) — by transfer_out_direct, which changes no count.
LEAVING_KINDS = ("transfer_out", "transfer_out_direct")
STEP_KINDS = ("transfer_apply", "transfer_approve", "transfer_withdraw", *LEAVING_KINDS,
              "transfer_in")
# TRF-12: the household registration and home shown for the receiving school, kept in the
# application's details under this key when the family typed them (a move inside the
# directory); the arriving record's person takes them on completion.
ARRIVAL = "arrival_places"
PLACES = ("hukou_region", "residence_region")


# -- where schools are ------------------------------------------------------------------------

def school_label(school: School) -> str:
    return f"{school.code} {school.name}"


def school_region(session: Session, school: School) -> str | None:
    """The township (9 digits) a school lies in, read from its service areas; a school
    without one takes the township of the directory's other schools."""
    for areas in (schools.areas_of(session, school.id),
                  list(session.exec(select(ServiceArea.region)))):
        nine = Counter(a[:9] for a in areas if len(a) >= 9)
        if nine:
            return nine.most_common(1)[0][0]
    return None


def region_or_violation(session: Session, school: School, field_: str) -> tuple[str | None, list]:
    region = school_region(session, school)
    if region is None:
        return None, [Violation(
            "TRF-2", field_, f"{school_label(school)} 未设置服务范围,无法判定它在哪个乡镇、转学走哪条线路",
            f"用 xueji school set {school.code} --service-area 区划代码 设置服务范围(12位或前9位)")]
    return region, []


# -- the incoming student ---------------------------------------------------------------------

@dataclass
class Incoming:
    """A student arriving from outside this directory: the record to be made (from the
    transfer certificate's data sheet, or typed)."""

    name: str
    gender: str | None
    birth: dt.date | None
    grade: int | None
    from_name: str
    from_region: str
    id_type: str = "1"
    id_number: str = ""
    national_number: str = ""
    ethnicity: str | None = None
    hukou_region: str | None = None
    guardian_name: str | None = None
    guardian_hukou_region: str | None = None
    guardian_phone: str | None = None
    residence_region: str | None = None
    address: str | None = None
    status: str = "active"  # the record's status at the origin
    origin_local_number: str | None = None
    origin_class: int | None = None
    entry_year: int | None = None  # the cohort, as the certificate states it (NUM-3)
    grade_year: int | None = None  # the school year `grade` belongs to, as it states it
    problems: list[Violation] = field(default_factory=list)

    def as_json(self) -> dict:
        data = {k: v for k, v in vars(self).items() if k != "problems"}
        data["birth"] = self.birth.isoformat() if self.birth else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> Incoming:
        data = dict(data)
        data["birth"] = dt.date.fromisoformat(data["birth"]) if data.get("birth") else None
        return cls(**data)


@dataclass
class Certified:
    """What a certificate from another directory adds to an incoming case."""

    origin_case_no: str | None = None
    route: str | None = None  # as the origin saw it
    applied_on: dt.date | None = None
    reason: str | None = None
    reason_detail: str | None = None
    evidence: list[str] = field(default_factory=list)
    special_reason: str | None = None
    to_name: str | None = None
    to_region: str | None = None
    approvals: list[dict] = field(default_factory=list)  # {"step", "date", "doc_no", "approver"}
    warnings: list[Violation] = field(default_factory=list)


def arrival_places(person: Person | None, shown: dict[str, str]) -> dict[str, str | None]:
    """TRF-12: where the arriving child is registered and lives — what was shown for the
    receiving school, else the record's own."""
    return {k: shown.get(k) or (getattr(person, k) if person is not None else None)
            for k in PLACES}


# -- the case as the journal tells it ---------------------------------------------------------

@dataclass
class CaseView:
    case: TransferCase
    entries: list[JournalEntry]
    student: Student | None = None  # the record that leaves (out / internal)
    person: Person | None = None
    new_student: Student | None = None  # the record made on arrival (in / internal)
    from_school: School | None = None  # the ends that are schools of this directory
    to_school: School | None = None

    @property
    def approvals(self) -> list[JournalEntry]:
        return [e for e in self.entries if e.kind == "transfer_approve"]

    @property
    def done(self) -> list[str]:
        return [e.details.get("step") for e in self.approvals]

    @property
    def missing(self) -> list[rules.Step]:
        return rules.missing_steps(self.case.route, self.done)

    @property
    def last_step_on(self) -> dt.date:
        return max([self.case.applied_on] + [e.effective_date for e in self.approvals])

    @property
    def approved_on(self) -> dt.date | None:
        return None if self.missing else self.last_step_on

    def _first(self, *kinds: str) -> JournalEntry | None:
        return next((e for e in self.entries if e.kind in kinds), None)

    @property
    def completed(self) -> JournalEntry | None:
        return self._first("transfer_in", *LEAVING_KINDS)

    @property
    def withdrawn(self) -> JournalEntry | None:
        return self._first("transfer_withdraw")

    @property
    def status(self) -> str:
        if self.withdrawn:
            return "withdrawn"
        if self.completed:
            return "completed"
        return "applied" if self.missing else "approved"

    @property
    def is_open(self) -> bool:
        return self.status in ("applied", "approved")

    @property
    def places_shown(self) -> dict[str, str]:
        """TRF-12: the household registration and home shown for the receiving school —
        an arriving child's data (as certified, brought up to date), or what the family
        typed when applying for a move inside the directory."""
        if self.case.incoming:
            return {k: self.case.incoming[k] for k in PLACES if self.case.incoming.get(k)}
        applied = self._first("transfer_apply")
        return dict(((applied.details or {}).get(ARRIVAL) or {}) if applied else {})

    @property
    def receives_here(self) -> bool:
        return self.case.direction in ("in", "internal")

    @property
    def name(self) -> str:
        return self.person.name if self.person else self.case.incoming.get("name", "")

    def admission(self, within: int, today: dt.date) -> dict | None:
        """TRF-3 for a case whose receiving school is ours: {"days", "late", "overdue"}.
        Completed: days from the last approval to admission; open and approved: days
        so far (overdue when over the limit)."""
        if not self.receives_here or self.approved_on is None or self.withdrawn:
            return None
        arrived = self._first("transfer_in")
        if arrived is not None:
            days = rules.admission_days(self.approved_on, arrived.effective_date)
            return {"days": days, "late": days > within, "overdue": False}
        days = rules.admission_days(self.approved_on, today)
        return {"days": days, "late": False, "overdue": days > within}


def views(session: Session, cases: list[TransferCase]) -> list[CaseView]:
    if not cases:
        return []
    refs = [c.case_no for c in cases]
    by_ref: dict[str, list[JournalEntry]] = {r: [] for r in refs}
    for entry in session.exec(select(JournalEntry).where(
            JournalEntry.case_ref.in_(refs), JournalEntry.kind.in_(STEP_KINDS))
            .order_by(JournalEntry.effective_date, JournalEntry.id)):
        by_ref[entry.case_ref].append(entry)
    found = []
    for case in cases:
        view = CaseView(case, by_ref[case.case_no])
        view.from_school = session.get(School, case.from_school_id) if case.from_school_id else None
        view.to_school = session.get(School, case.to_school_id) if case.to_school_id else None
        if case.student_id:
            view.student = session.get(Student, case.student_id)
            view.person = session.get(Person, view.student.person_id)
        arrived = view._first("transfer_in")
        if arrived is not None:
            view.new_student = session.get(Student, arrived.student_id)
            view.person = view.person or session.get(Person, view.new_student.person_id)
        found.append(view)
    return found


def normalise_case_no(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def get(session: Session, ref: str) -> CaseView:
    """A case by its number (ZX2026-0001), or the one open case of a student KEY."""
    case_no = normalise_case_no(ref)
    case = session.exec(select(TransferCase).where(TransferCase.case_no == case_no)).first()
    if case is not None:
        return views(session, [case])[0]
    if not case_no.startswith(CASE_PREFIX):
        try:
            records = students.records_for(session, ref)
        except InputError:
            records = None  # neither a case number nor a student: said below
        if records == []:
            raise NotFound("没有这个案件号,也没有找到该学生", "用 xueji transfer list 查看案件号(如 ZX2026-0001)")
        if records:
            found = cases_of(session, [f.student.id for f in records])
            open_ = [v for v in found if v.is_open]
            if len(open_) == 1:
                return open_[0]
            if open_:
                raise InputError("case", f"该生有{len(open_)}个未办结的转学案件:"
                                 + "、".join(v.case.case_no for v in open_), "用案件号指明")
            if found:
                raise NotFound("该生没有未办结的转学案件",
                               "已办结或撤回的案件:" + "、".join(v.case.case_no for v in found))
            raise NotFound("该生没有转学案件", "用 xueji transfer list 查看案件号(如 ZX2026-0001)")
    raise NotFound(f"没有转学案件 {case_no}", "用 xueji transfer list 查看案件号(如 ZX2026-0001)")


def cases_of(session: Session, student_ids: list[int]) -> list[CaseView]:
    """The cases a student's records took part in (leaving or arriving)."""
    refs = set(session.exec(select(JournalEntry.case_ref).where(
        JournalEntry.student_id.in_(student_ids), JournalEntry.kind.in_(STEP_KINDS))))
    cases = session.exec(select(TransferCase).where(
        (TransferCase.student_id.in_(student_ids)) | (TransferCase.case_no.in_(refs)))
        .order_by(TransferCase.applied_on, TransferCase.id))
    return views(session, list(cases))


def listing(session: Session, open_only: bool = False) -> list[CaseView]:
    cases = list(session.exec(select(TransferCase).order_by(TransferCase.applied_on,
                                                            TransferCase.id)))
    found = views(session, cases)
    return [v for v in found if v.is_open] if open_only else found


def check_certificate(view: CaseView) -> None:
    """TRF-2: no certificate for a withdrawn case, nor before the out-school's check."""
    from xueji_cli.values.errors import Refused

    if view.withdrawn:
        raise Refused([Violation("TRF-2", "case", f"案件 {view.case.case_no} 已撤回,不能开具转学证明",
                                  "仍要转学的,重新申请(xueji transfer out/in),为新案件开具证明")])
    needed = rules.CERTIFICATE_AFTER.get(view.case.route)
    if view.case.direction != "in" and needed and needed not in view.done:
        step = next(s for s in rules.steps(view.case.route) if s.key == needed)
        raise Refused([Violation(
            "TRF-2", "approvals", f"转出学校尚未初步认定(「{step.label}」),不能开具转学证明",
            f"认定合格后登记:xueji transfer approve {view.case.case_no} --level {step.level}")])
