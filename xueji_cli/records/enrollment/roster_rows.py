"""A roster's rows as Applicants: each cell through its column's converter (excel/columns.py,
the converters of values/fields.py), a block of rows at a time and column by column. A
roster repeats few values in most columns (性别, 民族, 班级, 户口所在地 …), so each column
converts each distinct value once. A cell that cannot be read is a problem of its row
(rule INPUT), reported with the rules' findings; nothing is guessed.
"""

from __future__ import annotations

import re

from xueji_cli.excel import columns as rc
from xueji_cli.excel import reader as roster_reader
from xueji_cli.records.enrollment.applicant import Applicant, complete_from_id
from xueji_cli.values.fields import compact_name
from xueji_cli.values.violation import Violation

MEMO_LIMIT = 4096
BLOCK = 2000  # rows converted together, column by column
_MISSING = object()
_TEXT = {str}
# What an Applicant field is when its column is missing, empty or unreadable.
_ABSENT = {"name": "", "id_type": "1", "id_number": "", "national_number": "",
           "hukou_region": "", "guardian_hukou_region": "", "residence_region": "",
           "class_no": 0}
_COMMITMENT = "承诺书:"
# A family member's values that become the record's guardian fields.
GUARDIAN_FIELDS = (("name", "guardian_name"), ("hukou_region", "guardian_hukou_region"),
                   ("phone", "guardian_phone"))


class _Failure:
    """A cell its converter could not read: the problem to report on each row that has it."""

    __slots__ = ("message", "hint")

    def __init__(self, message: str, hint: str):
        self.message, self.hint = message, hint


def plan(sheet: roster_reader.Sheet, asked: tuple[str, ...] = ()) -> list[tuple]:
    """What to do with each column, worked out once per sheet: (column index, converter,
    kind, key, problem field, memo); kind 0 an enrollment field, 1 details, 2 a family
    member (key: its number and field). Each column remembers what its converter made of
    a value (converters are pure). A column only some workflows read (rc.ASKED_ONLY) is
    read when `asked` names it."""
    found = []
    for index, column in sorted(sheet.mapped.items()):
        if column.key == "ignored" or column.convert is None \
                or (column.key in rc.ASKED_ONLY and column.key not in asked):
            continue
        key = column.key
        if key.startswith("details."):
            kind, key = 1, key[8:]
        elif key.startswith("member"):
            kind, key = 2, (key[6], key[8:])
        else:
            kind = 0
        found.append((index, column.convert, kind, key, column.problem_field, {}))
    return found


