"""NUM-1/NUM-2 over plain values: the shape of a local number, and the checks of
`renumber-check` (malformed, wrong parts, duplicates, gaps) with what to do about each."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from xueji_cli.rules.identity import NATIONAL_FORMAT, RESIDENT_ID, check_national_number
from xueji_cli.values.privacy import mask_national

LOCAL_FORMAT = re.compile(r"^\d{14}$")


def local_prefix(city: str, county: str, entry_year: int, school_code: str, type_digit: str) -> str:
    """CC KK YY SSS T — the first ten digits, shared by one school's cohort."""
    return f"{city}{county}{entry_year % 100:02d}{school_code}{type_digit}"


def local_number(prefix: str, sequence: int) -> str:
    if not 1 <= sequence <= 9999:
        raise ValueError("sequence out of range")
    return f"{prefix}{sequence:04d}"


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


def check_numbers(records: list[NumberedRecord], city: str, county: str) -> list[Problem]:
    problems: list[Problem] = []
    groups: dict[tuple[str, str], dict[int, list[NumberedRecord]]] = defaultdict(
        lambda: defaultdict(list))
    for rec in records:
        number, year = rec.local_number, f"{rec.entry_year % 100:02d}"
        new = lambda kind, detail, hint: problems.append(
            Problem(kind, number, rec.school_code, year, detail, hint, [rec.label]))
        if not LOCAL_FORMAT.match(number or ""):
            new("malformed", f"学籍号「{number}」不是14位数字",
                "核对纸质学籍表上的号码;学籍号终身不变,更正须按更正手续留痕")
            continue
        parts = (("wrong_city", number[0:2], city, "市代码"),
                 ("wrong_county", number[2:4], county, "县代码"),
                 ("wrong_year", number[4:6], year, "入学年份"),
                 ("wrong_school", number[6:9], rec.school_code, "学校代码"),
                 ("wrong_type", number[9], rec.type_digit, "学校类型位"))
        bad = False
        for kind, found, expected, what in parts:
            if found != expected:
                bad = True
                new(kind, f"{what}为「{found}」,应为「{expected}」",
                    "该号码与学生所在学校或入学年份不符;核对是否录错学校或年份")
        if not bad:
            groups[(rec.school_code, number[:10])][int(number[10:])].append(rec)
    for (school, prefix), by_seq in sorted(groups.items()):
        year = prefix[4:6]
        for seq, holders in sorted(by_seq.items()):
            if seq == 0:
                problems.append(Problem(
                    "malformed", prefix + "0000", school, year, "顺序号不能为0000",
                    "顺序号从0001起编", [h.label for h in holders]))
            if len(holders) > 1:
                problems.append(Problem(
                    "duplicate", f"{prefix}{seq:04d}", school, year,
                    f"{len(holders)}个学籍使用同一学籍号",
                    "一号一人(NUM-2):保留先登记者,其余按更正手续改为本校该年级末尾的新号",
                    [h.label for h in holders]))
        problems += _gaps(school, prefix, by_seq)
    problems += _national(records)
    return problems


def _gaps(school: str, prefix: str, by_seq: dict[int, list[NumberedRecord]]) -> list[Problem]:
    found = sorted(seq for seq in by_seq if seq > 0)
    problems = []
    previous = 0
    for seq in found:
        if seq > previous + 1:
            first, last = previous + 1, seq - 1
            span = f"{prefix}{first:04d}" + (f"–{last:04d}" if last > first else "")
            before = [h.label for h in by_seq.get(previous, [])]
            after = [h.label for h in by_seq[seq]]
            problems.append(Problem(
                "gap", span, school, prefix[4:6],
                f"缺号 {first:04d}" + (f"–{last:04d}" if last > first else "")
                + ("(顺序号应从0001起)" if previous == 0 else ""),
                "学籍号不得留空号(NUM-2):查找是否有学生漏登或号码录错,"
                "补登或按更正手续改正;已用的号码不可重排",
                before + after))
        previous = seq
    return problems


def _national(records: list[NumberedRecord]) -> list[Problem]:
    problems = []
    owners: dict[str, set] = defaultdict(set)
    labels: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        if not rec.national_number:
            continue
        year = f"{rec.entry_year % 100:02d}"
        owners[rec.national_number].add(rec.person_id)
        labels[rec.national_number].append(rec.label)
        for violation in check_national_number(rec.national_number, rec.id_type, rec.id_number):
            number = rec.national_number
            disagrees = (NATIONAL_FORMAT.match(number) and number[:1] == "G"
                         and rec.id_type == RESIDENT_ID and rec.id_number
                         and number[1:] != rec.id_number)  # a malformed one is malformed
            kind = "mismatch" if disagrees else "national_malformed"
            problems.append(Problem(kind, rec.local_number, rec.school_code, year,
                                    violation.message, violation.hint, [rec.label]))
    for number, people in owners.items():
        if len(people) > 1:
            problems.append(Problem(
                "national_duplicate", mask_national(number), "", "",
                f"{len(people)}个不同的人使用同一全国学籍号", "一人一号(NUM-5):核对身份证号",
                labels[number]))
    return problems
