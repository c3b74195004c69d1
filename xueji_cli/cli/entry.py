"""The `xueji` entry point: the checks of cli/startup.py, which run before Typer is even
loaded — and, for `enroll --from FILE`, the start of parsing the rosters, which then
overlaps loading the program — then the Typer app (cli/app.py)."""

from __future__ import annotations

import sys


def main() -> None:
    from xueji_cli.cli.startup import check_argv, prefetch_rosters, tolerant_streams

    tolerant_streams()
    check_argv(sys.argv[1:])
    prefetch_rosters(sys.argv[1:])
    from xueji_cli.cli.app import app

    app()
