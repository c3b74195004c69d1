"""Borrowing study (借读): children studying here on loan, and our children studying
elsewhere (BOR-1…BOR-5, ORG-3).

A loan is a case with a number (登记号 `JD2026-0001`) carried in `case_ref` by every
journal entry of it; the journal is the whole truth, there is no table of its own:

- `borrow_in`: a child whose record (学籍) is at another school studies at one of our
  designated schools. Opens a temporary borrowing record (临时借读学籍): a `student` row of
  kind "borrowing", with the child's national number and no local number, so it never
  takes a number of the regular sequence and renumber-check does not see it.
- `borrow_out`: one of our students studies elsewhere; the record stays here with status
  `borrowed_out` (BOR-5). Between two schools of this directory one command records both
  ends: the record here goes `borrowed_out` and the designated school opens a borrowing
  record, under one case number.
- `borrow_note` (group "case"): results, evaluations, rewards and sanctions recorded during
  the loan; they stay attached to the record they were given on (BOR-5).
- `borrow_end`: the loan ends. A borrowing record ends with status `borrow_ended`; our
  lent record is `active` again. When the child transfers for real, the entry says so
  (`details.outcome = "transfer"`) and `handover()` names what the transfer workflow needs.

Every borrow entry's `details` carries `direction` ("in": studying here, "out": studying
elsewhere) so that the monthly report counts borrowing apart (group "borrow").

This module reads loans (the register, the record card), notes and ends them;
records/borrowing/opening.py opens them (the checks of `borrow in` and `borrow out`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.records.directory import students
from xueji_cli.records.enrollment.applicant import Collector
from xueji_cli.rules import borrowing as rules
from xueji_cli.rules.dates import check_not_far_ahead
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError, NotFound, Refused
from xueji_cli.values.violation import Violation

CASE_PREFIX = "JD"  # 借读
CASE_FORMAT = re.compile(r"^JD\d{4}-\d{4}$")
START_KINDS = ("borrow_in", "borrow_out")
OUTCOME_LABEL = {"home": "回原学校", "transfer": "转为正式转学"}
HOME_LABEL = {"in": "回原学校", "out": "回本校就读"}  # "home" seen from each side


def outcome_label(direction: str, outcome: str | None) -> str:
    if outcome == "home":
        return HOME_LABEL[direction]
    return OUTCOME_LABEL.get(outcome, "")


@dataclass
class Terms:
    """The facts of one loan besides the child's person data, values already read."""

    origin_school: str = ""  # in: the school that keeps the record
    origin_region: str = ""
    origin_grade: int | None = None
    host_school: str = ""  # out: where our student studies
    host_region: str = ""
    host_code: str = ""  # out, inside this directory: our designated school
    class_no: int | None = None  # out, inside this directory: the class there
    letter: str = ""  # 借读证明信 (number, or issuing school and date)
    approval: str = ""  # 教育科 / 中心校 审核盖章
    late_approval: str = ""  # BOR-4: approval for a start after the window
    until: dt.date | None = None
    reason: str = ""
    evidence: list[str] = field(default_factory=list)
    problems: list[Violation] = field(default_factory=list)


def terms_from_options(**raw) -> Terms:
    """Terms from command-line values; unreadable values are listed in `problems`."""
    c = Collector()

    def text(key: str) -> str:
        return c.text(key, raw.get(key), "")

    terms = Terms(
        origin_school=text("origin_school"), host_school=text("host_school"),
        origin_region=c.convert("origin_region", fields.region, raw.get("origin_region"), ""),
        host_region=c.convert("host_region", fields.region, raw.get("host_region"), ""),
        origin_grade=c.convert("origin_grade", fields.grade, raw.get("origin_grade")),
        host_code=c.convert("host_code", fields.text_of("school", "借读学校代码"),
                            raw.get("host_code"), ""),
        class_no=c.convert("class", fields.class_no, raw.get("class_no")),
        letter=text("letter"), approval=text("approval"), late_approval=text("late_approval"),
        until=c.convert("until", fields.parse_date, raw.get("until")),
        reason=text("reason"),
        evidence=c.convert("evidence", fields.evidence, raw.get("evidence") or [], []))
    if terms.letter and rules.BORROWING_LETTER not in terms.evidence:
        terms.evidence.append(rules.BORROWING_LETTER)
    terms.problems = c.problems
    return terms


# -- reading loans -------------------------------------------------------------------------

@dataclass
class Loan:
    """One side of a loan as the journal tells it: the record it is on, the entry that
    opened it, the one that ended it (if any) and the notes given during it."""

    case_ref: str
    direction: str  # in / out
    student: Student
    person: Person
    school: School  # our school: the host (in) or the home school (out)
    start: JournalEntry
    end: JournalEntry | None = None
    notes: list[JournalEntry] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.end is None

    @property
    def label(self) -> str:
        return f"{self.person.name}(借读登记号 {self.case_ref})"

    @property
    def taken_over(self) -> bool:
        """Lent out when the register was taken over: no case, the host not known."""
        return self.start.kind == "takeover"

    @property
    def other_school(self) -> str | None:
        """The school at the other end: where the child borrows (out) or comes from (in)."""
        if self.taken_over:
            return None
        return self.start.to_school if self.direction == "out" else self.start.from_school

    @property
    def our_school(self) -> str | None:
        return self.start.to_school if self.taken_over or self.direction == "in" \
            else self.start.from_school


