"""The `xueji` command: a thin Typer app assembled from one small module per command
group. Heavy modules (database, rich tables, Excel) are imported inside the commands
that use them, so `xueji --help` and `xueji --version` start as fast as Typer itself."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli import __version__
from xueji_cli.cli import (borrow, check, corrections, db, enroll, init_cmd, leaving, log, renumber,
                          report, sanction, school, student, suspend, transfer, yearend)

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
app.add_typer(suspend.app, name="suspend")
app.command("resume")(suspend.resume)
app.add_typer(borrow.app, name="borrow")
# the school year's turn and the rest of a record's life (issue 8)
app.command("promote")(yearend.promote)
app.command("graduates")(yearend.graduates_cmd)
app.command("repeat")(yearend.repeat)
app.command("skip-grade")(yearend.skip_grade)
app.command("class-change")(yearend.class_change)
app.command("withdraw")(leaving.withdraw)
app.command("death")(leaving.death)
app.command("abroad")(leaving.abroad)
app.command("complete")(leaving.complete)
app.command("leave-early")(leaving.leave_early)
app.command("correct")(corrections.correct)
app.command("undo")(corrections.undo)
app.add_typer(report.app, name="report")
app.add_typer(transfer.app, name="transfer")  # issue 4
app.add_typer(sanction.app, name="sanction")  # issue 4


def main() -> None:
    app()
