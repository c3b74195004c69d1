"""`xueji backup [FILE]` and `xueji restore FILE`: consistent, atomic, owner-only copies;
a restore that refuses anything but a sound xueji database this program can use, backs
the current database up first, and replaces it whole."""

from __future__ import annotations

import os
import shutil
import sqlite3
import zipfile
from contextlib import closing

import pytest
from alembic import command
from conftest import settle
from populate import populate

from xueji_cli.store import database as store_mod
from xueji_cli.store import sqlite as sqlite_mod
from xueji_cli.store.database import Store


@pytest.fixture
def filled(township):
    populate(township / "xueji.db", per_cohort=5)
    return township


def count(path, table="student") -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def backups(directory, kind="bak"):
    return sorted(directory.glob(f"xueji.db.{kind}-*"))


# -- backup --------------------------------------------------------------------------------

def test_backup_beside_the_database(filled, xueji, as_json):
    result = xueji("backup")
    assert result.exit_code == 0, result.stderr
    [made] = backups(filled)
    assert str(made) in result.stderr and "核验无误" in result.stderr and "20 个学籍" in result.stderr
    assert made.stat().st_mode & 0o777 == 0o600
    assert count(made) == 20
    # one self-contained file: rollback journal, nothing beside it, nothing left over
    with closing(sqlite3.connect(made)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not list(filled.glob(".*partial*"))
    assert not (filled / (made.name + "-wal")).exists()
    document = as_json(xueji("backup", "--json"))
    assert document["ok"] and document["students"] == 20 and document["revision"] == store_mod.HEAD
    assert len(backups(filled)) == 2  # two backups in the same second get distinct names


def test_backup_to_a_file_and_to_a_folder(filled, xueji, tmp_path, as_json):
    target = tmp_path / "U盘" / "九月备份.db"
    target.parent.mkdir()
    document = as_json(xueji("backup", target, "--json"))
    assert document["file"] == str(target) and count(target) == 20
    folder_copy = as_json(xueji("backup", target.parent, "--json"))
    assert folder_copy["file"].startswith(str(target.parent / "xueji.db.bak-"))


@pytest.mark.parametrize("case", ["exists", "no_folder", "itself"])
def test_backup_refusals(filled, xueji, tmp_path, case):
    target = {"exists": filled / "xueji.toml", "no_folder": tmp_path / "nowhere" / "b.db",
              "itself": filled / "xueji.db"}[case]
    before = target.read_bytes() if target.exists() else None
    result = xueji("backup", target)
    assert result.exit_code == 1
    assert "[文件]" in result.stderr and "→" in result.stderr
    assert (target.read_bytes() if target.exists() else None) == before


def test_backup_mode_is_0600_whatever_the_umask(filled, xueji):
    old = os.umask(0)
    try:
        assert xueji("backup").exit_code == 0
        assert xueji("db", "upgrade").exit_code == 0  # at head: no backup needed
    finally:
        os.umask(old)
    for made in backups(filled):
        assert made.stat().st_mode & 0o777 == 0o600


def test_backup_of_a_damaged_database_is_refused(filled, xueji):
    settle(filled)
    damage(filled / "xueji.db")
    result = xueji("backup")
    assert result.exit_code == 3
    assert "xueji restore" in result.stderr and not backups(filled)
    assert not list(filled.glob(".*partial*"))


def test_backup_into_a_folder_it_cannot_write_names_the_file(filled, xueji, monkeypatch):
    """The refusal names the backup file it could not write (it said 「None」 when the
    name was the default one)."""
    real = sqlite_mod.create_private

    def read_only_folder(path):
        if ".partial-" in path.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(sqlite_mod, "create_private", read_only_folder)
    result = xueji("backup")
    assert result.exit_code == 1 and "None" not in result.stderr
    assert f"{filled / 'xueji.db.bak-'}" in result.stderr and "没有权限" in result.stderr


def test_a_name_taken_meanwhile_by_another_process_is_not_an_error(filled, xueji, as_json,
                                                                    monkeypatch, tmp_path):
    """Two restores (or backups) started in the same second both choose
    xueji.db.bak-<second>: the one that finishes second takes the next free name instead
    of failing with FileExistsError."""
    saved = as_json(xueji("backup", tmp_path / "saved.db", "--json"))["file"]
    real = sqlite_mod._copy

    def the_other_finishes_first(source, target, *args):
        real(source, target, *args)
        name, partial, _pid = target.name.removeprefix(".").rpartition(".partial-")
        if partial and not (target.parent / f"{name}-2").exists():
            (target.parent / name).write_bytes(b"the other restore's backup")

    monkeypatch.setattr(sqlite_mod, "_copy", the_other_finishes_first)
    result = xueji("restore", saved, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["saved_as"].endswith("-2") and count(document["saved_as"]) == 20
    made = as_json(xueji("backup", "--json"))["file"]  # the same for a backup
    assert made != document["saved_as"] and count(made) == 20


def damage(path) -> None:
    """Overwrite pages in the middle of the file (a bad sector, a half-copied file)."""
    data = bytearray(path.read_bytes())
    for offset in range(8192, min(len(data), 8192 * 6), 4096):
        data[offset:offset + 2048] = os.urandom(2048)
    path.write_bytes(bytes(data))


# -- restore -------------------------------------------------------------------------------

def test_restore_replaces_the_database_after_backing_it_up(filled, xueji, enroll, as_json, sql):
    saved = as_json(xueji("backup", "--json"))["file"]
    assert enroll(name="备份后入学").exit_code == 0
    assert count(filled / "xueji.db") == 21
    result = xueji("restore", saved, "--json")
    assert result.exit_code == 0, result.stderr
    document = as_json(result)
    assert document["restored"]["students"] == 20 and not document["needs_upgrade"]
    assert count(filled / "xueji.db") == 20
    # the replaced database was backed up first, with the child enrolled after the backup
    assert count(document["saved_as"]) == 21 and os.path.basename(document["saved_as"]).startswith(
        "xueji.db.bak-")
    # the restore is in the journal of the database now in use: who, when, from which file
    [note] = sql("SELECT kind, operator, recorded_at, reason, details FROM journal "
                 "WHERE kind = 'db_restore'")
    assert note[1] and note[2] and os.path.basename(saved) in note[3]
    assert document["saved_as"] in note[4]
    assert xueji("check").exit_code == 0 and xueji("renumber-check").exit_code == 0
    assert (filled / "xueji.db").stat().st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(filled / "xueji.db")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    screen = xueji("restore", saved)
    assert screen.exit_code == 0 and "恢复前数据库保存为" in screen.stderr


def test_restore_into_a_damaged_database(filled, xueji, as_json):
    saved = as_json(xueji("backup", "--json"))["file"]
    settle(filled)
    damage(filled / "xueji.db")
    assert xueji("student", "list").exit_code == 3
    document = as_json(xueji("restore", saved, "--json"))
    assert document["replaced_was_damaged"] is True
    assert os.path.basename(document["saved_as"]).startswith("xueji.db.damaged-")
    assert count(filled / "xueji.db") == 20
    assert xueji("check").exit_code == 0 and xueji("student", "list").exit_code == 0


def test_restore_when_the_database_is_missing(filled, xueji, as_json):
    saved = as_json(xueji("backup", "--json"))["file"]
    settle(filled)
    for suffix in ("", "-wal", "-shm"):
        (filled / f"xueji.db{suffix}").unlink(missing_ok=True)
    document = as_json(xueji("restore", saved, "--json"))
    assert document["saved_as"] is None and count(filled / "xueji.db") == 20
    assert (filled / "xueji.db").stat().st_mode & 0o777 == 0o600
    assert xueji("check").exit_code == 0


def test_restore_across_page_sizes(filled, xueji, tmp_path, as_json):
    saved = as_json(xueji("backup", "--json"))["file"]
    other = tmp_path / "8k.db"
    shutil.copy(saved, other)
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("PRAGMA page_size = 8192")
        conn.execute("VACUUM")
        assert conn.execute("PRAGMA page_size").fetchone() == (8192,)
    assert xueji("restore", other).exit_code == 0
    assert count(filled / "xueji.db") == 20 and xueji("check").exit_code == 0


def test_restore_an_older_revision_then_upgrade(filled, xueji, tmp_path, as_json):
    if store_mod.REVISIONS[0] == store_mod.HEAD:
        pytest.skip("only one revision")
    saved = Store(filled).backup(tmp_path / "old.db")
    old = Store(tmp_path, f"sqlite:///{saved}")
    with old.engine(True).begin() as conn:
        command.downgrade(old._alembic_config(conn), store_mod.REVISIONS[0])
    old.engine(True).dispose()
    document = as_json(xueji("restore", saved, "--json"))
    assert document["needs_upgrade"] is True
    screen = xueji("student", "list")
    assert screen.exit_code == 3 and "xueji db upgrade" in screen.stderr
    assert xueji("db", "upgrade").exit_code == 0
    assert count(filled / "xueji.db") == 20 and xueji("check").exit_code == 0


def make_refused(kind, filled, tmp_path, saved):
    path = tmp_path / f"{kind}.db"
    if kind == "missing":
        return path
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("姓名,性别\n张三,男\n", "utf-8")
    elif kind == "xlsx":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
    elif kind == "empty_sqlite":  # a SQLite file, but not ours
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE t (x)")
    else:
        shutil.copy(saved, path)
        statement = {
            "no_version": "DROP TABLE alembic_version",
            "newer": "UPDATE alembic_version SET version_num = '9999'",
            "unguarded": "DROP TRIGGER journal_no_update",
            "no_journal": "DROP TABLE journal",
            "foreign": "UPDATE student SET local_number = '0399' || substr(local_number, 5)",
        }.get(kind)
        if statement:
            with closing(sqlite3.connect(path)) as conn, conn:
                if kind == "no_journal":
                    conn.execute("DROP TRIGGER journal_no_update")
                    conn.execute("DROP TRIGGER journal_no_delete")
                conn.execute(statement)
        if kind == "damaged":
            damage(path)
    return path


REFUSALS = {
    "missing": "不存在", "folder": "是文件夹", "text": "不是数据库文件", "xlsx": "压缩包或 Excel",
    "empty_sqlite": "没有结构版本", "no_version": "没有结构版本", "newer": "9999",
    "unguarded": "防篡改保护", "no_journal": "缺少数据表", "foreign": "另一个目录",
    "damaged": "损坏",
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_restore_refuses_what_is_not_a_sound_xueji_database(filled, xueji, tmp_path, as_json, kind):
    saved = as_json(xueji("backup", "--json"))["file"]
    before = sorted(p.name for p in filled.iterdir())
    path = make_refused(kind, filled, tmp_path, saved)
    result = xueji("restore", path, "--json")
    assert result.exit_code == 1, (kind, result.stderr)
    [error] = as_json(result)["errors"]
    assert error["field"] == "file" and REFUSALS[kind] in error["message"], error
    assert error["hint"]
    # nothing happened: no backup taken, no database replaced
    assert sorted(p.name for p in filled.iterdir()) == before
    assert count(filled / "xueji.db") == 20
    screen = xueji("restore", path)
    assert screen.exit_code == 1 and "[文件]" in screen.stderr and "Traceback" not in screen.stderr


def test_restore_refuses_the_database_itself(filled, xueji):
    result = xueji("restore", filled / "xueji.db")
    assert result.exit_code == 1 and "正在使用" in result.stderr


def test_a_server_database_is_backed_up_by_its_own_tools_not_as_a_file(filled):
    """On a server, backup is pg_dump's and restore takes only pg_dump's format
    (tests/test_postgres_backup.py): an unreachable server is exit 3, a SQLite file
    offered for restore is refused before the server is asked."""
    from xueji_cli.records.directory import backups
    from xueji_cli.values.errors import DirectoryError, InputError

    server = Store(filled, "postgresql://nowhere.invalid/xueji")
    with pytest.raises(DirectoryError, match="无法连接"):
        backups.make_backup(server)
    with pytest.raises(InputError, match="pg_dump"):
        backups.restore(server, filled / "xueji.db", "王老师", "02", "26")
