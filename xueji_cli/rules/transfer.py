"""Transfer rules TRF-1…TRF-12 (RULES.md) as pure functions over plain values.

The route (TRF-2) is derived from statistical region codes, never typed: digits 1–6 are
the county (迁安市, a county-level city, is QA's 「我市」), digits 1–9 the township or
street, and digits 7–9 tell its kind — 001–099 a street (街道, the urban area, 城区),
100–199 a town (镇), 200–399 a township (乡); anything above 099 counts as rural here.

Routes and the approvals each needs, in the order the paper goes round (QA 转学手续):
  internal  same township: its central school approves
  A         township → urban school of the county: out-school checks, the origin's central
            school issues the certificate, the bureau (教育科) approves
  B         township ↔ another township: out-school checks, the origin's central school
            issues the certificate, the destination's central school approves
  U         from an urban school to another school of the county (QA names no route for
            it; read like A without a central school): out-school checks, bureau approves
  C         from outside the county: the bureau approves
  D         to outside the county: out-school issues the certificate, the bureau approves
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from xueji_cli.rules.enrollment import RegionLabel, check_service_area, within
from xueji_cli.rules.enrollment import check_class_cap as _enrollment_class_cap
from xueji_cli.values.violation import Violation, warning

LEVELS = {"school": "转出学校", "central": "乡镇中心校", "bureau": "县教育局(教育科)"}


@dataclass(frozen=True)
class Step:
    level: str  # school / central / bureau
    side: str  # "out" (origin's), "in" (destination's) or "" (shared)
    label: str

    @property
    def key(self) -> str:
        return f"{self.level}_{self.side}" if self.side else self.level


_SCHOOL_CHECK = Step("school", "out", "转出学校初步认定")
_CENTRAL_ISSUES = Step("central", "out", "转出地中心校开具正式转学证明")
_BUREAU = Step("bureau", "", "县教育局(教育科)审批")

ROUTES: dict[str, tuple[str, tuple[Step, ...]]] = {
    "internal": ("乡镇内转学", (Step("central", "", "乡镇中心校审批"),)),
    "A": ("A 乡镇→城区", (_SCHOOL_CHECK, _CENTRAL_ISSUES, _BUREAU)),
    "B": ("B 乡镇↔乡镇", (_SCHOOL_CHECK, _CENTRAL_ISSUES, Step("central", "in", "转入地中心校审批"))),
    "U": ("城区→县内其他学校", (_SCHOOL_CHECK, _BUREAU)),
    # Across the county line each side has its own bureau: ours approves.
    "C": ("C 外地转入", (Step("bureau", "in", "转入地县教育局(教育科)审批"),)),
    "D": ("D 转往外地", (Step("school", "out", "转出学校开具转学证明"),
                       Step("bureau", "out", "转出地县教育局(教育科)审批"))),
}
# The same transfer as the other directory sees it (its certificate names its route).
OTHER_SIDE = {"C": "D", "D": "C"}

# The out-school's step comes before any certificate is issued (TRF-2: a student who does
# not meet the conditions gets no certificate).
CERTIFICATE_AFTER = {"A": "school_out", "B": "school_out", "U": "school_out", "D": "school_out"}

REASONS_OUTSIDE_WINDOW = ("move", "job")  # TRF-4: 工作调动或住址迁移

# TRF-11 [NAT-Q 三.2]: records in these states (出国, 退学, 开除 — the seed's 「其他离校」 has
# no state of its own here; the refusal of check_status names them) transfer directly; the state stays until the receiving school
# completes the case, then the record there is 在校.
DIRECT = ("abroad", "withdrawn", "expelled")


def route_label(route: str) -> str:
    return ROUTES[route][0]


def steps(route: str) -> tuple[Step, ...]:
    return ROUTES[route][1]


# -- regions and routes ---------------------------------------------------------------------

def check_region(code: str, field: str, what: str) -> list[Violation]:
    """A region that can place a school: 9 or 12 digits, the township part not 000."""
    if not code:
        return [Violation("TRF-2", field, f"缺少{what}的区划代码,无法判定转学线路",
                          "填写12位统计用区划代码(见户口簿或当地统计用区划代码表)")]
    if not (code.isdigit() and len(code) in (9, 12)) or code[6:9] == "000":
        return [Violation("TRF-2", field, f"{what}区划代码「{code}」应为12位(或前9位),并精确到乡镇或街道",
                          "如 130283001005(第7–9位为乡镇街道代码)")]
    return []


def is_urban(code: str) -> bool:
    """Digits 7–9 from 001 to 099: a street (街道) of the urban area."""
    return 1 <= int(code[6:9]) <= 99


def classify_route(origin: str, destination: str, incoming: bool) -> str:
    """The route between two valid region codes (check_region). `incoming` says which end
    is ours when the other lies outside the county."""
    if origin[:9] == destination[:9]:
        return "internal"
    if origin[:6] != destination[:6]:
        return "C" if incoming else "D"
    if is_urban(origin):
        return "U"
    return "A" if is_urban(destination) else "B"


# -- approvals (TRF-2, TRF-9) ------------------------------------------------------------------

def missing_steps(route: str, done: list[str]) -> list[Step]:
    return [s for s in steps(route) if s.key not in done]


def next_step(route: str, done: list[str], level: str) -> tuple[Step | None, list[Violation]]:
    """The step an approval at `level` records: the first missing one of that level, and
    only when every earlier step of the route is done (the paper goes round in order)."""
    if level not in LEVELS:
        return None, [Violation("TRF-2", "level", f"审批级别「{level}」应为 school、central 或 bureau",
                                "school 转出学校,central 乡镇中心校,bureau 县教育局")]
    missing = missing_steps(route, done)
    for index, step in enumerate(missing):
        if step.level != level:
            continue
        earlier = [s for s in missing[:index]]
        if earlier:
            return None, [Violation(
                "TRF-2", "level", f"「{step.label}」之前还缺:{'、'.join(s.label for s in earlier)}",
                f"先登记 --level {earlier[0].level}({earlier[0].label})")]
        return step, []
    needed = "、".join(f"{s.label}(--level {s.level})" for s in missing)
    wanted = [s.label for s in steps(route) if s.level == level]
    message = (f"{route_label(route)}线路不需要{LEVELS[level]}审批" if not wanted
               else f"{LEVELS[level]}的审批已经登记过")
    hint = f"尚缺:{needed}" if needed else "审批已齐,不必再登记:用 xueji transfer complete 办结"
    return None, [Violation("TRF-2", "level", message, hint)]


def check_approved(route: str, done: list[str]) -> list[Violation]:
    """TRF-2/TRF-9: no school takes (or lets go) a student without the route's approvals."""
    missing = missing_steps(route, done)
    if not missing:
        return []
    return [Violation(
        "TRF-9", "approvals", f"{route_label(route)}线路尚缺审批:{'、'.join(s.label for s in missing)}",
        "审批齐全前不得办理转出注销或接收入学;审批后用 xueji transfer approve 登记 "
        + "、".join(f"--level {s.level}" for s in missing))]


