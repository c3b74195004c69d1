"""The rest of a record's life as pure functions: the school year's turn (CHG-1), repeat,
skip, class change, the ways of leaving (CHG-1, CHG-2), corrections (ENR-6, NUM-5) and the
order of a record's history (CHG-3).

Which change a record's state allows is decided here, by status and record kind:
- `active`: every change;
- `borrowed_out` (外出借读, BOR-5): the record stays on our register and the child comes
  back for promotion and graduation (BOR-5): promoted, graduated, skipped, may leave; no
  class change while studying elsewhere;
- `suspended` (休学, SUS-1): keeps the grade it left (SUS-3: the return is to the grade
  left), so it is not promoted, skipped or moved to another class; it may still leave;
- record kind `borrowing` (借读来本校): the record belongs to the original school (BOR-5):
  not promoted here and not withdrawn here; class changes are ours to make;
- every other status (转出、毕业、退学 …): the record has left the register; only
  corrections of its data (and undo) apply.
"""

from __future__ import annotations

import datetime as dt

from xueji_cli.rules.dates import check_not_far_ahead
from xueji_cli.values.violation import Violation, warning

ON_REGISTER = ("active", "suspended", "borrowed_out")
COMPULSORY = ("primary", "junior")  # 义务教育: 小学、初中

# What each change needs of the record's state: statuses it applies to, and whether
# borrowing records (借读来本校) may take it.
CHANGE_STATES: dict[str, tuple[tuple[str, ...], bool]] = {
    "promote": (("active", "borrowed_out"), False),
    "repeat": (("active", "borrowed_out"), False),
    "skip": (("active", "borrowed_out"), False),
    "class_change": (("active",), True),
    "withdraw": (ON_REGISTER, False),
    "death": (ON_REGISTER, True),
    "abroad": (ON_REGISTER, False),
    "complete": (("active", "borrowed_out"), False),
    "leave_early": (ON_REGISTER, False),
    # 回国复学 (CHG-1 [NAT-Q], TRF-11): only a record in 出国 comes back to the register
    "return_from_abroad": (("abroad",), False),
}


def check_state(change: str, change_label: str, status: str, status_label: str,
                kind: str, who: str) -> list[Violation]:
    """May a record in `status` (of record `kind`) take `change`?"""
    statuses, borrowing_ok = CHANGE_STATES[change]
    if kind == "borrowing" and not borrowing_ok:
        return [Violation("BOR-5", "key", f"{who}是来本校借读的学生,学籍在原学校,不能在本校办理{change_label}",
                          "由原学校办理;借读结束时办理借读结束手续")]
    if status in statuses:
        return []
    if status == "suspended":
        return [Violation("SUS-3", "key", f"{who}正在休学,不能办理{change_label}",
                          "休学学生保留离校时的年级和班级,复学时编入相应年级(xueji resume)")]
    if status == "borrowed_out":
        return [Violation("BOR-5", "key", f"{who}正在外校借读,不能办理{change_label}",
                          "借读结束回校后再办理")]
    if status in ON_REGISTER:
        return [Violation("CHG-1", "key", f"{who}的学籍状态为「{status_label}」,不能办理{change_label}",
                          "核对学生")]
    return [Violation("CHG-1", "key", f"{who}的学籍状态为「{status_label}」,已不在籍,不能办理{change_label}",
                      "已离校学生只能更正信息(xueji correct)或撤销错误的变动(xueji undo)")]


# -- the school year's turn -------------------------------------------------------------

def turn_window(year: int, spring_start: tuple[int, int],
                autumn_start: tuple[int, int]) -> tuple[dt.date, dt.date]:
    """The days on which the turn of school year YEAR—YEAR+1 may take effect: from the
    spring semester's start to the next autumn's start, both of the year YEAR+1."""
    return dt.date(year + 1, *spring_start), dt.date(year + 1, *autumn_start)


def check_turn_date(year: int, effective: dt.date, window: tuple[dt.date, dt.date]) -> list[Violation]:
    first, last = window
    if first <= effective <= last:
        return []
    return [Violation(
        "CHG-1", "date",
        f"{year}—{year + 1}学年的升级毕业应在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 之间生效,"
        f"生效日期 {effective:%Y-%m-%d} 不在其中",
        "核对 --year(学年开始的年份,如 2026 即 2026—2027学年)和 --date(补录时填实际日期)")]


