"""A school's 3-digit code as typed, and the refusal for a code the directory does not
have: shared by the ORM's school functions (records/directory/schools.py) and the September intake,
which works without the ORM (records/enrollment/roster_target.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from xueji_cli.values import fields
from xueji_cli.values.errors import InputError, NotFound


def normalise_code(code: str) -> str:
    text = fields.text(code)
    if text.isdigit() and len(text) <= 3:
        return text.zfill(3)
    raise InputError("code", f"学校代码「{text}」应为3位数字,如 001", "学籍号第7–9位即学校代码")


def national_id(text: str) -> str:
    """A school's 学校标识码 as typed: the national system's 10 digits (STANDARDS.md)."""
    value = fields.text(text)
    if not re.fullmatch(r"\d{10}", value):
        raise InputError("national_id", f"学校标识码「{text}」不是10位数字",
                         "照全国学籍系统中本校的学校标识码填写,如 --national-id 3113012345")
    return value


def not_found(code: str, known: Iterable[tuple[str, str]]) -> NotFound:
    """No school `code` here; `known`: (code, name) of the directory's schools."""
    listed = "、".join(f"{c} {n}" for c, n in sorted(known))
    return NotFound(f"没有代码为 {normalise_code(code)} 的学校",
                    f"本目录的学校:{listed}" if listed else "先用 xueji school add 登记学校",
                    field="school")
