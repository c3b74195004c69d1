"""The `xueji` command: a thin Typer app assembled from one small module per command
group. Heavy modules (database, rich tables, Excel) are imported inside the commands
that use them, and each command is built only when it is run (LazyGroup): `xueji --help`
and `xueji --version` start about as fast as `import typer`, however many commands there
are."""

from __future__ import annotations

import importlib
import inspect
from typing import Annotated

import typer
from typer.core import TyperGroup

from xueji_cli import __version__

# name -> (module under xueji_cli.cli, attribute): a function is one command, a
# typer.Typer is a group of commands. The order is the order of `xueji --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init_cmd", "init"),
    "school": ("school", "app"),
    "enroll": ("enroll", "enroll"),
    "student": ("student", "app"),
    "log": ("log", "log"),
    "transfer": ("transfer", "app"),
    "sanction": ("sanction", "app"),
    "borrow": ("borrow", "app"),
    "suspend": ("suspend", "app"),
    "resume": ("suspend", "resume"),
    "promote": ("yearend", "promote"),
    "graduates": ("yearend", "graduates_cmd"),
    "repeat": ("yearend", "repeat"),
    "skip-grade": ("yearend", "skip_grade"),
    "class-change": ("yearend", "class_change"),
    "withdraw": ("leaving", "withdraw"),
    "death": ("leaving", "death"),
    "abroad": ("leaving", "abroad"),
    "complete": ("leaving", "complete"),
    "leave-early": ("leaving", "leave_early"),
    "correct": ("corrections", "correct"),
    "undo": ("corrections", "undo"),
    "report": ("report", "app"),
    "renumber-check": ("renumber", "renumber_check"),
    "check": ("check", "check"),
    "db": ("db", "app"),
}


def _target(name: str):
    module, attribute = COMMANDS[name]
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
            self.commands[name] = typer.main.get_command(holder).commands[name]
        return self.commands[name]

    def format_commands(self, ctx, formatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            target = _target(name)
            text = target.info.help if isinstance(target, typer.Typer) else inspect.getdoc(target)
            rows.append((name, _short_help(text or "", limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _short_help(text: str, limit: int) -> str:
    """The first sentence, cut to `limit` display columns (a Chinese character takes two;
    click's own cutting works on spaces, which Chinese text has none of)."""
    import unicodedata

    sentence = "".join(text.split("\n\n")[0].splitlines())
    sentence = sentence.split("。")[0] + ("。" if "。" in sentence else "")
    out, width = "", 0
    for char in sentence:
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if width > limit - 1:
            return out + "…"
        out += char
    return out


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
    app()
