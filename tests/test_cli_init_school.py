"""`xueji init` and `xueji school add/set/list`."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from contextlib import closing

import pytest

from xueji_cli.store.database import HEAD

# -- init --------------------------------------------------------------------------------

def test_init_creates_settings_and_database_at_head(tmp_path, xueji_at):
    target = tmp_path / "new" / "乡镇"
    result = xueji_at(None, "init", target, "--name", "示范镇中心校", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document == {"ok": True, "directory": str(target.resolve()), "name": "示范镇中心校",
                        "city": "02", "county": "26"}
    settings = tomllib.loads((target / "xueji.toml").read_text("utf-8"))
    assert settings["name"] == "示范镇中心校" and settings["kind"] == "township"
    assert settings["codes"] == {"city": "02", "county": "26"}
    assert settings["policy"]["underage_entry"] == "commitment"
    with closing(sqlite3.connect(target / "xueji.db")) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    assert xueji_at(target, "school", "list").exit_code == 0


def test_init_with_other_codes_and_kind(tmp_path, xueji_at):
    result = xueji_at(None, "init", tmp_path / "d", "--name", "一所学校", "--city-code", "13",
                    "--county-code", "01", "--kind", "school")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # messages go to stderr
    assert "已建立学籍目录" in result.stderr
    settings = tomllib.loads((tmp_path / "d" / "xueji.toml").read_text("utf-8"))
    assert settings["codes"] == {"city": "13", "county": "01"} and settings["kind"] == "school"


def test_init_refuses_an_existing_directory(ws_dir, xueji_at):
    before = (ws_dir / "xueji.toml").read_bytes()
    result = xueji_at(None, "init", ws_dir, "--name", "再来一次")
    assert result.exit_code == 3
    assert "已经是 xueji 目录" in result.stderr
    assert (ws_dir / "xueji.toml").read_bytes() == before


def test_init_refuses_a_folder_with_a_database(tmp_path, xueji_at):
    (tmp_path / "xueji.db").write_bytes(b"")
    result = xueji_at(None, "init", tmp_path, "--name", "x")
    assert result.exit_code == 3
    assert not (tmp_path / "xueji.toml").exists()


@pytest.mark.parametrize("args, field", [
    (("--city-code", "2"), "city"), (("--county-code", "2a"), "county"),
    (("--kind", "county"), "kind"),
])
def test_init_bad_values_are_exit_1_and_create_nothing(tmp_path, args, field, xueji_at):
    target = tmp_path / "d"
    result = xueji_at(None, "init", target, "--name", "x", *args, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["errors"][0]
    assert error["rule"] == "INPUT" and error["field"] == field
    assert not (target / "xueji.toml").exists() and not (target / "xueji.db").exists()


def test_init_with_an_empty_name_is_refused(tmp_path, xueji_at):
    result = xueji_at(None, "init", tmp_path / "d", "--name", "  ", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["field"] == "directory_name"
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_init_on_a_file_is_a_clear_exit_3(tmp_path, xueji_at, where):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", "utf-8")
    target = blocker if where == "file" else blocker / "d"
    result = xueji_at(None, "init", target, "--name", "x")
    assert result.exit_code == 3
    assert "内部错误" not in result.stderr and str(tmp_path) in result.stderr


def test_init_without_name_is_usage_error(tmp_path, xueji_at):
    assert xueji_at(None, "init", tmp_path / "d").exit_code == 2


# -- school add ------------------------------------------------------------------------

def test_school_add_and_list(ws_dir, xueji):
    result = xueji("school", "add", "--code", "001", "--name", "示范镇中心校", "--central",
                   "--service-area", "130283105", "--service-area", "130283100", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "code": "001", "name": "示范镇中心校",
                                         "type": "primary", "national_id": None,
                                         "service_areas": ["130283100", "130283105"], "warnings": []}
    result = xueji("school", "add", "--code", "002", "--name", "东村小学", "--designated-for-borrowing")
    assert result.exit_code == 0, result.stderr
    assert "尚未设置服务范围" in result.stderr
    result = xueji("school", "add", "--code", "010", "--name", "示范镇初中", "--type", "初中")
    assert result.exit_code == 0, result.stderr
    listing = json.loads(xueji("school", "list", "--json").stdout)
    assert listing["ok"] is True
    assert [(s["code"], s["type"], s["central"], s["designated_for_borrowing"], s["service_areas"],
             s["at_school"]) for s in listing["schools"]] == [
        ("001", "primary", True, False, ["130283100", "130283105"], 0),
        ("002", "primary", False, True, [], 0),
        ("010", "junior", False, False, [], 0),
    ]
    table = xueji("school", "list")
    assert table.exit_code == 0
    for text in ("代码", "服务范围", "示范镇中心校", "东村小学", "(未设置)", "初中"):
        assert text in table.stdout


def test_school_list_counts_students(township, enroll, xueji):
    assert enroll().exit_code == 0
    schools = json.loads(xueji("school", "list", "--json").stdout)["schools"]
    assert [(s["code"], s["at_school"]) for s in schools] == [("001", 1), ("002", 0)]


def test_school_add_duplicate_code(township, xueji):
    result = xueji("school", "add", "--code", "001", "--name", "另一所", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["rule"] == "ORG-2"
    assert "ORG-2" in result.stderr


def test_school_add_second_central_school(township, xueji):
    result = xueji("school", "add", "--code", "003", "--name", "又一中心校", "--central")
    assert result.exit_code == 1
    assert "ORG-1" in result.stderr


@pytest.mark.parametrize("args, field", [
    (("--code", "1234", "--name", "x"), "code"), (("--code", "abc", "--name", "x"), "code"),
    (("--code", "003", "--name", " "), "name"),
    (("--code", "003", "--name", "x", "--type", "大学"), "type"),
    (("--code", "003", "--name", "x", "--service-area", "13028"), "service_area"),
])
def test_school_add_bad_values(township, xueji, args, field):
    result = xueji("school", "add", *args, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["errors"][0]
    assert (error["rule"], error["field"]) == ("INPUT", field)
    schools = json.loads(xueji("school", "list", "--json").stdout)["schools"]
    assert [s["code"] for s in schools] == ["001", "002"]  # nothing half-written


# -- school set ------------------------------------------------------------------------

def test_school_set_service_areas(township, xueji):
    result = xueji("school", "set", "002", "--service-area", "130283107", "--remove-area",
                   "130283106", "--name", "东村完全小学", "--designated-for-borrowing", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "code": "002", "name": "东村完全小学",
                                         "service_areas": ["130283107"], "warnings": [],
                                         "closed_on": None, "national_id": None}
    school = json.loads(xueji("school", "list", "--json").stdout)["schools"][1]
    assert school["designated_for_borrowing"] is True


def test_school_set_adding_an_area_twice_keeps_one(township, xueji):
    assert xueji("school", "set", "001", "--service-area", "130283105").exit_code == 0
    school = json.loads(xueji("school", "list", "--json").stdout)["schools"][0]
    assert school["service_areas"] == ["130283105"]


def test_school_set_removing_an_unknown_area(township, xueji):
    result = xueji("school", "set", "001", "--remove-area", "130283999")
    assert result.exit_code == 1
    assert "130283999" in result.stderr


def test_school_set_unknown_school(township, xueji):
    result = xueji("school", "set", "009", "--name", "x")
    assert result.exit_code == 1
    assert "009" in result.stderr and "001" in result.stderr  # lists the known schools
