"""Enrollment rules ENR-1, ENR-2, ENR-4, ENR-5, ENR-7 (RULES.md) as pure functions."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from xueji_cli.values.dates import full_years
from xueji_cli.values.violation import Violation, warning

REGION_FIELDS = {
    "hukou_region": "户口所在地",
    "guardian_hukou_region": "监护人户口所在地",
    "residence_region": "现住地",
}

# How a message names a region code: 西庄村委会(130283105206) where the directory's region
# table knows it (records/ passes the table's labeller); the code alone by default.
RegionLabel = Callable[[str], str]


def school_age_cutoff(entry_year: int, cutoff: tuple[int, int]) -> dt.date:
    return dt.date(entry_year, *cutoff)


def check_school_age(
    birth: dt.date,
    entry_year: int,
    *,
    min_age: int = 6,
    cutoff: tuple[int, int] = (8, 31),
    underage_entry: str = "commitment",
    commitment: str | None = None,
) -> list[Violation]:
    """ENR-1: `min_age` full years on the cut-off day of the entry year. Under-age is
    refused unless the policy allows a guardian's commitment (承诺书) and one is recorded."""
    on = school_age_cutoff(entry_year, cutoff)
    if birth > on:  # a date no child entering this year has (a typo of the year, say)
        return [Violation("ENR-1", "birth",
                          f"出生日期 {birth:%Y-%m-%d} 晚于 {on:%Y年%m月%d日}(入学年龄的计算日),不可能入学",
                          "核对出生日期的年份,应与身份证号第7–14位一致")]
    age = full_years(birth, on)
    if age >= min_age:
        return []
    birthday = birth.replace(year=birth.year + min_age) if (birth.month, birth.day) != (2, 29) \
        else dt.date(birth.year + min_age, 3, 1)
    short = (birthday - on).days
    message = (f"出生于 {birth:%Y-%m-%d},到 {on:%Y年%m月%d日} 未满{min_age}周岁"
               f"(差{short}天),不足入学年龄")
    if underage_entry != "commitment":
        return [Violation("ENR-1", "birth", message,
                          "本目录的政策不接收不足龄儿童(xueji.toml 中 underage_entry = \"refuse\");"
                          "请来年入学")]
    if commitment:
        return [warning("ENR-1", "birth", message + f";凭监护人承诺书「{commitment}」入学",
                        "承诺书原件归入学籍档案")]
    return [Violation("ENR-1", "birth", message,
                      "不足龄儿童一般不予入学;如监护人递交书面承诺书,"
                      "用 --underage-commitment 记录承诺书(编号或名称)")]



def check_region_format(code: str, field: str, rule: str = "ENR-2") -> list[Violation]:
    if code and not (code.isdigit() and len(code) in (6, 9, 12)):
        return [Violation(rule, field, f"{REGION_FIELDS.get(field, field)}「{code}」不是行政区划代码",
                          "填写12位统计用区划代码(或其前6位/9位),如 130283105201")]
    return []


def same_region(a: str, b: str) -> bool:
    """Two region codes agree when the shorter is a prefix of the longer (a 6-digit
    county code agrees with every village code inside it)."""
    return b.startswith(a) if len(a) <= len(b) else a.startswith(b)


def within(code: str, areas: list[str]) -> bool:
    return code.startswith(tuple(areas))


def check_two_agreements(hukou: str, guardian_hukou: str, residence: str,
                         label: RegionLabel = str) -> list[Violation]:
    """ENR-2 两个统一: the child's household registration equals the guardian's and the
    actual residence."""
    problems: list[Violation] = []
    for field, value in (("hukou_region", hukou), ("guardian_hukou_region", guardian_hukou),
                         ("residence_region", residence)):
        if not value:
            problems.append(Violation(
                "ENR-2", field, f"缺少{REGION_FIELDS[field]}的区划代码,无法核对「两个统一」",
                f"补填{REGION_FIELDS[field]}(12位区划代码,见户口簿和房产证明)"))
        else:
            problems += check_region_format(value, field)
    if problems:
        return problems
    if not same_region(hukou, guardian_hukou):
        problems.append(Violation(
            "ENR-2", "guardian_hukou_region",
            f"学生户籍({label(hukou)})与法定监护人户籍({label(guardian_hukou)})不一致",
            "「两个统一」要求学生户籍与监护人户籍相同;核对户口簿后改正,或由监护人办理户籍迁移"))
    if not same_region(hukou, residence):
        problems.append(Violation(
            "ENR-2", "residence_region",
            f"学生户籍({label(hukou)})与实际常住地({label(residence)})不一致",
            "「两个统一」要求户籍与实际常住地相同;核对房产证明后改正(借读只适用于户籍在外地的流动儿童,BOR-2)"))
    return problems


