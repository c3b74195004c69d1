"""The `xueji` command: the table of every command and group, and the entry point.

Command modules hold plain functions; this table names each one, and a command — or a
group of them — is built only when it is run or its help is shown (Typer's signature
analysis is the costly part of start-up). `xueji --help` and `xueji --version` import no
command module, only typer, and start about as fast as `import typer` however many
commands there are.

`main` runs the checks of cli/startup.py before the arguments are parsed — and, for
`enroll --from FILE`, starts parsing the rosters, which then overlaps loading the command.
"""

from __future__ import annotations

import importlib
import sys
from difflib import get_close_matches
from typing import Annotated

import typer
from typer.core import TyperGroup

from xueji_cli import __version__
from xueji_cli.cli.usage import (
    COMMANDS_METAVAR,
    OPTIONS_METAVAR,
    ChineseCommand,
    ChineseHelp,
    Misuse,
    typed,
    write_rows,
)


class Command:
    """One command: a plain function of xueji_cli.cli.<module>. `summary` is its line in
    `xueji --help`; in a group's help its commands are listed by their docstrings."""

    __slots__ = ("module", "function", "summary")

    def __init__(self, module: str, function: str, summary: str = "") -> None:
        self.module, self.function, self.summary = module, function, summary


class Group:
    """A group of commands (`xueji transfer out|in|…`): `summary` is its line in
    `xueji --help`, `help` and `epilog` its own help."""

    __slots__ = ("summary", "help", "commands", "epilog", "key_runs")

    def __init__(self, summary: str, help: str, commands: dict[str, Command],
                 epilog: str | None = None, key_runs: str | None = None) -> None:
        self.summary, self.help, self.commands, self.epilog = summary, help, commands, epilog
        # When set, a first argument that is no command of the group but a student KEY
        # (it holds digits, or is a name) runs this command: `xueji suspend KEY --from …` is `suspend start`.
        self.key_runs = key_runs


