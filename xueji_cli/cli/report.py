"""xueji report — the reports (REP-1…REP-5). The group only; each report lives in its own
module and registers itself here."""

from __future__ import annotations

import typer

from xueji_cli.cli import report_monthly, report_roster

app = typer.Typer(help="报表:编号花名册、学籍变动月报、统计、验章名册与核对表。", no_args_is_help=True)

report_roster.register(app)
report_monthly.register(app)
