"""Lists written as they are read: CSV for Excel, JSON for scripts, and screen tables a
page at a time — a directory of 100k pupils or a million journal entries goes out in
constant memory, never as one table or one document held whole.

CSV is written by the csv module in UTF-8 with a byte-order mark (without it Excel reads
UTF-8 as the ANSI code page and the names come out garbled). Excel reads a cell of digits
as a number — 02262600100001 loses its leading zero, an 18-digit ID number its last three
digits — so a number kept as text (a str of digits in the row) is written `="…"`, which
Excel reads as that text; and a text that Excel would run as a formula (=, +, -, @ first)
gets a leading apostrophe, so that nothing in a record becomes a formula."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator

import typer

from xueji_cli.cli.output import json_text, table

PAGE = 50  # rows on screen: a page of a terminal, read at a glance
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_RISKY = frozenset("0123456789.=+-@\t\r")  # the first characters of what excel_cell changes


def exclusive(csv_out: bool, json_out: bool) -> None:
    """--csv and --json are two forms of the same rows: one at a time (a usage error)."""
    if csv_out and json_out:
        raise typer.BadParameter("--csv 与 --json 只能选一个", param_hint="--csv")


def excel_cell(value: str) -> str:
    """A text as Excel should read it: one that looks like a number stays that text, one
    that looks like a formula stays inert text."""
    if value.isdecimal() or _NUMBER.fullmatch(value):  # isdecimal: the digits of \d, at C speed
        return f'="{value}"'
    if value.startswith(_FORMULA):
        return "'" + value
    return value


def write_csv(header: list[str], rows: Iterable[list]) -> int:
    """The header and each row to stdout as they come (a list in a cell: its items joined
    by 、); returns the number of rows."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(out)
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow([excel_cell(v) if v.__class__ is str and v[:1] in _RISKY
                             else "、".join(map(str, v)) if v.__class__ is list else v
                             for v in row])
            count += 1
        out.flush()
        return count
    finally:
        out.detach()


def write_json(head: dict, key: str, items: Iterable[dict], tail: dict | None = None) -> None:
    """`{**head, key: [items…], **tail}` to stdout, item by item, byte for byte what
    output.emit_json writes for the whole document."""
    write = sys.stdout.write
    tail = tail or {}
    opening = json_text({**head, key: [None], **tail})
    before, after = opening.split("    null", 1)
    first = True
    for item in items:
        write(before if first else ",\n")
        write(_indented(json_text(item)))
        first = False
    write(json_text({**head, key: [], **tail}) + "\n" if first else after + "\n")


def _indented(text: str) -> str:
    return "    " + text.replace("\n", "\n    ")


def show_pages(title: str | None, columns: list[str], rows: Iterable[list]) -> int:
    """Rows on screen a page-sized table at a time, each shown as soon as it is read;
    returns the number of rows."""
    count = 0
    for block in blocks(rows, PAGE):
        table(title if count == 0 else None, columns, block)
        count += len(block)
    return count


def blocks(rows: Iterable, size: int) -> Iterator[list]:
    block: list = []
    for row in rows:
        block.append(row)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block


def page_caption(total: int, offset: int, shown: int, head: str | None = None,
                 ways: str = "--all 显示全部,--offset 翻页,--xlsx 导出") -> str:
    """`head` (共 N 人), and when the screen shows part of them, which part and `ways` to see
    the rest."""
    head = head or f"共 {total} 人"
    if shown == total:
        return head
    if not shown:
        return f"{head};第{offset + 1}人起已没有(用较小的 --offset)"
    return f"{head};显示第{offset + 1}–{offset + shown}人;{ways}"
