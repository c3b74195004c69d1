"""Suspension and resumption (休学 / 复学): SUS-1…SUS-7 of RULES.md as pure functions over
dates, evidence keys and counts. Policy values (the minimum and maximum in years, the
share, the early-return variant, the renewal notice, the county-level hospitals a
directory knows) come in as arguments.

Dates: a suspension runs from its first day `start` to `until`, the day it ends (期满日),
from which the student may resume. A year is a calendar year (values/dates.years_later):
2026-10-16 to 2027-10-16 is one year, and so is 2028-02-29 to 2029-03-01.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

from xueji_cli.values.dates import years_later
from xueji_cli.values.violation import Violation, warning

MEDICAL = ("illness", "injury", "infectious")

# SUS-1 [QA]: 县级以上医院诊断证明、住院收据、住院病历复印件, a written application, the
# school's investigation report. SUS-6 [LC]: the school orders the suspension of a pupil
# with a serious infectious disease; the diagnosis is the evidence, the order the decision.
# "Other" reasons [S17][XX]: the application and the investigation report.
REQUIRED_TO_SUSPEND = {
    "illness": ("diagnosis", "hospital_receipt", "medical_record", "suspension_application",
                "investigation_report"),
    "injury": ("diagnosis", "hospital_receipt", "medical_record", "suspension_application",
               "investigation_report"),
    "infectious": ("diagnosis",),
    "other": ("suspension_application", "investigation_report"),
}
# SUS-4: a renewal is a new application; a medical one shows that the child still cannot
# attend (a current diagnosis).
REQUIRED_TO_EXTEND = {
    "illness": ("diagnosis", "suspension_application"),
    "injury": ("diagnosis", "suspension_application"),
    "infectious": ("diagnosis",),
    "other": ("suspension_application",),
}
# SUS-3: return after illness or injury needs a county-level hospital's recovery certificate.
REQUIRED_TO_RESUME = {"illness": ("recovery",), "injury": ("recovery",),
                      "infectious": ("recovery",), "other": ()}

# SUS-1, SUS-3 [QA] 县级以上医院: the health facilities below county level whose kind is in
# their name (RULES.md names them): a diagnosis or recovery certificate from one does not
# qualify. Each word with why it is below county level, for the refusal. A name without
# any of these words is taken as the registrar declares it (HOSPITAL_LEVELS).
BELOW_COUNTY = {
    "卫生院": "乡镇卫生院是乡(镇)级医疗机构",
    "卫生室": "村卫生室是村级医疗机构",
    "卫生所": "卫生所是村级或单位内设的医疗机构",
    "诊所": "诊所是个体或门诊医疗机构,不是医院",
    "卫生服务中心": "社区卫生服务中心是街道级的基层医疗机构",
    "卫生服务站": "社区卫生服务站是社区级的基层医疗机构",
}
# How the county level of the hospital named is known, as recorded in the entry's details:
# the directory lists it (policy.county_hospitals), or the registrar declares it — the
# tool cannot verify a name it does not know, and the forms say so.
HOSPITAL_LEVELS = {"listed": "县级以上医院,本目录医院名单所列",
                   "declared": "医院等级由经办人申报,未经医院名单核对"}

# What the registrar is asked for, by evidence key.
ASKED_AS = {"diagnosis": "县级以上医院诊断证明", "recovery": "县级以上医院康复证明",
            "hospital_receipt": "住院收据", "medical_record": "病历复印件",
            "suspension_application": "休学申请书", "investigation_report": "调查报告"}


def years_words(years: int) -> str:
    return {1: "一年", 2: "两年"}.get(years, f"{years}年")


def earliest_until(start: dt.date, min_years: int) -> dt.date:
    """SUS-2: the earliest end of a suspension from `start` — `min_years` calendar years
    later — and so the end when none is given."""
    return years_later(start, min_years)


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


# -- SUS-2 the period ------------------------------------------------------------------

def check_period(start: dt.date, until: dt.date, min_years: int) -> list[Violation]:
    """SUS-2: a suspension lasts `min_years` (one) calendar years at least: it ends no
    earlier than the same date that many years later (from 29 February, 1 March)."""
    earliest = earliest_until(start, min_years)
    if until <= start:
        return [Violation("SUS-2", "until", f"期满日 {until} 不在开始日 {start} 之后",
                          f"休学以{years_words(min_years)}为起点;不写 --until 即为 {earliest}")]
    if until >= earliest:
        return []
    return [Violation(
        "SUS-2", "until",
        f"休学期限 {start} 至 {until} 不足{years_words(min_years)}(差{_days(until, earliest)}天)",
        f"休学时间以{years_words(min_years)}为起点,按日历计:--until 不早于 {earliest}"
        "(不写 --until 即为该日)")]


# -- SUS-4 at most two consecutive years ---------------------------------------------------

def consecutive_limit(chain_start: dt.date, max_years: int) -> dt.date:
    return years_later(chain_start, max_years)


def check_consecutive(chain_start: dt.date, until: dt.date, max_years: int) -> list[Violation]:
    """SUS-4: consecutive suspension (the first one and its renewals) is at most
    `max_years` years: ending exactly `max_years` years after its start is allowed."""
    limit = consecutive_limit(chain_start, max_years)
    if until <= limit:
        return []
    return [Violation(
        "SUS-4", "until",
        f"连续休学自 {chain_start} 起至 {until},超过{max_years}年(最晚到 {limit},多了{_days(limit, until)}天)",
        f"连续休学不得超过{max_years}年:--until 不晚于 {limit};期满仍不能复学的,"
        "须另行报教育主管部门研究处理")]


def check_extension(current_until: dt.date, new_until: dt.date) -> list[Violation]:
    if new_until > current_until:
        return []
    return [Violation("SUS-4", "until", f"续办后的期满日 {new_until} 不晚于现在的期满日 {current_until}",
                      f"--until 写续办后的新期满日,应晚于 {current_until}")]


def check_renewal_timing(on: dt.date, until: dt.date, notice_days: int) -> list[Violation]:
    """SUS-4 [XX]: a renewal is applied for within the half month before the suspension
    ends. Earlier or later is recorded, with a warning."""
    if on > until:
        return [warning("SUS-4", "date", f"休学已于 {until} 期满,{_days(until, on)}天后才续办",
                        f"应在期满前{notice_days}天内办理续办;在备注中写明迟办原因")]
    if _days(on, until) > notice_days:
        return [warning("SUS-4", "date", f"距期满日 {until} 还有{_days(on, until)}天,续办一般在期满前"
                        f"{notice_days}天内办理", "如确需提前续办,在备注中写明原因")]
    return []


# -- SUS-1, SUS-6 evidence and approvals ------------------------------------------------

def _missing(required: tuple[str, ...], shown: list[str]) -> list[str]:
    return [key for key in required if key not in shown]


def evidence_violation(rule: str, missing: list[str], step: str) -> Violation:
    asked = [ASKED_AS.get(key, key) for key in missing]
    return Violation(rule, "evidence", f"{step}缺少证明材料:{'、'.join(asked)}",
                     "查验原件后用 --evidence 逐项登记,如 "
                     + " ".join(f"--evidence {ASKED_AS.get(k, k).removeprefix('县级以上医院')}"
                                for k in missing))


def _compact(name: str) -> str:
    return "".join(name.split())


def hospital_level(hospital: str | None, county_hospitals: tuple[str, ...]) -> str | None:
    """How the county level of the hospital named is known (HOSPITAL_LEVELS): "listed"
    when the directory's list names it, else "declared"; None when no hospital is named."""
    name = _compact(hospital or "")
    if not name:
        return None
    return "listed" if name in {_compact(known) for known in county_hospitals} else "declared"


