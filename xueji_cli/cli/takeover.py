"""xueji takeover FILE … — the register as it stands taken over from the national system's
pupil list or the schools' 花名册 (records/takeover/register.py): read and checked like
the September intake (cli/intake.py's problems, progress and errors workbook), all or
nothing (or --skip-invalid), each pupil kept with the numbers he has."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from xueji_cli.cli.options import (
    DryRunOpt,
    ErrorsOutOpt,
    ForceOpt,
    JsonOpt,
    NoProgressOpt,
    SheetOpt,
    ShowIdOpt,
)
from xueji_cli.cli.output import emit_json, guard

Opt = typer.Option


def takeover(
    ctx: typer.Context,
    files: Annotated[list[str], typer.Argument(
        metavar="FILE…", help="全国学籍系统导出的学生名单或学校花名册(.xlsx/.xls/.ods,可多个)")],
    school: Annotated[str | None, Opt("--school", help="表中各行的学校(学校代码);不给则按表中学校列或学籍号")] = None,
    sheet: SheetOpt = None,
    as_of: Annotated[str | None, Opt(
        "--as-of", metavar="DATE", help="接收日期:从这一天起由本工具管理(默认本月1日);当月月报计入期初")] = None,
    errors_out: ErrorsOutOpt = None,
    force: ForceOpt = False,
    skip_invalid: Annotated[bool, Opt(
        "--skip-invalid", help="接收没有问题的行,跳过有问题的行(默认:有一行有问题就全部不接收)")] = False,
    no_progress: NoProgressOpt = False,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """接收原有学籍:启用本工具时,把已在籍的各年级学生按原样接收——保留学籍号、全国学籍号、
    入学年份、年级、班级和学生状态,不重新编号,不计为新生。表中除入学花名册的列外还需
    学籍号、年级,可有入学年月、学生状态(在校、休学、借出)。核对学籍号各段与本行一致
    (NUM-1/NUM-2)、全国学籍号与身份证号(NUM-5/NUM-6)、一人一籍(NUM-7);入学年龄、
    服务范围和证明材料是入学时的规则,不再核对。同样的文件再导入一次不会重复接收。"""
    with guard(json_out):
        from pathlib import Path

        from xueji_cli.cli import intake as cli_intake
        from xueji_cli.excel import files as roster_files

        paths = [Path(f).expanduser() for f in files]
        try:
            if errors_out:
                cli_intake.check_errors_out(Path(errors_out).expanduser(), paths, force)
            roster_files.prefetch(paths, sheet)  # parsed while the rest loads (if not yet)
            _take_over(ctx, paths, school, sheet, as_of, errors_out, skip_invalid, dry_run,
                       json_out, show_id, not no_progress)
        finally:
            roster_files.discard()
            from xueji_cli.store import sqlite

            sqlite.wait_for_checkpoints()


def _as_of(value: str | None, today, limit_days: int):
    """The day of the takeover: the first of the current month unless given; a day far
    ahead is a typing mistake (CHG-3)."""
    from xueji_cli.cli.options import parse_date_option
    from xueji_cli.rules.dates import check_not_far_ahead
    from xueji_cli.values.errors import Refused

    day = parse_date_option(value, "as_of") if value else today.replace(day=1)
    far = check_not_far_ahead(day, today, limit_days, "as_of", "接收日期 --as-of",
                              "核对 --as-of 的年份和月份")
    if far:
        raise Refused(far)
    return day


def _take_over(ctx, paths, school, sheet, as_of, errors_out, skip_invalid, dry_run, json_out,
               show_id, progress) -> None:

    from xueji_cli.cli import intake as cli_intake
    from xueji_cli.cli.workspace import workspace
    from xueji_cli.records.enrollment import intake, targets
    from xueji_cli.records.takeover import register
    from xueji_cli.values import dates
    from xueji_cli.values.school_codes import normalise_code

    code = normalise_code(school) if school else None
    ws = workspace(ctx)
    day = _as_of(as_of, dates.today(), ws.settings.policy.future_limit_days)
    with intake.gc_paused(), cli_intake.progress_bar(progress and not json_out) as tick:
        intake.prepare()
        operator = ws.operator
        batch = register.read(paths, code, sheet, tick)
        with targets.open_target(ws.store, write=not dry_run) as target:
            if code:
                targets.require_school(target, code)
            register.check(target, ws.settings, batch, day, tick)
            invalid = batch.having("invalid")
            refused = bool(invalid) and not skip_invalid
            register.number(batch)
            if not (dry_run or refused):
                register.write(target, batch, day, operator, tick)
    outcome = "dry_run" if dry_run else "refused" if refused else "imported"
    with _saved(batch, json_out) if batch.batch_id else contextlib.nullcontext():
        errors_file = cli_intake.errors_workbook(errors_out, batch, invalid, skip_invalid)
        if json_out:
            emit_json({**cli_intake.document(batch, outcome, day, errors_file, show_id,
                                             register.NUMBER_ORDER, "takeover"),
                       "as_of": day.isoformat()})
        else:
            cli_intake.render(batch, outcome, errors_file, errors_out, show_id, _words(day))
    if invalid:
        raise typer.Exit(1)


def _saved(batch, json_out: bool):
    """After the commit: what was taken over stays taken over (a re-run finds them)."""
    from xueji_cli.cli.after_commit import after_commit

    return after_commit(
        f"已接收 {len(batch.numbered)} 人(批次 {batch.batch_id})", "问题表或接收结果未能生成",
        "用 xueji student list 查看已接收的学生;问题表可用 xueji takeover 原文件 --dry-run "
        "--errors-out 问题行.xlsx 重新生成(已接收的行显示为已在籍)", json_out)


def _words(day):
    """The takeover's words on the intake's screen: kept numbers, not new pupils."""
    from xueji_cli.cli.intake import Words

    return Words("接收", "接收", "已接收过", "不重复接收", "保留原学籍号", f"接收日期 {day:%Y-%m-%d}。",
                 "已接收原有学籍", f",接收日期 {day:%Y-%m-%d},{day:%Y年%m月}月报计入期初",
                 "用 xueji renumber-check 查看原有的空号。", "接收")