def applicants(plan: list[tuple], block: list[list], school_option: str | None,
               asked: tuple[str, ...] = ()) -> list[tuple[Applicant, str | None]]:
    """The Applicants of a block of rows, and each row's own school cell when --school
    also names one. The problems of a row are in this order: its unreadable cells (in
    column order), then what the roster says that enrolling cannot (BOR-3), then a
    missing class or grade, or a class naming another grade than the row's. The fields
    `asked` (the local number, rc.ASKED_ONLY) are each Applicant's `asked`, the cells
    filled."""
    cells = list(zip(*block))  # the block's columns (rows are padded to the header's width)
    height = len(block)
    problems: dict[int, list[Violation]] = {}  # row -> its problems
    fields: dict[str, list] = {}
    details: list[tuple[str, list]] = []
    members: dict[str, list[tuple[str, list]]] = {}
    for index, convert, kind, key, problem_field, memo in plan:
        column, failing = _column(convert, memo, cells[index])
        if failing:
            _take_failures(column, problem_field, problems)
        if kind == 0:
            fields[key] = column
        elif kind == 1:
            details.append((key, column))
        else:
            members.setdefault(key[0], []).append((key[1], column))
    guardian = {key: _field(fields, key, height) for _member_key, key in GUARDIAN_FIELDS}
    detail_rows = _detail_rows(details, height)
    if members:
        _add_members(members, detail_rows, guardian, height)
    _take_source(detail_rows, problems)
    class_no = _field(fields, "class_no", height)
    grades = _field(fields, "grade", height)
    for i, number in enumerate(class_no):
        if not number:
            if not any(p.field == "class" for p in problems.get(i, ())):
                problems.setdefault(i, []).append(
                    Violation("INPUT", "class", "缺少班级", "填写班号,如 1 或 1班"))
        elif number.__class__ is tuple:
            class_no[i] = _class_of_grade(number, grades, i, problems)
    if "grade" in fields and None in grades:
        for i, grade in enumerate(grades):
            if grade is None and not any(p.field == "grade" for p in problems.get(i, ())):
                problems.setdefault(i, []).append(
                    Violation("INPUT", "grade", "缺少年级", "填写年级,如 1 或 一年级"))
    evidence, commitments = _evidence(fields.get("evidence"),
                                      _field(fields, "underage_commitment", height), height)
    school_cells = _field(fields, "school", height)
    if school_option:
        schools = [school_option] * height
    else:
        schools = [cell or name or _school_in_number(number or "") for cell, name, number
                   in zip(school_cells, _field(fields, "school_name", height),
                          _field(fields, "local_number", height))]

    def field(key: str) -> list:
        return _field(fields, key, height)

    asked_rows = _asked_rows([(key, fields[key]) for key in asked if key in fields], height)
    out = []
    for i, (school, name, gender, birth, grade, number, id_type, id_number, national, hukou,
            guardian_hukou, residence, items, commitment, cap, ethnicity, guardian_name, phone,
            address, remark, found) in enumerate(zip(
                schools, field("name"), field("gender"), field("birth"), grades,
                class_no, field("id_type"), field("id_number"), field("national_number"),
                field("hukou_region"), guardian["guardian_hukou_region"],
                field("residence_region"), evidence, commitments, field("cap_decision"),
                field("ethnicity"), guardian["guardian_name"], guardian["guardian_phone"],
                field("address"), field("remark"), detail_rows)):
        if gender is None or birth is None:
            gender, birth = complete_from_id(id_type, id_number, gender, birth)
        out.append((Applicant(school, compact_name(name), gender, birth, grade, number,
                              id_type, id_number, national, hukou, guardian_hukou, residence,
                              items, commitment, cap, ethnicity,
                              compact_name(guardian_name) if guardian_name and " " in guardian_name
                              else guardian_name, phone, address,
                              remark, found, problems.get(i, []), asked_rows[i]),
                    school_cells[i] if school_option else None))
    return out


def _asked_rows(columns: list[tuple[str, list]], height: int) -> list[dict | None]:
    if not columns:
        return [None] * height
    if len(columns) == 1:  # a register's 学籍号 alone, mostly
        [(key, column)] = columns
        return [{} if value is None else {key: value} for value in column]
    keys = [key for key, _column in columns]
    return [{key: value for key, value in zip(keys, values) if value is not None}
            for values in zip(*(column for _key, column in columns))]


def _class_of_grade(named: tuple[int, int], grades: list, i: int,
                    problems: dict[int, list]) -> int:
    """A class cell that names its grade too (一年级(1)班): its class, and the grade of the
    row where the 年级 cell is empty; a 年级 cell that says another grade is a problem of
    the row, naming both."""
    grade, number = named
    if grades[i] is None:
        grades[i] = grade
    elif grades[i] != grade:
        problems.setdefault(i, []).append(Violation(
            "INPUT", "class", f"班级写的是{grade}年级{number}班,与年级「{grades[i]}」不一致",
            "核对该生的年级和班级,改正写错的一格"))
    return number


def _field(fields: dict[str, list], key: str, height: int) -> list:
    """An Applicant field's values down the block (what it is when absent or empty)."""
    column = fields.get(key)
    absent = _ABSENT.get(key)
    if column is None:
        return [absent] * height
    return [value or absent for value in column]


