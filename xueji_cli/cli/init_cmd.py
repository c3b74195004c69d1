"""xueji init — create a registrar's directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xueji_cli.cli.options import JsonOpt, convert
from xueji_cli.cli.output import emit_json, guard, say


def init(
    path: Annotated[Path, typer.Argument(help="新目录的路径(不存在则创建)")],
    name: Annotated[str, typer.Option("--name", help="目录名称,如「示范镇中心校」")],
    city_code: Annotated[str, typer.Option("--city-code", help="市代码(学籍号第1–2位)")] = "02",
    county_code: Annotated[str, typer.Option("--county-code", help="县代码(学籍号第3–4位)")] = "26",
    kind: Annotated[str, typer.Option(
        "--kind", help="township 乡镇(中心校及所辖学校)或 school 单独一所学校")] = "township",
    operator: Annotated[str, typer.Option(
        "--operator", help="经办人姓名,写入 xueji.toml 的 operator,记入每条变动、印在表格上"
                           "(环境变量 XUEJI_OPERATOR 优先于它)")] = "",
    database: Annotated[str, typer.Option(
        "--database", help="县级 PostgreSQL 服务器的地址(postgresql://用户名@主机/库名),"
                           "写入 xueji.toml 中 [database] 的 url,不建 xueji.db;密码不写入文件,"
                           "放在 PGPASSWORD 或 ~/.pgpass 中")] = "",
    json_out: JsonOpt = False,
) -> None:
    """新建学籍目录:写入 xueji.toml(编码、政策、校历)并建立最新结构的 xueji.db。"""
    with guard(json_out):
        from xueji_cli.store.workspace import init_workspace
        from xueji_cli.values import fields
        from xueji_cli.values.errors import InputError

        if kind not in ("township", "school"):
            raise InputError("kind", f"--kind 应为 township 或 school,不是「{kind}」")
        # written into xueji.toml and onto every form: a free text like any typed
        name = convert("directory_name", fields.text_of("directory_name"), name)
        operator = convert("operator", fields.text_of("operator"), operator) if operator else ""
        ws = init_workspace(path, name, kind, city_code, county_code, operator, database)
        if json_out:
            emit_json({"ok": True, "directory": str(ws.directory), "name": ws.settings.name,
                       "city": ws.settings.city, "county": ws.settings.county})
        else:
            say(f"已建立学籍目录 {ws.directory}({name},市代码 {city_code},县代码 {county_code})。")
            say("下一步:xueji school add --code 001 --name 学校名称 --service-area 区划代码")
