"""What each change kind counts as in the monthly report (REP-1): the side of the register
it moves a record to and the column it is counted in, as data/report.toml says; the
labels of the columns and kinds the change list shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from xueji_cli.ledger.counted import config
from xueji_cli.values import codes


@dataclass(frozen=True)
class Role:
    side: str  # in / out / within / borrow / opening / none / unknown
    column: str | None = None
    mapped: bool = True  # False: counted in 其他 (or by its effect) and named in a warning

    @property
    def delta(self) -> int:
        """What the kind says it does to the register: +1 enters, −1 leaves, 0 stays. A
        record taken over as it stood (opening) is on the register from its first day."""
        return {"in": 1, "out": -1, "opening": 1}.get(self.side, 0)


SECTIONS = (("in", "increase"), ("out", "decrease"), ("within", "within"),
            ("borrow", "borrowing"))


@cache
def role_of(kind: str) -> Role:
    cfg = config()
    for side, section in SECTIONS:
        for column, spec in cfg[section].items():
            if kind in spec["kinds"]:
                return Role(side, column)
    group = kind_group(kind)
    if group is None:
        return Role("unknown", "other", mapped=False)
    if group in ("in", "out"):
        return Role(group, "other", mapped=False)
    if group == "borrow":
        return Role("borrow", None, mapped=False)
    if group == "opening":
        return Role("opening")
    return Role("none")


@cache
def reversal_kinds() -> frozenset[str]:
    return frozenset(config()["reversal"]["kinds"])


@cache
def column_labels() -> dict[str, str]:
    """'in.enrolled' → 新生入学 …, for the change list."""
    cfg = config()
    labels = {}
    for prefix, section in SECTIONS:
        for column, spec in cfg[section].items():
            labels[f"{prefix}.{column}"] = spec["label"]
    labels["in.other"] = "其他增加"
    labels["out.other"] = "其他减少"
    labels["move"] = "年级/学校间调动(计入其他)"
    return labels


@cache
def kind_group(kind: str) -> str | None:
    """The kind's group in codes.toml (in / out / within / borrow / case …), None for a
    kind codes.toml does not know."""
    try:
        return codes.change_kind(kind).group
    except KeyError:
        return None


@cache
def kind_label(kind: str) -> str:
    try:
        return codes.change_kind(kind).label
    except KeyError:
        return f"未知类别 {kind}"


def unmapped_warnings(unmapped: Counter) -> list[str]:
    """One warning per kind without a column of its own, with how many of the month's
    entries were counted in 其他 (or left out of the borrowing columns)."""
    warnings = []
    for kind, n in sorted(unmapped.items()):
        role = role_of(kind)
        where = "计入其他" if role.side != "borrow" else "未计入借读栏"
        what = "不是已知的变动类别" if role.side == "unknown" else "没有对应的月报栏目"
        warnings.append(f"类别「{kind_label(kind)}」({kind}){what},本月 {n} 条已{where};"
                        "请在 data/report.toml 中为它指定栏目")
    return warnings
