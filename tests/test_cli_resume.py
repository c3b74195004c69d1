"""`xueji suspend extend`, `xueji resume`, `xueji suspend list` and the suspension as other
workflows see it: renewals up to two years, no early return, the recovery certificate,
the grade joined with the number kept, and check / renumber-check clean throughout."""

from __future__ import annotations

import pytest
from suspendkit import OCTOBER, on_day, pupil, suspend_args, village_pupil  # noqa: F401

RECOVERY = ["--evidence", "康复证明", "--hospital", "迁安市人民医院"]
RENEWAL = ["--evidence", "诊断证明", "--evidence", "休学申请书"]


@pytest.fixture
def suspended(pupil, xueji):
    """The grade-2 pupil of `pupil`, suspended 2026-10-16 to 2027-10-16."""
    result = xueji(*suspend_args(pupil))
    assert result.exit_code == 0, result.stderr
    return pupil


def clean(xueji):
    assert xueji("check").exit_code == 0
    assert xueji("renumber-check").exit_code == 0


# -- extend (SUS-4) -------------------------------------------------------------------------------

def test_extend_to_exactly_two_years(suspended, xueji, as_json, on_day, sql):
    on_day("2027-10-05")
    result = xueji("suspend", "extend", suspended, "--until", "2028-10-16", *RENEWAL, "--json")
    assert result.exit_code == 0, result.stderr
    case = as_json(result)["suspension"]
    assert (case["until"], case["original_until"]) == ("2028-10-16", "2027-10-16")
    assert case["extensions"] == [{"on": "2027-10-05", "until": "2028-10-16", "previous": "2027-10-16"}]
    assert as_json(result)["warnings"] == []
    assert sql("SELECT kind, sets, case_ref FROM journal ORDER BY id DESC LIMIT 1") == [
        ("suspend_extend", "{}", "SUS-001-2026-001")]
    clean(xueji)


def test_extend_a_day_past_two_years_refused(suspended, xueji, as_json, on_day):
    on_day("2027-10-05")
    result = xueji("suspend", "extend", suspended, "--until", "2028-10-17", *RENEWAL, "--json")
    assert result.exit_code == 1
    error = as_json(result)["errors"][0]
    assert (error["rule"], error["field"]) == ("SUS-4", "until") and "2028-10-16" in error["hint"]


def test_two_renewals_count_together(suspended, xueji, on_day):
    on_day("2027-10-05")
    assert xueji("suspend", "extend", suspended, "--until", "2028-04-16", *RENEWAL).exit_code == 0
    on_day("2028-04-05")
    result = xueji("suspend", "extend", suspended, "--until", "2028-10-17", *RENEWAL)
    assert result.exit_code == 1 and "SUS-4" in result.stderr and "自 2026-10-16 起" in result.stderr
    assert xueji("suspend", "extend", suspended, "--until", "2028-10-16", *RENEWAL).exit_code == 0


def test_renewal_outside_the_half_month_is_warned(suspended, xueji, as_json, on_day):
    on_day("2027-09-01")
    result = xueji("suspend", "extend", suspended, "--until", "2028-10-16", *RENEWAL, "--json")
    assert result.exit_code == 0, result.stderr
    assert [(w["rule"], w["severity"]) for w in as_json(result)["warnings"]] == [("SUS-4", "warning")]


def test_renewal_needs_application_and_central_approval(village_pupil, xueji, as_json, on_day):
    assert xueji(*suspend_args(village_pupil, "--central-approval", "休审1号")).exit_code == 0
    on_day("2027-10-05")
    result = xueji("suspend", "extend", village_pupil, "--until", "2028-10-16", "--json")
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [
        ("SUS-4", "evidence"), ("SUS-1", "central_approval")]


def test_extend_someone_not_suspended(pupil, xueji):
    result = xueji("suspend", "extend", pupil, "--until", "2028-10-16")
    assert result.exit_code == 1 and "SUS-4" in result.stderr and "不在休学中" in result.stderr


# -- resume (SUS-2, SUS-3, SUS-7) ------------------------------------------------------------------------

def test_resume_into_the_grade_left_keeps_the_number(suspended, xueji, as_json, on_day, sql):
    on_day("2027-10-16")
    result = xueji("resume", suspended, *RECOVERY, "--json")
    assert result.exit_code == 0, result.stderr
    doc = as_json(result)
    assert doc["student"]["local_number"] == suspended  # SUS-7 / NUM-4
    assert (doc["student"]["status"], doc["student"]["grade"]) == ("active", 2)
    assert doc["suspension"]["resumed_on"] == "2027-10-16"
    assert sql("SELECT kind, national_code, sets FROM journal ORDER BY id DESC LIMIT 1") == [
        ("resume", "12", '{"status": "active", "grade": 2, "class_no": 1}')]
    assert sql("SELECT local_number, entry_year FROM student") == [(suspended, 2025)]
    clean(xueji)


def test_resume_with_the_original_cohort(suspended, xueji, as_json, on_day):
    on_day("2027-10-16")
    result = xueji("resume", suspended, *RECOVERY, "--grade", "same", "--class", "2", "--json")
    assert result.exit_code == 0, result.stderr
    student = as_json(result)["student"]
    assert (student["grade"], student["class"], student["local_number"]) == (3, 2, suspended)
    clean(xueji)


def test_resume_screen_says_where_and_that_the_number_stays(suspended, xueji, on_day):
    on_day("2027-10-16")
    result = xueji("resume", suspended, *RECOVERY)
    assert result.exit_code == 0, result.stderr
    assert "编入2年级1班(原年级同学现在3年级)" in result.stderr and "不变" in result.stderr


