"""identity._place_known (NUM-6's region check over one province's part of stdnum's
table) answers exactly what stdnum's own ric.get_birth_place answers."""

from __future__ import annotations

import random
import re
from importlib.resources import files

import pytest
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from xueji_cli.rules import identity


def _stdnum_knows(number: str) -> bool:
    try:
        ric.get_birth_place(number)
        return True
    except (InvalidComponent, KeyError):
        return False


def _mine(number: str) -> bool:
    try:
        return identity._place_known(number)
    except (InvalidComponent, KeyError):
        return False


def _codes() -> list[str]:
    """Every region code the table names in three provinces (with date-ranged and
    withdrawn counties), a code just beside each, and a sample from everywhere else."""
    text = files("stdnum").joinpath("cn/loc.dat").read_text("utf-8")
    codes, province = [], None
    for line in text.splitlines():
        match = re.match(r"(\s*)([\d,-]+) ", line)
        if not match:
            continue
        if not match.group(1):
            province = match.group(2)[:2]
        elif province in ("11", "13", "65") and len(match.group(1)) == 2:
            for low in re.findall(r"\d{4}", match.group(2)):
                codes += [province + low, province + f"{(int(low) + 1) % 10000:04d}"]
    rng = random.Random(3)
    codes += [f"{rng.randrange(10, 99)}{rng.randrange(10000):04d}" for _ in range(150)]
    return codes


@pytest.mark.parametrize("year", ["1985", "2000", "2012", "2019"])
def test_same_answer_as_stdnum(year):
    for code in _codes():
        number = code + year + "0101001"
        number += ric.calc_check_digit(number + "0")
        assert _mine(number) == _stdnum_knows(number), number


def test_a_table_of_another_layout_falls_back_to_stdnum(monkeypatch):
    monkeypatch.setattr(identity, "_province_parts", lambda: None)
    assert identity._place_known("130283201909010011") is True
    with pytest.raises(InvalidComponent):
        identity._place_known("990283201909010011")
