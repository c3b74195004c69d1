"""xueji student show / list — look up records: one student's card with history, or a
list. (`student card`, the registration form, is cli/student_card.py.)"""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import CsvOpt, JsonOpt, KeyArg, LimitOpt, OffsetOpt, ShowIdOpt, convert
from xueji_cli.cli.output import console, emit_json, guard, say, table
from xueji_cli.cli.streams import PAGE, exclusive, page_caption, show_pages, write_csv, write_json
from xueji_cli.cli.workspace import workspace


def show(ctx: typer.Context, key: KeyArg, json_out: JsonOpt = False, show_id: ShowIdOpt = False) -> None:
    """学籍卡:个人信息、学籍(含已注销的)与全部变动记录。"""
    with guard(json_out):
        from xueji_cli.cli.views import loans as loan_view
        from xueji_cli.cli.views.entries import entry_dict
        from xueji_cli.cli.views.records import card_rows, record_dict
        from xueji_cli.cli.views.transfers import CASE_COLUMNS, case_table_rows, student_cases
        from xueji_cli.records.directory import regions, students

        ws = workspace(ctx)
        with ws.store.session() as session:
            current = students.find(session, key)
            everything = students.records_for(session, key) if current.person.id_number is None \
                else students.records_for(session, current.person.id_number)
            # the record the KEY names first (a child lent inside the directory has two)
            everything.sort(key=lambda f: f.student.id != current.student.id)
            ids = [f.student.id for f in everything]
            schools = students.schools_by_id(session)
            entries = [entry_dict(e, schools) for e in students.history(session, ids)]
            names = regions.load(session)
            records = [record_dict(f.student, f.person, f.school, show_id, names)
                       for f in everything]
            loans = loan_view.loans_for(session, ws.settings, ids, show_id)
            cases = student_cases(session, ids)  # the transfer cases, step by step
        if show_id:
            from xueji_cli.records.directory import access

            access.note(ws, "student show", [f.student for f in everything])
        if json_out:
            emit_json({"ok": True, **records[0], "records": records, "history": entries,
                       "borrowing": loans, "transfer_cases": cases})
            return
        table(f"学籍卡:{records[0]['name']}", ["项目", "内容"], card_rows(records[0]))
        if cases:
            table("转学案件", CASE_COLUMNS, case_table_rows(cases))
        if len(records) > 1:
            table("该生的全部学籍", ["学籍号", "学校", "年级班级", "状态"],
                  [[r["local_number"] or "(借读)", f"{r['school']} {r['school_name']}",
                    f"{r['grade']}年级{r['class']}班", r["status_label"]] for r in records])
        table("学籍变动", ["序号", "生效日期", "类别", "内容", "原因", "证明材料", "备注", "经办人", "登记时间"],
              [[e["id"], e["effective_date"], e["kind_label"], e["sets"] or e["to_school"] or "",
                e["reason"] or "", "、".join(e["evidence"]), e["remark"] or "", e["operator"],
                e["recorded_at"]] for e in entries])
        loan_view.show_card(loans)


def list_(
    ctx: typer.Context,
    school: Annotated[str | None, typer.Option("--school", help="学校代码")] = None,
    grade: Annotated[str | None, typer.Option("--grade", help="年级")] = None,
    class_: Annotated[str | None, typer.Option("--class", help="班号")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="学籍状态,如 在校(active)、休学(suspended)、已转出(transferred_out)")] = None,
    name: Annotated[str | None, typer.Option("--name", help="姓名或姓名中的几个字,如 婷婷")] = None,
    limit: LimitOpt = None,
    offset: OffsetOpt = 0,
    all_: Annotated[bool, typer.Option("--all", help="在屏幕上逐页列出全部(默认只列第一页)")] = False,
    csv_out: CsvOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """列出学生(默认全部学籍;用 --status 在校 只看在校生,--name 按姓名查找)。
    屏幕上先列第一页(50人)并给出总数;--all 列出全部,--csv/--json 输出全部(可加 --limit)。"""
    exclusive(csv_out, json_out)
    with guard(json_out):
        from xueji_cli.records.directory import plain_list
        from xueji_cli.values import fields
        from xueji_cli.values.school_codes import normalise_code

        grade_no = convert("grade", fields.grade, grade)
        class_no = convert("class", fields.class_no, class_)
        code = normalise_code(school) if school else None
        status_key = plain_list.parse_status(status) if status else None
        filters = (code, grade_no, class_no, status_key, name)
        ws = workspace(ctx)
        if csv_out:
            _export(ws, filters, limit, offset, show_id)
            return
        if limit is None and not (all_ or json_out):
            limit = PAGE
        from xueji_cli.records.directory import schools as schools_mod
        from xueji_cli.records.directory import students

        with ws.store.session() as session:
            if code:
                schools_mod.get(session, code)
            counts = students.tally(session, *filters)
            if show_id:
                _note_shown(ws, session, filters, limit, offset)
            found = students.listed(session, *filters, limit=limit, offset=offset)
            _render(session, counts, limit, offset, found, show_id, json_out)


def _export(ws, filters, limit: int | None, offset: int, show_id: bool) -> None:
    """--csv: every record by the filters (or `limit` of them), read as plain rows
    (store/reading: sqlite3 alone on SQLite) and written as they are read."""
    from xueji_cli.cli.views.records import CSV_HEADER, csv_rows
    from xueji_cli.records.directory import plain_list
    from xueji_cli.store.reading import reading

    with reading(ws.store) as reader:
        if filters[0]:
            plain_list.require_school(reader, filters[0])
        if show_id:
            with ws.store.session() as session:
                _note_shown(ws, session, filters, limit, offset)
        write_csv(CSV_HEADER, csv_rows(plain_list.rows(reader, *filters, limit=limit, offset=offset),
                                       show_id))


def _note_shown(ws, session, filters, limit, offset) -> None:
    """--show-id: the access note names every record about to be shown, before any is."""
    from xueji_cli.records.directory import access, students

    shown = [f.student for f in students.listed(session, *filters, limit=limit, offset=offset)]
    if shown:
        access.note(ws, "student list", shown)


def _render(session, counts: dict[str, int], limit: int | None, offset: int, found, show_id: bool,
            json_out: bool) -> None:
    from xueji_cli.cli.views.records import LIST_COLUMNS, list_row, record_dict
    from xueji_cli.records.directory import regions

    names = regions.load(session)
    records = (record_dict(f.student, f.person, f.school, show_id, names) for f in found)
    total = sum(counts.values())
    if json_out:
        count = max(0, min(total - offset, total if limit is None else limit))
        paged = {"total": total} if limit is not None or offset else {}
        write_json({"ok": True, "count": count, **paged}, "students", records)
        return
    shown = show_pages(None, LIST_COLUMNS, (list_row(r) for r in records))
    if not total:
        say("没有符合条件的学生。")
        return
    at_school, suspended = counts.get("active", 0), counts.get("suspended", 0)  # suspended: on the register, not at school
    head = (f"共 {total} 人,其中在校 {at_school} 人"
            + (f",休学 {suspended} 人(在籍不在校)" if suspended else ""))
    console().print(page_caption(total, offset, shown, head, ways="--all 显示全部,--csv 导出"),
                    markup=False)
