"""The command reference (docs/cli.md), generated from the commands' own --help:

    python -m xueji_cli.cli.docs > docs/cli.md
"""

from __future__ import annotations

import typer


def _walk(command, path: list[str], parent=None):
    settings = {} if parent else command.context_settings  # -h as well as --help, as run
    ctx = typer.Context(command, info_name=path[-1], parent=parent,
                        **{**settings, "max_content_width": 100, "terminal_width": 100})
    yield path, command.get_help(ctx)
    for name in getattr(command, "list_commands", lambda _ctx: [])(ctx):
        yield from _walk(command.get_command(ctx, name), path + [name], ctx)


def render() -> str:
    from xueji_cli.cli.app import app

    command = typer.main.get_command(app)
    parts = ["# xueji command reference", "",
             "Generated from `--help` by `python -m xueji_cli.cli.docs`; do not edit by hand.", ""]
    for path, text in _walk(command, ["xueji"]):
        parts += [f"## {' '.join(path)}", "", "```", text.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
