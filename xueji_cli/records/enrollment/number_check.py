"""What renumber-check reads (NUM-1, NUM-2, NUM-5), found in SQL: a county holds 100k
records, nearly all of them right. The database finds the few rows worth judging — a
local number not of the record's prefix, a national number not plainly right, the ends
of a gap, a number held twice — and the pure rules of rules/numbering judge only those,
exactly as check_numbers judges the whole list."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from stdnum.cn import ric

from xueji_cli.records.directory.plain_list import require_school
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
from xueji_cli.store.reading import chunks, in_list
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes

TAKEOVER = "takeover"  # the change kind of a record taken over as it stood (接收原有学籍)
# A national number the rule can only pass when its check character is right (G, J) or
# always (L): a letter and eighteen ASCII characters (NUM-5).
PLAIN_NATIONAL = re.compile(r"[GJL][0-9]{17}[0-9X]")
NATIONAL_NUMBERS = ("SELECT national_number FROM student WHERE national_number IS NOT NULL"
                    " ORDER BY national_number")  # the index alone answers it
IN_SCOPE = "FROM student s JOIN school sc ON sc.id = s.school_id"
NUMBER = "s.local_number"


def renumber_check(reader, settings: Settings, school: str | None = None,
                   year: int | None = None) -> tuple[int, list[Problem]]:
    """(numbers checked, the problems found), in check_numbers' order: each record's own
    local-number problems in record order, then per school and prefix the 0000s,
    duplicates and gaps, then each record's national-number problems, then the national
    numbers held by several persons. `reader`: store/reading's, on SQLite or a server.
    A school named must be one of the directory's (NotFound, as every command says it)."""
    if school:
        require_school(reader, school)
    scope = Scope(reader, settings, school, year)
    prefixes = scope.prefixes()
    doubtful, shared = national_numbers(reader)
    suspects = scope.suspects(None in prefixes, doubtful)
    problems = [p for rec in suspects for p in check_record(rec, settings.city, settings.county)]
    problems += scope.sequence_problems(prefixes)
    problems += [p for rec in suspects for p in check_national(rec)]
    problems += scope.national_duplicates(shared)
    return sum(count for count, _first, _last in prefixes.values()), problems


def national_numbers(reader) -> tuple[set[str], set[str]]:
    """Every record's national number, read in the order of its index by the driver's own
    cursor (100k of them): (those the rule may find wrong by themselves — not G/J/L and
    18 characters, a G or J number whose check character is wrong (NUM-5) — and those
    held by more than one record). The check character by stdnum, as
    check_national_number computes it."""
    doubtful: set[str] = set()
    shared: set[str] = set()
    previous = None
    plain, check_character = PLAIN_NATIONAL.fullmatch, ric.calc_check_digit
    for (number,) in reader.scan(NATIONAL_NUMBERS):
        if number == previous:
            shared.add(number)
        elif number and not (plain(number) and (
                number[0] == "L" or number[18] == check_character(number[1:]))):
            doubtful.add(number)
        previous = number
    shared.discard("")
    return doubtful, shared


