"""A rule's finding: the rule id, the field, what is wrong and what would make it pass.
Severity "warning" records something the registrar must see but that does not refuse the
change. The rules (rules/) return lists of them; errors.Refused carries them to the
command layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Violation:
    rule: str
    field: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" refuses; "warning" is shown and recorded

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict:
        return asdict(self)


def warning(rule: str, field: str, message: str, hint: str = "") -> Violation:
    return Violation(rule, field, message, hint, "warning")


def reported_once(violations: list[Violation]) -> list[Violation]:
    """A value that could not be read (rule INPUT) is reported once, as such: a rule's
    finding on the same field — that it is missing, too short, not allowed — follows from
    the value having been set aside and is left out."""
    unreadable = {v.field for v in violations if v.rule == "INPUT"}
    if not unreadable:
        return violations
    return [v for v in violations if v.rule == "INPUT" or v.field not in unreadable]


def split(violations: list[Violation]) -> tuple[list[Violation], list[Violation]]:
    """(errors, warnings)."""
    errors = [v for v in violations if v.is_error]
    return errors, [v for v in violations if not v.is_error]
