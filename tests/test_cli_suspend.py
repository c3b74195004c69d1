"""`xueji suspend KEY …` (and `suspend start`): the command shape, every refusal with its
rule id (exit 1), what is written, the share of a grade of 33 vs 34, --json, masking,
and the 在籍/在校 counts of `student list`."""

from __future__ import annotations

import pytest
from conftest import invoke
from pgkit import BOTH_STORES
from suspendkit import (  # noqa: F401
    OCTOBER,
    grade33_dir,
    grade_of_33,
    on_day,
    pupil,
    seed_grade,
    suspend_args,
    village_pupil,
)
from synthetic import make_id

pytestmark = BOTH_STORES  # the registrar's workflow, on SQLite and on a county's server

GIRL = make_id("2019-06-01", male=False, seq=77)


def journal_count(sql):
    return sql("SELECT count(*) FROM journal")[0][0]


# -- the command shape ------------------------------------------------------------------------

def test_help_lists_the_subcommands(xueji):
    result = xueji("suspend", "--help")
    assert result.exit_code == 0
    assert "用法:xueji suspend KEY [选项]... | 命令 [参数]..." in result.stdout
    for command in ("start", "extend", "list", "certificate"):
        assert f"  {command} " in result.stdout
    assert "resume" in xueji("--help").stdout


def test_without_arguments_shows_help(xueji):
    result = xueji("suspend")
    assert "命令:" in result.stdout + result.stderr


@pytest.mark.parametrize("shape", ["key_first", "start", "options_first"])
def test_key_goes_to_start(pupil, xueji, as_json, shape):
    args = suspend_args(pupil, "--json")[2:]  # without "suspend KEY"
    argv = {"key_first": ["suspend", pupil, *args], "start": ["suspend", "start", pupil, *args],
            "options_first": ["suspend", *args, pupil]}[shape]
    result = xueji(*argv)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["from"] == OCTOBER


def test_unknown_word_is_an_unknown_command(xueji):
    result = xueji("suspend", "lsit")
    assert result.exit_code == 2 and result.stdout == ""
    assert "没有 lsit 这个命令" in result.stderr and "list" in result.stderr


def test_reason_is_required(pupil, xueji):
    result = xueji("suspend", pupil, "--from", OCTOBER)
    assert result.exit_code == 2 and "--reason" in result.stderr


# -- a suspension that passes ------------------------------------------------------------------------

def test_suspend_writes_status_case_and_journal(pupil, xueji, as_json, sql):
    result = xueji(*suspend_args(pupil, "--json"))
    assert result.exit_code == 0, result.stderr
    doc = as_json(result)
    case = doc["suspension"]
    assert doc["student"]["status"] == "suspended" and doc["student"]["local_number"] == pupil
    assert (case["from"], case["until"], case["days"]) == (OCTOBER, "2027-10-16", 365)
    assert (case["reason"], case["grade_left"], case["class_left"]) == ("illness", 2, 1)
    assert case["case_ref"] == "SUS-001-2026-001" and case["certificate_no"] == "〔2026〕001-001号"
    assert case["evidence"] == ["诊断证明", "住院收据", "病历复印件", "休学申请书", "调查报告"]
    assert case["approvals"] == []  # the central school needs no one's approval
    kind, code, effective, sets, case_ref = sql(
        "SELECT kind, national_code, effective_date, sets, case_ref FROM journal ORDER BY id DESC")[0]
    assert (kind, code, effective, case_ref) == ("suspend", "11", OCTOBER, "SUS-001-2026-001")
    assert sets == '{"status": "suspended"}'  # NUM-4: no number is touched
    assert sql("SELECT status, local_number FROM student") == [("suspended", pupil)]
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_screen_output(pupil, xueji):
    result = xueji(*suspend_args(pupil))
    assert result.exit_code == 0, result.stderr
    assert "已休学" in result.stdout and "2026-10-16 至 2027-10-16" in result.stdout
    assert "〔2026〕001-001号" in result.stdout
    assert "xueji suspend certificate" in result.stderr


def test_from_defaults_to_the_date(pupil, xueji, as_json):
    result = xueji(*suspend_args(pupil, "--date", "2026-10-20", "--json", start=None))
    assert as_json(result)["suspension"]["from"] == "2026-10-20"
    assert as_json(result)["suspension"]["processed_on"] == "2026-10-20"


