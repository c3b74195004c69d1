"""A roster's regions written as names (东村村委会, 示范镇东村): turned into their codes with
the directory's region table (records/directory/regions.py) before a row is judged, so
that ENR-2 and the service areas read codes only. The table is loaded once for the whole
roster, and each distinct name is looked up once; a name that names no region, or
several, is a problem of its row (rule INPUT, the candidates listed with their codes)."""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter

from xueji_cli.records.directory.region_names import Regions
from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.values.fields import is_region_name
from xueji_cli.values.violation import Violation

FIELDS = ("hukou_region", "guardian_hukou_region", "residence_region")


def names_in(applicants: list[Applicant]) -> set[str]:
    """The region names of the roster (none in a roster of codes: nothing to load)."""
    found: set[str] = set()
    for key in FIELDS:  # a few distinct values down a column of 100 000 rows
        found.update(map(attrgetter(key), applicants))
    return {value for value in found if is_region_name(value)}


def codes_for(names: set[str], regions: Regions) -> dict[str, str | Violation]:
    """Each name's code, or the problem of naming it (its field filled in per row)."""
    out: dict[str, str | Violation] = {}
    for name in names:
        try:
            out[name] = regions.code(name)
        except ValueError as exc:
            out[name] = Violation("INPUT", "", str(exc), getattr(exc, "hint", ""))
    return out


def with_codes(applicant: Applicant, codes: dict[str, str | Violation]) -> Applicant | None:
    """The Applicant with codes for its names (a copy), or None when it named none."""
    named = [key for key in FIELDS if getattr(applicant, key) in codes]
    if not named:
        return None
    changes: dict = {"problems": list(applicant.problems)}
    for key in named:
        found = codes[getattr(applicant, key)]
        if isinstance(found, Violation):
            changes["problems"].append(Violation("INPUT", key, found.message, found.hint))
            changes[key] = ""
        else:
            changes[key] = found
    return replace(applicant, **changes)
