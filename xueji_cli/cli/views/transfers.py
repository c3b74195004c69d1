"""A transfer case as the registrar sees it (tables) and as scripts see it (JSON).
ID and national numbers are masked unless --show-id."""

from __future__ import annotations

from xueji_cli.cli.output import say, table
from xueji_cli.cli.views.entries import entry_dict
from xueji_cli.cli.views.records import region_shown
from xueji_cli.rules import transfer as rules
from xueji_cli.values import codes
from xueji_cli.values.privacy import show

CASE_REGIONS = ("from_region", "to_region")


def case_dict(view, policy, today, schools: dict, names, reveal: bool = False) -> dict:
    """The case; its regions with their names (`<field>_name`) from `names`, the
    directory's region table."""
    case = view.case
    record = view.student or view.new_student
    incoming = case.incoming or {}
    national = record.national_number if record else incoming.get("national_number")
    admission = view.admission(policy.admit_within_days, today)
    if admission is not None:
        admission["limit"] = policy.admit_within_days
    return names.named({
        "case_no": case.case_no,
        "direction": case.direction,
        "direction_label": codes.label("transfer_direction", case.direction),
        "route": case.route,
        "route_label": rules.route_label(case.route),
        "status": view.status,
        "status_label": codes.label("transfer_status", view.status),
        "name": view.name,
        "id_number": show(view.person.id_number if view.person else incoming.get("id_number"), reveal),
        "national_number": show(national, reveal, national=True),
        "local_number": view.student.local_number if view.student else None,
        "new_local_number": view.new_student.local_number if view.new_student else None,
        "grade": view.new_student.grade if view.new_student else case.grade,
        "from_school": case.from_name,
        "from_region": case.from_region,
        "to_school": case.to_name,
        "to_region": case.to_region,
        "to_class": view.new_student.class_no if view.new_student else case.to_class,
        "reason": case.reason,
        "reason_label": codes.label("transfer_reason", case.reason),
        "reason_detail": case.reason_detail,
        "evidence": [codes.evidence_label(k) for k in case.evidence],
        "special_reason": case.special_reason,
        "applied_on": case.applied_on.isoformat(),
        "approvals": [{**e.approvals[0], "date": e.effective_date.isoformat(),
                       "source": e.details.get("source")} for e in view.approvals],
        "missing": [{"step": s.key, "level": s.level, "label": s.label} for s in view.missing],
        "approved_on": view.approved_on.isoformat() if view.approved_on else None,
        "completed_on": view.completed.effective_date.isoformat() if view.completed else None,
        "withdrawn_on": view.withdrawn.effective_date.isoformat() if view.withdrawn else None,
        "admission": admission,
        "origin_case_no": case.origin_case_no,
        "history": [entry_dict(e, schools) for e in view.entries],
    }, CASE_REGIONS)


def flag(d: dict) -> str:
    admission = d["admission"]
    if not admission:
        return ""
    if admission["late"]:
        return f"逾期接收(第{admission['days']}天)"
    if admission["overdue"]:
        return f"已逾期{admission['days'] - admission['limit']}天未接收"
    return ""


def next_steps(d: dict) -> str:
    if d["status"] == "applied":
        return "尚缺:" + "、".join(f"{m['label']}(--level {m['level']})" for m in d["missing"])
    if d["status"] == "approved":
        return f"审批齐全,可办结:xueji transfer complete {d['case_no']}"
    return ""


LIST_COLUMNS = ["案件号", "姓名", "方向", "线路", "转出学校", "转入学校", "年级", "申请日期", "状态",
                "尚缺审批", "标记"]


def list_row(d: dict) -> list:
    return [d["case_no"], d["name"], d["direction_label"], d["route_label"], d["from_school"],
            d["to_school"], d["grade"], d["applied_on"], d["status_label"],
            "、".join(m["label"] for m in d["missing"]) if d["status"] == "applied" else "",
            flag(d)]


def show_case(d: dict, title: str | None = None, steps: bool = True) -> None:
    rows = [
        ["案件号", d["case_no"] + (f"(原学校案件号 {d['origin_case_no']})" if d["origin_case_no"] else "")],
        ["学生", f"{d['name']}  身份证件号 {d['id_number'] or '(无)'}  全国学籍号 {d['national_number'] or '(无)'}"],
        ["方向与线路", f"{d['direction_label']} · {d['route_label']}"],
        ["转出学校", f"{d['from_school']}(区划 {region_shown(d, 'from_region')})"
         + (f" 原学籍号 {d['local_number']}" if d["local_number"] else "")],
        ["转入学校", f"{d['to_school']}(区划 {region_shown(d, 'to_region')})"
         + (f" {d['grade']}年级{d['to_class']}班" if d["to_class"] else f" {d['grade']}年级")
         + (f" 新学籍号 {d['new_local_number']}" if d["new_local_number"] else "")],
        ["转学原因", d["reason_label"] + (f":{d['reason_detail']}" if d["reason_detail"] else "")],
        ["证明材料", "、".join(d["evidence"])],
        ["申请日期", d["applied_on"]],
        ["状态", d["status_label"] + (f"  {flag(d)}" if flag(d) else "")],
    ]
    if d["special_reason"]:
        rows.insert(6, ["毕业年级特殊情况", d["special_reason"]])
    table(title or f"转学案件 {d['case_no']}", ["项目", "内容"], rows)
    if not steps:
        return
    done = [[a["label"], "已登记", a["date"], a.get("doc_no") or "", a.get("approver") or "",
             a.get("source") or ""] for a in d["approvals"]]
    done += [[m["label"], "尚缺", "", "", "", f"xueji transfer approve {d['case_no']} --level {m['level']}"]
             for m in (d["missing"] if d["status"] in ("applied", "approved") else [])]
    if done:
        table("审批(按线路顺序)", ["审批环节", "状态", "日期", "文号", "审批人", "说明"], done)
    if d["status"] == "approved":
        say(next_steps(d))


CASE_COLUMNS = ["案件号", "方向", "线路", "转出学校", "转入学校", "申请日期", "状态", "办结/撤回日期"]


def student_cases(session, student_ids: list[int]) -> list[dict]:
    """The transfer cases of one student's records, for `student show` (short form)."""
    from xueji_cli.records.transfer import cases as transfer_cases

    found = []
    for view in transfer_cases.cases_of(session, student_ids):
        ended = view.completed or view.withdrawn
        found.append({
            "case_no": view.case.case_no, "direction": view.case.direction,
            "direction_label": codes.label("transfer_direction", view.case.direction),
            "route": view.case.route, "route_label": rules.route_label(view.case.route),
            "from_school": view.case.from_name, "to_school": view.case.to_name,
            "applied_on": view.case.applied_on.isoformat(), "status": view.status,
            "status_label": codes.label("transfer_status", view.status),
            "missing": [s.label for s in view.missing] if view.is_open else [],
            "ended_on": ended.effective_date.isoformat() if ended else None,
        })
    return found


def case_table_rows(cases: list[dict]) -> list[list]:
    return [[c["case_no"], c["direction_label"], c["route_label"], c["from_school"], c["to_school"],
             c["applied_on"], c["status_label"] + (f"(尚缺:{'、'.join(c['missing'])})" if c["missing"] else ""),
             c["ended_on"] or ""] for c in cases]
