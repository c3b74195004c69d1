"""xueji db — the database schema: status, and upgrade with a backup first; a township's
xueji.db copied into the county's server."""

from __future__ import annotations

from typing import Annotated

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


def copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option(
        "--to", help="县级 PostgreSQL 服务器上的空数据库(postgresql://用户名@主机/库名);"
                     "密码放在 PGPASSWORD 或 ~/.pgpass 中")],
    switch: Annotated[bool, typer.Option(
        "--switch", help="复制成功后把 xueji.toml 的 [database] url 改为该服务器,"
                         "此后本目录的命令都在服务器上进行(xueji.db 原样保留,不再使用)")] = False,
    json_out: JsonOpt = False,
) -> None:
    """把本目录的 xueji.db 整个复制到县级服务器的空数据库:每张表的每一行,变动记录的编号和顺序不变;
    在服务器上一次完成(要么全部复制,要么什么也不写)。"""
    with guard(json_out):
        from xueji_cli.store import server_copy

        ws = workspace(ctx)
        counts = server_copy.copy_directory(ws.directory, ws.store, to, switch)
        if json_out:
            emit_json({"ok": True, "copied": counts, "switched": switch})
            return
        say("已复制到服务器数据库:")
        for table, count in counts.items():
            say(f"  {server_copy.label(table)}:{count} 行")
        if switch:
            say(f"xueji.toml 的 [database] url 已改为该服务器;本目录的 {ws.store.path.name} 原样保留,不再使用。")
        else:
            say("本目录仍在使用 xueji.db。要改用服务器:在 xueji.toml 的 [database] 一节写 "
                "url = \"服务器地址\"(或复制时加 --switch);"
                "复制之后在 xueji.db 中登记的变动不会自动进入服务器。")
        say("建议接着运行 xueji check 和 xueji renumber-check 核对服务器上的数据。")
