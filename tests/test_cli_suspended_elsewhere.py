"""SUS-2 seen from the other side: a suspended child cannot be enrolled or
transferred in anywhere else in the directory; the refusal says why (the suspension)
and what comes first (xueji resume), not only that the child has a record."""

from __future__ import annotations

import pytest
from suspendkit import on_day, pupil, suspend_args  # noqa: F401
from synthetic import VILLAGE_002


@pytest.fixture
def suspended(pupil, xueji, as_json):
    assert xueji(*suspend_args(pupil)).exit_code == 0
    shown = as_json(xueji("student", "show", pupil, "--show-id", "--json"))
    return pupil, shown


def _id_number(shown: dict) -> str:
    person = shown.get("person", shown)
    return person.get("id_number") or shown["student"]["id_number"]


def test_enrolling_a_suspended_child_elsewhere_names_the_suspension(suspended, enroll, as_json, sql):
    number, shown = suspended
    result = enroll(json=True, school="002", grade="2", birth="2019-03-05",
                    id_number=_id_number(shown), hukou_region=VILLAGE_002,
                    guardian_hukou_region=VILLAGE_002, residence_region=VILLAGE_002)
    assert result.exit_code == 1
    [error] = [e for e in as_json(result)["errors"] if e["rule"] == "NUM-7"]
    assert "休学" in error["message"] and number in error["message"]
    assert "SUS-2" in error["hint"] and "xueji resume" in error["hint"]
    assert sql("SELECT COUNT(*) FROM student") == [(1,)]


def test_transferring_a_suspended_child_in_names_the_suspension(suspended, xueji, as_json, sql):
    _number, shown = suspended
    result = xueji("transfer", "in", "--school", "002", "--class", "1", "--grade", "2",
                   "--name", "某某", "--gender", "男", "--birth", "2019-03-05",
                   "--id-number", _id_number(shown), "--from-school", "外县某小学",
                   "--from-region", "130284105201", "--reason", "move", "--evidence", "户口簿",
                   "--evidence", "房产证明", "--evidence", "转学证明", "--json")
    assert result.exit_code == 1, result.stdout
    hints = [e["hint"] for e in as_json(result)["errors"] if e["rule"] == "NUM-7"]
    assert hints and "SUS-2" in hints[0]
    assert sql("SELECT COUNT(*) FROM student") == [(1,)]
