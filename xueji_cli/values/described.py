"""The values an entry changed, in words — `姓名 张三→张叁`, `监护人电话 139****5678→…` —
for every screen, card and report that shows a change: ID numbers, national numbers and
phones masked unless revealed (--show-id)."""

from __future__ import annotations

import re

from xueji_cli.values import codes
from xueji_cli.values.labels import field
from xueji_cli.values.privacy import mask_phone, show

SEPARATOR = ";"
# a rule id of RULES.md (TRF-3, ENR-7 …): the project's words, not the office's
_RULE_ID = re.compile(r"\b[A-Z]{2,4}-\d+\s*")


def in_office_words(text: str) -> str:
    """A screen's flag or note as printed on paper for the schools and the bureau: without
    the rule ids that name it on screen (the words that follow say what is wrong)."""
    return _RULE_ID.sub("", text).strip()

def value_text(name: str, value, reveal: bool) -> str:
    if value is None or value == "":
        return "(无)"
    if name == "id_number":
        return show(value, reveal)
    if name == "national_number":
        return show(value, reveal, national=True)
    if name == "guardian_phone":
        return value if reveal else mask_phone(value)
    if name == "ethnicity":
        return codes.label("ethnicity", value)
    if name == "status":
        return codes.label("status", value)
    if name == "gender":
        return codes.label("gender", value)
    if name == "id_type":
        return codes.label("id_type", value)
    if name == "grade":
        return f"{value}年级"
    if name == "class_no":
        return f"{value}班"
    return str(value)


def _changed(details: dict | None) -> tuple[dict, dict, list[str]]:
    """(old, new, the fields whose value changed) of details {"old", "new"}."""
    details = details or {}
    old, new = details.get("old") or {}, details.get("new") or {}
    return old, new, [k for k, v in new.items() if k != "school_id" and old.get(k) != v]


def describe_details(details: dict | None, reveal: bool = False) -> str:
    """`姓名 张三→张叁;全国学籍号 G1302…→G1302…` from details {"old", "new"}."""
    old, new, changed = _changed(details)
    parts = [f"{field(k)} {value_text(k, old.get(k), reveal)}→{value_text(k, new[k], reveal)}"
             for k in changed]
    undoes = details.get("undoes")
    if undoes:
        parts.insert(0, f"撤销 #{undoes['id']} {codes.change_kind(undoes['kind']).label}")
    return SEPARATOR.join(parts)


def sides(details: dict | None, reveal: bool = False) -> tuple[str, str]:
    """(what was, what is) of the person's fields an entry changed — `监护人电话 139****5678`,
    `监护人电话 137****0000` — for the change list's 原/现 columns; ("", "") for none."""
    old, new, changed = _changed(details)
    return (SEPARATOR.join(f"{field(k)} {value_text(k, old.get(k), reveal)}" for k in changed),
            SEPARATOR.join(f"{field(k)} {value_text(k, new[k], reveal)}" for k in changed))
