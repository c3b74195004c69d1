"""Borrowing-study rules BOR-1…BOR-5 and ORG-3 (RULES.md) as pure functions.

Borrowing (借读) is not a change of record: the child studies at one school while the
record (学籍) stays at another. The borrowing school keeps a temporary borrowing record
(临时借读学籍) without a local number; the original school keeps the record and the
borrowing letter, and the child goes home for graduation and promotion exams.
"""

from __future__ import annotations

import datetime as dt

from xueji_cli.rules.enrollment import RegionLabel
from xueji_cli.values.violation import Violation, warning

# BOR-2: what the guardian shows. Keys of the evidence table in data/codes.toml.
RESIDENCE_PERMIT = "residence_permit"  # 暂住证
WORK_PROOF = ("employment", "business_licence")  # 就业证明 or 营业执照
BORROWING_LETTER = "borrowing_letter"  # 借读证明信 of the original school
HUKOU = "hukou"  # 原居住地户口簿 (QA: 持原居住地户口薄及以上证件)

# Statuses a record may have while it is someone's current record here.
HELD = ("active", "suspended", "borrowed_out")


def check_designated(school_label: str, designated: bool, designated_schools: list[str]) -> list[Violation]:
    """BOR-1 / ORG-3: schools in principle take no borrowing students; eligible children
    go to the schools the bureau or the central school designated."""
    if designated:
        return []
    if designated_schools:
        hint = f"借读生一律安排在指定学校:{'、'.join(designated_schools)};到该校办理(--school 代码)"
    else:
        hint = ("本目录还没有指定借读学校;教育局或中心校指定后,"
                "用 xueji school set 学校代码 --designated-for-borrowing 登记")
    return [Violation("BOR-1", "school", f"{school_label} 不是指定借读学校,学校原则上不收借读生", hint)]


def check_eligibility(evidence: list[str], labels: dict[str, str]) -> list[Violation]:
    """BOR-2: the guardian's temporary residence permit, an employment certificate or a
    business licence, and the original school's borrowing letter — each recorded as
    evidence shown. `labels` maps evidence keys to the registrar's words. The household
    register of the original residence is expected too (QA), but only warned about: the
    ID number is checked against it."""
    shown = set(evidence)
    problems: list[Violation] = []
    missing = []
    if RESIDENCE_PERMIT not in shown:
        missing.append(labels[RESIDENCE_PERMIT])
    if not shown & set(WORK_PROOF):
        missing.append("或".join(labels[k] for k in WORK_PROOF))
    if missing:
        problems.append(Violation(
            "BOR-2", "evidence", f"未登记借读条件所需的证明材料:{'、'.join(missing)}",
            "法定监护人须持公安部门颁发的暂住证,以及就业证明或工商营业执照;查验原件后用 "
            "--evidence 逐项登记,如 --evidence 暂住证 --evidence 就业证明"))
    if BORROWING_LETTER not in shown:
        problems.append(Violation(
            "BOR-2", "letter", f"未登记原学校开具的{labels[BORROWING_LETTER]}",
            "借读须有原学校开具的借读证明信;用 --letter 记录证明信的编号(或开具学校和日期)"))
    if HUKOU not in shown:
        problems.append(warning(
            "BOR-2", "evidence", f"未登记原居住地{labels[HUKOU]}",
            "借读登记时监护人应持原居住地户口簿;查验后用 --evidence 户口簿 登记"))
    return problems


def check_stamp(approval: str) -> list[Violation]:
    """BOR-2: the guardian's papers and the original school's letter are checked and
    stamped (审核盖章) by the bureau's 教育科 — for a loan between townships' primary schools,
    by the township central school — before the child is registered: without the stamp
    recorded, no borrowing."""
    if approval:
        return []
    return [Violation(
        "BOR-2", "approval", "未登记教育科(乡镇之间小学借读为乡镇中心校)的审核盖章,不能办理借读",
        "监护人持暂住证、就业证明或营业执照和原学校的借读证明信到教育科审核盖章"
        "(乡镇之间小学借读到乡镇中心校);盖章后用 --approval 记录,如 --approval \"教育科 2026-09-06 审核盖章\"")]


def check_migrant(hukou: str, areas: dict[str, list[str]],
                  label: RegionLabel = str) -> list[Violation]:
    """BOR-2 with ENR-2: borrowing is for migrant children (流动儿童). `areas` maps each
    school of this directory (the host school first) to its service areas: a child whose
    household registration lies in one is no migrant and enrolls at that school. A code too
    short to tell (a county's, holding a service area here) or none at all is a warning."""
    if not hukou:
        return [warning("BOR-2", "hukou_region", "未填写户籍地区划代码,无法核对是否流动儿童",
                        "按原居住地户口簿用 --hukou-region 填写户籍地区划代码")]
    serving = [school for school, codes in areas.items() if hukou.startswith(tuple(codes))]
    if serving:
        return [Violation(
            "BOR-2", "hukou_region",
            f"户籍 {label(hukou)} 在本目录 {'、'.join(serving)} 的服务范围内,不是流动儿童,不能借读",
            f"该户籍属于 {'、'.join(serving)} 的服务范围,应到该校就近入学(xueji enroll,ENR-2);"
            "借读只为外来务工人员随迁子女")]
    wider = [school for school, codes in areas.items() if any(code.startswith(hukou) for code in codes)]
    if wider:
        return [warning(
            "BOR-2", "hukou_region",
            f"户籍区划代码 {hukou} 包含本目录 {'、'.join(wider)} 的服务范围,无法核对是否流动儿童",
            "按原居住地户口簿用 --hukou-region 填写完整的12位户籍区划代码")]
    return []


