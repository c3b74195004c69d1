"""Hostile and broken input: property tests (hypothesis) over every
parser a registrar's typing or a roster cell goes through. Whatever comes in, each
returns a value of the promised shape or raises the one error it documents (ValueError,
or InputError for a KEY) with a message — never anything else; and what is valid in any
accepted spelling reads the same."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from synthetic import full_width

from xueji_cli.records.directory.students import classify_key
from xueji_cli.rules.identity import check_id_number
from xueji_cli.values import codes, fields
from xueji_cli.values.dates import parse_date, parse_month
from xueji_cli.values.errors import InputError
from xueji_cli.values.fields import normalise_id_number

MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=200, deadline=None)

# Anything a cell or a keyboard can produce: text of every kind (control characters,
# full-width forms, surrogate-free unicode), numbers of every size, dates, nothing.
anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(alphabet="0123456789-/.年月日 :T０１２３４５６７８９xX", max_size=24),
    st.dates(), st.datetimes(), st.decimals(allow_nan=False).map(str),
)
digits = st.text(alphabet="0123456789xX ", min_size=0, max_size=22)
dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2999, 12, 31))
LONG_NUMBER = re.compile(r"\d{15,}")


def valid_id(birth: dt.date, seq: int, male: bool) -> str:
    from stdnum.cn import ric

    order = seq * 2 + (1 if male else 2)
    body = f"130283{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


ids = st.builds(valid_id, st.dates(dt.date(1950, 1, 1), dt.date(2025, 12, 31)),
                st.integers(0, 498), st.booleans())


# -- dates -------------------------------------------------------------------------------------

@MANY
@given(anything)
@example(10 ** 400)
@example(float("nan"))
@example("２０２６年９月１日")
def test_parse_date_returns_a_date_or_says_why(value):
    try:
        result = parse_date(value)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(result, dt.date)


@MANY
@given(dates, st.sampled_from(["{d:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d:%Y%m%d}",
                                "{d.year}年{d.month}月{d.day}日", "{d.year}.{d.month:02d}.{d.day:02d}",
                                "{d:%Y-%m-%d} 00:00:00"]),
       st.booleans(), st.sampled_from(["", " ", "\t", "　"]))
def test_every_accepted_date_form_reads_the_same(day, form, wide, pad):
    text = form.format(d=day)
    if wide:
        text = full_width(text)
    assert parse_date(pad + text + pad) == day


@SOME
@given(dates)
def test_excel_serial_days_read_as_dates(day):
    assert parse_date((day - dt.date(1899, 12, 30)).days) == day
    assert parse_date(float((day - dt.date(1899, 12, 30)).days)) == day


@MANY
@given(st.one_of(st.text(), st.text(alphabet="0123456789-/年月 ", max_size=12)))
def test_parse_month_returns_a_month_or_says_why(text):
    try:
        first, last = parse_month(text)
    except ValueError as error:
        assert str(error)
    else:
        assert first.day == 1 and first <= last and last.month == first.month
        assert (last + dt.timedelta(days=1)).day == 1


# -- ID numbers --------------------------------------------------------------------------------

@MANY
@given(st.one_of(st.text(), digits, st.integers(), st.none()))
def test_normalise_id_number_is_total_and_idempotent(value):
    once = normalise_id_number(value)
    assert isinstance(once, str)
    assert normalise_id_number(once) == once


@MANY
@given(ids, st.sampled_from(["plain", "lower", "wide", "spaced", "dashed"]))
def test_valid_id_numbers_in_any_spelling_pass(number, spelling):
    typed = {"plain": number, "lower": number.lower(), "wide": full_width(number),
             "spaced": f" {number[:6]} {number[6:14]} {number[14:]} ",
             "dashed": f"{number[:6]}-{number[6:14]}-{number[14:]}"}[spelling]
    normalised = normalise_id_number(typed)
    assert normalised == number
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    gender = "1" if int(number[16]) % 2 else "2"
    assert [v for v in check_id_number(normalised, birth, gender) if v.is_error] == []


@MANY
@given(ids, st.integers(0, 16), st.integers(1, 9))
def test_every_single_digit_typo_is_caught(number, position, shift):
    typo = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assert any(v.is_error for v in check_id_number(typo))


@MANY
@given(ids, st.integers(0, 15))
def test_every_swap_of_neighbouring_digits_is_caught(number, position):
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2:]
    assert any(v.is_error for v in check_id_number(swapped))


@MANY
@given(st.one_of(st.text(max_size=40), digits), st.one_of(st.none(), dates),
       st.sampled_from([None, "1", "2", "9"]))
def test_check_id_number_always_answers_with_violations(text, birth, gender):
    number = normalise_id_number(text)
    for violation in check_id_number(number, birth, gender):
        assert violation.rule == "NUM-6" and violation.field in ("id_number", "birth", "gender")
        assert violation.message and violation.hint
        assert not LONG_NUMBER.search(violation.message + violation.hint)  # never echoed whole


# -- the converters shared by the command line and the roster reader -----------------------------

CONVERTERS = {
    "gender": lambda v: v in ("1", "2"),
    "ethnicity": lambda v: v is None or v in codes.table("ethnicity"),
    "id_type": lambda v: v in codes.table("id_type"),
    "grade": lambda v: isinstance(v, int) and 1 <= v <= 12,
    "class_no": lambda v: isinstance(v, int) and 1 <= v <= 99,
    "region": lambda v: v == "" or (v.isdigit() and len(v) in (6, 9, 12)),
    "parse_date": lambda v: isinstance(v, dt.date),
    "normalise_national_number": lambda v: isinstance(v, str),
}


@MANY
@given(st.sampled_from(sorted(CONVERTERS)), anything)
@example("grade", "初四")
@example("grade", 1e300)
@example("class_no", "(1)班")
@example("region", 130283105201.0)
def test_converters_return_the_promised_shape_or_say_why(name, value):
    try:
        result = getattr(fields, name)(value)
    except ValueError as error:
        assert str(error)
    else:
        assert CONVERTERS[name](result), (name, value, result)


@MANY
@given(st.lists(anything.map(lambda v: "" if v is None else str(v)), max_size=5))
def test_evidence_lists_are_keys_or_say_why(values):
    try:
        keys = fields.evidence(values)
    except fields.TextRefused as error:  # a control character in a word, or a word too long
        assert str(error) and error.hint
    else:
        assert len(keys) == len(set(keys)) and all(isinstance(k, str) and k for k in keys)
        assert not any(UNSAFE.search(k) for k in keys)


# -- free text: names, addresses, reasons … ------------------------------------------------------

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff"
                    "\ud800-\udfff]")
CONTROLS = st.sampled_from(["\x00", "\x07", "\x1b", "\x1b]0;标题\x07", "\x1b[2J", "\t", "\n", "\r",
                            "\x7f", "\x85", "\x9b", "\u202e", "\u202a", "\u2066", "\u2069",
                            "\u2028", "\udcff"])
names = st.text(alphabet="王李张欧阳买提·艾力阿依古丽 ", min_size=1, max_size=12).filter(str.strip)
TEXT_FIELDS = sorted(fields.TEXT_LIMITS) + ["details.health"]


@MANY
@given(st.sampled_from(TEXT_FIELDS), st.one_of(anything, st.text(max_size=600)))
@example("name", "a" * 10_000_000)
@example("remark", "第一行\r\n第二行")
def test_free_text_is_stored_safe_or_refused_with_a_reason(field, value):
    """Whatever comes in: a text without a control, direction or invisible character,
    within its field's length (and the same text again when read again), or a refusal
    saying what is wrong and what would make it pass — naming the field."""
    limit = fields.TEXT_LIMITS.get(field, fields.TEXT_LIMIT)
    try:
        result = fields.free_text(field, value)
    except fields.TextRefused as error:
        assert error.hint and fields.label_of(field) in str(error)
        assert len(str(error)) < 200  # never the text itself
    else:
        assert len(result) <= limit and fields.free_text(field, result) == result
        for found in UNSAFE.finditer(result):
            assert found.group() == "\n" and field in fields.MULTILINE


@MANY
@given(names, CONTROLS, st.integers(0, 12), st.sampled_from(["name", "guardian_name", "address",
                                                            "hospital", "school_name"]))
def test_a_name_with_a_control_character_is_refused(name, control, at, field):
    """Names with ESC or NUL (an .xls cell, _x001B_ in an xlsx) were stored, and `student
    list` wrote the terminal escape codes (title, screen clear)."""
    typed = name[:at] + control + name[at:]
    if not typed.strip(" \t\n\r\x85\u2028"):
        return
    try:
        result = fields.free_text(field, typed)
    except fields.TextRefused as error:
        assert f"U+{ord(control[0]):04X}" in str(error) or "换行" in str(error) \
            or "无法识别" in str(error)
    else:  # only a control that text() trims away at either end
        assert control.strip(" \t\n\r\x85\u2028\x1c\x1d\x1e\x1f") == "" and result == fields.text(typed)


@SOME
@given(st.sampled_from(sorted(fields.TEXT_LIMITS)), st.integers(1, 1000))
def test_every_field_has_a_length_limit(field, extra):
    limit = fields.TEXT_LIMITS[field]
    assert fields.free_text(field, "字" * limit) == "字" * limit
    try:
        fields.free_text(field, "字" * (limit + extra))
    except fields.TextRefused as error:
        assert f"最多 {limit} 个" in str(error) and fields.label_of(field) in str(error)
    else:
        raise AssertionError("accepted past the limit")


def test_invisible_characters_are_removed_so_one_name_reads_the_same():
    """Zero-width spaces, joiners, marks and a byte-order mark come with copied text; two
    spellings of one name must compare equal (NUM-7)."""
    for invisible in ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad"):
        assert fields.free_text("name", f"王{invisible}小明") == "王小明"


@MANY
@given(anything)
def test_text_is_total(value):
    assert isinstance(fields.text(value), str)


TABLES = ["gender", "ethnicity", "id_type", "status", "evidence", "school_type", "record_kind"]


@MANY
@given(st.sampled_from(TABLES), st.one_of(anything, st.text(alphabet="0123456789-汉族男女 ", max_size=8)))
def test_parse_code_returns_a_known_code_or_none(table, value):
    found = codes.parse_code(table, value)
    assert found is None or found in codes.table(table)


def test_parse_code_reads_code_label_and_both():
    tried = 0
    for table in TABLES:
        for code, label in codes.table(table).items():
            for spelling in (code, label, f"{code}-{label}", f" {code} ", full_width(code)):
                assert codes.parse_code(table, spelling) == code, (table, spelling)
                tried += 1
    assert tried > 300


# -- KEY ---------------------------------------------------------------------------------------

@MANY
@given(st.one_of(st.text(), digits, st.text(alphabet="GJLgjl0123456789xX ", max_size=22)))
def test_classify_key_names_a_kind_or_refuses_without_echo(text):
    try:
        kind, value = classify_key(text)
    except InputError as error:
        assert error.field == "key" and error.message and error.hint
        assert not LONG_NUMBER.search(error.message)  # a long number is masked
    else:
        assert kind in ("local", "national", "id")
        assert {"local": 14, "national": 19, "id": 18}[kind] == len(value)


@MANY
@given(ids, st.sampled_from(["id", "national", "local"]), st.booleans(), st.booleans())
def test_any_spelling_of_a_key_finds_the_same_kind(number, kind, wide, lower):
    text = {"id": number, "national": "G" + number, "local": "0226260010" + number[-4:].replace(
        "X", "0")}[kind]
    if lower:
        text = text.lower()
    if wide:
        text = full_width(text)
    assert classify_key(f" {text} ") == (kind, {"id": number, "national": "G" + number}.get(
        kind, text.upper() if not wide else "0226260010" + number[-4:].replace("X", "0")))
