"""The words of the command line itself, in Chinese: the usage line, the help of every
option and argument, the section titles, and every usage error (exit 2).

Typer vendors Click, whose words are English and fixed in its code (no catalogue to
translate them): the classes here write them instead. `ChineseCommand` is the class of
every command, cli/app.py's groups take `ChineseHelp`, and a group passes every error
of the command line through `InChinese`. Only typer is imported: `xueji --help` loads
this module.

A usage error names what was wrong and what would make it pass, and never echoes a value
typed for an option (it may be an ID number); an extra word is shown masked.
"""

from __future__ import annotations

import re
import unicodedata

import typer
from typer._click import exceptions as click_errors
from typer.core import TyperCommand

OPTIONS_METAVAR = "[选项]"
COMMANDS_METAVAR = "命令 [参数]..."
HELP_OPTION = "显示本帮助并退出"
# Typer's names of the value types (`<str>`, `<int>`, `<list[str]>` …) in Chinese.
TYPE_WORDS = {"str": "文字", "int": "整数", "float": "数字", "bool": "是/否", "path": "路径",
              "file": "文件", "directory": "文件夹", "datetime": "日期时间"}


class Misuse(click_errors.UsageError):
    """A usage error (exit 2) in the program's own words, with what would make it pass."""

    def __init__(self, message: str, ctx=None, hint: str = "") -> None:
        super().__init__(message, ctx)
        self.hint = hint


class InChinese(click_errors.ClickException):
    """Any error of the command line, shown in Chinese with its own exit code."""

    def __init__(self, error: click_errors.ClickException) -> None:
        super().__init__(error.message)
        self.error, self.exit_code = error, error.exit_code

    def show(self, file=None) -> None:
        show(self.error, file)


def in_chinese(error: click_errors.ClickException) -> click_errors.ClickException:
    """The error to raise in place of `error`: the help asked for by an empty command line
    (NoArgsIsHelpError) is shown as it is, everything else in Chinese."""
    if isinstance(error, (InChinese, click_errors.NoArgsIsHelpError)):
        return error
    return InChinese(error)


def show(error: click_errors.ClickException, file=None) -> None:
    ctx = getattr(error, "ctx", None)
    lines = [ctx.get_usage()] if ctx is not None else []
    lines.append(f"错误:{describe(error)}")
    if getattr(error, "hint", ""):
        lines.append(f"  → {error.hint}")
    path = ctx.command_path if ctx is not None else "xueji"
    lines.append(f"  → 查看帮助:{path} -h")
    typer.echo("\n".join(lines), file=file, err=file is None)


def describe(error: click_errors.ClickException) -> str:
    """What was wrong, in Chinese, from the kind of the error and the parameter it names
    (Click's own message is English and is not shown)."""
    ctx = getattr(error, "ctx", None)
    param = getattr(error, "param", None)
    if isinstance(error, Misuse):
        return error.message
    if isinstance(error, click_errors.MissingParameter) and param is not None:
        what = "参数" if param.param_type_name == "argument" else "选项"
        return f"缺少{what} {_shown_name(param)}" + (f"({param.help})" if param.help else "")
    if isinstance(error, click_errors.NoSuchOption):
        close = sorted(error.possibilities or ())
        return (f"没有 {typed(error.option_name)} 这个选项"
                + (f",是不是 {'、'.join(close)}?" if close else ""))
    if isinstance(error, click_errors.BadOptionUsage):
        option = _option(ctx, error.option_name)
        if option is not None and option.is_flag:
            return f"选项 {error.option_name} 不带值,只写 {error.option_name} 即可"
        return f"选项 {error.option_name} 后面要写一个值" + (f"({option.help})" if option and option.help else "")
    if isinstance(error, click_errors.BadParameter) and param is not None:
        return f"{_shown_name(param)} 的值不对,应为{value_word(param, ctx)[1:-1]}"
    if isinstance(error, click_errors.UsageError) and ctx is not None and hasattr(ctx.command, "list_commands"):
        return "缺少命令,或命令写得不对"  # a group's only other usage error: "Missing command."
    return "命令行写得不对"


class ChineseHelp:
    """The usage line, the help option and the options' and arguments' help in Chinese;
    every error of the command line raised as InChinese, with the context of the command
    (Click's parser raises some without one, which would leave them without the usage line)."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click_errors.ClickException as error:
            raise in_chinese(error) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click_errors.ClickException as error:
            raise in_chinese(error) from None

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法:")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_parameters(self, ctx, formatter) -> None:
        rows: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            if not param.hidden:
                rows[param.param_type_name].append(help_record(param, ctx))
        for title, kind in (("参数", "argument"), ("选项", "option")):
            if rows[kind]:
                with formatter.section(title):
                    write_rows(formatter, rows[kind])

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click_errors.UsageError as error:
            if error.ctx is None:
                error.ctx, error.cmd = ctx, ctx.command
            raise


class ChineseCommand(ChineseHelp, TyperCommand):
    """A command: its arguments in the usage line as its help names them, and extra words
    refused in Chinese."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx, formatter) -> None:
        self.format_parameters(ctx, formatter)

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            raise Misuse(f"多出了 {len(rest)} 个词:{typed(' '.join(rest))}", ctx,
                         "删去多出的词;含空格的值请加引号")
        return rest