def check_step_date(day: dt.date, not_before: dt.date, what: str) -> list[Violation]:
    if day >= not_before:
        return []
    return [Violation("TRF-2", "date", f"{what}日期 {day:%Y-%m-%d} 早于上一步的日期 {not_before:%Y-%m-%d}",
                      "核对 --date:转学各步按先后顺序办理")]


# -- conditions (TRF-1, TRF-4 … TRF-7) -----------------------------------------------------

def check_reason(reason: str | None, detail: str | None, known: dict[str, str]) -> list[Violation]:
    """TRF-1: a move of household registration or home, a parent's job transfer, or another
    special reason that is written down."""
    choices = "、".join(f"{k}({v})" for k, v in known.items())
    if not reason:
        return [Violation("TRF-1", "transfer_reason", "缺少转学原因", f"用 --reason 填写:{choices}")]
    if reason not in known:
        return [Violation("TRF-1", "transfer_reason", f"转学原因「{reason}」不是认可的原因", f"可选:{choices}")]
    if reason == "other" and not detail:
        return [Violation("TRF-1", "reason_detail", "「其他特殊情况」须写明具体情况",
                          "用 --reason-detail 写明确需转学的特殊情况")]
    return []


def check_evidence(shown: list[str], required: dict[str, str], rule: str = "TRF-1") -> list[Violation]:
    missing = [label for key, label in required.items() if key not in shown]
    if not missing:
        return []
    return [Violation(rule, "evidence", f"未登记证明材料:{'、'.join(missing)}",
                      "查验原件后用 --evidence 逐项登记,如 "
                      + " ".join(f"--evidence {m}" for m in missing))]


def check_job_evidence(reason: str | None, shown: list[str], label: str) -> list[Violation]:
    if reason != "job" or "job_transfer" in shown:
        return []
    return [warning("TRF-1", "evidence", f"以父母工作调动为由,未登记{label}",
                    f"查验调令后用 --evidence {label} 登记")]


