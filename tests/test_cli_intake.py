"""`xueji enroll --from`: every row meets the rules of one-student enrollment plus the
cross-row checks; all or nothing by default, --skip-invalid, --dry-run, idempotent
re-runs, the numbering order, the errors workbook, --json, usage errors."""

from __future__ import annotations

import json

import pytest
import rosters
from pgkit import BOTH_STORES
from synthetic import OUTSIDE, VILLAGE_002, make_id, wrong_check

pytestmark = BOTH_STORES  # the registrar's workflow, on SQLite and on a county's server


def counts(sql):
    return tuple(sql(f"SELECT count(*) FROM {t}")[0][0] for t in ("person", "student", "journal"))


def roster(tmp_path, rows, name="r.xlsx", **kwargs):
    return rosters.write(tmp_path / name, rows, **kwargs)


def good(n, start=1, **overrides):
    return [rosters.child(i, **overrides) for i in range(start, start + n)]


# -- the import -------------------------------------------------------------------------------

def test_valid_roster_is_enrolled_and_numbered(township, xueji, sql, tmp_path):
    path = roster(tmp_path, good(3))
    result = xueji("enroll", "--from", path, "--school", "001", "--date", "2026-09-01")
    assert result.exit_code == 0, result.stderr
    assert "已导入 3 人" in result.stderr and "已入学:3 人" in result.stdout
    assert sql("SELECT local_number FROM student ORDER BY id") == [
        ("02262600100001",), ("02262600100002",), ("02262600100003",)]
    assert counts(sql) == (3, 3, 3)
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0


def test_journal_entries_are_those_of_one_student_enrollment(township, xueji, enroll, sql,
                                                              tmp_path):
    assert enroll(id_number=make_id(seq=90)).exit_code == 0
    assert xueji("enroll", "--from", roster(tmp_path, good(1)), "--school", "001").exit_code == 0
    one, batch = sql("SELECT kind, national_code, evidence, approvals, sets, to_school, batch "
                     "FROM journal ORDER BY id")
    assert one[:2] == batch[:2] == ("enroll", None)
    assert json.loads(one[2]) == json.loads(batch[2]) == ["户口簿", "房产证明"]
    assert set(json.loads(one[4])) == set(json.loads(batch[4]))
    assert one[6] is None and batch[6].startswith("intake-")


def test_number_order_is_school_grade_class_then_file_order(township, xueji, sql, tmp_path):
    rows = [rosters.child(1, 班级=2), rosters.child(2, 班级=1), rosters.child(3, 班级=2),
            rosters.child(4, 班级=1, 学校代码="002", 户口所在地=VILLAGE_002,
                          监护人户口所在地=VILLAGE_002, 现住地=VILLAGE_002),
            rosters.child(5, 班级=1)]
    assert xueji("enroll", "--from", roster(tmp_path, rows)).exit_code == 1  # 学校 missing
    rows = [r | {"学校代码": r.get("学校代码", "001")} for r in rows]
    result = xueji("enroll", "--from", roster(tmp_path, rows))
    assert result.exit_code == 0, result.stderr
    numbered = dict(sql("SELECT p.name, s.local_number FROM student s JOIN person p "
                        "ON p.id = s.person_id"))
    assert [numbered[r["姓名"]] for r in rows] == [
        "02262600100003", "02262600100001", "02262600100004", "02262600200001", "02262600100002"]


def test_two_files_two_sheets(township, xueji, sql, tmp_path):
    from openpyxl import Workbook

    first = roster(tmp_path, good(2), name="a.xlsx")
    wb = Workbook()
    for sheet, start in (("一班", 3), ("二班", 5)):
        ws = wb.create_sheet(sheet)
        headers, values = rosters.as_lists(good(2, start=start, 班级=1 if sheet == "一班" else 2))
        ws.append(headers)
        for row in values:
            ws.append(row)
    del wb["Sheet"]
    wb.save(tmp_path / "b.xlsx")
    result = xueji("enroll", "--from", first, "--from", tmp_path / "b.xlsx", "--school", "001")
    assert result.exit_code == 0, result.stderr
    assert counts(sql) == (6, 6, 6)


