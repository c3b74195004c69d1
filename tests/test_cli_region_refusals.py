"""Refusals that name a region say its name with its code where the directory's region table
knows it — 西村村委会(130283106201), as every form shows a region — and the code alone where
it does not: ENR-2 (enroll, one child and a roster), TRF-12 (transfer in), BOR-2 (borrow in).
The rules read codes only; the names come from the table, loaded for a refusal only."""

from __future__ import annotations

import pytest
import rosters
from borrowkit import borrow_in, host, host_template  # noqa: F401
from synthetic import VILLAGE_001
from test_cli_region import write_csv
from transferkit import ok, out, pupil, refused, town  # noqa: F401

WEST = "130283106201"  # 西村村委会 of 测试乡: school 002's area, not 001's
WEST_LABEL = f"西村村委会({WEST})"
TOWNSHIP_LABEL = "测试镇(130283105)"  # 001's service area, a township


@pytest.fixture
def named(township, xueji, tmp_path):
    ok(xueji("region", "import", str(write_csv(tmp_path / "区划.csv"))))


def _messages(result, as_json, rule):
    return [e["message"] for e in as_json(result)["errors"] if e["rule"] == rule]


def test_enroll_outside_the_service_area_names_the_village_and_the_area(named, enroll, as_json):
    """ENR-2 就近入学: 「户籍 西村村委会(130283106201) 不在 001 … 的服务范围(测试镇(130283105))内」."""
    result = enroll(hukou_region=WEST, guardian_hukou_region=WEST, residence_region=WEST,
                    json=True)
    assert result.exit_code == 1
    [message] = _messages(result, as_json, "ENR-2")
    assert f"户籍 {WEST_LABEL} 不在" in message and f"({TOWNSHIP_LABEL})" in message


def test_two_agreements_name_both_regions(named, enroll, as_json):
    """ENR-2 两个统一: the child's and the guardian's household registrations, named."""
    result = enroll(guardian_hukou_region=WEST, json=True)
    assert result.exit_code == 1
    [message] = _messages(result, as_json, "ENR-2")
    assert f"北庄村委会({VILLAGE_001})" in message and WEST_LABEL in message


def test_without_a_table_the_code_alone(township, enroll, as_json):
    result = enroll(hukou_region=WEST, guardian_hukou_region=WEST, residence_region=WEST,
                    json=True)
    [message] = _messages(result, as_json, "ENR-2")
    assert f"户籍 {WEST} 不在" in message and "(130283105)" in message


def test_a_roster_row_outside_the_area_names_the_village(named, xueji, tmp_path, as_json):
    """ENR-2 in `enroll --from`: the same words as one child's, row by row."""
    places = {"户口所在地": WEST, "监护人户口所在地": WEST, "现住地": WEST}
    path = rosters.write(tmp_path / "r.xlsx", [rosters.child(1), rosters.child(2, **places)])
    result = xueji("enroll", "--from", str(path), "--school", "001", "--json")
    assert result.exit_code == 1
    [message] = _messages(result, as_json, "ENR-2")
    assert f"户籍 {WEST_LABEL} 不在" in message and TOWNSHIP_LABEL in message


def test_arrival_outside_the_receiving_area_names_the_places(pupil, xueji, tmp_path, as_json):
    """TRF-12: the household and home shown for 003 are 002's 西村, named."""
    ok(xueji("region", "import", str(write_csv(tmp_path / "区划.csv"))))
    result = out(xueji, "02262600100001", "--to", "003", "--class", "1", "--hukou-region", WEST,
                 "--residence-region", WEST, "--json")
    messages = _messages(refused(result), as_json, "TRF-12")
    assert len(messages) == 2 and all(WEST_LABEL in m for m in messages)


def test_a_local_child_refused_borrowing_is_named(borrow_in, xueji, tmp_path, as_json):
    """BOR-2: a child registered in 001's 南村 is no migrant — the refusal names 南村."""
    ok(xueji("region", "import", str(write_csv(tmp_path / "区划.csv"))))
    result = borrow_in(hukou_region="130283105202", json=True)
    [message] = _messages(result, as_json, "BOR-2")
    assert "户籍 南村村委会(130283105202) 在本目录" in message
