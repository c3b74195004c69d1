"""The numbered roster (花名册): the school's records as the registrar stamps them (验章)
and sends them to the national system.

Two layouts: the plain roster (学籍号, 姓名, 性别 … the columns `enroll --from` reads) and
the national system's template (data/national_template.toml) followed by the columns
xueji needs to enroll the child again. Either imports into a fresh directory and yields
the same students. Rows are read with SQLAlchemy Core (a roster may hold 100 000 rows).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlmodel import Session

from xueji_cli.excel import columns as rc
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.store.reading import EVERY_ROW
from xueji_cli.values import codes

PLAIN = (  # header, key: the plain roster, in the order written
    ("学籍号", "record.local_number"), ("姓名", "name"), ("性别", "gender"),
    ("出生日期", "birth"), ("民族", "ethnicity"), ("身份证件类型", "id_type"),
    ("身份证号", "id_number"), ("全国学籍号", "national_number"), ("学校代码", "record.school"),
    ("学校名称", "record.school_name"), ("年级", "grade"), ("班级", "class_no"),
    ("户口所在地", "hukou_region"), ("监护人", "guardian_name"),
    ("监护人户口所在地", "guardian_hukou_region"), ("现住地", "residence_region"),
    ("监护人电话", "guardian_phone"), ("现住址", "address"), ("证明材料", "evidence"),
    ("备注", "remark"),
)
# The columns a stamp check (验章) reads, printed on A4 landscape at the body's size; the
# plain roster's other columns stay in the workbook, hidden, so that it still imports
# (the whole set is also in --template national and --json).
PRINTED = ("seq", "record.local_number", "name", "gender", "birth", "id_number",
           "national_number", "grade", "class_no", "hukou_region", "guardian_name", "remark")
# Columns of free length: wrapped inside their cell, never running over the next one.
WRAPPED = {"name", "hukou_region", "guardian_hukou_region", "residence_region", "guardian_name",
           "address", "evidence", "remark", "record.school_name"}
# Columns whose cells get the Text number format (@) on top of being text cells: the
# numbers that lose digits if Excel ever turns them into numbers (every value is written
# as a string anyway; these stay text even when a registrar edits them).
TEXT_KEYS = {"record.local_number", "id_number", "national_number", "member.id_number"}
WIDTHS = {"seq": 5, "name": 9, "gender": 5, "birth": 11, "ethnicity": 7, "id_type": 11,
          "id_number": 20, "national_number": 21, "record.local_number": 16, "grade": 5,
          "class_no": 5, "hukou_region": 24, "guardian_hukou_region": 14, "residence_region": 14,
          "guardian_name": 9, "guardian_phone": 13, "evidence": 18, "address": 20, "remark": 14,
          "record.school": 8, "record.school_name": 14}


def width(key: str, header: str) -> float:
    """A column's width in characters: from its content where known, else its header."""
    base = key.split(".", 1)[-1] if key.startswith("member") else key
    return WIDTHS.get(key, WIDTHS.get(base, max(8, min(len(header) * 2 + 2, 18))))


@dataclass(frozen=True)
class Layout:
    title: str
    headers: list[str]
    keys: list[str]

    @property
    def text_columns(self) -> set[int]:
        return {i for i, key in enumerate(self.keys)
                if key in TEXT_KEYS or (key.startswith("member") and f"member.{key[8:]}" in TEXT_KEYS)}

    @property
    def hidden_columns(self) -> set[int]:
        """The plain roster's columns a stamp check does not read; none in the national."""
        if self.keys[0] != "seq":
            return set()
        return {i for i, key in enumerate(self.keys) if key not in PRINTED}

    @property
    def wrapped_columns(self) -> set[int]:
        return {i for i, key in enumerate(self.keys) if key in WRAPPED}

    @property
    def widths(self) -> list[float]:
        return [width(key, header) for header, key in zip(self.headers, self.keys)]


def layout(template: str) -> Layout:
    if template == "plain":
        return Layout("花名册", ["序号"] + [h for h, _ in PLAIN], ["seq"] + [k for _, k in PLAIN])
    spec = rc.template()
    headers, keys = [], []
    for item in spec["column"]:
        headers.append(item["header"])
        keys.append(item["key"])
    for number in rc.MEMBERS:
        for item in spec["member"]:
            headers.append(f"成员{number}{item['header']}")
            keys.append(f"member{number}.{item['key']}")
    for item in spec["local"]:
        headers.append(item["header"])
        keys.append(item["key"])
    return Layout("学生信息(全国学籍系统模板列)", headers, keys)


def _specs() -> dict[str, dict]:
    spec = rc.template()
    out = {item["key"]: item for item in spec["column"] + spec["local"]}
    out.update({f"member.{item['key']}": item for item in spec["member"]})
    return out


def _label(table: str, code) -> str:
    if code is None or code == "":
        return ""
    label = codes.label(table, str(code))
    if table == "ethnicity" and code not in ("97", "98"):
        return label + "族"
    return label


