"""Every word the command line itself says is Chinese (cli/usage.py): the usage line, the
help of every option and argument, and every usage error (exit 2) of every command and
group of the table in cli/app.py. The registrar reads Chinese; Click's words are English."""

from __future__ import annotations

import pytest
import typer
from conftest import invoke

from xueji_cli.cli.app import COMMANDS, Group, app

ENGLISH = ("Usage:", "Try '", "for help", "Error:", "Missing argument", "Missing option",
           "Missing command", "Missing parameter", "No such option", "No such command",
           "Invalid value", "Did you mean", "Possible options", "unexpected extra argument",
           "requires an argument", "requires 2", "does not take a value", "is not a valid",
           "is not one of", "Choose from", "Show this message and exit", "[default:",
           "default:", "[required]", "env var", "Options:", "Arguments:", "Commands:", "<str>",
           "<int>", "<path>", "<bool>", "list[", "[OPTIONS]", "COMMAND [ARGS]", "Aborted",
           "(dynamic)", "DEPRECATED")


def _paths() -> list[tuple[str, ...]]:
    paths = []
    for name, spec in COMMANDS.items():
        paths.append((name,))
        if isinstance(spec, Group):
            paths += [(name, sub) for sub in spec.commands]
    return paths


def _command(path: tuple[str, ...]):
    command = typer.main.get_command(app)
    for name in path:
        command = command.get_command(None, name)
    return command


def _english(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


def _wrong_uses(path: tuple[str, ...]) -> list[list[str]]:
    """A wrong option; a missing argument (where one is required); a wrong value of every
    typed option; an option given no value; a flag given one; an extra word."""
    command = _command(path)
    uses = [[*path, "--no-such-option"]]
    if hasattr(command, "list_commands"):
        return uses + [[*path, "no-such-command"]]
    params = [p for p in command.params if p.param_type_name == "option"]
    if any(p.required for p in command.params):
        uses.append([*path])
    for param in params:
        label = param.display_type(None)
        if param.is_flag:
            uses.append([*path, f"{param.opts[0]}=yes"])
        elif label in ("<int>", "<float>"):
            uses.append([*path, param.opts[0], "二〇二六"])
        else:
            uses.append([*path, param.opts[0]])  # the value is missing
    if not any(p.param_type_name == "argument" for p in command.params):
        uses.append([*path, "多余的词"])
    return uses


@pytest.mark.parametrize("path", _paths(), ids=" ".join)
def test_every_wrong_use_is_told_in_chinese_with_exit_2(path):
    """PRODUCT.md exit 2 for wrong usage, told in the registrar's language: no English
    word of Click's reaches stdout or stderr."""
    for argv in _wrong_uses(path):
        result = invoke(None, *argv)
        said = result.stdout + result.stderr
        assert result.exit_code == 2, (argv, said)
        assert "错误:" in result.stderr and "用法:" in result.stderr, (argv, said)
        assert not _english(said), (argv, _english(said), said)


@pytest.mark.parametrize("path", [(), *_paths()], ids=lambda p: " ".join(p) or "xueji")
def test_every_help_is_chinese(path):
    result = invoke(None, *path, "--help")
    assert result.exit_code == 0
    assert "用法:" in result.stdout and "显示本帮助并退出" in result.stdout
    assert not _english(result.stdout), _english(result.stdout)


def test_a_typed_id_number_is_masked_in_a_usage_error():
    """Personal data: an extra word that is an ID number is shown masked."""
    result = invoke(None, "student", "list", "130283201903010034")
    assert result.exit_code == 2
    assert "130283201903010034" not in result.stderr and "130283" in result.stderr


def test_a_bad_date_names_the_accepted_forms_once(township, xueji):
    """A date that cannot be read says how to write one, once (not in the message and
    again in the hint)."""
    result = xueji("class-change", "02262600100001", "--class", "2", "--date", "昨天")
    assert result.exit_code == 1
    assert result.stderr.count("可写作") == 1 and "不是日期" in result.stderr
