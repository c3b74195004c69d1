"""Opening the registrar's directory for a command (the root option --dir, or the
environment, or the folders above), and noting --show-id before the command shows any
full number."""

from __future__ import annotations

import typer

from xueji_cli.cli.output import say, show_error


def dir_option(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return (root.obj or {}).get("dir")


def workspace(ctx: typer.Context, check_schema: bool = True, judge_log: bool = True):
    """The directory of the command: a write-ahead log beside its database judged (unless
    `judge_log` is False: restore moves one that does not fit aside), what killed
    commands left behind removed — saying so — and its schema checked (unless
    `check_schema` is False)."""
    from xueji_cli.store.workspace import open_workspace
    from xueji_cli.values.operators import HOW_TO_SET

    ws = open_workspace(dir_option(ctx), check_schema=False)
    ws.on_unnamed = lambda: say(HOW_TO_SET, "yellow")
    if judge_log:
        ws.store.judge_log()  # before the sweep: a restore's staged copy is evidence
    removed = ws.sweep_leftovers()
    if removed:
        say(f"已删除上次中断的操作留下的临时文件:{'、'.join(removed)}", "yellow")
    if check_schema:
        ws.store.check_schema()
    return ws


def note_show_id(ctx: typer.Context) -> None:
    """--show-id is noted in the journal before the command shows anything: no note, no
    numbers. enroll and student show/list note each student they show
    (records/directory/access.py PRECISE); every other command is noted here — called by
    the command table (cli/app.py) once the arguments are parsed — by command and
    arguments, ID numbers masked."""
    if not ctx.params.get("show_id"):
        return
    from xueji_cli.records.directory import access
    from xueji_cli.values.errors import DirectoryError, XuejiError

    command = ctx.command_path.partition(" ")[2] or ctx.command_path
    if command in access.PRECISE:
        return
    try:
        ws = workspace(ctx)
    except XuejiError:
        return  # the command meets the same problem, says so, and shows nothing
    try:
        access.note_command(ws, command, ctx.params)
    except DirectoryError as exc:  # e.g. locked past the wait: no note, no numbers
        show_error(exc)
        raise typer.Exit(exc.exit_code) from None
