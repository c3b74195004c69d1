"""xueji log — the change journal, for one student or a month."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import CsvOpt, JsonOpt, LimitOpt, ShowIdOpt
from xueji_cli.cli.output import console, guard, say
from xueji_cli.cli.streams import exclusive, show_pages, write_csv, write_json
from xueji_cli.cli.workspace import workspace


def log(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(
        metavar="KEY", help="只看该生:学籍号、全国学籍号或身份证号")] = None,
    month: Annotated[str | None, typer.Option("--month", help="只看该月,如 2026-09")] = None,
    limit: LimitOpt = None,
    csv_out: CsvOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """学籍变动日志(只增不改;更正以新记录体现)。--csv/--json 逐条输出全部(可加 --limit)。"""
    exclusive(csv_out, json_out)
    with guard(json_out):
        from xueji_cli.cli.views.entries import entry_dict
        from xueji_cli.records.directory import students

        ws = workspace(ctx)
        with ws.store.session() as session:
            ids = None
            if key:
                current = students.find(session, key)
                person_key = current.person.id_number or key
                ids = [f.student.id for f in students.records_for(session, person_key)]
            schools = students.schools_by_id(session)
            total = students.log_count(session, ids, month)
            count = total if limit is None else min(limit, total)
            entries = (entry_dict(e, schools, s, p, show_id)
                       for e, s, p in students.log(session, ids, month, limit))
            if json_out:
                write_json({"ok": True, "count": count}, "entries", entries)
            elif csv_out:
                write_csv([header for header, _ in CSV_FIELDS], ([e[key] for _, key in CSV_FIELDS]
                                                               for e in entries))
            elif not total:
                say("没有符合条件的学籍变动。")
            else:
                show_pages("学籍变动日志", COLUMNS, (
                    [e["id"], e["effective_date"], e["kind_label"], e["local_number"] or "", e["name"] or "",
                     e["sets"] or e["remark"] or "", e["reason"] or ""] for e in entries))
                console().print(f"共 {total} 条" + (f",显示前 {count} 条" if count < total else "")
                                + "(经办人与登记时间见 xueji student show 或 --json)", markup=False)


COLUMNS = ["序号", "生效日期", "类别", "学籍号", "姓名", "内容", "原因"]
CSV_FIELDS = (("序号", "id"), ("生效日期", "effective_date"), ("类别", "kind_label"),
              ("全国变动代码", "national_code"), ("学校代码", "school"), ("学籍号", "local_number"),
              ("姓名", "name"), ("内容", "sets"), ("原因", "reason"), ("证明材料", "evidence"),
              ("转出学校", "from_school"), ("转入学校", "to_school"), ("备注", "remark"),
              ("经办人", "operator"), ("登记时间", "recorded_at"), ("更正", "corrects"),
              ("案件", "case_ref"))