def turn_step(grade: int, last: int, held: bool) -> tuple[str, int]:
    """(change kind, grade afterwards) for a record that takes part in the turn."""
    if held:
        return "repeat", grade
    if grade >= last:
        return "graduate", grade
    return "promote", grade + 1


def check_grade_range(grade: int, first: int, last: int, type_label: str, who: str) -> list[Violation]:
    if first <= grade <= last:
        return []
    return [Violation("ORG-2", "grade", f"{who}在{grade}年级,{type_label}只有{first}–{last}年级",
                      "先更正该生的年级(xueji undo 撤销错误的变动),再办理升级")]


def check_hold_reason(reason: str, who: str) -> list[Violation]:
    if reason.strip():
        return []
    return [Violation("CHG-1", "reason", f"{who}留级没有写原因",
                      "每个 --hold 后跟一个 --reason,写明留级原因(如 本人及家长申请)")]


# -- skipping a grade ---------------------------------------------------------------------

def check_skip(grade: int, to: int, first: int, last: int, approval: str | None,
               type_label: str) -> list[Violation]:
    """CHG-1 跳级 [GX]: upwards, within the school's grades, with the bureau's approval."""
    problems = []
    if to <= grade:
        problems.append(Violation("CHG-1", "to", f"跳级应升入更高的年级:现在{grade}年级,--to {to}",
                                  "留级在学年升级时用 xueji promote --hold 办理"))
    elif to > last:
        problems.append(Violation("CHG-1", "to", f"{type_label}没有{to}年级(最高{last}年级)",
                                  f"跳级只能在本校{first}–{last}年级之内;升入上一级学校按毕业办理"))
    if not (approval or "").strip():
        problems.append(Violation(
            "CHG-1", "approval", "跳级须经县(市)教育局批准,没有记录批准文件",
            "经教育局批准后用 --approval 记录批准文件(文号),如 --approval 迁教字〔2027〕12号"))
    return problems


# -- leaving ------------------------------------------------------------------------------

def check_withdraw(school_type: str, type_label: str, reason: str,
                   lawful_basis: str | None) -> list[Violation]:
    """CHG-1 退学: in compulsory education (primary and junior) only as the law allows,
    so the lawful basis must be recorded; elsewhere a reason is enough."""
    problems = []
    if not reason.strip():
        problems.append(Violation("CHG-1", "reason", "退学没有写原因", "用 --reason 写明退学原因"))
    if school_type in COMPULSORY and not (lawful_basis or "").strip():
        problems.append(Violation(
            "CHG-1", "lawful_basis",
            f"{type_label}属于义务教育阶段,适龄学生不得随意退学(义务教育法),只有法律允许时才能办理",
            "若确有法定情形,经教育局批准后用 --lawful-basis 记录依据(如批准文件文号);"
            "因病不能上学的办理休学,搬迁的办理转学"))
    return problems


def check_senior_only(school_type: str, type_label: str, change_label: str) -> list[Violation]:
    """CHG-2: 结业 and 肄业 are senior-high outcomes [GX]."""
    if school_type == "senior":
        return []
    return [Violation("CHG-2", "key", f"{change_label}只适用于高中,{type_label}学生不能办理",
                      "义务教育阶段学生修完学业即毕业(学年升级时办理);中途离校的按转学、休学或退学办理")]


def check_final_grade(grade: int, last: int, change_label: str) -> list[Violation]:
    if grade == last:
        return []
    return [Violation("CHG-2", "grade", f"{change_label}在修业期满时办理,该生在{grade}年级(毕业年级为{last}年级)",
                      "中途离校的高中学生按肄业办理(xueji leave-early)")]


# -- corrections --------------------------------------------------------------------------

CORRECTION_RULE = {"name": "ENR-6", "id_number": "NUM-5", "birth": "ENR-7", "gender": "ENR-7"}
CORRECTION_LABEL = {"name": "姓名", "id_number": "身份证号", "birth": "出生日期", "gender": "性别"}


def check_correction_evidence(fields: list[str], evidence: list[str]) -> list[Violation]:
    """ENR-6: a name changes only with evidence; NUM-5: the ID number too (and with a new
    duplicate check); ENR-7: every record carries the evidence shown."""
    if evidence:
        return []
    problems = []
    for name in fields:
        hint = "查验原件后用 --evidence 登记,如 --evidence 户口簿"
        if name == "name":
            message = "更改姓名须有证明材料(入学时的姓名使用到毕业)"
        elif name == "id_number":
            message = "更正身份证号须有证明材料(公安机关的户口簿或身份证号变更证明)"
            hint = "查验原件后用 --evidence 登记,如 --evidence 户口簿 --evidence 身份证号变更证明"
        else:
            message = f"更正{CORRECTION_LABEL[name]}须有证明材料"
        problems.append(Violation(CORRECTION_RULE[name], "evidence", message, hint))
    return problems


