"""What a command says when something fails after its transaction has committed: the file
it goes on to write, the report on screen, an interrupt. `output.guard` says that nothing
was written — true before the commit, false after it, and a registrar who believes it
runs the command again, which may be refused (a school year is turned once, CHG-1) or
do the change twice. So the part after the commit runs inside `after_commit`, which says
what was saved and the command that produces the rest.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import typer

from xueji_cli.cli.output import emit_json, say


@contextlib.contextmanager
def after_commit(saved: str, unfinished: str, rest: str, json_mode: bool = False) -> Iterator[None]:
    """Run what follows a commit. `saved`: what the transaction wrote; `unfinished`: what
    is missing if this part fails; `rest`: the command that produces it."""
    from xueji_cli.values.errors import XuejiError

    try:
        yield
    except typer.Exit:
        raise
    except (Exception, KeyboardInterrupt) as exc:
        if os.environ.get("XUEJI_DEBUG") and not isinstance(exc, XuejiError):
            say(f"已保存:{saved}", "bold")
            raise
        problem, code = _problem(exc)
        if json_mode:
            emit_json({"ok": False, "committed": True, "saved": saved, "errors": [{
                "rule": "INCOMPLETE", "field": getattr(exc, "field", None), "row": None,
                "message": f"{unfinished}:{problem}", "hint": rest}]})
        say(f"已保存:{saved}。不要重新办理,已保存的不会丢失。", "bold")
        say(f"错误:{unfinished}:{problem}", "bold red")
        say(f"  → {rest}", "dim")
        raise typer.Exit(code) from None


def _problem(exc: BaseException) -> tuple[str, int]:
    """What went wrong, in words (no personal data: a defect is named by its type), and
    the exit code."""
    from xueji_cli.values.errors import XuejiError, file_reason

    if isinstance(exc, XuejiError):
        return exc.message, exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "操作被中断", 130
    if isinstance(exc, OSError):
        return f"文件无法保存或读取({file_reason(exc)})", 1
    return (f"内部错误({type(exc).__name__}),请把所用命令(不含身份证号)报告给维护人员;"
            "设置 XUEJI_DEBUG=1 可显示详情"), 1


def record_saved(done: str, found, json_mode: bool = False):
    """after_commit for a change of one record (`done`: 已办理跳级 …), naming the record by
    its local number, never by an ID number, and where the change can be seen."""
    number = found.student.local_number
    where = f"用 xueji student show {number} 查看" if number else "用 xueji log 查看本日的变动"
    return after_commit(f"{found.person.name}{f'({number})' if number else ''}{done}",
                        "结果未能显示", where, json_mode)
