"""The roster's columns, declared once: for each field the header aliases a registrar's
sheet may use, the converter that reads a cell, and whether the column must be there.

A plain roster (姓名, 性别, 出生日期, 身份证号, 年级, 班级, 户口所在地, …) and the national
system's template (data/national_template.toml) are read through the same map, in any
column order. Converters are those of values/fields.py, so a value reads the same from a
cell and from the command line; they raise ValueError (or `Unreadable`, which carries
its own hint) with a message for the registrar.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from xueji_cli.values import codes, fields

MEMBERS = (1, 2)  # 家庭成员 1 and 2 of the national template
# Fields a roster must provide (a column, or --school for the school); without them every
# row would fail, so their absence is reported once, for the file. The grade is one of them:
# a roster without it would put every child in the first grade unasked.
REQUIRED = ("name", "id_number", "grade", "class_no", "hukou_region", "guardian_hukou_region",
            "residence_region", "evidence")
# Columns only the workflows that ask for them read (taking over a register: the record's
# own 入学年月 and 学生状态); enrolling leaves them alone, as it leaves 序号.
ASKED_ONLY = frozenset({"entry_month", "status"})
# Required fields the registrar may state for the whole roster instead of a column
# (records/enrollment/statement.py): what the message on a missing column says.
STATED_BY = {"evidence": "或用 --evidence 登记对整批查验过的材料",
             "guardian_hukou_region": "或用 --regions-as-hukou 声明与户口所在地相同",
             "residence_region": "或用 --regions-as-hukou 声明与户口所在地相同"}


class Unreadable(ValueError):
    """A cell that cannot be read, with what to do about it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Column:
    key: str  # Applicant field, details.<name>, member<N>.<name>, or a roster-only key
    label: str  # the header xueji writes and names in messages
    aliases: tuple[str, ...] = ()
    convert: Callable[[object], object] | None = None
    field: str = ""  # the field rules report problems on (Violation.field)
    satisfies: str = ""  # the required field this column provides (guardian from a member)

    @property
    def problem_field(self) -> str:
        return self.field or self.key


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without '.0', dates as YYYY-MM-DD."""
    if value.__class__ is str:  # most cells: fields.text's own steps
        return unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return fields.text(value)


def id_number(value: object) -> str:
    """An ID number cell. A number cell of 16 digits or more has lost digits (Excel keeps
    15 significant digits): say so, never guess the rest."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) >= 1e15 or not float(value).is_integer():
            shown = f"{float(value):.5E}"  # as Excel shows it: 1.30283E+17
            raise Unreadable(
                f"身份证号在表格里存成了数字({shown}):Excel 的数字只保留15位有效数字,"
                "后几位已经丢失,无法还原",
                "把身份证号这一列设置为「文本」格式,再按户口簿重新输入这些号码"
                "(先设格式再输入,或在号码前加英文单引号 ')")
        value = str(int(value))
    if value.__class__ is str and _PLAIN_ID.fullmatch(value):
        return value.upper()  # already what normalising would give (most cells are)
    return fields.normalise_id_number(cell_text(value))


_PLAIN_ID = re.compile(r"[0-9]{17}[0-9Xx]")  # ASCII only: \d also matches ０–９


def national_number(value: object) -> str:
    """A national student number cell (NUM-5: G/J/L and 18 characters), normalised."""
    if value.__class__ is str and _PLAIN_NATIONAL.fullmatch(value):
        return value  # already what normalising would give (most cells are)
    return fields.normalise_national_number(cell_text(value))


_PLAIN_NATIONAL = re.compile(r"[GJL][0-9]{17}[0-9X]")  # ASCII, upper case, no space


def checked_text(key: str, label: str) -> Callable[[object], str | None]:
    """A column of free text (values/fields.free_text: no control or direction character,
    within the field's length), named by its header in a refusal; empty is None."""
    limit = fields.TEXT_LIMITS.get(key, fields.TEXT_LIMIT)

    def convert(value: object) -> str | None:
        if value.__class__ is str:  # most cells: free_text's first steps, inline
            text = unicodedata.normalize("NFKC", value).strip()
            if text.isprintable() and len(text) <= limit:
                return text or None
        else:
            value = cell_text(value)
        return fields.free_text(key, value, label) or None
    return convert


