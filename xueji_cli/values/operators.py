"""Who records a change (经办人): the registrar's own name, or — where none is set — the
computer's account, kept in the journal marked as not a name (CHG-3: every entry names
who made it) and never printed on a form as 经办人."""

from __future__ import annotations

ACCOUNT_MARK = "(系统账户,非姓名)"
# Accounts that are never a person's name, even in entries recorded before the mark.
SYSTEM_ACCOUNTS = frozenset({"root", "administrator", "admin", "system", "unknown"})
HOW_TO_SET = ("未设置经办人姓名,表格上的经办人一栏留空;设置方法:在 xueji.toml 中写 operator = \"姓名\","
              "或设置环境变量 XUEJI_OPERATOR(优先),新建目录时可用 xueji init --operator 姓名")


def as_account(account: str) -> str:
    """The computer's account as the journal records it: marked as not a name."""
    return f"{account}{ACCOUNT_MARK}"


def signature(operator: str | None) -> str:
    """The name to print as 经办人 / 填表人: blank for an account rather than a name."""
    text = (operator or "").strip()
    if not text or text.endswith(ACCOUNT_MARK) or text.lower() in SYSTEM_ACCOUNTS:
        return ""
    return text
