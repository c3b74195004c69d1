"""Local numbers (NUM-1, NUM-2): the next free number of a school's cohort, and the
records renumber-check looks at."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from xueji_cli.rules.numbering import (
    LOCAL_FORMAT,
    NumberedRecord,
    check_numbers,
    local_number,
    local_prefix,
)
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
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


def numbered_records(session: Session, settings: Settings, school: str | None = None,
                     year: int | None = None) -> list[NumberedRecord]:
    from sqlmodel import select

    from xueji_cli.ledger.models import Person, School, Student

    query = (select(Student.local_number, Student.entry_year, Student.status,
                    Student.national_number, Student.person_id, Person.name, Person.id_type,
                    Person.id_number, School.code, School.type)
             .join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id)
             .where(Student.kind == "regular"))
    if school:
        query = query.where(School.code == school)
    if year is not None:
        query = query.where(Student.entry_year % 100 == year % 100)
    records = []
    # Plain rows (a county holds 100k records): the columns the checks read, no table objects.
    for (number, entry_year, status, national_number, person_id, name, id_type, id_number,
         code, type_) in session.connection().execution_options(yield_per=2000).execute(query):
        records.append(NumberedRecord(
            local_number=number or "",
            school_code=code,
            type_digit=settings.type_digit[type_],
            entry_year=entry_year,
            label=f"{number or '(无号)'} {name}({codes.label('status', status)})",
            national_number=national_number,
            id_type=id_type,
            id_number=id_number,
            person_id=person_id,
        ))
    return records


def renumber_check(session: Session, settings: Settings, school: str | None = None,
                   year: int | None = None) -> tuple[int, list]:
    """(numbers checked, the problems found)."""
    records = numbered_records(session, settings, school, year)
    return len(records), check_numbers(records, settings.city, settings.county, taken_over(session))


TAKEOVER = "takeover"  # the change kind of a record taken over as it stood (接收原有学籍)


def taken_over(session: Session) -> dict[str, int]:
    """Per prefix (CCKKYYSSST), the highest sequence of the records taken over as they
    stood: the gaps below it were in the sequence before this directory kept it (NUM-2)."""
    from sqlmodel import select

    from xueji_cli.ledger.models import JournalEntry

    highest_of: dict[str, int] = {}
    for (sets,) in session.connection().execute(
            select(JournalEntry.sets).where(JournalEntry.kind == TAKEOVER)):
        number = (sets or {}).get("local_number") or ""
        if LOCAL_FORMAT.match(number):
            prefix, sequence = number[:10], int(number[10:])
            highest_of[prefix] = max(highest_of.get(prefix, 0), sequence)
    return highest_of
