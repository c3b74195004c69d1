"""`xueji skip-grade`, `class-change`, `withdraw`, `death`, `abroad`, `complete`,
`leave-early`: each change kind, its refusals with rule ids (CHG-1, CHG-2, CHG-3, ENR-5,
SUS-3, BOR-5), what is written, and how it shows in `student show` and `log`."""

from __future__ import annotations

import lifekit
from conftest import invoke
from lifekit import refusal as refused
from synthetic import OUTSIDE, make_id

A, B, C, S, O = (f"0226260010000{n}" for n in (1, 2, 3, 4, 5))
K12, K10 = "02262422320001", "02262622320001"  # senior school 003 (type digit 2)
BORROWER = make_id("2020-03-05", seq=80)
TODAY = "2026-10-20"


def _build(directory):
    for n, (name, class_no) in enumerate((("甲", 1), ("乙", 1), ("丙", 2), ("丁", 1), ("戊", 1))):
        lifekit.enroll_at(directory, name, make_id("2020-03-05", seq=n + 1), class_no=class_no)
    lifekit.suspend(directory, S)
    lifekit.borrow_out(directory, O)
    lifekit.borrowing_record(directory, "借读生", BORROWER, class_no=2)
    result = invoke(directory, "school", "add", "--code", "223", "--name", "测试高中", "--type", "senior",
                    "--service-area", OUTSIDE[:9])
    assert result.exit_code == 0, result.stderr
    lifekit.enroll_at(directory, "高三", make_id("2008-05-05", seq=11), school="223", grade=12,
                      region=OUTSIDE)
    lifekit.enroll_at(directory, "高一", make_id("2010-05-05", seq=12), school="223", grade=10,
                      region=OUTSIDE)


template, pupils = lifekit.fixtures(_build, TODAY)


# -- skip-grade ------------------------------------------------------------------------------

def test_skip_needs_the_bureaus_approval(pupils, xueji, as_json, sql):
    before = sql("SELECT count(*) FROM journal")
    assert refused(xueji("skip-grade", A, "--to", "2", "--json"), as_json) == [("CHG-1", "approval")]
    assert sql("SELECT count(*) FROM journal") == before
    screen = xueji("skip-grade", A, "--to", "2")
    assert "CHG-1" in screen.stderr and "--approval" in screen.stderr


