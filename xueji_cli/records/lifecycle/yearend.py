"""The school year's turn (学年升级与毕业, CHG-1): at the end of school year YEAR—YEAR+1
every record on the register moves up one grade; the final grade of its school type
(settings `grades`) graduates; the repeaters named beforehand stay (留级).

Which records take part is decided by their state (see rules/changes.py):
- active and borrowed-out regular records take part (a borrowed-out child is on our
  register and comes back for promotion and graduation, BOR-5);
- suspended records keep the grade they left (SUS-3) and are listed as kept;
- borrowing records (借读来本校) belong to the original school (BOR-5): not ours to promote;
- records whose grade belongs to the following school year are not part of this year's
  turn: the intake enrolled from the intake's opening day on (settings
  `calendar.intake_opens`), and arrivals placed in the next year's grade; an arrival
  keeps the school year of its grade whatever its date (TRF-5, records/lifecycle/school_years.py).

One journal entry per record (promote / graduate / repeat), all in one transaction, in a
batch `promote-YEAR-SSS` per school: a school's year is turned once (idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.ledger.projection import fold
from xueji_cli.records.directory import schools as schools_mod
from xueji_cli.records.directory import students
from xueji_cli.records.directory.students import Found
from xueji_cli.records.enrollment.applicant import Collector
from xueji_cli.records.lifecycle.school_years import arrival_years, batch_id
from xueji_cli.rules import changes as rules
from xueji_cli.rules.dates import check_not_far_ahead
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError, Refused, XuejiError
from xueji_cli.values.violation import Violation, split, warning


@dataclass
class Step:
    found: Found
    kind: str  # promote / graduate / repeat
    from_grade: int
    to_grade: int
    reason: str | None = None


@dataclass
class Aside:
    """A record that does not take part, and why."""

    found: Found
    why: str


@dataclass
class Plan:
    year: int
    effective: dt.date
    schools: list[School]
    steps: list[Step] = field(default_factory=list)
    kept: list[Aside] = field(default_factory=list)  # suspended: keep their grade (SUS-3)
    not_ours: list[Aside] = field(default_factory=list)  # borrowing records (BOR-5)
    later: list[Aside] = field(default_factory=list)  # enrolled for the next school year
    warnings: list[Violation] = field(default_factory=list)

    def of(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    def rows(self) -> list[dict]:
        """Counts per school, grade and outcome (the summary the registrar checks)."""
        counts: Counter = Counter()
        borrowed: Counter = Counter()
        for step in self.steps:
            key = (step.found.school.code, step.from_grade, step.kind, step.to_grade)
            counts[key] += 1
            borrowed[key] += step.found.student.status == "borrowed_out"
        for aside in self.kept:
            counts[(aside.found.school.code, aside.found.student.grade, "kept",
                    aside.found.student.grade)] += 1
        names = {s.code: s.name for s in self.schools}
        order = {"promote": 0, "graduate": 1, "repeat": 2, "kept": 3}
        return [{"school": code, "school_name": names[code], "grade": grade, "outcome": kind,
                 "to_grade": to, "count": n, "borrowed_out": borrowed[(code, grade, kind, to)]}
                for (code, grade, kind, to), n in sorted(
                    counts.items(), key=lambda item: (item[0][0], item[0][1], order[item[0][2]]))]


def done_before(session: Session, year: int, codes_: list[str]) -> dict[str, tuple[dt.date, int]]:
    """Schools whose turn of YEAR is already recorded: code -> (date, entries)."""
    wanted = {batch_id(year, code): code for code in codes_}
    found: dict[str, tuple[dt.date, int]] = {}
    rows = session.exec(select(JournalEntry.batch, JournalEntry.effective_date)
                        .where(JournalEntry.batch.in_(list(wanted))))
    for batch, effective in rows:
        code = wanted[batch]
        date, count = found.get(code, (effective, 0))
        found[code] = (min(date, effective), count + 1)
    return found


def _records(session: Session, school_ids: list[int]) -> list[Found]:
    query = (select(Student, Person, School)
             .join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id)
             .where(Student.school_id.in_(school_ids), Student.status.in_(rules.ON_REGISTER))
             .order_by(School.code, Student.grade, Student.class_no, Student.local_number,
                       Student.id))
    return [Found(*row) for row in session.exec(query)]


def _holds(session: Session, holds: list[tuple[str, str]], school_ids: set[int],
           problems: list[Violation]) -> dict[int, str]:
    """Student id -> reason, for every --hold; problems collected."""
    held: dict[int, str] = {}
    for key, reason in holds:
        try:
            found = students.find(session, key)
        except XuejiError as exc:  # an unknown or malformed key is reported with the rest
            problems.append(Violation("INPUT", "hold", f"--hold {exc.message}", exc.hint))
            continue
        name = f"{found.person.name}({found.student.local_number or '借读'})"
        if found.student.id in held:
            problems.append(Violation("INPUT", "hold", f"{name}被 --hold 指明了两次", "每名留级生只写一次"))
            continue
        if found.student.school_id not in school_ids:
            problems.append(Violation("CHG-1", "hold", f"{name}在 {found.school.code} {found.school.name},"
                                      "不在本次升级的学校之内", "核对 --school 与 --hold"))
            continue
        problems += rules.check_state("repeat", "留级", found.student.status,
                                      codes.label("status", found.student.status),
                                      found.student.kind, name)
        c = Collector()  # the reason is a free text, named with its pupil
        held[found.student.id] = c.convert(
            "reason", fields.text_of("reason", f"{name}的留级原因"), reason, "")
        problems += c.problems or rules.check_hold_reason(held[found.student.id], name)
    return held


def plan(session: Session, settings: Settings, year: int, school_code: str | None,
         holds: list[tuple[str, str]], effective: dt.date, today: dt.date) -> Plan:
    """Everything the turn would do, every problem found at once (Refused); nothing written."""
    if not 2000 <= year <= 2100:
        raise InputError("year", f"学年「{year}」应为学年开始的年份,如 2026(即 2026—2027学年)")
    if school_code:
        targets = [schools_mod.get(session, school_code)]
    else:
        targets = list(session.exec(select(School).order_by(School.code)))
    result = Plan(year, effective, targets)
    problems: list[Violation] = []
    wrong_date = rules.check_turn_date(
        year, effective, rules.turn_window(year, settings.spring_start, settings.autumn_start))
    problems += wrong_date
    problems += check_not_far_ahead(effective, today, settings.policy.future_limit_days,
                                    "date", "生效日期", "核对 --date")
    done = done_before(session, year, [s.code for s in targets])
    for code, (date, count) in sorted(done.items()):
        school = next(s for s in targets if s.code == code)
        rest = len(done) < len(targets)
        problems.append(Violation(
            "CHG-1", "year", f"{code} {school.name} 的 {year}—{year + 1}学年升级已于 {date:%Y-%m-%d} 办理"
            f"({count} 条记录),同一学年不能升级两次",
            f"查看 xueji log --month {date:%Y-%m};个别学生办错的用 xueji undo 撤销"
            + (";尚未办理的学校用 --school 逐校办理" if rest else "")))
    held = _holds(session, holds, {s.id for s in targets}, problems)
    records = _records(session, [s.id for s in targets])
    latest = _latest(session, [f.student.id for f in records])
    years = arrival_years(session, settings, [f.student for f in records])
    for found in records:
        student = found.student
        name = f"{found.person.name}({student.local_number or '借读'})"
        if student.kind != "regular":
            result.not_ours.append(Aside(
                found, "借读生,学籍在原学校(BOR-5);借读到学年末的用 xueji borrow end 结束,"
                       "新学年继续借读的按原学校升入的年级重新登记"))
            continue
        if years[student.id] > year:
            result.later.append(Aside(found, f"{student.enrolled_on:%Y-%m-%d} 入学,"
                                      f"编入 {years[student.id]}—{years[student.id] + 1}学年"))
            if student.id in held:
                problems.append(Violation("CHG-1", "hold", f"{name}{student.enrolled_on:%Y-%m-%d} 入学,"
                                          f"属于 {years[student.id]}—{years[student.id] + 1}学年,"
                                          "不参加本次升级,无所谓留级", "去掉该生的 --hold"))
            continue
        if student.status == "suspended":
            result.kept.append(Aside(found, "休学中,保留原年级(SUS-3)"))
            continue
        first, last = settings.grades[found.school.type]
        bad = rules.check_grade_range(student.grade, first, last,
                                      codes.label("school_type", found.school.type), name)
        if bad:
            problems += bad
            continue
        last_entry = latest.get(student.id)
        if last_entry and last_entry[0] > effective and not wrong_date:
            problems.append(Violation(
                "CHG-3", "date", f"{name}已有 {last_entry[0]:%Y-%m-%d} 的变动({last_entry[1]}),"
                f"晚于升级日期 {effective:%Y-%m-%d}", "核对 --date,升级日期应在本学年的最后一条变动之后"))
            continue
        kind, to = rules.turn_step(student.grade, last, student.id in held)
        result.steps.append(Step(found, kind, student.grade, to, held.get(student.id)))
    result.warnings = (_previous_year(session, year, targets, records, years) + _caps(settings, result)
                       + _open_transfers(session, result))
    errors, warnings = split(problems)
    if errors:
        raise Refused(errors, warnings + result.warnings)
    result.warnings = warnings + result.warnings
    return result


def _latest(session: Session, student_ids: list[int]) -> dict[int, tuple[dt.date, str]]:
    """Each record's latest effective date and the label of that entry."""
    latest: dict[int, tuple[dt.date, str]] = {}
    for start in range(0, len(student_ids), 500):
        chunk = student_ids[start:start + 500]
        for student_id, effective, kind in session.exec(
                select(JournalEntry.student_id, JournalEntry.effective_date, JournalEntry.kind)
                .where(JournalEntry.student_id.in_(chunk))):
            if student_id not in latest or effective >= latest[student_id][0]:
                latest[student_id] = (effective, codes.change_kind(kind).label)
    return latest


