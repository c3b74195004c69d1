"""Region options typed as names (东村村委会, 示范镇东村, 迁安市): turned into codes with
the directory's region table before the command reads them (records/directory/regions.py);
codes pass unchanged, and nothing is loaded when no name was typed."""

from __future__ import annotations

import typer

from xueji_cli.cli.workspace import workspace


def region_codes(ctx: typer.Context, **typed: str | list[str] | None) -> dict:
    """The values typed for region fields, keyed by field, with codes for the names."""
    from xueji_cli.records.directory import regions

    if not regions.names_among(typed):
        return typed
    ws = workspace(ctx)
    with ws.store.session() as session:
        return regions.resolve_typed(session, typed)
