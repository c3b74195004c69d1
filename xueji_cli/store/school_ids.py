"""The national school identifiers (学校标识码, 10 digits, given by the national system)
that fill the first column of the national template's export (STANDARDS.md).

They live in `school_ids.toml` beside xueji.toml — one line `"001" = "1131234567"` per
school — because the school table has no column for them and the schema is not changed
for a value the directory itself never reasons about."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from xueji_cli.values.errors import DirectoryError, InputError

FILE = "school_ids.toml"
HEADER = "# 学校标识码(全国学籍系统的10位学校代码),由 xueji school add/set --national-id 维护\n"


def check(text: str) -> str:
    """A national school identifier as typed: exactly 10 digits."""
    value = (text or "").strip()
    if not re.fullmatch(r"\d{10}", value):
        raise InputError("national_id", f"学校标识码「{text}」不是10位数字",
                         "照全国学籍系统中本校的学校标识码填写,如 --national-id 3113012345")
    return value


def load(directory: Path) -> dict[str, str]:
    """School code → identifier; empty when none has been set."""
    path = Path(directory) / FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DirectoryError(f"{path} 无法读取:{type(exc).__name__}",
                             "改正该文件(每行 \"001\" = \"3113012345\"),或删除后用 xueji school set --national-id 重新填写") from None
    return {str(k): str(v) for k, v in data.items()}


def store(directory: Path, code: str, identifier: str) -> None:
    """Set one school's identifier (written whole, then renamed into place)."""
    held = load(directory)
    held[code] = identifier
    path = Path(directory) / FILE
    temp = path.with_name(f".{FILE}-{os.getpid()}")
    temp.write_text(HEADER + "".join(f'"{k}" = "{v}"\n' for k, v in sorted(held.items())), "utf-8")
    os.replace(temp, path)
