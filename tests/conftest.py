"""Shared fixtures.

Every test gets its own directory in tmp_path whose database was built through the
migrations: one template directory per session is made by the real `xueji init`
(Store.create → alembic), then xueji.toml and xueji.db are copied for each test. A test
run on both stores (pgkit.BOTH_STORES) gets, as `postgres`, a directory whose
[database] url names a server database of its own, copied from one made the same way.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pgkit
import pytest
import typer.testing
from synthetic import VILLAGE_001, make_id
from typer.testing import CliRunner

from xueji_cli.cli.app import app

TODAY = "2026-09-01"
FILES = ("xueji.toml", "xueji.db")

runner = CliRunner()

# typer.testing builds the click command from the app on every invoke (~35 ms of
# signature evaluation, half the suite's time); build it once per session. The command
# object is stateless. (A private name: if Typer renames it, tests only run slower.)
_build_command = getattr(typer.testing, "_get_command", None)
_built: dict[int, object] = {}


def _cached_command(typer_app):
    if id(typer_app) not in _built:
        _built[id(typer_app)] = _build_command(typer_app)
    return _built[id(typer_app)]


if _build_command is not None:
    typer.testing._get_command = _cached_command


def invoke(directory: Path | None, *args):
    """Run `xueji [--dir DIRECTORY] ARGS` in-process; stdout and stderr stay separate
    (result.stdout, result.stderr). A defect fails the test at once, whatever it expects:
    an exception that escaped the command (a traceback for the registrar), or one the
    command caught as an internal error (exit 1, "内部错误")."""
    argv = (["--dir", str(directory)] if directory is not None else []) + [str(a) for a in args]
    result = runner.invoke(app, argv)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"xueji {' '.join(argv)} raised {result.exception!r}\n"
                             f"stderr: {result.stderr}") from result.exception
    if "内部错误" in result.stderr or '"INTERNAL"' in result.stdout:
        raise AssertionError(f"xueji {' '.join(argv)}: internal error\n{result.stderr}")
    return result


def settle(directory: Path) -> None:
    """Fold the WAL into xueji.db so that copying the one file copies everything."""
    gc.collect()  # close pooled connections left by in-process commands
    with closing(sqlite3.connect(directory / "xueji.db")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_directory(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(source / name, target / name)
    return target


def pytest_collection_modifyitems(config, items):
    pgkit.skip_without_server(items)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "dir"
    result = invoke(None, "init", path, "--name", "测试镇中心校")
    assert result.exit_code == 0, result.stderr
    settle(path)
    return path


@pytest.fixture(scope="session")
def township_template(tmp_path_factory, template_dir) -> Path:
    path = copy_directory(template_dir, tmp_path_factory.mktemp("township") / "dir")
    for args in (("--code", "001", "--name", "测试镇中心校", "--central",
                  "--service-area", "130283105"),
                 ("--code", "002", "--name", "测试村小学", "--service-area", "130283106")):
        result = invoke(path, "school", "add", *args)
        assert result.exit_code == 0, result.stderr
    settle(path)
    return path


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory) -> str:
    """A server database at the newest schema, made by `xueji init --database`."""
    name = pgkit.new_database()
    path = tmp_path_factory.mktemp("pg-template") / "dir"
    url = pgkit.with_database(pgkit.server_url(), name)
    result = invoke(None, "init", path, "--name", "测试镇中心校", "--database", url)
    assert result.exit_code == 0, result.stderr
    yield name
    pgkit.drop_database(name)


@pytest.fixture(scope="session")
def pg_township_template(tmp_path_factory, pg_template) -> str:
    """pg_template with the township's two schools (as township_template)."""
    name = pgkit.new_database(pg_template)
    path = server_directory(tmp_path_factory.mktemp("pg-township") / "dir", name)
    for args in (("--code", "001", "--name", "测试镇中心校", "--central",
                  "--service-area", "130283105"),
                 ("--code", "002", "--name", "测试村小学", "--service-area", "130283106")):
        result = invoke(path, "school", "add", *args)
        assert result.exit_code == 0, result.stderr
    yield name
    pgkit.drop_database(name)


def server_directory(path: Path, database: str) -> Path:
    """A directory whose xueji.toml names the test server's `database`."""
    path.mkdir(parents=True, exist_ok=True)
    url = pgkit.with_database(pgkit.server_url(), database)
    from xueji_cli.store.settings import render_new

    (path / "xueji.toml").write_text(
        render_new("测试镇中心校", "township", "02", "26", database_url=url), "utf-8")
    return path


@pytest.fixture
def store_kind() -> str:
    """The store a test's directory uses: "sqlite", or "postgres" where a test module is
    run on both (pgkit.BOTH_STORES)."""
    return "sqlite"