def loans(session: Session, *, direction: str | None = None, school: str | None = None,
          include_ended: bool = True, student_ids: list[int] | None = None,
          case_ref: str | None = None) -> list[Loan]:
    """Loans by the entries that opened them, oldest first, with their ends and notes."""
    query = (select(JournalEntry, Student, Person, School)
             .join(Student, Student.id == JournalEntry.student_id)
             .join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id)
             .where(JournalEntry.kind.in_(START_KINDS)))
    if direction:
        query = query.where(JournalEntry.kind == f"borrow_{direction}")
    if school:
        query = query.where(School.code == school)
    if student_ids is not None:
        query = query.where(JournalEntry.student_id.in_(student_ids))
    if case_ref:
        query = query.where(JournalEntry.case_ref == case_ref)
    found = [Loan(entry.case_ref, entry.kind.removeprefix("borrow_"), student, person, school_, entry)
             for entry, student, person, school_ in session.exec(
                 query.order_by(JournalEntry.effective_date, JournalEntry.id))]
    by_key = {(loan.case_ref, loan.student.id): loan for loan in found}
    refs = sorted({loan.case_ref for loan in found})
    for start in range(0, len(refs), 500):
        later = session.exec(select(JournalEntry).where(
            JournalEntry.case_ref.in_(refs[start:start + 500]),
            JournalEntry.kind.in_(("borrow_end", "borrow_note"))).order_by(
            JournalEntry.effective_date, JournalEntry.id))
        for entry in later:
            loan = by_key.get((entry.case_ref, entry.student_id))
            if loan is None:
                continue
            if entry.kind == "borrow_end":
                loan.end = entry
            else:
                loan.notes.append(entry)
    return [loan for loan in found if include_ended or loan.is_open]


def loans_of(session: Session, key: str) -> list[Loan]:
    """Every loan of the child (or of the case) a KEY names: a student KEY (PRODUCT.md)
    or a borrowing case number. The person's other records count too: a child lent inside
    this directory has a regular record at home and a borrowing record at the host."""
    text = fields.text(key).upper()
    if text.startswith(CASE_PREFIX) and not CASE_FORMAT.match(text):
        raise InputError("key", f"借读登记号「{text}」格式不对", "借读登记号写作 JD2026-0001(JD、年份、4位顺序号)")
    if CASE_FORMAT.match(text):
        found = loans(session, case_ref=text)
        if not found:
            raise NotFound(f"没有借读登记号 {text}", "用 xueji borrow list --all 查看借读登记")
        return found
    current = students.find(session, key)
    ids = list(session.exec(select(Student.id).where(Student.person_id == current.person.id)))
    return loans(session, student_ids=ids)


def open_loans(session: Session, key: str) -> list[Loan]:
    every = loans_of(session, key)
    found = [loan for loan in every if loan.is_open]
    if found:
        return found
    taken_over = _taken_over_loan(session, key)
    if taken_over is not None:
        return [taken_over]
    name = every[0].person.name if every else students.find(session, key).person.name
    raise NotFound(f"{name} 目前没有在借读" + ("(借读已结束)" if every else ""),
                   "用 xueji borrow list 查看正在借读的学生")


def _taken_over_loan(session: Session, key: str) -> Loan | None:
    """A pupil taken over with the register while lent out (外出借读, records/takeover): a
    loan with no borrowing case behind it — its start is the takeover's entry, the host
    school is not known. BOR-5: the record stays here, so the loan can end here."""
    if CASE_FORMAT.match(fields.text(key).upper()):
        return None
    found = students.find(session, key)
    if found.student.status != "borrowed_out":
        return None
    entry = session.exec(select(JournalEntry).where(
        JournalEntry.student_id == found.student.id, JournalEntry.kind == "takeover")).first()
    if entry is None or (entry.sets or {}).get("status") != "borrowed_out":
        return None
    return Loan("", "out", found.student, found.person, found.school, entry)


def next_case_ref(session: Session, year: int) -> str:
    """The next free case number of a year. Runs in the writer's transaction (BEGIN
    IMMEDIATE), so two registrars never get the same one."""
    prefix = f"{CASE_PREFIX}{year}-"
    used = session.exec(select(JournalEntry.case_ref).where(JournalEntry.case_ref.like(prefix + "%")))
    numbers = [int(ref[len(prefix):]) for ref in used if ref and CASE_FORMAT.match(ref)]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


# -- during and after the loan -------------------------------------------------------------