def _previous_year(session: Session, year: int, targets: list[School], records: list[Found],
                   years: dict[int, int]) -> list[Violation]:
    """A school whose previous turn is not recorded although it had records on the
    register then: their grades may be a year behind (a warning: records entered at
    their current grade when the tool was adopted are right as they are)."""
    done = done_before(session, year - 1, [s.code for s in targets])
    found = []
    for school in targets:
        if school.code in done:
            continue
        then = [f for f in records if f.school.id == school.id and f.student.kind == "regular"
                and years[f.student.id] < year]
        if then:
            found.append(warning(
                "CHG-1", "year",
                f"{school.code} {school.name} 没有 {year - 1}—{year}学年的升级记录,"
                f"而有 {len(then)} 名学生当时已在籍",
                f"若那一年的升级尚未办理,先办理 xueji promote --year {year - 1};"
                "若这些学生是按当时的实际年级补录的,可不理会本提醒"))
    return found


def _open_transfers(session: Session, plan_: Plan) -> list[Violation]:
    """A record turned while its transfer case is open: it leaves in the grade the turn
    gives (TRF-5); one that graduates can no longer leave, so its case must be settled."""
    from xueji_cli.records.transfer.cases import listing

    steps = {step.found.student.id: step for step in plan_.steps}
    found = []
    for view in listing(session, open_only=True):
        step = steps.get(view.case.student_id)
        if step is None:
            continue
        who = f"{step.found.person.name}({step.found.student.local_number})"
        if step.kind == "graduate":
            found.append(warning(
                "TRF-9", "case", f"{who}有未办结的转学案件 {view.case.case_no},本次升级将毕业,"
                "毕业后不能再办结转学",
                f"先办结该案件(xueji transfer complete {view.case.case_no}),或撤回"
                f"(xueji transfer cancel {view.case.case_no} --reason …)后再升级"))
        else:
            found.append(warning(
                "TRF-5", "case", f"{who}有未办结的转学案件 {view.case.case_no};升级后办结的,"
                f"按升级后的年级({step.to_grade}年级)转入", "转学证明请在升级后开具或重新开具"))
    return found


