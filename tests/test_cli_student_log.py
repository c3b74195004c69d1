"""`xueji student show KEY`, `xueji student list` and `xueji log`: KEY by each of its forms
(PRODUCT.md), the filters, and unknown students (exit 1)."""

from __future__ import annotations

import os

import pytest
from synthetic import VILLAGE_002, full_width, id_with_x, make_id

BOY = id_with_x("2020-03-05")
GIRL = make_id("2020-05-20", male=False, seq=201)
OTHER = make_id("2019-11-11", seq=202)
NOBODY = make_id("2020-01-01", seq=203)


@pytest.fixture
def pupils(township, enroll, monkeypatch):
    """Three children: two in 001 (classes 1 and 2), one in 002 entered in October."""
    assert enroll(id_number=BOY, name="张三").exit_code == 0
    assert enroll(id_number=GIRL, name="李四", gender="女", birth="2020-05-20",
                  class_="2").exit_code == 0
    today = os.environ["XUEJI_TODAY"]
    monkeypatch.setenv("XUEJI_TODAY", "2026-10-08")
    result = enroll(id_number=OTHER, name="王五", birth="2019-11-11", school="002",
                    hukou_region=VILLAGE_002, guardian_hukou_region=VILLAGE_002,
                    residence_region=VILLAGE_002)
    assert result.exit_code == 0, result.stderr
    monkeypatch.setenv("XUEJI_TODAY", today)
    return township


# -- student show ------------------------------------------------------------------------

@pytest.mark.parametrize("key", [
    "02262600100001", "G" + BOY, "g" + BOY[:-1] + "x", BOY, BOY[:-1] + "x", full_width(BOY),
    f"{BOY[:6]} {BOY[6:14]} {BOY[14:]}",
])
def test_show_by_each_key_form(pupils, xueji, as_json, key):
    result = xueji("student", "show", key, "--json")
    assert result.exit_code == 0, result.stderr
    card = as_json(result)
    assert (card["name"], card["local_number"], card["school"]) == ("张三", "02262600100001", "001")
    assert card["id_number"] == BOY[:6] + "********" + BOY[-4:]
    assert [r["local_number"] for r in card["records"]] == ["02262600100001"]
    [entry] = card["history"]
    assert (entry["kind"], entry["kind_label"], entry["effective_date"]) == (
        "enroll", "新生入学", "2026-09-01")
    assert entry["evidence"] == ["户口簿", "房产证明"] and entry["operator"]


def test_show_card_on_screen(pupils, xueji):
    result = xueji("student", "show", "02262600100002")
    assert result.exit_code == 0
    for text in ("学籍卡:李四", "02262600100002", "1年级2班", "学籍变动", "新生入学", "户口簿"):
        assert text in result.stdout
    assert GIRL not in result.stdout and GIRL[:6] + "********" + GIRL[-4:] in result.stdout
    assert GIRL in xueji("student", "show", "02262600100002", "--show-id").stdout


@pytest.mark.parametrize("key", ["02262600109999", "G" + NOBODY, NOBODY])
def test_show_unknown_student_is_exit_1(pupils, xueji, as_json, key):
    result = xueji("student", "show", key)
    assert result.exit_code == 1
    assert "没有找到学生" in result.stderr
    assert NOBODY not in result.stderr  # even a wrong ID number is masked
    result = xueji("student", "show", key, "--json")
    assert result.exit_code == 1
    assert as_json(result)["errors"][0]["rule"] == "NotFound"


@pytest.mark.parametrize("key", ["12345", "A" + BOY, BOY + "1"])
def test_show_bad_key_is_exit_1(pupils, xueji, as_json, key):
    result = xueji("student", "show", key, "--json")
    assert result.exit_code == 1
    error = as_json(result)["errors"][0]
    assert (error["rule"], error["field"]) == ("INPUT", "key")


def test_show_without_key_is_usage_error(pupils, xueji):
    assert xueji("student", "show").exit_code == 2


# -- student list ------------------------------------------------------------------------

def numbers(result):
    return [s["local_number"] for s in result["students"]]


