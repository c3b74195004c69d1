"""The monthly report's numbers (REP-1): a row per school and grade, the month's changes,
the discrepancies the reconciliation found, and the report that holds them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from xueji_cli.ledger.models import School
from xueji_cli.ledger.timeline import Step


@dataclass
class Row:
    """The numbers of one school and grade (or a subtotal)."""

    school_id: int | None
    grade: int | None
    opening: int = 0
    closing: int = 0  # from the records
    at_school: int = 0
    suspended_now: int = 0  # 期末休学 (in the register)
    borrowing_here: int = 0  # 期末来本校借读
    away_now: int = 0  # 期末外出借读
    inc: Counter = field(default_factory=Counter)  # enrolled, transferred_in, other
    dec: Counter = field(default_factory=Counter)  # transferred_out, withdrawn, died, graduated, other
    suspended: int = 0  # 本月休学
    resumed: int = 0  # 本月复学
    borrowed_in: int = 0  # 本月开始来本校借读
    borrowed_out: int = 0  # 本月开始外出借读
    ended_in: int = 0  # 本月结束的来本校借读
    ended_out: int = 0  # 本月结束的外出借读
    moves: int = 0  # grade/school moves inside the register, inside 其他 (in and out)
    late_in: int = 0  # 补报增加: entries of a submitted month recorded after it was submitted
    late_out: int = 0  # 补报减少

    @property
    def increase(self) -> int:
        return sum(self.inc.values())

    @property
    def decrease(self) -> int:
        return sum(self.dec.values())

    @property
    def expected(self) -> int:
        return self.opening + self.increase - self.decrease + self.late_in - self.late_out

    def absorb(self, other: Row) -> None:
        for name in ("opening", "closing", "at_school", "suspended_now", "borrowing_here",
                     "away_now", "suspended", "resumed", "borrowed_in", "borrowed_out",
                     "ended_in", "ended_out", "moves", "late_in", "late_out"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.inc.update(other.inc)
        self.dec.update(other.dec)

    def is_empty(self) -> bool:
        return not any((self.opening, self.closing, self.at_school, self.suspended_now,
                        self.borrowing_here, self.away_now, self.suspended, self.resumed,
                        self.borrowed_in, self.borrowed_out, self.ended_in, self.ended_out,
                        self.late_in, self.late_out,
                        any(self.inc.values()), any(self.dec.values())))


class Cells(dict):
    """The rows by (school id, grade), each made when first counted in."""

    def __missing__(self, cell: tuple[int, int]) -> Row:
        row = self[cell] = Row(*cell)
        return row


@dataclass
class Change:
    step: Step
    before: dict
    after: dict
    column: str | None  # "in.enrolled", "out.other", "within.suspended", "borrow.borrowed_in", "move"
    flags: list[str] = field(default_factory=list)


@dataclass
class Discrepancy:
    kind: str  # kind_effect / projection / no_journal / census / order / opening
    school_id: int | None
    grade: int | None
    message: str
    hint: str
    student_id: int | None = None
    entry_id: int | None = None


@dataclass
class Report:
    month: str
    first: dt.date
    last: dt.date
    schools: dict[int, School]
    rows: dict[tuple[int, int], Row]
    changes: list[Change]
    discrepancies: list[Discrepancy]
    cell_differences: list[Row]  # rows whose expected closing differs from the records
    warnings: list[str]
    people: dict[int, tuple]  # student id → (local number, national number, name, ID number, person id)
    entries: dict[int, object]  # the month's entries (ENTRY_COLUMNS rows: reason, evidence …)
    school_filter: int | None = None
    late: list[Change] = field(default_factory=list)  # 补报, each with its real date

    @property
    def balanced(self) -> bool:
        return not self.discrepancies and not self.cell_differences

    def grade_rows(self, school_id: int) -> list[Row]:
        return [self.rows[k] for k in sorted(k for k in self.rows if k[0] == school_id)
                if not self.rows[k].is_empty()]

    def school_ids(self) -> list[int]:
        ids = sorted(self.schools, key=lambda i: self.schools[i].code)
        return [i for i in ids if self.school_filter in (None, i) and not self.closed_and_empty(i)]

    def closed_and_empty(self, school_id: int) -> bool:
        """ORG-2: a school closed (撤并) by the month's end leaves the form once a whole
        month has nothing to show of it; a month in which it still had pupils shows it."""
        closed_on = getattr(self.schools[school_id], "closed_on", None)
        return closed_on is not None and closed_on <= self.last \
            and self.subtotal(school_id).is_empty()

    def subtotal(self, school_id: int) -> Row:
        total = Row(school_id, None)
        for row in self.grade_rows(school_id):
            total.absorb(row)
        return total
