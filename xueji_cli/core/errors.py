"""Errors named after their condition. The command layer turns each into a message
and an exit code in exactly one place (cli/output.py); the core never prints.

Messages never carry an ID number in full: use `mask_id` from xueji_cli.core.privacy.
"""

from __future__ import annotations

from xueji_cli.rules import Violation


class XuejiError(Exception):
    """Base class. `exit_code` follows the command contract (PRODUCT.md)."""

    exit_code = 1

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(XuejiError):
    """A value the registrar typed or a file held cannot be read (bad date, bad code …)."""

    def __init__(self, field: str, message: str, hint: str = "", row: str | None = None):
        super().__init__(message, hint)
        self.field = field
        self.row = row


class NotFound(XuejiError):
    """No student, school or entry answers to the key given (`field`: what was given)."""

    def __init__(self, message: str, hint: str = "", field: str | None = None):
        super().__init__(message, hint)
        self.field = field


class Refused(XuejiError):
    """One or more rules refuse the change. Carries every violation found, not just the first."""

    def __init__(self, violations: list[Violation], warnings: list[Violation] | None = None):
        self.violations = violations
        self.warnings = warnings or []
        rules = ", ".join(sorted({v.rule for v in violations}))
        super().__init__(f"被规则拒绝: {rules}")


class DirectoryError(XuejiError):
    """The directory or its database cannot be used: none found, schema out of date,
    locked past the wait, damaged. Exit 3."""

    exit_code = 3