def evidence(value: object) -> list[str]:
    return fields.evidence([cell_text(value)])


def coded(table: str, what: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        text = cell_text(value)
        found = codes.parse_code(table, text)
        if found is None:
            choices = "、".join(f"{k} {v}" for k, v in codes.table(table).items())
            raise ValueError(f"{what}「{text}」不在代码表中(可填:{choices})")
        return found
    return convert


def month6(value: object) -> str:
    text = cell_text(value).replace("-", "").replace("/", "").replace("年", "").replace("月", "")
    if not re.fullmatch(r"\d{4}(0[1-9]|1[0-2])", text):
        raise ValueError(f"年月「{cell_text(value)}」应写作 YYYYMM,如 202609")
    return text


def region(value: object) -> str:
    # One copy of each code: a roster repeats a few village codes thousands of times.
    # A name stays a name here; records/enrollment/roster_regions turns it into its code.
    return sys.intern(fields.region_or_name(value))


def _date(value: object) -> dt.date:
    return fields.parse_date(value)


def _number(converter: Callable[[object], int]) -> Callable[[object], int]:
    return lambda value: converter(int(value) if isinstance(value, float) and value.is_integer()
                                   else value)


def class_cell(value: object) -> int | tuple[int, int]:
    """A class cell (values/fields.class_in_grade); one that names its grade too
    (一年级(1)班) is (grade, class), which the row's 年级 must agree with."""
    grade, number = fields.class_in_grade(value)
    return number if grade is None else (grade, number)


def _phone(value: object) -> str | None:
    return (_GUARDIAN_PHONE(value) or "").replace(" ", "").replace("-", "") or None


_GUARDIAN_PHONE = checked_text("guardian_phone", "监护人电话")


# -- the map -------------------------------------------------------------------------------

PLAIN = (
    Column("school", "学校代码", ("学校代码", "学校", "学校编码", "校代码"),
           checked_text("school", "学校代码")),
    Column("school_name", "学校名称", ("学校名称", "校名", "就读学校"),
           checked_text("school_name", "学校名称")),
    Column("name", "姓名", ("姓名", "学生姓名", "新生姓名", "儿童姓名"), checked_text("name", "姓名")),
    Column("gender", "性别", ("性别",), fields.gender),
    Column("birth", "出生日期", ("出生日期", "出生年月日", "生日"), _date),
    Column("id_type", "身份证件类型", ("身份证件类型", "证件类型"), fields.id_type),
    Column("id_number", "身份证号", ("身份证号", "身份证件号", "公民身份号码", "身份证号码",
                                   "身份证件号码", "居民身份证号", "身份证"), id_number),
    Column("national_number", "全国学籍号", ("全国学籍号", "全国学籍号码"),
           national_number),
    Column("local_number", "学籍号", ("学籍号", "本地学籍号", "学籍编号"),
           checked_text("local_number", "学籍号")),
    Column("ethnicity", "民族", ("民族",), fields.ethnicity),
    Column("grade", "年级", ("年级",), _number(fields.grade)),
    Column("class_no", "班级", ("班级", "班号", "班", "所在班级"), _number(class_cell),
           field="class"),
    Column("hukou_region", "户口所在地", ("户口所在地", "户口所在地行政区划", "户籍所在地",
                                       "户口所在地区划代码", "户籍", "户籍地", "户籍地址代码"), region),
    Column("guardian_hukou_region", "监护人户口所在地",
           ("监护人户口所在地", "监护人户籍所在地", "监护人户籍", "监护人户口所在地行政区划",
            "监护人户籍地", "家长户籍地"), region),
    Column("residence_region", "现住地", ("现住地", "现住地行政区划", "实际居住地", "实际常住地",
                                        "常住地", "居住地", "现住地区划代码"), region),
    Column("evidence", "证明材料", ("证明材料", "查验材料", "入学材料", "已查验材料"), evidence),
    Column("guardian_name", "监护人", ("监护人", "监护人姓名", "家长姓名", "家长"),
           checked_text("guardian_name", "监护人")),
    Column("guardian_phone", "监护人电话", ("监护人电话", "监护人联系电话", "家长电话",
                                         "家长联系电话"), _phone),
    Column("address", "现住址", ("现住址", "家庭住址", "住址"), checked_text("address", "现住址")),
    Column("remark", "备注", ("备注",), checked_text("remark", "备注")),
    Column("underage_commitment", "不足龄承诺书", ("不足龄承诺书", "承诺书"),
           checked_text("underage_commitment", "不足龄承诺书")),
    Column("cap_decision", "超额决定", ("超额决定", "班额决定", "超班额批准"),
           checked_text("cap_decision", "超额决定")),
    Column("entry_month", "入学年月", ("入学年月", "入学年份"), month6),
    Column("status", "学生状态", ("学生状态", "学籍状态", "状态"), coded("status", "学生状态")),
)
# Columns that are recognised and left alone (row numbers, xueji's own 问题 column, …).
IGNORED = ("序号", "编号", "问题", "原表行号", "入学日期")
FIELD_OF = {"class_no": "class"}


@cache
def template() -> dict:
    text = resources.files("xueji_cli.data").joinpath("national_template.toml").read_text("utf-8")
    return tomllib.loads(text)


def _converter(spec: dict, label: str) -> Callable[[object], object]:
    if "codes" in spec:
        return coded(spec["codes"], spec["header"])
    found = {"date8": _date, "month6": month6, "region": region}.get(spec.get("format", ""))
    return found or checked_text(spec["key"], label)


def member_headers(number: int, header: str) -> tuple[str, ...]:
    return (f"成员{number}{header}", f"家庭成员{number}{header}", f"监护人{number}{header}")


@cache
def columns() -> tuple[Column, ...]:
    """Every column the importer knows: the plain roster's, then the national template's
    that the plain map does not already read."""
    known = {normalise_header(alias) for column in PLAIN for alias in column.aliases}
    out = list(PLAIN)
    spec = template()
    for item in spec["column"] + spec["local"]:
        if normalise_header(item["header"]) in known:
            continue
        if item["key"].startswith("record."):
            out.append(Column("ignored", item["header"], (item["header"],)))
        else:
            out.append(Column(item["key"], item["header"], (item["header"],),
                              _converter(item, item["header"])))
    for number in MEMBERS:
        for item in spec["member"]:
            key = f"member{number}.{item['key']}"
            satisfies = "guardian_hukou_region" if item["key"] == "hukou_region" else ""
            label = f"成员{number}{item['header']}"
            convert = id_number if item["key"] == "id_number" else _converter(item, label)
            out.append(Column(key, label, member_headers(number, item["header"]), convert,
                              satisfies=satisfies))
    out += [Column("ignored", header, (header,)) for header in IGNORED]
    return tuple(out)


def normalise_header(text: object) -> str:
    """What a header says, without the decoration registrars add: spaces, line breaks,
    required-field stars, notes in brackets (出生日期(YYYYMMDD)), full-width forms."""
    cleaned = unicodedata.normalize("NFKC", str(text or ""))
    cleaned = re.sub(r"\s+", "", cleaned)
    cleaned = re.sub(r"[((\[【][^))\]】]*[))\]】]", "", cleaned)
    cleaned = cleaned.strip("*★☆※::")
    return cleaned.removesuffix("必填").lower()


@cache
def by_header() -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in columns():
        for alias in column.aliases:
            table.setdefault(normalise_header(alias), column)
    return table


def find(header: object) -> Column | None:
    return by_header().get(normalise_header(header))


def expected_headers() -> str:
    """The headers a roster needs, for messages."""
    names = {c.key: c.label for c in PLAIN}
    return "、".join(names[key] for key in REQUIRED)
