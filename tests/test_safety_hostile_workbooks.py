"""Hostile and broken input, whole files: property tests (hypothesis)
over the roster header parser and over whole generated workbooks read by
`xueji enroll --from … --dry-run`. Whatever a sheet holds — headers in any decoration,
unknown columns, title rows, cells of every type (huge numbers, NaN, dates, formulas,
control characters), a value in a far cell, overlapping merged ranges — the answer is done
(0) or refused (1), never a traceback or an internal error (the `xueji` fixture fails on
either); a refused row is named by its row and column, a refused file by the file (and
the sheet). Tiny files that ask a reader for gigabytes are also run as the whole command
in a capped child process: before the file guard measured sheets they aborted it."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import unicodedata

import bombs
import pytest
import rosters
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xueji_cli.excel import columns as rc

MANY = settings(max_examples=300, deadline=None)
# 60 workbooks in the suite; XUEJI_HOSTILE_FILES=400 for a longer hunt (the closing note's run).
FILES = settings(max_examples=int(os.environ.get("XUEJI_HOSTILE_FILES", "60")), deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.dates(), st.datetimes(), st.decimals(allow_nan=False),
)
KNOWN = sorted({alias for column in rc.columns() for alias in column.aliases})


def decorate(header: str, wide: bool, star: bool, note: bool, spaces: bool) -> str:
    """A header as registrars' templates write it (full-width forms, a required-field
    star, a note in brackets, spaces and line breaks inside)."""
    text = header
    if wide:
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if spaces and len(text) > 1:
        text = text[0] + " \n" + text[1:]
    if note:
        text += "(必填)"
    if star:
        text = "*" + text
    return text


# -- the header parser --------------------------------------------------------------------------

@MANY
@given(anything)
def test_header_parsing_is_total(value):
    cleaned = rc.normalise_header(value)
    assert isinstance(cleaned, str)
    found = rc.find(value)
    assert found is None or isinstance(found, rc.Column)


@MANY
@given(st.sampled_from(KNOWN), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_every_known_header_in_any_decoration_finds_its_column(header, wide, star, note, spaces):
    assert rc.find(decorate(header, wide, star, note, spaces)) == rc.find(header) is not None


# -- whole workbooks ----------------------------------------------------------------------------

# Cells as a sheet can hold them: valid values, near misses and garbage of every type.
hostile = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10 ** 20, max_value=10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30).map(lambda s: "".join(c for c in s if unicodedata.category(c) != "Cs")),
    st.text(alphabet="0123456789xX-/.年月日 ", max_size=20),
    st.dates(min_value=dt.date(1900, 3, 1)), st.sampled_from(["=1+1", "+86", "-0", "@SUM(A1)", "",
                                                              "130283202003051230", "男", "汉族"]),
    # names and words with terminal escape codes, NUL, a direction override; overlong text
    st.sampled_from(["王\x1b]0;标题\x07小明", "王\x00明", "\u202e明小王", "李\x1b[2J", "王" * 60,
                     "户口簿\x1b", "x" * 600]),
)
names = itertools.count(1)


@st.composite
def workbooks(draw):
    """(title rows, headers, rows): a subset of a valid roster's columns in any order and
    decoration, maybe unknown columns, rows mixing valid and hostile cells."""
    wanted = draw(st.one_of(  # every column in any order, or any subset of them
        st.permutations(rosters.PLAIN_HEADERS),
        st.lists(st.sampled_from(rosters.PLAIN_HEADERS), max_size=13, unique=True)))
    extra = draw(st.lists(st.text(min_size=1, max_size=8), max_size=2))
    headers = [decorate(h, *draw(st.tuples(*[st.booleans()] * 4))) for h in wanted] + extra
    titles = draw(st.lists(st.text(max_size=20), max_size=2))
    rows = []
    for seq in range(draw(st.integers(0, 5))):
        good = rosters.child(seq + 1)
        rows.append([draw(hostile) if draw(st.integers(0, 5)) == 0 else good.get(h, "")
                     for h in wanted] + [draw(hostile) for _ in extra])
    return titles, headers, rows, draw(bombs_in_sheets)


# A value in a far cell and merged ranges: near (what rosters hold) or far beyond any
# roster (what made calamine abort and the merge filling run out of memory).
far_cells = st.one_of(st.tuples(st.integers(1, 60), st.integers(1, 60)),
                      st.tuples(st.integers(500_000, 1_048_576), st.integers(8_000, 16_384)))
bombs_in_sheets = st.tuples(st.one_of(st.none(), far_cells), st.sampled_from([0, 0, 3, 3000]))


def plant(path, far, merges) -> bool:
    """Add the far cell and the merged ranges; whether the file is now past the bounds."""
    rows = ""
    if far is not None:
        row, column = far
        rows = f'<row r="{row}"><c r="{bombs.column(column)}{row}"><v>1</v></c></row>'
    extra = ""
    if merges:  # a few small ones, or thousands overlapping
        extra = bombs.overlapping_merges(merges) if merges > 10 else \
            bombs.overlapping_merges(merges, height=1, width=2)
    bombs.add_to_sheet(path, rows, extra)
    return (far is not None and far[0] * far[1] > 10_000_000) or merges > 10


def write(path, titles, headers, rows, _bombs=None) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value):
        if isinstance(value, str):  # as Excel stores them: _x001B_, which readers decode
            return ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
        return value

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    for text in titles:
        ws.append([cell(text)])
    ws.append([cell(h) for h in headers])
    for row in rows:
        ws.append([cell(v) for v in row])
    wb.save(path)


@FILES
@given(workbooks())
def test_any_workbook_is_answered_with_rows_and_columns(township, xueji, tmp_path_factory, book):
    path = tmp_path_factory.mktemp("wb") / f"roster{next(names)}.xlsx"
    write(path, *book)
    past_bounds = plant(path, *book[3])
    result = xueji("enroll", "--from", str(path), "--school", "001", "--dry-run", "--json")
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    assert "\x1b" not in result.stdout + result.stderr  # shown as a code, never sent
    document = json.loads(result.stdout)
    if past_bounds:  # refused as a file, before any reader allocated
        [error] = document["errors"]
        assert (error["rule"], error["field"]) == ("INPUT", "file"), error
        assert "单元格" in error["message"], error
    assert document["ok"] is (result.exit_code == 0)
    for error in document.get("errors", []):
        assert error["message"] and error["rule"] != "INTERNAL", error
        if error.get("row") is not None:  # a row's problem: which row, which column
            assert isinstance(error["row"], int) and error.get("column"), error
        else:  # a file's problem: which file
            assert error.get("file") or error.get("field") in ("roster_file", "file"), error
    if result.exit_code == 1 and "errors" not in document:
        raise AssertionError(document)
    rows = [e for e in document.get("errors", []) if e.get("row") is not None]
    for child in document.get("students", []):  # what would be enrolled: names as stored
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", child["name"]), child
        assert len(child["name"]) <= 50, child
    event("accepted" if result.exit_code == 0 else "rows refused" if rows else "file refused")


# -- what the generated workbooks found: a birth date in a far year ---------------------------------

def test_a_birth_date_after_the_cut_off_day_is_refused_not_a_crash():
    from xueji_cli.rules.enrollment import check_school_age

    on_the_day = check_school_age(dt.date(2026, 8, 31), 2026)  # born on the day: under-age
    assert [v.rule for v in on_the_day] == ["ENR-1"] and "未满6周岁" in on_the_day[0].message
    for birth in (dt.date(2026, 9, 1), dt.date(9994, 1, 1), dt.date(9999, 12, 31)):
        [violation] = check_school_age(birth, 2026, commitment="承诺书1")
        assert violation.is_error and "不可能入学" in violation.message
        assert "身份证号" in violation.hint


def test_enroll_with_a_birth_year_of_9995_is_refused(township, enroll, as_json):
    """Typed, the year is refused as input (values/dates.YEARS); the rule above keeps a date
    that reaches it another way (a cell of a later year than the cut-off) a refusal too."""
    result = enroll(json=True, birth="9995-01-01", id_number="130283202003050035")
    assert result.exit_code == 1
    [error] = as_json(result)["errors"]
    assert (error["rule"], error["field"]) == ("INPUT", "birth") and "年份 9995" in error["message"]


# -- the whole command, in a child process whose address space is capped -------------------------

@pytest.mark.parametrize("bomb", ["far cell", "merged ranges", "far cell in .xls"])
def test_a_tiny_file_that_asks_for_gigabytes_is_refused_not_a_crash(township, tmp_path, bomb):
    """Before the guard measured sheets: a 2 KB .xlsx with a value at XFD1048576 made
    calamine ask for 549 GB and abort (exit 134, a Rust backtrace); a 6 KB .xls with a
    number at column 65535, 137 GB; a 17 KB .xlsx with 3,000 overlapping merged ranges ran
    the merge filling out of memory (内部错误 MemoryError). Now each is refused as a file,
    exit 1, before any reader allocates."""
    path = {"far cell": lambda: bombs.xlsx(tmp_path / "花名册.xlsx", bombs.FAR_CELL["usual"]),
            "merged ranges": lambda: bombs.xlsx(tmp_path / "花名册.xlsx",
                                                extra=bombs.overlapping_merges()),
            "far cell in .xls": lambda: bombs.xls(tmp_path / "花名册.xls", 65535, 65535)}[bomb]()
    assert path.stat().st_size < 20_000
    result = bombs.run_guarded(township, "enroll", "--from", str(path), "--school", "001",
                               "--dry-run", "--json")
    assert result.returncode == 1, (result.returncode, result.stderr[-600:])
    [error] = json.loads(result.stdout)["errors"]
    assert (error["rule"], error["field"]) == ("INPUT", "file"), error
    assert path.name in error["message"] and "单元格" in error["message"] and error["hint"]
