"""xueji report — the reports. The group only; each report lives in its own module and
registers itself here."""

from __future__ import annotations

import typer

from xueji_cli.cli import report_roster

app = typer.Typer(help="报表:编号花名册。", no_args_is_help=True)

report_roster.register(app)
