"""xueji report roster — the numbered roster (花名册), on screen or as a printable workbook
in the plain or the national template's columns (reports/roster.py)."""

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
from xueji_cli.cli.output import console, emit_json, guard, say
from xueji_cli.cli.streams import PAGE, page_caption, show_pages
from xueji_cli.cli.workspace import workspace

TEMPLATES = {"plain": "本地花名册", "national": "全国学籍系统学生信息模板"}


def roster(
    ctx: typer.Context,
    school: Annotated[str | None, typer.Option("--school", help="学校代码(默认:全部学校)")] = None,
    grade: Annotated[str | None, typer.Option("--grade", help="年级")] = None,
    class_: Annotated[str | None, typer.Option("--class", help="班号")] = None,
    xlsx: Annotated[str | None, typer.Option(
        "--xlsx", metavar="FILE", help="写入 Excel 文件(含完整身份证号;A4 横向,可打印验章)")] = None,
    force: ForceOpt = False,
    template: Annotated[str, typer.Option(
        "--template", help="plain 本地花名册;national 全国学籍系统学生信息模板的列,另加学籍号等")] = "plain",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE",
        help="某一天的花名册:按变动日志还原当天在校的学生及其学校、年级、班级(默认今天的现状)")] = None,
    limit: LimitOpt = None,
    offset: OffsetOpt = 0,
    all_: Annotated[bool, typer.Option("--all", help="在屏幕上逐页列出全部(默认只列第一页)")] = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """编号花名册:在校学生按学校、年级、班级、学籍号排列;--xlsx 写成可打印、可再导入的表格;
    --as-of 为过去某一天的花名册。屏幕上先列第一页(50人)并给出总数;--all 列出全部。"""
    if xlsx and (limit is not None or offset):
        from xueji_cli.cli.usage import Misuse

        raise Misuse("--xlsx 写出全部在校学生,不分页:不与 --limit、--offset 同用", ctx,
                     "去掉 --limit、--offset;分页只用于屏幕和 --json")
    if limit is None and not (all_ or json_out or xlsx):
        limit = PAGE
    with guard(json_out):
        from xueji_cli.records.directory import regions
        from xueji_cli.records.directory import schools as schools_mod
        from xueji_cli.reports import roster as roster_report
        from xueji_cli.values import dates, fields
        from xueji_cli.values.errors import InputError

        if xlsx:
            from xueji_cli.excel.sheets import new_file

            new_file(xlsx, force)
        day = parse_date_option(as_of, "as_of") if as_of is not None else None
        if day is not None and day > dates.today():
            raise InputError("as_of", f"--as-of {day:%Y-%m-%d} 还没有到(今天是 {dates.today():%Y-%m-%d})",
                             "过去某一天的花名册写那一天;今天的花名册不写 --as-of")

        if template not in TEMPLATES:
            raise InputError("template", f"没有「{template}」这种花名册格式",
                             "可选:plain(本地花名册)、national(全国学籍系统模板列)")
        try:
            grade_no = fields.grade(grade) if grade is not None else None
            class_no = fields.class_no(class_) if class_ is not None else None
        except ValueError as exc:
            raise InputError("grade" if grade and "年级" in str(exc) else "class", str(exc)) from None
        code = schools_mod.normalise_code(school) if school else None
        layout = roster_report.layout(template)
        ws = workspace(ctx)
        with ws.store.session() as session:
            where = f"{code} {schools_mod.get(session, code).name}" if code else ws.settings.name
            if day is None:
                result = roster_report.query(session, code, grade_no, class_no, limit, offset)
                total = None  # counted below when the page may not show them all
            else:
                result = roster_report.query_as_of(session, day, code, grade_no, class_no)
                total = len(result)
                result = roster_report.page(result, limit, offset)
            subtitle = where + "".join(
                part for part, value in ((f" {grade_no}年级", grade_no), (f" {class_no}班", class_no))
                if value is not None) + (f"(截至 {day:%Y-%m-%d})" if day is not None else "")
            if xlsx:
                from pathlib import Path

                from xueji_cli.excel.sheets import sign_line
                from xueji_cli.reports.roster_sheets import write_roster

                labels = regions.load(session).labels()
                national = template == "national"  # its header in row 1, for the import
                path, count = write_roster(
                    Path(xlsx), None if national else f"{layout.title}  {subtitle}", layout,
                    roster_report.rows(result, layout, labels,
                                       schools_mod.national_ids(session) if national else None),
                    None if national else sign_line(dates.today(), "学校(盖章)", "验章人"))
            else:
                records = list(roster_report.rows(result, layout, first=offset + 1))
                count = len(records)
                if total is None and (offset or count == limit or (json_out and limit)):
                    total = roster_report.count(session, code, grade_no, class_no)
        if xlsx:
            if json_out:
                emit_json({"ok": True, "file": str(path), "count": count, "template": template,
                           "as_of": day.isoformat() if day else None})
            else:
                say(f"已写入 {path}:{subtitle} 在校学生 {count} 人({TEMPLATES[template]})。")
            return
        _show(layout, records, subtitle, json_out, show_id, day,
              len(records) if total is None else total, offset, limit is not None or offset)


def _show(layout, records: list[list], subtitle: str, json_out: bool, show_id: bool,
          day, total: int, offset: int, paged: bool) -> None:
    """On screen a page (`total`: how many there are in all); in --json every row, or the
    page asked for with the total (`paged`)."""
    from xueji_cli.values.privacy import show

    masked = {i for i, key in enumerate(layout.keys)
              if key in ("id_number", "national_number") or key.endswith(".id_number")}
    for values in records:
        for i in masked:
            values[i] = show(values[i], show_id, national=layout.keys[i] == "national_number")
    if json_out:
        emit_json({"ok": True, "count": len(records), **({"total": total} if paged else {}),
                   "title": subtitle,
                   "as_of": day.isoformat() if day else None,
                   "columns": layout.headers, "rows": records})
        return
    if not total:
        say("没有符合条件的在校学生" + (f"({day:%Y-%m-%d})" if day else "") + "。")
        return
    screen = [i for i, key in enumerate(layout.keys) if key in SCREEN_KEYS]
    shown = show_pages(f"{layout.title}:{subtitle}", [layout.headers[i] for i in screen],
                       ([values[i] for i in screen] for values in records))
    console().print(page_caption(total, offset, shown), markup=False)


SCREEN_KEYS = ("seq", "record.local_number", "name", "gender", "birth", "id_number",
               "record.school", "grade", "class_no", "guardian_name")
