"""`xueji enroll`: the contract example, every refusal with its rule id (exit 1), the
--json document, masking, --dry-run, and what is written."""

from __future__ import annotations

import json

import pytest
from pgkit import BOTH_STORES
from synthetic import OUTSIDE, VILLAGE_001, VILLAGE_002, full_width, id_with_x, make_id, wrong_check

pytestmark = BOTH_STORES  # the registrar's workflow, on SQLite and on a county's server

BOY = make_id("2020-03-05", seq=300)


def counts(sql):
    return tuple(sql(f"SELECT count(*) FROM {t}")[0][0] for t in ("person", "student", "journal"))


# -- the contract example ------------------------------------------------------------------

def test_contract_example(township, xueji, as_json, sql):
    result = xueji("enroll", "--school", "001", "--name", "张三", "--gender", "男",
                   "--birth", "2020-03-05", "--id-number", BOY, "--grade", "1", "--class", "1",
                   "--hukou-region", VILLAGE_001, "--guardian-hukou-region", VILLAGE_001,
                   "--residence-region", VILLAGE_001, "--evidence", "户口簿", "--evidence", "房产证明",
                   "--json")
    assert result.exit_code == 0, result.stderr
    record = as_json(result)  # stdout is exactly one JSON document
    assert record["ok"] is True
    assert record["local_number"] == "02262600100001"
    assert record["national_number"] == "G" + BOY[:6] + "********" + BOY[-4:]
    assert record["id_number"] == BOY[:6] + "********" + BOY[-4:]
    assert (record["name"], record["gender"], record["birth_date"]) == ("张三", "男", "2020-03-05")
    assert (record["school"], record["grade"], record["class"], record["entry_year"]) == (
        "001", 1, 1, 2026)
    assert (record["status"], record["kind"], record["enrolled_on"]) == ("active", "regular",
                                                                         "2026-09-01")
    assert record["warnings"] == []
    assert sql("SELECT local_number, national_number FROM student") == [
        ("02262600100001", "G" + BOY)]
    assert sql("SELECT id_number, gender, birth_date FROM person") == [(BOY, "1", "2020-03-05")]


def test_second_student_gets_the_next_number(township, enroll, as_json):
    first = as_json(enroll(json=True))
    second = as_json(enroll(json=True, name="李小红", gender="女", birth="2020-07-11"))
    assert (first["local_number"], second["local_number"]) == ("02262600100001", "02262600100002")


def test_each_school_and_year_numbers_from_0001(township, enroll, as_json):
    a = as_json(enroll(json=True))
    b = as_json(enroll(json=True, school="002", hukou_region=VILLAGE_002,
                       guardian_hukou_region=VILLAGE_002, residence_region=VILLAGE_002))
    c = as_json(enroll(json=True, grade="3", birth="2018-05-05"))  # cohort that entered 2024
    assert [r["local_number"] for r in (a, b, c)] == [
        "02262600100001", "02262600200001", "02262400100001"]
    assert c["entry_year"] == 2024


def test_show_id_reveals_the_numbers(township, enroll, as_json):
    record = as_json(enroll(json=True, id_number=BOY, show_id=True))
    assert record["id_number"] == BOY and record["national_number"] == "G" + BOY


def test_id_masked_on_screen_unless_show_id(township, enroll):
    result = enroll(id_number=BOY)
    assert result.exit_code == 0, result.stderr
    assert "02262600100001" in result.stdout
    assert BOY not in result.stdout + result.stderr
    assert BOY[:6] + "********" + BOY[-4:] in result.stdout
    other = make_id("2020-04-04", seq=301)
    result = enroll(id_number=other, birth="2020-04-04", show_id=True)
    assert other in result.stdout


def test_screen_output_is_a_table_not_json(township, enroll):
    result = enroll()
    assert result.exit_code == 0
    assert "已入学" in result.stdout and "学籍号" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


# -- what is written ---------------------------------------------------------------------