def check_hospital(hospital: str | None, rule: str, required: bool, paper: str) -> list[Violation]:
    """SUS-1 (the diagnosis) and SUS-3 (the recovery certificate): 县级以上医院. The hospital
    is named; one whose name shows it is below county level (BELOW_COUNTY) is refused, even
    when a directory's list names it. `paper` is what it issued (诊断证明, 康复证明)."""
    name = (hospital or "").strip()
    if not name:
        if not required:
            return []
        return [Violation(rule, "hospital", f"没有写明出具{paper}的医院",
                          f"用 --hospital 写明医院名称;{paper}须出自县级以上医院")]
    below = next((word for word in BELOW_COUNTY if word in _compact(name)), None)
    if below is None:
        return []
    return [Violation(
        rule, "hospital", f"「{name}」不是县级以上医院:{BELOW_COUNTY[below]}",
        f"{paper}须出自县级以上医院(县、市人民医院、中医医院、妇幼保健院等):"
        f"请持县级以上医院的{paper},用 --hospital 写明该医院")]


def check_suspension_evidence(reason: str, shown: list[str], hospital: str | None,
                              detail: str | None) -> list[Violation]:
    """SUS-1 (and SUS-6 for the school-ordered suspension): the evidence the reason needs."""
    rule = "SUS-6" if reason == "infectious" else "SUS-1"
    found: list[Violation] = []
    missing = _missing(REQUIRED_TO_SUSPEND[reason], shown)
    if missing:
        found.append(evidence_violation(rule, missing, "休学"))
    if reason in MEDICAL:
        hospital_found = check_hospital(hospital, rule, required=True, paper="诊断证明")
        if reason == "infectious" and (hospital or "").strip():
            # SUS-6 [LC] names no level of hospital: the school's order for a serious
            # infectious disease is not held back by it, but the registrar sees it.
            hospital_found = [replace(v, severity="warning", hint="学校责令的传染病休学照常办理;"
                                      "复学时须县级以上医院康复证明 (SUS-3)") for v in hospital_found]
        found += hospital_found
    if reason == "other" and not (detail or "").strip():
        found.append(Violation("SUS-1", "remark", "休学原因为「其他」,但没有写明是什么原因",
                               "用 --remark 写明具体原因(如不可抗拒的原因连续缺课一个半月以上)"))
    return found


