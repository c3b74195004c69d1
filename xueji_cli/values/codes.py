"""The code tables of data/codes.toml, and the one way to read a coded value.

A roster cell may hold the code (`01`), the label (`汉族`) or both (`01-汉族`);
`parse_code` accepts all three and returns the code, or None when it is unknown.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@cache
def _tables() -> dict:
    text = resources.files("xueji_cli.data").joinpath("codes.toml").read_text("utf-8")
    return tomllib.loads(text)


def table(name: str) -> dict[str, str]:
    """code -> label of one table (gender, ethnicity, id_type, status, evidence, …)."""
    return _tables()[name]


def label(name: str, code: str | None) -> str:
    if code is None or code == "":
        return ""
    return table(name).get(code, code)


# The code table of each projected field that holds a code (xueji check, the monthly report).
PROJECTED_TABLES = {"status": "status", "kind": "record_kind"}


def projected_label(field: str, value):
    """A projected field's value in words (退学, not withdrawn; 借读学籍, not borrowing);
    the values of other fields as they are."""
    name = PROJECTED_TABLES.get(field)
    return label(name, value) if name and isinstance(value, str) and value else value


def _clean(value: str) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


@cache
def _reverse(name: str) -> dict[str, str]:
    """Every accepted spelling -> code, for one table."""
    tables = _tables()
    out: dict[str, str] = {}
    for code, text in tables[name].items():
        out[code.upper()] = code
        out[text] = code
        if name == "ethnicity":
            out[text + "族"] = code
            out[str(int(code))] = code  # "1" for "01": Excel drops the zero
    for alias, code in tables.get(name + "_aliases", {}).items():
        out[alias.upper() if len(alias) == 1 else alias] = code
    return out


def parse_code(name: str, value: object) -> str | None:
    """The code for `value` written as code, label or `code-label`; None if unknown."""
    if value is None:
        return None
    text = _clean(str(value))
    if not text:
        return None
    reverse = _reverse(name)
    for candidate in (text, text.upper()):
        if candidate in reverse:
            return reverse[candidate]
    for sep in ("-", " ", ":", "|"):
        if sep in text:
            code, _, rest = text.partition(sep)
            code, rest = code.strip(), rest.strip()
            found = reverse.get(code) or reverse.get(code.upper())
            if found and (not rest or reverse.get(rest) == found):
                return found
    return None


@dataclass(frozen=True)
class ChangeKind:
    key: str
    label: str
    code: str | None  # national change-type code, when there is one
    group: str  # in / out / other, for the monthly report


def require(name: str, value: str, field: str, what: str) -> str:
    """parse_code, or an InputError naming the `field` and listing the labels to choose from."""
    found = parse_code(name, value)
    if not found:
        from xueji_cli.values.errors import InputError

        raise InputError(field, f"没有「{value}」这种{what}", f"可选:{'、'.join(table(name).values())}")
    return found


@cache
def change_kind(key: str) -> ChangeKind:
    entry = _tables()["change_kind"][key]
    return ChangeKind(key, entry["label"], entry.get("code"), entry["group"])


def entry_label(kind: str, details: dict | None = None) -> str:
    """The label of one journal entry: its kind's, except an undo of a kind codes.toml's
    `undo_label` names (撤销信息变更, CHG-3), told by the entry's details {"undoes": …}."""
    if kind == "undo":
        undoes = (details or {}).get("undoes") or {}
        named = table("undo_label").get(undoes.get("kind"))
        if named:
            return named
    return change_kind(kind).label


def change_kinds() -> list[ChangeKind]:
    return [change_kind(k) for k in _tables()["change_kind"]]


def evidence_key(text: str) -> str:
    """The evidence kind for what the registrar typed; unknown text is kept as written."""
    cleaned = _clean(text)
    return parse_code("evidence", cleaned) or cleaned


def evidence_label(key: str) -> str:
    return table("evidence").get(key, key)
