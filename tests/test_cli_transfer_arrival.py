"""At arrival (TRF-12) and from a record that has left school (TRF-11), end to end.

TRF-12 [QA]: 「学生转学必须提供转入学校所在地户口本和房产证明」 — the child's household
registration and home lie in the receiving school's service area, else refused, saying
whose area it is. TRF-11 [NAT-Q 三.2]: 「允许处于"出国""其他离校""退学""开除"等状态的学生
直接办理转学……转学完成后,学生状态不变,在转入学校办理相关手续后变为在校生状态」.
"""

from __future__ import annotations

import pytest
from synthetic import VILLAGE_001, make_id
from transferkit import (  # noqa: F401
    AT_003,
    ELSEWHERE,
    MOVE,
    OTHER_TOWN,
    SAME_TOWN,
    ok,
    out,
    pupil,
    put_state,
    refused,
    town,
)

FIRST = "02262600100001"


def _errors(result, as_json):
    return [(e["rule"], e["field"]) for e in as_json(result)["errors"]]


@pytest.mark.parametrize(("hukou", "residence", "refusals"), [
    (SAME_TOWN, SAME_TOWN, []),  # both in 003's village
    ("130283105201", SAME_TOWN, [("TRF-12", "hukou_region")]),  # the next village: 001's
    (SAME_TOWN, "130283105201", [("TRF-12", "residence_region")]),
    (ELSEWHERE, ELSEWHERE, [("TRF-12", "hukou_region"), ("TRF-12", "residence_region")]),
])
def test_a_move_inside_the_directory_needs_the_receiving_schools_area(
        pupil, xueji, as_json, hukou, residence, refusals):
    """TRF-12: the household register and home shown for 003 lie in 003's area; a place in
    the next village (001's area) or in another county is refused, naming the field."""
    result = out(xueji, FIRST, "--to", "003", "--class", "1", "--hukou-region", hukou,
                 "--residence-region", residence, "--json")
    if not refusals:
        ok(result)
        return
    assert result.exit_code == 1 and _errors(result, as_json) == refusals
    if ("TRF-12", "hukou_region") in refusals and hukou != ELSEWHERE:
        assert "001 测试镇中心校" in result.stderr  # whose area it is (ENR-2's reasoning)


def test_without_the_new_places_the_childs_own_are_judged(pupil, xueji, as_json):
    """The family that shows nothing new is judged by the record's own household (001's
    village, not 003's): refused, pointing to --hukou-region."""
    result = refused(out(xueji, FIRST, "--to", "003", "--class", "1"), "TRF-12")
    assert "--hukou-region" in result.stderr and "--residence-region" in result.stderr


