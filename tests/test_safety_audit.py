"""Audit (CHG-3): every journal entry names its operator — the `operator`
setting, else the OS user — and the time it was recorded; both are shown to the
registrar. (The database's own refusal of an entry without an operator, and of UPDATE
and DELETE on the journal, is in test_safety_migrations.py.)"""

from __future__ import annotations

import datetime as dt
import getpass

import pytest

from xueji_cli.values.dates import CHINA
from xueji_cli.values.operators import as_account


def entries(sql):
    return sql("SELECT kind, operator, recorded_at FROM journal ORDER BY id")


def stored_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def busy_day(township, enroll, xueji, as_json):
    """One of each kind of entry this branch writes: enrollments, an access note, a
    restore note."""
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert enroll(name="张一").exit_code == 0
    saved = as_json(xueji("backup", "--json"))["file"]
    assert xueji("restore", saved).exit_code == 0
    assert enroll(name="张二", show_id=True).exit_code == 0  # enrollment + access note
    assert xueji("student", "list", "--show-id").exit_code == 0
    assert enroll(name="张三").exit_code == 0
    return started


def test_the_os_user_is_the_operator_by_default(busy_day, sql):
    """CHG-3: without a name the account is recorded, marked as not a name."""
    user = as_account(getpass.getuser())
    kinds = [kind for kind, operator, _ in entries(sql) if operator == user]
    assert kinds == [kind for kind, _, _ in entries(sql)]
    assert {"enroll", "access", "db_restore"} <= set(kinds)


def test_the_operator_setting_names_the_registrar(township, enroll, xueji, set_setting, sql,
                                                  as_json):
    set_setting('operator = ""', 'operator = "王老师"')
    assert enroll(name="张一", show_id=True).exit_code == 0
    assert {operator for _, operator, _ in entries(sql)} == {"王老师"}
    card = as_json(xueji("student", "show", "02262600100001", "--json"))
    assert card["history"][0]["operator"] == "王老师"
    log = as_json(xueji("log", "--json"))["entries"]
    assert {e["operator"] for e in log} == {"王老师"} and {e["kind"] for e in log} == {"enroll", "access"}


def test_a_blank_operator_setting_falls_back_to_the_os_user(township, enroll, set_setting, sql):
    set_setting('operator = ""', 'operator = "   "')
    assert enroll().exit_code == 0
    assert entries(sql)[0][1] == as_account(getpass.getuser())


def test_every_entry_has_its_recorded_time(busy_day, sql, xueji, as_json):
    finished = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    rows = entries(sql)
    assert len(rows) >= 6
    times = [stored_time(at) for _, _, at in rows]
    assert all(busy_day <= t <= finished for t in times)
    assert times == sorted(times)  # appended in order
    # shown in China time, to the second
    log = as_json(xueji("log", "--json"))["entries"]
    assert [e["recorded_at"] for e in log] == [
        t.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") for t in times]
    screen = xueji("student", "show", "02262600100001")
    assert "经办人" in screen.stdout and "登记时间" in screen.stdout
    assert times[0].astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") in screen.stdout


def test_the_effective_date_is_separate_from_the_recorded_time(township, enroll, sql, monkeypatch):
    """Paper records entered late: --date sets the effective date; the recorded time is
    still now (and XUEJI_TODAY, which pins 'today', does not move it either)."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-20")
    assert enroll(date="2026-09-01").exit_code == 0
    [(effective, recorded)] = sql("SELECT effective_date, recorded_at FROM journal")
    assert effective == "2026-09-01"
    assert abs(stored_time(recorded) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