def check_window(day: dt.date, semester_name: str, semester_start: dt.date, window_days: int,
                 reason: str | None) -> list[Violation]:
    """TRF-4: handled in the first `window_days` days of a semester (its start day is day 1);
    mid-semester only for a parent's job transfer or a home move."""
    offset = (day - semester_start).days
    if 0 <= offset < window_days or reason in REASONS_OUTSIDE_WINDOW:
        return []
    last = semester_start + dt.timedelta(days=window_days - 1)
    return [Violation(
        "TRF-4", "date",
        f"{day:%Y-%m-%d} 不在{semester_name}开学后{window_days}天内({semester_start:%m月%d日}至{last:%m月%d日})",
        "学期中途只为父母工作调动或住址迁移办理转学(--reason job 或 move);否则请在下学期开学两周内办理")]


def check_grade_unchanged(origin: int, target: int) -> list[Violation]:
    """TRF-5: the grade never changes on transfer."""
    if origin == target:
        return []
    return [Violation("TRF-5", "grade", f"原学校为{origin}年级,转入{target}年级:转学一律不得变更年级",
                      f"按{origin}年级转入;跳级、留级另按规定办理")]


def span(year: int) -> str:
    return f"{year}—{year + 1}学年"


def grade_after_turns(grade: int, grade_year: int, turned: int | None, last: int,
                      school_label: str) -> tuple[int, int, list[Violation]]:
    """TRF-5 with CHG-1: a pupil arrives in the grade he had in school year `grade_year`;
    when the receiving school has already recorded the turn of that year (`turned`: its
    latest), the cohort he joins has moved up, and so does he. Returns (grade, its
    school year, what is said)."""
    if turned is None or turned < grade_year:
        return grade, grade_year, []
    to = grade + turned + 1 - grade_year
    said = f"该生{span(grade_year)}在{grade}年级;{school_label}已办理{span(turned)}的升级毕业"
    if to > last:
        return grade, grade_year, [Violation(
            "CHG-1", "grade", f"{said},该年级的学生已经毕业,不能再转入",
            "撤回该转学案件(xueji transfer cancel 案件号 --reason …),由原学校办理毕业")]
    return to, turned + 1, [warning(
        "CHG-1", "grade", f"{said},该生随同年级学生升入{to}年级转入",
        "学籍号编入其原入学年份的顺序(NUM-3);编入的班级用 --class 指明")]


def check_grade_year(grade: int, grade_year: int, semester_year: int,
                     intake_year: int) -> list[Violation]:
    """TRF-5 in the summer (the intake of `intake_year` is open, the semester is still
    of the year before): a grade read from a certificate that does not say its school
    year may be the old year's or, if the origin has promoted already, the new one's.
    Say which it is taken as: the year the receiving school is in (`grade_year`)."""
    if semester_year == intake_year:
        return []
    if grade_year < intake_year:
        return [warning(
            "TRF-5", "grade", f"{grade}年级按{span(grade_year)}的年级登记(本校尚未办理该学年的升级),"
            "本校升级时随同年级学生升级",
            f"若转学证明上已是原学校升级后的年级,先撤回,待本校办理升级(xueji promote --year {grade_year})"
            "后再申请转入")]
    return [warning(
        "TRF-5", "grade", f"{grade}年级按{span(grade_year)}的年级登记(本校已办理{span(grade_year - 1)}的升级)",
        f"若转学证明上是原学校升级前的年级,应按升级后的年级({grade + 1}年级)转入:撤回后用 --grade 重新申请")]


def check_grade_exists(grade: int, first: int, last: int, school_label: str) -> list[Violation]:
    if first <= grade <= last:
        return []
    return [Violation("TRF-5", "grade", f"{school_label}没有{grade}年级(应为{first}–{last})",
                      "转学不变更年级:只能转入有该年级的学校")]


def check_graduating(grade: int, last: int, special_reason: str | None) -> list[Violation]:
    """TRF-6: graduating-grade students transfer only in special cases, recorded."""
    if grade != last:
        return []
    message = f"{grade}年级是毕业年级,无特殊情况不得转学"
    if special_reason:
        return [warning("TRF-6", "grade", message + f";特殊情况:{special_reason}",
                        "特殊情况的证明材料归入学籍档案")]
    return [Violation("TRF-6", "grade", message, "确有特殊情况的,用 --special-reason 写明并留存证明")]


def check_sanctions(active: list[str]) -> list[Violation]:
    """TRF-7: no transfer while a disciplinary sanction is in force."""
    if not active:
        return []
    return [Violation("TRF-7", "sanction", f"该生受处分期间:{'、'.join(active)}",
                      "受处分期间一般不予办理转学;处分撤销后再办理(xueji sanction revoke)")]


