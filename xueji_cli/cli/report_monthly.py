"""xueji report monthly — the monthly change report (REP-1): the counts of every school
and grade, the month's changes, and the check that the counts add up."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import ForceOpt, JsonOpt, ShowIdOpt
from xueji_cli.cli.output import guard, say, table
from xueji_cli.cli.workspace import workspace
from xueji_cli.values import operators

SCREEN_CHANGES = 100  # changes listed on screen; --xlsx and --json carry all of them

# A submitted month is shown as it went to the bureau, and it was kept with masked IDs.
MASKED_AS_SUBMITTED = ("上报的版本按上报时保存,身份证号和全国学籍号都是遮盖的,--show-id 不能显示完整号码;"
                       "要看完整号码,用 --as-now --show-id(按现在的学籍重新计算)")

SchoolOpt = Annotated[str | None, typer.Option("--school", help="只看一所学校(学校代码)")]
XlsxOpt = Annotated[str | None, typer.Option("--xlsx", metavar="FILE", help="另存为可打印的 Excel 文件")]


def monthly(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="月份,如 2026-10")],
    school: SchoolOpt = None,
    xlsx: XlsxOpt = None,
    submit: Annotated[bool, typer.Option(
        "--submit", help="记录本月月报已上报教育局(日期、经办人、全部数字);此后本月月报按上报版本显示,"
                         "补录的本月变动列入下一个未上报月份的「补报」")] = False,
    resubmit: Annotated[bool, typer.Option(
        "--resubmit", help="重新上报已上报的月份(须用 --reason 说明原因;原版本保留)")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="重新上报的原因")] = None,
    as_now: Annotated[bool, typer.Option(
        "--as-now", help="已上报的月份:按现在的学籍重新计算,并列出与上报数字的差异")] = False,
    force: ForceOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """学籍变动情况月报:各校各年级期初在籍、补报、增减、期末在籍、休学复学、借读、在校,全镇合计,
    本月变动名单;期末人数用两种方法推算并核对,不一致时列出原因并以退出码 1 结束。
    已上报的月份按上报的版本显示(--as-now 看现在的数字及差异)。经办人:环境变量 XUEJI_OPERATOR,
    其次 xueji.toml 的 operator。"""
    with guard(json_out):
        from xueji_cli.excel.sheets import new_file
        from xueji_cli.reports.monthly import document as core
        from xueji_cli.reports.monthly import submission as submissions
        from xueji_cli.reports.monthly.data import build
        from xueji_cli.values import dates
        from xueji_cli.values.errors import InputError

        if xlsx:
            new_file(xlsx, force, example="月报.xlsx")
        if (submit or resubmit) and school:
            raise InputError("school", "上报的是全镇的月报,不能只报一所学校", "去掉 --school")
        if resubmit and not (reason or "").strip():
            raise InputError("reason", "重新上报须说明原因", "如 --resubmit --reason 补录漏报的转出")
        ws = workspace(ctx)
        warnings: list[str] = []
        with ws.store.session(write=submit or resubmit) as session:
            report = build(session, month, dates.today(), school,
                           ws.settings.policy.admit_within_days)
            document = core.as_document(report, show_id)
            held = submissions.latest(session, report.month)
            names = {s.code: s.name for s in report.schools.values()}
            if submit or resubmit:
                held, warnings = submissions.submit(
                    session, report.month, core.as_document(report), ws.operator, dates.today(),
                    reason.strip() if resubmit and reason else None)
                document["submitted"] = submissions.submitted_dict(held)
            elif held is not None and school is None:
                shown_now = document
                document = dict(held.document, submitted=submissions.submitted_dict(held))
                if as_now:
                    document = dict(shown_now, submitted=submissions.submitted_dict(held),
                                    differences_from_submitted=submissions.differences(
                                        held.document, shown_now))
                elif show_id:
                    warnings.append(MASKED_AS_SUBMITTED)
        title = core.title(ws.settings.name, report)
        if xlsx:
            from xueji_cli.reports.monthly.sheet import write

            path = write(document, names, xlsx, title, ws.settings.name, dates.today(),
                         held.operator if held is not None and not as_now else ws.operator)
        if json_out:
            emit_lines(document)
        else:
            _screen(document, names, title)
        for warning in report.warnings + warnings:
            say(f"提醒:{warning}", "yellow")
        if xlsx:
            say(f"已写入 {path}(第1页月报表,第2页变动名单,第3页增减图)")
        if (submit or resubmit) and held is not None:
            say(f"已记录 {report.month} 的月报上报(第 {held.version} 版,{held.submitted_on:%Y-%m-%d})")
        if not document.get("balanced", True):
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


def _screen(document: dict, names: dict, title: str) -> None:
    """The report on screen from its document: the month as computed now, or as it was
    submitted (reports/monthly/submission.py)."""
    submitted = document.get("submitted")
    if submitted:
        say(f"本表为 {submitted['submitted_on']} 上报的版本(第 {submitted['version']} 版"
            + (f",经办人 {signature}" if (signature := operators.signature(submitted["operator"])) else "")
            + ")" + (";以下为按现在学籍重新计算的数字" if "differences_from_submitted" in document else ""))
    rows = []
    for row in document["rows"]:
        code = row["school"]
        rows.append([
            f"{code} {names.get(code, '')}" if code else "全镇合计",
            row["grade"] if row["grade"] is not None else ("小计" if code else ""),
            row["opening"], row["late"]["in"], row["late"]["out"], row["in"]["enrolled"],
            row["in"]["transferred_in"], row["in"]["other"], row["out"]["transferred_out"],
            row["out"]["withdrawn"], row["out"]["died"], row["out"]["graduated"], row["out"]["other"],
            row["closing"], row["out"]["suspended"], row["in"]["resumed"], row["suspended_now"],
            row["borrowed_in"], row["borrowed_out"], row["ended"]["in"] + row["ended"]["out"],
            row["at_school"]])
    table(title, ["学校", "年级", "期初在籍", "补报增", "补报减", "新生入学", "转入", "其他增", "转出",
                  "退学", "死亡", "毕业", "其他减", "期末在籍", "休学", "复学", "期末休学", "借读来",
                  "外出借读", "借读结束", "期末在校"], rows,
          caption="期末在籍 = 期初在籍 + 补报 + 增加 − 减少;休学、复学、借读不改变在籍人数(休学生仍在籍),"
                  "只改变在校人数。其他增减含年级间调动(升级、留级等)。")
    _changes("本月变动名单", document["changes"], names)
    _changes("补报(已上报月份在上报后补录的变动,按实际日期)", document.get("late", []), names)
    differences = document.get("differences_from_submitted")
    if differences is not None:
        table("与上报数字的差异", ["学校", "年级", "项目", "上报", "现在"],
              [[d["school"] or "全镇", d["grade"] or "", d["figure_label"], d["submitted"], d["now"]]
               for d in differences])
        if not differences:
            say("与上报的数字一致。")
    if document["balanced"]:
        say("核对无误:各校各年级 期初在籍 + 补报 + 增加 − 减少 = 期末在籍,与学籍现状一致。")
        return
    if document["differences"]:
        table("核对不一致的行", ["学校", "年级", "期初+增−减", "按学籍现状", "差"],
              [[d["school"], d["grade"], d["expected"], d["closing"], d["difference"]]
               for d in document["differences"]])
    items = document["discrepancies"]
    if items:
        table("造成差异的学籍与变动", ["学校", "年级", "变动序号", "学籍号", "姓名", "问题", "处理办法"],
              [[d["school"] or "", d["grade"] or "", d["entry"] or "", d["local_number"] or "",
                d["name"] or "", d["message"], d["hint"]] for d in items])
    say("月报核对不一致:上面列出了造成差异的学籍或变动,改正后重新生成月报。", "bold red")


def _changes(heading: str, changes: list[dict], names: dict) -> None:
    shown = changes[:SCREEN_CHANGES]
    if shown:
        table(f"{heading}(共 {len(changes)} 条)",
              ["日期", "学校", "学籍号", "姓名", "全国学籍号", "类别", "计入", "原", "现", "原因", "标记"],
              [[c["date"], c["school"] or "", c["local_number"] or "(借读)", c["name"] or "",
                c["national_number"], c["kind_label"], c["column_label"], c["from"], c["to"],
                c["reason"] or "", ";".join(c["flags"])] for c in shown])
    if len(changes) > len(shown):
        say(f"另有 {len(changes) - len(shown)} 条变动未在屏幕上列出;完整名单见 --xlsx 或 --json。")
