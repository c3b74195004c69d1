"""Shared by every command: the options every command takes, opening the directory,
and the one place where errors become messages and exit codes (PRODUCT.md contract:
0 done, 1 refused or invalid, 2 wrong usage, 3 directory or database unusable).

Only typer and the standard library are imported at module level: `xueji --help` must
not pay for rich tables or the database layer.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from xueji_cli.values.labels import where

JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档(供脚本使用)")]
def note_show_id(ctx: typer.Context) -> None:
    """--show-id is noted in the journal before the command shows anything (issue 9: no
    note, no numbers). enroll and student show/list note each student they show
    (records/directory/access.py PRECISE); every other command is noted here — called by the command
    group (cli/app.py) once the arguments are parsed — by command and arguments, ID
    numbers masked."""
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
        say(f"错误:{exc.message}", "bold red")
        if exc.hint:
            say(f"  → {exc.hint}", "dim")
        raise typer.Exit(exc.exit_code) from None


ShowIdOpt = Annotated[bool, typer.Option(
    "--show-id", help="显示完整身份证号(默认只显示前6位和后4位);每次使用都记入变动日志")]
DateOpt = Annotated[str | None, typer.Option(
    "--date", help="生效日期 YYYY-MM-DD(默认今天),补录纸质记录时填写实际日期")]
KeyArg = Annotated[str, typer.Argument(
    metavar="KEY", help="学生:14位学籍号、全国学籍号(G/J/L开头)或18位身份证号")]


def dir_option(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return (root.obj or {}).get("dir")


def workspace(ctx: typer.Context, check_schema: bool = True):
    from xueji_cli.store.workspace import open_workspace

    return open_workspace(dir_option(ctx), check_schema=check_schema)


def parse_date_option(value: str | None, name: str = "date"):
    """A typed date, or today when omitted. Bad input is exit 1 with the accepted forms."""
    from xueji_cli.values import dates
    from xueji_cli.values.errors import InputError

    if value is None:
        return dates.today()
    try:
        return dates.parse_date(value)
    except ValueError as exc:
        raise InputError(name, str(exc), f"可写作 {dates.ACCEPTED}") from None


def convert(name: str, converter, value):
    """A typed value through a values/fields converter; InputError (exit 1) naming the
    field when it cannot be read; None stays None."""
    from xueji_cli.values.errors import InputError

    if value is None:
        return None
    try:
        return converter(value)
    except ValueError as exc:
        raise InputError(name, str(exc)) from None


# -- output -----------------------------------------------------------------------

def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped to a file, a table is laid out wide rather than squeezed into 80 columns.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
    # Messages are not hard-wrapped (a terminal wraps them; a log keeps whole lines).
    return Console(stderr=stderr, highlight=False, soft_wrap=stderr, width=width)


def say(message: str, style: str | None = None) -> None:
    """A message for the registrar: always on stderr, so stdout stays data."""
    console(stderr=True).print(message, style=style, markup=False)


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: list[str], rows: list[list[Any]], caption: str | None = None):
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    out = Table(title=title, caption=caption, show_lines=False, header_style="bold",
                box=box.SIMPLE_HEAD, pad_edge=False)
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    for index, column in enumerate(columns):
        values = [row[index] for row in cells]
        # Numbers and dates are never broken or cut; text columns wrap (and never hide).
        compact = all(len(v) <= 20 and " " not in v for v in values)
        widest = max([cell_len(v) for v in values] + [cell_len(column)])
        least = widest if compact else min(widest, 8)
        out.add_column(column, no_wrap=compact, overflow="fold", min_width=least)
    for row in cells:
        out.add_row(*row)
    screen = console()
    width = screen.width
    screen.width = 1000
    needed = screen.measure(out).minimum
    # Never cut or drop a column: when even the narrowest layout is too wide, let the
    # lines run past the edge of the window.
    screen.width = max(width, needed)
    screen.print(out)


def violation_dict(v, row: str | None = None) -> dict:
    return {"rule": v.rule, "field": v.field, "row": row, "message": v.message, "hint": v.hint}


def show_violations(title: str, violations, warnings, subject: str | None, style: str) -> None:
    err = console(stderr=True)
    if subject:
        title = f"{subject}:{title}"
    err.print(title, style=style, markup=False)
    for v in list(violations) + list(warnings):
        tag = "" if v.is_error else "(提醒)"
        err.print(f"  {v.rule}{tag} [{where(v.field)}] {v.message}", markup=False,
                  style=None if v.is_error else "yellow")
        if v.hint:
            err.print(f"      → {v.hint}", markup=False, style="dim")


def show_warnings(warnings, subject: str | None = None) -> None:
    if warnings:
        show_violations("请注意", [], warnings, subject, "yellow")


@contextlib.contextmanager
def guard(json_mode: bool = False, subject: str | None = None) -> Iterator[None]:
    """Run a command body: every error becomes a message and its exit code, never a
    traceback (set XUEJI_DEBUG=1 to see one)."""
    from xueji_cli.values.errors import InputError, Refused, XuejiError

    try:
        yield
    except typer.Exit:
        raise
    except Refused as exc:
        if json_mode:
            emit_json({"ok": False, "errors": [violation_dict(v) for v in exc.violations],
                       "warnings": [violation_dict(v) for v in exc.warnings]})
        show_violations("被拒绝,未写入任何内容", exc.violations, exc.warnings, subject, "bold red")
        raise typer.Exit(exc.exit_code) from None
    except XuejiError as exc:
        rule = "INPUT" if isinstance(exc, InputError) else type(exc).__name__
        name = getattr(exc, "field", None)
        if json_mode:
            emit_json({"ok": False, "errors": [{"rule": rule, "field": name,
                                                "row": getattr(exc, "row", None),
                                                "message": exc.message, "hint": exc.hint}]})
        say(f"错误:{f'[{where(name)}] ' if name else ''}{exc.message}", "bold red")
        if exc.hint:
            say(f"  → {exc.hint}", "dim")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        say("已中断,本次操作未写入任何内容。", "yellow")
        raise typer.Exit(130) from None
    except OSError as exc:  # a file the registrar named cannot be written or read
        if os.environ.get("XUEJI_DEBUG"):
            raise
        message, hint = _file_problem(exc)
        if json_mode:
            emit_json({"ok": False, "errors": [{"rule": "INPUT", "field": "file", "row": None,
                                                "message": message, "hint": hint}]})
        say(f"错误:[文件] {message}", "bold red")
        say(f"  → {hint}", "dim")
        raise typer.Exit(1) from None
    except Exception as exc:  # a defect: say so without personal data or locals
        if os.environ.get("XUEJI_DEBUG"):
            raise
        if json_mode:
            emit_json({"ok": False, "errors": [{"rule": "INTERNAL", "field": None, "row": None,
                                                "message": type(exc).__name__, "hint": ""}]})
        say(f"内部错误({type(exc).__name__}):本次操作未写入任何内容。"
            "请把所用命令(不含身份证号)报告给维护人员;设置 XUEJI_DEBUG=1 可显示详情。", "bold red")
        raise typer.Exit(1) from None


def _file_problem(exc: OSError) -> tuple[str, str]:
    """What went wrong with a file (an export's name too long, a folder without write
    permission, a full disk), in words, naming the file the registrar gave."""
    from pathlib import Path

    from xueji_cli.values.errors import file_reason

    named = exc.filename2 or exc.filename
    name = Path(str(named)).name if named else ""
    if len(name) > 60:
        name = name[:40] + "…" + name[-12:]
    reason = file_reason(exc)
    where = f"「{name}」" if name else ""
    return (f"文件{where}无法保存或读取:{reason}",
            "换一个较短的文件名或一个可写入的文件夹,检查磁盘空间后再试")
