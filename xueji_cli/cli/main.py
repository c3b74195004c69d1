"""The `xueji` command: a thin Typer app assembled from one small module per command
group. Heavy modules (database, rich tables, Excel) are imported inside the commands
that use them, so `xueji --help` and `xueji --version` start as fast as Typer itself."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli import __version__
from xueji_cli.cli import check, db, enroll, init_cmd, log, renumber, school, student
from xueji_cli.cli import report  # issue 3: report group (roster)

app = typer.Typer(
    name="xueji",
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


app.command("init")(init_cmd.init)
app.add_typer(school.app, name="school")
app.command("enroll")(enroll.enroll)
app.add_typer(student.app, name="student")
app.command("log")(log.log)
app.command("renumber-check")(renumber.renumber_check)
app.command("check")(check.check)
app.add_typer(db.app, name="db")
app.add_typer(report.app, name="report")


def main() -> None:
    app()
