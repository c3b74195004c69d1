"""xueji correct / undo — mend a person's data with evidence (ENR-6, NUM-5), or reverse a
mistaken journal entry with a correcting entry, never a delete (CHG-3)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.after_commit import record_saved
from xueji_cli.cli.options import DateOpt, JsonOpt, KeyArg, ShowIdOpt, parse_date_option
from xueji_cli.cli.output import guard
from xueji_cli.cli.workspace import workspace

Opt = typer.Option


def correct(
    ctx: typer.Context,
    key: KeyArg,
    name: Annotated[str | None, Opt("--name", help="更正后的姓名(须有证明材料,ENR-6)")] = None,
    id_number: Annotated[str | None, Opt("--id-number", help="更正后的18位身份证号;全国学籍号随之改为 G+新号 (NUM-5)")] = None,
    birth: Annotated[str | None, Opt("--birth", help="更正后的出生日期")] = None,
    gender: Annotated[str | None, Opt("--gender", help="更正后的性别:男/女")] = None,
    evidence: Annotated[list[str] | None, Opt("--evidence", metavar="材料",
                                              help="查验过的证明材料,可重复(必填),如 户口簿")] = None,
    reason: Annotated[str | None, Opt("--reason", help="更正原因")] = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """信息更正:改正姓名、身份证号、出生日期或性别,须登记证明材料并重新查重(一人一籍);
    原来的值保留在变动记录中。身份证号更正后全国学籍号随之改为 G+新身份证号。"""
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle import corrections
        from xueji_cli.values import dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = corrections.correct(
                session, ws.settings, key, name=name, gender=gender, birth=birth, id_number=id_number,
                evidence=evidence, reason=reason, effective=effective,
                today=dates.today(), operator=ws.operator)
            names = regions.load(session)
        with record_saved("已更正", done.found, json_out):
            render_change("已更正", done.found, done.entries, done.old, done.new, done.warnings,
                          json_out, show_id, {"records_changed": len(done.entries)}, names)


def undo(
    ctx: typer.Context,
    entry: Annotated[int, typer.Argument(metavar="ENTRY",
                                         help="要撤销的变动序号(见 xueji log 或 xueji student show)")],
    reason: Annotated[str, Opt("--reason", help="撤销原因(必填),如 录入错误")],
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """撤销一条办错的学籍变动:另记一条撤销记录,把该变动改动的内容恢复原状,
    原记录保留不删。其后还有依赖它的变动时拒绝,并列出这些变动。撤销入学后学籍号保留不再使用。"""
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle import undo as undo_mod
        from xueji_cli.values import dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = undo_mod.undo(session, ws.settings, entry, reason, effective, dates.today(),
                                 ws.operator)
            details = next(e for e in done.entries if e.corrects == entry).details
            names = regions.load(session)
        with record_saved(f"已撤销变动 #{entry}", done.found, json_out):
            render_change(f"已撤销 #{entry}", done.found, done.entries, details["old"],
                          details["new"], [], json_out, show_id,
                          {"undone": entry, "undone_kind": done.target.kind}, names)
