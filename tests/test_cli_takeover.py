"""xueji takeover: a township of 2 schools × 6 grades taken over as it stands, with the gaps
its sequences had on paper — kept numbers (NUM-4), re-run (nothing twice), the monthly
report (期初, never increases), renumber-check (gaps at takeover are information) and the
sequences continued by a later enrollment (NUM-1/NUM-2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import rosters
from loadkit import run_watching_sqlalchemy
from synthetic import VILLAGE_001, make_id, wrong_check

HEADERS = ["学校代码", "学籍号", "全国学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班级",
           "学生状态"]
KEPT = (1, 2, 4)  # each cohort's sequences on paper: 0003 was never given out


def pupil(school: str, grade: int, sequence: int, seq: int, **overrides) -> dict:
    """One pupil of the register: entered in the autumn of 2026 − (grade − 1)."""
    year = 2026 - (grade - 1)
    birth = dt.date(2020 - (grade - 1), 3, 5) + dt.timedelta(days=seq)
    id_number = make_id(birth, male=seq % 2 == 1, seq=seq)
    row = {"学校代码": school, "学籍号": f"0226{year % 100:02d}{school}0{sequence:04d}",
           "全国学籍号": "G" + id_number, "姓名": f"学生{seq}", "性别": "男" if seq % 2 else "女",
           "出生日期": birth.isoformat(), "身份证号": id_number, "年级": grade, "班级": 1,
           "学生状态": "在校"}
    row.update(overrides)
    return row


def register() -> list[dict]:
    rows, seq = [], 0
    for school in ("001", "002"):
        for grade in range(1, 7):
            for sequence in KEPT:
                seq += 1
                rows.append(pupil(school, grade, sequence, seq))
    return rows


@pytest.fixture
def roster(tmp_path):
    def write(rows: list[dict], name: str = "全乡在籍学生.xlsx"):
        return rosters.write(tmp_path / name, rows, headers=list(rows[0]))
    return write


def take_over(xueji, as_json, path, *options):
    result = xueji("takeover", path, "--json", *options)
    return result, as_json(result)


def test_a_township_taken_over_keeps_its_numbers_and_reruns_to_nothing(
        township, xueji, as_json, roster, sql):
    """NUM-4: each pupil keeps the number he has; a second run writes nothing (exit 0)."""
    path = roster(register())
    result, document = take_over(xueji, as_json, path)
    assert result.exit_code == 0, result.stderr
    assert document["counts"] == {"rows": 36, "takeover": 36, "already": 0, "invalid": 0}
    assert document["as_of"] == "2026-09-01"  # the first of the current month
    kept = sorted(row["学籍号"] for row in register())
    assert sorted(n for (n,) in sql("SELECT local_number FROM student")) == kept
    card = as_json(xueji("student", "show", "02262100200004", "--json"))
    assert (card["grade"], card["class"], card["entry_year"]) == (6, 1, 2021)
    assert card["history"][0]["kind"] == "takeover"
    entries = sql("SELECT kind, effective_date, details FROM journal")
    assert len(entries) == 36 and {kind for kind, _, _ in entries} == {"takeover"}
    assert {day for _, day, _ in entries} == {"2026-09-01"}
    sources = [json.loads(details) for _, _, details in entries]
    assert {source["file"] for source in sources} == {"全乡在籍学生.xlsx"}
    assert sorted(source["row"] for source in sources) == list(range(2, 38))

    again, document = take_over(xueji, as_json, path)
    assert again.exit_code == 0, again.stderr
    assert document["counts"] == {"rows": 36, "takeover": 0, "already": 36, "invalid": 0}
    assert len(sql("SELECT id FROM journal")) == 36 and len(sql("SELECT id FROM person")) == 36
    assert xueji("check").exit_code == 0


def test_the_report_counts_them_in_the_opening_balance(township, xueji, as_json, roster,
                                                       monkeypatch):
    """REP-1: the takeover's month has them in 期初, not as 新生入学; later months carry them."""
    assert xueji("takeover", roster(register()), "--as-of", "2026-09-01").exit_code == 0
    september = as_json(xueji("report", "monthly", "--month", "2026-09", "--json"))
    assert september["balanced"] is True and september["discrepancies"] == []
    rows = {(r["school"], r["grade"]): r for r in september["rows"]}
    assert rows[("001", 4)]["opening"] == rows[("001", 4)]["closing"] == 3
    assert rows[(None, None)]["opening"] == 36 and rows[(None, None)]["in"]["enrolled"] == 0
    assert sum(rows[(None, None)]["in"].values()) == 0
    assert september["changes"] == []
    monkeypatch.setenv("XUEJI_TODAY", "2026-11-02")
    october = as_json(xueji("report", "monthly", "--month", "2026-10", "--json"))
    total = {(r["school"], r["grade"]): r for r in october["rows"]}[(None, None)]
    assert total["opening"] == total["closing"] == 36 and october["balanced"] is True
    august = as_json(xueji("report", "monthly", "--month", "2026-08", "--json"))
    assert {(r["school"], r["grade"]): r for r in august["rows"]}.get((None, None), {}).get(
        "closing", 0) == 0


