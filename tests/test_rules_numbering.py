"""NUM-1/NUM-2 (local numbers) and the number checks of renumber-check, over plain values
(xueji_cli/rules/numbering.py)."""

from __future__ import annotations

import pytest
from synthetic import make_id, wrong_check

from xueji_cli.rules.numbering import (
    NumberedRecord,
    check_kept_number,
    check_numbers,
    local_number,
    local_prefix,
)

PREFIX = "0226260010"  # city 02, county 26, entry 2026, school 001, primary 0


def rec(number, school="001", year=2026, type_digit="0", label=None, **kw):
    return NumberedRecord(local_number=number, school_code=school, type_digit=type_digit,
                          entry_year=year, label=label or f"{number} 学生", **kw)


def seq(n, prefix=PREFIX):
    return f"{prefix}{n:04d}"


def kinds(problems):
    return sorted(p.kind for p in problems)


# -- NUM-1 -----------------------------------------------------------------------------

def test_local_prefix_and_number_contract_example():
    prefix = local_prefix("02", "26", 2026, "001", "0")
    assert prefix == PREFIX
    assert local_number(prefix, 1) == "02262600100001"
    assert local_number(prefix, 9999) == "02262600109999"


def test_prefix_takes_the_last_two_digits_of_the_year():
    assert local_prefix("02", "26", 2105, "123", "1") == "0226051231"
    assert local_prefix("13", "01", 2009, "010", "2") == "1301090102"


@pytest.mark.parametrize("bad", [0, 10000, -1])
def test_sequence_out_of_range(bad):
    with pytest.raises(ValueError):
        local_number(PREFIX, bad)


# -- check_numbers: clean --------------------------------------------------------------

def test_consecutive_numbers_are_clean():
    assert check_numbers([rec(seq(n)) for n in (1, 2, 3)], "02", "26") == []


def test_order_of_records_does_not_matter():
    assert check_numbers([rec(seq(n)) for n in (3, 1, 2)], "02", "26") == []


def test_each_school_and_year_has_its_own_sequence():
    records = [rec(seq(1)), rec(seq(2)), rec("02262600200001", school="002"),
               rec("02262500100001", year=2025)]
    assert check_numbers(records, "02", "26") == []


def test_empty():
    assert check_numbers([], "02", "26") == []


# -- malformed and wrong parts -----------------------------------------------------------

@pytest.mark.parametrize("number", ["", "0226260010001", "022626001000011", "02262600I00001",
                                    "02-26-26-001-0-0001"])
def test_malformed(number):
    problems = check_numbers([rec(number)], "02", "26")
    assert kinds(problems) == ["malformed"]
    assert problems[0].school == "001" and problems[0].year == "26"
    assert problems[0].records == [f"{number} 学生"]
    assert problems[0].hint


@pytest.mark.parametrize("number", [PREFIX + "\u0660\u0660\u0660\u0661",
                                    PREFIX + "000\uff11", seq(1) + "\n"])
def test_only_ascii_digits_make_a_number(number):
    """NUM-1: a 学籍号 is fourteen ASCII digits. Another script's digits (٠٠٠١, a
    full-width １) or a trailing line break are not a number of the sequence: they are
    malformed, not counted as 0001 (nor is 0001 then reported as held twice)."""
    problems = check_numbers([rec(number), rec(seq(1))], "02", "26")
    assert kinds(problems) == ["malformed"]
    assert problems[0].number == number


def test_sequence_0000_is_malformed():
    problems = check_numbers([rec(seq(0)), rec(seq(1))], "02", "26")
    assert kinds(problems) == ["malformed"]
    assert "0000" in problems[0].detail


@pytest.mark.parametrize("number, record, kind, found, expected", [
    ("03262600100001", {}, "wrong_city", "03", "02"),
    ("02272600100001", {}, "wrong_county", "27", "26"),
    ("02262500100001", {}, "wrong_year", "25", "26"),
    ("02262600200001", {}, "wrong_school", "002", "001"),
    ("02262600110001", {}, "wrong_type", "1", "0"),
    ("02262600110001", {"type_digit": "1"}, None, None, None),
])
def test_wrong_parts(number, record, kind, found, expected):
    problems = check_numbers([rec(number, **record)], "02", "26")
    if kind is None:
        assert problems == []
        return
    assert kinds(problems) == [kind]
    assert f"「{found}」" in problems[0].detail and f"「{expected}」" in problems[0].detail
    assert problems[0].number == number


