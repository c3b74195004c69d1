"""What `xueji` checks before Typer parses anything (no input ends in a traceback).

- An argument that is not valid text: on Linux, bytes that are not UTF-8 (a script saved
  in GBK, a mis-set terminal) reach Python as lone surrogates, which no database, file or
  JSON document can hold. Refused here as invalid input (exit 1), naming the option (its
  control characters shown as codes, cut short) and never echoing the value (it may be an
  ID number).
- Output streams that cannot encode Chinese (a non-UTF-8 locale) replace what they
  cannot show instead of failing half-way through a message.

And one thing for speed: `enroll --from FILE` starts parsing the rosters here, in a
thread, while the command and the rest of the program load (prefetch_rosters).
"""

from __future__ import annotations

import json
import sys


def undecodable(argv: list[str]) -> tuple[int, str] | None:
    """(position, option) of the first argument that is not valid text, or None."""
    for index, arg in enumerate(argv):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if arg.startswith("--") and "=" in arg:
                option = arg.split("=", 1)[0]
            elif index and argv[index - 1].startswith("-"):
                option = argv[index - 1]
            else:
                option = f"第{index + 1}个参数"
            return index, _echoed(option)
    return None


def _echoed(option: str) -> str:
    """An option as a message may name it: it comes from the command line as typed, so
    its undecodable bytes, control and direction characters are shown as codes (never
    sent to the terminal), and it is cut short."""
    from xueji_cli.values.characters import visible

    shown = visible(option.encode("utf-8", "replace").decode("utf-8"))
    return shown if len(shown) <= 40 else shown[:30] + "…"


def check_argv(argv: list[str]) -> None:
    found = undecodable(argv)
    if found is None:
        return
    _index, option = found
    message = f"{option} 的值含有无法识别的字符(不是 UTF-8 编码的文字),未执行任何操作"
    hint = "检查终端或脚本文件的字符编码是否为 UTF-8,重新输入该值"
    if "--json" in argv:
        sys.stdout.write(json.dumps({"ok": False, "errors": [
            {"rule": "INPUT", "field": option, "row": None, "message": message, "hint": hint}]},
            ensure_ascii=False, indent=2) + "\n")
    sys.stderr.write(f"错误:{message}\n  → {hint}\n")
    raise SystemExit(1)


def tolerant_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


# The options of `takeover` that take a value (its other words are its files).
TAKEOVER_VALUES = ("--school", "--sheet", "--as-of", "--errors-out")


def roster_arguments(argv: list[str]) -> tuple[list[str], str | None]:
    """The files of `enroll --from FILE …` (or of `takeover FILE …`) and its --sheet, read
    off the command line before Typer parses it ([] when this is neither). Only a hint:
    the command reads its own options and parses anew whatever this guessed wrong."""
    command = "enroll" if "enroll" in argv else "takeover" if "takeover" in argv else None
    if command is None:
        return [], None
    rest = argv[argv.index(command) + 1:]
    files, sheet = [], None
    after_value = False
    for option, value in zip(rest, rest[1:] + [None]):
        if command == "takeover" and not after_value and not option.startswith("-"):
            files.append(option)
        after_value = option in TAKEOVER_VALUES
        if option == "--from" and value is not None:
            files.append(value)
        elif option.startswith("--from="):
            files.append(option.split("=", 1)[1])
        elif option == "--sheet" and value is not None:
            sheet = value
        elif option.startswith("--sheet="):
            sheet = option.split("=", 1)[1]
    return files, sheet


def prefetch_rosters(argv: list[str]) -> None:
    """Start parsing the rosters `enroll --from` or `takeover` names (excel/files.prefetch): the
    parse takes about as long as loading the program, and the two overlap."""
    files, sheet = roster_arguments(argv)
    if files:
        from pathlib import Path

        from xueji_cli.excel import files as roster_files

        roster_files.prefetch([Path(f).expanduser() for f in files], sheet)
