"""`xueji renumber-check` (NUM-1, NUM-2, NUM-5) and `xueji check` (the projection
recomputed from the journal, CHG-3), with problems planted behind the program's back
by raw SQL; and numbering that stays consecutive when writers run at once."""

from __future__ import annotations

import json
import threading

import pytest
from loadkit import run_watching_sqlalchemy
from pgkit import BOTH_STORES
from synthetic import VILLAGE_002, make_id

from xueji_cli.records.enrollment.applicant import from_options
from xueji_cli.records.enrollment.enrolling import enroll_one
from xueji_cli.store.workspace import open_workspace
from xueji_cli.values import dates

pytestmark = BOTH_STORES  # the registrar's workflow, on SQLite and on a county's server

N1, N2, N3 = (f"0226260010000{n}" for n in (1, 2, 3))


@pytest.fixture
def three(township, enroll):
    """Three records of school 001, cohort 2026 (0001–0003), and one of 002."""
    for name in ("张一", "张二", "张三"):
        assert enroll(name=name).exit_code == 0
    result = enroll(name="李一", school="002", hukou_region=VILLAGE_002,
                    guardian_hukou_region=VILLAGE_002, residence_region=VILLAGE_002)
    assert result.exit_code == 0, result.stderr
    return township


def kinds(document):
    return [p["kind"] for p in document["problems"]]


# -- renumber-check ------------------------------------------------------------------------

def test_clean(three, xueji, as_json):
    result = xueji("renumber-check", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result) == {"ok": True, "checked": 4, "problems": []}
    screen = xueji("renumber-check")
    assert screen.exit_code == 0 and "学籍号核对无误" in screen.stderr and "4" in screen.stderr


def test_empty_directory_is_clean(ws_dir, xueji):
    assert xueji("renumber-check").exit_code == 0


def test_planted_gap(three, xueji, sql, as_json):
    sql("UPDATE student SET local_number = ? WHERE local_number = ?", "02262600100004", N3)
    result = xueji("renumber-check", "--json")
    assert result.exit_code == 1
    document = as_json(result)
    assert document["ok"] is False and kinds(document) == ["gap"]
    gap = document["problems"][0]
    assert (gap["number"], gap["school"], gap["year"]) == (N3, "001", "26")
    assert "0003" in gap["detail"] and gap["hint"]
    assert any("张二" in r for r in gap["records"]) and any("张三" in r for r in gap["records"])
    screen = xueji("renumber-check")
    assert screen.exit_code == 1
    assert "空号" in screen.stdout and N3 in screen.stdout


def test_planted_gap_at_the_start(three, xueji, sql, as_json):
    sql("UPDATE student SET local_number = ? WHERE local_number = ?", "02262600100004", N1)
    document = as_json(xueji("renumber-check", "--json"))
    assert kinds(document) == ["gap"]
    assert document["problems"][0]["number"] == N1
    assert "0001" in document["problems"][0]["detail"]


def test_planted_duplicate(three, xueji, sql, as_json):
    sql("UPDATE student SET local_number = ? WHERE local_number = ?", N2, N3)
    result = xueji("renumber-check", "--json")
    assert result.exit_code == 1
    document = as_json(result)
    assert kinds(document) == ["duplicate"]
    duplicate = document["problems"][0]
    assert duplicate["number"] == N2 and len(duplicate["records"]) == 2
    assert "重号" in xueji("renumber-check").stdout


@pytest.mark.parametrize("planted, kind", [
    ("0226260010003", "malformed"), ("03262600100003", "wrong_city"),
    ("02272600100003", "wrong_county"), ("02262500100003", "wrong_year"),
    ("02262600200003", "wrong_school"), ("02262600110003", "wrong_type"),
])
def test_planted_bad_parts(three, xueji, sql, as_json, planted, kind):
    sql("UPDATE student SET local_number = ? WHERE local_number = ?", planted, N3)
    result = xueji("renumber-check", "--json")
    assert result.exit_code == 1
    assert kinds(as_json(result)) == [kind]


def test_planted_national_mismatch(three, xueji, sql, as_json):
    other = make_id("2020-01-01", seq=400)
    sql("UPDATE student SET national_number = ? WHERE local_number = ?", "G" + other, N1)
    document = as_json(xueji("renumber-check", "--json"))
    assert kinds(document) == ["mismatch"]
    assert document["problems"][0]["number"] == N1


def test_planted_national_duplicate_and_malformed(three, xueji, sql, as_json):
    (national,) = sql("SELECT national_number FROM student WHERE local_number = ?", N1)[0]
    sql("UPDATE student SET national_number = ? WHERE local_number = ?", national, N2)
    sql("UPDATE student SET national_number = 'G12345' WHERE local_number = ?", N3)
    document = as_json(xueji("renumber-check", "--json"))
    assert sorted(kinds(document)) == ["mismatch", "national_duplicate", "national_malformed"]
    duplicate = [p for p in document["problems"] if p["kind"] == "national_duplicate"][0]
    assert national not in duplicate["number"]  # masked


def test_filters(three, xueji, sql, as_json):
    sql("UPDATE student SET local_number = ? WHERE local_number = ?", "02262600100004", N3)
    assert as_json(xueji("renumber-check", "--school", "002", "--json")) == {
        "ok": True, "checked": 1, "problems": []}
    assert xueji("renumber-check", "--school", "1").exit_code == 1
    assert as_json(xueji("renumber-check", "--year", "2025", "--json"))["checked"] == 0
    result = xueji("renumber-check", "--year", "26", "--json")
    assert result.exit_code == 1 and as_json(result)["checked"] == 4