# The order is the order of the help. The one-line summaries spare `xueji --help`
# importing every command module.
COMMANDS: dict[str, Command | Group] = {
    "init": Command("init_cmd", "init", "新建学籍目录(xueji.toml 与 xueji.db)"),
    "school": Group("学校:登记、修改、列出,服务范围", "学校:登记、修改、列出本目录的学校及服务范围。", {
        "add": Command("school", "add"),
        "set": Command("school", "set_"),
        "list": Command("school", "list_"),
    }),
    "region": Group("区划:导入本县统计用区划代码表、查看名称",
                    "区划:导入本县的统计用区划代码表(乡镇、村),列出区划名称与代码。导入后,"
                    "要填区划代码的地方都可以填名称,各种表格显示名称和代码。", {
                        "import": Command("region", "import_"),
                        "list": Command("region", "list_"),
                    }),
    "enroll": Command("enroll", "enroll", "新生入学:逐个登记或导入新生花名册,编学籍号"),
    "takeover": Command("takeover", "takeover", "接收原有学籍:启用时按原样接收在籍学生,保留原学籍号"),
    "student": Group("学生:学籍卡、名单、学生登记表、信息变更",
                     "学生:查看学籍卡(含全部变动),按学校、年级、班级或姓名列出,"
                     "变更监护人、联系电话、住址、民族、户口所在地、现住地。", {
                         "show": Command("student", "show"),
                         "list": Command("student", "list_"),
                         "card": Command("student_card", "card"),
                         "update": Command("student_update", "update"),
                     }),
    "log": Command("log", "log", "学籍变动日志"),
    "transfer": Group("转学:申请、审批、办结、撤回、转学证明",
                      "转学:申请(转出/转入)、逐级审批、办结、撤回、查看,开具四联转学证明。", {
                          "out": Command("transfer", "out"),
                          "in": Command("transfer", "in_"),
                          "approve": Command("transfer", "approve"),
                          "complete": Command("transfer", "complete"),
                          "cancel": Command("transfer", "cancel"),
                          "list": Command("transfer", "list_"),
                          "show": Command("transfer", "show"),
                          "certificate": Command("transfer", "certificate"),
                      }),
    "sanction": Group("处分:登记、撤销、列出(处分期间不予转学)",
                      "处分:登记、撤销、列出纪律处分(受处分期间不予转学,TRF-7)。", {
                          "add": Command("sanction", "add"),
                          "revoke": Command("sanction", "revoke"),
                          "list": Command("sanction", "list_"),
                      }),
    "borrow": Group("借读:来本校借读、外出借读、借读生登记册",
                    "借读:外来儿童到本校指定学校借读(临时借读学籍)、本校学生到外校借读(学籍保留本校)、"
                    "借读期间的成绩奖惩、结束借读,以及报教育科的借读生登记册。", {
                        "in": Command("borrow", "borrow_in"),
                        "out": Command("borrow", "borrow_out"),
                        "note": Command("borrow", "note"),
                        "end": Command("borrow", "end"),
                        "list": Command("borrow", "list_"),
                    }),
    "suspend": Group("休学:办理、续办、名单、休学证明",
                     "休学:办理休学(xueji suspend KEY --from 日期 --reason 病 …,即 start)、续办、"
                     "休学名单与休学证明。复学用 xueji resume。", {
                         "start": Command("suspend", "start"),
                         "extend": Command("suspend", "extend"),
                         "list": Command("suspend", "list_"),
                         "certificate": Command("suspend", "certificate"),
                     },
                     epilog="例:xueji suspend 02262600200001 --from 2026-10-16 --reason 病 "
                            "--hospital 迁安市人民医院 "
                            "--evidence 诊断证明,住院收据,病历复印件,休学申请书,调查报告",
                     key_runs="start"),
    "resume": Command("suspend", "resume", "复学:休学期满凭康复证明复学"),
    "promote": Command("yearend", "promote", "学年升级与毕业(学年末)"),
    "graduates": Command("yearend", "graduates_cmd", "毕业生花名册"),
    "repeat": Command("yearend", "repeat", "留级(升级之后决定的)"),
    "skip-grade": Command("yearend", "skip_grade", "跳级(须教育局批准)"),
    "class-change": Command("yearend", "class_change", "转班级"),
    "withdraw": Command("leaving", "withdraw", "退学"),
    "death": Command("leaving", "death", "死亡"),
    "abroad": Command("leaving", "abroad", "出国"),
    "return-from-abroad": Command("leaving", "return_from_abroad", "回国复学:出国学生回本校复学"),
    "complete": Command("leaving", "complete", "结业(高中)"),
    "leave-early": Command("leaving", "leave_early", "肄业(高中)"),
    "correct": Command("corrections", "correct", "信息更正:姓名、身份证号、出生日期、性别"),
    "undo": Command("corrections", "undo", "撤销一条办错的学籍变动(另记一条,不删除)"),
    "report": Group("报表:月报、统计、花名册、验章名册",
                    "报表:编号花名册、学籍变动月报、统计、验章名册与核对表。", {
                        "roster": Command("report_roster", "roster"),
                        "monthly": Command("report_monthly", "monthly"),
                        "stats": Command("report_verify", "stats"),
                        "verify": Command("report_verify", "verify"),
                    }),
    "renumber-check": Command("renumber", "renumber_check", "核对学籍号:格式、重号、空号"),
    "check": Command("check", "check", "按变动日志核对学籍现状"),
    "backup": Command("backup", "backup", "备份数据库(可在他人使用时进行)"),
    "restore": Command("backup", "restore", "从备份恢复数据库(先备份当前的)"),
    "db": Group("数据库:结构版本、升级与复制到服务器",
               "数据库:查看结构版本,升级(先自动备份),把 xueji.db 复制到县级服务器。", {
        "status": Command("db", "status"),
        "upgrade": Command("db", "upgrade"),
        "copy": Command("db", "copy"),
    }),
}