# -- all or nothing -------------------------------------------------------------------------

BAD_ROWS = [
    pytest.param({"出生日期": "2020-09-01", "身份证号": make_id("2020-09-01", seq=41)}, "ENR-1",
                 "出生日期", id="ENR-1 under age"),
    pytest.param({"监护人户口所在地": VILLAGE_002}, "ENR-2", "监护人户口所在地", id="ENR-2 guardian"),
    pytest.param({"户口所在地": OUTSIDE, "监护人户口所在地": OUTSIDE, "现住地": OUTSIDE}, "ENR-2",
                 "户口所在地", id="ENR-2 service area"),
    pytest.param({"证明材料": "户口簿"}, "ENR-7", "证明材料", id="ENR-7 evidence"),
    pytest.param({"身份证号": wrong_check(make_id(seq=40))}, "NUM-6", "身份证号", id="NUM-6"),
    pytest.param({"身份证号": "130283200305123"}, "NUM-6", "身份证号", id="NUM-6 legacy"),
    pytest.param({"性别": "女"}, "NUM-6", "性别", id="NUM-6 gender"),
    pytest.param({"年级": 7}, "ORG-2", "年级", id="ORG-2 grade"),
    pytest.param({"班级": "甲"}, "INPUT", "班级", id="INPUT class"),
    pytest.param({"班级": ""}, "INPUT", "班级", id="INPUT class missing"),
    pytest.param({"民族": "火星"}, "INPUT", "民族", id="INPUT ethnicity"),
    pytest.param({"姓名": ""}, "ENR-7", "姓名", id="ENR-7 name"),
]


@pytest.mark.parametrize("bad, rule, column", BAD_ROWS)
def test_one_bad_row_refuses_the_whole_file(township, xueji, as_json, sql, tmp_path, bad, rule,
                                            column):
    rows = good(3)
    rows[1] = rows[1] | bad
    result = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001", "--json")
    assert result.exit_code == 1
    document = as_json(result)
    assert document["ok"] is False and document["outcome"] == "refused"
    assert document["counts"] == {"rows": 3, "enroll": 2, "already": 0, "invalid": 1}
    errors = document["errors"]
    assert (errors[0]["rule"], errors[0]["row"], errors[0]["column"]) == (rule, 3, column)
    assert errors[0]["file"].endswith("r.xlsx") and errors[0]["sheet"] == "花名册"
    assert counts(sql) == (0, 0, 0)
    screen = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001")
    assert screen.exit_code == 1 and rule in screen.stderr and "第3行" in screen.stderr
    assert "未导入任何学生" in screen.stderr
    assert "--skip-invalid 先导入没有问题的 2 行" in screen.stderr


def test_no_skip_invalid_offered_when_no_row_could_be_imported(township, xueji, tmp_path):
    rows = good(2)
    for row in rows:
        row["身份证号"] = wrong_check(row["身份证号"])
    screen = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001")
    assert screen.exit_code == 1 and "未导入任何学生:2 行有问题" in screen.stderr
    assert "--skip-invalid" not in screen.stderr and "没有可先导入的行" in screen.stderr
    dry = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001", "--dry-run")
    assert "将入学:" not in dry.stdout  # no empty table of children to enroll
    assert "检查完毕(未写入):将入学 0 人,已在籍 0 人,有问题 2 行" in dry.stderr


def test_every_problem_of_every_row_is_listed(township, xueji, as_json, tmp_path):
    rows = good(3)
    rows[0] |= {"出生日期": "2020-09-01", "身份证号": make_id("2020-09-01", seq=42), "证明材料": ""}
    rows[2] |= {"现住地": VILLAGE_002}
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                             "--json"))
    assert sorted((e["row"], e["rule"]) for e in document["errors"]) == [
        (2, "ENR-1"), (2, "ENR-7"), (4, "ENR-2")]