class Scope:
    """The regular records renumber-check looks at (a school, an entry year), and the
    queries over them: `s` the record, `sc` its school, `p` its person."""

    def __init__(self, reader, settings: Settings, school: str | None, year: int | None):
        self.reader, self.settings = reader, settings
        where = ["s.kind = 'regular'"]
        self.parameters: dict = {"city": settings.city, "county": settings.county}
        if school:
            where.append("sc.code = :school")
            self.parameters["school"] = school
        if year is not None:
            where.append("s.entry_year % 100 = :year")
            self.parameters["year"] = year % 100
        self.where = " AND ".join(where)
        self.clean = self._clean()

    def rows(self, statement: str, parameters: dict | None = None) -> list[tuple]:
        return self.reader.rows(statement, self.parameters | (parameters or {}))

    def prefixes(self) -> dict[str | None, tuple[int, str, str]]:
        """Per prefix of the well-formed numbers (CCKKYYSSST), (how many, the first, the
        last); under None the records whose local number is not plainly of their own
        prefix (check_record judges them)."""
        return {prefix: (count, first, last) for prefix, count, first, last in self.rows(
            "SELECT prefix, count(*), min(number), max(number) FROM"
            f" (SELECT CASE WHEN {self.clean} THEN substr({NUMBER}, 1, 10) END AS prefix,"
            f" {NUMBER} AS number {IN_SCOPE} WHERE {self.where}) AS numbers GROUP BY prefix")}

    def suspects(self, unclean: bool, doubtful: set[str]) -> list[NumberedRecord]:
        """In record order, the records the rules judge one by one: a local number not
        plainly of its prefix (when there are any), a national number found doubtful, or
        a G number other than G + the record's resident ID number."""
        person_id = "coalesce(p.id_number, '')"
        found = (f"(substr(s.national_number, 1, 1) = 'G' AND coalesce(p.id_type, '') = :resident"
                 f" AND {person_id} != '' AND substr(s.national_number, 2) != {person_id})")
        if unclean:
            found += f" OR (CASE WHEN {self.clean} THEN 0 ELSE 1 END) = 1"
        records = dict(self.records(f"({found})", {"resident": RESIDENT_ID}))
        for chunk in chunks(sorted(doubtful)):
            numbers, parameters = in_list("national", chunk)
            records.update(self.records(f"s.national_number IN ({numbers})", parameters))
        return [records[key] for key in sorted(records)]

    def sequence_problems(self, prefixes: dict[str | None, tuple[int, str, str]]) -> list[Problem]:
        """NUM-2 per school and prefix over the well-formed numbers. A prefix whose numbers
        are 0001 up to their count, none of them held twice, is whole; in the others the
        rows where the sequence breaks — a 0000, a number held again, the next number after
        a gap — are found with LAG in number order."""
        twice = {number[:10] for (number,) in self.reader.rows(
            "SELECT local_number FROM student WHERE local_number IS NOT NULL"
            " GROUP BY local_number HAVING count(*) > 1", {})}
        broken = sorted(prefix for prefix, (count, first, last) in prefixes.items()
                        if prefix is not None and (prefix in twice or first[10:] == "0000"
                                                   or int(last[10:]) != count))
        breaks: dict[str, dict] = defaultdict(lambda: {"wanted": set(), "gaps": []})
        for chunk in chunks(broken):
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
        taken = taken_over(self.reader) if any(f["gaps"] for f in breaks.values()) else {}
        problems = []
        for prefix, found in sorted(breaks.items(), key=lambda item: (item[0][6:9], item[0])):
            problems += sequence_problems(prefix[6:9], prefix, holders[prefix], found["gaps"],
                                          taken.get(prefix, 0))
        return problems

    def national_duplicates(self, shared: set[str]) -> list[Problem]:
        """NUM-5: a national number held by several persons, in the order of its first
        record."""
        holders: dict[str, list[tuple[int, NumberedRecord]]] = defaultdict(list)
        for chunk in chunks(sorted(shared)):
            numbers, parameters = in_list("national", chunk)
            for key, rec in self.records(f"s.national_number IN ({numbers})", parameters):
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

    def records(self, condition: str, parameters: dict | None = None
                ) -> Iterator[tuple[int, NumberedRecord]]:
        """(record id, what the rules read of it) of the records in scope that meet the
        condition (SQL over `s`, `sc` and `p`)."""
        type_digit = self.settings.type_digit
        for (key, number, entry_year, status, national_number, person_id, name, id_type,
             id_number, code, type_) in self.rows(
                "SELECT s.id, s.local_number, s.entry_year, s.status, s.national_number,"
                " s.person_id, p.name, p.id_type, p.id_number, sc.code, sc.type"
                f" {IN_SCOPE} JOIN person p ON p.id = s.person_id"
                f" WHERE {self.where} AND {condition}", parameters):
            yield key, NumberedRecord(
                local_number=number or "", school_code=code, type_digit=type_digit[type_],
                entry_year=entry_year,
                label=f"{number or '(无号)'} {name}({codes.label('status', status)})",
                national_number=national_number, id_type=id_type, id_number=id_number,
                person_id=person_id)

    def _breaks(self, prefixes: list[str]) -> list[tuple[str, str | None]]:
        """(number, the number before it) of the well-formed numbers of these prefixes
        where the sequence breaks, read in number order with LAG."""
        listed, parameters = in_list("prefix", prefixes)
        seq, before = "CAST(substr(number, 11, 4) AS INTEGER)", "CAST(substr(previous, 11, 4) AS INTEGER)"
        return self.rows(
            f"SELECT number, previous FROM (SELECT {NUMBER} AS number,"
            f" lag({NUMBER}) OVER (ORDER BY {NUMBER}) AS previous {IN_SCOPE}"
            f" WHERE {self.where} AND {self.clean} AND substr({NUMBER}, 1, 10) IN ({listed}))"
            f" AS ordered WHERE {seq} = 0 OR number = previous OR {seq} > CASE WHEN"
            f" substr(previous, 1, 10) = substr(number, 1, 10) THEN {before} ELSE 0 END + 1",
            parameters)

    def _holders(self, numbers: Iterable[str]) -> dict[str, dict[int, list[str]]]:
        """Per prefix and sequence, the labels of the well-formed records holding the
        numbers, in record order."""
        held: list[tuple[int, NumberedRecord]] = []
        for chunk in chunks(sorted(numbers)):
            listed, parameters = in_list("number", chunk)
            held += self.records(f"{NUMBER} IN ({listed}) AND {self.clean}", parameters)
        holders: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for _key, rec in sorted(held, key=lambda item: item[0]):
            holders[rec.local_number[:10]][int(rec.local_number[10:])].append(rec.label)
        return holders

    def _clean(self) -> str:
        """The local number is fourteen digits of the record's own prefix (check_record
        finds nothing): city, county, entry year, school and its type digit."""
        year = "s.entry_year % 100"
        two_digits = (f"CASE WHEN {year} < 10 THEN '0' || CAST({year} AS VARCHAR)"
                      f" ELSE CAST({year} AS VARCHAR) END")
        types = " ".join(f"WHEN :type{i} THEN :digit{i}"
                         for i in range(len(self.settings.type_digit)))
        for i, (type_, digit) in enumerate(self.settings.type_digit.items()):
            self.parameters |= {f"type{i}": type_, f"digit{i}": digit}
        return (f"({NUMBER} IS NOT NULL AND length({NUMBER}) = 14"
                f" AND {self.reader.digits(NUMBER, 14)}"
                f" AND substr({NUMBER}, 1, 2) = :city AND substr({NUMBER}, 3, 2) = :county"
                f" AND substr({NUMBER}, 5, 2) = {two_digits} AND substr({NUMBER}, 7, 3) = sc.code"
                f" AND substr({NUMBER}, 10, 1) = CASE sc.type {types} END)")


def taken_over(reader) -> dict[str, int]:
    """Per prefix (CCKKYYSSST), the highest sequence of the records taken over as they
    stood: the gaps below it were in the sequence before this directory kept it (NUM-2)."""
    highest_of: dict[str, int] = {}
    for (number,) in reader.rows(f"SELECT {reader.json_text('sets', 'local_number')}"
                                 " FROM journal WHERE kind = :kind", {"kind": TAKEOVER}):
        number = number or ""
        if LOCAL_FORMAT.match(number):
            prefix, sequence = number[:10], int(number[10:])
            highest_of[prefix] = max(highest_of.get(prefix, 0), sequence)
    return highest_of
