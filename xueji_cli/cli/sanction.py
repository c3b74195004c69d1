"""xueji sanction — disciplinary sanctions (纪律处分), recorded minimally because a student
under one does not transfer (TRF-7)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import DateOpt, JsonOpt, KeyArg, ShowIdOpt, parse_date_option
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.views.sanctions import sanction_dict
from xueji_cli.cli.workspace import workspace

Opt = typer.Option


def add(
    ctx: typer.Context,
    key: KeyArg,
    kind: Annotated[str, Opt("--kind", help="处分种类:警告、严重警告、记过、留校察看")],
    reason: Annotated[str, Opt("--reason", help="处分事由")],
    doc_no: Annotated[str | None, Opt("--doc-no", help="处分决定文号")] = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """登记一项纪律处分(处分期间不予办理转学)。"""
    with guard(json_out, subject=key):
        from xueji_cli.records.transfer import sanctions
        from xueji_cli.values import dates

        code = sanctions.parse_kind(kind)
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            sanction, found = sanctions.add(session, key, code, reason, doc_no, effective,
                                            dates.today(), ws.operator)
        if json_out:
            emit_json({"ok": True, **sanction_dict(sanction)})
            return
        say(f"已登记处分 {sanction.case_ref}:{found.person.name} {sanction.label}")


def revoke(
    ctx: typer.Context,
    key: KeyArg,
    reason: Annotated[str, Opt("--reason", help="撤销理由")],
    case: Annotated[str | None, Opt("--case", help="处分编号(该生有多项处分时必填),如 CF2026-0001")] = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """撤销(解除)一项处分。"""
    with guard(json_out, subject=key):
        from xueji_cli.records.transfer import sanctions
        from xueji_cli.values import dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            sanction, found = sanctions.revoke(session, key, case, reason, effective,
                                               dates.today(), ws.operator)
        if json_out:
            emit_json({"ok": True, **sanction_dict(sanction)})
            return
        say(f"已撤销处分 {sanction.case_ref}:{found.person.name} {sanction.label}")


def list_(
    ctx: typer.Context,
    all_: Annotated[bool, Opt("--all", help="连同已撤销的处分")] = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """列出生效中的处分(--all 连同已撤销的)。"""
    with guard(json_out):
        from xueji_cli.records.transfer import sanctions

        ws = workspace(ctx)
        with ws.store.session() as session:
            rows = [sanction_dict(*row, reveal=show_id) for row in sanctions.listing(session, all_)]
        if json_out:
            emit_json({"ok": True, "count": len(rows), "sanctions": rows})
            return
        if not rows:
            say("没有生效中的处分。" if not all_ else "没有处分记录。")
            return
        table("处分登记", ["编号", "学籍号", "姓名", "学校", "年级班级", "处分", "日期", "事由", "文号", "状态"],
              [[r["case"], r["local_number"], r["name"], f"{r['school']} {r['school_name']}",
                f"{r['grade']}年级{r['class']}班", r["kind_label"], r["given_on"], r["reason"] or "",
                r["doc_no"] or "", "生效中" if r["in_force"] else f"已撤销 {r['revoked_on']}"]
               for r in rows])
