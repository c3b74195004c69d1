"""NUM-6 (resident ID number), NUM-5 (national student number) and NUM-7 (one person,
one record) as pure functions (xueji_cli/rules/identity.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from synthetic import expected_check, full_width, id_with_x, make_id, wrong_check

from xueji_cli.rules import identity
from xueji_cli.values import fields

D = dt.date.fromisoformat
BIRTH = D("2020-03-05")
BOY = make_id(BIRTH, male=True)
GIRL = make_id(BIRTH, male=False)


def rules_of(violations):
    return [(v.rule, v.field, v.severity) for v in violations]


# -- NUM-6 -----------------------------------------------------------------------------

class TestIdNumber:
    def test_valid_with_matching_birth_and_gender(self):
        assert identity.check_id_number(BOY, BIRTH, "1") == []
        assert identity.check_id_number(GIRL, BIRTH, "2") == []

    def test_valid_without_hand_entered_values(self):
        assert identity.check_id_number(BOY) == []

    def test_empty_is_not_checked_here(self):
        assert identity.check_id_number("") == []

    def test_check_character_x(self):
        number = id_with_x(BIRTH)
        assert number.endswith("X")
        assert identity.check_id_number(number, BIRTH, "1") == []

    def test_wrong_check_character(self):
        found = identity.check_id_number(wrong_check(BOY), BIRTH, "1")
        assert rules_of(found) == [("NUM-6", "id_number", "error")]
        assert f"第18位应为「{BOY[-1]}」" in found[0].message

    def test_x_where_a_digit_belongs(self):
        number = BOY[:-1] + "X" if not BOY.endswith("X") else wrong_check(BOY)
        found = identity.check_id_number(number)
        assert rules_of(found) == [("NUM-6", "id_number", "error")]

    def test_fifteen_digit_legacy_number_refused_with_a_clear_message(self):
        legacy = "130283200305123"  # region + YYMMDD + sequence, no check character
        found = identity.check_id_number(legacy)
        assert rules_of(found) == [("NUM-6", "id_number", "error")]
        assert "15位旧身份证号" in found[0].message
        assert "18位" in found[0].message and "18位" in found[0].hint

    @pytest.mark.parametrize("number, length", [(BOY[:17], 17), (BOY + "1", 19), ("1302", 4)])
    def test_wrong_length(self, number, length):
        found = identity.check_id_number(number)
        assert rules_of(found) == [("NUM-6", "id_number", "error")]
        assert f"实为{length}位" in found[0].message

    def test_letters_inside(self):
        found = identity.check_id_number(BOY[:10] + "AB" + BOY[12:])
        assert rules_of(found) == [("NUM-6", "id_number", "error")]
        assert "17位数字" in found[0].message

    @pytest.mark.parametrize("date", ["20201301", "20200230", "20200000"])
    def test_bad_birth_date_inside(self, date):
        body = "130283" + date + "123"
        number = body + expected_check(body + "0")  # a correct check character
        found = identity.check_id_number(number)
        assert rules_of(found) == [("NUM-6", "id_number", "error")]
        assert date in found[0].message and "出生日期" in found[0].message

    def test_birth_date_disagrees(self):
        found = identity.check_id_number(BOY, D("2020-03-06"), "1")
        assert rules_of(found) == [("NUM-6", "birth", "error")]
        assert "2020-03-06" in found[0].message and "2020-03-05" in found[0].message

    def test_gender_disagrees(self):
        found = identity.check_id_number(BOY, BIRTH, "2")
        assert rules_of(found) == [("NUM-6", "gender", "error")]
        assert "奇数为男" in found[0].message
        found = identity.check_id_number(GIRL, BIRTH, "1")
        assert rules_of(found) == [("NUM-6", "gender", "error")]
        assert "偶数为女" in found[0].message

    def test_birth_and_gender_both_disagree(self):
        found = identity.check_id_number(BOY, D("2019-01-01"), "2")
        assert [v.field for v in found] == ["birth", "gender"]

    def test_unknown_region_is_a_warning_only(self):
        number = make_id(BIRTH, region="990000")
        found = identity.check_id_number(number, BIRTH, "1")
        assert rules_of(found) == [("NUM-6", "id_number", "warning")]
        assert "990000" in found[0].message

    def test_unknown_county_of_a_known_province_is_a_warning_only(self):
        # stdnum knows the province 13 but not the county 1399: still only a warning
        number = make_id(BIRTH, region="139999")
        found = identity.check_id_number(number, BIRTH, "1")
        assert rules_of(found) == [("NUM-6", "id_number", "warning")]

    def test_gender_from_id(self):
        assert identity.gender_from_id(BOY) == "1"
        assert identity.gender_from_id(GIRL) == "2"


class TestNormaliseIdNumber:
    def test_full_width_and_lower_case_x(self):
        number = id_with_x(BIRTH)
        typed = full_width(number[:-1].lower() + "x")
        assert typed != number
        assert fields.normalise_id_number(typed) == number

    def test_spaces_and_dashes(self):
        assert fields.normalise_id_number(f" {BOY[:6]} {BOY[6:14]}-{BOY[14:]} ") == BOY

    def test_none(self):
        assert fields.normalise_id_number(None) == ""


# -- NUM-5 -----------------------------------------------------------------------------

class TestNationalNumber:
    def test_g_plus_the_id_number(self):
        assert identity.check_national_number("G" + BOY, "1", BOY) == []

    def test_g_disagreeing_with_the_id_number(self):
        found = identity.check_national_number("G" + GIRL, "1", BOY)
        assert rules_of(found) == [("NUM-5", "national_number", "error")]
        assert "不一致" in found[0].message

    def test_g_with_a_bad_check_character(self):
        found = identity.check_national_number("G" + wrong_check(BOY), None, None)
        assert rules_of(found) == [("NUM-5", "national_number", "error")]
        assert "校验码" in found[0].message

    def test_j_with_valid_check_character(self):
        assert identity.check_national_number("J" + make_id(BIRTH, seq=7), "Z", None) == []

    def test_j_with_wrong_check_character(self):
        found = identity.check_national_number("J" + wrong_check(make_id(BIRTH, seq=7)), "Z", None)
        assert rules_of(found) == [("NUM-5", "national_number", "error")]
        assert "J字头" in found[0].message

    def test_l_temporary_number_needs_only_the_format(self):
        assert identity.check_national_number("L130283202003050012", "Z", None) == []
        assert identity.check_national_number("L13028320200305001X", "Z", None) == []

    @pytest.mark.parametrize("number", ["", "G", "G" + BOY[:17], "X" + BOY, "G" + BOY + "1",
                                        "L13028320200305001Y", "130283202003051234"])
    def test_malformed(self, number):
        found = identity.check_national_number(number, None, None)
        assert rules_of(found) == [("NUM-5", "national_number", "error")]
        assert "G/J/L" in found[0].message

    def test_normalise(self):
        assert fields.normalise_national_number(" g" + BOY[:-1] + BOY[-1].lower()) == "G" + BOY
        assert fields.normalise_national_number(full_width("L130283202003050012")) \
            == "L130283202003050012"

    def test_national_number_for_resident_id(self):
        assert identity.national_number_for("1", BOY, "") == ("G" + BOY, [])

    def test_national_number_given_is_checked(self):
        number, found = identity.national_number_for("1", BOY, "G" + GIRL)
        assert number == "G" + GIRL and rules_of(found) == [("NUM-5", "national_number", "error")]

    def test_no_id_and_no_national_number_is_a_warning(self):
        number, found = identity.national_number_for("Z", "", "")
        assert number is None
        assert rules_of(found) == [("NUM-5", "national_number", "warning")]
        assert "--national-number" in found[0].hint

    def test_l_number_for_a_child_without_id(self):
        assert identity.national_number_for("Z", "", "L130283202003050012") == (
            "L130283202003050012", [])


# -- NUM-7 -----------------------------------------------------------------------------

def match(status, by="id_number", by_label="身份证号"):
    return {"by": by, "by_label": by_label, "school": "001 中心校", "local_number": "02262600100001",
            "status": status, "status_label": status, "name": "张小明"}


class TestOneRecord:
    def test_no_match(self):
        assert identity.check_one_record([]) == []

    def test_active_record(self):
        found = identity.check_one_record([match("active")])
        assert rules_of(found) == [("NUM-7", "id_number", "error")]
        assert "该生已有学籍(身份证号相同)" in found[0].message
        assert "02262600100001" in found[0].message and "001 中心校" in found[0].message
        assert "xueji transfer" in found[0].hint

    def test_transferred_out_record_points_to_transfer_in(self):
        found = identity.check_one_record([match("transferred_out")])
        assert "transfer in" in found[0].hint

    def test_record_kept_abroad_points_to_return_and_direct_transfer(self):
        """CHG-1 [NAT-Q] 回国复学, TRF-11: a child back from abroad has its record already."""
        (problem,) = identity.check_one_record([match("abroad")])
        assert problem.rule == "NUM-7"
        assert "xueji return-from-abroad" in problem.hint and "TRF-11" in problem.hint

    @pytest.mark.parametrize("status", ["graduated", "completed", "left_early"])
    def test_left_school(self, status):
        assert "已毕业或离校" in identity.check_one_record([match(status)])[0].hint

    def test_by_name_and_birth(self):
        found = identity.check_one_record([match("active", "name", "姓名和出生日期")])
        assert rules_of(found) == [("NUM-7", "name", "error")]
        assert "姓名和出生日期相同" in found[0].message

    def test_every_match_reported(self):
        assert len(identity.check_one_record([match("active"), match("suspended")])) == 2

    def test_no_local_number(self):
        record = match("graduated") | {"local_number": None}
        assert "(无)" in identity.check_one_record([record])[0].message

    def test_a_child_borrowing_here_is_sent_to_end_the_loan_and_transfer(self):
        (problem,) = identity.check_one_record([match("active") | {"local_number": None}])
        assert "临时借读学籍(无学籍号)" in problem.message
        assert "xueji borrow end" in problem.hint and "xueji transfer in" in problem.hint

    def test_a_child_whose_loan_ended_is_sent_to_transfer_in(self):
        (problem,) = identity.check_one_record([match("borrow_ended") | {"local_number": None}])
        assert problem.rule == "NUM-7" and "临时借读学籍" in problem.message
        assert "xueji transfer in" in problem.hint and "borrow end" not in problem.hint


# -- gender and birth left out (taken from the ID number) --------------------------------------

def test_missing_gender_with_no_id_number_says_only_that():
    problem = identity.missing("ENR-7", "gender", "性别", "填写 男 或 女")
    assert (problem.rule, problem.field, problem.message, problem.hint) == (
        "ENR-7", "gender", "缺少性别", "填写 男 或 女")


def test_missing_birth_with_a_wrong_id_number_points_to_the_number():
    number = wrong_check(make_id("2019-04-04", seq=7))
    problem = identity.missing("BOR-3", "birth", "出生日期", "按户口簿填写出生日期", "1", number)
    assert problem.message == "缺少出生日期:身份证号有误,无法从中读出出生日期"
    assert problem.hint.startswith("改正身份证号(见 NUM-6)后可不填") and problem.is_error


def test_missing_with_a_valid_or_foreign_number_is_plain():
    valid = make_id("2019-04-04", seq=7)
    assert identity.missing("ENR-7", "gender", "性别", "h", "1", valid).message == "缺少性别"
    assert identity.missing("ENR-7", "gender", "性别", "h", "A", "E12345678").message == "缺少性别"
    # only gender and birth come from the number
    assert identity.missing("ENR-7", "name", "姓名", "h", "1", wrong_check(valid)).message == "缺少姓名"


def test_check_resident_id_asks_for_the_number_only_with_a_resident_id():
    from synthetic import make_id

    from xueji_cli.rules.identity import RESIDENT_ID, check_resident_id

    missing = check_resident_id(RESIDENT_ID, "", None, None, "按户口簿填写")
    assert [(v.rule, v.field, v.hint) for v in missing] == [("NUM-6", "id_number", "按户口簿填写")]
    assert check_resident_id("2", "", None, None, "x") == []  # another kind of document
    assert check_resident_id(RESIDENT_ID, make_id(seq=3), None, None, "x") == []


def test_file_reason_words():
    import errno

    from xueji_cli.values.errors import file_reason

    assert file_reason(OSError(errno.ENAMETOOLONG, "File name too long")) == "文件名太长"
    assert file_reason(OSError(errno.ENOTDIR, "Not a directory")) == "路径中的文件夹名已被一个文件占用"
    assert file_reason(OSError(9999, "odd")) == "odd"
