"""REP-1: the monthly change report. A month with every change kind of codes.toml
reconciles (opening + in − out = closing per school and grade), each kind counted in
its column; the JSON's shape; the command's exit codes and refusals."""

from __future__ import annotations

import pytest
from journalkit import Kit, kit  # noqa: F401  (the fixture)
from pgkit import BOTH_STORES

from xueji_cli.values import codes

pytestmark = BOTH_STORES  # the registrar's workflow, on SQLite and on a county's server

MONTH = "2026-10"




def report(xueji, as_json, *args):
    result = xueji("report", "monthly", "--month", MONTH, "--json", *args)
    return result, as_json(result)


def rows_by(document):
    return {(r["school"], r["grade"]): r for r in document["rows"]}


def balance_holds(row) -> bool:
    increase = sum(row["in"].values()) - row["in"]["resumed"]
    decrease = sum(row["out"].values()) - row["out"]["suspended"]
    return row["opening"] + increase - decrease == row["closing"]


def every_kind(kit: Kit) -> set[str]:
    """September: a township of records; October: one entry of every change kind.
    Returns the kinds used."""
    used = set()

    def change(student, kind, day, **fields):
        used.add(kind)
        return kit.change(student, kind, day, **fields)

    def enrolled(school="001", grade=3, **options):
        return kit.enroll(school, "2026-09-01", grade=grade, **options)

    # -- increases
    used.add("enroll")
    new = kit.enroll("001", "2026-10-08", grade=1)
    used.add("transfer_in")
    kit.arrive("002", "transfer_in", "2026-10-16", grade=4, evidence=["转学证明"],
               approvals=[{"level": "bureau", "date": "2026-10-09"}])
    away = enrolled()
    kit.change(away, "abroad", "2026-09-20", status="abroad")
    change(away, "return_from_abroad", "2026-10-05", status="active")
    # TRF-11: gone abroad in September (counted then), transferred directly in October:
    # counted no second time
    gone_abroad = enrolled()
    kit.change(gone_abroad, "abroad", "2026-09-20", status="abroad")
    change(gone_abroad, "transfer_out_direct", "2026-10-13", status="transferred_out",
           evidence=["户口簿", "房产证明"])
    cancelled = enrolled()
    kit.change(cancelled, "cancel", "2026-09-21", status="transferred_out")
    change(cancelled, "restore", "2026-10-06", status="active")
    # -- a record taken over as it stood (接收原有学籍): in 期初, never an increase
    used.add("takeover")
    kit.arrive("002", "takeover", "2026-10-13", grade=4, details={"file": "名单.xlsx", "row": 2})
    # -- decreases, each on its own record
    for kind, status in (("transfer_out", "transferred_out"), ("withdraw", "withdrawn"),
                         ("death", "deceased"), ("graduate", "graduated"),
                         ("graduate_early", "graduated"), ("stop", "withdrawn"),
                         ("cancel", "transferred_out"), ("expel", "expelled"),
                         ("complete", "completed"), ("leave_early", "left_early"),
                         ("abroad", "abroad")):
        grade = 6 if "graduate" in kind else 5
        change(enrolled("002", grade=grade), kind, "2026-10-12", status=status,
               evidence=["户口簿", "房产证明"] if kind == "transfer_out" else [])
    # -- inside the register
    ill = enrolled()
    change(ill, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    back = enrolled(grade=4)
    kit.change(back, "suspend", "2026-09-05", status="suspended", evidence=["诊断证明"])
    change(back, "resume", "2026-10-11", status="active", grade=3, evidence=["康复证明"])
    long_ill = enrolled()
    kit.change(long_ill, "suspend", "2026-09-05", status="suspended", evidence=["诊断证明"])
    change(long_ill, "suspend_extend", "2026-10-20", details={"until": "2027-09-05"})
    mover = enrolled(grade=2)
    change(mover, "promote", "2026-10-02", grade=3)
    change(enrolled(grade=4), "repeat", "2026-10-02", grade=3)
    change(enrolled(grade=4), "demote", "2026-10-02", grade=3)
    change(enrolled(grade=2), "skip", "2026-10-02", grade=3, approvals=[{"for": "CHG-1", "doc": "教育局批复"}])
    change(mover, "class_change", "2026-10-03", class_no=2)
    change(mover, "correct", "2026-10-04", reason="更正家庭住址")
    change(mover, "update", "2026-10-04", reason="监护人换了电话",  # counts in no column
           details={"old": {"guardian_phone": None}, "new": {"guardian_phone": "13700001111"}})
    change(mover, "reserve", "2026-10-04")
    change(mover, "other", "2026-10-04", reason="其他")
    # an enrollment made by mistake this month, undone this month
    mistake = kit.enroll("001", "2026-10-09", grade=1)
    entry = kit.change(mistake, "sanction", "2026-10-09")  # any step; the undo targets the enroll
    with kit.store.session() as session:
        from sqlmodel import select

        from xueji_cli.ledger.models import JournalEntry

        enroll_id = session.exec(select(JournalEntry.id).where(
            JournalEntry.student_id == mistake, JournalEntry.kind == "enroll")).one()
    change(mistake, "undo", "2026-10-09", status="withdrawn", corrects=enroll_id, reason="误录")
    used.add("sanction")
    change(mistake, "sanction_revoke", "2026-10-09")
    assert entry
    # -- procedural steps of a transfer case
    case = enrolled()
    for kind in ("transfer_apply", "transfer_approve", "transfer_withdraw"):
        used.add(kind)
        kit.case_step(kind, "2026-10-07", "T-1", student_id=case)
    # -- notes about the directory itself: an ID number shown, a database restored
    for kind in ("access", "db_restore"):
        used.add(kind)
        kit.case_step(kind, "2026-10-08", None, details={"command": "student show"})
    # -- borrowing
    used.add("borrow_in")
    guest = kit.arrive("001", "borrow_in", "2026-10-05", grade=2, regular=False,
                       evidence=["暂住证", "营业执照", "借读证明信"])
    loan = enrolled("002", grade=2)
    change(loan, "borrow_out", "2026-10-06", status="borrowed_out", to_school="外县小学")
    change(guest, "borrow_note", "2026-10-15", reason="十月月考")  # BOR-5: no change of status
    gone = kit.arrive("001", "borrow_in", "2026-09-05", grade=3, regular=False)
    change(gone, "borrow_end", "2026-10-25", status="borrow_ended", details={"direction": "in"})
    home = enrolled("002", grade=2)
    kit.change(home, "borrow_out", "2026-09-06", status="borrowed_out")
    change(home, "borrow_end", "2026-10-26", status="active", details={"direction": "out"})
    assert guest and new
    return used


def test_a_month_with_every_kind_of_change_reconciles(kit, xueji, as_json):
    used = every_kind(kit)
    assert used == {k.key for k in codes.change_kinds()}, "every change kind is exercised"
    result, document = report(xueji, as_json)
    assert result.exit_code == 0, result.stderr
    assert document["balanced"] is True and document["discrepancies"] == [] == document["differences"]
    assert document["warnings"] == []
    for row in document["rows"]:
        assert balance_holds(row), row
    total = rows_by(document)[(None, None)]
    assert total["in"] == {"enrolled": 1, "transferred_in": 1, "resumed": 1,
                           "other": 2 + 5}  # return, restore; 5 grade moves into grade 3
    assert total["out"] == {"transferred_out": 1, "suspended": 1, "withdrawn": 1, "died": 1,
                            "graduated": 2, "other": 6 + 5}  # stop…abroad; 5 grade moves
    # (promote, repeat, demote, skip, and the resumption one grade lower)
    assert (total["borrowed_in"], total["borrowed_out"]) == (1, 1)
    # the undone enrollment is taken back from 新生入学: one enrolled, not two
    school_1 = rows_by(document)[("001", 1)]
    assert school_1["in"]["enrolled"] == 1 and school_1["closing"] == 1
    # the resumed child came back one grade lower: a move from grade 4 to grade 3
    assert rows_by(document)[("001", 3)]["in"]["resumed"] == 1
    # change list: every entry but the procedural ones, in date order
    kinds = [c["kind"] for c in document["changes"]]
    assert "transfer_apply" not in kinds and "enroll" in kinds and "undo" in kinds
    assert [c["date"] for c in document["changes"]] == sorted(c["date"] for c in document["changes"])


def test_json_has_its_shape(kit, xueji, as_json):
    kit.enroll("001", "2026-09-01", grade=2)
    kit.enroll("002", "2026-10-09", grade=1)
    result, document = report(xueji, as_json)
    assert result.exit_code == 0
    assert {"month", "balanced", "rows", "changes"} <= set(document)
    assert document["month"] == MONTH
    for row in document["rows"]:
        assert set(row) == {"school", "grade", "opening", "closing", "at_school", "in", "out",
                            "borrowed_in", "borrowed_out", "late", "suspended_now", "away_now",
                            "borrowing_here", "ended"}
        assert set(row["in"]) == {"enrolled", "transferred_in", "resumed", "other"}
        assert set(row["out"]) == {"transferred_out", "suspended", "withdrawn", "died",
                                   "graduated", "other"}
    rows = rows_by(document)
    assert rows[("001", 2)]["opening"] == rows[("001", 2)]["closing"] == 1
    assert rows[("002", 1)]["in"]["enrolled"] == 1 and rows[("002", 1)]["opening"] == 0
    assert rows[("001", None)]["closing"] == 1 and rows[("002", None)]["closing"] == 1
    assert rows[(None, None)]["closing"] == 2
    change = document["changes"][0]
    assert change["national_number"].startswith("G130283") and "*" in change["national_number"]
    assert change["kind"] == "enroll" and change["column"] == "in.enrolled"


def test_suspension_keeps_the_register_and_leaves_the_school(kit, xueji, as_json):
    child = kit.enroll("001", "2026-09-01", grade=2)
    kit.change(child, "suspend", "2026-10-10", status="suspended", evidence=["诊断证明"])
    _result, document = report(xueji, as_json)
    row = rows_by(document)[("001", 2)]
    assert (row["opening"], row["closing"], row["at_school"]) == (1, 1, 0)
    assert row["out"]["suspended"] == 1 and sum(row["out"].values()) == 1


def test_school_filter(kit, xueji, as_json):
    kit.enroll("001", "2026-10-08", grade=1)
    kit.enroll("002", "2026-10-08", grade=1)
    result, document = report(xueji, as_json, "--school", "2")
    assert result.exit_code == 0
    assert document["school"] == "002"
    assert {r["school"] for r in document["rows"]} == {"002"}
    assert [c["school"] for c in document["changes"]] == ["002"]


def test_screen_report(kit, xueji):
    kit.enroll("001", "2026-10-08", grade=1, name="李小红")
    result = xueji("report", "monthly", "--month", "2026/10")
    assert result.exit_code == 0, result.stderr
    assert "测试镇学籍变动情况月报(2026年10月)" in result.stdout
    assert "全镇合计" in result.stdout and "李小红" in result.stdout
    assert "核对无误" in result.stderr


def test_a_kind_without_a_column_is_counted_in_other_and_named(kit, xueji, as_json, monkeypatch):
    from xueji_cli.reports.monthly import columns as monthly

    child = kit.enroll("001", "2026-09-01", grade=2)
    kit.change(child, "withdraw", "2026-10-12", status="withdrawn")
    config = dict(monthly.config())
    config["decrease"] = {k: v for k, v in config["decrease"].items() if k != "withdrawn"}
    monkeypatch.setattr(monthly, "config", lambda: config)
    monthly.role_of.cache_clear()
    try:
        result, document = report(xueji, as_json)
    finally:
        monthly.role_of.cache_clear()
    assert result.exit_code == 0
    row = rows_by(document)[("001", 2)]
    assert row["out"]["other"] == 1 and row["out"]["withdrawn"] == 0 and row["closing"] == 0
    assert any("退学" in w and "其他" in w for w in document["warnings"])
    assert "提醒" in result.stderr


@pytest.mark.parametrize("month, message", [
    ("2026-13", "不是月份"), ("十月", "不是月份"), ("2026-12", "还没有到")])
def test_bad_months_are_refused(kit, xueji, month, message):
    result = xueji("report", "monthly", "--month", month)
    assert result.exit_code == 1 and message in result.stderr and result.stdout == ""


def test_month_is_required_and_school_must_exist(kit, xueji):
    assert xueji("report", "monthly").exit_code == 2
    result = xueji("report", "monthly", "--month", MONTH, "--school", "009")
    assert result.exit_code == 1 and "没有代码为 009 的学校" in result.stderr


def test_current_month_is_reported_with_a_warning(kit, xueji, as_json, monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-20")
    kit.enroll("001", "2026-10-08", grade=1)
    result, document = report(xueji, as_json)
    assert result.exit_code == 0 and any("尚未结束" in w for w in document["warnings"])


def test_flags_late_admission_and_missing_evidence(kit, xueji, as_json):
    kit.case_step("transfer_approve", "2026-10-02", "T-9")
    kit.arrive("001", "transfer_in", "2026-10-09", grade=2, case_ref="T-9")  # 7 days later, no certificate
    kit.enroll("001", "2026-10-08", grade=1, evidence=["户口簿"])
    _result, document = report(xueji, as_json)
    flags = {c["kind"]: c["flags"] for c in document["changes"]}
    assert any(f.startswith("TRF-3") and "第7天" in f for f in flags["transfer_in"])
    assert any(f.startswith("TRF-8") and "转学证明" in f for f in flags["transfer_in"])
    assert any(f.startswith("ENR-7") and "房产证明" in f for f in flags["enroll"])


def test_admission_within_three_days_is_not_flagged(kit, xueji, as_json):
    kit.case_step("transfer_approve", "2026-10-06", "T-8")
    kit.arrive("001", "transfer_in", "2026-10-09", grade=2, case_ref="T-8", evidence=["转学证明"])
    _result, document = report(xueji, as_json)
    assert not any(f.startswith("TRF-3") for c in document["changes"] for f in c["flags"])