def write_rows(formatter, rows: list[tuple[str, str]], first_max: int = 30) -> None:
    """Click's definition list, laid out by the width a terminal gives each character (a
    Chinese one takes two columns; Click counts one), its second column wrapped to fit."""
    first = min(max(_width(name) for name, _text in rows), first_max) + 2
    indent = " " * formatter.current_indent
    for name, text in rows:
        lines = _wrapped(text, max(formatter.width - formatter.current_indent - first, 20))
        if _width(name) > first - 2:
            formatter.write(f"{indent}{name}\n")
            name = ""
        for number, line in enumerate(lines or [""]):
            head = name if number == 0 else ""
            formatter.write(f"{indent}{head}{' ' * (first - _width(head))}{line}".rstrip() + "\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = frozenset(",。、;:!?)」』》〉】,.;:!?)")
_NO_LINE_END = frozenset("(「『《〈【(")


def _wrapped(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken between Chinese characters or at spaces;
    a run of ASCII (an option, a code, a date) is never cut."""
    if 2 * len(text) <= width or _width(text) <= width:
        return [text] if text else []
    lines, line, used = [], "", 0
    for token in _TOKENS.findall(text):
        size = _width(token)
        if line and used + size > width and not token.isspace() and token not in _NO_LINE_START:
            held = line[-1] if line[-1] in _NO_LINE_END else ""
            lines.append(line[:len(line) - len(held)].rstrip())
            line, used = held + token, _width(held) + size
        else:
            line, used = line + token, used + size
    return lines + [line.rstrip()] if line.strip() else lines


_TOKENS = re.compile(r"[!-~]+|\s+|.")


def help_record(param, ctx) -> tuple[str, str]:
    """(names, help) of one option or argument: its value as a Chinese word (or its
    metavar), and its default, whether it is required and its environment variable."""
    if param.param_type_name == "argument":
        word = value_word(param, ctx)
        name = argument_name(param) + ("" if word == "<文字>" else f" {word}")
    else:
        value = "" if param.is_flag or param.count else f" {param.metavar or value_word(param, ctx)}"
        name = " / ".join(", ".join(sorted(opts, key=len)) + value
                          for opts in (param.opts, param.secondary_opts) if opts)
    extras = []
    if param.envvar and getattr(param, "show_envvar", True):
        extras.append(f"环境变量 {param.envvar}")
    default = _default_text(param)
    if default:
        extras.append(f"默认:{default}")
    if param.required:
        extras.append("必填")
    text = param.help or ""
    if extras:
        text = f"{text}  [{';'.join(extras)}]" if text else f"[{';'.join(extras)}]"
    return name, text


def argument_name(param) -> str:
    return param.metavar or param.name.upper() + ("..." if param.nargs != 1 else "")


def value_word(param, ctx) -> str:
    """`<文字>`, `<整数>` … for Typer's `<str>`, `<int>` …; a list is written as its item
    (the option is repeated); a choice stays its values."""
    label = param.display_type(ctx)[1:-1]
    if label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    return f"<{TYPE_WORDS.get(label, label)}>"


def _default_text(param) -> str:
    value, shown = param.default, getattr(param, "show_default", True)
    if isinstance(shown, str):
        return shown
    if not shown or value is None or callable(value) or value == () or value == []:
        return ""
    if param.param_type_name == "option" and param.is_flag:
        if not param.secondary_opts:
            return ""
        return param.opts[0] if value else param.secondary_opts[0]
    if isinstance(value, (list, tuple)):
        return "、".join(str(getattr(item, "value", item)) for item in value)
    return str(getattr(value, "value", value))


def _shown_name(param) -> str:
    if param.param_type_name == "argument":
        return argument_name(param)
    return max(param.opts, key=len)


def _option(ctx, name: str):
    if ctx is None:
        return None
    return next((p for p in ctx.command.params if name in p.opts or name in p.secondary_opts), None)


def typed(text: str) -> str:
    """Words typed on the command line as a message may show them: control characters as
    codes, an ID number masked, cut short."""
    from xueji_cli.values.characters import visible
    from xueji_cli.values.privacy import mask_text

    shown = visible(mask_text(text))
    return shown if len(shown) <= 60 else shown[:50] + "…"
