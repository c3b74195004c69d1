"""A loan (借读) as the register, the record card and scripts show it: the child, the two
schools, the letter and evidence, the dates, and what the borrowing school recorded
during it (BOR-3, BOR-5). ID and national numbers are masked unless --show-id."""

from __future__ import annotations

from xueji_cli.cli.output import say, table
from xueji_cli.rules import borrowing as rules
from xueji_cli.values import codes
from xueji_cli.values.privacy import show

DIRECTION_LABEL = {"in": "来本校借读", "out": "外出借读"}


LOAN_REGIONS = ("origin_region", "host_region", "residence_region", "hukou_region")


def loan_dict(loan, settings, reveal: bool = False, names=None) -> dict:
    """One loan (records/borrowing/loans.Loan) as the register, JSON and the record card
    show it; each region's code with its name (`<field>_name`) when `names` (the
    directory's region table) is given."""
    from xueji_cli.records.borrowing.loans import outcome_label

    start, details = loan.start, loan.start.details or {}
    person, student = loan.person, loan.student
    end_details = (loan.end.details or {}) if loan.end else {}
    record = {
        "case": loan.case_ref or None, "direction": loan.direction,
        "taken_over": loan.taken_over,
        "direction_label": DIRECTION_LABEL[loan.direction],
        "name": person.name, "gender": codes.label("gender", person.gender),
        "birth_date": person.birth_date.isoformat(),
        "id_number": show(person.id_number, reveal),
        "national_number": show(student.national_number, reveal, national=True),
        "local_number": student.local_number, "kind": student.kind,
        "school": loan.school.code, "school_name": loan.school.name,
        "grade": start.sets.get("grade", details.get("grade", student.grade)),  # at the start
        "class": start.sets.get("class_no", student.class_no),
        "origin_school": loan.other_school if loan.direction == "in" else None,
        "origin_region": details.get("origin_region"),
        "host_school": loan.other_school if loan.direction == "out" else None,
        "host_region": details.get("host_region"),
        "letter": details.get("letter"), "evidence": start.evidence,
        "approvals": [a.get("decision") for a in start.approvals],
        "start": start.effective_date.isoformat(), "until": details.get("until"),
        "end": loan.end.effective_date.isoformat() if loan.end else None,
        "outcome": end_details.get("outcome"),
        "outcome_label": outcome_label(loan.direction, end_details.get("outcome")),
        "status": "open" if loan.is_open else "ended",
        "status_label": ("在外借读" if loan.direction == "out" else "在本校借读") if loan.is_open
        else "已结束:" + outcome_label(loan.direction, end_details.get("outcome")),
        "guardian_name": details.get("guardian_name", person.guardian_name),
        "guardian_phone": details.get("guardian_phone", person.guardian_phone),
        "residence_region": details.get("residence_region", person.residence_region),
        "address": details.get("address", person.address),
        "hukou_region": details.get("hukou_region", person.hukou_region),
        "notes": [{"date": n.effective_date.isoformat(), "category": n.details.get("category"),
                   "category_label": codes.label("borrow_note", n.details.get("category")),
                   "text": n.details.get("text")} for n in loan.notes],
    }
    if loan.direction == "out":
        last = settings.grades[loan.school.type][1]
        record["exams_at_home"] = rules.exams_at_home(record["grade"], last)
    return names.named(record, LOAN_REGIONS) if names is not None else record


def loans_for(session, settings, student_ids: list[int], reveal: bool) -> list[dict]:
    """The loans of one child's records, for the record card (`student show`)."""
    from xueji_cli.records.borrowing import loans as borrowing

    return [loan_dict(loan, settings, reveal)
            for loan in borrowing.loans(session, student_ids=student_ids)]


def show_card(loans: list[dict]) -> None:
    """The borrowing part of the record card: the loans of the child and what the
    borrowing school recorded during them (BOR-5)."""
    if not loans:
        return
    from xueji_cli.records.borrowing.register_sheet import until

    table("借读情况", ["登记号", "类别", "本校", "年级班级", "原学校 / 借读学校", "开始", "结束", "证明材料",
                   "状态"],
          [[r["case"], r["direction_label"], f"{r['school']} {r['school_name']}",
            f"{r['grade']}年级{r['class']}班", r["origin_school"] or r["host_school"], r["start"], until(r),
            "、".join(r["evidence"]), r["status_label"]] for r in loans])
    notes = [[n["date"], n["category_label"], n["text"], r["case"]] for r in loans for n in r["notes"]]
    if notes:
        table("借读期间的成绩、评价、奖惩 (BOR-5)", ["日期", "类别", "内容", "借读登记号"], notes)


def show_register(found: dict[str, list[dict]], scope: str) -> None:
    """The borrowing register (BOR-3) on screen: children borrowing here, ours elsewhere."""
    from xueji_cli.records.borrowing.register_sheet import until

    if "in" in found and not found["in"]:
        say(f"来本校借读:无({scope})。")
    elif "in" in found:
        rows = found["in"]
        table(f"借读生登记册:来本校借读({scope},共 {len(rows)} 人)",
              ["登记号", "姓名", "全国学籍号", "借读学校", "年级班级", "原学校", "证明材料", "开始", "结束",
               "状态"],
              [[r["case"], r["name"], r["national_number"], f"{r['school']} {r['school_name']}",
                f"{r['grade']}年级{r['class']}班", r["origin_school"], "、".join(r["evidence"]),
                r["start"], until(r), r["status_label"]] for r in rows])
    if "out" in found and not found["out"]:
        say(f"外出借读:无({scope})。")
    elif "out" in found:
        rows = found["out"]
        table(f"外出借读学生({scope},共 {len(rows)} 人;学籍保留在本校,回原校参加毕业、升学考试)",
              ["登记号", "姓名", "学籍号", "本校", "年级班级", "借读学校", "借读证明信", "开始", "结束",
               "回原校考试", "状态"],
              [[r["case"], r["name"], r["local_number"], f"{r['school']} {r['school_name']}",
                f"{r['grade']}年级{r['class']}班", r["host_school"], r["letter"] or "", r["start"],
                until(r), r["exams_at_home"], r["status_label"]] for r in rows])