def _caps(settings: Settings, plan_: Plan) -> list[Violation]:
    """ENR-5 after the turn, for the classes that take repeaters."""
    sizes: Counter = Counter()
    repeaters: dict[tuple, list[str]] = defaultdict(list)
    for step in plan_.steps:
        if step.kind == "graduate" or step.found.student.status != "active":
            continue
        key = (step.found.school.code, step.to_grade, step.found.student.class_no)
        sizes[key] += 1
        if step.kind == "repeat":
            repeaters[key].append(step.found.person.name)
    for aside in plan_.not_ours + plan_.later:
        if aside.found.student.status == "active":
            sizes[(aside.found.school.code, aside.found.student.grade,
                   aside.found.student.class_no)] += 1
    types = {s.code: s for s in plan_.schools}
    found = []
    for key, names in sorted(repeaters.items()):
        school = types[key[0]]
        cap = settings.class_cap[school.type]
        if sizes[key] > cap:
            found.append(rules.repeat_class_warning(
                f"{school.code} {school.name} {key[1]}年级{key[2]}班", sizes[key], cap, names))
    return found


def execute(session: Session, plan_: Plan, operator: str) -> list[JournalEntry]:
    """Write the turn: one entry per record taking part, in the caller's transaction."""
    entries = []
    for step in plan_.steps:
        student = step.found.student
        details = {"school_year": plan_.year, "from_grade": step.from_grade}
        remark = "外出借读中,回原学校升级毕业(BOR-5)" if student.status == "borrowed_out" else None
        if step.kind == "graduate":
            sets = {"status": "graduated"}
        else:
            sets = {"grade": step.to_grade, "class_no": student.class_no}
        # evidence and approvals given, not defaulted: pydantic inspects a default factory
        # on every construction, which is most of the cost of a large turn
        entries.append(journal.record(
            session, student, step.kind, plan_.effective, operator, sets=sets,
            reason=step.reason, details=details, remark=remark, evidence=[], approvals=[],
            batch=batch_id(plan_.year, step.found.school.code)))
    session.flush()
    return entries