def _statement(school: str | None, grade: int | None, class_no: int | None):
    """The regular records at school (在校), numbered, in the order school, grade, class,
    number."""
    s, p, sc, j = Student.__table__, Person.__table__, School.__table__, JournalEntry.__table__
    statement = (
        select(s.c.local_number, s.c.national_number, s.c.grade, s.c.class_no, s.c.enrolled_on,
               s.c.remark, sc.c.code, sc.c.name.label("school_name"), p.c.name, p.c.gender,
               p.c.birth_date, p.c.id_type, p.c.id_number, p.c.ethnicity, p.c.hukou_region,
               p.c.guardian_name, p.c.guardian_hukou_region, p.c.guardian_phone,
               p.c.residence_region, p.c.address, p.c.details, j.c.evidence)
        .join(p, p.c.id == s.c.person_id).join(sc, sc.c.id == s.c.school_id)
        .join(j, and_(j.c.student_id == s.c.id, j.c.kind.in_(("enroll", "transfer_in"))),
              isouter=True)
        .where(s.c.kind == "regular", s.c.status == "active"))
    if school:
        statement = statement.where(sc.c.code == school)
    if grade is not None:
        statement = statement.where(s.c.grade == grade)
    if class_no is not None:
        statement = statement.where(s.c.class_no == class_no)
    return statement


def query(session: Session, school: str | None = None, grade: int | None = None,
          class_no: int | None = None, limit: int | None = None, offset: int = 0):
    """The rows of the roster (`limit` of them from `offset`, for a page on screen).
    Tuples, not ORM objects (speed)."""
    s, sc = Student.__table__, School.__table__
    statement = _statement(school, grade, class_no).order_by(
        sc.c.code, s.c.grade, s.c.class_no, s.c.local_number)
    if limit is not None or offset:
        statement = statement.limit(EVERY_ROW if limit is None else limit).offset(offset)
    # Run as the driver's own query: values come back as stored (dates as YYYY-MM-DD,
    # JSON as text), without SQLAlchemy's per-row result processing.
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect,
                                 compile_kwargs={"literal_binds": True})
    return connection.exec_driver_sql(compiled.string)


def count(session: Session, school: str | None = None, grade: int | None = None,
          class_no: int | None = None) -> int:
    """How many rows `query` gives, counted in the database."""
    rows = _statement(school, grade, class_no).subquery()
    return session.connection().execute(select(func.count()).select_from(rows)).scalar_one()


DECODED_KEPT = 4096
# The columns of `query`'s rows, in its order (what `rows` reads by name).
COLUMNS = ("local_number", "national_number", "grade", "class_no", "enrolled_on", "remark",
           "code", "school_name", "name", "gender", "birth_date", "id_type", "id_number",
           "ethnicity", "hukou_region", "guardian_name", "guardian_hukou_region", "guardian_phone",
           "residence_region", "address", "details", "evidence")


class _Rows(list):
    """Rows shaped like `query`'s result (tuples of COLUMNS, with keys())."""

    def keys(self) -> list[str]:
        return list(COLUMNS)


def query_as_of(session: Session, day, school: str | None = None, grade: int | None = None,
                class_no: int | None = None) -> _Rows:
    """The rows of the roster as it stood at the end of `day`, derived from the journal
    (register.roster_as_of): the regular records at school (在校) that day, with the
    school, grade, class and status of that day, in the order of `query`. The person's
    details (name, ID number …) are today's: corrections show their current values."""
    from xueji_cli.ledger.timeline import roster_as_of

    found = [r for r in roster_as_of(session, day, school, grade, class_no, status="active")
             if (r.student.kind or "regular") == "regular"]
    evidence: dict[int, list] = {}
    ids = [r.student.id for r in found]
    connection = session.connection()
    for start in range(0, len(ids), 500):
        for student_id, items in connection.execute(
                select(JournalEntry.student_id, JournalEntry.evidence)
                .where(JournalEntry.student_id.in_(ids[start:start + 500]),
                       JournalEntry.kind.in_(("enroll", "transfer_in")))):
            evidence.setdefault(student_id, items)
    out = _Rows()
    for r in found:
        s, p = r.student, r.person
        out.append((s.local_number, s.national_number, s.grade, s.class_no, s.enrolled_on,
                    s.remark, r.school.code, r.school.name, p.name, p.gender, p.birth_date,
                    p.id_type, p.id_number, p.ethnicity, p.hukou_region, p.guardian_name,
                    p.guardian_hukou_region, p.guardian_phone, p.residence_region, p.address,
                    p.details or {}, evidence.get(s.id) or []))
    return out


def page(found: _Rows, limit: int | None, offset: int) -> _Rows:
    """`limit` rows of a roster of the past from `offset` (a page on screen)."""
    return _Rows(found[offset:None if limit is None else offset + limit])


REGION_KEYS = ("hukou_region", "guardian_hukou_region", "residence_region")