def check_extension_evidence(reason: str, shown: list[str]) -> list[Violation]:
    missing = _missing(REQUIRED_TO_EXTEND[reason], shown)
    return [evidence_violation("SUS-4", missing, "续办休学")] if missing else []


def check_central_approval(needed: bool, approval: str | None, step: str) -> list[Violation]:
    """SUS-1 [QA]: 乡镇小学到中心校审批 — a village school's suspension (and its renewal) is
    approved by the township central school."""
    if not needed or (approval or "").strip():
        return []
    return [Violation("SUS-1", "central_approval", f"村小学的{step}须经乡镇中心校审批,尚未记录审批",
                      "中心校审批后用 --central-approval 记录审批文号或审批人")]


def check_school_order(reason: str, order: str | None) -> list[Violation]:
    """SUS-6 [LC]: 学生患有严重传染病,学校应令其休学 — the school's order is recorded."""
    if reason != "infectious" or (order or "").strip():
        return []
    return [Violation("SUS-6", "school_order", "因严重传染病休学由学校责令,尚未记录学校的休学决定",
                      "用 --school-order 记录学校决定的文号")]


# -- SUS-5 the share of the grade ------------------------------------------------------------

def share_exceeded(suspended_after: int, total: int, max_share: float) -> bool:
    """True when `suspended_after` of `total` is more than `max_share` (exact arithmetic:
    3 of 100 is exactly 3% and allowed; 1 of 33 is 3.03% and not)."""
    limit = Fraction(str(max_share))
    return Fraction(suspended_after) > limit * total


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.2f}%" if whole else "—"


def check_share(already: int, total: int, max_share: float, override: str | None, where: str,
                ordered_by_school: bool = False) -> list[Violation]:
    """SUS-5 [QA]: 学生休学一般不得超过同年级学生总数的3%. `total` counts the grade's
    students on the register (在籍, the suspended included, this student too); `already`
    those suspended before this one. Above the share only with a recorded override; a
    school-ordered suspension for a serious infectious disease (SUS-6) is never held back
    by the share, but the excess is recorded."""
    after = already + 1
    if not share_exceeded(after, total, max_share):
        return []
    cap = f"{float(Fraction(str(max_share)) * 100):g}%"
    if already:
        message = (f"{where}在籍{total}人,已休学{already}人,再休学1人即{after}人,"
                   f"占{percent(after, total)},超过{cap}")
    else:
        message = f"{where}在籍{total}人,休学1人即占{percent(after, total)},超过{cap}"
    if (override or "").strip():
        return [warning("SUS-5", "share_override", message + f";理由:{override.strip()}")]
    if ordered_by_school:
        return [warning("SUS-5", "share_override", message + ";学校责令的传染病休学不受比例限制",
                        "用 --share-override 写明情况更好")]
    return [Violation("SUS-5", "share_override", message,
                      "休学要严格掌握;确需休学的,用 --share-override 写明理由(如经中心校同意)")]


# -- SUS-2, SUS-3 return -----------------------------------------------------------------

def check_return(on: dt.date, start: dt.date, until: dt.date, early_allowed: bool,
                 approval: str | None, notice_days: int) -> list[Violation]:
    """SUS-2: no early return [QA]; with the policy variant [XX], early return with a
    recorded approval. A return long after the end is recorded with a warning (SUS-4:
    who cannot return renews in time)."""
    if on < start:
        return [Violation("SUS-2", "date", f"复学日期 {on} 早于休学开始日 {start}", "核对 --date")]
    if on < until:
        early = f"休学至 {until} 期满,{on} 复学是提前{_days(on, until)}天复学"
        if not early_allowed:
            return [Violation("SUS-2", "date", early + ",按规定不得提前复学",
                              f"期满日 {until} 起办理复学(本目录的政策不允许提前复学)")]
        if not (approval or "").strip():
            return [Violation("SUS-2", "approval", early + ",须经学校领导批准",
                              "批准后用 --approval 记录批准文号或批准人")]
        return [warning("SUS-2", "approval", early + f";依据批准「{approval.strip()}」")]
    if _days(until, on) > notice_days:
        return [warning("SUS-4", "date", f"休学已于 {until} 期满,{_days(until, on)}天后才复学",
                        "期满仍不能复学的应及时续办休学;在备注中写明原因")]
    return []


