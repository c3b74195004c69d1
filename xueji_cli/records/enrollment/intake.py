"""September intake (新生花名册): a whole roster through the rules of one-student enrollment.

Every row becomes an `Applicant` through the column map (records/enrollment/roster_rows.py)
and is judged by `admission.assess()` — exactly the rules of `xueji enroll` — against one
`Lookups` that also counts what the files have accepted so far (ENR-5 class caps over the
rows, NUM-7 the same child twice in the files). Nothing is written unless every row passes
(or the registrar asked to skip the invalid ones); then the numbers are assigned in a
documented, deterministic order (NUM-1, NUM-2) and everything is written in the one write
transaction: on SQLite through sqlite3 (records/enrollment/sqlite_target.py, which does not
load SQLAlchemy), on a server database with COPY in the session's transaction
(records/enrollment/server_target.py).

Re-running a file enrolls nobody twice: a row whose child is already on record at that
school with the same data is reported as already enrolled; one that clashes is an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter, is_
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.excel import columns as rc
from xueji_cli.excel import reader as roster_reader
from xueji_cli.records.enrollment import roster_regions, roster_rows
from xueji_cli.records.enrollment.admission import EnrollmentAssessment, assess
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.records.enrollment.lookups import Lookups
from xueji_cli.records.enrollment.numbering import prefix_for
from xueji_cli.rules.identity import check_one_record, load_places
from xueji_cli.store.settings import Settings
from xueji_cli.values.dates import now
from xueji_cli.values.errors import InputError
from xueji_cli.values.labels import field as field_label
from xueji_cli.values.violation import Violation

if TYPE_CHECKING:
    from xueji_cli.records.enrollment.statement import Statement
    from xueji_cli.records.enrollment.targets import Target

# The order numbers are given in (NUM-1/NUM-2): school, then grade and class, then the
# order of the rows in the files as given (file, sheet, row).
NUMBER_ORDER = "学校 → 年级 → 班级 → 文件中的先后(按 --from 的顺序、工作表顺序、行号)"
TICK = 500
COMPARED = (("name", "姓名"), ("gender", "性别"), ("birth", "出生日期"), ("grade", "年级"),
            ("class_no", "班级"))

Tick = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(slots=True)
class Row:
    sheet: roster_reader.Sheet
    number: int  # the row number Excel shows
    order: int  # position over all the files, in the order given
    applicant: Applicant  # as read; after check(), with its school and grade resolved
    status: str = "new"  # new / already / invalid
    assessment: EnrollmentAssessment | None = None
    errors: list[Violation] = field(default_factory=list)
    local_number: str | None = None  # assigned (or, in a dry run, planned)
    existing: str | None = None  # the number of the record already held (already)
    school_cell: str | None = None  # the row's own school when --school is given too

    @property
    def label(self) -> str:
        return f"{self.sheet.file_name} 第{self.number}行({self.applicant.name or '无姓名'})"

    def __str__(self) -> str:  # the Lookups keep the row and word it only in a message
        return self.label

    @property
    def warnings(self) -> list[Violation]:
        return self.assessment.warnings if self.assessment else []


@dataclass
class Batch:
    sheets: list[roster_reader.Sheet]
    rows: list[Row]
    notes: list[str]
    batch_id: str | None = None
    numbered: list[Row] | None = None  # the rows to enroll in NUMBER_ORDER (number())

    def having(self, status: str) -> list[Row]:
        return [row for row in self.rows if row.status == status]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Around a whole import: Python's cyclic garbage collector paused. A roster makes
    hundreds of thousands of objects that live to the end (rows, applicants, their
    findings), and each of the collector's passes over them finds nothing to free (they
    hold no cycles; freeing by reference count goes on as usual). Afterwards the
    collector runs as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What the import made is set aside from the collector's generations first:
            # its first pass would otherwise scan every object made meanwhile. Those
            # objects are still freed as usual when no longer used.
            gc.freeze()
            gc.enable()


# -- reading ------------------------------------------------------------------------------

def prepare() -> None:
    """What every import needs whatever its rows, made ready while the files are still
    being parsed in the background (roster_files.prefetch): the column map and the
    region table the ID number checks read."""
    rc.by_header()
    load_places()


def read(paths: list[Path], school: str | None = None, sheet: str | None = None,
         tick: Tick | None = None, asked: tuple[str, ...] = (),
         required: tuple[str, ...] = rc.REQUIRED, statement: Statement | None = None) -> Batch:
    """Every data row of the files, converted, and completed by the registrar's statement
    for the batch (what a row leaves empty); file-level problems raise InputError.
    `asked`: the fields besides the enrollment's that each row's Applicant keeps
    (roster_rows.applicants); `required`: the fields whose column must be there."""
    rows: list[Row] = []
    sheets: list[roster_reader.Sheet] = []
    notes: list[str] = []
    for path in paths:
        workbook = roster_reader.open_workbook(path)
        found, skipped = roster_reader.sheets(path, workbook, sheet)
        notes += skipped
        for layout in found:
            missing = roster_reader.missing_columns(
                layout, school is not None, required,
                statement.fields if statement else frozenset())
            if missing:
                raise InputError(
                    "roster_file", f"{layout.label} 第{layout.header_row}行的表头缺少这些列:"
                    f"{'、'.join(missing)}",
                    _columns_hint(layout))
            plan = roster_rows.plan(layout, asked)
            total = layout.data.height
            numbers: list[int] = []
            block: list[list] = []
            for number, cells in roster_reader.rows(layout):
                numbers.append(number)
                block.append(cells)
                if len(block) == roster_rows.BLOCK:
                    _add_block(rows, layout, plan, numbers, block, school, asked, statement)
                    numbers, block = [], []
                    if tick:
                        tick("读取", number, total)
            _add_block(rows, layout, plan, numbers, block, school, asked, statement)
            layout.data = None  # calamine's copy of the sheet is no longer needed (memory)
            sheets.append(layout)
            if layout.notes_from:
                notes.append(f"{layout.label} 第{layout.notes_from}行起是表尾说明,未导入")
            if layout.unknown:
                notes.append(f"{layout.label} 未识别的列(未导入):{'、'.join(layout.unknown)}")
        del workbook
    if not rows:
        raise InputError("roster_file", "花名册的表头下面没有学生", "检查是否选错了文件或工作表")
    if statement:
        notes += _stated_notes(rows)
    return Batch(sheets, rows, notes)


def _add_block(rows: list[Row], layout, plan, numbers: list[int], block: list[list],
               school: str | None, asked: tuple[str, ...],
               statement: Statement | None) -> None:
    if not block:
        return
    made = roster_rows.applicants(plan, block, school, asked)
    if statement:
        for applicant, _cell in made:
            statement.complete(applicant)
    for number, (applicant, cell) in zip(numbers, made):
        rows.append(Row(layout, number, len(rows), applicant, school_cell=cell))


def _stated_notes(rows: list[Row]) -> list[str]:
    from xueji_cli.records.enrollment.statement import counted

    counts = counted(row.applicant for row in rows)
    filled = "、".join(f"{field_label(key)} {n} 行" for key, n in counts.items() if n)
    return [f"按整批声明补填(各行自己填写的不变,补填的记入该生的入学记录):{filled}"
            if filled else "整批声明未用上:各行都已填写证明材料、监护人户口所在地和现住地"]


def _columns_hint(layout: roster_reader.Sheet) -> str:
    found = "、".join(layout.headers[i] for i in sorted(layout.mapped)) or "(无)"
    hint = f"已识别的列:{found}"
    if layout.unknown:
        hint += f";未识别的列:{'、'.join(layout.unknown)}"
    return hint + (";在表中补上缺少的列(列名如上)后重新导入。全国学籍系统模板没有的列"
                   "(年级、现住地行政区划、证明材料)可加在最后;证明材料、现住地和监护人"
                   "户口所在地也可以用 --evidence、--regions-as-hukou 对整批声明")


# -- checking -----------------------------------------------------------------------------

def check(target: Target, settings: Settings, batch: Batch, effective: dt.date,
          today: dt.date, tick: Tick | None = None) -> None:
    """Judge every row (in file order) and set its status; nothing is written. The
    Applicants read are not changed: a row whose school or grade the directory resolves
    (a school by name, 1 for 001; the first grade, to judge the rest of a row whose 年级
    is missing, a problem of its own) gets a new Applicant with them, as does a row whose
    regions are written as names (their codes)."""
    lookups = target.lookups([row.applicant for row in batch.rows])
    total = len(batch.rows)
    for done, row in enumerate(with_schools(target, settings, batch), start=1):
        _judge(row, lookups, settings, effective, today)
        if tick and done % TICK == 0:
            tick("检查", done, total)


def with_schools(target: Target, settings: Settings, batch: Batch) -> Iterator[Row]:
    """Each row (in file order) with its school resolved as the directory names it: a
    school by name, 1 for 001, the first grade when the roster has no 年级; and its
    regions written as names given their codes (a new Applicant then; the one read is not
    changed)."""
    named = roster_regions.names_in([row.applicant for row in batch.rows])
    region_codes = roster_regions.codes_for(named, target.regions()) if named else None
    schools = target.schools()
    names = {s.name: s.code for s in schools.values()}
    resolved: dict[tuple, tuple[str, list[Violation]]] = {}  # a roster names a few schools
    for row in batch.rows:
        key = (row.applicant.school_code, row.school_cell)
        school = resolved.get(key)
        if school is None:
            school = resolved[key] = _school_code(*key, names)
        code, problems = school
        if problems or code != key[0] or row.applicant.grade is None:
            row.applicant = _resolved_copy(row.applicant, code, problems, schools, settings)
        if region_codes:
            row.applicant = roster_regions.with_codes(row.applicant, region_codes) or row.applicant
        yield row


def _judge(row: Row, lookups: Lookups, settings: Settings, effective: dt.date,
           today: dt.date) -> None:
    """One row: already enrolled at this school with the same data, or assessed (and
    counted by the look-ups when it passes)."""
    applicant = row.applicant
    held = lookups.matches(applicant) if applicant.name and applicant.birth else []
    same = [m for m in held if m["school_code"] == applicant.school_code
            and m["status"] == "active"] if held else []
    differences = _differences(applicant, same[0]) if same else []
    if same and not differences and len(held) == 1 and not applicant.problems:
        row.status, row.existing = "already", same[0]["local_number"]
        if applicant.id_number:
            lookups.pending_ids.setdefault(applicant.id_number, row)
        return
    assessment = assess(applicant, lookups, settings, effective, today, held)
    if assessment.errors or assessment.warnings or differences:
        errors, warnings = _as_roster_says(assessment, applicant, held, same, differences)
        if errors is not assessment.errors or warnings is not assessment.warnings:
            assessment = replace(assessment, errors=errors, warnings=warnings)
    row.assessment = assessment
    if assessment.errors:
        row.status, row.errors = "invalid", assessment.errors
    else:
        lookups.accept(applicant, assessment.school, row)


_SCHOOL_CODE = re.compile(r"^(\d{1,3})(\s+\S.*)?$")


def _school_code(named: str, cell: str | None, names: dict[str, str]
                 ) -> tuple[str, list[Violation]]:
    """The school a row names (code, name, or `001 示范镇中心小学`) as its 3-digit code
    (as named when the directory has no such school), and the problems of naming it
    (ORG-2; a row's own school that is not the one --school gives)."""
    text = named.strip()
    match = _SCHOOL_CODE.match(text)
    problems = []
    if match:
        code = match.group(1).zfill(3)
    elif text in names:
        code = names[text]
    elif text:
        code = named
        problems.append(Violation(
            "ORG-2", "school", f"本目录没有学校「{text}」",
            "学校一列填学校代码(如 001);用 xueji school list 查看"))
    else:
        code = named
        problems.append(Violation(
            "ORG-2", "school", "没有填写学校", "在学校代码一列填写学校代码,或用 --school 指定"))
    if cell is not None:
        own = _SCHOOL_CODE.match(cell.strip())
        if (own.group(1).zfill(3) if own else names.get(cell.strip(), cell)) != code:
            problems.append(Violation(
                "INPUT", "school", f"本行学校「{cell}」与 --school {code} 不一致",
                "核对该行是否属于这所学校;不同学校的学生分开导入,或去掉 --school 按表中学校导入"))
    return code, problems


_FIELDS = attrgetter(*(f.name for f in fields(Applicant)))


def _resolved_copy(applicant: Applicant, code: str, problems: list[Violation], schools: dict,
                   settings: Settings) -> Applicant:
    """A copy of the Applicant with its school's code, its grade (a row without one, which
    is a problem of the row already: the school's first grade, to judge the rest) and the
    problems of naming its school — made field by field, as dataclasses.replace would at
    several times the cost (a roster naming its schools by name copies every row)."""
    grade = applicant.grade
    if grade is None:
        school = schools.get(code)
        grade = settings.grades[school.type][0] if school else 1
    copy = Applicant(*_FIELDS(applicant))
    copy.school_code, copy.grade = code, grade
    if problems:
        copy.problems = applicant.problems + problems
    return copy


def _as_roster_says(assessment: EnrollmentAssessment, applicant: Applicant, held: list[dict],
                    same: list[dict], differences: list[str]
                    ) -> tuple[list[Violation], list[Violation]]:
    """The assessment's errors and warnings in a roster's terms (each list as it was when
    nothing changes): a child held at this school with other data is one NUM-7 saying
    what differs, instead of the general one; hints name the roster's columns instead of
    the options of one-student enrollment; no national-number warning when the ID number
    could not be read (its own problem says so)."""
    errors, warnings = assessment.errors, assessment.warnings
    if same and differences:
        generic = check_one_record(held)
        errors = [v for v in errors if v not in generic] + [Violation(
            "NUM-7", "id_number" if applicant.id_number else "name",
            f"该生已在 {same[0]['school']} 登记(学籍号 {same[0]['local_number']}),"
            f"但与本行不一致:{';'.join(differences)}",
            "本行有误的,改正本行;已登记的有误,按更正手续改正;不要重复登记")]
    if warnings and any(p.field == "id_number" for p in applicant.problems):
        warnings = [v for v in warnings if v.field != "national_number"]
    return _with_roster_hints(errors), _with_roster_hints(warnings)


# The rules' hints name the options of one-student enrollment; in a roster the same value
# is a column — or, for the evidence (ENR-7), the registrar's statement for the batch
# (records/enrollment/statement.py), which fills the rows whose 证明材料 is empty.
ROSTER_HINTS = (
    (re.compile(r"用 --evidence 逐项登记,如((?: --evidence \S+)+)"),
     lambda m: "在「证明材料」列填写查验过的材料,如「"
     + "、".join(re.findall(r"--evidence (\S+)", m.group(1))) + "」;整批学生的材料都已查验的,"
     f"也可在导入时用{m.group(1)} 对整批声明(用于证明材料为空的行)"),
    (re.compile(r"用 --underage-commitment 记录"), lambda m: "在「不足龄承诺书」列填写"),
    (re.compile(r"用 --cap-decision 记录"), lambda m: "在「超额决定」列填写"),
    (re.compile(r"用 --national-number 补录"), lambda m: "在「全国学籍号」列填写"),
)


def _with_roster_hints(violations: list[Violation]) -> list[Violation]:
    shown = [_roster_hint(v) for v in violations]
    return violations if all(map(is_, shown, violations)) else shown


def _roster_hint(violation: Violation) -> Violation:
    hint = violation.hint
    for pattern, replacement in ROSTER_HINTS:
        hint = pattern.sub(replacement, hint)
    return violation if hint == violation.hint else replace(violation, hint=hint)


def _differences(applicant: Applicant, held: dict) -> list[str]:
    out = []
    for key, label in COMPARED:
        mine = getattr(applicant, key)
        theirs = held[key]
        if mine != theirs:
            out.append(f"{label}:本行 {_shown(key, mine)},已登记 {_shown(key, theirs)}")
    return out


def _shown(key: str, value) -> str:
    if key == "gender":
        return {"1": "男", "2": "女"}.get(value, str(value))
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# -- numbering and writing ----------------------------------------------------------------

def _in_number_order(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=_NUMBER_ORDER_KEY)


_NUMBER_ORDER_KEY = attrgetter("applicant.school_code", "applicant.grade",
                               "applicant.class_no", "order")  # NUMBER_ORDER


def number(target: Target, settings: Settings, batch: Batch) -> None:
    """Give each row to enroll its local number (NUM-1/NUM-2), in NUMBER_ORDER. In a dry
    run the numbers are what an import now would give."""
    sequencer = target.sequencer()
    prefixes: dict[tuple[int, int], str] = {}  # a roster numbers a few cohorts
    batch.numbered = _in_number_order(batch.having("new"))
    for row in batch.numbered:
        assessment = row.assessment
        key = (id(assessment.school), assessment.entry_year)
        prefix = prefixes.get(key)
        if prefix is None:
            prefix = prefixes[key] = prefix_for(settings, assessment.school,
                                                assessment.entry_year)
        row.local_number = sequencer.next(prefix)


def write(target: Target, batch: Batch, effective: dt.date, operator: str,
          tick: Tick | None = None) -> str | None:
    """Write the numbered rows (persons, records, journal entries) inside the target's one
    transaction, in the order number() gave them their numbers. Returns the batch id the
    journal entries carry."""
    if batch.numbered is None:
        raise RuntimeError("intake.write() before intake.number(): the rows have no numbers")
    rows = batch.numbered
    if not rows:
        return None
    batch.batch_id = f"intake-{now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    target.write([(r.applicant, r.assessment, r.local_number) for r in rows], effective,
                 operator, batch.batch_id,
                 (lambda done: tick("写入", done, len(rows))) if tick else None)
    return batch.batch_id