def check_same_value(name: str, old: object, new: object) -> list[Violation]:
    if old != new:
        return []
    return [Violation("INPUT", name, f"{CORRECTION_LABEL[name]}与现有记录相同,无需更正",
                      "核对要更正的内容")]


def check_update_state(status: str, status_label: str, who: str) -> list[Violation]:
    """A change of details on a record no longer on the register (转出, 毕业, 死亡 …) is
    accepted — the person's details in the file may still be put right — but said, since
    it changes no register (CHG-1)."""
    if status in ON_REGISTER:
        return []
    return [warning("CHG-1", "key", f"{who}的学籍状态为「{status_label}」,已不在籍:只变更档案中的个人信息",
                    "不影响任何在籍学籍;如该生已在别处建立学籍,由现在的学校另行办理")]


def check_update_evidence(changed: list[str], evidence: list[str]) -> list[Violation]:
    """ENR-2: a household registration (户籍), the child's or the guardian's, is shown by
    the household register (户口簿): a change of it is recorded only with the register
    seen."""
    if not {"hukou_region", "guardian_hukou_region"} & set(changed) or "hukou" in evidence:
        return []
    return [Violation("ENR-2", "evidence", "变更户口所在地须查验户口簿",
                      "查验户口簿原件后用 --evidence 户口簿 登记")]


def check_kept_for_correction(typed: list[str]) -> list[Violation]:
    """Who the child is — name (ENR-6), ID number (NUM-5), birth date and gender (ENR-7) —
    changes only by a correction, with its evidence and a new duplicate check: a change of
    details that names them is refused, pointing there."""
    return [Violation(CORRECTION_RULE[name], name,
                      f"{CORRECTION_LABEL[name]}不在信息变更中修改",
                      f"用 xueji correct KEY --{name.replace('_', '-')} … --evidence 户口簿 更正"
                      "(须有证明材料并重新查重)") for name in typed]


# -- the order of history -----------------------------------------------------------------

def check_effective(effective: dt.date, today: dt.date, future_days: int,
                    last: tuple[dt.date, str] | None) -> list[Violation]:
    """CHG-3: an entry takes effect on a real day, not far in the future, and not before
    the record's latest entry (history is kept in the order it happened)."""
    problems = check_not_far_ahead(effective, today, future_days, "date", "生效日期")
    if last is not None and effective < last[0]:
        problems.append(Violation(
            "CHG-3", "date",
            f"生效日期 {effective:%Y-%m-%d} 早于该生上一条变动({last[1]},{last[0]:%Y-%m-%d})",
            "变动按发生顺序记录;核对 --date,或先撤销后面那条错误的变动(xueji undo)"))
    return problems


def check_not_future(effective: dt.date, today: dt.date, what: str) -> list[Violation]:
    if effective <= today:
        return []
    return [Violation("CHG-3", "date", f"{what} {effective:%Y-%m-%d} 晚于今天", "核对 --date")]


def check_class_move(grade: int, class_no: int, to_class: int) -> list[Violation]:
    if class_no != to_class:
        return []
    return [Violation("CHG-1", "class", f"该生已在{grade}年级{class_no}班", "核对 --class")]


def repeat_class_warning(where: str, count: int, cap: int, repeaters: list[str]) -> Violation:
    """ENR-5 after the turn: a class that takes repeaters and so goes over its cap."""
    return warning("ENR-5", "class",
                   f"升级后{where}将有{count}人,超过班额{cap}人(含留级生 {'、'.join(repeaters)})",
                   "升级后用 xueji class-change 把留级生编入未满的班,或记录超额决定")


def check_return_evidence(shown: list[str]) -> list[Violation]:
    """回国复学 (CHG-1 [NAT-Q]; ENR-7: records carry the evidence shown): the papers the
    family showed for the return are recorded."""
    if shown:
        return []
    return [Violation("CHG-1", "evidence", "回国复学没有登记查验过的证明材料",
                      "查验后用 --evidence 逐项登记,如 --evidence 护照 --evidence 复学申请书")]
