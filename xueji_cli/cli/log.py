"""xueji log — the change journal, for one student or a month."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import JsonOpt, ShowIdOpt
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.workspace import workspace


def log(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(
        metavar="KEY", help="只看该生:学籍号、全国学籍号或身份证号")] = None,
    month: Annotated[str | None, typer.Option("--month", help="只看该月,如 2026-09")] = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """学籍变动日志(只增不改;更正以新记录体现)。"""
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
            entries = [entry_dict(e, schools, s, p, show_id)
                       for e, s, p in students.log(session, ids, month)]
        if json_out:
            emit_json({"ok": True, "count": len(entries), "entries": entries})
            return
        if not entries:
            say("没有符合条件的学籍变动。")
            return
        table("学籍变动日志", ["序号", "生效日期", "类别", "学籍号", "姓名", "内容", "原因"],
              [[e["id"], e["effective_date"], e["kind_label"], e["local_number"] or "", e["name"] or "",
                e["sets"] or e["remark"] or "", e["reason"] or ""] for e in entries],
              caption=f"共 {len(entries)} 条(经办人与登记时间见 xueji student show 或 --json)")