def test_the_places_shown_travel_to_the_arriving_record(pupil, xueji, as_json, sql):
    case = as_json(ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1", "--json")))
    ok(xueji("transfer", "approve", case["case_no"], "--level", "central", "--date", "2026-09-01"))
    ok(xueji("transfer", "complete", case["case_no"], "--date", "2026-09-01"))
    assert sql("SELECT hukou_region, residence_region FROM person")[0] == (SAME_TOWN, SAME_TOWN)
    ok(xueji("check"))


def test_places_are_only_for_a_school_of_this_directory(pupil, xueji):
    result = xueji("transfer", "out", FIRST, "--to-school", "外县小学", "--to-region", ELSEWHERE,
                   "--hukou-region", ELSEWHERE, *MOVE)
    assert result.exit_code == 1 and "--to" in result.stderr


def _arrival(xueji, hukou, residence, *extra):
    places = [*(["--hukou-region", hukou] if hukou else []),
              *(["--residence-region", residence] if residence else [])]
    return xueji("transfer", "in", "--school", "001", "--class", "1", "--grade", "2",
                 "--name", "周小华", "--id-number", make_id("2019-04-04", seq=90),
                 "--from-school", "外县实验小学", "--from-region", ELSEWHERE, *places, *MOVE,
                 "--evidence", "转学证明", "--date", "2026-09-01", "--json", *extra)


@pytest.mark.parametrize(("hukou", "residence", "refusals"), [
    (VILLAGE_001, VILLAGE_001, []),
    ("130283105", VILLAGE_001, []),  # the township's code: 001 serves all of it
    (ELSEWHERE, VILLAGE_001, [("TRF-12", "hukou_region")]),  # registered in another county
    (VILLAGE_001, OTHER_TOWN, [("TRF-12", "residence_region")]),  # lives in 002's township
    (None, None, [("TRF-12", "hukou_region"), ("TRF-12", "residence_region")]),
])
def test_an_arrival_from_another_county(town, xueji, as_json, hukou, residence, refusals):
    """TRF-12: an arrival whose household stays in another county is refused at
    admission; without the codes nothing can be judged, and that is said too."""
    result = _arrival(xueji, hukou, residence)
    if not refusals:
        ok(result)
        return
    assert result.exit_code == 1 and _errors(result, as_json) == refusals
    if residence == OTHER_TOWN:
        assert "002 测试村小学" in result.stderr


def test_completion_judges_the_places_again(pupil, xueji, as_json):
    """What held at application must still hold at admission: 003's area shrinks in
    between, and the completion is refused under TRF-12."""
    case = as_json(ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1", "--json")))
    ok(xueji("transfer", "approve", case["case_no"], "--level", "central", "--date", "2026-09-01"))
    ok(xueji("school", "set", "003", "--remove-area", SAME_TOWN, "--service-area", "130283105208"))
    refused(xueji("transfer", "complete", case["case_no"], "--date", "2026-09-01"), "TRF-12")


# -- TRF-11: a record that has left school transfers directly ---------------------------------

@pytest.mark.parametrize(("status", "kind"), [
    ("abroad", "abroad"), ("withdrawn", "withdraw"), ("expelled", "expel")])
def test_a_record_that_left_transfers_directly(pupil, town, xueji, as_json, sql, status, kind):
    """TRF-11: 出国, 退学, 开除 transfer directly; the state stays until the receiving school
    completes; then the record there is 在校 and the one here 转出 — counted once."""
    put_state(town, FIRST, kind, {"status": status})
    case = as_json(ok(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1", "--json")))
    assert [w["rule"] for w in case["warnings"]] == ["TRF-11"]
    ok(xueji("transfer", "approve", case["case_no"], "--level", "central", "--date", "2026-09-01"))
    assert sql(f"SELECT status FROM student WHERE local_number = '{FIRST}'")[0][0] == status
    done = as_json(ok(xueji("transfer", "complete", case["case_no"], "--date", "2026-09-01",
                            "--json")))
    rows = dict(sql("SELECT local_number, status FROM student"))
    assert rows == {FIRST: "transferred_out", done["new_local_number"]: "active"}
    kinds = [r[0] for r in sql(f"SELECT kind FROM journal WHERE case_ref = '{case['case_no']}'"
                               " ORDER BY id")]
    assert kinds == ["transfer_apply", "transfer_approve", "transfer_out_direct", "transfer_in"]
    ok(xueji("check"))
    report = as_json(ok(xueji("report", "monthly", "--month", "2026-09", "--json")))
    assert report["balanced"] is True and report["discrepancies"] == []
    total = {(r["school"], r["grade"]): r for r in report["rows"]}[(None, None)]
    # left the register once (出国/退学/开除), entered it once at 003 (转入)
    assert sum(total["out"].values()) == 1 and total["out"].get("transferred_out", 0) == 0
    assert total["in"]["transferred_in"] == 1


@pytest.mark.parametrize("status", ["deceased", "graduated", "transferred_out", "completed"])
def test_other_states_still_do_not_transfer(pupil, town, xueji, status):
    """TRF-9: 死亡, 毕业, 已转出 … are no state TRF-11 names: still refused."""
    put_state(town, FIRST, "other", {"status": status})
    refused(out(xueji, FIRST, "--to", "003", *AT_003, "--class", "1"), "TRF-9")
