"""The database a directory uses is the one place decides (store/database.Store): the
folder's xueji.db, or the SQLite file [database] url names — for every command alike, so
that data is never split between two files (children imported into one and looked for in
the other, a backup of the wrong database reported as made). Settings that no database
can work with are the directory's to correct (exit 3, naming the setting), never an
internal error."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import rosters

FOLDER_FILES = ("xueji.db", "xueji.db-wal", "xueji.db-shm")


@pytest.fixture
def elsewhere(township, tmp_path, set_setting) -> Path:
    """The township's database moved to another folder and named in [database] url."""
    target = tmp_path / "数据盘" / "学籍.db"
    target.parent.mkdir()
    (township / "xueji.db").rename(target)
    set_setting('url = ""', f'url = "sqlite:///{target}"')
    return target


def students(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM student").fetchone()[0]


def test_every_command_uses_the_configured_file(township, elsewhere, xueji, as_json, tmp_path,
                                               monkeypatch):
    opened = []
    real = sqlite3.connect

    def noting(database, *args, **kwargs):
        opened.append(unquote(str(database)))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", noting)
    roster = rosters.write(tmp_path / "新生.xlsx", [rosters.child(i) for i in range(1, 4)])
    steps = [("school", "list"), ("enroll", "--from", roster, "--school", "001"),
             ("student", "list"), ("log",), ("check",), ("renumber-check",),
             ("report", "monthly", "--month", "2026-09"), ("db", "status"), ("db", "upgrade")]
    for args in steps:
        result = xueji(*args)
        assert result.exit_code == 0, (args, result.stderr)
    assert len(as_json(xueji("student", "list", "--json"))["students"]) == 3  # imported: seen
    made = as_json(xueji("backup", "--json"))
    assert Path(made["file"]).parent == elsewhere.parent and made["students"] == 3
    assert Path(made["file"]).name.startswith("学籍.db.bak-")  # beside the database it copies
    assert xueji("enroll", "--school", "001", "--name", "恢复前", "--gender", "男",
                 "--birth", "2020-03-05", "--id-number", rosters.child(9)["身份证号"],
                 "--grade", "1", "--class", "1", "--hukou-region", "130283105201",
                 "--guardian-hukou-region", "130283105201", "--residence-region",
                 "130283105201", "--evidence", "户口簿", "--evidence", "房产证明").exit_code == 0
    restored = as_json(xueji("restore", made["file"], "--json"))
    assert restored["restored"]["students"] == 3 and students(elsewhere) == 3
    assert Path(restored["saved_as"]).parent == elsewhere.parent
    assert students(Path(restored["saved_as"])) == 4
    for name in FOLDER_FILES:  # nothing was ever opened or created in the folder
        assert not (township / name).exists(), name
    assert opened and not [path for path in opened if str(township / "xueji.db") in path]
    assert any(str(elsewhere) in path for path in opened)


def test_a_relative_database_url_is_the_directorys(township, set_setting, xueji_at, tmp_path,
                                                   monkeypatch):
    """sqlite:///name is a file of the directory, wherever the command is run from."""
    (township / "数据").mkdir()
    (township / "xueji.db").rename(township / "数据" / "学籍.db")
    set_setting('url = ""', 'url = "sqlite:///数据/学籍.db"')
    monkeypatch.chdir(tmp_path)
    result = xueji_at(township, "school", "list")
    assert result.exit_code == 0 and "测试村小学" in result.stdout, result.stderr
    monkeypatch.chdir(township / "数据")
    assert xueji_at(None, "check").exit_code == 0  # found by walking up, the same file


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro"])
def test_a_database_url_naming_no_file_is_refused(township, set_setting, xueji, url):
    set_setting('url = ""', f'url = "{url}"')
    result = xueji("school", "list")
    assert result.exit_code == 3 and "[database] 的 url" in result.stderr


def test_a_server_database_without_its_driver_names_the_setting(township, set_setting, xueji,
                                                                monkeypatch):
    """postgresql:// without its driver installed: exit 3 naming [database] url (it was an
    internal error, ModuleNotFoundError); the URL's password is not shown."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg fails
    set_setting('url = ""', 'url = "postgresql://registrar:s3cret@db.local/xueji"')
    for args in (("school", "list"), ("db", "status")):
        result = xueji(*args)
        assert result.exit_code == 3, result.stderr
        assert "[database] 的 url" in result.stderr and "驱动" in result.stderr
        assert "s3cret" not in result.stderr + result.stdout


def test_a_server_out_of_reach_names_the_setting(township, set_setting, xueji, tmp_path):
    """A server that does not answer (here: no socket in the folder named) is the
    directory's setting to check (exit 3), not an internal error; no password shown."""
    url = f"postgresql://registrar:s3cret@/xueji?host={tmp_path / 'no-server'}"
    set_setting('url = ""', f'url = "{url}"')
    for args in (("school", "list"), ("db", "status"), ("check",)):
        result = xueji(*args)
        assert result.exit_code == 3, result.stderr
        assert "[database] 的 url" in result.stderr and "无法连接" in result.stderr
        assert "s3cret" not in result.stderr + result.stdout


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-1", "3601", '"十五"', "true"])
def test_an_unusable_busy_timeout_names_the_setting(township, set_setting, xueji, value):
    """busy_timeout_seconds = 1e308 was an internal error (OverflowError): any value that
    is not a number of seconds from 0 to an hour is the setting to correct (exit 3)."""
    set_setting("busy_timeout_seconds = 15", f"busy_timeout_seconds = {value}")
    result = xueji("school", "list")
    assert result.exit_code == 3 and "busy_timeout_seconds" in result.stderr