def test_journal_entry_records_the_enrollment(township, enroll, sql):
    assert enroll(date="2026/9/2", evidence=["户口本", "房产证", "接种证"],
                  underage_commitment=None).exit_code == 0
    [(kind, code, effective, to_school, evidence, sets)] = sql(
        "SELECT kind, national_code, effective_date, to_school, evidence, sets FROM journal")
    assert (kind, code, effective) == ("enroll", None, "2026-09-02")
    assert to_school == "001 测试镇中心校"
    assert json.loads(evidence) == ["户口簿", "房产证明", "接种证"]
    assert json.loads(sets) == {"school_id": 1, "kind": "regular", "local_number": "02262600100001",
                                "national_number": sql("SELECT national_number FROM student")[0][0],
                                "entry_year": 2026, "grade": 1, "class_no": 1, "status": "active"}
    assert sql("SELECT enrolled_on FROM student") == [("2026-09-02",)]


def test_vaccination_certificate_when_the_policy_requires_it(township, enroll, as_json,
                                                              set_setting):
    """ENR-2 [XX]: the vaccination certificate is checked only where the policy says so."""
    assert enroll().exit_code == 0
    set_setting("require_vaccination = false", "require_vaccination = true")
    refused = as_json(enroll(json=True))
    assert [(e["rule"], e["field"]) for e in refused["errors"]] == [("ENR-7", "evidence")]
    assert "接种证" in refused["errors"][0]["message"]
    assert enroll(evidence=["户口簿", "房产证明", "疫苗接种证"]).exit_code == 0


def test_id_number_normalised_before_storing(township, enroll, sql):
    number = id_with_x("2020-03-05")
    typed = full_width(number[:-1]) + "x"
    result = enroll(id_number=typed, birth="2020-03-05", gender="男")
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT id_number FROM person") == [(number,)]
    assert sql("SELECT national_number FROM student") == [("G" + number,)]


def test_birth_and_gender_taken_from_the_id_number(township, enroll, sql):
    girl = make_id("2020-06-30", male=False, seq=302)
    assert enroll(id_number=girl, birth=None, gender=None).exit_code == 0
    assert sql("SELECT gender, birth_date FROM person") == [("2", "2020-06-30")]


def test_id_with_unknown_region_enrolls_with_a_warning(township, enroll, as_json, sql):
    number = make_id("2020-03-05", region="139999", seq=303)
    result = enroll(id_number=number, birth=None, gender=None, json=True)
    assert result.exit_code == 0, result.stderr
    assert [(w["rule"], w["severity"]) for w in as_json(result)["warnings"]] == [
        ("NUM-6", "warning")]
    assert "139999" in sql("SELECT remark FROM journal")[0][0]  # the warning is recorded


def test_child_without_id_number_gets_the_given_l_number(township, enroll, as_json, sql):
    result = enroll(id_number=None, id_type="Z", national_number="l130283202003050012",
                    json=True)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["national_number"].startswith("L")
    assert sql("SELECT national_number FROM student") == [("L130283202003050012",)]
    assert sql("SELECT id_number, id_type FROM person") == [(None, "Z")]


def test_child_without_any_number_is_warned(township, enroll, as_json):
    result = enroll(id_number=None, id_type="Z", json=True)
    assert result.exit_code == 0, result.stderr
    assert ("NUM-5", "warning") in [(w["rule"], w["severity"]) for w in as_json(result)["warnings"]]


def test_dry_run_writes_nothing(township, enroll, as_json, sql):
    result = enroll(dry_run=True, json=True)
    assert result.exit_code == 0, result.stderr
    assert as_json(result) == {"ok": True, "dry_run": True, "entry_year": 2026, "warnings": []}
    assert counts(sql) == (0, 0, 0)
    result = enroll(dry_run=True)
    assert result.exit_code == 0 and "未写入" in result.stderr
    assert counts(sql) == (0, 0, 0)


def test_dry_run_still_refuses(township, enroll, sql):
    result = enroll(dry_run=True, evidence=[])
    assert result.exit_code == 1 and "ENR-7" in result.stderr
    assert counts(sql) == (0, 0, 0)


# -- refusals: exit 1, rule id on stderr and in --json errors[].rule -------------------------

