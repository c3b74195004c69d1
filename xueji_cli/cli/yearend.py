"""xueji promote / graduates / skip-grade / class-change — the school year's turn and the
grade and class changes of one student (CHG-1, ENR-5)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xueji_cli.cli.after_commit import after_commit, record_saved
from xueji_cli.cli.options import (
    CapDecisionOpt,
    DateOpt,
    DryRunOpt,
    ForceOpt,
    JsonOpt,
    KeyArg,
    ShowIdOpt,
    convert,
    parse_date_option,
)
from xueji_cli.cli.output import emit_json, guard, say, show_warnings, table
from xueji_cli.cli.workspace import workspace

Opt = typer.Option
OUTCOME = {"promote": "升级", "graduate": "毕业", "repeat": "留级", "kept": "休学,保留原年级"}


def _roster_path(ws, roster: str | None, year: int, school: str | None) -> Path:
    if roster:
        return Path(roster).expanduser()
    suffix = f"-{school}" if school else ""
    return ws.directory / f"毕业生花名册-{year}学年{suffix}.xlsx"


def _new_roster(path: Path, force: bool, field: str) -> None:
    from xueji_cli.excel.sheets import new_file

    new_file(path, force, field, example="毕业生花名册.xlsx")


def _save(rows: list[dict], year: int, path: Path, operator: str) -> Path:
    from xueji_cli.records.lifecycle import graduates
    from xueji_cli.values.errors import InputError

    again = f"换一个可写的位置;随时可用 xueji graduates --year {year} --out 路径 重新生成"
    try:
        return graduates.write(rows, year, path, operator)
    except InputError as exc:  # excel/sheets.save: the place cannot be written
        raise InputError("roster", f"毕业生花名册{exc.message}", again) from None


def _aside(aside, reveal: bool) -> dict:
    from xueji_cli.values.privacy import show

    s, p = aside.found.student, aside.found.person
    return {"local_number": s.local_number, "national_number": show(s.national_number, reveal, True),
            "name": p.name, "school": aside.found.school.code, "grade": s.grade,
            "class": s.class_no, "status": s.status, "why": aside.why}


def promote(
    ctx: typer.Context,
    year: Annotated[int, Opt("--year", help="学年开始的年份:2026 即 2026—2027学年(于2027年夏办理)")],
    school: Annotated[str | None, Opt("--school", help="只办理这所学校(默认本目录全部学校)")] = None,
    hold: Annotated[list[str] | None, Opt("--hold", metavar="KEY",
                                          help="留级学生(学籍号等),可重复;每个后跟一个 --reason")] = None,
    reason: Annotated[list[str] | None, Opt("--reason", help="对应 --hold 的留级原因,可重复")] = None,
    roster: Annotated[str | None, Opt("--roster", metavar="PATH",
                                      help="毕业生花名册 xlsx 的保存位置(默认在学籍目录中)")] = None,
    date: DateOpt = None,
    dry_run: Annotated[bool, Opt("--dry-run", help="只检查并列出结果,不写入")] = False,
    force: ForceOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """学年升级与毕业:在籍学生升入下一年级,毕业年级(小学6、初中9、高中12,见 xueji.toml
    grades)毕业并生成毕业生花名册;--hold 指明的学生留级;休学学生保留原年级(SUS-3);
    外出借读学生在本校升级毕业(BOR-5);来本校借读的学生由原学校办理。
    每人一条变动记录,全部在一个事务中写入;同一学年不能升级两次。"""
    with guard(json_out):
        from xueji_cli.records.lifecycle import graduates, yearend
        from xueji_cli.values import dates
        from xueji_cli.values.errors import InputError

        holds, reasons = hold or [], reason or []
        if len(holds) != len(reasons):
            raise InputError("hold", f"给了 {len(holds)} 个 --hold 和 {len(reasons)} 个 --reason",
                             "每个 --hold 学生后面跟一个 --reason 留级原因")
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            plan = yearend.plan(session, ws.settings, year, school, list(zip(holds, reasons)),
                                effective, dates.today())
            if not dry_run:  # before the commit: the turn is not left without its roster
                _new_roster(_roster_path(ws, roster, year, school), force, "roster")
                yearend.execute(session, plan, ws.operator)
        if dry_run:
            _report_turn(plan, None, dry_run, json_out, show_id)
            return
        saved = (f"{year}—{year + 1}学年升级毕业已办理完毕(升级 {len(plan.of('promote'))} 人,"
                 f"毕业 {len(plan.of('graduate'))} 人,留级 {len(plan.of('repeat'))} 人)")
        again = f"xueji graduates --year {year}" + (f" --school {school}" if school else "")
        log = f"用 xueji log --month {effective:%Y-%m} 查看本次升级的记录"
        with after_commit(saved, *(("毕业生花名册未能生成", f"用 {again} --out 路径 生成毕业生花名册;{log}")
                                   if plan.of("graduate") else ("结果未能显示", log)), json_out):
            written = None
            if plan.of("graduate"):
                with ws.store.session() as session:
                    rows = graduates.rows(session, year, school)
                written = _save(rows, year, _roster_path(ws, roster, year, school), ws.operator)
            _report_turn(plan, written, dry_run, json_out, show_id)


def _report_turn(plan, written, dry_run: bool, json_out: bool, show_id: bool) -> None:
    """What the turn did (or, with --dry-run, would do), and where the roster went."""
    from xueji_cli.records.lifecycle import yearend

    document = {
        "ok": True, "dry_run": dry_run, "year": plan.year,
        "effective_date": plan.effective.isoformat(), "schools": [s.code for s in plan.schools],
        "counts": {"promoted": len(plan.of("promote")), "graduated": len(plan.of("graduate")),
                   "repeating": len(plan.of("repeat")), "kept": len(plan.kept),
                   "not_ours": len(plan.not_ours), "next_year": len(plan.later)},
        "rows": plan.rows(),
        "held": [_aside(yearend.Aside(s.found, s.reason or ""), show_id) for s in plan.of("repeat")],
        "kept": [_aside(a, show_id) for a in plan.kept],
        "not_ours": [_aside(a, show_id) for a in plan.not_ours],
        "next_year": [_aside(a, show_id) for a in plan.later],
        "roster": str(written) if written else None,
        "warnings": [w.as_dict() for w in plan.warnings],
    }
    if json_out:
        emit_json(document)
        return
    show_warnings(plan.warnings)
    _show_plan(plan, document, dry_run)
    if written:
        say(f"毕业生花名册({len(plan.of('graduate'))} 人)已保存:{written}")


def _show_plan(plan, document: dict, dry_run: bool) -> None:
    title = f"{plan.year}—{plan.year + 1}学年升级与毕业,生效日期 {plan.effective:%Y-%m-%d}"
    rows = [[f"{r['school']} {r['school_name']}", f"{r['grade']}年级", OUTCOME[r["outcome"]],
             f"{r['to_grade']}年级" if r["outcome"] in ("promote", "repeat", "kept") else "—",
             r["count"], r["borrowed_out"] or ""] for r in document["rows"]]
    if rows:
        table(title + ("(预览,未写入)" if dry_run else ""),
              ["学校", "原年级", "结果", "新学年年级", "人数", "其中外出借读"], rows)
    for label, items in (("留级", document["held"]), ("休学中,保留原年级 (SUS-3)", document["kept"]),
                         ("来本校借读,由原学校办理 (BOR-5)", document["not_ours"]),
                         ("已编入下一学年,不参加本次升级", document["next_year"])):
        if items:
            table(label, ["学籍号", "姓名", "学校", "年级班级", "说明"],
                  [[i["local_number"] or "(借读)", i["name"], i["school"],
                    f"{i['grade']}年级{i['class']}班", i["why"]] for i in items])
    c = document["counts"]
    verb = "将" if dry_run else "已"
    say(f"{verb}升级 {c['promoted']} 人,毕业 {c['graduated']} 人,留级 {c['repeating']} 人;"
        f"休学保留原年级 {c['kept']} 人" + ("。检查通过,未写入。" if dry_run else "。"))


def graduates_cmd(
    ctx: typer.Context,
    year: Annotated[int, Opt("--year", help="学年开始的年份,如 2026")],
    school: Annotated[str | None, Opt("--school", help="只要这所学校")] = None,
    out: Annotated[str | None, Opt("--out", metavar="PATH", help="xlsx 保存位置(默认在学籍目录中)")] = None,
    force: ForceOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """毕业生花名册:按学籍变动日志重新生成某学年的毕业生名单(xlsx,每校一页)。"""
    with guard(json_out):
        from xueji_cli.records.lifecycle import graduates
        from xueji_cli.values.privacy import show

        ws = workspace(ctx)
        with ws.store.session() as session:
            if school:
                from xueji_cli.records.directory import schools as schools_mod

                school = schools_mod.get(session, school).code
            rows = graduates.rows(session, year, school)
        if rows:
            _new_roster(_roster_path(ws, out, year, school), force, "out")
        if not rows:
            say(f"{year}—{year + 1}学年没有毕业记录(先办理 xueji promote --year {year})。")
            if json_out:
                emit_json({"ok": True, "year": year, "count": 0, "graduates": [], "roster": None})
            return
        path = _save(rows, year, _roster_path(ws, out, year, school), ws.operator)
        if json_out:
            emit_json({"ok": True, "year": year, "count": len(rows), "roster": str(path),
                       "graduates": [{**r, "birth_date": r["birth_date"].isoformat(),
                                      "graduated_on": r["graduated_on"].isoformat(),
                                      "id_number": show(r["id_number"], show_id),
                                      "national_number": show(r["national_number"], show_id, True)}
                                     for r in rows]})
            return
        table(f"{year}—{year + 1}学年毕业生", ["学校", "班级", "学籍号", "姓名", "性别", "毕业日期"],
              [[r["school"], f"{r['class']}班", r["local_number"], r["name"], r["gender"],
                f"{r['graduated_on']:%Y-%m-%d}"] for r in rows])
        say(f"毕业生花名册({len(rows)} 人)已保存:{path}")


def skip_grade(
    ctx: typer.Context,
    key: KeyArg,
    to: Annotated[str, Opt("--to", help="跳入的年级,如 4")],
    approval: Annotated[str | None, Opt("--approval", metavar="DOC",
                                        help="县(市)教育局的批准文件(文号),跳级必须有 (CHG-1)")] = None,
    class_: Annotated[str | None, Opt("--class", help="编入的班(默认原班号)")] = None,
    reason: Annotated[str | None, Opt("--reason", help="原因,如 本人及家长申请,经考试达到高一级水平")] = None,
    cap_decision: CapDecisionOpt = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """跳级:经县(市)教育局批准,升入本校更高的年级;学籍号不变。"""
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle import changes
        from xueji_cli.values import dates, fields

        grade = convert("to", fields.grade, to)
        class_no = convert("class", fields.class_no, class_)
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = changes.skip_grade(session, ws.settings, key, grade, class_no, approval, reason,
                                      cap_decision, effective, dates.today(), ws.operator)
            after = {"grade": done.found.student.grade, "class_no": done.found.student.class_no}
            names = regions.load(session)
        with record_saved("已办理跳级", done.found, json_out):
            render_change("已办理跳级", done.found, [done.entry], done.before, after, done.warnings,
                           json_out, show_id, names=names)


def class_change(
    ctx: typer.Context,
    key: KeyArg,
    class_: Annotated[str, Opt("--class", help="转入的班号")],
    reason: Annotated[str | None, Opt("--reason", help="原因")] = None,
    cap_decision: CapDecisionOpt = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """转班级:转入同年级的另一个班,班额满了须记录批准决定 (ENR-5)。"""
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change, render_checked
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle import changes
        from xueji_cli.values import dates, fields

        class_no = convert("class", fields.class_no, class_)
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            done = changes.change_class(session, ws.settings, key, class_no, reason, cap_decision,
                                        effective, dates.today(), ws.operator, dry_run=dry_run)
            after = {"class_no": class_no if dry_run else done.found.student.class_no}
            names = regions.load(session)
        if dry_run:
            render_checked("转班", done.found, done.before, after, done.warnings, json_out, show_id)
            return
        with record_saved("已转班", done.found, json_out):
            render_change("已转班", done.found, [done.entry], done.before, after, done.warnings,
                           json_out, show_id, names=names)


def repeat(
    ctx: typer.Context,
    key: KeyArg,
    reason: Annotated[str, Opt("--reason", help="留级原因(必填),如 本人及家长申请")],
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """留级(学年升级之后决定的):该生本学年的升级或毕业改为留级,回到原年级。
    升级之前决定的留级用 xueji promote --hold 办理。"""
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle import yearend
        from xueji_cli.values import dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = yearend.repeat_after_turn(session, ws.settings, key, reason, effective,
                                             dates.today(), ws.operator)
            after = {k: getattr(done.found.student, k) for k in done.before}
            names = regions.load(session)
        with record_saved("已改为留级", done.found, json_out):
            render_change("已改为留级", done.found, [done.entry], done.before, after, done.warnings,
                           json_out, show_id, names=names)

