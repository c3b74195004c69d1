"""xueji student card — the student registration form (学生登记表 / 学籍卡, REP-5)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import ForceOpt, JsonOpt, ShowIdOpt
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.workspace import workspace


def card(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(
        metavar="KEY", help="学生:14位学籍号、全国学籍号(G/J/L开头)或18位身份证号")] = None,
    school: Annotated[str | None, typer.Option("--school", help="全校每名学生一页(须同时给 --xlsx)")] = None,
    xlsx: Annotated[str | None, typer.Option("--xlsx", metavar="FILE", help="写出可打印的登记表(A4 一页)")] = None,
    force: ForceOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """学生登记表(学籍卡):身份、家庭、入学与全部学籍变动及证明材料,A4 一页;
    转学时随学生转出。打印正式登记表时加 --show-id 显示完整证件号码。"""
    from xueji_cli.cli.usage import Misuse

    if (key is None) == (school is None):
        raise Misuse("给出一名学生 KEY,或用 --school 指定一所学校", ctx)
    if school is not None and not xlsx:
        raise Misuse("全校登记表请同时用 --xlsx FILE 指定文件", ctx)
    with guard(json_out):
        from xueji_cli.excel.sheets import new_file
        from xueji_cli.records.directory import schools as schools_mod
        from xueji_cli.records.directory import students
        from xueji_cli.reports import card as core
        from xueji_cli.values import dates

        if xlsx:
            new_file(xlsx, force, example="学籍卡.xlsx")
        ws = workspace(ctx)
        with ws.store.session() as session:
            if school is not None:
                code = schools_mod.get(session, school).code
                cards = core.school_cards(session, code, show_id)
            else:
                cards = [core.card(session, students.find(session, key), show_id)]
        path = core.write(cards, xlsx, dates.today(), ws.operator) if xlsx and cards else None
        if json_out:
            emit_json({"ok": True, "count": len(cards), "cards": cards,
                       "xlsx": str(path) if path else None})
        elif school is None:
            d = cards[0]
            table(f"学生登记表:{d['name']}", ["项目", "内容"], [
                ["姓名", d["name"]], ["性别", d["gender"]], ["出生日期", d["birth_date"]],
                ["民族", d["ethnicity"]], ["证件", f"{d['id_type']} {d['id_number']}"],
                ["学校", f"{d['school']} {d['school_name']}"],
                ["学籍号", d["local_number"] or "(临时借读学籍)"], ["全国学籍号", d["national_number"]],
                ["年级班级", f"{d['grade']}年级{d['class']}班"], ["学籍状态", d["status_label"]],
                [d["enrolled_on_label"], d["enrolled_on"]], ["户口所在地", core.shown(d, "hukou_region")],
                ["监护人", f"{d['guardian_name']} {d['guardian_phone']}".strip()],
                ["监护人户口所在地", core.shown(d, "guardian_hukou_region")],
                ["现住址", core.residence(d)],
                ["备注", d["remark"]]])
            table("学籍变动记录", ["日期", "类别", "内容", "原因", "证明材料", "审批 / 经办人"],
                  [[h["date"], h["kind_label"], h["content"], h["reason"], "、".join(h["evidence"]),
                    "; ".join(x for x in h["approvals"] + [h["operator"]] if x)] for h in d["history"]])
        if school is not None and not cards:
            say("该校没有在籍或借读的学生,未写文件。")
        if path:
            say(f"已写入 {path}(共 {len(cards)} 页)"
                + ("" if show_id else ";证件号码已遮盖,打印正式登记表请加 --show-id"))