REFUSALS = [
    pytest.param({"birth": "2020-09-01"}, "ENR-1", "birth", id="ENR-1 born 1 September"),
    pytest.param({"guardian_hukou_region": VILLAGE_002}, "ENR-2", "guardian_hukou_region",
                 id="ENR-2 guardian elsewhere"),
    pytest.param({"residence_region": VILLAGE_002}, "ENR-2", "residence_region",
                 id="ENR-2 residence elsewhere"),
    pytest.param({"hukou_region": VILLAGE_002, "guardian_hukou_region": VILLAGE_002,
                  "residence_region": VILLAGE_002}, "ENR-2", "hukou_region",
                 id="ENR-2 outside service area"),
    pytest.param({"hukou_region": None}, "ENR-2", "hukou_region", id="ENR-2 missing region"),
    pytest.param({"evidence": ["户口簿"]}, "ENR-7", "evidence", id="ENR-7 evidence"),
    pytest.param({"id_number": wrong_check(BOY), "birth": "2020-03-05"}, "NUM-6", "id_number",
                 id="NUM-6 check character"),
    pytest.param({"id_number": "130283200305123", "birth": "2020-03-05"}, "NUM-6", "id_number",
                 id="NUM-6 15-digit legacy"),
    pytest.param({"id_number": BOY, "birth": "2020-03-06"}, "NUM-6", "birth",
                 id="NUM-6 birth mismatch"),
    pytest.param({"id_number": BOY, "birth": "2020-03-05", "gender": "女"}, "NUM-6", "gender",
                 id="NUM-6 gender mismatch"),
    pytest.param({"id_number": None}, "NUM-6", "id_number", id="NUM-6 missing id"),
    pytest.param({"national_number": "G123"}, "NUM-5", "national_number", id="NUM-5 malformed"),
    pytest.param({"id_number": BOY, "birth": "2020-03-05",
                  "national_number": "G" + make_id("2020-03-05", seq=304)},
                 "NUM-5", "national_number", id="NUM-5 mismatch"),
    pytest.param({"grade": "7"}, "ORG-2", "grade", id="ORG-2 grade of another school type"),
    pytest.param({"school": "009"}, "ORG-2", "school", id="ORG-2 unknown school"),
    pytest.param({"date": "2026-12-01"}, "INPUT", "date", id="INPUT far in the future"),
    pytest.param({"gender": "未知"}, "INPUT", "gender", id="INPUT gender"),
    pytest.param({"class_": "甲"}, "INPUT", "class", id="INPUT class"),
    pytest.param({"hukou_region": "迁安"}, "INPUT", "hukou_region", id="INPUT region"),
]


@pytest.mark.parametrize("options, rule, field", REFUSALS)
def test_refusal_names_its_rule(township, enroll, as_json, sql, options, rule, field):
    screen = enroll(**options)
    assert screen.exit_code == 1
    assert rule in screen.stderr
    assert "被拒绝" in screen.stderr or "错误" in screen.stderr
    assert screen.stdout == ""
    result = enroll(**options, json=True)
    assert result.exit_code == 1
    document = as_json(result)
    assert document["ok"] is False
    assert (rule, field) in [(e["rule"], e["field"]) for e in document["errors"]]
    assert all(e["message"] for e in document["errors"])
    assert "Traceback" not in screen.stderr + result.stderr
    assert counts(sql) == (0, 0, 0)


def test_refusal_message_says_what_would_make_it_pass(township, enroll):
    result = enroll(birth="2020-09-01")
    assert "差1天" in result.stderr and "--underage-commitment" in result.stderr


def test_born_31_august_is_accepted(township, enroll, as_json):
    result = enroll(birth="2020-08-31", json=True)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["warnings"] == []


def test_every_problem_reported_at_once(township, enroll, as_json):
    result = enroll(birth="2020-09-01", evidence=[], guardian_hukou_region=VILLAGE_002, json=True)
    assert result.exit_code == 1
    assert {e["rule"] for e in as_json(result)["errors"]} == {"ENR-1", "ENR-2", "ENR-7"}


def test_under_age_with_commitment_is_accepted_and_recorded(township, enroll, as_json, sql):
    result = enroll(birth="2020-09-01", underage_commitment="承诺书第7号", json=True)
    assert result.exit_code == 0, result.stderr
    assert [(w["rule"], w["severity"]) for w in as_json(result)["warnings"]] == [
        ("ENR-1", "warning")]
    assert "承诺书:承诺书第7号" in json.loads(sql("SELECT evidence FROM journal")[0][0])


def test_under_age_refused_under_the_refuse_policy(township, enroll, set_setting, as_json):
    set_setting('underage_entry = "commitment"', 'underage_entry = "refuse"')
    result = enroll(birth="2020-09-01", underage_commitment="承诺书第7号", json=True)
    assert result.exit_code == 1
    assert [e["rule"] for e in as_json(result)["errors"]] == ["ENR-1"]


