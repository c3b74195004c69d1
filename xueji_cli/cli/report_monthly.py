"""xueji report monthly — the monthly change report (REP-1): the counts of every school
and grade, the month's changes, and the check that the counts add up."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import JsonOpt, ShowIdOpt
from xueji_cli.cli.output import guard, say, table
from xueji_cli.cli.workspace import workspace

SCREEN_CHANGES = 100  # changes listed on screen; --xlsx and --json carry all of them

SchoolOpt = Annotated[str | None, typer.Option("--school", help="只看一所学校(学校代码)")]
XlsxOpt = Annotated[str | None, typer.Option("--xlsx", metavar="FILE", help="另存为可打印的 Excel 文件")]


def monthly(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="月份,如 2026-10")],
    school: SchoolOpt = None,
    xlsx: XlsxOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """学籍变动情况月报:各校各年级期初在籍、增减、期末在籍、休学复学、借读、在校,全镇合计,
    本月变动名单;期末人数用两种方法推算并核对,不一致时列出原因并以退出码 1 结束。"""
    with guard(json_out):
        from xueji_cli.reports.monthly import document as core
        from xueji_cli.reports.monthly.data import build
        from xueji_cli.values import dates

        ws = workspace(ctx)
        with ws.store.session() as session:
            report = build(session, month, dates.today(), school,
                                ws.settings.policy.admit_within_days)
        title = core.title(ws.settings.name, report)
        if xlsx:
            from xueji_cli.reports.monthly.sheet import write

            path = write(report, xlsx, title, ws.settings.name, dates.today(), show_id)
        if json_out:
            emit_lines(core.as_document(report, show_id))
        else:
            _screen(report, title, show_id)
        for warning in report.warnings:
            say(f"提醒:{warning}", "yellow")
        if xlsx:
            say(f"已写入 {path}(第1页月报表,第2页变动名单,第3页增减图)")
        if not report.balanced:
            raise typer.Exit(1)


def emit_lines(document: dict) -> None:
    """The JSON document with one row or change per line: as readable as an indented
    one, and written by the json module's fast encoder (a month of a large township has
    thousands of changes)."""
    import json
    import sys

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    parts = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(dump(item) for item in value)
            parts.append(f"  {dump(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {dump(key)}: {dump(value)}")
    sys.stdout.write("{\n" + ",\n".join(parts) + "\n}\n")


def _screen(report, title: str, reveal: bool) -> None:
    from xueji_cli.reports.monthly import document as core

    rows = []
    for row in core.all_rows(report):
        school = report.schools.get(row.school_id)
        rows.append([
            (f"{school.code} {school.name}" if school else "全镇合计"),
            row.grade if row.grade is not None else ("小计" if school else ""),
            row.opening, row.inc["enrolled"], row.inc["transferred_in"], row.inc["other"],
            row.dec["transferred_out"], row.dec["withdrawn"], row.dec["died"], row.dec["graduated"],
            row.dec["other"], row.closing, row.suspended, row.resumed, row.suspended_now,
            row.borrowed_in, row.borrowed_out, row.ended_in + row.ended_out, row.at_school])
    table(title, ["学校", "年级", "期初在籍", "新生入学", "转入", "其他增", "转出", "退学", "死亡",
                  "毕业", "其他减", "期末在籍", "休学", "复学", "期末休学", "借读来", "外出借读",
                  "借读结束", "期末在校"], rows,
          caption="期末在籍 = 期初在籍 + 增加 − 减少;休学、复学、借读不改变在籍人数(休学生仍在籍),"
                  "只改变在校人数。其他增减含年级间调动(升级、留级等)。")
    changes = [core.change_dict(report, c, reveal) for c in report.changes]
    shown = changes[:SCREEN_CHANGES]
    if shown:
        table(f"本月变动名单(共 {len(changes)} 条)",
              ["日期", "学校", "学籍号", "姓名", "全国学籍号", "类别", "计入", "原", "现", "原因", "标记"],
              [[c["date"], c["school"] or "", c["local_number"] or "(借读)", c["name"] or "",
                c["national_number"], c["kind_label"], c["column_label"], c["from"], c["to"],
                c["reason"] or "", ";".join(c["flags"])] for c in shown])
    if len(changes) > len(shown):
        say(f"另有 {len(changes) - len(shown)} 条变动未在屏幕上列出;完整名单见 --xlsx 或 --json。")
    if report.balanced:
        say("核对无误:各校各年级 期初在籍 + 增加 − 减少 = 期末在籍,与学籍现状一致。")
        return
    if report.cell_differences:
        table("核对不一致的行", ["学校", "年级", "期初+增−减", "按学籍现状", "差"],
              [[d["school"], d["grade"], d["expected"], d["closing"], d["difference"]]
               for d in (core.difference_dict(report, r) for r in report.cell_differences)])
    items = [core.discrepancy_dict(report, d) for d in report.discrepancies]
    if items:
        table("造成差异的学籍与变动", ["学校", "年级", "变动序号", "学籍号", "姓名", "问题", "处理办法"],
              [[d["school"] or "", d["grade"] or "", d["entry"] or "", d["local_number"] or "",
                d["name"] or "", d["message"], d["hint"]] for d in items])
    say("月报核对不一致:上面列出了造成差异的学籍或变动,改正后重新生成月报。", "bold red")
