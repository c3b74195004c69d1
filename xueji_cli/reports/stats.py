"""Statistics on any day (report stats): headcounts by school, grade, class and gender;
classes over their cap (ENR-5); the suspension share of each grade (SUS-5); borrowing;
under-age admissions (ENR-1) and records whose admission lacks its evidence (ENR-7 …).

Counted in SQL: the records as stored on the day — none of whose entries takes effect
after it — are grouped by the database; only the records the journal changed after the
day are folded (ledger/timeline, the same fold as the roster of a day). The per-pupil
lists read the few candidates the database finds (born after the last birth date of
school age of their entry year; an admission without its evidence, or none), each judged
again by the rule. On SQLite a day after every entry (today's statistics) is read through
sqlite3 alone (store/reading), without loading SQLAlchemy and the models."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from xueji_cli.ledger.counted import at_school, at_school_statuses, on_register, register_statuses
from xueji_cli.reports.admissions import admissions, lacking_evidence, without_admission
from xueji_cli.reports.evidence import missing_evidence
from xueji_cli.rules.enrollment import school_age_cutoff
from xueji_cli.store.reading import ConnectionReader, as_date, chunks, in_list, sqlite_reading
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.dates import full_years
from xueji_cli.values.privacy import show

if TYPE_CHECKING:
    from xueji_cli.ledger.timeline import RosterRow
    from xueji_cli.store.database import Store

RECORDS = "FROM student s JOIN person p ON p.id = s.person_id"
# A record as stored is its state on the day when none of its entries takes effect after
# the day and it existed by then (ledger/timeline.roster_as_of reads the same ones).
AS_STORED = ("s.enrolled_on <= :day AND s.id NOT IN (SELECT later.student_id FROM journal later"
             " WHERE later.effective_date > :day AND later.student_id IS NOT NULL)")
PUPIL_COLUMNS = ("s.id, s.school_id, s.local_number, p.name, s.national_number, s.grade,"
                 " s.class_no, p.birth_date, s.entry_year, s.kind, s.status")


class Pupil(NamedTuple):
    """A record as the per-pupil lists show it, with its state on the day."""

    id: int
    school_id: int
    local_number: str | None
    name: str
    national_number: str | None
    grade: int
    class_no: int
    birth_date: dt.date | None
    entry_year: int | None
    kind: str
    status: str

    def state(self) -> dict:
        return {"school_id": self.school_id, "kind": self.kind, "grade": self.grade,
                "status": self.status}

    def counted(self) -> bool:
        return on_register(self.state()) or at_school(self.state())


def pupil_of(row: RosterRow) -> Pupil:
    s = row.student
    return Pupil(s.id, s.school_id, s.local_number, row.person.name, s.national_number, s.grade,
                 s.class_no, row.person.birth_date, s.entry_year, s.kind, s.status)


def roster_order(pupil: Pupil, schools: dict) -> tuple:
    """The order of `student list` (school, grade, class, number, name)."""
    return (schools[pupil.school_id][0], pupil.grade, pupil.class_no, pupil.kind != "regular",
            pupil.local_number or "", pupil.name, pupil.id)


def commitment_of(evidence: list) -> str | None:
    label = codes.evidence_label("commitment")
    for item in evidence or []:
        text = str(item)
        if text.startswith(label) or codes.evidence_key(text.split(":")[0].split(":")[0]) == "commitment":
            return text.split(":", 1)[-1].split(":", 1)[-1] if (":" in text or ":" in text) else text
    return None


def underage(pupil: Pupil, settings: Settings) -> bool:
    """ENR-1: not `school_age_years` full years on the cut-off day of the entry year."""
    if pupil.birth_date is None or pupil.entry_year is None:
        return False
    cutoff = school_age_cutoff(pupil.entry_year, settings.policy.school_age_cutoff)
    return full_years(pupil.birth_date, cutoff) < settings.policy.school_age_years


def latest_of_age(entry_year: int, settings: Settings) -> dt.date | None:
    """The last birth date of a child of school age on the cut-off day of `entry_year`
    (ENR-1): a child born later is under age. None when no date says it."""
    try:
        cutoff = school_age_cutoff(entry_year, settings.policy.school_age_cutoff)
        year = cutoff.year - settings.policy.school_age_years
        if (cutoff.month, cutoff.day) == (2, 29) and not calendar.isleap(year):
            return dt.date(year, 2, 28)
        return cutoff.replace(year=year)
    except (ValueError, OverflowError):
        return None


def young_condition(reader, settings: Settings) -> tuple[str, dict]:
    """SQL over `s` and `p`: the regular records born after the last birth date of school
    age of their entry year (ENR-1)."""
    terms, parameters = [], {}
    years = reader.rows("SELECT DISTINCT entry_year FROM student WHERE entry_year IS NOT NULL", {})
    for n, (year,) in enumerate(years):
        parameters[f"year{n}"] = year
        latest = latest_of_age(year, settings)
        if latest is None:
            terms.append(f"s.entry_year = :year{n}")
        else:
            parameters[f"born{n}"] = latest
            terms.append(f"(s.entry_year = :year{n} AND p.birth_date > :born{n})")
    return f"s.kind = 'regular' AND ({' OR '.join(terms) or '1 = 0'})", parameters


@dataclass
class Stats:
    as_of: dt.date
    headcounts: list[dict]
    over_cap: list[dict]
    suspension_share: list[dict]
    borrowing: list[dict]
    underage: list[dict]
    missing_evidence: list[dict]

    def as_document(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "headcounts": self.headcounts,
                "over_cap": self.over_cap, "suspension_share": self.suspension_share,
                "borrowing": self.borrowing, "underage": self.underage,
                "missing_evidence": self.missing_evidence}


def person_line(pupil: Pupil, code: str, school_name: str, reveal: bool) -> dict:
    return {"school": code, "school_name": school_name,
            "local_number": pupil.local_number, "name": pupil.name,
            "national_number": show(pupil.national_number, reveal, national=True),
            "grade": pupil.grade, "class": pupil.class_no,
            "birth_date": pupil.birth_date.isoformat() if pupil.birth_date else None,
            "entry_year": pupil.entry_year}


def build_stats(store: Store, settings: Settings, as_of: dt.date, reveal: bool = False) -> Stats:
    """The statistics at the end of `as_of`. On SQLite, when no entry takes effect after
    the day, every record is as stored and the sqlite3 reader counts them all; otherwise
    (a past day, a server database) in an ORM session, with the changed records folded."""
    if store.is_sqlite:
        with sqlite_reading(store) as reader:
            if not reader.rows("SELECT 1 FROM journal WHERE effective_date > :day LIMIT 1",
                               {"day": as_of}):
                return _stats(reader, [], settings, as_of, reveal)
    with store.session() as session:
        return _stats(ConnectionReader(session.connection()), folded_pupils(session, as_of),
                      settings, as_of, reveal)


def folded_pupils(session, as_of: dt.date) -> list[tuple[Pupil, str]]:
    """The records the journal changed after the day, folded to it, with their gender."""
    from sqlalchemy import select

    from xueji_cli.ledger.models import School
    from xueji_cli.ledger.timeline import Timeline, folded_rows

    schools = {s.id: s for s in session.exec(select(School)).scalars()}
    timeline = Timeline(session, as_of + dt.timedelta(days=1))
    return [(pupil_of(row), row.person.gender)
            for row in folded_rows(session, timeline, as_of, schools)]


def _stats(reader, changed: list[tuple[Pupil, str]], settings: Settings, as_of: dt.date,
           reveal: bool) -> Stats:
    schools = {row[0]: row[1:] for row in reader.rows("SELECT id, code, name, type FROM school", {})}
    statuses, parameters = in_list("status", sorted(register_statuses() | at_school_statuses()))
    counted = f"s.status IN ({statuses}) AND {AS_STORED}"
    parameters["day"] = as_of
    young, young_parameters = young_condition(reader, settings)
    cells: dict[tuple, Counter] = defaultdict(Counter)
    any_young = 0
    for school_id, grade, class_no, kind, status, gender, n, young_n in reader.rows(
            "SELECT s.school_id, s.grade, s.class_no, s.kind, s.status, p.gender, count(*),"
            f" sum(CASE WHEN {young} THEN 1 ELSE 0 END) {RECORDS} WHERE {counted}"
            " GROUP BY s.school_id, s.grade, s.class_no, s.kind, s.status, p.gender",
            parameters | young_parameters):
        tally(cells[(school_id, grade, class_no)],
               {"school_id": school_id, "kind": kind, "grade": grade, "status": status}, gender, n)
        any_young += young_n or 0
    for pupil, gender in changed:
        tally(cells[(pupil.school_id, pupil.grade, pupil.class_no)], pupil.state(), gender, 1)
    heads = headcounts(cells, schools)
    changed_counted = [pupil for pupil, _ in changed if pupil.counted()]
    young_ones = _pupils(reader, f"{counted} AND {young}", parameters | young_parameters) \
        if any_young else []
    lacking = set(without_admission(reader, counted, parameters)) | set(lacking_evidence(reader))
    lacking_ones = _pupils_with(reader, lacking, counted, parameters)
    young_ones = _ordered(young_ones + changed_counted, schools)
    lacking_ones = _ordered(lacking_ones + changed_counted, schools)
    entries = admissions(reader, [p.id for p in young_ones + lacking_ones])
    return Stats(as_of, heads, over_cap(heads, schools, settings), suspension_share(heads, settings),
                 borrowing(heads), underage_lines(young_ones, entries, schools, settings, reveal),
                 missing_lines(lacking_ones, entries, schools, reveal))


def tally(cell: Counter, state: dict, gender: str, n: int) -> None:
    if on_register(state):
        cell["register"] += n
        cell["male" if gender == "1" else "female"] += n
        if state["status"] == "suspended":
            cell["suspended"] += n
        if state["status"] == "borrowed_out":
            cell["borrowed_out"] += n
    if at_school(state):
        cell["at_school"] += n
        if state["kind"] == "borrowing":
            cell["borrowing_here"] += n


def _pupils(reader, condition: str, parameters: dict) -> list[Pupil]:
    return [Pupil(*row[:7], as_date(row[7]), *row[8:])
            for row in reader.rows(f"SELECT {PUPIL_COLUMNS} {RECORDS} WHERE {condition}", parameters)]


def _pupils_with(reader, ids: set[int], counted: str, parameters: dict) -> list[Pupil]:
    out: list[Pupil] = []
    for chunk in chunks(sorted(ids)):
        wanted, id_parameters = in_list("id", chunk)
        out += _pupils(reader, f"{counted} AND s.id IN ({wanted})", parameters | id_parameters)
    return out


def _ordered(pupils: list[Pupil], schools: dict) -> list[Pupil]:
    """The counted ones, each once, in roster order."""
    unique = {p.id: p for p in pupils if p.counted()}
    return sorted(unique.values(), key=lambda p: roster_order(p, schools))


def headcounts(cells: dict[tuple, Counter], schools: dict) -> list[dict]:
    named = {(schools[school_id][0], schools[school_id][1], grade, class_no): c
             for (school_id, grade, class_no), c in cells.items()}
    return [{"school": code, "school_name": name, "grade": grade, "class": class_no,
             "register": c["register"], "male": c["male"], "female": c["female"],
             "at_school": c["at_school"], "suspended": c["suspended"],
             "borrowed_out": c["borrowed_out"], "borrowing_here": c["borrowing_here"]}
            for (code, name, grade, class_no), c in sorted(named.items())
            if c["register"] or c["at_school"]]


def over_cap(heads: list[dict], schools: dict, settings: Settings) -> list[dict]:
    """ENR-5: the classes with more children at school than their school type's cap."""
    types = {code: kind for code, _name, kind in schools.values()}
    return [dict(h, cap=settings.class_cap[types[h["school"]]]) for h in heads
            if h["at_school"] > settings.class_cap[types[h["school"]]]]