def test_second_record_for_the_same_person_is_refused(township, enroll, as_json, sql):
    assert enroll(id_number=BOY, birth="2020-03-05").exit_code == 0
    result = enroll(id_number=full_width(BOY), birth="2020-03-05", school="002",
                    hukou_region=VILLAGE_002, guardian_hukou_region=VILLAGE_002,
                    residence_region=VILLAGE_002, json=True)
    assert result.exit_code == 1
    error = as_json(result)["errors"][0]
    assert (error["rule"], error["field"]) == ("NUM-7", "id_number")
    assert "02262600100001" in error["message"]
    assert sql("SELECT count(*) FROM student") == [(1,)]


def test_second_record_without_id_found_by_name_and_birth(township, enroll, as_json):
    opts = dict(id_number=None, id_type="Z", name="赵无号", birth="2020-03-05", gender="男")
    assert enroll(**opts).exit_code == 0
    result = enroll(**opts, json=True)
    assert result.exit_code == 1
    assert [e["rule"] for e in as_json(result)["errors"]] == ["NUM-7"]


def test_unconfigured_service_area_is_a_warning(township, xueji, enroll, as_json):
    assert xueji("school", "add", "--code", "003", "--name", "西村小学").exit_code == 0
    result = enroll(school="003", json=True)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["local_number"] == "02262600300001"
    [warning] = as_json(result)["warnings"]
    assert (warning["rule"], warning["field"], warning["severity"]) == (
        "ENR-2", "school", "warning")
    screen = enroll(school="003")
    assert screen.exit_code == 0 and "ENR-2" in screen.stderr and "未设置服务范围" in screen.stderr


def test_outside_service_area_names_the_school_that_serves_it(township, enroll, as_json):
    result = enroll(hukou_region=VILLAGE_002, guardian_hukou_region=VILLAGE_002,
                    residence_region=VILLAGE_002, json=True)
    error = as_json(result)["errors"][0]
    assert "002 测试村小学" in error["hint"]
    result = enroll(hukou_region=OUTSIDE, guardian_hukou_region=OUTSIDE, residence_region=OUTSIDE,
                    json=True)
    assert "借读" in as_json(result)["errors"][0]["hint"]


def test_class_cap(township, enroll, set_setting, as_json, sql):
    set_setting("primary = 45", "primary = 1")
    assert enroll().exit_code == 0
    result = enroll(json=True)
    assert result.exit_code == 1
    assert [e["rule"] for e in as_json(result)["errors"]] == ["ENR-5"]
    assert enroll(class_="2").exit_code == 0  # another class has room
    result = enroll(cap_decision="迁教字〔2026〕12号", json=True)
    assert result.exit_code == 0, result.stderr
    assert [w["rule"] for w in as_json(result)["warnings"]] == ["ENR-5"]
    approvals = [json.loads(a) for (a,) in sql("SELECT approvals FROM journal ORDER BY id")]
    assert approvals[-1] == [{"for": "ENR-5", "decision": "迁教字〔2026〕12号"}]


def test_late_record_is_warned_enr4(township, enroll, as_json):
    result = enroll(date="2026-07-15", json=True)
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert [w["rule"] for w in document["warnings"]] == ["ENR-4"]
    assert document["enrolled_on"] == "2026-07-15" and document["entry_year"] == 2026


def test_entry_before_intake_opens_belongs_to_last_year(township, enroll, as_json):
    result = enroll(date="2026-05-31", birth="2019-03-05", json=True)
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["local_number"] == "02262500100001"


@pytest.mark.parametrize("bad", ["2026-13-01", "明天", "2026-02-30"])
def test_bad_date_is_exit_1_with_a_message(township, enroll, as_json, bad):
    result = enroll(date=bad)
    assert result.exit_code == 1
    assert "--date" in result.stderr and "2026-09-01" in result.stderr  # the accepted forms
    assert "Traceback" not in result.stderr
    error = as_json(enroll(date=bad, json=True))["errors"][0]
    assert (error["rule"], error["field"]) == ("INPUT", "date")