def test_dry_run_writes_nothing(pupil, xueji, as_json, sql):
    before = journal_count(sql)
    result = xueji(*suspend_args(pupil, "--dry-run", "--json"))
    assert result.exit_code == 0, result.stderr
    doc = as_json(result)
    assert doc["dry_run"] is True and doc["checked"]["until"] == "2027-10-16"
    assert journal_count(sql) == before
    assert sql("SELECT status FROM student") == [("active",)]


# -- refusals ----------------------------------------------------------------------------------------------

def test_missing_hospital_evidence_is_refused_all_at_once(pupil, xueji, as_json, sql):
    before = journal_count(sql)
    result = xueji(*suspend_args(pupil, evidence=["--evidence", "休学申请书,调查报告"]))
    assert result.exit_code == 1 and result.stdout == ""
    assert "SUS-1" in result.stderr and "县级以上医院诊断证明、住院收据、病历复印件" in result.stderr
    assert "--hospital" in result.stderr and f"学生 {pupil}" in result.stderr
    result = xueji(*suspend_args(pupil, "--json", evidence=[]))
    doc = as_json(result)
    assert doc["ok"] is False
    assert [(e["rule"], e["field"]) for e in doc["errors"]] == [
        ("SUS-1", "evidence"), ("SUS-1", "hospital")]
    assert journal_count(sql) == before


def test_364_days_refused_365_accepted(pupil, xueji, as_json):
    result = xueji(*suspend_args(pupil, "--until", "2027-10-15", "--json"))
    assert result.exit_code == 1
    assert [e["rule"] for e in as_json(result)["errors"]] == ["SUS-2"]
    result = xueji(*suspend_args(pupil, "--until", "2027-10-16", "--json"))
    assert result.exit_code == 0, result.stderr


def test_more_than_two_years_at_once_refused(pupil, xueji, as_json):
    result = xueji(*suspend_args(pupil, "--until", "2028-10-17", "--json"))
    assert [e["rule"] for e in as_json(result)["errors"]] == ["SUS-4"]
    assert xueji(*suspend_args(pupil, "--until", "2028-10-16")).exit_code == 0


def test_village_school_needs_the_central_school(village_pupil, xueji, as_json):
    result = xueji(*suspend_args(village_pupil, "--json"))
    assert result.exit_code == 1
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [
        ("SUS-1", "central_approval")]
    result = xueji(*suspend_args(village_pupil, "--central-approval", "休审〔2026〕1号", "--json"))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["approvals"] == [
        {"for": "SUS-1", "by": "中心校", "decision": "休审〔2026〕1号"}]


def test_infectious_disease_is_ordered_by_the_school(pupil, xueji, as_json):
    evidence = ["--hospital", "迁安市人民医院", "--evidence", "诊断证明"]
    result = xueji(*suspend_args(pupil, "--json", reason="传染病", evidence=evidence))
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("SUS-6", "school_order")]
    result = xueji(*suspend_args(pupil, "--school-order", "〔2026〕3号", "--json", reason="传染病",
                                 evidence=evidence))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["suspension"]["reason"] == "infectious"


def test_other_reason_needs_its_words(pupil, xueji, as_json):
    evidence = ["--evidence", "休学申请书,调查报告"]
    result = xueji(*suspend_args(pupil, "--json", reason="其他", evidence=evidence))
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("SUS-1", "remark")]
    result = xueji(*suspend_args(pupil, "--remark", "随父母外出务工,暂无法就学", reason="其他",
                                 evidence=evidence))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("args, field", [
    (["--reason", "懒"], "reason"), (["--from", "2026-13-01"], "from"),
    (["--until", "明年"], "until"), (["--date", "x"], "date")])
def test_unreadable_values(pupil, xueji, as_json, args, field):
    base = suspend_args(pupil, "--json", start=None)
    if args[0] == "--reason":
        base = base[:2] + base[4:]
    result = xueji(*base, *args)
    assert result.exit_code == 1
    error = as_json(result)["errors"][0]
    assert (error["rule"], error["field"]) == ("INPUT", field)


@pytest.mark.parametrize("start, rule, words", [("2026-12-01", "INPUT", "31天以后"),
                                               ("2026-08-31", "SUS-2", "上一次变动")])
def test_start_date_out_of_range(pupil, xueji, start, rule, words):
    result = xueji(*suspend_args(pupil, start=start))
    assert result.exit_code == 1 and rule in result.stderr and words in result.stderr


