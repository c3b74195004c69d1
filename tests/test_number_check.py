"""renumber-check finds in SQL what the rules find over the whole list (NUM-1, NUM-2,
NUM-5): for every kind of planted problem, records/enrollment/number_check gives exactly
the problems of rules/numbering.check_numbers over every record, in the same order — on
SQLite and on a county's server — and hands the rules only the rows worth judging."""

from __future__ import annotations

import pytest
from pgkit import BOTH_STORES
from synthetic import VILLAGE_002, make_id, wrong_check

from xueji_cli.records.enrollment import number_check
from xueji_cli.rules.numbering import NumberedRecord, check_numbers
from xueji_cli.store.reading import reading
from xueji_cli.store.workspace import open_workspace

pytestmark = BOTH_STORES

PREFIX = "0226260010"


@pytest.fixture
def six(township, enroll):
    """Five records of school 001, cohort 2026 (0001–0005), and one of 002."""
    for name in ("张一", "张二", "张三", "张四", "张五"):
        assert enroll(name=name).exit_code == 0
    result = enroll(name="李一", school="002", hukou_region=VILLAGE_002,
                    guardian_hukou_region=VILLAGE_002, residence_region=VILLAGE_002)
    assert result.exit_code == 0, result.stderr
    return township


def number(seq: int) -> str:
    return f"{PREFIX}{seq:04d}"


def both(directory, school=None, year=None):
    """(what renumber-check finds in SQL, what check_numbers finds over every record in
    record order) for the directory."""
    ws = open_workspace(str(directory))
    with reading(ws.store) as reader:
        found = number_check.renumber_check(reader, ws.settings, school, year)
        scope = number_check.Scope(reader, ws.settings, school, year)
        records = [rec for _, rec in sorted(scope.records("1 = 1"), key=lambda item: item[0])]
        expected = (len(records), check_numbers(records, ws.settings.city, ws.settings.county,
                                                number_check.taken_over(reader)))
    return found, expected


PLANTED = {
    "clean": [],
    "gap": [("local", 3, number(9))],
    "gap at the start": [("local", 1, number(7))],
    "several gaps": [("local", 2, number(8)), ("local", 4, number(12))],
    "duplicate": [("local", 3, number(2))],
    "duplicate and gap": [("local", 5, number(1)), ("local", 4, number(1))],
    "zero": [("local", 1, number(0))],
    "zero twice": [("local", 1, number(0)), ("local", 2, number(0))],
    "malformed": [("local", 2, "0226260010003")],
    "missing": [("local", 2, None)],
    "another script's digits": [("local", 5, "022626001000\u0660\u0665")],
    "a line break": [("local", 5, number(5) + "\n")],
    "wrong city": [("local", 3, "03262600100003")],
    "wrong year": [("local", 3, "02262500100003")],
    "wrong school": [("local", 3, "02262600200009")],
    "wrong type": [("local", 3, "02262600110003")],
    "another school's number": [("local", 6, number(6))],
    "national short": [("national", 1, "G12345")],
    "national empty": [("national", 1, "")],
    "national lower-case x": [("national", 2, "G13028320200305123x")],
    "national of another": [("national", 1, "G" + make_id("2020-01-01", seq=400))],
    "national wrong check": [("national", 1, "G" + wrong_check(make_id("2020-01-01", seq=401)))],
    "J wrong check": [("national", 1, "J" + wrong_check(make_id("2020-01-01", seq=402)))],
    "J right and L": [("national", 1, "J" + make_id("2020-01-01", seq=403)),
                      ("national", 2, "L" + wrong_check(make_id("2020-01-01", seq=404)))],
    "national shared": [("national", 2, "same-as-1")],
    "national shared thrice": [("national", 2, "same-as-1"), ("national", 4, "same-as-1")],
    "everything at once": [("local", 1, number(0)), ("local", 2, number(3)),
                           ("local", 5, "99"), ("national", 3, "G1"),
                           ("national", 4, "same-as-1"), ("local", 6, number(8))],
}


def plant(sql, changes) -> None:
    for what, student_id, value in changes:
        if value == "same-as-1":
            ((value,),) = sql("SELECT national_number FROM student WHERE id = 1")
        column = "local_number" if what == "local" else "national_number"
        sql(f"UPDATE student SET {column} = ? WHERE id = ?", value, student_id)


@pytest.mark.parametrize("changes", PLANTED.values(), ids=PLANTED.keys())
def test_sql_finds_what_the_rules_find_over_every_record(six, sql, changes):
    plant(sql, changes)
    found, expected = both(six)
    assert found == expected
    for school, year in (("001", None), ("002", None), (None, 26), (None, 25)):
        assert both(six, school, year)[0] == both(six, school, year)[1]


def test_a_national_number_whose_id_number_is_wrong_too(six, sql):
    """NUM-5: G + an ID number with a wrong check character is malformed even when the
    person's ID number is the same (the record agrees with itself, not with stdnum)."""
    bad = wrong_check(make_id("2020-03-05", seq=405))
    sql("UPDATE person SET id_number = ? WHERE id = (SELECT person_id FROM student WHERE id = 3)",
        bad)
    sql("UPDATE student SET national_number = ? WHERE id = 3", "G" + bad)
    (count, problems), expected = both(six)
    assert [p.kind for p in problems] == ["national_malformed"] and (count, problems) == expected


def test_the_rules_judge_only_the_rows_worth_judging(six, xueji, as_json, monkeypatch):
    """A county holds 100k records (NUM-1, NUM-2): in a clean directory not one record is
    handed to the rules one by one — not 100k objects in memory."""
    built: list[str] = []
    plain = NumberedRecord.__init__
    monkeypatch.setattr(NumberedRecord, "__init__",
                        lambda self, *args, **kw: (built.append("one"), plain(self, *args, **kw))[1])
    result = xueji("renumber-check", "--json")
    assert as_json(result) == {"ok": True, "checked": 6, "problems": []}
    assert built == []
