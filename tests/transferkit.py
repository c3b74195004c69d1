"""Shared by the transfer tests: a township with two schools in the same township, short
ways to run the transfer commands, and putting a record into a state (suspended …) the
way the other workflows will: through journal.record."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlmodel import select
from synthetic import VILLAGE_001, make_id

SAME_TOWN = "130283105209"  # school 003's village: the same township as 001 (130283105)
OTHER_TOWN = "130283106201"  # school 002's township in the `township` fixture
URBAN = "130283001005"  # a street (街道) of the county town
ELSEWHERE = "130204001001"  # another county
MOVE = ["--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明"]
# TRF-12: the household registration and home the family shows for the receiving school
# of this directory — inside its service area.
AT_001 = ["--hukou-region", VILLAGE_001, "--residence-region", VILLAGE_001]
AT_002 = ["--hukou-region", OTHER_TOWN, "--residence-region", OTHER_TOWN]
AT_003 = ["--hukou-region", SAME_TOWN, "--residence-region", SAME_TOWN]
AT_WEST = AT_002  # the `other` directory's school 001 serves 002's township (130283106)


@pytest.fixture
def town(township, xueji):
    """The `township` fixture (001 central in 130283105, 002 in 130283106) plus 003, a
    village school of 001's township."""
    result = xueji("school", "add", "--code", "003", "--name", "测试镇第二小学",
                   "--service-area", SAME_TOWN)
    assert result.exit_code == 0, result.stderr
    return township


@pytest.fixture
def pupil(town, enroll, as_json):
    """One first-grader of 001 (02262600100001); returns its JSON record."""
    result = enroll(json=True, id_number=make_id("2020-03-05", seq=77), name="赵小明")
    assert result.exit_code == 0, result.stderr
    return as_json(result)


@pytest.fixture
def other(tmp_path, template_dir, xueji_at):
    """A second directory: the township of 130283106 (西山镇), its central school 001."""
    path = tmp_path / "other"
    path.mkdir()
    for name in ("xueji.toml", "xueji.db"):
        shutil.copy(template_dir / name, path / name)
    ok(xueji_at(path, "school", "add", "--code", "001", "--name", "西山镇中心小学", "--central",
                "--service-area", "130283106"))
    return path


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def refused(result, *rules):
    assert result.exit_code == 1, (result.stdout, result.stderr)
    for rule in rules:
        assert rule in result.stderr, (rule, result.stderr)
    return result


def out(xueji, key, *args, reason=MOVE, date="2026-09-01"):
    return xueji("transfer", "out", key, *args, *reason, "--date", date)


def run_case(xueji, as_json, key, to_args, levels, date="2026-09-01"):
    """Apply, approve each level, complete; returns the completed case's JSON."""
    case = as_json(ok(xueji("transfer", "out", key, *to_args, *MOVE, "--date", date, "--json")))
    for level in levels:
        ok(xueji("transfer", "approve", case["case_no"], "--level", level, "--date", date))
    return as_json(ok(xueji("transfer", "complete", case["case_no"], "--date", date, "--json")))


def put_state(directory, local_number: str, kind: str, sets: dict, day="2026-09-01") -> None:
    """Append a journal entry to a record, as the suspension/borrowing workflows will."""
    from xueji_cli.ledger import journal
    from xueji_cli.ledger.models import Student
    from xueji_cli.store.database import Store

    store = Store(directory)
    with store.session(write=True) as session:
        student = session.exec(select(Student).where(Student.local_number == local_number)).one()
        journal.record(session, student, kind, dt.date.fromisoformat(day), "测试", sets=sets)
    for engine in store._engines.values():
        engine.dispose()


__all__ = ["town", "pupil", "other", "ok", "refused", "out", "run_case", "put_state", "SAME_TOWN",
           "OTHER_TOWN", "URBAN", "ELSEWHERE", "MOVE", "VILLAGE_001", "AT_001", "AT_002",
           "AT_003", "AT_WEST"]