@pytest.mark.parametrize("filters, expected", [
    ((), ["02262600100001", "02262600100002", "02262600200001"]),
    (("--school", "001"), ["02262600100001", "02262600100002"]),
    (("--school", "2"), ["02262600200001"]),
    (("--grade", "1"), ["02262600100001", "02262600100002", "02262600200001"]),
    (("--grade", "一年级"), ["02262600100001", "02262600100002", "02262600200001"]),
    (("--grade", "2"), []),
    (("--class", "2"), ["02262600100002"]),
    (("--school", "001", "--class", "1"), ["02262600100001"]),
    (("--status", "在校"), ["02262600100001", "02262600100002", "02262600200001"]),
    (("--status", "active"), ["02262600100001", "02262600100002", "02262600200001"]),
    (("--status", "休学"), []),
])
def test_list_filters(pupils, xueji, as_json, filters, expected):
    result = xueji("student", "list", *filters, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert numbers(document) == expected and document["count"] == len(expected)


def test_list_on_screen_masks_ids(pupils, xueji):
    result = xueji("student", "list")
    assert result.exit_code == 0
    assert "共 3 人,其中在校 3 人" in result.stdout
    for name in ("张三", "李四", "王五"):
        assert name in result.stdout
    assert BOY not in result.stdout and GIRL not in result.stdout
    assert BOY in xueji("student", "list", "--show-id").stdout


def test_list_nothing_found_says_so(pupils, xueji):
    result = xueji("student", "list", "--grade", "5")
    assert result.exit_code == 0 and result.stdout == ""
    assert "没有符合条件的学生" in result.stderr


@pytest.mark.parametrize("filters, field", [
    (("--status", "在读"), "status"), (("--grade", "十三"), "grade"), (("--class", "0"), "class"),
    (("--school", "abcd"), "code"),
])
def test_list_bad_filters(pupils, xueji, as_json, filters, field):
    result = xueji("student", "list", *filters, "--json")
    assert result.exit_code == 1
    assert as_json(result)["errors"][0]["field"] == field


def test_list_unknown_school(pupils, xueji):
    result = xueji("student", "list", "--school", "009")
    assert result.exit_code == 1 and "009" in result.stderr


# -- log -----------------------------------------------------------------------------------

def test_log_all(pupils, xueji, as_json):
    result = xueji("log", "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["count"] == 3
    assert [(e["local_number"], e["effective_date"], e["kind"]) for e in document["entries"]] == [
        ("02262600100001", "2026-09-01", "enroll"), ("02262600100002", "2026-09-01", "enroll"),
        ("02262600200001", "2026-10-08", "enroll")]
    assert all(e["operator"] and e["recorded_at"] for e in document["entries"])


@pytest.mark.parametrize("month, expected", [
    ("2026-09", ["02262600100001", "02262600100002"]), ("2026/10", ["02262600200001"]),
    ("2026年10月", ["02262600200001"]), ("2026-11", []), ("2025-09", []),
])
def test_log_month(pupils, xueji, as_json, month, expected):
    result = xueji("log", "--month", month, "--json")
    assert result.exit_code == 0, result.stderr
    assert [e["local_number"] for e in as_json(result)["entries"]] == expected


@pytest.mark.parametrize("key", ["02262600100002", GIRL, "G" + GIRL])
def test_log_of_one_student(pupils, xueji, as_json, key):
    result = xueji("log", key, "--json")
    assert result.exit_code == 0, result.stderr
    assert [e["name"] for e in as_json(result)["entries"]] == ["李四"]


def test_log_of_one_student_and_month(pupils, xueji, as_json):
    result = xueji("log", "02262600200001", "--month", "2026-09", "--json")
    assert result.exit_code == 0 and as_json(result)["entries"] == []


def test_log_on_screen(pupils, xueji):
    result = xueji("log", "--month", "2026-09")
    assert result.exit_code == 0
    for text in ("学籍变动日志", "新生入学", "张三", "李四", "共 2 条"):
        assert text in result.stdout
    assert "王五" not in result.stdout
    empty = xueji("log", "--month", "2026-11")
    assert empty.exit_code == 0 and "没有符合条件的学籍变动" in empty.stderr


def test_log_unknown_student_is_exit_1(pupils, xueji, as_json):
    result = xueji("log", NOBODY, "--json")
    assert result.exit_code == 1
    assert as_json(result)["errors"][0]["rule"] == "NotFound"


@pytest.mark.parametrize("month", ["2026-13", "十月", "2026-10-01"])
def test_log_bad_month_is_exit_1(pupils, xueji, as_json, month):
    result = xueji("log", "--month", month, "--json")
    assert result.exit_code == 1
    error = as_json(result)["errors"][0]
    assert (error["rule"], error["field"]) == ("INPUT", "month")
    assert "2026-10" in error["message"]


def test_empty_directory_has_empty_lists(ws_dir, xueji, as_json):
    assert as_json(xueji("student", "list", "--json")) == {"ok": True, "count": 0, "students": []}
    assert as_json(xueji("log", "--json")) == {"ok": True, "count": 0, "entries": []}