def test_a_child_of_another_schools_area_is_sent_there(township, xueji, as_json, tmp_path):
    """ENR-2 through the roster's loaded look-ups: the refusal names the school whose
    service area the household registration is in."""
    rows = good(2)
    rows[1] |= {"户口所在地": VILLAGE_002, "监护人户口所在地": VILLAGE_002, "现住地": VILLAGE_002}
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                             "--json"))
    [error] = document["errors"]
    assert error["rule"] == "ENR-2" and error["row"] == 3
    assert "002" in error["message"] + error["hint"]


def test_a_cohort_out_of_numbers_refuses_the_import(township, xueji, enroll, sql, tmp_path):
    """NUM-1 through the bulk path's numbering: the sequence of a cohort ends at 9999."""
    assert enroll().exit_code == 0
    sql("UPDATE student SET local_number = '02262600109999'")
    result = xueji("enroll", "--from", roster(tmp_path, good(1, start=5)), "--school", "001")
    assert result.exit_code == 1 and "NUM-1" in result.stderr and "9999" in result.stderr
    assert sql("SELECT count(*) FROM student") == [(1,)]


def test_skip_invalid_imports_the_valid_rows(township, xueji, sql, tmp_path):
    rows = good(4)
    rows[2] |= {"证明材料": "户口簿"}
    result = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                   "--skip-invalid", "--errors-out", tmp_path / "errors.xlsx")
    assert result.exit_code == 1  # a row was refused
    assert "已导入 3 人" in result.stderr and "有问题 1 行未导入" in result.stderr
    assert counts(sql) == (3, 3, 3)
    sheet = rosters.read_back(tmp_path / "errors.xlsx")
    assert sheet[1][:3] == ["问题", "原表行号", "序号"]
    assert len(sheet) == 3 and sheet[2][1] == 4 and "ENR-7" in sheet[2][0]
    assert xueji("renumber-check").exit_code == 0


def test_a_failure_after_the_commit_says_what_was_imported(township, xueji, sql, tmp_path,
                                                           monkeypatch):
    """--skip-invalid commits the valid rows, then writes the problem rows' workbook: if
    that fails, the registrar is told the rows are imported (running the import again would
    find them enrolled) and how to make the workbook — never 「未写入任何内容」."""
    from xueji_cli.records.enrollment import errors_workbook

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(errors_workbook, "write_errors", full_disk)
    rows = good(3)
    rows[1] |= {"证明材料": "户口簿"}
    result = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                   "--skip-invalid", "--errors-out", tmp_path / "errors.xlsx")
    assert result.exit_code == 1
    assert "已保存:已导入 2 人" in result.stderr and "未写入任何内容" not in result.stderr
    assert "磁盘空间不足" in result.stderr and "--dry-run --errors-out" in result.stderr
    assert counts(sql) == (2, 2, 2)


def test_errors_workbook_holds_every_row_ready_to_fix(township, xueji, tmp_path):
    rows = good(3)
    rows[1] |= {"身份证号": wrong_check(rows[1]["身份证号"])}
    out = tmp_path / "out" / "问题.xlsx"
    result = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                   "--errors-out", out)
    assert result.exit_code == 1 and "问题行已写入" in result.stderr
    sheet = rosters.read_back(out)
    assert "1 行有问题" in sheet[0][0]
    headers = sheet[1]
    assert headers[2:] == list(rows[0])
    body = sheet[2:]
    assert [r[1] for r in body] == [2, 3, 4]
    assert [bool(r[0]) for r in body] == [False, True, False]
    assert "NUM-6 [身份证号]" in body[1][0] and "→" in body[1][0]
    position = headers.index("身份证号")
    assert body[1][position] == rows[1]["身份证号"]  # the original value, as text
    assert (out.stat().st_mode & 0o777) == 0o600
    # corrected and sent again: 问题 and 原表行号 are ignored, the file imports
    from openpyxl import load_workbook

    wb = load_workbook(out)
    wb.active.cell(row=4, column=position + 1).value = make_id(seq=60)
    wb.save(out)
    again = xueji("enroll", "--from", out, "--school", "001")
    assert again.exit_code == 0, again.stderr


