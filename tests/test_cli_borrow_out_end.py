"""`xueji borrow out`, `note` and `end`: our student studying elsewhere keeps the record
here (BOR-5); a loan inside the directory records both sides at once; results, rewards and
sanctions stay on the borrowing record and show on the card (BOR-5); a loan ends home or
turns into a real transfer (the hand-over to the transfer workflow)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from borrowkit import XIAOYAN, borrow_in, host, host_template, masked  # noqa: F401  (fixtures)
from synthetic import make_id

BOY = make_id("2020-03-05", seq=88)
OUT = {"to": "天津市西青区杨柳青第一小学", "to-region": "120111", "letter": "中心校借字〔2026〕1号"}


@pytest.fixture
def pupil(host, enroll):
    """张小明, 02262600100001 at 001, grade 1."""
    assert enroll(id_number=BOY).exit_code == 0
    return "02262600100001"


def lend(xueji, key="02262600100001", *extra, **options):
    args = {**OUT, **{k.replace("_", "-"): v for k, v in options.items()}}
    argv = [a for k, v in args.items() if v is not None for a in (f"--{k}", v)]
    return xueji("borrow", "out", key, *argv, *extra)


def errors(as_json, result):
    assert result.exit_code == 1, result.stderr
    return [(e["rule"], e["field"]) for e in as_json(result)["errors"]]


# -- borrow out ----------------------------------------------------------------------------

def test_out_keeps_the_record_here(pupil, xueji, as_json, sql):
    result = lend(xueji, BOY, "--until", "2027-01-20", "--reason", "随父母外出务工", "--json")
    assert result.exit_code == 0, result.stderr
    loan = as_json(result)
    assert (loan["case"], loan["direction"], loan["local_number"], loan["school"]) == (
        "JD2026-0001", "out", "02262600100001", "001")
    assert loan["host_school"] == OUT["to"] and loan["host_region"] == "120111"
    assert loan["exams_at_home"] == "期末(升级)考试" and loan["letter"] == OUT["letter"]
    assert sql("SELECT local_number, status, kind FROM student") == [("02262600100001", "borrowed_out", "regular")]
    [(kind, details, to_school)] = sql("SELECT kind, details, to_school FROM journal WHERE kind LIKE 'borrow%'")
    assert kind == "borrow_out" and to_school == OUT["to"]
    assert json.loads(details)["direction"] == "out"
    card = as_json(xueji("student", "show", "02262600100001", "--json"))
    assert card["status_label"] == "外出借读" and card["borrowing"][0]["host_school"] == OUT["to"]
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_graduating_grade_goes_home_for_the_graduation_exams(host, enroll, xueji, as_json):
    assert enroll(grade="6", birth="2015-03-05").exit_code == 0
    loan = as_json(lend(xueji, "02262100100001", "--json"))
    assert loan["exams_at_home"] == "毕业考试、升学考试"


def test_out_needs_the_letter_and_a_destination(pupil, xueji, as_json):
    assert errors(as_json, lend(xueji, "02262600100001", "--json", letter=None)) == [("BOR-5", "letter")]
    both = lend(xueji, "02262600100001", "--to-school", "004", "--json")
    assert errors(as_json, both) == [("INPUT", "host_school")]
    neither = lend(xueji, "02262600100001", "--json", to=None)
    assert errors(as_json, neither) == [("INPUT", "host_school")]


def test_out_window(pupil, xueji, as_json, monkeypatch, set_setting):
    """BOR-4: no mid-semester start, even with an approval, unless the directory's policy
    allows one."""
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-12")
    assert errors(as_json, lend(xueji, "02262600100001", "--json")) == [("BOR-4", "date")]
    late = lend(xueji, "02262600100001", "--late-approval", "迁教字8号", "--json")
    assert errors(as_json, late) == [("BOR-4", "date")]
    set_setting("borrow_late_start = false", "borrow_late_start = true")
    result = lend(xueji, "02262600100001", "--late-approval", "迁教字8号", "--json")
    assert result.exit_code == 0 and as_json(result)["warnings"][0]["rule"] == "BOR-4"


def test_out_of_the_directory_needs_no_stamp_here(pupil, xueji, as_json):
    """BOR-2: the stamp is given where the child goes to borrow (its 教育科 or central
    school); our side issues and keeps the letter (BOR-5)."""
    result = lend(xueji, "02262600100001", "--json")
    assert result.exit_code == 0 and as_json(result)["warnings"] == []


def test_out_date_before_enrollment(pupil, xueji, as_json, monkeypatch):
    assert ("BOR-3", "date") in errors(as_json, lend(xueji, "02262600100001", "--date", "2026-03-02",
                                                     "--json"))


def test_twice_is_refused(pupil, xueji, as_json):
    assert lend(xueji).exit_code == 0
    assert errors(as_json, lend(xueji, "02262600100001", "--json")) == [("BOR-5", "key")]


def test_suspended_student_cannot_borrow(pupil, ws_dir, xueji, as_json):
    from xueji_cli.ledger import journal
    from xueji_cli.records.directory import students
    from xueji_cli.store.workspace import open_workspace

    ws = open_workspace(str(ws_dir))
    with ws.store.session(write=True) as session:
        found = students.find(session, pupil)
        journal.record(session, found.student, "suspend", dt.date(2026, 9, 1), "test",
                       sets={"status": "suspended"})
    assert errors(as_json, lend(xueji, pupil, "--json")) == [("SUS-2", "key")]


def test_a_borrowing_record_cannot_be_lent(borrow_in, xueji, as_json):
    assert borrow_in().exit_code == 0
    result = lend(xueji, XIAOYAN, "--json")
    [error] = as_json(result)["errors"]
    assert error["rule"] == "BOR-5" and "临时借读学籍" in error["message"]
    assert XIAOYAN not in result.stderr  # the KEY in the refusal's title is masked
    assert masked(XIAOYAN) in lend(xueji, XIAOYAN).stderr


def test_unknown_student(host, xueji, as_json):
    result = lend(xueji, "02262600109999", "--json")
    assert result.exit_code == 1 and as_json(result)["errors"][0]["rule"] == "NotFound"


# -- inside the directory: both sides at once ------------------------------------------------

def inside(xueji, *extra):
    return xueji("borrow", "out", "02262600100001", "--to-school", "004", "--class", "2",
                 "--letter", "中心校借字〔2026〕2号", "--evidence", "暂住证", "--evidence", "营业执照",
                 "--evidence", "户口簿", "--approval", "中心校 2026-08-30 审核盖章", *extra)


def test_inside_records_both_sides_under_one_case(pupil, xueji, as_json, sql):
    result = inside(xueji, "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["case"] == "JD2026-0001"
    assert sql("SELECT kind, local_number, national_number, school_id, class_no, status FROM student "
               "ORDER BY id") == [("regular", "02262600100001", "G" + BOY, 1, 1, "borrowed_out"),
                                  ("borrowing", None, "G" + BOY, 3, 2, "active")]
    assert sql("SELECT kind, case_ref, from_school FROM journal WHERE case_ref IS NOT NULL ORDER BY id") == [
        ("borrow_out", "JD2026-0001", "001 测试镇中心校"), ("borrow_in", "JD2026-0001", "001 测试镇中心校")]
    listed = as_json(xueji("borrow", "list", "--json"))
    assert [x["case"] for x in listed["in"]] == [x["case"] for x in listed["out"]] == ["JD2026-0001"]
    assert listed["in"][0]["origin_school"] == "001 测试镇中心校"
    assert listed["out"][0]["host_school"] == "004 南岭小学"
    card = as_json(xueji("student", "show", "02262600100001", "--json"))
    assert card["local_number"] == "02262600100001"  # the record the KEY names comes first
    assert [r["kind"] for r in card["records"]] == ["regular", "borrowing"]
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_inside_needs_the_stamp_too(pupil, xueji, as_json, sql):
    """BOR-2: 「……到教育科审核盖章;乡镇之间小学借读的到乡镇中心校审核盖章」 names no
    exception for two schools of one directory: a loan inside it is stamped too (it was
    neither refused nor warned)."""
    result = xueji("borrow", "out", "02262600100001", "--to-school", "004", "--class", "2",
                   "--letter", "中心校借字〔2026〕2号", "--evidence", "暂住证", "--evidence", "营业执照",
                   "--evidence", "户口簿", "--json")
    assert errors(as_json, result) == [("BOR-2", "approval")]
    assert sql("SELECT status FROM student") == [("active",)]
    loan = as_json(inside(xueji, "--json"))
    assert loan["approvals"] == ["中心校 2026-08-30 审核盖章"]


def test_inside_runs_the_borrowing_checks(pupil, xueji, as_json):
    result = xueji("borrow", "out", "02262600100001", "--to-school", "002", "--letter", "x", "--json")
    found = errors(as_json, result)
    assert ("BOR-1", "host_code") in found and ("BOR-3", "class") in found and ("BOR-2", "evidence") in found
    screen = xueji("borrow", "out", "02262600100001", "--to-school", "002", "--letter", "x")
    assert "BOR-1 [借读学校 --to-school] 002 测试村小学 不是指定借读学校" in screen.stderr
    same = xueji("borrow", "out", "02262600100001", "--to-school", "001", "--class", "1", "--letter", "x",
                 "--evidence", "暂住证", "--evidence", "就业证明", "--json")
    assert ("BOR-1", "host_code") in errors(as_json, same)


def test_inside_then_borrow_in_elsewhere_is_refused(pupil, xueji, borrow_in, as_json):
    assert inside(xueji).exit_code == 0
    result = borrow_in(id_number=BOY, name="张小明", gender="男", birth="2020-03-05", grade="1", json=True)
    rules = [e["rule"] for e in as_json(result)["errors"]]
    assert rules.count("NUM-7") == 2  # borrowing at 004 already, and lent from 001


def test_end_inside_ends_both(pupil, xueji, as_json, sql):
    assert inside(xueji).exit_code == 0
    result = xueji("borrow", "end", "JD2026-0001", "--json")
    assert result.exit_code == 0, result.stderr
    ended = as_json(result)
    assert sorted(x["direction"] for x in ended["loans"]) == ["in", "out"]
    assert sql("SELECT status FROM student ORDER BY id") == [("active",), ("borrow_ended",)]
    assert xueji("check").exit_code == 0


# -- notes (BOR-5) ---------------------------------------------------------------------------

def test_note_stays_on_the_borrowing_record_and_shows_on_the_card(borrow_in, xueji, as_json, monkeypatch, sql):
    assert borrow_in().exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2026-11-20")
    for kind, text, day in (("成绩", "期中考试 语文92 数学95", "2026-11-10"), ("奖励", "校级三好学生", "2026-11-20"),
                            ("处分", "警告", "2026-11-20"), ("综合评价", "品德优秀", "2026-11-20")):
        result = xueji("borrow", "note", XIAOYAN, "--kind", kind, "--text", text, "--date", day)
        assert result.exit_code == 0, result.stderr
        assert text in result.stderr
    assert sql("SELECT kind, case_ref, student_id FROM journal WHERE kind = 'borrow_note'") == [
        ("borrow_note", "JD2026-0001", 1)] * 4
    card = as_json(xueji("student", "show", XIAOYAN, "--json"))
    notes = card["borrowing"][0]["notes"]
    assert [(n["category_label"], n["text"]) for n in notes] == [
        ("成绩", "期中考试 语文92 数学95"), ("奖励", "校级三好学生"), ("处分", "警告"), ("评价", "品德优秀")]
    screen = xueji("student", "show", XIAOYAN)
    for text in ("借读情况", "借读期间的成绩、评价、奖惩", "期中考试 语文92 数学95", "成绩:期中考试"):
        assert text in screen.stdout
    assert "成绩:期中考试" in xueji("log").stdout


def test_note_refusals(borrow_in, pupil, xueji, as_json):
    assert borrow_in().exit_code == 0
    bad = xueji("borrow", "note", "JD2026-0001", "--kind", "表扬", "--text", " ", "--date", "2026-08-31",
                "--json")
    assert sorted(errors(as_json, bad)) == [("BOR-3", "date"), ("INPUT", "category"), ("INPUT", "text")]
    future = xueji("borrow", "note", "JD2026-0001", "--kind", "成绩", "--text", "x", "--date", "2026-09-02",
                   "--json")
    assert errors(as_json, future) == [("BOR-5", "date")]
    regular = xueji("borrow", "note", pupil, "--kind", "成绩", "--text", "x", "--json")
    assert regular.exit_code == 1 and as_json(regular)["errors"][0]["rule"] == "NotFound"
    unknown = xueji("borrow", "note", "JD2026-0099", "--kind", "成绩", "--text", "x", "--json")
    assert unknown.exit_code == 1 and "JD2026-0099" in as_json(unknown)["errors"][0]["message"]
    malformed = xueji("borrow", "end", "jd2026-9", "--json")
    assert malformed.exit_code == 1 and "JD2026-0001" in as_json(malformed)["errors"][0]["hint"]


def test_note_on_our_lent_student(pupil, xueji, as_json, monkeypatch):
    assert lend(xueji).exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2026-11-20")
    assert xueji("borrow", "note", pupil, "--kind", "成绩", "--text", "借读学校期中成绩单:良好").exit_code == 0
    card = as_json(xueji("student", "show", pupil, "--json"))
    assert card["borrowing"][0]["notes"][0]["text"] == "借读学校期中成绩单:良好"


# -- end -------------------------------------------------------------------------------------

def test_end_home_for_a_borrower(borrow_in, xueji, as_json, sql, monkeypatch):
    assert borrow_in().exit_code == 0
    monkeypatch.setenv("XUEJI_TODAY", "2026-12-20")
    result = xueji("borrow", "end", XIAOYAN, "--reason", "随父母返乡", "--date", "2026-12-20")
    assert result.exit_code == 0, result.stderr
    assert "临时借读学籍于 2026-12-20 结束" in result.stderr and "回原学校" in result.stderr
    assert sql("SELECT status FROM student") == [("borrow_ended",)]
    [(kind, reason, details)] = sql("SELECT kind, reason, details FROM journal WHERE kind = 'borrow_end'")
    assert reason == "随父母返乡" and json.loads(details) == {
        "direction": "in", "outcome": "home", "started": "2026-09-01"}
    listed = as_json(xueji("borrow", "list", "--json"))
    assert listed["in"] == []
    [loan] = as_json(xueji("borrow", "list", "--all", "--json"))["in"]
    assert (loan["end"], loan["status_label"]) == ("2026-12-20", "已结束:回原学校")
    again = xueji("borrow", "end", XIAOYAN, "--json")
    assert again.exit_code == 1 and "没有在借读" in as_json(again)["errors"][0]["message"]
    assert xueji("check").exit_code == 0


def test_end_home_for_our_student(pupil, xueji, as_json, sql):
    assert lend(xueji).exit_code == 0
    result = xueji("borrow", "end", pupil)
    assert result.exit_code == 0 and "恢复在校" in result.stderr
    assert sql("SELECT status FROM student") == [("active",)]
    assert as_json(xueji("student", "show", pupil, "--json"))["status"] == "active"


def test_end_refusals(borrow_in, pupil, xueji, as_json, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-10")
    assert borrow_in(date="2026-09-07").exit_code == 0
    early = xueji("borrow", "end", XIAOYAN, "--date", "2026-09-06", "--json")
    assert errors(as_json, early) == [("BOR-3", "date")]
    late = xueji("borrow", "end", XIAOYAN, "--date", "2026-12-01", "--json")
    assert errors(as_json, late) == [("INPUT", "date")]  # far ahead: a typing mistake
    never = xueji("borrow", "end", pupil, "--json")
    assert never.exit_code == 1 and as_json(never)["errors"][0]["rule"] == "NotFound"


def test_borrower_turns_into_a_real_transfer(borrow_in, xueji, as_json, sql):
    assert borrow_in().exit_code == 0
    result = xueji("borrow", "end", "JD2026-0001", "--transfer", "--json")
    assert result.exit_code == 0, result.stderr
    ended = as_json(result)
    assert ended["outcome"] == "transfer"
    handover = ended["handover"]
    assert (handover["case"], handover["record_here"], handover["grade"]) == ("JD2026-0001", "borrowing", 3)
    assert handover["national_number"] == "G" + XIAOYAN and handover["from_school"] == "三台县芦溪镇中心小学"
    assert "xueji transfer in" in handover["next"]
    # the borrowing record has ended: the transfer can create the regular record (NUM-7 is clear)
    assert sql("SELECT status FROM student") == [("borrow_ended",)]
    [(details,)] = sql("SELECT details FROM journal WHERE kind = 'borrow_end'")
    assert json.loads(details)["outcome"] == "transfer"
    screen = xueji("borrow", "end", "JD2026-0001", "--transfer")
    assert screen.exit_code == 1  # already ended


def test_our_student_turns_into_a_real_transfer(pupil, xueji, as_json):
    assert lend(xueji).exit_code == 0
    result = xueji("borrow", "end", pupil, "--transfer")
    assert result.exit_code == 0
    assert "xueji transfer out 02262600100001" in result.stderr and "待办理转学" in result.stderr
    [loan] = as_json(xueji("borrow", "list", "--out", "--all", "--json"))["out"]
    assert loan["outcome"] == "transfer" and loan["status_label"] == "已结束:转为正式转学"


def test_inside_turns_into_a_real_transfer(pupil, xueji, as_json):
    assert inside(xueji).exit_code == 0
    handover = as_json(xueji("borrow", "end", pupil, "--transfer", "--json"))["handover"]
    assert handover["record_here"] == "lent"
    assert handover["from_school"] == "001 测试镇中心校" and handover["to_school"] == "004 南岭小学"


def test_borrower_then_arrives_by_a_real_transfer(borrow_in, xueji, as_json, sql):
    """BOR-5 → TRF-9: once `borrow end --transfer` has ended the borrowing record, the
    `xueji transfer in` it names creates the regular record for the same person (NUM-7
    does not count the ended borrowing record), with the next number of the cohort."""
    assert borrow_in().exit_code == 0
    arrive = ["transfer", "in", "--school", "004", "--class", "1", "--grade", "3",
              "--name", "刘小燕", "--id-number", XIAOYAN,
              "--from-school", "三台县芦溪镇中心小学", "--from-region", "510722101001",
              "--hukou-region", "130283108201", "--residence-region", "130283108201",  # TRF-12
              "--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明",
              "--evidence", "转学证明"]
    early = xueji(*arrive)  # still borrowing: the loan ends first, and the refusal says how
    assert early.exit_code == 1 and early.stdout == ""
    assert "NUM-7" in early.stderr and "xueji borrow end JD2026-0001 --transfer" in early.stderr
    assert xueji("borrow", "end", "JD2026-0001", "--transfer").exit_code == 0
    arrival = xueji(*arrive, "--json")
    assert arrival.exit_code == 0, arrival.stderr
    case = as_json(arrival)["case_no"]
    assert xueji("transfer", "approve", case, "--level", "bureau").exit_code == 0
    done = xueji("transfer", "complete", case, "--json")
    assert done.exit_code == 0, done.stderr
    assert sql("SELECT count(*) FROM person") == [(1,)]
    assert sorted(sql("SELECT kind, status, local_number, national_number FROM student")) == [
        ("borrowing", "borrow_ended", None, "G" + XIAOYAN),
        ("regular", "active", "02262400400001", "G" + XIAOYAN)]
    card = as_json(xueji("student", "show", "02262400400001", "--json"))
    assert card["borrowing"][0]["case"] == "JD2026-0001"
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0