def test_several_wrong_parts_each_reported():
    problems = check_numbers([rec("03272500200001")], "02", "26")
    assert kinds(problems) == ["wrong_city", "wrong_county", "wrong_school", "wrong_year"]


def test_other_city_and_county_codes_from_settings():
    assert check_numbers([rec("13012600100001")], "13", "01") == []
    assert kinds(check_numbers([rec("02262600100001")], "13", "01")) == ["wrong_city",
                                                                       "wrong_county"]


# -- NUM-2 duplicates and gaps -------------------------------------------------------------

def test_duplicate():
    problems = check_numbers([rec(seq(1), label="A"), rec(seq(2), label="B"),
                              rec(seq(2), label="C")], "02", "26")
    assert kinds(problems) == ["duplicate"]
    dup = problems[0]
    assert dup.number == seq(2) and dup.school == "001" and dup.year == "26"
    assert dup.records == ["B", "C"]
    assert "2个学籍" in dup.detail and "NUM-2" in dup.hint


def test_gap_of_one():
    problems = check_numbers([rec(seq(1), label="A"), rec(seq(3), label="C")], "02", "26")
    assert kinds(problems) == ["gap"]
    gap = problems[0]
    assert gap.number == seq(2)
    assert "缺号 0002" in gap.detail
    assert gap.records == ["A", "C"]  # the neighbours, to look between
    assert "NUM-2" in gap.hint


def test_gap_of_several():
    problems = check_numbers([rec(seq(1)), rec(seq(5))], "02", "26")
    assert kinds(problems) == ["gap"]
    assert problems[0].number == f"{seq(2)}–0004"
    assert "0002–0004" in problems[0].detail


def test_two_gaps():
    problems = check_numbers([rec(seq(n)) for n in (1, 3, 4, 7)], "02", "26")
    assert [p.number for p in problems] == [seq(2), f"{seq(5)}–0006"]


def test_not_starting_at_0001():
    problems = check_numbers([rec(seq(2)), rec(seq(3))], "02", "26")
    assert kinds(problems) == ["gap"]
    assert problems[0].number == seq(1)
    assert "应从0001起" in problems[0].detail


def test_not_starting_at_0001_several_missing():
    problems = check_numbers([rec(seq(4))], "02", "26")
    assert problems[0].number == f"{seq(1)}–0003"


def test_duplicate_and_gap_together():
    problems = check_numbers([rec(seq(1)), rec(seq(1)), rec(seq(3))], "02", "26")
    assert kinds(problems) == ["duplicate", "gap"]


def test_gap_in_one_school_only():
    records = [rec(seq(1)), rec(seq(2)), rec("02262600200001", school="002"),
               rec("02262600200003", school="002")]
    problems = check_numbers(records, "02", "26")
    assert [(p.kind, p.school) for p in problems] == [("gap", "002")]


# -- national numbers ------------------------------------------------------------------

ID_A = make_id("2020-03-05", seq=1)
ID_B = make_id("2020-04-06", seq=2)


def test_national_numbers_that_agree():
    records = [rec(seq(1), national_number="G" + ID_A, id_type="1", id_number=ID_A, person_id=1),
               rec(seq(2), national_number="L130283202003050012", id_type="Z", person_id=2)]
    assert check_numbers(records, "02", "26") == []


def test_national_malformed():
    problems = check_numbers([rec(seq(1), national_number="G123", person_id=1)], "02", "26")
    assert kinds(problems) == ["national_malformed"]
    assert problems[0].number == seq(1)  # names the record by its local number


def test_national_malformed_g_number_is_not_called_a_mismatch():
    problems = check_numbers([rec(seq(1), national_number="G12345", id_type="1", id_number=ID_A,
                                  person_id=1)], "02", "26")
    assert kinds(problems) == ["national_malformed"]
    assert "格式" in problems[0].detail


