"""Dates as registrars write them (values/dates.py), the value converters shared by the
command line and rosters (values/fields.py) and the code tables (values/codes.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.values import codes, dates, fields

D = dt.date.fromisoformat


# -- parse_date --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2026-09-01", "2026/9/1", "2026/09/01", "20260901", "2026年9月1日", "2026年9月1",
    "2026.9.1", " 2026-9-1 ", "2026-09-01 00:00:00", "2026-09-01T00:00", "２０２６－０９－０１",
    "2026 年 9 月 1 日",
])
def test_parse_date_forms(text):
    assert dates.parse_date(text) == D("2026-09-01")


def test_parse_date_cells():
    assert dates.parse_date(dt.date(2026, 9, 1)) == D("2026-09-01")
    assert dates.parse_date(dt.datetime(2026, 9, 1, 8, 30)) == D("2026-09-01")
    assert dates.parse_date(20260901) == D("2026-09-01")  # a number cell holding YYYYMMDD
    assert dates.parse_date(20260901.0) == D("2026-09-01")


@pytest.mark.parametrize("serial, day", [(46266, "2026-09-01"), (46266.75, "2026-09-01"),
                                         (43891, "2020-03-01"), (61, "1900-03-01")])
def test_parse_date_excel_serials(serial, day):
    assert dates.parse_date(serial) == D(day)


@pytest.mark.parametrize("value, message", [
    ("2026-13-01", "不是真实存在的日期"), ("2026-02-30", "不是真实存在的日期"),
    ("20261301", "不是真实存在的日期"), ("2025-02-29", "不是真实存在的日期"),
    ("26-9-1", "不是日期"), ("明天", "不是日期"), ("2026-09", "不是日期"), ("", "缺少日期"),
    ("   ", "缺少日期"), (None, "缺少日期"), (True, "缺少日期"), (0, "不是日期"), (-5, "不是日期"),
    (3_000_000, "不是日期"), (20261301, "不是真实存在的日期"),
])
def test_parse_date_refuses(value, message):
    with pytest.raises(ValueError, match=message):
        dates.parse_date(value)


def test_parse_date_hint_lists_accepted_forms():
    with pytest.raises(ValueError) as info:
        dates.parse_date("9/1/2026")
    assert dates.ACCEPTED in info.value.hint and dates.ACCEPTED not in str(info.value)


def test_leap_day():
    assert dates.parse_date("2024-02-29") == D("2024-02-29")


# -- parse_month, today, full_years --------------------------------------------------------

@pytest.mark.parametrize("text, first, last", [
    ("2026-10", "2026-10-01", "2026-10-31"), ("2026/9", "2026-09-01", "2026-09-30"),
    ("202610", "2026-10-01", "2026-10-31"), ("2026年10月", "2026-10-01", "2026-10-31"),
    ("2026-02", "2026-02-01", "2026-02-28"), ("2024-02", "2024-02-01", "2024-02-29"),
    ("2026-12", "2026-12-01", "2026-12-31"), ("2026-1", "2026-01-01", "2026-01-31"),
])
def test_parse_month(text, first, last):
    assert dates.parse_month(text) == (D(first), D(last))


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "十月", "2026-10-01", "", "26-10"])
def test_parse_month_refuses(text):
    with pytest.raises(ValueError, match="不是月份"):
        dates.parse_month(text)


def test_today_pinned_by_environment(monkeypatch):
    monkeypatch.setenv("XUEJI_TODAY", "2027-03-15")
    assert dates.today() == D("2027-03-15")
    monkeypatch.delenv("XUEJI_TODAY")
    expected = dt.datetime.now(dates.CHINA).date()
    assert dates.today() in (expected, expected - dt.timedelta(days=1))


def test_china_time():
    moment = dt.datetime(2026, 8, 31, 17, 0, tzinfo=dt.UTC)
    assert dates.china_time(moment).date() == D("2026-09-01")
    assert dates.china_time(moment.replace(tzinfo=None)).hour == 1  # naive = UTC


@pytest.mark.parametrize("birth, on, years", [
    ("2020-09-01", "2026-08-31", 5), ("2020-08-31", "2026-08-31", 6),
    ("2020-02-29", "2026-02-28", 5), ("2020-02-29", "2026-03-01", 6),
])
def test_full_years(birth, on, years):
    assert dates.full_years(D(birth), D(on)) == years


# -- fields -----------------------------------------------------------------------------

@pytest.mark.parametrize("value, grade", [
    (1, 1), ("1", 1), (" 3 ", 3), (2.0, 2), ("一年级", 1), ("六年级", 6), ("七年级", 7),
    ("初一", 7), ("初三", 9), ("高一", 10), ("高三", 12), ("十二年级", 12), ("1年级", 1), ("３", 3),
])
def test_grade(value, grade):
    assert fields.grade(value) == grade


@pytest.mark.parametrize("value", ["0", "13", "abc", "", "初", "一班", "1.5", "高四", "初十"])
def test_grade_refuses(value):
    with pytest.raises(ValueError, match="年级"):
        fields.grade(value)


@pytest.mark.parametrize("value, number", [
    (1, 1), ("1", 1), ("01", 1), ("1班", 1), ("(2)班", 2), ("(3)班", 3), ("一班", 1),
    ("十二班", 12), (4.0, 4), ("99", 99),
])
def test_class_no(value, number):
    assert fields.class_no(value) == number


@pytest.mark.parametrize("value", ["0", "100", "甲班", "", "班"])
def test_class_no_refuses(value):
    with pytest.raises(ValueError, match="班级"):
        fields.class_no(value)


@pytest.mark.parametrize("value, code", [
    ("男", "1"), ("女", "2"), ("1", "1"), ("2", "2"), ("男性", "1"), ("女性", "2"), ("M", "1"),
    ("f", "2"), ("1-男", "1"), (" 女 ", "2"),
])
def test_gender(value, code):
    assert fields.gender(value) == code


@pytest.mark.parametrize("value", ["x", "3", "1-女", "", None])
def test_gender_refuses(value):
    with pytest.raises(ValueError, match="性别"):
        fields.gender(value)


@pytest.mark.parametrize("value, code", [
    ("01", "01"), ("1", "01"), ("汉", "01"), ("汉族", "01"), ("01-汉族", "01"), ("01 汉族", "01"),
    ("03-回族", "03"), ("回族", "03"), ("土家族", "15"), ("98", "98"), ("", None), (None, None),
])
def test_ethnicity(value, code):
    assert fields.ethnicity(value) == code


@pytest.mark.parametrize("value", ["57", "01-回族", "火星族"])
def test_ethnicity_refuses(value):
    with pytest.raises(ValueError, match="民族"):
        fields.ethnicity(value)


@pytest.mark.parametrize("value, code", [
    ("130283105201", "130283105201"), (" 130283 ", "130283"), ("130283105", "130283105"),
    (130283105201, "130283105201"), (130283105.0, "130283105"), ("１３０２８３", "130283"),
    ("", ""), (None, ""),
])
def test_region(value, code):
    assert fields.region(value) == code


@pytest.mark.parametrize("value", ["13028", "1302831", "13028310520X", "迁安市"])
def test_region_refuses(value):
    with pytest.raises(ValueError, match="行政区划代码"):
        fields.region(value)


@pytest.mark.parametrize("typed, keys", [
    (["户口簿", "房产证明"], ["hukou", "property"]),
    (["户口本"], ["hukou"]), (["户口薄"], ["hukou"]), (["户口"], ["hukou"]),
    (["房产证", "购房合同"], ["property"]),
    (["户口簿、房产证明,接种证"], ["hukou", "property", "vaccination"]),
    (["户口簿;暂住证/就业证明"], ["hukou", "residence_permit", "employment"]),
    (["承诺书"], ["commitment"]), (["hukou"], ["hukou"]),
    (["户口簿", "户口本"], ["hukou"]),  # duplicates dropped
    (["村委会证明"], ["村委会证明"]),  # unknown evidence kept as written
    (["户口簿 房产证明"], ["hukou", "property"]),  # a roster cell separated by spaces only
    (["户口本　房产证  接种证"], ["hukou", "property", "vaccination"]),  # full-width space too
    (["迁安市人民医院 诊断证明"], ["迁安市人民医院 诊断证明"]),  # not all known: kept whole
    ([], []), ([" "], []),
])
def test_evidence(typed, keys):
    assert fields.evidence(typed) == keys


def test_id_type():
    assert fields.id_type("") == "1"
    assert fields.id_type("身份证") == "1"
    assert fields.id_type("A") == "A"
    assert fields.id_type("a") == "A"
    assert fields.id_type("护照") == "A"
    assert fields.id_type("Z-其他") == "Z"
    with pytest.raises(ValueError, match="证件类型"):
        fields.id_type("Q")


def test_text():
    assert fields.text(None) == ""
    assert fields.text(" 张三 ") == "张三"
    assert fields.text("ＡＢ１") == "AB1"


# -- codes.parse_code ---------------------------------------------------------------------

@pytest.mark.parametrize("table, value, code", [
    ("ethnicity", "01", "01"), ("ethnicity", "汉族", "01"), ("ethnicity", "01-汉族", "01"),
    ("ethnicity", "01:汉", "01"), ("ethnicity", "01|汉族", "01"), ("ethnicity", "０１－汉族", "01"),
    ("gender", "2-女", "2"), ("id_type", "A-护照", "A"), ("status", "在校", "active"),
    ("status", "active", "active"), ("status", "休学", "suspended"),
    ("evidence", "户口簿", "hukou"), ("evidence", "户口薄", "hukou"),
    ("ethnicity", "01-", "01"),
])
def test_parse_code(table, value, code):
    assert codes.parse_code(table, value) == code


@pytest.mark.parametrize("table, value", [
    ("ethnicity", "01-回族"), ("ethnicity", "99"), ("gender", ""), ("gender", None),
    ("status", "在读"), ("id_type", "C"),
])
def test_parse_code_unknown(table, value):
    assert codes.parse_code(table, value) is None


def test_labels():
    assert codes.label("gender", "1") == "男"
    assert codes.label("ethnicity", "01") == "汉"
    assert codes.label("status", "unknown-code") == "unknown-code"
    assert codes.label("status", None) == ""
    assert codes.evidence_label("hukou") == "户口簿"
    assert codes.evidence_key("户口本") == "hukou"


def test_change_kinds_carry_national_codes():
    assert codes.change_kind("transfer_out").code == "21"
    assert codes.change_kind("transfer_in").code == "22"
    assert codes.change_kind("suspend").code == "11"
    assert codes.change_kind("enroll").code is None
    assert codes.change_kind("enroll").group == "in"
    groups = {k.key: k.group for k in codes.change_kinds()}
    assert {"in", "out", "other"} <= set(groups.values())
    assert groups["transfer_out"] == "out" and groups["resume"] == "in"
    assert all(k.label for k in codes.change_kinds())
