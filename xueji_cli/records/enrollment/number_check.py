"""What renumber-check reads (NUM-1, NUM-2, NUM-5), found in SQL: a county holds 100k
records, nearly all of them right. The database finds the few rows worth judging — a
local number not of the record's prefix, a national number not plainly right, the ends
of a gap, a number held twice — and the pure rules of rules/numbering judge only those,
exactly as check_numbers judges the whole list."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import Integer, String, and_, case, cast, false, func, literal, or_, select, true
from sqlmodel import Session

from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.rules.identity import RESIDENT_ID
from xueji_cli.rules.numbering import (
    LOCAL_FORMAT,
    NumberedRecord,
    Problem,
    check_national,
    check_record,
    national_duplicate,
    sequence_problems,
)
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes

TAKEOVER = "takeover"  # the change kind of a record taken over as it stood (接收原有学籍)
CHUNK = 500  # numbers per IN list (SQLite's and the server's limits on parameters)
# A national number the rule can only pass when its check character is right (G, J) or
# always (L): a letter and eighteen ASCII characters (NUM-5).
PLAIN_NATIONAL = re.compile(r"[GJL][0-9]{17}[0-9X]")
CHECK_CHARACTERS = "0123456789X"
NATIONAL_NUMBERS = ("SELECT national_number FROM student WHERE national_number IS NOT NULL"
                    " ORDER BY national_number")  # the index alone answers it


def renumber_check(session: Session, settings: Settings, school: str | None = None,
                   year: int | None = None) -> tuple[int, list[Problem]]:
    """(numbers checked, the problems found), in check_numbers' order: each record's own
    local-number problems in record order, then per school and prefix the 0000s,
    duplicates and gaps, then each record's national-number problems, then the national
    numbers held by several persons."""
    scope = Scope(session, settings, school, year)
    prefixes = scope.prefixes()
    doubtful, shared = national_numbers(scope.connection)
    suspects = scope.suspects(None in prefixes, doubtful)
    problems = [p for rec in suspects for p in check_record(rec, settings.city, settings.county)]
    problems += scope.sequence_problems(prefixes)
    problems += [p for rec in suspects for p in check_national(rec)]
    problems += scope.national_duplicates(shared)
    return sum(count for count, _first, _last in prefixes.values()), problems


def national_numbers(connection) -> tuple[set[str], set[str]]:
    """Every record's national number, read in the order of its index by the driver's own
    cursor (100k of them): (those the rule may find wrong by themselves — not G/J/L and
    18 characters, a G or J number whose check character is wrong (NUM-5) — and those
    held by more than one record). The check character is stdnum's ric.calc_check_digit,
    which check_national_number calls, written out here."""
    doubtful: set[str] = set()
    shared: set[str] = set()
    previous = None
    cursor = connection.connection.cursor()
    try:
        cursor.execute(NATIONAL_NUMBERS)
        plain = PLAIN_NATIONAL.fullmatch
        for (number,) in cursor:
            if number == previous:
                shared.add(number)
            elif number and not (plain(number) and (number[0] == "L" or number[18] == (
                    CHECK_CHARACTERS[(1 - 2 * int(number[1:18], 13)) % 11]))):
                doubtful.add(number)
            previous = number
    finally:
        cursor.close()
    shared.discard("")
    return doubtful, shared


class Scope:
    """The regular records renumber-check looks at (a school, an entry year), and the
    queries over them."""

    def __init__(self, session: Session, settings: Settings, school: str | None,
                 year: int | None):
        self.session, self.settings = session, settings
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        where = [Student.kind == "regular"]
        if school:
            where.append(School.code == school)
        if year is not None:
            where.append(Student.entry_year % 100 == year % 100)
        self.select = lambda *columns: (select(*columns)
                                        .join(School, School.id == Student.school_id)
                                        .where(*where))

    def prefixes(self) -> dict[str | None, tuple[int, str, str]]:
        """Per prefix of the well-formed numbers (CCKKYYSSST), (how many, the first, the
        last); under None the records whose local number is not plainly of their own
        prefix (check_record judges them)."""
        number = Student.local_number
        rows = self.select(case((self._clean(), func.substr(number, 1, 10))).label("prefix"),
                           number.label("number")).subquery()
        return {prefix: (count, first, last) for prefix, count, first, last in
                self.connection.execute(select(rows.c.prefix, func.count(), func.min(rows.c.number),
                                               func.max(rows.c.number)).group_by(rows.c.prefix))}

    def suspects(self, unclean: bool, doubtful: set[str]) -> list[NumberedRecord]:
        """In record order, the records the rules judge one by one: a local number not
        plainly of its prefix (when there are any), a national number found doubtful, or
        a G number other than G + the record's resident ID number."""
        person_id = func.coalesce(Person.id_number, "")
        national = Student.national_number
        found = or_(and_(func.substr(national, 1, 1) == "G",
                         func.coalesce(Person.id_type, "") == RESIDENT_ID, person_id != "",
                         func.substr(national, 2) != person_id),
                    case((self._clean(), false()), else_=true()) if unclean else false())
        records = dict(self._records(found))
        for chunk in _chunks(sorted(doubtful)):
            records.update(self._records(national.in_(chunk)))
        return [records[key] for key in sorted(records)]

    def sequence_problems(self, prefixes: dict[str | None, tuple[int, str, str]]) -> list[Problem]:
        """NUM-2 per school and prefix over the well-formed numbers. A prefix whose numbers
        are 0001 up to their count, none of them held twice, is whole; in the others the
        rows where the sequence breaks — a 0000, a number held again, the next number after
        a gap — are found with LAG in number order."""
        twice = {number[:10] for (number,) in self.connection.execute(
            select(Student.local_number).where(Student.local_number.is_not(None))
            .group_by(Student.local_number).having(func.count() > 1))}
        broken = sorted(prefix for prefix, (count, first, last) in prefixes.items()
                        if prefix is not None and (prefix in twice or first[10:] == "0000"
                                                   or int(last[10:]) != count))
        breaks: dict[str, dict] = defaultdict(lambda: {"wanted": set(), "gaps": []})
        for chunk in _chunks(broken):
            for number, previous in self._breaks(chunk):
                prefix, seq = number[:10], int(number[10:])
                found = breaks[prefix]
                if seq == 0 or number == previous:
                    found["wanted"].add(seq)
                else:
                    start = int(previous[10:]) if previous and previous[:10] == prefix else 0
                    found["gaps"].append((start, seq))
                    found["wanted"].update((start, seq))
        if not breaks:
            return []
        holders = self._holders(f"{prefix}{seq:04d}" for prefix, found in breaks.items()
                                for seq in found["wanted"])
        taken = taken_over(self.session) if any(f["gaps"] for f in breaks.values()) else {}
        problems = []
        for prefix, found in sorted(breaks.items(), key=lambda item: (item[0][6:9], item[0])):
            problems += sequence_problems(prefix[6:9], prefix, holders[prefix], found["gaps"],
                                          taken.get(prefix, 0))
        return problems

    def national_duplicates(self, shared: set[str]) -> list[Problem]:
        """NUM-5: a national number held by several persons, in the order of its first
        record."""
        holders: dict[str, list[tuple[int, NumberedRecord]]] = defaultdict(list)
        for chunk in _chunks(sorted(shared)):
            for key, rec in self._records(Student.national_number.in_(chunk)):
                holders[rec.national_number].append((key, rec))
        found = []
        for number, held in holders.items():
            held.sort(key=lambda item: item[0])
            people = len({rec.person_id for _, rec in held})
            if people > 1:
                found.append((held[0][0], national_duplicate(
                    number, people, [rec.label for _, rec in held])))
        return [problem for _, problem in sorted(found, key=lambda item: item[0])]

    # -- the SQL ---------------------------------------------------------------------------

    def _records(self, condition) -> Iterator[tuple[int, NumberedRecord]]:
        """(record id, what the rules read of it) of the records in scope that meet the
        condition."""
        type_digit = self.settings.type_digit
        query = (self.select(Student.id, Student.local_number, Student.entry_year,
                             Student.status, Student.national_number, Student.person_id,
                             Person.name, Person.id_type, Person.id_number, School.code,
                             School.type)
                 .join(Person, Person.id == Student.person_id).where(condition))
        for (key, number, entry_year, status, national_number, person_id, name, id_type,
             id_number, code, type_) in self.connection.execute(query):
            yield key, NumberedRecord(
                local_number=number or "", school_code=code, type_digit=type_digit[type_],
                entry_year=entry_year,
                label=f"{number or '(无号)'} {name}({codes.label('status', status)})",
                national_number=national_number, id_type=id_type, id_number=id_number,
                person_id=person_id)

    def _breaks(self, prefixes: list[str]) -> list[tuple[str, str | None]]:
        """(number, the number before it) of the well-formed numbers of these prefixes
        where the sequence breaks, read in number order with LAG."""
        number = Student.local_number
        ordered = (self.select(number.label("number"),
                               func.lag(number).over(order_by=number).label("previous"))
                   .where(self._clean(), func.substr(number, 1, 10).in_(prefixes)).subquery())
        at, before = ordered.c.number, ordered.c.previous
        seq = cast(func.substr(at, 11, 4), Integer)
        start = case((func.substr(before, 1, 10) == func.substr(at, 1, 10),
                      cast(func.substr(before, 11, 4), Integer)), else_=0)
        return self.connection.execute(
            select(at, before).where(or_(seq == 0, at == before, seq > start + 1))).all()

    def _holders(self, numbers: Iterable[str]) -> dict[str, dict[int, list[str]]]:
        """Per prefix and sequence, the labels of the well-formed records holding the
        numbers, in record order."""
        held: list[tuple[int, NumberedRecord]] = []
        for chunk in _chunks(sorted(numbers)):
            held += self._records(and_(Student.local_number.in_(chunk), self._clean()))
        holders: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for _key, rec in sorted(held, key=lambda item: item[0]):
            holders[rec.local_number[:10]][int(rec.local_number[10:])].append(rec.label)
        return holders

    def _clean(self):
        """The local number is fourteen digits of the record's own prefix (check_record
        finds nothing): city, county, entry year, school and its type digit."""
        number, settings = Student.local_number, self.settings
        year = Student.entry_year % 100
        two_digits = case((year < 10, literal("0") + cast(year, String)), else_=cast(year, String))
        digits = (number.op("~")("^[0-9]{14}$") if self.postgres
                  else number.op("GLOB")("[0-9]" * 14))
        return and_(number.is_not(None), func.length(number) == 14, digits,
                    func.substr(number, 1, 2) == settings.city,
                    func.substr(number, 3, 2) == settings.county,
                    func.substr(number, 5, 2) == two_digits,
                    func.substr(number, 7, 3) == School.code,
                    func.substr(number, 10, 1) == case(settings.type_digit, value=School.type))


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def taken_over(session: Session) -> dict[str, int]:
    """Per prefix (CCKKYYSSST), the highest sequence of the records taken over as they
    stood: the gaps below it were in the sequence before this directory kept it (NUM-2)."""
    highest_of: dict[str, int] = {}
    for (sets,) in session.connection().execute(
            select(JournalEntry.sets).where(JournalEntry.kind == TAKEOVER)):
        number = (sets or {}).get("local_number") or ""
        if LOCAL_FORMAT.match(number):
            prefix, sequence = number[:10], int(number[10:])
            highest_of[prefix] = max(highest_of.get(prefix, 0), sequence)
    return highest_of
