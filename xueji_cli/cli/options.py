"""The options and arguments shared by the commands, defined once so that each reads and
helps the same wherever it appears, and the reading of their values (dates, converted
fields). Only typer at module level: importing a command must stay cheap.

The options describing a child — who the child is, the family, where they live — are the
same in `enroll`, `transfer in` and `borrow in`; each command takes the ones it needs."""

from __future__ import annotations

from typing import Annotated

import typer

Opt = typer.Option

JsonOpt = Annotated[bool, Opt("--json", help="输出一个 JSON 文档(供脚本使用)")]
ShowIdOpt = Annotated[bool, Opt(
    "--show-id", help="显示完整身份证号(默认只显示前6位和后4位);每次使用都记入变动日志")]
CsvOpt = Annotated[bool, Opt(
    "--csv", help="输出 CSV(UTF-8,Excel 可直接打开;号码保持为文本),逐行写出,可重定向到文件")]
LimitOpt = Annotated[int | None, Opt(
    "--limit", min=1, help="最多列出 N 条(屏幕默认一页 50 条;--csv/--json 默认全部)")]
OffsetOpt = Annotated[int, Opt("--offset", min=0, help="跳过前 N 条(翻页:--offset 50 为第二页)")]
DateOpt = Annotated[str | None, Opt(
    "--date", help="生效日期 YYYY-MM-DD(默认今天),补录纸质记录时填写实际日期")]
ForceOpt = Annotated[bool, Opt("--force", help="要写的文件已存在时替换它(默认不覆盖,原文件保持不动)")]
DryRunOpt = Annotated[bool, Opt("--dry-run", help="只检查,不写入")]
KeyArg = Annotated[str, typer.Argument(
    metavar="KEY", help="学生:14位学籍号、全国学籍号(G/J/L开头)、18位身份证号或姓名(同名的列出各人,须改用号码)")]
RemarkOpt = Annotated[str | None, Opt("--remark", help="备注")]
# -- reading rosters (enroll --from, takeover) ------------------------------------------
SheetOpt = Annotated[str | None, Opt("--sheet", help="只读该工作表(默认:所有有表头的工作表)")]
ErrorsOutOpt = Annotated[str | None, Opt(
    "--errors-out", metavar="FILE.xlsx", help="把有问题的行(原样,加「问题」列)写入该表格")]
NoProgressOpt = Annotated[bool, Opt("--no-progress", help="不显示进度条")]
CapDecisionOpt = Annotated[str | None, Opt(
    "--cap-decision", metavar="DOC", help="班额已满仍编入的批准决定(文号) (ENR-5)")]

# -- the child ----------------------------------------------------------------------------
NameOpt = Annotated[str | None, Opt("--name", help="姓名(以户口簿为准)")]
GenderOpt = Annotated[str | None, Opt("--gender", help="性别:男/女(不填则按身份证号)")]
BirthOpt = Annotated[str | None, Opt("--birth", help="出生日期(不填则按身份证号)")]
IdTypeOpt = Annotated[str | None, Opt("--id-type", help="证件类型代码,默认 1 居民身份证")]
IdNumberOpt = Annotated[str | None, Opt("--id-number", help="18位公民身份号码")]
NationalNumberOpt = Annotated[str | None, Opt(
    "--national-number",
    help="全国学籍号,随学生终身不变:有居民身份证号的可不填(即 G+身份证号);没有的填 J/L 字头号 (NUM-5)")]
EthnicityOpt = Annotated[str | None, Opt("--ethnicity", help="民族,如 汉族 或 01")]
HukouRegionOpt = Annotated[str | None, Opt(
    "--hukou-region", metavar="R", help="学生户口所在地的统计用区划代码")]
GuardianNameOpt = Annotated[str | None, Opt("--guardian-name", help="法定监护人姓名")]
GuardianHukouRegionOpt = Annotated[str | None, Opt(
    "--guardian-hukou-region", metavar="R", help="法定监护人户口所在地的统计用区划代码")]
GuardianPhoneOpt = Annotated[str | None, Opt("--guardian-phone", help="监护人电话")]
ResidenceRegionOpt = Annotated[str | None, Opt(
    "--residence-region", metavar="R", help="实际常住地(现住地)的统计用区划代码")]
AddressOpt = Annotated[str | None, Opt("--address", help="现住址")]
UnderageCommitmentOpt = Annotated[str | None, Opt(
    "--underage-commitment", metavar="DOC", help="不足龄入学的监护人承诺书(编号或名称) (ENR-1)")]


def parse_date_option(value: str | None, name: str = "date"):
    """A typed date, or today when omitted. Bad input is exit 1 with the accepted forms."""
    from xueji_cli.values import dates
    from xueji_cli.values.errors import InputError

    if value is None:
        return dates.today()
    try:
        return dates.parse_date(value)
    except ValueError as exc:
        raise InputError(name, str(exc), getattr(exc, "hint", "") or f"可写作 {dates.ACCEPTED}") from None


def convert(name: str, converter, value):
    """A typed value through a values/fields converter; InputError (exit 1) naming the
    field when it cannot be read; None stays None."""
    from xueji_cli.values.errors import InputError

    if value is None:
        return None
    try:
        return converter(value)
    except ValueError as exc:
        raise InputError(name, str(exc), getattr(exc, "hint", "")) from None
