"""What the commands show: messages on stderr, tables and JSON on stdout, and `guard`,
the one place where errors become messages and exit codes (PRODUCT.md contract: 0 done,
1 refused or invalid, 2 wrong usage, 3 directory or database unusable).

Rich is imported only when something is shown: importing a command must stay cheap.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

import typer

from xueji_cli.values.characters import visible
from xueji_cli.values.labels import where


def console(stderr: bool = False):
    """The console every message and table goes through: text given to it never carries a
    control character to the terminal (values/characters.visible), whatever a record or a file
    holds."""
    from rich.console import Console

    class SafeConsole(Console):
        def print(self, *objects, **options) -> None:
            super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **options)

        def on_broken_pipe(self) -> None:  # the reader is gone: `guard` ends quietly
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    # Piped to a file, a table is laid out wide rather than squeezed into 80 columns.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
    # Messages are not hard-wrapped (a terminal wraps them; a log keeps whole lines).
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=stderr, width=width)


def say(message: str, style: str | None = None) -> None:
    """A message for the registrar: always on stderr, so stdout stays data."""
    console(stderr=True).print(message, style=style, markup=False)


def emit_json(document: Any) -> None:
    """JSON on stdout. json escapes the C0 controls; DEL and the C1 controls (which some
    terminals obey too) are escaped here, the document unchanged for a reader."""
    sys.stdout.write(json_text(document) + "\n")


def json_text(document: Any) -> str:
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    return _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


_C1 = re.compile("[\x7f-\x9f]")


def table(title: str | None, columns: list[str], rows: list[list[Any]], caption: str | None = None):
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    out = Table(title=title and visible(title), caption=caption and visible(caption),
                show_lines=False, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    cells = [["" if v is None else visible(str(v)) for v in row] for row in rows]
    columns = [visible(column) for column in columns]
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


def show_error(exc) -> None:
    """A XuejiError as the registrar reads it: what went wrong (naming the field and its
    option), and on the next line what to do about it."""
    name = getattr(exc, "field", None)
    say(f"错误:{f'[{where(name)}] ' if name else ''}{exc.message}", "bold red")
    for line in candidate_lines(getattr(exc, "candidates", ())):
        say(f"  {line}")
    if exc.hint:
        say(f"  → {exc.hint}", "dim")


def candidate_lines(candidates) -> list[str]:
    """The pupils a name names, one a line: 001 示范镇中心小学 2年级1班 身份证 130283********1234
    学籍号 02262600100001 在校."""
    return [f"{c['school']} {c['school_name']} {c['grade']}年级{c['class']}班 "
            + (f"身份证 {c['id_number']} " if c["id_number"] else
               f"全国学籍号 {c['national_number']} " if c["national_number"] else "")
            + f"学籍号 {c['local_number'] or '(借读)'} {c['status_label']}" for c in candidates]


@contextlib.contextmanager
def guard(json_mode: bool = False, subject: str | None = None) -> Iterator[None]:
    """Run a command body: every error becomes a message and its exit code, never a
    traceback (set XUEJI_DEBUG=1 to see one)."""
    from xueji_cli.store.database import commits
    from xueji_cli.values.errors import InputError, Refused, XuejiError

    before = commits()
    try:
        yield
    except typer.Exit:
        raise
    except Refused as exc:
        if json_mode:
            emit_json({"ok": False, "errors": [violation_dict(v) for v in exc.violations],
                       "warnings": [violation_dict(v) for v in exc.warnings]})
        show_violations(f"被拒绝,{_written(before)}", exc.violations, exc.warnings, subject,
                        "bold red")
        raise typer.Exit(exc.exit_code) from None
    except XuejiError as exc:
        if json_mode:
            rule = "INPUT" if isinstance(exc, InputError) else type(exc).__name__
            error = {"rule": rule, "field": getattr(exc, "field", None),
                     "row": getattr(exc, "row", None), "message": exc.message, "hint": exc.hint}
            if getattr(exc, "candidates", None):
                error["candidates"] = exc.candidates
            emit_json({"ok": False, "errors": [error]})
        show_error(exc)
        _say_saved(before)
        raise typer.Exit(exc.exit_code) from None
    except BrokenPipeError:  # the reader stopped reading (`| head`): what it read is enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except KeyboardInterrupt:
        say(f"已中断,{_written(before)}。", "yellow")
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
        _say_saved(before)
        raise typer.Exit(1) from None
    except Exception as exc:  # a defect: say so without personal data or locals
        if os.environ.get("XUEJI_DEBUG"):
            raise
        if json_mode:
            emit_json({"ok": False, "errors": [{"rule": "INTERNAL", "field": None, "row": None,
                                                "message": type(exc).__name__, "hint": ""}]})
        say(f"内部错误({type(exc).__name__}):{_written(before)}。"
            "请把所用命令(不含身份证号)报告给维护人员;设置 XUEJI_DEBUG=1 可显示详情。", "bold red")
        raise typer.Exit(1) from None



def _say_saved(before: int) -> None:
    """After an error message: that the command had saved its change before the error,
    when it had (nothing is said when it had not)."""
    from xueji_cli.store.database import commits

    if commits() != before:
        say(f"  → {_written(before)}", "bold")


def _written(before: int) -> str:
    """What an interrupted or failed command saved: nothing — or, when a write transaction
    committed before the error, that what it wrote stays (doing the change again could
    double it or be refused)."""
    from xueji_cli.store.database import commits

    if commits() == before:
        return "本次操作未写入任何内容"
    return "本次操作在出错前已保存的变动不会丢失,不要重新办理;用 xueji log 查看今天记下的变动"

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
    quoted = f"「{name}」" if name else ""
    return (f"文件{quoted}无法保存或读取:{reason}",
            "换一个较短的文件名或一个可写入的文件夹,检查磁盘空间后再试")