def test_no_errors_workbook_when_nothing_is_wrong(township, xueji, tmp_path):
    result = xueji("enroll", "--from", roster(tmp_path, good(1)), "--school", "001",
                   "--errors-out", tmp_path / "e.xlsx")
    assert result.exit_code == 0 and "未生成" in result.stderr
    assert not (tmp_path / "e.xlsx").exists()


def test_errors_workbook_never_replaces_a_roster_being_imported(township, xueji, as_json, sql,
                                                                tmp_path):
    rows = good(2)
    rows[1]["身份证号"] = wrong_check(rows[1]["身份证号"])
    path = roster(tmp_path, rows)
    before = path.read_bytes()
    for target in (path, tmp_path / "r"):  # the same file, named with or without .xlsx
        result = xueji("enroll", "--from", path, "--school", "001", "--errors-out", target, "--json")
        assert result.exit_code == 1
        [error] = as_json(result)["errors"]
        assert (error["rule"], error["field"]) == ("INPUT", "errors_out")
        assert "r.xlsx 就是要导入的花名册" in error["message"] and "问题行.xlsx" in error["hint"]
    assert path.read_bytes() == before and counts(sql) == (0, 0, 0)
    screen = xueji("enroll", "--from", path, "--school", "001", "--errors-out", path)
    assert screen.exit_code == 1 and "[问题表 --errors-out]" in screen.stderr


def test_errors_out_naming_a_folder_is_refused_before_anything_is_written(township, xueji,
                                                                          as_json, sql, tmp_path):
    """`--errors-out D:/材料` meant "into that folder": refused up front (with a file name
    in it to use), not written as D:/材料.xlsx beside it — and not after --skip-invalid has
    committed the valid rows."""
    rows = good(2)
    rows[1]["身份证号"] = wrong_check(rows[1]["身份证号"])
    path = roster(tmp_path, rows)
    folder = tmp_path / "材料"
    folder.mkdir()
    result = xueji("enroll", "--from", path, "--school", "001", "--skip-invalid",
                   "--errors-out", folder, "--json")
    assert result.exit_code == 1
    [error] = as_json(result)["errors"]
    assert (error["rule"], error["field"]) == ("INPUT", "errors_out")
    assert "是一个文件夹" in error["message"] and str(folder / "问题行.xlsx") in error["hint"]
    assert counts(sql) == (0, 0, 0)
    assert list(folder.iterdir()) == [] and not (tmp_path / "材料.xlsx").exists()
    screen = xueji("enroll", "--from", path, "--school", "001", "--errors-out", ".")
    assert screen.exit_code == 1 and "[问题表 --errors-out] 没有给出文件名" in screen.stderr
    assert "问题行.xlsx" in screen.stderr and counts(sql) == (0, 0, 0)


# -- cross-row checks -------------------------------------------------------------------------

def test_same_id_twice_in_the_files(township, xueji, as_json, sql, tmp_path):
    rows = good(2)
    rows.append(rows[0] | {"序号": 9})
    second = roster(tmp_path, [rows[1] | {"序号": 1}], name="b.xlsx")
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows), "--from", second,
                             "--school", "001", "--json"))
    assert [(e["rule"], e["file"][-6:], e["row"]) for e in document["errors"]] == [
        ("NUM-7", "r.xlsx", 4), ("NUM-7", "b.xlsx", 2)]
    assert "r.xlsx 第2行" in document["errors"][0]["message"]
    assert counts(sql) == (0, 0, 0)


def test_class_cap_counts_the_rows_of_the_files(township, xueji, enroll, set_setting, as_json,
                                                 tmp_path):
    set_setting("primary = 45", "primary = 3")
    assert enroll(id_number=make_id(seq=80)).exit_code == 0  # one already in class 1
    document = as_json(xueji("enroll", "--from", roster(tmp_path, good(4)), "--school", "001",
                             "--json"))
    assert [(e["rule"], e["row"]) for e in document["errors"]] == [("ENR-5", 4), ("ENR-5", 5)]
    assert "已有3人" in document["errors"][0]["message"]