def suspension_share(heads: list[dict], settings: Settings) -> list[dict]:
    """SUS-5: the share of each grade's register that is suspended, against the limit."""
    by_grade: dict[tuple, Counter] = defaultdict(Counter)
    for h in heads:
        by_grade[(h["school"], h["school_name"], h["grade"])].update(
            {"register": h["register"], "suspended": h["suspended"]})
    limit = settings.policy.suspension_max_share
    return [{"school": code, "school_name": name, "grade": grade, "register": c["register"],
             "suspended": c["suspended"],
             "share": round(c["suspended"] / c["register"], 4) if c["register"] else 0.0,
             "limit": limit, "over": c["register"] > 0 and c["suspended"] > limit * c["register"]}
            for (code, name, grade), c in sorted(by_grade.items())]


def borrowing(heads: list[dict]) -> list[dict]:
    by_school: dict[tuple, Counter] = defaultdict(Counter)
    for h in heads:
        by_school[(h["school"], h["school_name"])].update(
            {"borrowing_here": h["borrowing_here"], "borrowed_out": h["borrowed_out"]})
    return [{"school": code, "school_name": name, **c} for (code, name), c in sorted(by_school.items())
            if c["borrowing_here"] or c["borrowed_out"]]


def underage_lines(pupils: list[Pupil], entries: dict, schools: dict, settings: Settings,
                   reveal: bool) -> list[dict]:
    """ENR-1: the under-age admissions with their commitments; a pupil taken over had
    ENR-1 judged at its entry years ago."""
    young = []
    for pupil in pupils:
        entry = entries.get(pupil.id)
        taken_over = entry is not None and entry.kind == "takeover"
        if pupil.kind == "regular" and not taken_over and underage(pupil, settings):
            commitment = commitment_of(entry.evidence if entry else [])
            young.append(dict(person_line(pupil, *schools[pupil.school_id][:2], reveal),
                              commitment=commitment,
                              problem=None if commitment else "ENR-1 不足龄且未登记承诺书"))
    return young


def missing_lines(pupils: list[Pupil], entries: dict, schools: dict, reveal: bool) -> list[dict]:
    """The records whose admission lacks the evidence its rule asks for, or a regular
    record without any admission (ENR-7 入学记录)."""
    missing = []
    for pupil in pupils:
        line = person_line(pupil, *schools[pupil.school_id][:2], reveal)
        entry = entries.get(pupil.id)
        if entry is None:
            if pupil.kind == "regular":
                missing.append(dict(line, kind=None, rule="ENR-7", missing=["入学记录"]))
            continue
        gap = missing_evidence(entry.kind, entry.evidence, entry.details)
        if gap:
            missing.append(dict(line, kind=entry.kind, rule=gap[0], missing=gap[1]))
    return missing
