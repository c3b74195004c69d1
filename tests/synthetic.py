"""Synthetic test data: resident ID numbers that belong to no real person.

Region 130283 (迁安市) and the village codes below are the demo township's; birth date,
sequence and check character are made up for each test."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric

REGION = "130283"
VILLAGE_001 = "130283105201"  # inside school 001's service area (130283105)
VILLAGE_002 = "130283106201"  # inside school 002's service area (130283106)
OUTSIDE = "130283107201"  # in no school's service area


def _date(birth: str | dt.date) -> dt.date:
    return birth if isinstance(birth, dt.date) else dt.date.fromisoformat(birth)


def make_id(birth: str | dt.date = "2020-03-05", *, male: bool = True, seq: int = 1,
            region: str = REGION) -> str:
    """A valid 18-character ID number: region + birth + 3-digit order (odd = male) +
    check character (ISO 7064 MOD 11-2, computed by python-stdnum)."""
    order = (seq % 499) * 2 + (1 if male else 2)
    body = f"{region}{_date(birth):%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def id_with_x(birth: str | dt.date = "2020-03-05", *, male: bool = True) -> str:
    """A valid ID number whose check character is X."""
    for seq in range(499):
        number = make_id(birth, male=male, seq=seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives check character X")


def wrong_check(number: str) -> str:
    """The same number with a wrong check character."""
    good = number[-1]
    bad = "0" if good != "0" else "1"
    return number[:-1] + bad


def expected_check(number: str) -> str:
    return ric.calc_check_digit(number)


def full_width(text: str) -> str:
    """ASCII digits and letters turned into their full-width forms (as typed with a
    Chinese input method)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
