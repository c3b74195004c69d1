"""Finding a pupil by name: `student list --name` (a part of the name, with the other
filters), a KEY that is a name wherever a pupil is asked (`student show`, `log`, the
changes) — one pupil shown, several listed with what tells them apart (exit 1), none with
the nearest names (exit 1) — and a name stored and shown one way (李 婷婷 is 李婷婷), digits
and Latin letters in it a warning naming the field (ENR-6)."""

from __future__ import annotations

import pytest
import rosters
from synthetic import make_id

TING = make_id("2020-03-05", male=False, seq=301)
TING_TWIN = make_id("2020-04-06", male=False, seq=302)
ZHANG = make_id("2020-05-07", seq=303)


@pytest.fixture
def pupils(township, enroll):
    """李婷婷 twice (two girls, classes 1 and 2 of 001), 张三 once."""
    for id_number, birth, class_ in ((TING, "2020-03-05", "1"), (TING_TWIN, "2020-04-06", "2")):
        result = enroll(id_number=id_number, name="李婷婷", gender="女", birth=birth, class_=class_)
        assert result.exit_code == 0, result.stderr
    assert enroll(id_number=ZHANG, name="张三", birth="2020-05-07").exit_code == 0
    return township


# -- student list --name -------------------------------------------------------------------

def test_list_by_part_of_the_name_with_other_filters(pupils, xueji, as_json):
    """A part of the name finds every pupil whose name holds it; the other filters still
    apply."""
    found = as_json(xueji("student", "list", "--name", "婷", "--json"))
    assert sorted(s["class"] for s in found["students"]) == [1, 2]
    found = as_json(xueji("student", "list", "--name", "婷 婷", "--class", "2", "--json"))
    assert [s["name"] for s in found["students"]] == ["李婷婷"] and found["count"] == 1
    assert as_json(xueji("student", "list", "--name", "%", "--json"))["count"] == 0


# -- a KEY that is a name ------------------------------------------------------------------

def test_one_pupil_of_that_name_is_shown(pupils, xueji, as_json):
    shown = as_json(xueji("student", "show", "张 三", "--json"))
    assert shown["name"] == "张三" and shown["local_number"] == "02262600100003"
    assert "张三" in xueji("log", "张三").stdout


def test_several_pupils_of_that_name_are_listed_and_refused(pupils, xueji, as_json):
    """Two 李婷婷: neither is guessed; the candidates (school, grade, class, masked ID,
    local number) are listed and the command exits 1."""
    result = xueji("student", "show", "李婷婷")
    assert result.exit_code == 1
    assert "有 2 名学生叫「李婷婷」" in result.stderr
    assert "001 测试镇中心校 1年级1班" in result.stderr and "1年级2班" in result.stderr
    assert TING[:6] + "********" + TING[-4:] in result.stderr and TING not in result.stderr
    assert "02262600100001" in result.stderr and "02262600100002" in result.stderr
    error = as_json(xueji("student", "show", "李婷婷", "--json"))["errors"][0]
    assert error["field"] == "key" and len(error["candidates"]) == 2
    assert {c["local_number"] for c in error["candidates"]} == {"02262600100001", "02262600100002"}


def test_a_change_by_an_ambiguous_name_writes_nothing(pupils, xueji, sql):
    before = sql("SELECT count(*) FROM journal")
    result = xueji("class-change", "李婷婷", "--class", "3", "--date", "2026-09-02")
    assert result.exit_code == 1 and "有 2 名学生叫「李婷婷」" in result.stderr
    assert sql("SELECT count(*) FROM journal") == before


def test_no_pupil_of_that_name_gives_the_nearest(pupils, xueji, as_json):
    result = xueji("student", "show", "李婷")
    assert result.exit_code == 1
    assert "没有叫「李婷」的学生" in result.stderr and "相近的姓名:李婷婷" in result.stderr
    assert as_json(xueji("student", "show", "王小明", "--json"))["errors"][0]["field"] == "key"


def test_a_change_takes_a_name_as_its_key(pupils, xueji, as_json):
    """The changes find their pupil through records/directory/students.find: a name works
    in each of them the same way."""
    result = xueji("class-change", "张三", "--class", "2", "--date", "2026-09-02", "--json")
    assert result.exit_code == 0, result.stderr
    assert as_json(result)["record"]["class"] == 2
    assert xueji("student", "card", "张三").exit_code == 0


def test_a_mistyped_number_is_still_a_number(pupils, xueji):
    result = xueji("student", "show", "0226260010000")
    assert result.exit_code == 1 and "不是学籍号" in result.stderr


# -- one name, one form (values/fields.compact_name) ---------------------------------------

def test_a_name_with_an_inner_space_is_stored_and_shown_one_way(township, enroll, xueji, sql):
    """The heading said 李 婷婷 while 李婷婷 was stored: both are 李婷婷 now."""
    result = enroll(id_number=TING, name="李 婷婷", gender="女")
    assert result.exit_code == 0, result.stderr
    assert "已入学:李婷婷" in result.stdout and "李 婷婷" not in result.stdout
    assert sql("SELECT name FROM person") == [("李婷婷",)]
    checked = enroll(id_number=ZHANG, name="张 三", birth="2020-05-07", dry_run=True)
    assert "检查通过:张三 可以入学" in checked.stderr


def test_a_guardian_name_with_an_inner_space_is_stored_one_way(township, enroll, xueji, sql,
                                                               tmp_path):
    """ENR-6's one name, for the guardian too: 李 国强 typed, read from a roster or given
    to `student update` is 李国强 — the duplicate check (NUM-7) compares it."""
    assert enroll(id_number=TING, name="李婷婷", gender="女", guardian_name="李 国强").exit_code == 0
    assert sql("SELECT guardian_name FROM person") == [("李国强",)]
    updated = xueji("student", "update", "李婷婷", "--guardian-name", "王 秀 英")
    assert updated.exit_code == 0, updated.stderr
    assert sql("SELECT guardian_name FROM person") == [("王秀英",)]
    roster = rosters.write(tmp_path / "001.xlsx", [rosters.child(1, 监护人="赵 大 勇")])
    imported = xueji("enroll", "--from", roster, "--school", "001", "--date", "2026-09-01")
    assert imported.exit_code == 0, imported.stderr
    assert ("赵大勇",) in sql("SELECT guardian_name FROM person")


def test_digits_or_latin_letters_in_a_name_are_a_warning(township, enroll, as_json):
    """ENR-6: the household register's name, kept until graduation — 张3 is most likely a
    slip; warned, naming the field, and enrolled."""
    done = as_json(enroll(id_number=ZHANG, name="张3", birth="2020-05-07", guardian_name="Li",
                          json=True))
    assert done["ok"] is True
    named = {(w["rule"], w["field"]) for w in done["warnings"]}
    assert {("ENR-6", "name"), ("ENR-6", "guardian_name")} <= named