def test_grade_outside_the_two_choices(suspended, xueji, on_day, as_json):
    on_day("2027-10-16")
    result = xueji("resume", suspended, *RECOVERY, "--grade", "4", "--json")
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("SUS-3", "grade")]
    result = xueji("resume", suspended, *RECOVERY, "--grade", "上面", "--json")
    assert as_json(result)["errors"][0]["rule"] == "INPUT"


def test_no_early_return(suspended, xueji, as_json, on_day, set_setting):
    on_day("2027-10-15")
    result = xueji("resume", suspended, *RECOVERY, "--json")
    assert result.exit_code == 1
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("SUS-2", "date")]
    set_setting("suspension_early_return = false", "suspension_early_return = true")
    result = xueji("resume", suspended, *RECOVERY, "--json")
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("SUS-2", "approval")]
    result = xueji("resume", suspended, *RECOVERY, "--approval", "校长批准", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["warnings"][0]["rule"] == "SUS-2"


def test_recovery_certificate_required(suspended, xueji, on_day, sql):
    on_day("2027-10-16")
    before = sql("SELECT count(*) FROM journal")
    result = xueji("resume", suspended)
    assert result.exit_code == 1 and "SUS-3" in result.stderr and "康复证明" in result.stderr
    assert sql("SELECT count(*) FROM journal") == before


def test_resume_someone_not_suspended(pupil, xueji):
    result = xueji("resume", pupil, *RECOVERY)
    assert result.exit_code == 1 and "SUS-3" in result.stderr and "不在休学中" in result.stderr


def test_suspended_again_the_day_of_return_continues_the_two_years(suspended, xueji, on_day, as_json):
    on_day("2027-10-16")
    assert xueji("resume", suspended, *RECOVERY).exit_code == 0
    result = xueji(*suspend_args(suspended, "--until", "2028-10-17", "--json", start="2027-10-16"))
    assert [e["rule"] for e in as_json(result)["errors"]] == ["SUS-4"]
    result = xueji(*suspend_args(suspended, "--json", start="2027-10-16"))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["case_ref"] == "SUS-001-2027-001"
    clean(xueji)


# -- list ---------------------------------------------------------------------------------------------------

def test_list_shows_who_must_act(suspended, xueji, as_json, on_day):
    doc = as_json(xueji("suspend", "list", "--json"))
    assert doc["count"] == 1
    row = doc["suspensions"][0]
    assert (row["local_number"], row["days_left"], row["flags"]) == (suspended, 365, [])
    on_day("2027-10-06")
    doc = as_json(xueji("suspend", "list", "--json"))
    assert [f["flag"] for f in doc["suspensions"][0]["flags"]] == ["due"]
    assert doc["due_within"] == 15
    assert as_json(xueji("suspend", "list", "--due-within", "5", "--json"))["suspensions"][0]["flags"] == []
    on_day("2028-10-20")
    doc = as_json(xueji("suspend", "list", "--json"))
    assert [f["flag"] for f in doc["suspensions"][0]["flags"]] == ["over_max", "overdue"]


def test_list_on_screen_and_filters(suspended, xueji, on_day):
    on_day("2027-10-10")
    result = xueji("suspend", "list")
    assert result.exit_code == 0
    assert suspended in result.stdout and "6天后期满" in result.stdout
    assert "目前没有休学的学生" in xueji("suspend", "list", "--school", "002").stderr
    on_day("2027-01-10")
    assert "没有须办理" in xueji("suspend", "list", "--due-only").stderr
    assert xueji("suspend", "list", "--school", "009").exit_code == 1


def test_list_masks_id_numbers(suspended, xueji, as_json):
    row = as_json(xueji("suspend", "list", "--json"))["suspensions"][0]
    assert "*" in row["id_number"]
    row = as_json(xueji("suspend", "list", "--json", "--show-id"))["suspensions"][0]
    assert "*" not in row["id_number"]


def test_whole_case_in_the_record_card(suspended, xueji, on_day):
    on_day("2027-10-05")
    assert xueji("suspend", "extend", suspended, "--until", "2028-04-16", *RENEWAL).exit_code == 0
    on_day("2028-04-16")
    assert xueji("resume", suspended, *RECOVERY).exit_code == 0
    card = xueji("student", "show", suspended).stdout
    for words in ("休学 2026-10-16 至 2027-10-16", "续办休学至 2028-04-16", "续办休学", "复学"):
        assert words in card
    clean(xueji)


@pytest.mark.parametrize("steps", [
    lambda key, word: ["suspend", key, "--reason", "病", "--from", OCTOBER, "--hospital",
                       "迁安市人民医院", "--evidence", word],
    lambda key, word: ["suspend", "extend", key, "--until", "2028-10-16", "--evidence", word],
    lambda key, word: ["resume", key, "--hospital", "迁安市人民医院", "--evidence", word],
], ids=["start", "extend", "resume"])
def test_an_evidence_word_with_a_control_character_is_invalid_input(pupil, xueji, as_json, sql,
                                                                    steps):
    """SUS-1, SUS-4, SUS-2: an evidence word is a free text like any other — one holding ESC
    is refused naming --evidence (exit 1), never an internal error; nothing written."""
    before = sql("SELECT count(*) FROM journal")
    result = xueji(*steps(pupil, "诊断证明\x1b[2J"), "--json")
    assert result.exit_code == 1
    [error] = as_json(result)["errors"]
    assert (error["rule"], error["field"]) == ("INPUT", "evidence") and "U+001B" in error["message"]
    assert sql("SELECT count(*) FROM journal") == before