def check_recovery(reason: str, shown: list[str]) -> list[Violation]:
    """SUS-3 [QA]: 学生须持县级以上医院康复证明到学校办理复学手续."""
    missing = _missing(REQUIRED_TO_RESUME[reason], shown)
    if not missing:
        return []
    return [Violation("SUS-3", "evidence", "复学缺少县级以上医院康复证明",
                      "查验原件后用 --evidence 康复证明 登记")]


def autumns_between(start: dt.date, end: dt.date, autumn_start: tuple[int, int]) -> int:
    """How many school years have turned (autumn terms begun) after `start`, up to `end`."""
    return sum(1 for year in range(start.year, end.year + 1)
               if start < dt.date(year, *autumn_start) <= end)


def target_grade(choice: str | int | None, left: int, turns: int, last: int) -> tuple[int | None, list[Violation]]:
    """SUS-3 [QA][S17]: the student joins the corresponding grade — by the student's wish
    back with the original cohort (回原级: the grade left + the school years that have
    turned) or with the following cohort (到下一级: the grade the student left, the
    default). A number must be one of the grades between those two."""
    cohort = left + turns
    if choice in (None, "lower"):
        grade = left
    elif choice == "same":
        grade = cohort
    else:
        grade = int(choice)
        if not left <= grade <= cohort:
            allowed = f"{left}年级" if cohort == left else f"{left}–{cohort}年级"
            return None, [Violation(
                "SUS-3", "grade", f"复学应编入相应的年级:{allowed},不能编入{grade}年级",
                f"--grade lower 编入休学时所在的{left}年级,--grade same 随原年级同学编入{cohort}年级")]
    if grade > last:
        return None, [Violation(
            "SUS-3", "grade", f"原年级同学现在应在{cohort}年级,本校最高{last}年级",
            f"用 --grade lower 编入休学时所在的{left}年级")]
    return grade, []


# -- standing, for `suspend list` -------------------------------------------------------------

def standing(until: dt.date, chain_start: dt.date, today: dt.date, due_within: int,
             max_years: int) -> list[tuple[str, str]]:
    """What the registrar must do about one running suspension: (flag, words) pairs —
    over_max (连续休学超过最长年限), overdue (已期满未复学), due (将在 due_within 天内期满)."""
    flags = []
    limit = consecutive_limit(chain_start, max_years)
    if today > limit:
        flags.append(("over_max", f"连续休学已超过{max_years}年(自 {chain_start} 起)"))
    left = _days(today, until)
    if left < 0:
        flags.append(("overdue", f"已期满{-left}天,应办理复学或续办休学"))
    elif left == 0:
        flags.append(("due", "今天期满,应办理复学或续办休学"))
    elif left <= due_within:
        flags.append(("due", f"{left}天后期满,应办理复学或续办休学"))
    return flags


# -- a suspension taken over with the register (接收原有学籍) ---------------------------------

def check_taken_over_return(taken_over_on: dt.date, shown: list[str]) -> list[Violation]:
    """SUS-2 and SUS-3 for a pupil who was already suspended when the register was taken
    over: the suspension began on a day the journal does not hold, so the year [QA]
    「休学期限为一年」 counts from a start only the original 休学证明 shows — never from the
    day of the takeover, which would keep a pupil whose year is over out for another one.
    The certificate is therefore required and the year judged on it (a warning says so);
    the reason is not known either, so the recovery certificate of SUS-3 is asked for as a
    warning (a suspension for illness or injury needs it)."""
    found = [warning(
        "SUS-2", "date",
        f"接收原有学籍时({taken_over_on})已在休学,休学开始日期和期满日不详,未核对是否休学满一年",
        "按原休学证明核对期限:休学不满一年的不得提前复学")]
    if "suspension_certificate" not in shown:
        found.append(Violation(
            "SUS-2", "evidence", "接收时已在休学的学生复学,须查验原休学证明(休学期限以其为准)",
            "查验原件后用 --evidence 休学证明 登记"))
    if "recovery" not in shown:
        found.append(warning(
            "SUS-3", "evidence", "休学原因不详:因伤病休学的,复学须持县级以上医院康复证明",
            "因伤病休学的,查验原件后用 --evidence 康复证明 --hospital 医院名称 登记"))
    return found


def check_taken_over_renewal(taken_over_on: dt.date, max_years: int) -> list[Violation]:
    """SUS-4 for a suspension taken over with the register: its consecutive years are
    counted from the takeover only (the least they can be); the original 休学证明 shows
    how long it already ran."""
    return [warning(
        "SUS-4", "until",
        f"接收原有学籍时({taken_over_on})已在休学,连续休学的起点不详:只从接收日期算起核对不超过{max_years}年",
        f"按原休学证明核对:连同接收前的休学,连续休学不得超过{max_years}年")]
