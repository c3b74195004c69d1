"""NUM-1/NUM-2 over plain values: the shape of a local number, and the checks of
`renumber-check` (malformed, wrong parts, duplicates, gaps) with what to do about each."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from xueji_cli.rules.identity import NATIONAL_FORMAT, RESIDENT_ID, check_national_number
from xueji_cli.values.privacy import mask_national
from xueji_cli.values.violation import Violation

LOCAL_FORMAT = re.compile(r"\A[0-9]{14}\Z")  # NUM-1: fourteen ASCII digits, nothing after


def local_prefix(city: str, county: str, entry_year: int, school_code: str, type_digit: str) -> str:
    """CC KK YY SSS T — the first ten digits, shared by one school's cohort."""
    return f"{city}{county}{entry_year % 100:02d}{school_code}{type_digit}"


def local_number(prefix: str, sequence: int) -> str:
    if not 1 <= sequence <= 9999:
        raise ValueError("sequence out of range")
    return f"{prefix}{sequence:04d}"


def check_kept_number(number: str, city: str, county: str, entry_year: int | None,
                      school_code: str, type_digit: str) -> list[Violation]:
    """NUM-1/NUM-2 for a local number a record keeps from before (a register taken over
    as it stands, NUM-4): 14 digits, sequence from 0001, and each part agreeing with the
    record — the directory's city and county, the entry year, the school and its type
    digit. `entry_year` None: not known, not compared."""
    if not number:
        return [Violation("NUM-1", "local_number", "缺少学籍号",
                          "按纸质学籍或全国学籍系统填写该生原有的14位学籍号")]
    if not LOCAL_FORMAT.match(number):
        return [Violation("NUM-1", "local_number", f"学籍号「{number}」不是14位数字",
                          "按纸质学籍或全国学籍系统核对该生原有的学籍号")]
    disagreeing = _disagreeing(number[:10], city, county, entry_year, school_code, type_digit)
    found = [Violation("NUM-1", "local_number",
                       f"学籍号 {number} 的{what}为「{part}」,本行应为「{expected}」",
                       "核对本行的学校、年级或入学年月是否填错;学籍号按原样接收,不改号")
             for what, part, expected in disagreeing] if disagreeing else []
    if number[10:] == "0000":
        found.append(Violation("NUM-2", "local_number", f"学籍号 {number} 的顺序号为0000",
                               "顺序号从0001起编;核对原有学籍号"))
    return found


@functools.lru_cache(maxsize=1024)
def _disagreeing(prefix: str, city: str, county: str, entry_year: int | None,
                 school_code: str, type_digit: str) -> tuple[tuple[str, str, str], ...]:
    """The parts of a local number's first ten digits that disagree with the record
    (NUM-1), as (part's name, the number's digits, the expected ones); an expectation not
    known is not compared. Worked out once per prefix: a register taken over repeats one
    school's cohort row after row."""
    year = "" if entry_year is None else f"{entry_year % 100:02d}"
    parts = (("市代码", prefix[0:2], city), ("县代码", prefix[2:4], county),
             ("入学年份", prefix[4:6], year), ("学校代码", prefix[6:9], school_code),
             ("学校类型位", prefix[9], type_digit))
    return tuple(part for part in parts if part[2] and part[1] != part[2])


@dataclass(frozen=True)
class NumberedRecord:
    """What renumber-check needs of one regular record."""

    local_number: str
    school_code: str
    type_digit: str
    entry_year: int
    label: str  # name and status, for the registrar
    national_number: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    person_id: int | None = None