@pytest.fixture(autouse=True)
def _environment(monkeypatch, store_kind):
    """No directory from the environment, no debug tracebacks, and a fixed today. (Every
    test names the store, so that a module can be run on both: pgkit.BOTH_STORES.)"""
    monkeypatch.delenv("XUEJI_DIR", raising=False)
    monkeypatch.delenv("XUEJI_DATABASE_URL", raising=False)
    monkeypatch.delenv("XUEJI_DEBUG", raising=False)
    monkeypatch.setenv("XUEJI_TODAY", TODAY)


@pytest.fixture
def ws_dir(tmp_path, template_dir, store_kind, request) -> Path:
    """A fresh directory (xueji.toml + xueji.db at head, no schools); on the server, its
    own database at head."""
    if store_kind == "postgres":
        return _server_ws_dir(tmp_path / "xueji-dir", "pg_template", request)
    return copy_directory(template_dir, tmp_path / "xueji-dir")


def _server_ws_dir(path: Path, template: str, request) -> Path:
    name = pgkit.new_database(request.getfixturevalue(template))
    request.addfinalizer(lambda: pgkit.drop_database(name))
    return server_directory(path, name)


@pytest.fixture
def township(ws_dir, store_kind, request) -> Path:
    """ws_dir turned into a township: 001 central (service area 130283105) and
    002 (service area 130283106)."""
    if store_kind == "postgres":
        return _server_ws_dir(ws_dir, "pg_township_template", request)
    shutil.copy(request.getfixturevalue("township_template") / "xueji.db", ws_dir / "xueji.db")
    return ws_dir


@pytest.fixture
def xueji(ws_dir):
    """xueji(*args) → Result of `xueji --dir ws_dir ARGS` (stdout and stderr separate)."""
    return lambda *args: invoke(ws_dir, *args)


@pytest.fixture
def xueji_at():
    """xueji_at(directory, *args): like `xueji`, for another directory; None runs without
    --dir (discovery by XUEJI_DIR or the current folder)."""
    return invoke


@pytest.fixture
def table_loads():
    """table_loads(*tables): a context manager giving the list of the table objects (their
    class names) the ORM loads inside it — for the commands that must read plain rows."""
    from sqlalchemy import event

    @contextlib.contextmanager
    def watch(*tables):
        loaded: list[str] = []

        def note(target, _context):
            loaded.append(type(target).__name__)

        for table in tables:
            event.listen(table, "load", note)
        try:
            yield loaded
        finally:
            for table in tables:
                event.remove(table, "load", note)

    return watch


@pytest.fixture
def sql(ws_dir, store_kind):
    """sql(statement, *params) → rows, on a raw sqlite3 connection to ws_dir's database
    (autocommit), for looking at or planting data behind the program's back; on the
    server, through psycopg to the directory's database."""

    def run(statement: str, *params):
        if store_kind == "postgres":
            from xueji_cli.store import settings

            return pgkit.run_sql(settings.load(ws_dir).database_url, statement, params)
        with closing(sqlite3.connect(ws_dir / "xueji.db", isolation_level=None)) as conn:
            return conn.execute(statement, params).fetchall()

    return run


@pytest.fixture
def set_setting(ws_dir):
    """set_setting("primary = 45", "primary = 1") edits ws_dir's xueji.toml."""

    def edit(old: str, new: str) -> None:
        path = ws_dir / "xueji.toml"
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in xueji.toml"
        path.write_text(text.replace(old, new, 1), "utf-8")

    return edit


DEFAULTS = {
    "school": "001", "name": "张小明", "grade": "1", "class": "1",
    "hukou-region": VILLAGE_001, "guardian-hukou-region": VILLAGE_001,
    "residence-region": VILLAGE_001, "evidence": ["户口簿", "房产证明"],
}


@pytest.fixture
def enroll(xueji):
    """enroll(**options) runs `xueji enroll` with a valid set of options for school 001
    of the township, overridden by keyword (`hukou_region="…"`, `class_="2"`,
    `json=True`; None leaves an option out). Birth defaults to 2020-03-05 and gender to
    男; without `id_number`, a fresh synthetic ID number is made to agree with them."""
    counter = itertools.count(1)

    def run(**options):
        args = dict(DEFAULTS)
        for key, value in options.items():
            args[key.rstrip("_").replace("_", "-")] = value
        args.setdefault("birth", "2020-03-05")
        args.setdefault("gender", "男")
        if "id-number" not in args:
            args["id-number"] = make_id(args["birth"] or "2020-03-05",
                                        male=args["gender"] != "女", seq=next(counter))
        return xueji("enroll", *as_argv(args))

    return run


def as_argv(options: dict) -> list:
    """{"school": "001", "evidence": [a, b], "json": True} → command-line options; None
    and False leave an option out, a list repeats it."""
    argv = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        if value is True:
            argv.append(f"--{key}")
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv += [f"--{key}", item]
        else:
            argv += [f"--{key}", value]
    return argv


def parse_json(result) -> dict:
    """stdout must be exactly one JSON document."""
    return json.loads(result.stdout)


@pytest.fixture
def as_json():
    return parse_json
