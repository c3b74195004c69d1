"""The command reference in docs/cli.md is generated from --help and must not go stale;
every command has help text."""

from __future__ import annotations

from pathlib import Path

import typer

from xueji_cli.cli import docs
from xueji_cli.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def test_docs_cli_md_is_current():
    current = (ROOT / "docs" / "cli.md").read_text("utf-8")
    assert current == docs.render(), (
        "docs/cli.md is stale: run `python -m xueji_cli.cli.docs > docs/cli.md`")


def test_every_command_has_help():
    def walk(command, path, parent=None):
        ctx = typer.Context(command, info_name=path[-1], parent=parent)
        yield path, command
        for name in getattr(command, "list_commands", lambda _ctx: [])(ctx):
            yield from walk(command.get_command(ctx, name), path + [name], ctx)

    for path, command in walk(typer.main.get_command(app), ["xueji"]):
        assert (command.help or "").strip(), f"{' '.join(path)} has no help text"


def test_help_lists_every_command_without_building_them():
    from typer.testing import CliRunner

    from xueji_cli.cli.app import COMMANDS

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.split("命令:")[1].splitlines() if line.strip()]
    assert listed == list(COMMANDS)