def _take_failures(column: list, problem_field: str, problems: dict[int, list]) -> None:
    """A column's unreadable cells as problems of their rows; the cells left empty."""
    for i, value in enumerate(column):
        if value.__class__ is _Failure:
            problems.setdefault(i, []).append(
                Violation("INPUT", problem_field, value.message, value.hint))
            column[i] = None


def _detail_rows(details: list[tuple[str, list]], height: int) -> list[dict]:
    """Each row's details (the national template's values the record keeps as they are):
    the cells filled, in column order."""
    if not details:
        return [{} for _ in range(height)]
    keys = [key for key, _column in details]
    return [{key: value for key, value in zip(keys, values) if value}
            for values in zip(*(column for _key, column in details))]


def _add_members(members: dict[str, list[tuple[str, list]]], detail_rows: list[dict],
                 guardian: dict[str, list], height: int) -> None:
    """The family members of the national template (成员1, 成员2). The member marked
    是否监护人 = 是 (else 成员1, unless marked 否) is the guardian: its name, household
    registration and phone fill the guardian's fields the row leaves empty; the rest of
    each member is kept in details (guardian_member says which one was taken)."""
    numbered = [(number, _member_rows(columns, height))
                for number, columns in sorted(members.items())]
    own = [(member_key, guardian[key]) for member_key, key in GUARDIAN_FIELDS]
    for i, details in enumerate(detail_rows):
        found = [(number, rows[i]) for number, rows in numbered if rows[i]]
        if not found:
            continue
        chosen = next((m for m in found if m[1].get("is_guardian") == "1"), None)
        if chosen is None and found[0][0] == "1" and found[0][1].get("is_guardian") != "0":
            chosen = found[0]
        if chosen is not None:
            number, member = chosen
            member.pop("is_guardian", None)  # said by guardian_member
            for member_key, column in own:
                if not column[i] and member_key in member:
                    column[i] = member.pop(member_key)
            details["guardian_member"] = int(number)
        for number, member in found:
            if member:
                details[f"member{number}"] = member


def _member_rows(columns: list[tuple[str, list]], height: int) -> list[dict]:
    """One family member of each row: the cells filled."""
    keys = [key for key, _column in columns]
    return [{key: value for key, value in zip(keys, values) if value}
            for values in zip(*(column for _key, column in columns))]


def _take_source(detail_rows: list[dict], problems: dict[int, list]) -> None:
    """学生来源 (the national template's student source): 1 正常入学 is what enrolling
    means and is not kept; 2 借读 is refused (BOR-3); another source is kept, last."""
    for i, found in enumerate(detail_rows):
        if "source" in found:
            source = found.pop("source")
            if source == "2":
                problems.setdefault(i, []).append(Violation(
                    "BOR-3", "details.source", "学生来源为「借读」:借读生不按新生入学建立学籍",
                    "借读生用 xueji borrow 办理(临时借读学籍);本行若填错,改为「正常入学」"))
            elif source != "1":
                found["source"] = source


def _evidence(shown: list | None, commitments: list, height: int) -> tuple[list, list]:
    """Each row's evidence (its own list: the column's memo shares them) and under-age
    commitment (ENR-1): 承诺书:… among the evidence is the commitment, when its own column
    is empty."""
    if shown is None:
        return [[] for _ in range(height)], commitments
    evidence = [list(value) if value else [] for value in shown]
    with_commitment = {id(value) for value in {id(v): v for v in shown if v}.values()
                       if any(item.startswith(_COMMITMENT) for item in value)}
    for i in ([i for i, value in enumerate(shown) if id(value) in with_commitment]
              if with_commitment else ()):
        items = evidence[i]
        for item in [e for e in items if e.startswith(_COMMITMENT)]:
            items.remove(item)
            if not commitments[i]:
                commitments[i] = item.removeprefix(_COMMITMENT)
    return evidence, commitments


def _school_in_number(number: str) -> str:
    """A 14-digit local number names its school (digits 7–9): a roster exported by xueji
    imports into a fresh directory without a school column."""
    return number[6:9] if re.fullmatch(r"\d{14}", number or "") else ""


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