def test_already_suspended(pupil, xueji):
    assert xueji(*suspend_args(pupil)).exit_code == 0
    result = xueji(*suspend_args(pupil))
    assert result.exit_code == 1
    assert "SUS-4" in result.stderr and "已在休学中" in result.stderr and "suspend extend" in result.stderr


def test_unknown_student_and_masked_key(township, xueji, on_day):
    on_day(OCTOBER)
    result = xueji(*suspend_args(GIRL))
    assert result.exit_code == 1
    assert GIRL not in result.stderr and GIRL[:6] + "********" + GIRL[-4:] in result.stderr


def test_key_by_id_number(township, enroll, xueji, set_setting, on_day):
    set_setting("suspension_max_share = 0.03", "suspension_max_share = 1.0")
    assert enroll(id_number=GIRL, gender="女", birth="2019-06-01", grade="2").exit_code == 0
    on_day(OCTOBER)
    result = xueji(*suspend_args(GIRL))
    assert result.exit_code == 0, result.stderr
    assert GIRL not in result.stdout + result.stderr


# -- SUS-5 the share of a grade: 1 of 33 is 3.03%, 1 of 34 is 2.94% --------------------------------------

def test_one_of_33_refused_unless_overridden(grade33_dir):
    args = suspend_args("02262600100001")
    result = invoke(grade33_dir, *args)
    assert result.exit_code == 1
    assert "SUS-5" in result.stderr and "在籍33人" in result.stderr and "3.03%" in result.stderr
    result = invoke(grade33_dir, *args, "--share-override", "病情严重,经中心校同意", "--json")
    assert result.exit_code == 0, result.stderr
    assert '"for": "SUS-5"' in result.stdout and "3.03%" in result.stdout  # the warning


def test_one_of_34_allowed(grade33_dir, as_json):
    seed_grade(grade33_dir, 1, first=34)  # a 34th pupil
    result = invoke(grade33_dir, *suspend_args("02262600100001", "--json"))
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["warnings"] == []
    result = invoke(grade33_dir, *suspend_args("02262600100002", "--json"))  # 2 of 34 = 5.9%
    assert result.exit_code == 1


# -- student list: on the register, not at school --------------------------------------------------------------

def test_student_list_counts_the_suspended(pupil, xueji, enroll):
    assert enroll(name="李小红", gender="女", birth="2019-07-01", grade="2").exit_code == 0
    assert xueji(*suspend_args(pupil)).exit_code == 0
    result = xueji("student", "list")
    assert "共 2 人,其中在校 1 人,休学 1 人(在籍不在校)" in result.stdout
    assert "休学" in xueji("student", "list", "--status", "休学").stdout


@pytest.mark.parametrize("old, new, words", [
    ("suspension_max_share = 0.03", "suspension_max_share = 3", "suspension_max_share"),
    ("suspension_min_years = 1", "suspension_min_years = 0", "suspension_min_years"),
    ("suspension_max_years = 2", "suspension_max_years = 0", "suspension_max_years"),
    ("suspension_renew_notice_days = 15", "suspension_renew_notice_days = -1", "notice_days"),
])
def test_meaningless_policy_is_refused(ws_dir, xueji, set_setting, old, new, words):
    set_setting(old, new)
    result = xueji("suspend", "list")
    assert result.exit_code == 3 and words in result.stderr


# -- a suspension entered in error and undone ------------------------------------------------

def test_an_undone_suspension_is_no_case(pupil, xueji, as_json, sql, tmp_path):
    assert xueji(*suspend_args(pupil)).exit_code == 0
    [entry] = [row[0] for row in sql("SELECT id FROM journal WHERE kind = 'suspend'")]
    result = xueji("undo", str(entry), "--reason", "误办休学")
    assert result.exit_code == 0, result.stderr
    # no certificate for a suspension that stands undone
    paper = xueji("suspend", "certificate", pupil, "--xlsx", tmp_path / "x.xlsx")
    assert paper.exit_code == 1 and not (tmp_path / "x.xlsx").exists()
    # a new suspension starts a case of its own, with nothing carried over
    again = xueji(*suspend_args(pupil, "--json"))
    assert again.exit_code == 0, again.stderr
    case = as_json(again)["suspension"]
    assert case["from"] == OCTOBER and case["extensions"] == []
    assert xueji("check").exit_code == 0
