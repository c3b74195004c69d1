"""xueji backup / xueji restore — copies of the database, and putting one back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xueji_cli.cli.options import JsonOpt
from xueji_cli.cli.output import emit_json, guard, say
from xueji_cli.cli.views.backups import snapshot_dict, snapshot_summary
from xueji_cli.cli.workspace import workspace


def backup(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(
        metavar="[FILE]", help="备份文件或文件夹(默认:数据库旁的 xueji.db.bak-日期-时间;"
                             "县级服务器数据库用 pg_dump 备份到目录中的 库名.pgdump-日期-时间)")] = None,
    json_out: JsonOpt = False,
) -> None:
    """备份数据库:他人正在录入时也能得到一致的副本;只有本人可读;生成后自动核验。"""
    with guard(json_out):
        from xueji_cli.records.directory import backups

        ws = workspace(ctx, check_schema=False)
        snapshot = backups.make_backup(ws.store, file)
        if json_out:
            emit_json({"ok": True, **snapshot_dict(snapshot)})
            return
        say(f"已备份到 {snapshot.path}")
        say(f"  核验无误:{snapshot_summary(snapshot)}。")
        say("  备份文件含学生个人信息,请妥善保管(建议存放在另一块磁盘或U盘上)。")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="xueji backup 生成的备份文件"
                                                   "(服务器数据库:.pgdump 文件,只能恢复到空数据库)")],
    json_out: JsonOpt = False,
) -> None:
    """从备份恢复数据库:先核验备份文件(完整性、结构版本、防篡改保护),再备份当前数据库,
    然后整体替换(要么全部换成备份,要么保持原样)。"""
    with guard(json_out):
        from xueji_cli.records.directory import backups

        ws = workspace(ctx, check_schema=False, judge_log=False)
        done = backups.restore(ws.store, file, ws.operator, ws.settings.city, ws.settings.county)
        if json_out:
            emit_json({"ok": True, "restored": snapshot_dict(done.snapshot),
                       "saved_as": str(done.saved_as) if done.saved_as else None,
                       "replaced_was_damaged": done.damaged, "needs_upgrade": done.needs_upgrade,
                       "unmatched_log": str(done.log_aside) if done.log_aside else None})
            return
        if done.log_aside:
            say(f"  数据库旁的日志与数据库不相配,没有并入,已原样移到 {done.log_aside} 保存。",
                "yellow")
        say(f"已从 {done.snapshot.path} 恢复:{snapshot_summary(done.snapshot)}。")
        if done.saved_as:
            state = "已损坏的" if done.damaged else ""
            say(f"  恢复前{state}数据库保存为 {done.saved_as}(需要时可再用 xueji restore 换回)。")
        if done.needs_upgrade:
            say(f"  该备份的结构版本 {done.snapshot.revision} 较旧:先运行 xueji db upgrade 再使用。",
                "yellow")
