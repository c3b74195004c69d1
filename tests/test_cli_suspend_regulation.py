"""`xueji suspend` and `xueji resume` at the boundaries the regulation sets, end to end:
SUS-2 休学时间以一年为起点 — a calendar year, the return no earlier than the same date a
year later (from 29 February, 1 March); SUS-1 持县级以上医院诊断证明 and SUS-3 持县级以上医院
康复证明 — a hospital below county level (卫生院, 卫生室, 诊所, 社区卫生服务中心/站) is refused,
a hospital the directory lists is recorded as listed, any other as declared."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from suspendkit import on_day, pupil, suspend_args  # noqa: F401

RECOVERY = ["--evidence", "康复证明"]
BELOW_COUNTY = ["示范镇卫生院", "东村卫生室", "李氏诊所", "建设路社区卫生服务中心", "东关社区卫生服务站"]
LISTED = 'county_hospitals = ["迁安市人民医院", "迁安市中医医院"]'


def errors(as_json, result) -> list[tuple[str, str]]:
    assert result.exit_code == 1, result.stderr
    return [(e["rule"], e["field"]) for e in as_json(result)["errors"]]


def with_hospital(name: str) -> list[str]:
    return ["--hospital", name, "--evidence", "诊断证明,住院收据,病历复印件",
            "--evidence", "休学申请书", "--evidence", "调查报告"]


def last_details(sql) -> dict:
    return json.loads(sql("SELECT details FROM journal ORDER BY id DESC LIMIT 1")[0][0])


@pytest.fixture
def list_hospitals(set_setting):
    set_setting("# county_hospitals = ", "county_hospitals = ")


# -- SUS-2 one calendar year ---------------------------------------------------------------

@pytest.mark.parametrize("start, short, year", [
    ("2027-03-01", "2028-02-29", "2028-03-01"),  # 365 days, across 29 February 2028
    ("2028-02-29", "2029-02-28", "2029-03-01"),  # from 29 February: 1 March
    ("2027-10-16", "2028-10-15", "2028-10-16"),  # the day before the anniversary
])
def test_the_day_before_a_year_is_refused_the_anniversary_accepted(pupil, xueji, as_json,
                                                                     on_day, start, short, year):
    """SUS-2 [QA] 休学时间以一年为起点: a calendar year, not 365 days."""
    on_day(start)
    result = xueji(*suspend_args(pupil, "--until", short, "--json", start=start))
    assert errors(as_json, result) == [("SUS-2", "until")]
    assert year in as_json(result)["errors"][0]["hint"]
    result = xueji(*suspend_args(pupil, "--until", year, "--json", start=start))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["until"] == year


@pytest.mark.parametrize("start, year, days", [
    ("2027-03-01", "2028-03-01", 366), ("2028-02-29", "2029-03-01", 366),
    ("2028-02-28", "2029-02-28", 366), ("2026-10-16", "2027-10-16", 365)])
def test_without_until_the_suspension_ends_a_calendar_year_later(pupil, xueji, as_json, on_day,
                                                                  start, year, days):
    """SUS-2: the default end is the one date the minimum is checked against."""
    on_day(start)
    result = xueji(*suspend_args(pupil, "--json", start=start))
    assert result.exit_code == 0, result.stderr
    case = as_json(result)["suspension"]
    assert (case["until"], case["days"]) == (year, days)


def test_from_29_february_the_return_is_on_1_march(pupil, xueji, as_json, on_day):
    """SUS-2 不得提前复学, from 29 February: 28 February a year later is a day early."""
    on_day("2028-02-29")
    assert xueji(*suspend_args(pupil, start="2028-02-29")).exit_code == 0
    on_day("2029-02-28")
    result = xueji("resume", pupil, *RECOVERY, "--hospital", "迁安市人民医院", "--json")
    assert errors(as_json, result) == [("SUS-2", "date")]
    on_day("2029-03-01")
    result = xueji("resume", pupil, *RECOVERY, "--hospital", "迁安市人民医院", "--json")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("start, until, period", [
    ("2028-02-29", "2029-03-01", "自2028年2月29日起至2029年3月1日止,共一年(366天)"),
    ("2026-10-16", "2027-10-17", "自2026年10月16日起至2027年10月17日止,共366天"),
])
def test_the_certificate_calls_a_calendar_year_one_year(pupil, xueji, on_day, tmp_path,
                                                         start, until, period):
    """SUS-2: the 休学证明 says 一年 for a calendar year, not for any 365 or 366 days."""
    on_day(start)
    assert xueji(*suspend_args(pupil, "--until", until, start=start)).exit_code == 0
    path = tmp_path / "休学证明.xlsx"
    assert xueji("suspend", "certificate", pupil, "--xlsx", path).exit_code == 0
    cells = [str(c.value) for row in load_workbook(path).active.iter_rows() for c in row]
    assert cells.count(period) == 2


# -- SUS-1 the diagnosis from a county-level hospital --------------------------------------

@pytest.mark.parametrize("name", BELOW_COUNTY)
def test_a_diagnosis_from_below_county_level_is_refused(pupil, xueji, as_json, sql, name):
    """SUS-1 [QA] 持县级以上医院诊断证明: a township health centre, a village clinic, a
    clinic, a community health centre or station does not qualify; nothing is written."""
    before = sql("SELECT count(*) FROM journal")
    result = xueji(*suspend_args(pupil, "--json", evidence=with_hospital(name)))
    assert errors(as_json, result) == [("SUS-1", "hospital")]
    error = as_json(result)["errors"][0]
    assert name in error["message"] and "县级以上医院" in error["hint"]
    assert sql("SELECT count(*) FROM journal") == before
    assert sql("SELECT status FROM student") == [("active",)]
    screen = xueji(*suspend_args(pupil, evidence=with_hospital(name)))
    assert screen.exit_code == 1 and "SUS-1" in screen.stderr and "不是县级以上医院" in screen.stderr


def test_a_listed_county_hospital_is_recorded_as_listed(pupil, xueji, as_json, sql,
                                                         list_hospitals):
    result = xueji(*suspend_args(pupil, "--json", evidence=with_hospital("迁安市中医医院")))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["hospital_level"] == "listed"
    assert last_details(sql)["hospital_level"] == "listed"


def test_an_unknown_hospital_is_accepted_as_declared(pupil, xueji, as_json, sql,
                                                      list_hospitals):
    """The tool cannot know every county hospital: a name that is not below county level
    is accepted, its level recorded as the registrar declares it, and shown so."""
    result = xueji(*suspend_args(pupil, "--json", evidence=with_hospital("北京儿童医院")))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["hospital_level"] == "declared"
    assert last_details(sql)["hospital_level"] == "declared"


def test_the_screen_says_how_the_level_is_known(pupil, xueji, list_hospitals):
    result = xueji(*suspend_args(pupil, evidence=with_hospital("北京儿童医院")))
    assert result.exit_code == 0, result.stderr
    assert "北京儿童医院(医院等级由经办人申报,未经医院名单核对)" in result.stdout


def test_a_listed_name_below_county_level_is_still_refused(pupil, xueji, as_json, set_setting):
    """SUS-1: the name says what the facility is; a list cannot make a 卫生院 a county
    hospital."""
    set_setting("# county_hospitals = [", 'county_hospitals = ["示范镇卫生院", ')
    result = xueji(*suspend_args(pupil, "--json", evidence=with_hospital("示范镇卫生院")))
    assert errors(as_json, result) == [("SUS-1", "hospital")]


# -- SUS-3 the recovery certificate from a county-level hospital ---------------------------

@pytest.fixture
def due(pupil, xueji, on_day):
    """The pupil suspended 2026-10-16 to 2027-10-16, on the day the suspension ends."""
    assert xueji(*suspend_args(pupil)).exit_code == 0
    on_day("2027-10-16")
    return pupil


@pytest.mark.parametrize("name", BELOW_COUNTY)
def test_a_recovery_certificate_from_below_county_level_is_refused(due, xueji, as_json, sql,
                                                                   name):
    """SUS-3 [QA] 学生须持县级以上医院康复证明到学校办理复学手续."""
    result = xueji("resume", due, *RECOVERY, "--hospital", name, "--json")
    assert errors(as_json, result) == [("SUS-3", "hospital")]
    assert "康复证明" in as_json(result)["errors"][0]["hint"]
    assert sql("SELECT status FROM student") == [("suspended",)]


def test_a_recovery_certificate_names_its_hospital(due, xueji, as_json):
    """SUS-3: the level of a hospital can only be judged when it is named."""
    result = xueji("resume", due, *RECOVERY, "--json")
    assert errors(as_json, result) == [("SUS-3", "hospital")]
    assert "--hospital" in as_json(result)["errors"][0]["hint"]


@pytest.mark.parametrize("name, level, shown", [
    ("迁安市人民医院", "listed", "本目录医院名单所列"),
    ("北京儿童医院", "declared", "医院等级由经办人申报"),
])
def test_a_recovery_certificate_records_how_its_level_is_known(due, xueji, sql, list_hospitals,
                                                                name, level, shown):
    result = xueji("resume", due, *RECOVERY, "--hospital", name)
    assert result.exit_code == 0, result.stderr
    assert f"康复证明:{name}(" in result.stderr and shown in result.stderr
    assert last_details(sql)["hospital_level"] == level
