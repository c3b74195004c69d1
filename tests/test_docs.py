"""The command reference in docs/cli.md is generated from --help and must not go stale;
every command has help text."""

from __future__ import annotations

from pathlib import Path

import typer

from xueji_cli.cli import docs
from xueji_cli.cli.main import app

ROOT = Path(__file__).resolve().parent.parent


def test_docs_cli_md_is_current():
    current = (ROOT / "docs" / "cli.md").read_text("utf-8")
    assert current == docs.render(), (
        "docs/cli.md is stale: run `python -m xueji_cli.cli.docs > docs/cli.md`")


def test_every_command_has_help():
    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, path + [name])

    for path, command in walk(typer.main.get_command(app), ["xueji"]):
        assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
