"""The options and arguments shared by the commands, defined once so that each reads and
helps the same wherever it appears, and the reading of their values (dates, converted
fields). Only typer at module level: importing a command must stay cheap."""

from __future__ import annotations

from typing import Annotated

import typer

Opt = typer.Option

JsonOpt = Annotated[bool, Opt("--json", help="输出一个 JSON 文档(供脚本使用)")]
ShowIdOpt = Annotated[bool, Opt(
    "--show-id", help="显示完整身份证号(默认只显示前6位和后4位);每次使用都记入变动日志")]
DateOpt = Annotated[str | None, Opt(
    "--date", help="生效日期 YYYY-MM-DD(默认今天),补录纸质记录时填写实际日期")]
KeyArg = Annotated[str, typer.Argument(
    metavar="KEY", help="学生:14位学籍号、全国学籍号(G/J/L开头)或18位身份证号")]


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