def check_agreements_kept(before: tuple[str, str, str],
                          after: tuple[str, str, str]) -> list[Violation]:
    """ENR-2 after a change of details: each of the two agreements (child's household
    registration = guardian's = actual residence; (hukou, guardian's hukou, residence)) that
    held before the change and no longer holds after it, as a warning naming the field.
    The papers are what the family shows: the registrar is told, not stopped."""
    broken_before = {v.field for v in check_two_agreements(*before)}
    return [warning("ENR-2", v.field, f"变更后{v.message}",
                    "「两个统一」不再成立;如监护人户籍或实际常住地也已变动,查验户口簿、房产证明后用 "
                    "--hukou-region、--guardian-hukou-region、--residence-region 一并变更")
            for v in check_two_agreements(*after) if v.field not in broken_before]


def check_service_area(
    hukou: str, school_label: str, areas: list[str], serving: list[str],
    label: RegionLabel = str,
) -> list[Violation]:
    """ENR-2 就近入学: the household registration lies in the school's service area.
    `serving` names the other schools whose area holds it. An unconfigured service area is
    a warning, never a silent pass."""
    if not hukou:
        return []
    if not areas:
        return [warning(
            "ENR-2", "school", f"{school_label} 未设置服务范围,无法核对是否就近入学",
            "用 xueji school set 学校代码 --service-area 区划代码 设置服务范围")]
    if within(hukou, areas):
        return []
    hint = (f"该户籍属于 {'、'.join(serving)} 的服务范围,应到该校入学" if serving
            else "不在本目录任何学校的服务范围内;符合条件的可到指定学校借读(xueji borrow)")
    return [Violation(
        "ENR-2", "hukou_region", f"户籍 {label(hukou)} 不在 {school_label} 的服务范围({'、'.join(map(label, areas))})内",
        hint)]


def check_evidence(shown: list[str], required: dict[str, str]) -> list[Violation]:
    """ENR-7 (with ENR-2): the evidence shown is recorded; `required` maps evidence key to
    label."""
    missing = [label for key, label in required.items() if key not in shown]
    if not missing:
        return []
    return [Violation(
        "ENR-7", "evidence", f"未登记证明材料:{'、'.join(missing)}",
        "查验原件后用 --evidence 逐项登记,如 " + " ".join(f"--evidence {m}" for m in missing))]


def check_class_cap(in_class: int, adding: int, cap: int, decision: str | None,
                    where: str) -> list[Violation]:
    """ENR-5: a class at its cap takes no one more without a recorded decision."""
    if in_class + adding <= cap:
        return []
    message = f"{where}已有{in_class}人,再加{adding}人将超过班额{cap}人"
    if decision:
        return [warning("ENR-5", "class", message + f";依据决定「{decision}」超额接收")]
    return [Violation("ENR-5", "class", message,
                      "换一个未满的班,或经批准后用 --cap-decision 记录超额决定(文号)")]


def check_timely(effective: dt.date, today: dt.date) -> list[Violation]:
    """ENR-4: the record is created within one month of entry."""
    limit = _add_month(effective)
    if today <= limit:
        return []
    return [warning("ENR-4", "date",
                    f"入学日期 {effective:%Y-%m-%d} 已超过一个月,学籍应在入学后1个月内建立",
                    "补录时在备注中写明原因")]


def check_grade(grade: int, first: int, last: int, type_label: str) -> list[Violation]:
    if first <= grade <= last:
        return []
    return [Violation("ORG-2", "grade", f"{type_label}没有{grade}年级(应为{first}–{last})",
                      "核对年级")]


@functools.lru_cache(maxsize=64)  # a roster asks for the same day on every row
def _add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