def test_child_registered_elsewhere_is_refused(township, xueji, enroll, as_json, tmp_path):
    rows = good(1)
    assert enroll(id_number=rows[0]["身份证号"], school="002", hukou_region=VILLAGE_002,
                  guardian_hukou_region=VILLAGE_002, residence_region=VILLAGE_002).exit_code == 0
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                             "--json"))
    assert [e["rule"] for e in document["errors"]] == ["NUM-7"]
    assert "002" in document["errors"][0]["message"]


# -- re-running a file ------------------------------------------------------------------------

def test_rerun_enrolls_nobody_twice(township, xueji, as_json, sql, tmp_path):
    path = roster(tmp_path, good(3))
    assert xueji("enroll", "--from", path, "--school", "001").exit_code == 0
    again = xueji("enroll", "--from", path, "--school", "001", "--json")
    assert again.exit_code == 0
    document = as_json(again)
    assert document["counts"] == {"rows": 3, "enroll": 0, "already": 3, "invalid": 0}
    assert [s["local_number"] for s in document["already"]] == [
        "02262600100001", "02262600100002", "02262600100003"]
    assert counts(sql) == (3, 3, 3)
    screen = xueji("enroll", "--from", path, "--school", "001")
    assert "已在籍,不重复登记:3 人" in screen.stdout
    assert "没有需要新登记的学生;已在籍 3 人" in screen.stderr


def test_rerun_with_a_namesake_without_id_number(township, xueji, as_json, tmp_path):
    """A child found both by ID number and by the name of a namesake without one (a record
    met by two of the look-ups) is still one record already held, not two."""
    first = rosters.child(1, 身份证件类型="居民身份证")
    namesake = rosters.child(2, 姓名=first["姓名"], 出生日期="2020-04-06", 身份证号="",
                             身份证件类型="其他")
    path = roster(tmp_path, [first, namesake])
    assert xueji("enroll", "--from", path, "--school", "001").exit_code == 0
    again = xueji("enroll", "--from", path, "--school", "001", "--json")
    assert again.exit_code == 0, again.stdout
    assert as_json(again)["counts"] == {"rows": 2, "enroll": 0, "already": 2, "invalid": 0}


def test_rerun_with_new_rows_adds_them_after(township, xueji, sql, tmp_path):
    assert xueji("enroll", "--from", roster(tmp_path, good(2)), "--school", "001").exit_code == 0
    result = xueji("enroll", "--from", roster(tmp_path, good(3), name="more.xlsx"), "--school", "001")
    assert result.exit_code == 0 and "已导入 1 人" in result.stderr and "已在籍 2 人" in result.stderr
    assert sql("SELECT max(local_number) FROM student") == [("02262600100003",)]


def test_rerun_with_a_changed_row_is_a_clash(township, xueji, as_json, tmp_path):
    rows = good(2)
    assert xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001").exit_code == 0
    rows[1] |= {"班级": 2}
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows, name="b.xlsx"),
                             "--school", "001", "--json"))
    assert document["counts"]["already"] == 1
    [error] = document["errors"]
    assert error["rule"] == "NUM-7" and "班级:本行 2,已登记 1" in error["message"]


# -- dry run, json, options -------------------------------------------------------------------

def test_dry_run_shows_what_would_be_numbered(township, xueji, as_json, sql, tmp_path):
    path = roster(tmp_path, good(2))
    result = xueji("enroll", "--from", path, "--school", "001", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "将入学:2 人" in result.stdout and "02262600100002" in result.stdout
    assert "未写入" in result.stderr
    document = as_json(xueji("enroll", "--from", path, "--school", "001", "--dry-run", "--json"))
    assert document["dry_run"] is True and document["batch"] is None
    assert [s["local_number"] for s in document["students"]] == ["02262600100001",
                                                                 "02262600100002"]
    assert document["students"][0]["id_number"].count("*") == 8
    assert counts(sql) == (0, 0, 0)


def test_dry_run_with_problems_exits_1(township, xueji, tmp_path):
    rows = good(2)
    rows[0] |= {"证明材料": ""}
    result = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001", "--dry-run",
                   "--errors-out", tmp_path / "e.xlsx")
    assert result.exit_code == 1 and "ENR-7" in result.stderr
    assert (tmp_path / "e.xlsx").exists()