class LazyGroup(ChineseHelp, TyperGroup):
    """A group whose commands are built from its table when first run or shown; every
    error of the command line below it is said in Chinese (cli/usage.py)."""

    def __init__(self, *, table: dict[str, Command | Group] = COMMANDS, **attrs) -> None:
        if attrs.get("subcommand_metavar") is None:
            attrs["subcommand_metavar"] = COMMANDS_METAVAR
        super().__init__(**attrs)
        self.table = table

    def list_commands(self, ctx) -> list[str]:
        return list(self.table)

    def get_command(self, ctx, name: str):
        if name not in self.table:
            return None
        if name not in self.commands:
            self.commands[name] = _build(name, self.table[name])
        return self.commands[name]

    def resolve_command(self, ctx, args: list[str]):
        # An unknown command is told with the close names of the whole table (Typer
        # would suggest only among the commands built so far).
        if args and args[0] not in self.table and not args[0].startswith("-"):
            close = get_close_matches(args[0], list(self.table))
            raise Misuse(f"没有 {typed(args[0])} 这个命令"
                         + (f",是不是 {'、'.join(close)}?" if close else ""), ctx)
        return super().resolve_command(ctx, args)

    def format_options(self, ctx, formatter) -> None:
        self.format_parameters(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        rows = [(name, spec.summary or self.get_command(ctx, name).get_short_help_str(
            formatter.width - 6 - max(map(len, self.table)))) for name, spec in self.table.items()]
        with formatter.section("命令"):
            write_rows(formatter, rows)


class KeyOrCommandGroup(LazyGroup):
    """A group whose first argument is either one of its commands or a student KEY.
    `xueji suspend 02262600200001 --from …` (or options first) runs the default command;
    a first word that is neither a command nor a possible KEY (every number holds digits,
    a pupil's name a character beyond ASCII: `xueji suspend 李婷婷 …`) stays an unknown
    command, so that a mistyped `lsit` is told so."""

    def __init__(self, *, default: str, **attrs) -> None:
        super().__init__(**attrs)
        self.default = default

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [self.subcommand_metavar]

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.table and args[0] not in ctx.help_option_names \
                and (args[0].startswith("-") or not args[0].isascii()
                     or any(ch.isdigit() for ch in args[0])):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


def _build(name: str, spec: Command | Group):
    if isinstance(spec, Group):
        settings = dict(name=name, help=spec.help, epilog=spec.epilog, table=spec.commands,
                        no_args_is_help=True, rich_markup_mode=None, options_metavar=OPTIONS_METAVAR)
        if spec.key_runs is None:
            return LazyGroup(**settings)
        return KeyOrCommandGroup(default=spec.key_runs, **settings,
                                 subcommand_metavar=f"KEY {OPTIONS_METAVAR}... | {COMMANDS_METAVAR}")
    function = getattr(importlib.import_module(f"xueji_cli.cli.{spec.module}"), spec.function)
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    holder.callback()(lambda: None)  # keeps the holder a group of one
    holder.command(name, cls=ChineseCommand, options_metavar=OPTIONS_METAVAR)(function)
    return _noting_show_id(typer.main.get_command(holder).commands[name])


def _noting_show_id(command):
    """A command that takes --show-id notes its use before it runs (cli/workspace.py)."""
    if any(getattr(p, "name", None) == "show_id" for p in command.params):
        run = command.invoke

        def invoke(ctx, _run=run):
            from xueji_cli.cli.workspace import note_show_id

            note_show_id(ctx)
            return _run(ctx)

        command.invoke = invoke
    return command


app = typer.Typer(
    name="xueji",
    cls=LazyGroup,
    help="学籍管理:新生入学、转学、借读、休学复学、月报与学籍号核对。",
    rich_markup_mode=None,  # plain help: rich's help renderer would triple start-up time
    add_completion=False,
    no_args_is_help=True,
    options_metavar=OPTIONS_METAVAR,
    pretty_exceptions_enable=False,  # never show locals (personal data) in a traceback
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xueji {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    directory: Annotated[str | None, typer.Option(
        "--dir", envvar="XUEJI_DIR", metavar="PATH",
        help="学籍目录(含 xueji.toml);默认从当前文件夹向上查找")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="显示版本并退出")] = False,
) -> None:
    ctx.obj = {"dir": directory}


def main() -> None:
    """The `xueji` console script and `python -m xueji_cli`."""
    from xueji_cli.cli.startup import check_argv, prefetch_rosters, tolerant_streams

    tolerant_streams()
    check_argv(sys.argv[1:])
    prefetch_rosters(sys.argv[1:])
    app()