def note(session: Session, key: str, category: str, text: str, effective: dt.date,
         operator: str, today: dt.date) -> tuple[Loan, JournalEntry]:
    """BOR-5: a result, evaluation, reward or sanction given during a loan stays with the
    record it was given on: the borrowing record here, or (for our student borrowing
    elsewhere, as the host school reported it) our own record."""
    every = loans_of(session, key)
    if not every:
        name = students.find(session, key).person.name
        raise NotFound(f"{name} 没有借读记录", "借读期间的成绩、评价、奖惩只记在借读学生的学籍上")
    current = [loan for loan in every if loan.is_open] or [every[-1]]
    loan = next((x for x in current if x.direction == "in"), current[0])
    kind = codes.parse_code("borrow_note", category)
    problems = []
    if kind is None:
        choices = "、".join(codes.table("borrow_note").values())
        problems.append(Violation("INPUT", "category", f"没有「{fields.text(category)}」这类记录",
                                  f"可选:{choices}"))
    texts, refused = fields.checked_texts(text=text)
    text = texts["text"]
    problems += refused
    if not text and not refused:
        problems.append(Violation("INPUT", "text", "记录内容不能为空",
                                  "用 --text 写明成绩、评价或奖惩的内容"))
    problems += rules.check_dates(loan.start.effective_date, effective, "记录")
    if effective > today:
        problems.append(Violation("BOR-5", "date", f"记录日期 {effective:%Y-%m-%d} 在今天以后",
                                  "只记录已经发生的成绩、评价和奖惩;核对 --date"))
    if loan.end is not None and effective > loan.end.effective_date:
        problems.append(Violation("BOR-5", "date", f"记录日期 {effective:%Y-%m-%d} 晚于借读结束日期 "
                                  f"{loan.end.effective_date:%Y-%m-%d}", "只记录借读期间的成绩、评价和奖惩"))
    if problems:
        raise Refused(problems)
    entry = journal.record(
        session, loan.student, "borrow_note", effective, operator,
        details={"direction": loan.direction, "category": kind, "text": text},
        remark=f"{codes.label('borrow_note', kind)}:{text}", case_ref=loan.case_ref,
        school_id=loan.school.id)
    return loan, entry


@dataclass
class Ended:
    loans: list[Loan]
    outcome: str
    handover: dict | None  # for the transfer workflow when outcome == "transfer"


def end(session: Session, settings: Settings, key: str, effective: dt.date, operator: str,
        outcome: str = "home", reason: str | None = None, today: dt.date | None = None) -> Ended:
    """The loan ends: the child goes home, or transfers for real (then the transfer
    workflow takes over; see handover()). Both sides of a loan inside this directory end
    together."""
    current = open_loans(session, key)
    texts, problems = fields.checked_texts(reason=reason)
    reason = texts["reason"]
    for loan in current:
        problems += rules.check_dates(loan.start.effective_date, effective, "结束")
    if today is not None:
        problems += check_not_far_ahead(effective, today, settings.policy.future_limit_days,
                                        "date", "结束日期", "核对 --date")
    if problems:
        raise Refused(problems)
    for loan in current:
        status = "borrow_ended" if loan.direction == "in" else "active"
        ours, other = loan.our_school, loan.other_school
        loan.end = journal.record(
            session, loan.student, "borrow_end", effective, operator, sets={"status": status},
            from_school=other if loan.direction == "out" else ours,
            to_school=ours if loan.direction == "out" else other,
            reason=reason or outcome_label(loan.direction, outcome),
            details={"direction": loan.direction, "outcome": outcome,
                     "started": loan.start.effective_date.isoformat(),
                     **({"taken_over": True} if loan.taken_over else {})},
            case_ref=loan.case_ref or None)
    return Ended(current, outcome, handover(current) if outcome == "transfer" else None)


def handover(ended: list[Loan]) -> dict:
    """What the transfer workflow (xueji transfer) needs when a loan turns into a real
    transfer: the child (person and national number travel unchanged), the school the
    record leaves and the one that receives it, the grade (TRF-5), and the command to
    run next. The loan has ended first, so that the child has no record held here twice
    (NUM-7) when the transfer creates or cancels one."""
    home = next((x for x in ended if x.direction == "out"), None)
    away = next((x for x in ended if x.direction == "in"), None)
    loan = home or away
    from_school = home.our_school if home else away.other_school
    to_school = home.other_school if home else away.our_school
    if home and away:
        step = (f"用 xueji transfer 办理从 {from_school} 到 {to_school} 的转学"
                f"(学籍号 {home.student.local_number},本目录内一条命令办结)")
    elif home:
        step = f"用 xueji transfer out {home.student.local_number} 办理转出" + (
            f"到 {to_school}" if to_school else "(借读学校接收时不详:按转学证明填写转入学校)")
    else:
        step = (f"由原学校 {from_school} 开具转学证明后,在 {to_school} 用 xueji transfer in 办理转入"
                "(同一身份证号,沿用全国学籍号)")
    return {"case": loan.case_ref, "person_id": loan.person.id, "name": loan.person.name,
            "national_number": loan.student.national_number, "grade": loan.student.grade,
            "from_school": from_school, "to_school": to_school,
            "record_here": "lent" if home else "borrowing", "next": step}