def test_ids_masked_unless_show_id(township, xueji, tmp_path):
    rows = good(1)
    path = roster(tmp_path, rows)
    hidden = xueji("enroll", "--from", path, "--school", "001", "--dry-run")
    assert rows[0]["身份证号"] not in hidden.stdout + hidden.stderr
    shown = xueji("enroll", "--from", path, "--school", "001", "--dry-run", "--show-id")
    assert rows[0]["身份证号"] in shown.stdout


def test_school_column_and_school_option_must_agree(township, xueji, as_json, tmp_path):
    rows = good(2, 学校代码="001")
    rows[1] |= {"学校代码": "002"}
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                             "--json"))
    assert [(e["rule"], e["column"]) for e in document["errors"]] == [("INPUT", "学校代码")]


def test_unknown_school_option_is_one_message(township, xueji, tmp_path):
    result = xueji("enroll", "--from", roster(tmp_path, good(2)), "--school", "009")
    assert result.exit_code == 1 and result.stderr.count("009") == 1


def test_school_by_name_in_the_file(township, xueji, sql, tmp_path):
    rows = good(1, 学校名称="测试镇中心校")
    assert xueji("enroll", "--from", roster(tmp_path, rows)).exit_code == 0
    assert sql("SELECT local_number FROM student") == [("02262600100001",)]


@pytest.mark.parametrize("args, words", [
    (["--from", "x.xlsx", "--name", "张三"], "不能同时给出"),
    (["--name", "张三"], "缺少 --school"),
    ([], "缺少 --school 和 --name"),
    (["--school", "001", "--name", "张三", "--skip-invalid"], "只用于 --from"),
])
def test_usage_errors_exit_2(township, xueji, args, words):
    result = xueji("enroll", *args)
    assert result.exit_code == 2 and words in result.stderr


def test_bad_date_is_exit_1(township, xueji, tmp_path):
    result = xueji("enroll", "--from", roster(tmp_path, good(1)), "--school", "001",
                   "--date", "2026-13-01")
    assert result.exit_code == 1 and "不是真实存在的日期" in result.stderr


def test_under_age_with_commitment_column(township, xueji, sql, tmp_path):
    rows = good(1, 出生日期="2020-09-01") + good(1, start=2)
    rows[0] |= {"身份证号": make_id("2020-09-01", seq=70), "不足龄承诺书": "承诺书2026-007"}
    result = xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001")
    assert result.exit_code == 0, result.stderr
    assert "ENR-1(提醒)" in result.stderr
    assert ("承诺书:承诺书2026-007" in json.loads(sql("SELECT evidence FROM journal")[0][0]))


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import sys

    from xueji_cli.cli import intake as cli_intake

    with cli_intake.progress_bar(True) as tick:
        assert tick is None  # the test runner's stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with cli_intake.progress_bar(False) as tick:
        assert tick is None  # --no-progress, --json
    with cli_intake.progress_bar(True) as tick:
        tick("检查", 10, 200)  # a small roster: no bar
        tick("检查", 100, 5000)
        assert callable(tick)


def test_a_finding_shared_by_many_rows_is_said_once_with_its_rows(township, xueji, tmp_path):
    """A roster recorded late warns ENR-4 on every row: one block naming the rows, not one
    block a row; a finding of one row alone still stands under that row."""
    rows = good(12)
    rows[4]["证明材料"] = "户口簿、房产证明、接种证"  # still valid, nothing of its own
    path = roster(tmp_path, rows)
    result = xueji("enroll", "--from", path, "--school", "001", "--date", "2026-07-15")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("ENR-4") == 1
    assert "共 12 行(第2–13行)" in result.stderr
    assert "第2行" not in result.stderr.replace("第2–13行", "")