@dataclass
class Problem:
    kind: str
    number: str
    school: str
    year: str
    detail: str
    hint: str
    records: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def check_numbers(records: list[NumberedRecord], city: str, county: str,
                  taken_over: dict[str, int] | None = None) -> list[Problem]:
    """Every problem of the numbers, over the whole list in memory. `taken_over`: per
    prefix, the highest sequence of the records taken over as they stood (接收原有学籍): a
    gap below it was in the sequence before this directory kept it (kind gap_at_takeover,
    for information). records/enrollment/number_check finds the same in SQL and hands the
    few rows it finds to the same functions below."""
    problems: list[Problem] = []
    groups: dict[tuple[str, str], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rec in records:
        found = check_record(rec, city, county)
        problems += found
        if not found:
            number = rec.local_number
            groups[(rec.school_code, number[:10])][int(number[10:])].append(rec.label)
    for (school, prefix), holders in sorted(groups.items()):
        problems += sequence_problems(school, prefix, holders, gaps_between(holders),
                                      (taken_over or {}).get(prefix, 0))
    for rec in records:
        problems += check_national(rec)
    owners: dict[str, set] = defaultdict(set)
    labels: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        if rec.national_number:
            owners[rec.national_number].add(rec.person_id)
            labels[rec.national_number].append(rec.label)
    problems += [national_duplicate(number, len(people), labels[number])
                 for number, people in owners.items() if len(people) > 1]
    return problems


def check_record(rec: NumberedRecord, city: str, county: str) -> list[Problem]:
    """NUM-1 for one record's local number: 14 digits, and each part agreeing with the
    record (the directory's city and county, the entry year, the school, its type digit).
    None: the number takes its place in its prefix's sequence (NUM-2)."""
    number, year = rec.local_number, f"{rec.entry_year % 100:02d}"

    def new(kind: str, detail: str, hint: str) -> Problem:
        return Problem(kind, number, rec.school_code, year, detail, hint, [rec.label])

    if not LOCAL_FORMAT.match(number or ""):
        return [new("malformed", f"学籍号「{number}」不是14位数字",
                    "核对纸质学籍表上的号码;学籍号终身不变,更正须按更正手续留痕")]
    parts = (("wrong_city", number[0:2], city, "市代码"),
             ("wrong_county", number[2:4], county, "县代码"),
             ("wrong_year", number[4:6], year, "入学年份"),
             ("wrong_school", number[6:9], rec.school_code, "学校代码"),
             ("wrong_type", number[9], rec.type_digit, "学校类型位"))
    return [new(kind, f"{what}为「{found}」,应为「{expected}」",
                "该号码与学生所在学校或入学年份不符;核对是否录错学校或年份")
            for kind, found, expected, what in parts if found != expected]


def gaps_between(sequences: Iterable[int]) -> list[tuple[int, int]]:
    """(previous, next) for each run of missing sequences among the used ones of a
    prefix; the sequence starts at 0001 (previous 0)."""
    found, previous = [], 0
    for seq in sorted(seq for seq in sequences if seq > 0):
        if seq > previous + 1:
            found.append((previous, seq))
        previous = seq
    return found


def sequence_problems(school: str, prefix: str, holders: dict[int, list[str]],
                      gaps: Iterable[tuple[int, int]], taken_below: int = 0) -> list[Problem]:
    """NUM-2 within one prefix: the sequence 0000, numbers held by several records, and
    the runs of missing sequences. `holders`: the labels of the records holding each
    sequence — at least 0000, the numbers held twice and both ends of every gap;
    `gaps`: (previous, next) used sequences with missing ones between (gaps_between);
    `taken_below`: the highest sequence taken over — the part of a run below it was
    missing when the register was taken over."""
    year = prefix[4:6]
    problems = []
    for seq, labels in sorted(holders.items()):
        if seq == 0:
            problems.append(Problem(
                "malformed", prefix + "0000", school, year, "顺序号不能为0000",
                "顺序号从0001起编", list(labels)))
        if len(labels) > 1:
            problems.append(Problem(
                "duplicate", f"{prefix}{seq:04d}", school, year,
                f"{len(labels)}个学籍使用同一学籍号",
                "一号一人(NUM-2):保留先登记者,其余按更正手续改为本校该年级末尾的新号",
                list(labels)))
    for previous, seq in gaps:
        labels = [*holders.get(previous, []), *holders[seq]]
        first, last = previous + 1, seq - 1
        if first < taken_below:
            problems.append(_gap("gap_at_takeover", school, prefix, first,
                                 min(last, taken_below - 1), previous, labels))
        if last >= taken_below:
            problems.append(_gap("gap", school, prefix, max(first, taken_below), last,
                                 previous, labels))
    return problems


def _gap(kind: str, school: str, prefix: str, first: int, last: int, previous: int,
         labels: list[str]) -> Problem:
    span = f"{first:04d}" + (f"–{last:04d}" if last > first else "")
    if kind == "gap_at_takeover":
        detail = f"缺号 {span}:接收原有学籍时已空缺"
        hint = ("启用本工具前留下的空号,仅供参考:已用的号码不可重排(NUM-4);"
                "查明是否有学生漏登,漏登的用 xueji takeover 补接收")
    else:
        detail = f"缺号 {span}" + ("(顺序号应从0001起)" if previous == 0 and first == 1 else "")
        hint = ("学籍号不得留空号(NUM-2):查找是否有学生漏登或号码录错,"
                "补登或按更正手续改正;已用的号码不可重排")
    return Problem(kind, prefix + span, school, prefix[4:6], detail, hint, labels)


def check_national(rec: NumberedRecord) -> list[Problem]:
    """NUM-5 for one record's national number, if it has one."""
    number = rec.national_number
    if not number:
        return []
    problems = []
    for violation in check_national_number(number, rec.id_type, rec.id_number):
        disagrees = (NATIONAL_FORMAT.match(number) and number[:1] == "G"
                     and rec.id_type == RESIDENT_ID and rec.id_number
                     and number[1:] != rec.id_number)  # a malformed one is malformed
        problems.append(Problem("mismatch" if disagrees else "national_malformed",
                                rec.local_number, rec.school_code, f"{rec.entry_year % 100:02d}",
                                violation.message, violation.hint, [rec.label]))
    return problems


def national_duplicate(number: str, people: int, labels: list[str]) -> Problem:
    """NUM-5: one national number held by `people` different persons."""
    return Problem("national_duplicate", mask_national(number), "", "",
                   f"{people}个不同的人使用同一全国学籍号", "一人一号(NUM-5):核对身份证号",
                   list(labels))
