"""The borrowing part of the record card (`xueji student show`): the loans of the child
and what the borrowing school recorded during them (BOR-5)."""

from __future__ import annotations

from xueji_cli.cli.common import table


def loans_for(session, settings, student_ids: list[int], reveal: bool) -> list[dict]:
    from xueji_cli.records.borrowing import loans as borrowing

    return [borrowing.loan_dict(loan, settings, reveal)
            for loan in borrowing.loans(session, student_ids=student_ids)]


def show(loans: list[dict]) -> None:
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