# -- a repeat decided after the turn -------------------------------------------------------------

def repeat_after_turn(session: Session, settings: Settings, key: str, reason: str,
                      effective: dt.date, today: dt.date, operator: str):
    """留级 decided after the turn: the record's latest entry must be its promotion (or
    graduation) of a turn; the grade (or status) goes back to what it was before, with a
    `repeat` entry that names the turn entry it replaces (details `instead_of`)."""
    from xueji_cli.records.lifecycle import changes
    from xueji_cli.records.lifecycle.undo import undone_ids

    found = students.find(session, key)
    name = changes.who(found)
    undone = undone_ids(session)
    history = [e for e in session.exec(select(JournalEntry).where(
        JournalEntry.student_id == found.student.id).order_by(JournalEntry.id))
        if e.kind != "undo" and e.id not in undone]
    last = history[-1] if history else None
    texts, refused = fields.checked_texts(reason=reason)
    problems: list[Violation] = []
    if last is None or last.kind not in ("promote", "graduate") or not (last.batch or "").startswith("promote-"):
        what = f"最近一条变动是 #{last.id} {codes.change_kind(last.kind).label}" if last else "没有变动记录"
        problems.append(Violation(
            "CHG-1", "key", f"{name}{what},不是学年升级或毕业,无法改为留级",
            "学年升级之前决定的留级用 xueji promote --hold 学生 --reason 原因 办理"))
    problems += refused or rules.check_hold_reason(texts["reason"] or "", name)
    problems += changes.check_when(session, settings, found, effective, today)
    if any(v.is_error for v in problems):
        raise Refused([v for v in problems if v.is_error])
    before = fold(e.sets for e in session.exec(
        select(JournalEntry).where(JournalEntry.student_id == found.student.id,
                                   JournalEntry.id < last.id).order_by(JournalEntry.id)))
    sets = {k: before[k] for k in ("grade", "class_no", "status") if k in before}
    return changes.write(session, found, "repeat", effective, operator, sets, problems,
                         reason=texts["reason"], corrects=last.id,
                         details={"school_year": (last.details or {}).get("school_year"),
                                  "instead_of": last.id})
