"""The JSON keeps each region's code and adds its name as `<field>_name` — in the documents
of suspend, extend, resume and the suspension list, of the changes (leaving, corrections,
the year's turn) and of a transfer case (from_region, to_region), as `student show` does."""

from __future__ import annotations

import pytest
from suspendkit import OCTOBER, on_day, suspend_args  # noqa: F401
from synthetic import VILLAGE_001
from test_cli_region import write_csv

NORTH = "北庄村委会"  # VILLAGE_001's name in the region table of test_cli_region
PEOPLE_REGIONS = ("hukou_region", "guardian_hukou_region", "residence_region")


@pytest.fixture
def named_pupil(township, xueji, enroll, as_json, tmp_path, set_setting, on_day):  # noqa: F811
    """A grade-2 pupil of 001 living in 北庄, the region table imported; today 2026-10-16."""
    assert xueji("region", "import", str(write_csv(tmp_path / "区划.csv"))).exit_code == 0
    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    record = as_json(enroll(json=True, grade="2", birth="2019-03-05"))
    on_day(OCTOBER)
    return record["local_number"]


def _named(record: dict) -> None:
    for key in PEOPLE_REGIONS:
        assert (record[key], record[f"{key}_name"]) == (VILLAGE_001, NORTH), key


def _ok(result, as_json) -> dict:
    assert result.exit_code == 0, result.stderr
    return as_json(result)


def test_suspend_extend_list_and_resume_name_the_regions(named_pupil, xueji, as_json, on_day):  # noqa: F811
    _named(_ok(xueji(*suspend_args(named_pupil, "--json")), as_json)["student"])
    [listed] = _ok(xueji("suspend", "list", "--json"), as_json)["suspensions"]
    _named(listed)
    on_day("2027-10-05")
    _named(_ok(xueji("suspend", "extend", named_pupil, "--until", "2028-04-16", "--evidence",
                     "诊断证明", "--evidence", "休学申请书", "--json"), as_json)["student"])
    on_day("2028-04-16")
    _named(_ok(xueji("resume", named_pupil, "--evidence", "康复证明", "--hospital", "迁安市人民医院",
                     "--json"), as_json)["student"])


@pytest.mark.parametrize("args", [
    ("withdraw", "{key}", "--reason", "家长要求", "--lawful-basis", "迁教〔2026〕9号"),
    ("correct", "{key}", "--name", "张晓明", "--evidence", "户口簿", "--reason", "户口簿更名"),
    ("class-change", "{key}", "--class", "2"),
    ("skip-grade", "{key}", "--to", "3", "--approval", "迁教〔2026〕7号"),
    ("student", "update", "{key}", "--guardian-phone", "13900001111"),
])
def test_changes_name_the_regions(named_pupil, xueji, as_json, args):
    result = xueji(*(a.format(key=named_pupil) for a in args), "--json")
    _named(_ok(result, as_json)["record"])


def test_undo_names_the_regions(named_pupil, xueji, as_json):
    done = _ok(xueji("class-change", named_pupil, "--class", "2", "--json"), as_json)
    entry = str(done["entries"][0]["id"])
    _named(_ok(xueji("undo", entry, "--reason", "办错了", "--json"), as_json)["record"])


def test_a_transfer_case_names_its_regions(named_pupil, xueji, as_json):
    """from_region: the leaving school's area (测试镇); to_region: the destination typed."""
    case = _ok(xueji("transfer", "out", named_pupil, "--to-school", "外乡小学", "--to-region",
                     "外乡东村", "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明",
                     "--date", "2026-10-16", "--json"), as_json)
    assert (case["to_region"], case["to_region_name"]) == ("130283107203", "东村村委会")
    assert (case["from_region"], case["from_region_name"]) == ("130283105", "测试镇")
    [listed] = _ok(xueji("transfer", "list", "--json"), as_json)["cases"]
    assert listed["to_region_name"] == "东村村委会"
    shown = xueji("transfer", "show", case["case_no"])
    assert "东村村委会(130283107203)" in shown.stdout
