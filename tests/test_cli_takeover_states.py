"""Pupils taken over while suspended (休学) or lent out (外出借读): they have a takeover entry
and no suspension or loan case behind it, and every later step still works on them.

SUS-2 [QA] 「休学期限为一年」 counts from the suspension's start, which only the original
休学证明 shows: a return is judged on that paper (required), never from the day of the
takeover, which would keep a pupil whose year is over out for another one (a warning says
the year was not checked). SUS-4: a renewal counts its consecutive years from the takeover
(the least they can be), with a warning. BOR-5: the record stays at home, so a loan taken
over ends at home (borrow end), also into a transfer (TRF-9)."""

from __future__ import annotations

import pytest
from test_cli_takeover import pupil, roster  # noqa: F401

ROWS = [pupil("001", 3, 1, 1, 学生状态="休学"), pupil("001", 3, 2, 2, 学生状态="借出"),
        pupil("001", 3, 4, 3), pupil("001", 6, 1, 4, 学生状态="休学")]
SUSPENDED, LENT, AT_SCHOOL, SUSPENDED_6 = (row["学籍号"] for row in ROWS)
RECOVERY = ["--evidence", "康复证明", "--hospital", "迁安市人民医院"]


@pytest.fixture
def taken_over(township, xueji, roster, monkeypatch):  # noqa: F811
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-10")
    result = xueji("takeover", roster(ROWS), "--as-of", "2026-09-01")
    assert result.exit_code == 0, result.stderr


def _rules(document, key="errors"):
    return [(v["rule"], v["field"]) for v in document[key]]


def test_resume_needs_the_original_certificate_not_a_year_from_the_takeover(
        taken_over, xueji, as_json, sql):
    """SUS-2: without the 休学证明 refused; with it accepted nine days after the takeover,
    saying the year was judged on the paper."""
    refused = xueji("resume", SUSPENDED, *RECOVERY, "--json")
    assert refused.exit_code == 1
    assert _rules(as_json(refused)) == [("SUS-2", "evidence")]
    assert "休学证明" in as_json(refused)["errors"][0]["hint"]
    done = xueji("resume", SUSPENDED, "--evidence", "休学证明", "--date", "2026-09-10", "--json")
    assert done.exit_code == 0, done.stderr
    document = as_json(done)
    assert _rules(document, "warnings") == [("SUS-2", "date"), ("SUS-3", "evidence")]
    assert "开始日期和期满日不详" in document["warnings"][0]["message"]
    assert (document["student"]["status"], document["student"]["grade"]) == ("active", 3)
    assert document["suspension"]["taken_over"] is True
    assert sql("SELECT status FROM student WHERE local_number = ?", SUSPENDED) == [("active",)]
    assert xueji("check").exit_code == 0


def test_the_list_says_the_end_is_unknown_and_the_certificate_is_the_originals(
        taken_over, xueji, as_json):
    listed = as_json(xueji("suspend", "list", "--json"))["suspensions"]
    assert sorted(s["local_number"] for s in listed) == sorted([SUSPENDED, SUSPENDED_6])
    assert all(s["days_left"] is None and s["flags"][0]["flag"] == "taken_over" for s in listed)
    screen = xueji("suspend", "list")
    assert "不详" in screen.stdout and "休学记录不全" not in screen.stdout
    certificate = xueji("suspend", "certificate", SUSPENDED, "--xlsx", "休学证明.xlsx", "--json")
    assert certificate.exit_code == 1 and _rules(as_json(certificate)) == [("SUS-1", "key")]
    assert "原休学证明" in as_json(certificate)["errors"][0]["hint"]


def test_renewal_counts_from_the_takeover_and_sets_a_known_end(taken_over, xueji, as_json):
    """SUS-4: renewed with a warning; afterwards the end is known and a return is judged
    on it like any suspension (no early return)."""
    done = xueji("suspend", "extend", SUSPENDED, "--until", "2027-03-01", "--evidence", "诊断证明",
                 "--evidence", "休学申请书", "--json")
    assert done.exit_code == 0, done.stderr
    assert _rules(as_json(done), "warnings") == [("SUS-4", "until")]
    too_long = xueji("suspend", "extend", SUSPENDED, "--until", "2028-09-02", "--json")
    assert ("SUS-4", "until") in _rules(as_json(too_long))
    [listed] = [s for s in as_json(xueji("suspend", "list", "--json"))["suspensions"]
                if s["local_number"] == SUSPENDED]
    assert listed["suspension"]["until"] == "2027-03-01" and listed["days_left"] == 172
    early = xueji("resume", SUSPENDED, *RECOVERY, "--date", "2026-09-20", "--json")
    assert ("SUS-2", "date") in _rules(as_json(early))  # 不得提前复学


def test_a_loan_taken_over_ends_at_home_and_into_a_transfer(taken_over, xueji, as_json, sql):
    """BOR-5: the record is here; borrow end brings it back (在校), the host unknown."""
    ended = xueji("borrow", "end", LENT, "--date", "2026-09-10", "--transfer", "--json")
    assert ended.exit_code == 0, ended.stderr
    document = as_json(ended)
    assert document["loans"][0]["taken_over"] is True and document["loans"][0]["host_school"] is None
    assert "xueji transfer out" in document["handover"]["next"]
    assert sql("SELECT status FROM student WHERE local_number = ?", LENT) == [("active",)]
    applied = xueji("transfer", "out", LENT, "--to-school", "外县小学", "--to-region", "130204001001",
                    "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明",
                    "--date", "2026-09-10", "--dry-run")
    assert applied.exit_code == 0, applied.stderr
    assert xueji("check").exit_code == 0


def test_a_suspended_pupil_taken_over_does_not_transfer(taken_over, xueji, as_json):
    """SUS-2: no studying at another school meanwhile — as for any suspension."""
    result = xueji("transfer", "out", SUSPENDED, "--to-school", "外县小学", "--to-region",
                   "130204001001", "--reason", "move", "--evidence", "户口簿", "--evidence",
                   "房产证明", "--json")
    assert result.exit_code == 1 and ("SUS-2", "status") in _rules(as_json(result))


def test_reports_count_them_without_asking_for_entry_papers(taken_over, xueji, as_json):
    """ENR-7 and ENR-1 judged their entry years ago: no 入学记录 missing, no under-age."""
    stats = as_json(xueji("report", "stats", "--json"))
    assert stats["missing_evidence"] == [] and stats["underage"] == []
    assert stats["borrowing"][0]["borrowed_out"] == 1
    verify = xueji("report", "verify")
    assert verify.exit_code == 0 and "无入学记录" not in verify.stdout
    card = xueji("student", "card", SUSPENDED, "--json")
    assert card.exit_code == 0 and as_json(card)["cards"][0]["status"] == "suspended"


def test_promotion_keeps_the_suspended_and_undo_voids_a_takeover(taken_over, xueji, as_json,
                                                                 sql, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-10")
    plan = xueji("promote", "--year", "2026", "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert "休学,保留原年级" in plan.stdout
    [(entry,)] = sql("SELECT j.id FROM journal j JOIN student s ON s.id = j.student_id"
                     " WHERE s.local_number = ?", SUSPENDED)
    undone = xueji("undo", str(entry), "--reason", "接收错了", "--json")
    assert undone.exit_code == 0, undone.stderr
    assert xueji("check").exit_code == 0
