"""Errors named after their condition. The command layer turns each into a message
and an exit code in exactly one place (cli/output.py); the core never prints.

Messages never carry an ID number in full: use `mask_id` from xueji_cli.values.privacy.
"""

from __future__ import annotations

from xueji_cli.values.violation import Violation


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


class Ambiguous(NotFound):
    """A KEY (a pupil's name) that names several: `candidates` are the lines that tell
    them apart (never a whole ID number), shown under the message."""

    def __init__(self, message: str, hint: str, candidates: list[dict], field: str | None = None):
        super().__init__(message, hint, field)
        self.candidates = candidates


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


def file_reason(exc: OSError) -> str:
    """Why a file the registrar named could not be written or read, in their words (one
    table for every writer: workbooks, backups, the guard's last resort)."""
    import errno

    return {errno.ENAMETOOLONG: "文件名太长", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
            errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读的磁盘", errno.ENOENT: "文件夹不存在",
            errno.EISDIR: "已有同名的文件夹", errno.ENOTDIR: "路径中的文件夹名已被一个文件占用",
            errno.EEXIST: "路径中的文件夹名已被一个文件占用",
            }.get(exc.errno, exc.strerror or type(exc).__name__)