def test_renumber_check_tells_old_gaps_from_new_ones(township, xueji, as_json, roster, sql,
                                                     enroll):
    """NUM-2: the gaps the paper sequences had are listed once, as information (exit 0);
    a gap made afterwards is a problem (exit 1). A later enrollment continues after the
    highest number taken over."""
    assert xueji("takeover", roster(register())).exit_code == 0
    result = xueji("renumber-check", "--json")
    assert result.exit_code == 0, result.stdout
    document = as_json(result)
    assert document["ok"] is True and document["problems"] == []
    assert len(document["information"]) == 12
    assert {p["kind"] for p in document["information"]} == {"gap_at_takeover"}
    assert "02262600100003" in {p["number"] for p in document["information"]}
    screen = xueji("renumber-check")
    assert screen.exit_code == 0 and "接收原有学籍时已有的空号" in screen.stdout

    new = enroll(json=True)
    assert new.exit_code == 0, new.stderr
    assert as_json(new)["local_number"] == "02262600100005"  # after 0004, not in the gap
    (student_id,) = sql("SELECT id FROM student WHERE local_number = '02262600100005'")[0]
    sql("UPDATE student SET local_number = '02262600100009' WHERE id = ?", student_id)
    after = xueji("renumber-check", "--json")
    assert after.exit_code == 1
    found = as_json(after)
    assert [p["number"] for p in found["problems"] if p["kind"] == "gap"] == ["02262600100005–0008"]
    assert len(found["information"]) == 12


def test_every_problem_in_one_pass_and_nothing_written(township, xueji, as_json, roster, sql,
                                                       tmp_path):
    """NUM-1/NUM-2 (the number's parts agree with the row, no number twice), NUM-5, NUM-6,
    NUM-7: every problem of every row at once; one bad row and nothing is written."""
    rows = register()
    rows[0]["学籍号"] = "02262600200001"  # school 002's digits on a row of 001
    rows[1]["学籍号"] = "02262500100002"  # entry year 25 for a first-grader of 2026
    rows[3]["全国学籍号"] = "G" + make_id("2019-01-01", seq=77)  # not G + his ID number
    rows[4]["身份证号"] = wrong_check(rows[4]["身份证号"])
    rows[6]["学籍号"] = rows[5]["学籍号"]
    rows[7]["学籍号"] = "0226"
    path = roster(rows)
    errors_out = tmp_path / "问题行.xlsx"
    result, document = take_over(xueji, as_json, path, "--errors-out", errors_out)
    assert result.exit_code == 1
    assert document["outcome"] == "refused" and document["counts"]["invalid"] == 7
    by_row = {}
    for error in document["errors"]:
        by_row.setdefault(error["row"], set()).add((error["rule"], error["field"]))
    assert ("NUM-1", "local_number") in by_row[2] and ("NUM-1", "local_number") in by_row[3]
    assert ("NUM-5", "national_number") in by_row[5]
    assert ("NUM-6", "id_number") in by_row[6]
    assert ("NUM-2", "local_number") in by_row[8] and ("NUM-1", "local_number") in by_row[9]
    assert sql("SELECT count(*) FROM student") == [(0,)]
    assert errors_out.exists()
    skipped = xueji("takeover", path, "--skip-invalid", "--json")
    assert skipped.exit_code == 1 and as_json(skipped)["counts"]["takeover"] == 29
    assert sql("SELECT count(*) FROM student") == [(29,)]