def test_unknown_school_code_form(township, enroll, as_json):
    result = enroll(school="12345", json=True)
    assert result.exit_code == 1
    assert as_json(result)["errors"][0]["field"] == "code"


def test_missing_required_option_is_usage_error(township, xueji):
    result = xueji("enroll", "--name", "张三")
    assert result.exit_code == 2
    assert "--school" in result.stderr


def test_left_out_gender_and_birth_with_a_wrong_id_number_say_why(township, enroll, as_json):
    """--gender and --birth may be left out when the ID number gives them; when the number
    is wrong, the refusal says so instead of a bare 「缺少性别」."""
    from synthetic import make_id, wrong_check

    result = enroll(gender=None, birth=None, id_number=wrong_check(make_id(seq=7)), json=True)
    assert result.exit_code == 1
    errors = {(e["rule"], e["field"]): e for e in as_json(result)["errors"]}
    assert "身份证号有误" in errors[("ENR-7", "gender")]["message"]
    assert "身份证号有误" in errors[("ENR-7", "birth")]["message"]
    assert ("NUM-6", "id_number") in errors


def test_a_grade_the_school_lacks_is_not_also_judged_for_school_age(township, enroll, as_json):
    result = enroll(grade="7", json=True)
    assert result.exit_code == 1
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [("ORG-2", "grade")]


# -- NUM-7 a national number does not switch off the name + birth date + guardian check -----

NO_ID = dict(id_number=None, id_type="Z", name="赵无号", birth="2020-03-05", gender="男",
             guardian_name="赵大")
AT_002 = dict(school="002", hukou_region=VILLAGE_002, guardian_hukou_region=VILLAGE_002,
              residence_region=VILLAGE_002)


@pytest.mark.parametrize("first, second", [
    (None, "J130283202003050019"),
    (None, "L130283202003050015"),
    ("J130283202003050019", "L130283202003050023"),
    ("L130283202003050015", "J130283202003050027"),
])
@pytest.mark.parametrize("where", [{}, AT_002], ids=["same school", "another school"])
def test_a_national_number_does_not_hide_the_same_child(township, enroll, as_json, sql,
                                                        first, second, where):
    """NUM-7 [NAT] 不得重复建立学籍……应利用电子学籍系统实行查重: a child without an ID number
    is the same child by name, birth date and guardian whatever J/L national number is typed."""
    assert enroll(**NO_ID, national_number=first).exit_code == 0
    result = enroll(**NO_ID, **where, national_number=second, json=True)
    assert result.exit_code == 1, result.stdout
    [error] = as_json(result)["errors"]
    assert (error["rule"], error["field"]) == ("NUM-7", "name")
    assert "姓名、出生日期和监护人相同" in error["message"] and "02262600100001" in error["message"]
    assert sql("SELECT count(*) FROM student") == [(1,)]


def test_the_same_national_number_is_named_once(township, enroll, as_json):
    """NUM-7: a record found by its national number and by name + birth date + guardian is
    one record held, reported once, by the national number."""
    assert enroll(**NO_ID, national_number="J130283202003050019").exit_code == 0
    result = enroll(**NO_ID, national_number="J130283202003050019", json=True)
    assert [(e["rule"], e["field"]) for e in as_json(result)["errors"]] == [
        ("NUM-7", "national_number")]


def test_another_guardian_with_a_national_number_is_another_child(township, enroll, as_json):
    """NUM-7 matches name + birth date + guardian: a namesake born the same day whose
    guardian differs is another child, with or without a national number."""
    assert enroll(**NO_ID, national_number="J130283202003050019").exit_code == 0
    result = enroll(**NO_ID | {"guardian_name": "钱二"}, national_number="L130283202003050023",
                    json=True)
    assert result.exit_code == 0, result.stderr


def test_the_card_of_a_child_without_an_id_number_shows_its_own_records(township, enroll,
                                                                         xueji, as_json):
    """The 学生登记表 of a child without an ID number gathers that person's records (found by
    the person, not by reading the directory's whole list) and no other child's."""
    assert enroll().exit_code == 0
    assert enroll(**NO_ID, national_number="J130283202003050019").exit_code == 0
    [card] = as_json(xueji("student", "card", "J130283202003050019", "--json"))["cards"]
    assert card["name"] == "赵无号"
    assert [h["kind"] for h in card["history"]] == ["enroll"]
