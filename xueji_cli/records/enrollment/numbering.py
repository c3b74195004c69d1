"""Local numbers (NUM-1, NUM-2): the next free number of a school's cohort (renumber-check
reads them in number_check.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from xueji_cli.rules.numbering import LOCAL_FORMAT, local_number, local_prefix
from xueji_cli.store.settings import Settings
from xueji_cli.values.errors import Refused
from xueji_cli.values.violation import Violation

if TYPE_CHECKING:
    from sqlmodel import Session

    from xueji_cli.ledger.models import School


def prefix_for(settings: Settings, school: School, entry_year: int) -> str:
    return local_prefix(settings.city, settings.county, entry_year, school.code,
                        settings.type_digit[school.type])


def last_sequence(session: Session, prefix: str) -> int:
    """The highest sequence used under a prefix, cancelled records included: numbers are
    never reused (NUM-3). Must run inside the writer's transaction (BEGIN IMMEDIATE) so
    that no other process takes the same number; on a server the prefix's lock is taken
    first (store/postgres.hold_numbers)."""
    from sqlmodel import select

    from xueji_cli.ledger.models import Student

    connection = session.connection()
    if connection.dialect.name == "postgresql":
        from xueji_cli.store import postgres

        postgres.hold_numbers(connection, prefix)

    return highest(session.exec(
        select(Student.local_number).where(
            Student.local_number >= prefix + "0000", Student.local_number <= prefix + "9999")))


def highest(numbers: Iterable[str | None]) -> int:
    """The highest sequence among the well-formed local numbers of one prefix."""
    return max((int(n[10:]) for n in numbers if n and LOCAL_FORMAT.match(n)), default=0)


class Sequencer:
    """Hands out consecutive numbers per prefix within one transaction (one student, or a
    whole batch)."""

    def __init__(self, session: Session | None = None,
                 last: Callable[[str], int] | None = None):
        """`last(prefix)`: the highest sequence used under a prefix; by default looked up
        through the session (last_sequence)."""
        self._lookup = last or (lambda prefix: last_sequence(session, prefix))
        self._last: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        if prefix not in self._last:
            self._last[prefix] = self._lookup(prefix)
        sequence = self._last[prefix] + 1
        if sequence > 9999:
            raise Refused([Violation(
                "NUM-1", "local_number", f"学籍号前缀 {prefix} 的顺序号已用完(9999)",
                "请与县教育局联系")])
        self._last[prefix] = sequence
        return local_number(prefix, sequence)
