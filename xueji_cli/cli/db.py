"""xueji db — the database schema: status, and upgrade with a backup first."""

from __future__ import annotations

import typer

from xueji_cli.cli.options import JsonOpt
from xueji_cli.cli.output import emit_json, guard, say, show_error
from xueji_cli.cli.workspace import workspace


def status(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """显示数据库结构版本与本程序所需版本。"""
    with guard(json_out):
        from xueji_cli.store.database import HEAD, revision_problem

        ws = workspace(ctx, check_schema=False)
        store = ws.store
        current = store.current_revision()
        problem = None if current == HEAD else revision_problem(store.name, current)
        if json_out:
            emit_json({"ok": problem is None, "revision": current, "head": HEAD,
                       "database": store.name})
        else:
            state = ",最新" if problem is None else ""
            say(f"数据库 {store.name}:结构版本 {current},程序需要 {HEAD}{state}")
            if problem is not None:
                show_error(problem)
        if problem is not None:
            raise typer.Exit(problem.exit_code)


def upgrade(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """把数据库升级到本程序的结构版本;升级前先备份数据库文件。"""
    with guard(json_out):
        from xueji_cli.store.database import HEAD

        ws = workspace(ctx, check_schema=False)
        old, backup = ws.store.upgrade()
        if json_out:
            emit_json({"ok": True, "from": old, "to": HEAD, "backup": str(backup) if backup else None})
        elif backup is None:
            say(f"数据库已是最新结构({HEAD}),无需升级。")
        else:
            say(f"已备份到 {backup},并从 {old} 升级到 {HEAD}。")