def test_twice_in_the_files_names_the_first_row(township, xueji, as_json, roster):
    """NUM-2 and NUM-7 within the files: a number, an ID number, a national number (no ID
    number), a name and birth date (neither) on a later row is refused naming the first
    row that holds it — also when the row in between repeats it again."""
    rows = register()[:8]
    rows[1]["学籍号"] = rows[2]["学籍号"] = rows[0]["学籍号"]
    rows[3]["身份证号"], rows[3]["全国学籍号"] = rows[0]["身份证号"], rows[0]["全国学籍号"]
    for row in rows[4:8]:
        row["身份证号"] = ""
    rows[5]["全国学籍号"] = rows[4]["全国学籍号"]
    rows[6]["全国学籍号"] = rows[7]["全国学籍号"] = ""
    rows[7]["姓名"], rows[7]["出生日期"] = rows[6]["姓名"], rows[6]["出生日期"]
    result, document = take_over(xueji, as_json, roster(rows), "--dry-run")
    assert result.exit_code == 1
    twice = sorted((e["row"], e["rule"], e["field"], e["message"]) for e in document["errors"]
                   if e["rule"] in ("NUM-2", "NUM-7"))
    assert twice == [
        (3, "NUM-2", "local_number", "学籍号与全乡在籍学生.xlsx 第2行(学生1)相同"),
        (4, "NUM-2", "local_number", "学籍号与全乡在籍学生.xlsx 第2行(学生1)相同"),
        (5, "NUM-7", "id_number", "身份证号与全乡在籍学生.xlsx 第2行(学生1)相同"),
        (7, "NUM-7", "national_number", "全国学籍号与全乡在籍学生.xlsx 第6行(学生5)相同"),
        (9, "NUM-7", "name", "姓名、出生日期与全乡在籍学生.xlsx 第8行(学生7)相同")]


def test_entry_rules_are_not_applied_but_one_record_is(township, xueji, as_json, roster, enroll):
    """ENR-1/ENR-2/ENR-7 judged the entry years ago: a pupil under age on paper, living
    outside the service area and without evidence columns is taken over; one already
    recorded at another school comes by transfer (NUM-7, NAT-Q 二)."""
    held = make_id("2019-05-05", seq=300)
    assert enroll(school="002", id_number=held, birth="2019-05-05", grade="2",
                  hukou_region="130283106201", guardian_hukou_region="130283106201",
                  residence_region="130283106201").exit_code == 0
    rows = [pupil("001", 1, 1, 1, 出生日期="2020-12-01",
                  身份证号=make_id("2020-12-01", seq=1),
                  全国学籍号="G" + make_id("2020-12-01", seq=1), 户口所在地="130283107201"),
            pupil("001", 2, 1, 2, 身份证号=held, 全国学籍号="G" + held, 出生日期="2019-05-05",
                  性别="男")]
    result, document = take_over(xueji, as_json, roster(rows), "--dry-run")
    assert result.exit_code == 1
    assert {(e["row"], e["rule"]) for e in document["errors"]} == {(3, "NUM-7")}
    assert VILLAGE_001  # the service areas are those of the township fixture


def test_state_and_entry_month_are_kept(township, xueji, as_json, roster, sql):
    """A pupil on the register in 休学 is taken over as suspended; 入学年月 gives the entry
    year of a pupil who repeated a grade (his number's year)."""
    rows = [pupil("001", 3, 1, 1, 学生状态="休学"),
            pupil("001", 3, 2, 2, 学籍号="02262300100007", 入学年月="202309"),
            pupil("001", 3, 3, 3, 学生状态="毕业")]
    rows[1]["入学年月"] = "202309"
    rows[0]["入学年月"] = rows[2]["入学年月"] = ""
    result, document = take_over(xueji, as_json, roster(rows), "--skip-invalid")
    assert result.exit_code == 1  # the graduate is no pupil on the register
    assert {(e["row"], e["field"]) for e in document["errors"]} == {(4, "status")}
    assert sorted(sql("SELECT local_number, status, entry_year FROM student")) == [
        ("02262300100007", "active", 2023), ("02262400100001", "suspended", 2024)]


def test_missing_columns_are_one_message(township, xueji, roster):
    rows = [{k: v for k, v in pupil("001", 2, 1, 1).items() if k != "学籍号"}]
    result = xueji("takeover", roster(rows))
    assert result.exit_code == 1 and "学籍号" in result.stderr and "Traceback" not in result.stderr


def test_a_takeover_does_not_load_sqlalchemy(township, roster):
    """Like the September intake, a takeover on a SQLite directory goes through the sqlite3
    writer: loading SQLAlchemy would add a third of a 10k file's time (README, benchmarks)."""
    done, loaded = run_watching_sqlalchemy("--dir", township, "takeover", roster(register()),
                                           "--as-of", "2026-09-01")
    assert done.returncode == 0, done.stderr
    assert not loaded
