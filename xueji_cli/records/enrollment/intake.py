"""September intake (新生花名册): a whole roster through the rules of one-student enrollment.

Every row becomes an `Applicant` through the column map (excel/columns.py) and is
judged by `admission.assess()` — exactly the rules of `xueji enroll` — against one
`Lookups` that also counts what the files have accepted so far (ENR-5 class caps over the
rows, NUM-7 the same child twice in the files). Nothing is written unless every row passes
(or the registrar asked to skip the invalid ones); then the numbers are assigned in a
documented, deterministic order (NUM-1, NUM-2) and everything is written in the one write
transaction: on SQLite through sqlite3 (records/enrollment/sqlite_target.py, which does not
load SQLAlchemy), on a server database through the session (enrolling.write_many, as
one-student enrollment).

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
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.excel import columns as rc
from xueji_cli.excel import reader as roster_reader
from xueji_cli.records.enrollment.applicant import Applicant, complete_from_id
from xueji_cli.values.dates import now
from xueji_cli.records.enrollment.admission import EnrollmentAssessment, assess
from xueji_cli.values.errors import InputError
from xueji_cli.records.enrollment.numbering import prefix_for
from xueji_cli.store.settings import Settings
from xueji_cli.values.violation import Violation
from xueji_cli.rules.identity import check_one_record, load_places

if TYPE_CHECKING:
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
    applicant: Applicant
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

MEMO_LIMIT = 4096
BLOCK = 2000  # rows converted together, column by column
_MISSING = object()


class _Failure:
    """A cell its converter could not read: the problem to report on each row that has it."""

    __slots__ = ("message", "hint")

    def __init__(self, message: str, hint: str):
        self.message, self.hint = message, hint


def _plan(sheet: roster_reader.Sheet) -> list[tuple]:
    """What to do with each column, worked out once per sheet: (column index, converter,
    kind, key, problem field, memo); kind 0 an enrollment field, 1 details, 2 a member.
    A roster repeats few values in most columns (性别, 民族, 班级, 户口所在地 …): each column
    remembers what its converter made of a value (converters are pure)."""
    plan = []
    for index, column in sorted(sheet.mapped.items()):
        if column.key == "ignored" or column.convert is None:
            continue
        key = column.key
        if key.startswith("details."):
            kind, key = 1, key[8:]
        elif key.startswith("member"):
            kind, key = 2, (key[6], key[8:])
        else:
            kind = 0
        plan.append((index, column.convert, kind, key, column.problem_field, {}))
    return plan


def _converted(convert, raw):
    """One cell through its column's converter: None for an empty cell, a _Failure for
    one that cannot be read."""
    if raw == "":
        return None
    if raw.__class__ is float and raw.is_integer():
        raw = int(raw)  # a whole number cell reads like the digits typed
    try:
        return convert(raw)
    except ValueError as exc:
        return _Failure(str(exc), getattr(exc, "hint", "") or "改正该格后重新导入")


def _column(convert, memo: dict, raw_cells: tuple) -> tuple[list, bool]:
    """A column of a block of rows, converted: each distinct value once (the column's
    memo keeps the first MEMO_LIMIT of them for the blocks that follow); and whether a
    cell of it could not be read. A column of text that is mostly different from row to
    row (names, ID numbers, phones) is converted cell by cell without the memo."""
    try:
        distinct = set(raw_cells)
    except TypeError:  # not a value calamine gives; convert cell by cell
        distinct = None
    kinds = set(map(type, distinct)) if distinct is not None else None
    if kinds is None or bool in kinds:
        values = [_converted(convert, raw) for raw in raw_cells]  # True == 1: no memo
        return values, any(value.__class__ is _Failure for value in values)
    if len(distinct) * 2 > len(raw_cells) and kinds == _TEXT and "" not in distinct:
        try:
            return list(map(convert, raw_cells)), False  # what _converted does for text
        except ValueError:
            pass  # a cell that cannot be read: each one is reported below
    local = {}
    failing = False
    for raw in distinct:
        value = memo.get(raw, _MISSING)
        if value is _MISSING:
            value = _converted(convert, raw)
            if len(memo) < MEMO_LIMIT:
                memo[raw] = value
        local[raw] = value
        failing = failing or value.__class__ is _Failure
    return list(map(local.__getitem__, raw_cells)), failing


_TEXT = {str}


def _convert_block(plan, block: list[list], school_option: str | None
                   ) -> list[tuple[Applicant, str | None]]:
    """The Applicants of a block of rows (and each row's school cell when --school also
    names one), converted column by column. A roster with family members (the national
    template's 成员1…) is put together row by row (_assemble); a plain one column by
    column (_assemble_columns), to the same Applicants."""
    cells = list(zip(*block))  # the block's columns (rows are padded to the header's width)
    columns = [_column(convert, memo, cells[index])
               for index, convert, _kind, _key, _field, memo in plan]
    specs = [(kind, key, problem_field) for _i, _c, kind, key, problem_field, _m in plan]
    if any(kind == 2 for kind, _key, _field in specs):
        return [_assemble(specs, row, school_option)
                for row in zip(*(values for values, _failing in columns))]
    return _assemble_columns(specs, columns, len(block), school_option)


# What an Applicant field is when its column is missing, empty or unreadable.
_ABSENT = {"name": "", "id_type": "1", "id_number": "", "national_number": "",
           "hukou_region": "", "guardian_hukou_region": "", "residence_region": "",
           "class_no": 0}
_COMMITMENT = "承诺书:"


def _assemble_columns(specs, columns: list[list], height: int, school_option: str | None
                      ) -> list[tuple[Applicant, str | None]]:
    """_assemble for a block without family members, a column at a time: the same
    values, problems (in the same order) and Applicants."""
    problems: dict[int, list[Violation]] = {}  # row -> its problems, in column order
    fields: dict[str, list] = {}
    details: list[tuple[str, list]] = []
    for (kind, key, problem_field), (column, failing) in zip(specs, columns):
        failed = [i for i, value in enumerate(column) if value.__class__ is _Failure] \
            if failing else ()
        for i in failed:
            value = column[i]
            problems.setdefault(i, []).append(
                Violation("INPUT", problem_field, value.message, value.hint))
            column[i] = None
        if kind == 0:
            fields[key] = column
        else:
            details.append((key, column))
    none = [None] * height

    def field_of(key: str) -> list:
        column = fields.get(key)
        if column is None:
            return [_ABSENT.get(key)] * height
        absent = _ABSENT.get(key)
        return [value or absent for value in column]

    shown = fields.get("evidence", none)
    evidence = [list(value) if value else [] for value in shown]  # the memo's lists are shared
    commitments = field_of("underage_commitment")
    # 承诺书:… in the evidence is the under-age commitment (when its own column is empty)
    with_commitment = {id(value) for value in {id(v): v for v in shown if v}.values()
                       if any(item.startswith(_COMMITMENT) for item in value)}
    for i in ([i for i, value in enumerate(shown) if id(value) in with_commitment]
              if with_commitment else ()):
        items = evidence[i]
        for item in [e for e in items if e.startswith(_COMMITMENT)]:
            items.remove(item)
            if not commitments[i]:
                commitments[i] = item.removeprefix(_COMMITMENT)
    if details:
        keys = [key for key, _column in details]
        detail_rows = [{key: value for key, value in zip(keys, values) if value}
                       for values in zip(*(column for _key, column in details))]
    else:
        detail_rows = [{} for _ in range(height)]
    for i, found in enumerate(detail_rows):
        if "source" in found:  # 学生来源: 1 正常入学 is what enrolling means
            source = found.pop("source")
            if source == "2":
                problems.setdefault(i, []).append(Violation(
                    "BOR-3", "details.source", "学生来源为「借读」:借读生不按新生入学建立学籍",
                    "借读生用 xueji borrow 办理(临时借读学籍);本行若填错,改为「正常入学」"))
            elif source != "1":
                found["source"] = source
    class_no = field_of("class_no")
    for i, number in enumerate(class_no):
        if not number and not any(p.field == "class" for p in problems.get(i, ())):
            problems.setdefault(i, []).append(
                Violation("INPUT", "class", "缺少班级", "填写班号,如 1 或 1班"))
    school_cells = field_of("school")
    if school_option:
        schools = [school_option] * height
    else:
        schools = [cell or name or _school_in_number(number or "") for cell, name, number
                   in zip(school_cells, field_of("school_name"), field_of("local_number"))]
    id_types, id_numbers = field_of("id_type"), field_of("id_number")
    out = []
    for i, (school, name, gender, birth, grade, number, id_type, id_number, national, hukou,
            guardian_hukou, residence, items, commitment, cap, ethnicity, guardian, phone,
            address, remark, found) in enumerate(zip(
                schools, field_of("name"), field_of("gender"), field_of("birth"),
                field_of("grade"), class_no, id_types, id_numbers, field_of("national_number"),
                field_of("hukou_region"), field_of("guardian_hukou_region"),
                field_of("residence_region"), evidence, commitments, field_of("cap_decision"),
                field_of("ethnicity"), field_of("guardian_name"), field_of("guardian_phone"),
                field_of("address"), field_of("remark"), detail_rows)):
        if gender is None or birth is None:
            gender, birth = complete_from_id(id_type, id_number, gender, birth)
        out.append((Applicant(school, name.replace(" ", ""), gender, birth, grade, number,
                              id_type, id_number, national, hukou, guardian_hukou, residence,
                              items, commitment, cap, ethnicity, guardian, phone, address,
                              remark, found, problems.get(i, [])),
                    school_cells[i] if school_option else None))
    return out


def _assemble(specs, row: tuple, school_option: str | None) -> tuple[Applicant, str | None]:
    """The row's Applicant from its converted cells."""
    values: dict = {}
    details: dict = {}
    members: dict[str, dict] = {}
    problems: list[Violation] = []
    for (kind, key, problem_field), value in zip(specs, row):
        if not value:  # nothing there ("", None, []); no converter gives a 0
            continue
        if value.__class__ is _Failure:
            problems.append(Violation("INPUT", problem_field, value.message, value.hint))
            continue
        if value.__class__ is list:
            value = list(value)  # the remembered list is shared
        if kind == 0:
            values[key] = value
        elif kind == 1:
            details[key] = value
        else:
            members.setdefault(key[0], {})[key[1]] = value
    if members:
        _guardian_from_members(values, details, members)
    source = details.pop("source", None)  # 学生来源: 1 正常入学 is what enrolling means
    if source == "2":
        problems.append(Violation(
            "BOR-3", "details.source", "学生来源为「借读」:借读生不按新生入学建立学籍",
            "借读生用 xueji borrow 办理(临时借读学籍);本行若填错,改为「正常入学」"))
    elif source not in (None, "1"):
        details["source"] = source
    evidence = values.get("evidence", [])
    for item in [e for e in evidence if e.startswith("承诺书:")]:
        evidence.remove(item)
        values.setdefault("underage_commitment", item.removeprefix("承诺书:"))
    id_type = values.get("id_type", "1")
    id_number = values.get("id_number", "")
    gender, birth = complete_from_id(id_type, id_number, values.get("gender"), values.get("birth"))
    if "class_no" not in values and not any(p.field == "class" for p in problems):
        problems.append(Violation("INPUT", "class", "缺少班级", "填写班号,如 1 或 1班"))
    school = school_option or values.get("school") or values.get("school_name") \
        or _school_in_number(values.get("local_number", ""))
    applicant = Applicant(
        school_code=school, name=values.get("name", "").replace(" ", ""), gender=gender,
        birth=birth, grade=values.get("grade"), class_no=values.get("class_no", 0),
        id_type=id_type, id_number=id_number, national_number=values.get("national_number", ""),
        hukou_region=values.get("hukou_region", ""),
        guardian_hukou_region=values.get("guardian_hukou_region", ""),
        residence_region=values.get("residence_region", ""), evidence=evidence,
        underage_commitment=values.get("underage_commitment"),
        cap_decision=values.get("cap_decision"), ethnicity=values.get("ethnicity"),
        guardian_name=values.get("guardian_name"), guardian_phone=values.get("guardian_phone"),
        address=values.get("address"), remark=values.get("remark"), details=details,
        problems=problems)
    return applicant, (values.get("school") if school_option else None)


def _school_in_number(number: str) -> str:
    """A 14-digit local number names its school (digits 7–9): a roster exported by xueji
    imports into a fresh directory without a school column."""
    return number[6:9] if re.fullmatch(r"\d{14}", number or "") else ""


GUARDIAN_FIELDS = (("name", "guardian_name"), ("hukou_region", "guardian_hukou_region"),
                   ("phone", "guardian_phone"))


def _guardian_from_members(values: dict, details: dict, members: dict[str, dict]) -> None:
    """The family member marked 是否监护人 = 是 (else 成员1, unless marked 否) is the guardian:
    name, household registration and phone become the record's guardian fields; the rest
    of each member is kept in details."""
    chosen = next((n for n in sorted(members) if members[n].get("is_guardian") == "1"), None)
    if chosen is None and "1" in members and members["1"].get("is_guardian") != "0":
        chosen = "1"
    if chosen is not None:
        member = members[chosen]
        member.pop("is_guardian", None)  # said by guardian_member
        for member_key, field_key in GUARDIAN_FIELDS:
            if field_key not in values and member_key in member:
                values[field_key] = member.pop(member_key)
        details["guardian_member"] = int(chosen)
    for number, member in sorted(members.items()):
        if member:
            details[f"member{number}"] = member


def prepare() -> None:
    """What every import needs whatever its rows, made ready while the files are still
    being parsed in the background (roster_files.prefetch): the column map and the
    region table the ID number checks read."""
    rc.by_header()
    load_places()


def read(paths: list[Path], school: str | None = None, sheet: str | None = None,
         tick: Tick | None = None) -> Batch:
    """Every data row of the files, converted; file-level problems raise InputError."""
    rows: list[Row] = []
    sheets: list[roster_reader.Sheet] = []
    notes: list[str] = []
    for path in paths:
        workbook = roster_reader.open_workbook(path)
        found, skipped = roster_reader.sheets(path, workbook, sheet)
        notes += skipped
        for layout in found:
            missing = roster_reader.missing_columns(layout, school is not None)
            if missing:
                raise InputError(
                    "roster_file", f"{layout.label} 第{layout.header_row}行的表头缺少这些列:"
                    f"{'、'.join(missing)}",
                    _columns_hint(layout))
            plan = _plan(layout)
            total = layout.data.height
            numbers: list[int] = []
            block: list[list] = []
            for number, cells in roster_reader.rows(layout):
                numbers.append(number)
                block.append(cells)
                if len(block) == BLOCK:
                    _add_block(rows, layout, plan, numbers, block, school)
                    numbers, block = [], []
                    if tick:
                        tick("读取", number, total)
            _add_block(rows, layout, plan, numbers, block, school)
            layout.data = None  # calamine's copy of the sheet is no longer needed (memory)
            sheets.append(layout)
            if layout.notes_from:
                notes.append(f"{layout.label} 第{layout.notes_from}行起是表尾说明,未导入")
            if layout.unknown:
                notes.append(f"{layout.label} 未识别的列(未导入):{'、'.join(layout.unknown)}")
        del workbook
    if not rows:
        raise InputError("roster_file", "花名册的表头下面没有学生", "检查是否选错了文件或工作表")
    return Batch(sheets, rows, notes)


def _add_block(rows: list[Row], layout, plan, numbers: list[int], block: list[list],
               school: str | None) -> None:
    if not block:
        return
    for number, (applicant, cell) in zip(numbers, _convert_block(plan, block, school)):
        rows.append(Row(layout, number, len(rows), applicant, school_cell=cell))


def _columns_hint(layout: roster_reader.Sheet) -> str:
    found = "、".join(layout.headers[i] for i in sorted(layout.mapped)) or "(无)"
    hint = f"已识别的列:{found}"
    if layout.unknown:
        hint += f";未识别的列:{'、'.join(layout.unknown)}"
    return hint + (";在表中补上缺少的列(列名如上)后重新导入。全国学籍系统模板没有的列"
                   "(现住地行政区划、证明材料)可加在最后")


# -- checking -----------------------------------------------------------------------------

_SCHOOL_CODE = re.compile(r"^(\d{1,3})(\s+\S.*)?$")


def _resolve_school(applicant: Applicant, cell: str | None, names: dict[str, str]) -> None:
    """The school a row names (code, name, or `001 示范镇中心小学`) as its 3-digit code."""
    text = applicant.school_code.strip()
    match = _SCHOOL_CODE.match(text)
    if match:
        applicant.school_code = match.group(1).zfill(3)
    elif text in names:
        applicant.school_code = names[text]
    elif text:
        applicant.problems.append(Violation(
            "ORG-2", "school", f"本目录没有学校「{text}」",
            "学校一列填学校代码(如 001);用 xueji school list 查看"))
    else:
        applicant.problems.append(Violation(
            "ORG-2", "school", "没有填写学校", "在学校代码一列填写学校代码,或用 --school 指定"))
    if cell is not None:
        own = _SCHOOL_CODE.match(cell.strip())
        code = own.group(1).zfill(3) if own else names.get(cell.strip(), cell)
        if code != applicant.school_code:
            applicant.problems.append(Violation(
                "INPUT", "school", f"本行学校「{cell}」与 --school {applicant.school_code} 不一致",
                "核对该行是否属于这所学校;不同学校的学生分开导入,或去掉 --school 按表中学校导入"))


# The rules' hints name the options of one-student enrollment; in a roster the same value
# is a column.
ROSTER_HINTS = (
    (re.compile(r"用 --evidence 逐项登记,如((?: --evidence \S+)+)"),
     lambda m: "在「证明材料」列填写查验过的材料,如「"
     + "、".join(re.findall(r"--evidence (\S+)", m.group(1))) + "」"),
    (re.compile(r"用 --underage-commitment 记录"), lambda m: "在「不足龄承诺书」列填写"),
    (re.compile(r"用 --cap-decision 记录"), lambda m: "在「超额决定」列填写"),
    (re.compile(r"用 --national-number 补录"), lambda m: "在「全国学籍号」列填写"),
)


def _roster_hint(violation: Violation) -> Violation:
    hint = violation.hint
    for pattern, replacement in ROSTER_HINTS:
        hint = pattern.sub(replacement, hint)
    return violation if hint == violation.hint else replace(violation, hint=hint)


def _differences(applicant: Applicant, held: dict) -> list[str]:
    out = []
    for key, label in COMPARED:
        mine = getattr(applicant, key)
        theirs = held["birth" if key == "birth" else key]
        if mine != theirs:
            out.append(f"{label}:本行 {_shown(key, mine)},已登记 {_shown(key, theirs)}")
    return out


def _shown(key: str, value) -> str:
    if key == "gender":
        return {"1": "男", "2": "女"}.get(value, str(value))
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def check(target: Target, settings: Settings, batch: Batch, effective: dt.date,
          today: dt.date, tick: Tick | None = None) -> None:
    """Assess every row (in file order) and set its status; nothing is written."""
    lookups = target.lookups([row.applicant for row in batch.rows])
    schools = target.schools()
    names = {s.name: s.code for s in schools.values()}
    total = len(batch.rows)
    resolved: dict[tuple, tuple[str, list[Violation]]] = {}  # a roster names a few schools
    for done, row in enumerate(batch.rows, start=1):
        applicant = row.applicant
        key = (applicant.school_code, row.school_cell)
        if key not in resolved:
            probe = Applicant(applicant.school_code, "", None, None, 0, 0)
            _resolve_school(probe, row.school_cell, names)
            resolved[key] = (probe.school_code, probe.problems)
        applicant.school_code, problems = resolved[key]
        if problems:
            applicant.problems = applicant.problems + problems
        school = schools.get(applicant.school_code)
        if applicant.grade is None:  # a 新生 roster without a 年级 column: the first grade
            applicant.grade = settings.grades[school.type][0] if school else 1
        held = lookups.matches(applicant) if applicant.name and applicant.birth else []
        same = [m for m in held if m["school_code"] == applicant.school_code
                and m["status"] == "active"] if held else []
        differences = _differences(applicant, same[0]) if same else []
        if same and not differences and len(held) == 1 and not applicant.problems:
            row.status, row.existing = "already", same[0]["local_number"]
            if applicant.id_number:
                lookups.pending_ids.setdefault(applicant.id_number, row)
            continue
        assessment = assess(applicant, lookups, settings, effective, today, held)
        if same and differences:
            generic = check_one_record(held)
            assessment.errors = [v for v in assessment.errors if v not in generic] + [Violation(
                "NUM-7", "id_number" if applicant.id_number else "name",
                f"该生已在 {same[0]['school']} 登记(学籍号 {same[0]['local_number']}),"
                f"但与本行不一致:{';'.join(differences)}",
                "本行有误的,改正本行;已登记的有误,按更正手续改正;不要重复登记")]
        if assessment.errors:
            assessment.errors = [_roster_hint(v) for v in assessment.errors]
        if assessment.warnings:
            unreadable_id = any(p.field == "id_number" for p in applicant.problems)
            assessment.warnings = [_roster_hint(v) for v in assessment.warnings
                                   if not (unreadable_id and v.field == "national_number")]
        row.assessment = assessment
        if assessment.errors:
            row.status, row.errors = "invalid", assessment.errors
        else:
            lookups.accept(applicant, assessment.school, row)
        if tick and done % TICK == 0:
            tick("检查", done, total)


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