def test_row_ranges_are_compressed():
    from xueji_cli.cli.intake import _row_ranges

    assert _row_ranges([2, 3, 4, 7, 9, 10]) == "第2–4、7、9–10行"
    assert _row_ranges(list(range(2, 40, 2))) == "第2、4、6、8、10、12、14、16行等 19 段"


def test_same_child_without_id_number_twice_in_the_files(township, xueji, as_json, sql,
                                                        tmp_path):
    """NUM-7 across rows for children without an ID number: the same name, birth date and
    guardian twice is the same child; the message names the row that came first."""
    child = rosters.child(1, 身份证号="", 身份证件类型="其他", 出生日期="2020-04-06",
                          全国学籍号="L130283202004060011")
    rows = [child, child | {"序号": 2, "全国学籍号": "L130283202004060029"}]
    document = as_json(xueji("enroll", "--from", roster(tmp_path, rows), "--school", "001",
                             "--json"))
    num7 = [e for e in document["errors"] if e["rule"] == "NUM-7"]
    assert [(e["row"], e["field"]) for e in num7] == [(3, "name")]
    assert "姓名、出生日期与r.xlsx 第2行" in num7[0]["message"]
    assert counts(sql) == (0, 0, 0)


NATIONAL_NUMBERS = [("J130283202003050019", "L130283202003050015"),
                    (None, "J130283202003050019"),
                    ("L130283202003050015", "L130283202003050023")]
NO_ID_CHILD = dict(姓名="赵无号", 身份证号="", 身份证件类型="其他", 出生日期="2020-03-05")


def _enroll_without_id(enroll, national_number, **where):
    assert enroll(id_number=None, id_type="Z", name="赵无号", birth="2020-03-05",
                  guardian_name="家长一", national_number=national_number, **where).exit_code == 0


@pytest.mark.parametrize("held, given", NATIONAL_NUMBERS)
@pytest.mark.parametrize("where, row", [
    ({"school": "002", "hukou_region": VILLAGE_002, "guardian_hukou_region": VILLAGE_002,
      "residence_region": VILLAGE_002}, {}),
    ({}, {"班级": 2}),
], ids=["held at another school", "held in another class"])
def test_a_national_number_does_not_hide_a_child_already_enrolled(
        township, xueji, enroll, as_json, sql, tmp_path, held, given, where, row):
    """NUM-7 [NAT] 不得重复建立学籍……实行查重, in the September intake too: a row without an ID
    number is the child already enrolled with the same name, birth date and guardian,
    whatever J/L national number the row gives."""
    _enroll_without_id(enroll, held, **where)
    child = rosters.child(1, **NO_ID_CHILD, 全国学籍号=given) | row
    document = as_json(xueji("enroll", "--from", roster(tmp_path, [child, rosters.child(2)]),
                             "--school", "001", "--json"))
    assert [(e["rule"], e["row"], e["field"]) for e in document["errors"]] == [
        ("NUM-7", 2, "name")]
    assert "0226260" in document["errors"][0]["message"]
    assert counts(sql) == (1, 1, 1)


@pytest.mark.parametrize("held, given", NATIONAL_NUMBERS)
def test_the_same_child_with_a_national_number_is_not_enrolled_again(
        township, xueji, enroll, as_json, sql, tmp_path, held, given):
    """NUM-7: the roster's row of a child on record at that school with the same data is
    the child already enrolled (a re-run), whatever J/L national number the row gives."""
    _enroll_without_id(enroll, held)
    child = rosters.child(1, **NO_ID_CHILD, 全国学籍号=given)
    document = as_json(xueji("enroll", "--from", roster(tmp_path, [child]), "--school", "001",
                             "--json"))
    assert [r["local_number"] for r in document["already"]] == ["02262600100001"]
    assert counts(sql) == (1, 1, 1)