def check_status(status: str, status_label: str) -> list[Violation]:
    """Who may transfer: a student at school, or one whose record left school by going
    abroad, withdrawal or expulsion (TRF-11: directly, the state unchanged until the
    receiving school completes). A suspended one may study nowhere else (SUS-2); a
    borrowed-out one comes back first; a cancelled record is gone."""
    if status == "active":
        return []
    if status in DIRECT:
        return [direct_transfer(status_label)]
    if status == "suspended":
        return [Violation("SUS-2", "status", "该生正在休学,休学期间不得到其他学校就读",
                          "复学后再办理转学(xueji resume)")]
    if status == "borrowed_out":
        return [Violation("TRF-9", "status", "该生正在外出借读,学籍仍在本校",
                          "借读转为正式转学:先用 xueji borrow end 学籍号 --transfer 结束外出借读,"
                          "再办理转学")]
    return [Violation("TRF-9", "status", f"该学籍的状态为「{status_label}」,不能办理转学",
                      "只有在校生,或出国、退学、开除的学生(TRF-11)可以转学;用 xueji student show 查看该生现状")]


def direct_transfer(status_label: str) -> Violation:
    """TRF-11: said (and kept in the entries' remarks) when such a record transfers."""
    return warning("TRF-11", "status", f"该学籍的状态为「{status_label}」,按规定直接办理转学",
                   "办结前学籍状态不变;转入学校办结后为在校")


def check_class_cap(in_class: int, cap: int, decision: str | None, where: str) -> list[Violation]:
    """TRF-10: taking a student depends on a free place in the class (the ENR-5 cap)."""
    return [dataclasses.replace(v, rule="TRF-10")
            for v in _enrollment_class_cap(in_class, 1, cap, decision, where)]


def admission_days(approved_on: dt.date, admitted_on: dt.date) -> int:
    return (admitted_on - approved_on).days


def check_admission(approved_on: dt.date, admitted_on: dt.date, within: int) -> list[Violation]:
    """TRF-3: the receiving school admits within `within` days of the last approval. Late
    admission is recorded and flagged, not refused: the child must go to school."""
    days = admission_days(approved_on, admitted_on)
    if days < 0:
        return [Violation("TRF-9", "date",
                          f"接收日期 {admitted_on:%Y-%m-%d} 早于最后审批日期 {approved_on:%Y-%m-%d}",
                          "未经审批不得接收;核对 --date")]
    if days <= within:
        return []
    return [warning("TRF-3", "date",
                    f"最后审批于 {approved_on:%Y-%m-%d},{admitted_on:%Y-%m-%d} 才接收入学,"
                    f"超过{within}天(第{days}天)",
                    "已记为逾期接收,月报中标出;在备注中写明原因")]


# -- the receiving school's service area (TRF-12) ---------------------------------------------

ARRIVAL_PLACES = {  # field: (what, the paper that shows it, its option)
    "hukou_region": ("户口所在地", "迁入地户口簿", "--hukou-region"),
    "residence_region": ("现住地", "房产证明", "--residence-region"),
}


def check_arrival_area(hukou: str | None, residence: str | None, school_label: str,
                       areas: list[str], serving: dict[str, list[str]],
                       label: RegionLabel = str) -> list[Violation]:
    """TRF-12 (TRF-1 at arrival): the child's household registration and home lie in the
    receiving school's service area — ENR-2's 就近入学 (check_service_area) judged at
    admission. `serving` names, for a code outside the area, the other schools whose area
    holds it. Without the codes nothing can be judged: refused, asking for them. An
    unconfigured service area is ENR-2's warning, never a silent pass."""
    found: list[Violation] = []
    for field, code in (("hukou_region", hukou), ("residence_region", residence)):
        what, paper, option = ARRIVAL_PLACES[field]
        if not code:
            found.append(Violation(
                "TRF-12", field, f"缺少转入后的{what}区划代码,无法核对是否在 {school_label} 的服务范围内",
                f"查验{paper}后用 {option} 填写12位区划代码"))
            continue
        if field == "hukou_region":
            found += [dataclasses.replace(
                v, rule="TRF-12", hint=f"{v.hint};户口已迁入的,查验{paper}后用 {option} 填写迁入后的区划代码")
                if v.is_error else v for v in check_service_area(code, school_label, areas,
                                                                 serving.get(code, []), label)]
        elif areas and not within(code, areas):
            others = serving.get(code, [])
            found.append(Violation(
                "TRF-12", field, f"现住地 {label(code)} 不在 {school_label} 的服务范围({'、'.join(map(label, areas))})内",
                (f"该住址属于 {'、'.join(others)} 的服务范围" if others
                 else "该住址不在本目录任何学校的服务范围内")
                + f";已在本校服务范围内居住的,查验{paper}后用 {option} 填写现住地区划代码"))
    return found