def test_national_bad_check_character():
    problems = check_numbers([rec(seq(1), national_number="G" + wrong_check(ID_A), person_id=1)],
                             "02", "26")
    assert kinds(problems) == ["national_malformed"]


def test_national_mismatch_with_id_number():
    problems = check_numbers([rec(seq(1), national_number="G" + ID_B, id_type="1",
                                  id_number=ID_A, person_id=1)], "02", "26")
    assert kinds(problems) == ["mismatch"]
    assert "不一致" in problems[0].detail


def test_national_duplicate_between_two_people_is_masked():
    records = [rec(seq(1), national_number="G" + ID_A, person_id=1, label="A"),
               rec(seq(2), national_number="G" + ID_A, person_id=2, label="B")]
    problems = check_numbers(records, "02", "26")
    assert kinds(problems) == ["national_duplicate"]
    assert ID_A not in problems[0].number and problems[0].number.startswith("G130283")
    assert problems[0].records == ["A", "B"]


def test_same_person_on_two_records_is_not_a_national_duplicate():
    records = [rec(seq(1), national_number="G" + ID_A, person_id=1),
               rec("02262600200001", school="002", national_number="G" + ID_A, person_id=1)]
    assert check_numbers(records, "02", "26") == []


def test_problem_as_dict_has_the_contract_keys():
    problem = check_numbers([rec(seq(2))], "02", "26")[0].as_dict()
    assert {"kind", "number", "school", "year", "detail"} <= set(problem)


# -- numbers kept from before (a register taken over) -------------------------------------

def test_kept_number_that_agrees_with_its_row():
    assert check_kept_number(seq(7), "02", "26", 2026, "001", "0") == []


@pytest.mark.parametrize("number, wrong", [
    ("03262600100001", "市代码"), ("02272600100001", "县代码"), ("02262500100001", "入学年份"),
    ("02262600200001", "学校代码"), ("02262600110001", "学校类型位")])
def test_kept_number_part_that_disagrees_names_the_part(number, wrong):
    """NUM-1: each part of a kept number agrees with the row it is kept on."""
    [violation] = check_kept_number(number, "02", "26", 2026, "001", "0")
    assert violation.rule == "NUM-1" and wrong in violation.message


def test_kept_numbers_of_one_wrong_prefix_each_name_their_own_number():
    """NUM-1: the parts are compared once per prefix, but every row's message names its
    own number, and the same prefix on a row it agrees with is no problem."""
    first, second = "02262500100001", "02262500100002"
    assert [v.message for v in check_kept_number(first, "02", "26", 2026, "001", "0")] == [
        f"学籍号 {first} 的入学年份为「25」,本行应为「26」"]
    assert [v.message for v in check_kept_number(second, "02", "26", 2026, "001", "0")] == [
        f"学籍号 {second} 的入学年份为「25」,本行应为「26」"]
    assert check_kept_number(second, "02", "26", 2025, "001", "0") == []


@pytest.mark.parametrize("number, rule", [("", "NUM-1"), ("0226", "NUM-1"),
                                          (seq(0), "NUM-2")])
def test_kept_number_missing_malformed_or_0000(number, rule):
    [violation] = check_kept_number(number, "02", "26", 2026, "001", "0")
    assert violation.rule == rule and violation.field == "local_number"


def test_kept_number_without_an_entry_year_is_not_compared_on_it():
    assert check_kept_number("02261900100001", "02", "26", None, "001", "0") == []


def test_gaps_below_the_highest_taken_over_are_information():
    """NUM-2: a gap the sequence had when it was taken over is told from one made after."""
    records = [rec(seq(n)) for n in (1, 4, 9)]
    problems = check_numbers(records, "02", "26", {PREFIX: 4})
    assert [(p.kind, p.number) for p in problems] == [
        ("gap_at_takeover", seq(2) + "–0003"), ("gap", seq(5) + "–0008")]


def test_a_gap_across_the_highest_taken_over_is_split():
    problems = check_numbers([rec(seq(1)), rec(seq(6))], "02", "26", {PREFIX: 3})
    assert [(p.kind, p.number) for p in problems] == [
        ("gap_at_takeover", seq(2)), ("gap", seq(3) + "–0005")]
