"""xueji report stats / verify — statistics on any day, and the September stamp list
(验章名册, REP-3) with the semester headcount check sheet (学籍核对表, REP-2)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import (
    ForceOpt,
    JsonOpt,
    LimitOpt,
    OffsetOpt,
    ShowIdOpt,
    parse_date_option,
)
from xueji_cli.cli.output import console, emit_json, guard, say, table
from xueji_cli.cli.streams import PAGE, page_caption
from xueji_cli.cli.workspace import workspace

AsOfOpt = Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="统计截至哪一天(默认今天)")]


def stats(ctx: typer.Context, as_of: AsOfOpt = None, json_out: JsonOpt = False,
          show_id: ShowIdOpt = False) -> None:
    """统计:各校各年级各班在籍、男女、在校、休学、借读人数;超班额的班 (ENR-5);
    各年级休学比例 (SUS-5);不足龄入学及其承诺书 (ENR-1);缺少证明材料的学籍。"""
    with guard(json_out):
        from xueji_cli.reports.stats import build_stats
        from xueji_cli.values import dates

        day = parse_date_option(as_of, "as_of") if as_of else dates.today()
        ws = workspace(ctx)
        result = build_stats(ws.store, ws.settings, day, show_id)
        if json_out:
            emit_json(result.as_document())
            return
        heads = result.headcounts
        table(f"在籍人数(截至 {day:%Y-%m-%d})",
              ["学校", "年级", "班级", "在籍", "男", "女", "在校", "休学", "外出借读", "借读来"],
              [[f"{h['school']} {h['school_name']}", h["grade"], h["class"], h["register"], h["male"],
                h["female"], h["at_school"], h["suspended"], h["borrowed_out"], h["borrowing_here"]]
               for h in heads] + [["合计", "", "", *(sum(h[k] for h in heads) for k in (
                   "register", "male", "female", "at_school", "suspended", "borrowed_out",
                   "borrowing_here"))]])
        if result.over_cap:
            table("超过班额的班 (ENR-5)", ["学校", "年级", "班级", "在校", "班额"],
                  [[f"{h['school']} {h['school_name']}", h["grade"], h["class"], h["at_school"], h["cap"]]
                   for h in result.over_cap])
        else:
            say("没有超过班额的班 (ENR-5)。")
        table("各年级休学比例 (SUS-5)", ["学校", "年级", "在籍", "休学", "比例", "上限", ""],
              [[f"{s['school']} {s['school_name']}", s["grade"], s["register"], s["suspended"],
                f"{s['share']:.1%}", f"{s['limit']:.0%}", "超过上限" if s["over"] else ""]
               for s in result.suspension_share])
        if result.borrowing:
            table("借读", ["学校", "来本校借读", "外出借读"],
                  [[f"{b['school']} {b['school_name']}", b["borrowing_here"], b["borrowed_out"]]
                   for b in result.borrowing])
        if result.underage:
            table("不足龄入学 (ENR-1)", ["学校", "学籍号", "姓名", "出生日期", "入学年份", "承诺书", "问题"],
                  [[u["school"], u["local_number"] or "", u["name"], u["birth_date"], u["entry_year"],
                    u["commitment"] or "", u["problem"] or ""] for u in result.underage])
        if result.missing_evidence:
            table("缺少证明材料的学籍", ["学校", "学籍号", "姓名", "规则", "缺少"],
                  [[m["school"], m["local_number"] or "(借读)", m["name"], m["rule"], "、".join(m["missing"])]
                   for m in result.missing_evidence])
        else:
            say("所有学籍的证明材料齐全。")


def verify(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="验章年份,默认本学年(如 2026)")] = None,
    school: Annotated[str | None, typer.Option("--school", help="只做一所学校(学校代码)")] = None,
    xlsx: Annotated[str | None, typer.Option("--xlsx", metavar="FILE",
                                             help="写出可打印的验章名册与学籍核对表")] = None,
    force: ForceOpt = False,
    limit: LimitOpt = None,
    offset: OffsetOpt = 0,
    all_: Annotated[bool, typer.Option("--all", help="在屏幕上列出验章名册的全部学生(默认只列第一页)")] = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """九月验章名册 (REP-3) 与学期学籍核对表 (REP-2):每校在籍学生逐一列出(新生标明),
    每班在籍、休学、借读与应到人数,留出“实到人数”一栏供核对。屏幕上列出核对表和名册的
    第一页(50人)并给出总数;--all 列出全部,--xlsx 写出可打印的全部名册。"""
    if (xlsx or json_out) and (limit is not None or offset):
        from xueji_cli.cli.usage import Misuse

        raise Misuse("--xlsx、--json 写出全部验章名册,不分页:不与 --limit、--offset 同用", ctx,
                     "去掉 --limit、--offset;分页只用于屏幕")
    if limit is None and not all_:
        limit = PAGE
    with guard(json_out):
        from xueji_cli.records.directory import schools as schools_mod
        from xueji_cli.reports.verify import build_verification
        from xueji_cli.values import dates
        from xueji_cli.values.errors import InputError

        if xlsx:
            from xueji_cli.excel.sheets import new_file

            new_file(xlsx, force, example="验章名册.xlsx")
        today = dates.today()
        ws = workspace(ctx)
        year = year if year is not None else ws.settings.school_year(today)
        if not 1990 <= year <= today.year + 1:
            raise InputError("year", f"验章年份 {year} 不对:应在 1990 至 {today.year + 1} 之间"
                             f"(今天是 {today:%Y-%m-%d})",
                             f"写学年开始的年份,如本学年 --year {ws.settings.school_year(today)}")
        with ws.store.session() as session:
            code = schools_mod.get(session, school).code if school else None
            result = build_verification(session, ws.settings, year, today, code, show_id)
        if xlsx:
            from xueji_cli.reports.verify_sheet import write

            path = write(result, xlsx, ws.settings.name, today)
        if json_out:
            from xueji_cli.cli.streams import write_json

            document = result.as_document()
            write_json({"year": document["year"], "as_of": document["as_of"]}, "schools",
                       _emptied(result.schools), {"classes": document["classes"]})
        else:
            _show(result, offset, limit)
        if result.as_of.year == year and result.as_of.month < 9:
            say(f"提醒:{year}年9月尚未到,名册按截至今天({result.as_of:%Y-%m-%d})的学籍编制", "yellow")
        if xlsx:
            say(f"已写入 {path}(每校一页验章名册,另有一页学籍核对表)")


def _emptied(schools: list[dict]):
    """Each school's list as it is written, then let go (a county's 100 000 pupils)."""
    while schools:
        yield schools.pop(0)


def _show(result, offset: int, limit: int | None) -> None:
    """The check sheet (one line per class), then the stamp list a page at a time: a
    county's 100 000 pupils are not one screen (REP-3's list is printed from --xlsx)."""
    year = result.year
    table("学籍核对表", ["学校", "年级", "班级", "在籍", "休学", "外出借读", "借读来", "应到", "实到"],
          [[f"{c['school']} {c['school_name']}", c["grade"], c["class"], c["register"], c["suspended"],
            c["borrowed_out"], c["borrowing_here"], c["expected"], "____"] for c in result.classes])
    if not result.schools:
        say(f"{year}年9月没有在籍学生。")
        return
    total = sum(len(info["students"]) for info in result.schools)
    end = total if limit is None else offset + limit
    shown, before = 0, 0
    for info in result.schools:
        students = info["students"]
        first, last = max(offset - before, 0), min(end - before, len(students))
        before += len(students)
        if first >= last:
            continue
        shown += last - first
        table(f"{info['school']} {info['school_name']} {year}年学籍验章名册"
              f"(截至 {result.as_of:%Y-%m-%d})",
              ["序号", "学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班级", "新生", "备注"],
              [[n, s["local_number"], s["name"], s["gender"], s["birth_date"], s["id_number"],
                s["grade"], s["class"], "新生" if s["new"] else "", s["note"]]
               for n, s in enumerate(students[first:last], start=first + 1)],
              caption=f"在籍 {info['register']} 人,其中{year}年新生 {info['new_intake']} 人;"
                      f"另有来本校借读 {info['borrowing_here']} 人")
    console().print(page_caption(total, offset, shown), markup=False)