def rows(result, chosen: Layout, labels: dict[str, str] | None = None,
         school_ids: dict[str, str] | None = None, first: int = 1) -> Iterator[list]:
    """One list of cell values per record, in the layout's column order (`labels`: the
    region codes of the plain roster as printed, code → name with code; `school_ids`:
    school code → 学校标识码, the schools' own (School.national_id), before the one a
    roster brought; `first`: the 序号 of the first row, a page's on screen). What each
    column takes is worked out once: the columns copied from the record are picked in one
    step (a roster may have 100 000 rows), the others computed; empty values are None
    (an empty cell)."""
    index = {name: i for i, name in enumerate(result.keys())}
    specs = _specs()
    plain = chosen.keys[0] == "seq"
    getters = [_getter(key, index, specs, plain) for key in chosen.keys]
    if plain and labels:  # the printed roster: 东村村委会(130283100204), read back the same
        getters = [_labelled(g, labels) if key in REGION_KEYS else g
                   for key, g in zip(chosen.keys, getters)]
    if school_ids:
        getters = [_identified(g, index["code"], school_ids) if key == "details.school_identifier"
                   else g for key, g in zip(chosen.keys, getters)]
    pick = operator.itemgetter(*[g if isinstance(g, int) else 0 for g in getters])
    computed = [(position, g) for position, g in enumerate(getters) if not isinstance(g, int)]
    at_details, at_evidence = index["details"], index["evidence"]
    # Most rows store the same JSON text ({} details, the same evidence): a text is decoded
    # once (the getters only read what is decoded); the first DECODED_KEPT texts are kept.
    decoded_details: dict = {}
    decoded_evidence: dict = {}

    def decode(decoded: dict, text, empty: str):
        found = decoded.get(text)
        if found is None:
            found = json.loads(text or empty)
            if len(decoded) < DECODED_KEPT:
                decoded[text] = found
        return found

    for seq, r in enumerate(result, start=first):
        details = r[at_details]
        if not isinstance(details, dict):
            details = decode(decoded_details, details, "{}")
        evidence = r[at_evidence]
        if not isinstance(evidence, list):
            evidence = decode(decoded_evidence, evidence, "[]")
        context = (details, evidence, seq, str(details.get("guardian_member", 1)))
        out = list(pick(r))
        for position, get in computed:
            out[position] = get(r, context)
        yield out


def _identified(brought, at_code: int, school_ids: dict[str, str]):
    return lambda r, c: school_ids.get(r[at_code]) or brought(r, c)


def _labelled(at: int, labels: dict[str, str]):
    get = labels.get
    return lambda r, c: get(r[at], r[at])


def _iso(value) -> str:
    """A stored date as YYYY-MM-DD (SQLite gives the text, other databases a date)."""
    return value if isinstance(value, str) else value.isoformat()


def _text(value) -> object:
    return "" if value is None else value


def _getter(key: str, index: dict[str, int], specs: dict, plain: bool):
    """The index of a column copied from the row as it is, or a function
    (row, (details, evidence, seq, guardian member)) -> the cell value."""
    if key == "seq":
        return lambda r, c: c[2]
    if key == "birth":
        at = index["birth_date"]
        if plain:
            return lambda r, c: _iso(r[at])
        return lambda r, c: _iso(r[at]).replace("-", "")
    if key in ("gender", "ethnicity", "id_type"):
        at = index[key]
        return lambda r, c: _label(key, r[at])
    if key == "evidence":
        return lambda r, c: "、".join(c[1])
    if key.startswith("record."):
        if key == "record.entry_month":
            at = index["enrolled_on"]
            return lambda r, c: _iso(r[at])[:7].replace("-", "")
        return index[{"record.local_number": "local_number", "record.school": "code",
                      "record.school_name": "school_name"}[key]]
    if key.startswith("details."):
        name, table = key[8:], specs.get(key, {}).get("codes")
        default = "1" if name == "source" else ""  # a regular record: 正常入学

        def detail(r, c):
            value = c[0].get(name) or default
            return _label(table, value) if table else value
        return detail
    if key.startswith("member"):
        return _member_getter(key, index, specs)
    return index[key]  # copied as it is


def _member_getter(key: str, index: dict[str, int], specs: dict):
    number, name = key[6], key[8:]
    table = specs.get(f"member.{name}", {}).get("codes")
    own = {"name": "guardian_name", "hukou_region": "guardian_hukou_region",
           "phone": "guardian_phone"}
    at = index[own[name]] if name in own else None
    at_guardian = index["guardian_name"]

    def member(r, c):
        details = c[0]
        held = details.get(f"member{number}", {})
        if number == c[3]:  # the guardian: name, household and phone are the record's
            if at is not None:
                return _text(r[at])
            if name == "is_guardian" and (r[at_guardian] or held):
                return "是"
        value = held.get(name, "")
        return _label(table, value) if table and value != "" else value
    return member