def test_skip_grade(pupils, xueji, as_json, sql):
    result = xueji("skip-grade", A, "--to", "二年级", "--approval", "迁教〔2026〕7号",
                   "--reason", "经考试达到高一级水平", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert done["changed"] == {"grade": {"old": 1, "new": 2}}
    [entry] = done["entries"]
    assert (entry["kind"], entry["national_code"], entry["local_number"]) == ("skip", "04", A)
    assert entry["approvals"] == [{"for": "CHG-1", "by": "县(市)教育局", "decision": "迁教〔2026〕7号"}]
    record = lifekit.record_of(sql, A)
    assert (record["grade"], record["class_no"], record["status"]) == (2, 1, "active")
    assert sql("SELECT local_number, entry_year FROM student WHERE local_number = ?", A) == [(A, 2026)]


def test_skip_refusals(pupils, xueji, as_json):
    approval = ("--approval", "迁教〔2026〕7号")
    assert refused(xueji("skip-grade", A, "--to", "7", *approval, "--json"), as_json) == [("CHG-1", "to")]
    assert refused(xueji("skip-grade", A, "--to", "1", *approval, "--json"), as_json) == [("CHG-1", "to")]
    assert refused(xueji("skip-grade", S, "--to", "2", *approval, "--json"), as_json) == [("SUS-3", "key")]
    assert refused(xueji("skip-grade", A, "--to", "x", "--json"), as_json) == [("INPUT", "to")]


def test_skip_into_a_full_class(pupils, xueji, as_json, set_setting):
    set_setting("primary = 45", "primary = 1")
    approval = ("--approval", "迁教〔2026〕7号")
    assert xueji("skip-grade", A, "--to", "2", *approval).exit_code == 0
    assert refused(xueji("skip-grade", B, "--to", "2", *approval, "--json"), as_json) == [("ENR-5", "class")]
    result = xueji("skip-grade", B, "--to", "2", *approval, "--class", "3", "--json")
    assert result.exit_code == 0, result.stderr


# -- class-change ----------------------------------------------------------------------------

def test_class_change(pupils, xueji, as_json, sql):
    result = xueji("class-change", A, "--class", "2班", "--reason", "均衡班额")
    assert result.exit_code == 0, result.stderr
    assert "已转班:甲" in result.stdout and "1班" in result.stdout and "2班" in result.stdout
    assert "xueji undo" in result.stderr
    assert lifekit.record_of(sql, A)["class_no"] == 2
    assert lifekit.entries(sql, A)[-1][1] == "class_change"
    assert refused(xueji("class-change", A, "--class", "2", "--json"), as_json) == [("CHG-1", "class")]


def test_class_change_cap(pupils, xueji, as_json, set_setting):
    set_setting("primary = 45", "primary = 2")  # class 2 holds 丙 and the borrowing child
    assert refused(xueji("class-change", A, "--class", "2", "--json"), as_json) == [("ENR-5", "class")]
    result = xueji("class-change", A, "--class", "2", "--cap-decision", "中心校〔2026〕3号", "--json")
    assert result.exit_code == 0, result.stderr
    done = as_json(result)
    assert [w["rule"] for w in done["warnings"]] == ["ENR-5"]
    assert "ENR-5" in done["entries"][0]["remark"]
    assert done["entries"][0]["approvals"] == [{"for": "ENR-5", "decision": "中心校〔2026〕3号"}]


def test_class_change_by_state(pupils, xueji, as_json):
    assert refused(xueji("class-change", O, "--class", "2", "--json"), as_json) == [("BOR-5", "key")]
    assert refused(xueji("class-change", S, "--class", "2", "--json"), as_json) == [("SUS-3", "key")]
    result = xueji("class-change", BORROWER, "--class", "1", "--json")  # the borrowing child: ours to place
    assert result.exit_code == 0, result.stderr


# -- leaving ---------------------------------------------------------------------------------

def test_withdraw_in_compulsory_education(pupils, xueji, as_json, sql):
    result = xueji("withdraw", A, "--reason", "家长要求", "--json")
    assert refused(result, as_json) == [("CHG-1", "lawful_basis")]
    screen = xueji("withdraw", A, "--reason", "家长要求")
    assert "义务教育" in screen.stderr and "--lawful-basis" in screen.stderr
    assert lifekit.record_of(sql, A)["status"] == "active"
    result = xueji("withdraw", A, "--reason", "随父母定居境外", "--lawful-basis", "迁教〔2026〕9号", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["changed"] == {"status": {"old": "active", "new": "withdrawn"}}
    assert lifekit.record_of(sql, A)["status"] == "withdrawn"


def test_withdraw_refusals(pupils, xueji, as_json):
    assert refused(xueji("withdraw", BORROWER, "--reason", "x", "--json"), as_json) == [("BOR-5", "key")]
    assert refused(xueji("withdraw", A, "--reason", " ", "--lawful-basis", "文", "--json"), as_json) == [
        ("CHG-1", "reason")]
    assert xueji("withdraw", A).exit_code == 2  # --reason is required


def test_withdraw_senior_and_suspended(pupils, xueji, sql):
    assert xueji("withdraw", K10, "--reason", "本人申请").exit_code == 0
    assert lifekit.record_of(sql, K10)["status"] == "withdrawn"
    assert xueji("withdraw", S, "--reason", "病重", "--lawful-basis", "迁教〔2026〕10号").exit_code == 0
    assert lifekit.record_of(sql, S)["status"] == "withdrawn"


def test_death(pupils, xueji, as_json, sql):
    assert xueji("death", A).exit_code == 2  # the date is required
    assert refused(xueji("death", A, "--date", "2026-10-21", "--json"), as_json) == [("CHG-3", "date")]
    assert refused(xueji("death", A, "--date", "2026-08-01", "--json"), as_json) == [("CHG-3", "date")]
    result = xueji("death", A, "--date", "2026-10-18", "--evidence", "死亡证明", "--json")
    assert result.exit_code == 0, result.stderr
    entry = as_json(result)["entries"][0]
    assert (entry["kind"], entry["national_code"], entry["effective_date"]) == ("death", "51", "2026-10-18")
    assert entry["evidence"] == ["死亡证明"]
    assert lifekit.record_of(sql, A)["status"] == "deceased"
    assert refused(xueji("death", A, "--date", "2026-10-19", "--json"), as_json) == [("CHG-1", "key")]
    assert xueji("death", S, "--date", "2026-10-19").exit_code == 0  # a suspended child too


def test_abroad(pupils, xueji, as_json, sql):
    result = xueji("abroad", O, "--destination", "新加坡", "--reason", "随父母出国", "--json")
    assert result.exit_code == 0, result.stderr
    entry = as_json(result)["entries"][0]
    assert entry["to_school"] == "新加坡" and entry["reason"] == "随父母出国"
    assert lifekit.record_of(sql, O)["status"] == "abroad"


def test_complete_and_leave_early_are_for_senior_high(pupils, xueji, as_json, sql):
    assert refused(xueji("complete", A, "--reason", "x", "--json"), as_json) == [("CHG-2", "key")]
    assert refused(xueji("leave-early", A, "--reason", "x", "--json"), as_json) == [("CHG-2", "key")]
    assert refused(xueji("complete", K10, "--reason", "x", "--json"), as_json) == [("CHG-2", "grade")]
    result = xueji("complete", K12, "--reason", "会考补考后仍有不及格", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["entries"][0]["national_code"] == "62"
    assert xueji("leave-early", K10, "--reason", "因病中途离校").exit_code == 0
    assert [lifekit.record_of(sql, n)["status"] for n in (K12, K10)] == ["completed", "left_early"]


def test_completed_record_is_not_graduated_at_the_turn(pupils, xueji, as_json, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2027-07-10")
    assert xueji("complete", K12, "--reason", "会考补考后仍有不及格", "--date", "2027-06-30").exit_code == 0
    done = as_json(xueji("promote", "--year", "2026", "--school", "223", "--json"))
    assert done["counts"]["graduated"] == 0 and done["counts"]["promoted"] == 1


def test_history_order(pupils, xueji, as_json):
    assert xueji("class-change", A, "--class", "2", "--date", "2026-10-15").exit_code == 0
    errors = refused(xueji("abroad", A, "--date", "2026-10-10", "--json"), as_json)
    assert errors == [("CHG-3", "date")]
    far = refused(xueji("abroad", A, "--date", "2026-12-01", "--json"), as_json)
    assert far == [("INPUT", "date")]  # far ahead: a typing mistake


def test_each_kind_in_show_and_log(pupils, xueji, as_json):
    assert xueji("class-change", B, "--class", "2", "--date", "2026-10-15").exit_code == 0
    assert xueji("skip-grade", B, "--to", "2", "--approval", "文", "--date", "2026-10-16").exit_code == 0
    assert xueji("abroad", B, "--date", "2026-10-17").exit_code == 0
    card = xueji("student", "show", B)
    for text in ("转班级", "跳级", "出国", "1年级2班", "2年级2班"):
        assert text in card.stdout
    kinds = [e["kind"] for e in as_json(xueji("log", B, "--json"))["entries"]]
    assert kinds == ["enroll", "class_change", "skip", "abroad"]
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_unknown_student(pupils, xueji, as_json):
    result = xueji("abroad", "02262600109999", "--json")
    assert result.exit_code == 1 and as_json(result)["errors"][0]["rule"] == "NotFound"
