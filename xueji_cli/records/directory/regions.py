"""The directory's region table (统计用区划代码): importing the county's list, listing it,
and loading it once per command as `Regions` (records/directory/region_names.py) — the
one place where a region's name typed or read from a roster becomes its code, before any
rule (ENR-2, TRF-1, TRF-12, BOR-2) reads it, and where a form finds the name of a code.

The converters of values/fields keep accepting text (fields.region_or_name); this module
turns the names among it into codes with the store's table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xueji_cli.records.directory import region_file
from xueji_cli.records.directory.region_names import Regions, stdnum_regions
from xueji_cli.values import fields
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation

if TYPE_CHECKING:
    from sqlmodel import Session

COLUMNS = "code, name, level, parent"


def load(session: Session) -> Regions:
    """The table as it stands, in one query."""
    from sqlalchemy import text

    return Regions(session.execute(text(f"SELECT {COLUMNS} FROM region")))


def load_rows(execute) -> Regions:
    """The same through a driver's own statements (`execute`: sqlite3's, or psycopg's on a
    server), for the September intake, which does not go through the ORM."""
    return Regions(execute(f"SELECT {COLUMNS} FROM region"))


def labeller(load: Callable[[], Regions]) -> Callable[[str], str]:
    """A region code → 名称(代码) for the messages of the rules (ENR-2, TRF-12, BOR-2):
    the table is loaded on the first call only — a refusal that names a region — and once."""
    table: list[Regions] = []

    def label(code: str) -> str:
        if not table:
            table.append(load())
        return table[0].label(code)

    return label


def session_labeller(session: Session) -> Callable[[str], str]:
    return labeller(lambda: load(session))


def resolve(regions: Regions, value: str | None) -> str | None:
    """A value of region_or_name: a code stays; a name becomes the code of the one region
    it names (RegionNotFound, a ValueError, otherwise)."""
    if value and fields.is_region_name(value):
        return regions.code(value)
    return value


def names_among(typed: dict[str, str | list[str] | None]) -> bool:
    """Whether any value typed for a region is a name (not a code, right or wrong)."""
    return any(_is_name(v) for value in typed.values() for v in _values(value))


def resolve_typed(session: Session, typed: dict[str, str | list[str] | None]
                  ) -> dict[str, str | list[str] | None]:
    """Options as typed (field → value or values): each name among them becomes the code
    of the one region it names; codes, right or wrong, are left for the command's own
    converters, and so is a name that names no region or several, as an
    fields.UnresolvedRegion that the converter reports with the candidates."""
    regions = load(session)

    def code_of(value: str) -> str:
        if not _is_name(value):
            return value
        try:
            return regions.code(fields.region_or_name(value))
        except ValueError as exc:
            return fields.UnresolvedRegion(value, exc)

    return {key: [code_of(v) for v in value] if isinstance(value, list)
            else code_of(value) if value else value for key, value in typed.items()}


def _values(value: str | list[str] | None) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []


def _is_name(value: str) -> bool:
    return not fields.normalise_region(value).isascii()


@dataclass
class Imported:
    added: int
    renamed: int
    unchanged: int
    counties: int


def import_file(session: Session, path: Path) -> Imported:
    """Every township and village of the file into the table, all or nothing: every
    problem of the file is reported at once (Refused). Importing the same file again
    changes nothing; a region whose name changed is renamed; regions the file no longer
    lists are kept (records may name them)."""
    from sqlmodel import select

    from xueji_cli.ledger.models import Region

    found = region_file.read(path)
    held = {r.code: r for r in session.exec(select(Region))}
    problems = list(found.problems)
    for code, (_code, name, level, parent) in found.rows.items():
        if level == "village" and parent not in found.rows and parent not in held:
            problems.append(Violation(
                "INPUT", "region_file",
                f"第{found.row_of[code]}行:{name}({code})所属的乡镇 {parent} 不在表中",
                "区划表应包含各村所属乡镇的9位代码(或以000结尾的12位代码)及名称"))
    if problems:
        raise Refused(problems)
    added = renamed = 0
    for code, (_code, name, level, parent) in found.rows.items():
        row = held.get(code)
        if row is None:
            session.add(Region(code=code, name=name, level=level, parent=parent))
            added += 1
        elif row.name != name:
            row.name = name
            session.add(row)
            renamed += 1
    return Imported(added, renamed, len(found.rows) - added - renamed, found.counties)


def listing(session: Session, text: str | None = None) -> list[dict]:
    """The regions of the table (and stdnum's counties when `text` names them), by code;
    with `text`, those whose code begins with it or whose name holds it."""
    regions = load(session)
    rows = sorted(regions.imported.values(), key=lambda r: r.code)
    if text:
        wanted = text.strip()
        rows = [r for r in rows if r.code.startswith(wanted) or wanted in r.name]
        if not rows:
            rows = [r for code, r in sorted(stdnum_regions().items())
                    if code.startswith(wanted) or wanted in r.name]
    return [{"code": r.code, "name": r.name, "level": r.level, "parent": r.parent,
             "parent_name": regions.name(r.parent)} for r in rows]

