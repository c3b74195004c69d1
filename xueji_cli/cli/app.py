"""The `xueji` command: a thin Typer app assembled from one small module per command
group. Heavy modules (database, rich tables, Excel) are imported inside the commands
that use them, and each command is built only when it is run (LazyGroup): `xueji --help`
and `xueji --version` start about as fast as `import typer`, however many commands there
are."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer
from typer.core import TyperGroup

from xueji_cli import __version__

# name -> (module under xueji_cli.cli, attribute, one line for `xueji --help`): a function
# is one command, a typer.Typer a group of commands. The order is the order of the help;
# the one-liners spare `xueji --help` importing every command module (start-up, issue 2).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("init_cmd", "init", "新建学籍目录(xueji.toml 与 xueji.db)"),
    "school": ("school", "app", "学校:登记、修改、列出,服务范围"),
    "enroll": ("enroll", "enroll", "新生入学:逐个登记或导入新生花名册,编学籍号"),
    "student": ("student", "app", "学生:学籍卡、名单、学生登记表"),
    "log": ("log", "log", "学籍变动日志"),
    "transfer": ("transfer", "app", "转学:申请、审批、办结、撤回、转学证明"),
    "sanction": ("sanction", "app", "处分:登记、撤销、列出(处分期间不予转学)"),
    "borrow": ("borrow", "app", "借读:来本校借读、外出借读、借读生登记册"),
    "suspend": ("suspend", "app", "休学:办理、续办、名单、休学证明"),
    "resume": ("suspend", "resume", "复学:休学期满凭康复证明复学"),
    "promote": ("yearend", "promote", "学年升级与毕业(学年末)"),
    "graduates": ("yearend", "graduates_cmd", "毕业生花名册"),
    "repeat": ("yearend", "repeat", "留级(升级之后决定的)"),
    "skip-grade": ("yearend", "skip_grade", "跳级(须教育局批准)"),
    "class-change": ("yearend", "class_change", "转班级"),
    "withdraw": ("leaving", "withdraw", "退学"),
    "death": ("leaving", "death", "死亡"),
    "abroad": ("leaving", "abroad", "出国"),
    "complete": ("leaving", "complete", "结业(高中)"),
    "leave-early": ("leaving", "leave_early", "肄业(高中)"),
    "correct": ("corrections", "correct", "信息更正:姓名、身份证号、出生日期、性别"),
    "undo": ("corrections", "undo", "撤销一条办错的学籍变动(另记一条,不删除)"),
    "report": ("report", "app", "报表:月报、统计、花名册、验章名册"),
    "renumber-check": ("renumber", "renumber_check", "核对学籍号:格式、重号、空号"),
    "check": ("check", "check", "按变动日志核对学籍现状"),
    "backup": ("backup", "backup", "备份数据库(可在他人使用时进行)"),
    "restore": ("backup", "restore", "从备份恢复数据库(先备份当前的)"),
    "db": ("db", "app", "数据库:结构版本与升级"),
}


def _target(name: str):
    module, attribute, _summary = COMMANDS[name]
    return getattr(importlib.import_module(f"xueji_cli.cli.{module}"), attribute)


class LazyGroup(TyperGroup):
    """Builds a command (Typer's signature analysis is the costly part of start-up) only
    when it is run or its help is asked for; the command list comes from the docstrings."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, name: str):
        if name not in COMMANDS:
            return None
        if name not in self.commands:
            holder = typer.Typer(rich_markup_mode=None, add_completion=False)
            holder.callback()(lambda: None)  # keeps the holder a group of one
            target = _target(name)
            if isinstance(target, typer.Typer):
                holder.add_typer(target, name=name)
            else:
                holder.command(name)(target)
            self.commands[name] = _noting_show_id(typer.main.get_command(holder).commands[name])
        return self.commands[name]

    def format_commands(self, ctx, formatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_m, _a, summary) in COMMANDS.items()])


def _noting_show_id(command):
    """Every command that takes --show-id notes its use before it runs (issue 9)."""
    if hasattr(command, "commands"):
        for sub in command.commands.values():
            _noting_show_id(sub)
    elif any(getattr(p, "name", None) == "show_id" for p in command.params):
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
    """The entry point (cli/entry.py, which runs its checks before loading this module)."""
    from xueji_cli.cli.entry import main as entry

    entry()
