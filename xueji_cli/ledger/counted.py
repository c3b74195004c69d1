"""Who the reports count (data/report.toml): the register (在籍) and the children at
school (在校), judged on a record's projected fields. Plain Python, without the database
layer: `report stats` judges the groups its queries count with these."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def config() -> dict:
    """data/report.toml: who is counted and which kinds each report column counts."""
    text = resources.files("xueji_cli.data").joinpath("report.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def register_statuses() -> frozenset[str]:
    return frozenset(config()["register"]["statuses"])


@cache
def at_school_statuses() -> frozenset[str]:
    return frozenset(config()["at_school"]["statuses"])


def on_register(state: dict) -> bool:
    """在籍: a regular record in a register state (data/report.toml)."""
    return bool(state) and (state.get("kind") or "regular") == "regular" \
        and state.get("status") in register_statuses()


def at_school(state: dict) -> bool:
    """在校: a record (regular, or a temporary borrowing record) in an at-school state."""
    return bool(state) and state.get("status") in at_school_statuses()