def check_window(effective: dt.date, semester_name: str, semester_start: dt.date, window_days: int, *,
                 late_allowed: bool = False, late_approval: str | None = None,
                 next_start: dt.date | None = None) -> list[Violation]:
    """BOR-4: borrowing starts at the beginning of a semester — within its first
    `window_days` days (the start day is day 1). The text has no exception (unlike
    TRF-4); only a directory whose policy allows a late start (`late_allowed`) takes one,
    with a recorded approval. `next_start` is the next semester's first day, for the hint."""
    day = (effective - semester_start).days + 1
    if 1 <= day <= window_days:
        return []
    last = semester_start + dt.timedelta(days=window_days - 1)
    message = (f"{effective:%Y-%m-%d} 是{semester_name}(开学 {semester_start:%Y-%m-%d})的第{day}天,"
               f"借读应在学期初办理(开学后{window_days}天内,至 {last:%Y-%m-%d})")
    if late_allowed and late_approval:
        return [warning("BOR-4", "date", message + f";依据批准「{late_approval}」在学期中办理",
                        "批准文件归入借读档案")]
    hint = (f"{f'下学期开学({next_start:%Y-%m-%d})' if next_start else '下学期开学'}时办理"
            "(提前登记的,--date 填开学日期);")
    if late_allowed:
        hint += "确需学期中借读的,经教育局(乡镇之间为中心校)批准后用 --late-approval 记录批准文号"
    else:
        if late_approval:
            message += f";本目录的政策不允许学期中开始借读,批准「{late_approval}」不能代替"
        hint += ("借读规定在学期初办理,没有学期中的例外。目录的政策允许学期中借读时"
                 "(xueji.toml [policy] 中 borrow_late_start = true),经批准后用 --late-approval 记录批准文号")
    return [Violation("BOR-4", "date", message, hint)]


def check_grade_unchanged(grade: int, origin_grade: int | None) -> list[Violation]:
    """BOR-4: the grade does not change (一律不得变更年级)."""
    if origin_grade is None or origin_grade == grade:
        return []
    return [Violation(
        "BOR-4", "grade", f"借读年级({grade}年级)与原学校年级({origin_grade}年级)不同,借读一律不得变更年级",
        f"编入{origin_grade}年级(--grade {origin_grade})")]


def check_national_number(national_number: str | None) -> list[Violation]:
    """BOR-3: the temporary borrowing record carries the child's national number — the
    record itself stays at the original school."""
    if national_number:
        return []
    return [Violation(
        "BOR-3", "national_number", "借读生没有全国学籍号:临时借读学籍须记录原学校学籍的全国学籍号",
        "填写18位身份证号(全国学籍号即 G 加身份证号),无身份证号的按借读证明信填写 --national-number")]


def check_origin(origin_school: str, field: str = "origin_school") -> list[Violation]:
    """BOR-3 / BOR-5: the register names the school that keeps the record."""
    if origin_school:
        return []
    what = "原学校(学籍所在学校)" if field == "origin_school" else "借读学校"
    option = "--origin-school" if field == "origin_school" else "--to 或 --to-school"
    return [Violation("BOR-3", field, f"缺少{what}的名称", f"按借读证明信填写 {option}")]


def check_can_lend(status: str, status_label: str, kind: str, who: str) -> list[Violation]:
    """BOR-5 (and SUS-2): only a record kept here, of a child at school, can be lent to
    another school; a suspended child studies nowhere meanwhile."""
    if kind != "regular":
        return [Violation("BOR-5", "key", f"{who} 是本目录的临时借读学籍,学籍在原学校",
                          "借读生结束借读用 xueji borrow end;到别处借读由其原学校办理")]
    if status == "active":
        return []
    if status == "suspended":
        return [Violation("SUS-2", "key", f"{who} 正在休学,休学期间不得到其他学校就读",
                          "复学后再办理借读")]
    if status == "borrowed_out":
        return [Violation("BOR-5", "key", f"{who} 已在外借读",
                          "先用 xueji borrow end 结束当前借读,再办理新的借读")]
    return [Violation("BOR-5", "key", f"{who} 的学籍状态为「{status_label}」,学籍已不在本校",
                      "只有在校学生的学籍可以保留在本校、到外校借读")]


def check_dates(start: dt.date, effective: dt.date, what: str) -> list[Violation]:
    """A step of a loan cannot come before the loan began."""
    if effective >= start:
        return []
    return [Violation("BOR-3", "date", f"{what}日期 {effective:%Y-%m-%d} 早于借读开始日期 {start:%Y-%m-%d}",
                      "核对 --date")]


def check_until(start: dt.date, until: dt.date | None) -> list[Violation]:
    if until is None or until > start:
        return []
    return [Violation("BOR-3", "until", f"预计借读结束日期 {until:%Y-%m-%d} 不晚于开始日期 {start:%Y-%m-%d}",
                      "核对 --until,或不填")]


def exams_at_home(grade: int, last_grade: int) -> str:
    """BOR-5: the exams a lent child goes home for."""
    return "毕业考试、升学考试" if grade == last_grade else "期末(升级)考试"
