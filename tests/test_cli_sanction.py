"""`xueji sanction add|revoke|list`: sanctions recorded minimally (two journal entries of one
case, no change of status), as TRF-7 needs them."""

from __future__ import annotations

from transferkit import ok, pupil, refused, town  # noqa: F401

FIRST = "02262600100001"


def test_add_list_revoke(pupil, xueji, as_json, sql):
    added = as_json(ok(xueji("sanction", "add", FIRST, "--kind", "严重警告", "--reason", "打架",
                             "--doc-no", "校处字1号", "--json")))
    assert (added["case"], added["kind"], added["in_force"]) == ("CF2026-0001", "serious_warning", True)
    listing = as_json(ok(xueji("sanction", "list", "--json")))
    assert listing["count"] == 1 and listing["sanctions"][0]["local_number"] == FIRST
    assert "*" in listing["sanctions"][0]["id_number"]
    assert "严重警告" in ok(xueji("sanction", "list")).stdout
    revoked = as_json(ok(xueji("sanction", "revoke", FIRST, "--reason", "表现良好", "--json")))
    assert revoked["in_force"] is False and revoked["revoked_on"] == "2026-09-01"
    assert as_json(ok(xueji("sanction", "list", "--json")))["count"] == 0
    assert as_json(ok(xueji("sanction", "list", "--all", "--json")))["count"] == 1
    assert sql("SELECT kind, case_ref, sets FROM journal WHERE kind LIKE 'sanction%' ORDER BY id") == [
        ("sanction", "CF2026-0001", "{}"), ("sanction_revoke", "CF2026-0001", "{}")]
    assert sql("SELECT status FROM student") == [("active",)]
    ok(xueji("check"))


def test_several_sanctions_need_the_case_to_revoke(pupil, xueji):
    ok(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "迟到"))
    ok(xueji("sanction", "add", FIRST, "--kind", "记过", "--reason", "打架"))
    result = refused(xueji("sanction", "revoke", FIRST, "--reason", "改正"), "CHG-3")
    assert "--case" in result.stderr
    refused(xueji("sanction", "revoke", FIRST, "--reason", "改正", "--case", "CF2026-0009"))
    ok(xueji("sanction", "revoke", FIRST, "--reason", "改正", "--case", "cf2026-0002"))
    ok(xueji("sanction", "revoke", FIRST, "--reason", "改正"))
    refused(xueji("sanction", "revoke", FIRST, "--reason", "改正"), "CHG-3")


def test_bad_input(pupil, xueji, monkeypatch):
    result = refused(xueji("sanction", "add", FIRST, "--kind", "罚站", "--reason", "x"))
    assert "可选" in result.stderr and "处分种类" in result.stderr
    refused(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", " "), "CHG-3")
    refused(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "x", "--date", "2026-09-02"))
    refused(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "x", "--date", "2026-08-01"),
            "CHG-3")
    assert xueji("sanction", "add", "02262600109999", "--kind", "警告", "--reason", "x").exit_code == 1
    monkeypatch.setenv("XUEJI_TODAY", "2026-09-10")
    ok(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "x", "--date", "2026-09-05"))
    refused(xueji("sanction", "revoke", FIRST, "--reason", "y", "--date", "2026-09-04"), "CHG-3")


def test_nothing_to_list(town, xueji):
    assert "没有生效中的处分" in ok(xueji("sanction", "list")).stderr


def test_revoking_with_nothing_in_force_says_where_to_look(pupil, xueji):
    result = refused(xueji("sanction", "revoke", FIRST, "--reason", "表现良好"), "CHG-3")
    assert "没有生效中的处分" in result.stderr and "xueji sanction list" in result.stderr
