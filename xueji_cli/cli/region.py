"""xueji region — the county's statistical region list (统计用区划代码): import it, list
it. With it, a village's or township's name may be typed wherever a region code is asked,
and forms show the names with the codes (records/directory/regions.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import JsonOpt
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.workspace import workspace

LEVEL_LABELS = {"province": "省", "city": "市", "county": "县", "township": "乡镇", "village": "村"}


def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="本县统计用区划代码表(.xlsx/.xls/.csv):区划代码、名称两列")],
    json_out: JsonOpt = False,
) -> None:
    """导入本县的统计用区划代码表(乡镇9位、村12位):全部核对后一次导入,有问题的行一并列出,
    全部不导入;重复导入不变。省、市、县的名称取自 python-stdnum 的区划表。"""
    with guard(json_out, subject="区划表"):
        from pathlib import Path

        from xueji_cli.records.directory import regions

        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = regions.import_file(session, Path(file).expanduser())
        document = {"ok": True, "added": done.added, "renamed": done.renamed,
                    "unchanged": done.unchanged, "counties_skipped": done.counties}
        if json_out:
            emit_json(document)
            return
        say(f"已导入区划表:新增 {done.added} 个,改名 {done.renamed} 个,未变 {done.unchanged} 个"
            + (f";县级 {done.counties} 行未导入(名称取自 python-stdnum 的区划表)"
               if done.counties else ""))


def list_(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(
        metavar="TEXT", help="只列出代码以此开头或名称含有此文字的区划")] = None,
    limit: Annotated[int, typer.Option("--limit", help="最多列出几个(0:全部)")] = 200,
    json_out: JsonOpt = False,
) -> None:
    """列出区划表中的乡镇和村(名称与代码);表中没有时,查 python-stdnum 的省、市、县。"""
    with guard(json_out):
        from xueji_cli.records.directory import regions

        ws = workspace(ctx)
        with ws.store.session() as session:
            rows = regions.listing(session, text)
        if json_out:
            emit_json({"ok": True, "regions": rows})
            return
        if not rows:
            say("区划表中没有" + (f"与「{text}」相符的区划" if text else "区划:用 xueji region import "
                               "本县统计用区划代码.xlsx 导入"))
            return
        shown = rows if limit <= 0 else rows[:limit]
        rest = len(rows) - len(shown)
        table(f"区划({len(rows)} 个)", ["代码", "名称", "级别", "上级"],
              [[r["code"], r["name"], LEVEL_LABELS.get(r["level"], r["level"]),
                f"{r['parent_name'] or ''}({r['parent']})" if r["parent"] else ""] for r in shown],
              caption=f"还有 {rest} 个未列出:加上筛选文字,或用 --limit 0 全部列出" if rest else None)