@pytest.mark.parametrize("args, code, field", [
    (("--year", "202"), 1, "year"), (("--year", "二六"), 1, "year"),
    (("--school", "009"), 1, "school"), (("--school", "abcd"), 1, "code"),
])
def test_bad_filters(three, xueji, as_json, args, code, field):
    result = xueji("renumber-check", *args, "--json")
    assert result.exit_code == code
    assert as_json(result)["errors"][0]["field"] == field


# -- xueji check -------------------------------------------------------------------------

def test_check_clean(three, xueji, as_json):
    result = xueji("check", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result) == {"ok": True, "checked": 4, "differences": []}
    screen = xueji("check")
    assert screen.exit_code == 0 and "核对无误" in screen.stderr


def test_check_finds_a_planted_grade(three, xueji, sql, as_json):
    sql("UPDATE student SET grade = 2 WHERE local_number = ?", N2)
    result = xueji("check", "--json")
    assert result.exit_code == 1
    document = as_json(result)
    assert document["ok"] is False
    [difference] = document["differences"]
    assert (difference["local_number"], difference["field"], difference["stored"],
            difference["from_journal"]) == (N2, "grade", 2, 1)
    screen = xueji("check")
    assert screen.exit_code == 1
    assert N2 in screen.stdout and "年级" in screen.stdout and "不一致" in screen.stdout


def test_check_finds_planted_status_and_number(three, xueji, sql, as_json):
    sql("UPDATE student SET status = 'withdrawn', local_number = ? WHERE local_number = ?",
        "02262600100009", N1)
    fields = sorted(d["field"] for d in as_json(xueji("check", "--json"))["differences"])
    assert fields == ["local_number", "status"]
    screen = xueji("check")  # the status in words on screen; --json keeps the codes
    assert screen.exit_code == 1
    assert "退学" in screen.stdout and "在校" in screen.stdout and "withdrawn" not in screen.stdout


def test_check_finds_a_record_without_journal(three, xueji, sql, as_json):
    sql("INSERT INTO student (person_id, school_id, kind, local_number, entry_year, grade, "
        "class_no, status, enrolled_on, created_at) SELECT person_id, school_id, kind, "
        "'02262600100004', entry_year, grade, class_no, status, enrolled_on, created_at "
        "FROM student WHERE local_number = ?", N1)
    result = xueji("check", "--json")
    assert result.exit_code == 1
    [difference] = as_json(result)["differences"]
    assert (difference["local_number"], difference["field"]) == ("02262600100004", "*")


def test_check_reads_plain_rows_not_a_table_object_per_entry(three, xueji, table_loads):
    """CHG-3 at county scale: a million entries folded as table objects took 830 MB and
    most of a minute; `check` reads the journal and the records as plain rows (and loads
    only the people a correction changed)."""
    from xueji_cli.ledger.models import JournalEntry, Person, Student

    corrected = xueji("correct", N1, "--name", "张壹", "--evidence", "户口簿", "--reason", "户口簿更名")
    assert corrected.exit_code == 0, corrected.stderr
    with table_loads(JournalEntry, Student, Person) as loaded:
        assert xueji("check").exit_code == 0
    assert loaded == ["Person"]  # the one corrected person, to compare with the correction


def test_renumber_check_reads_plain_rows(three, xueji, as_json, table_loads):
    """NUM-1/NUM-2 at county scale: the numbers are read as plain rows, once — not a table
    object per record, twice (8 s and 323 MB for 100k records)."""
    from xueji_cli.ledger.models import Person, Student

    with table_loads(Student, Person) as loaded:
        result = xueji("renumber-check", "--json")
    assert result.exit_code == 0 and as_json(result)["checked"] == 4
    assert loaded == []


def test_renumber_check_on_sqlite_does_not_load_sqlalchemy(three, store_kind, as_json):
    """NUM-1/NUM-2 over 100k records is read through the sqlite3 reader: loading SQLAlchemy
    and the models would cost more than the check itself (README, benchmarks); the school
    named by --school is looked up the same way, refused as everywhere when unknown."""
    if store_kind == "postgres":
        pytest.skip("a server database is read through SQLAlchemy")
    done, loaded = run_watching_sqlalchemy("--dir", three, "renumber-check", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checked"] == 4 and not loaded
    done, loaded = run_watching_sqlalchemy("--dir", three, "renumber-check", "--school", "002")
    assert done.returncode == 0 and "共 1 个学籍号" in done.stderr and not loaded
    unknown, loaded = run_watching_sqlalchemy("--dir", three, "renumber-check", "--school", "009")
    assert unknown.returncode == 1 and "没有代码为 009 的学校" in unknown.stderr and not loaded


# -- numbering is race-free ----------------------------------------------------------------

def test_concurrent_writers_get_consecutive_numbers(township, ws_dir, sql, monkeypatch):
    """Several writers enrolling at once into one cohort: BEGIN IMMEDIATE serialises
    reading the last number and inserting the next one."""
    writers, each = 4, 3
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def work(w: int) -> None:
        try:
            ws = open_workspace(str(ws_dir))
            start.wait()
            for i in range(each):
                seq = 10 * w + i
                applicant = from_options(
                    school="001", name=f"并发{seq}", id_number=make_id("2020-03-05", seq=seq),
                    hukou_region="130283105201", guardian_hukou_region="130283105201",
                    residence_region="130283105201", evidence=["户口簿", "房产证明"])
                with ws.store.session(write=True) as session:
                    enroll_one(session, ws.settings, applicant, dates.today(), dates.today(),
                               "test")
        except BaseException as exc:  # noqa: BLE001 — reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    numbers = [n for (n,) in sql("SELECT local_number FROM student ORDER BY local_number")]
    assert numbers == [f"0226260010{n:04d}" for n in range(1, writers * each + 1)]
