"""Backups of a county's server database by PostgreSQL's own tools: pg_dump's custom
format, and pg_restore into an empty database. Found among the server's binaries
(/usr/lib/postgresql/*/bin, the newest first: pg_dump refuses a server newer than
itself) or on PATH; where they are not, the caller says what to run instead
(postgres.BACKUP_HINT).

A dump is taken inside an exported snapshot of the server, so that what the registrar is
told it holds (schools, records, entries) is what it holds, while others go on writing."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from xueji_cli.store import sqlite
from xueji_cli.values.errors import DirectoryError

MAGIC = b"PGDMP"  # the first bytes of pg_dump's custom format


@dataclass
class Contents:
    """What a server database holds, as a backup describes it."""

    revision: str | None
    schools: int
    students: int
    entries: int
    last_recorded: object


def tool(name: str) -> str | None:
    """The path of pg_dump or pg_restore on this machine, or None."""
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                     key=lambda folder: _version(folder.parent.name), reverse=True)
    for folder in folders:
        if os.access(folder / name, os.X_OK):
            return str(folder / name)
    return shutil.which(name)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)) or (0,)


def is_dump(path: Path) -> bool:
    return sqlite.starts_with(path, MAGIC)


def dump(url: str, names: Iterable[Path]) -> tuple[Path, Contents]:
    """pg_dump --format=custom of the database `url` into the first free of `names`
    (never replacing a file; owner-only); returns the file and what it holds."""
    import psycopg

    program = _required("pg_dump")
    names = iter(names)
    first = next(names)  # the rest are tried only when it is taken: the list may be endless
    staged = first.with_name(f".{first.name}.partial-{os.getpid()}")
    with psycopg.connect(url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        contents = read_contents(conn)
        try:
            run(program, "--format=custom", f"--snapshot={snapshot}", f"--file={staged}",
                f"--dbname={url}")
            os.chmod(staged, 0o600)  # the register's personal data
            return sqlite.publish(staged, itertools.chain([first], names)), contents
        finally:
            staged.unlink(missing_ok=True)


def contents_of(url: str) -> Contents:
    import psycopg

    with psycopg.connect(url) as conn:
        return read_contents(conn)


def check_dump(path: Path) -> None:
    """pg_restore reads the whole table of contents of the dump (a cut-off or foreign file
    fails); without pg_restore on the machine the dump is taken as pg_dump finished it."""
    program = tool("pg_restore")
    if program is not None:
        run(program, "--list", str(path))


def read_contents(conn) -> Contents:
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    count = lambda table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    (last,) = conn.execute("SELECT max(recorded_at) FROM journal").fetchone()
    return Contents(revision[0] if revision else None, count("school"), count("student"),
                    count("journal"), last)


def restore(url: str, source: Path) -> None:
    """pg_restore of the dump `source` into the database `url`, in one transaction: the
    tables it holds (empty: the caller made sure) are replaced by the dump's, or nothing
    changes."""
    run(_required("pg_restore"), "--single-transaction", "--exit-on-error", "--clean",
        "--if-exists", "--no-owner", "--no-privileges", f"--dbname={url}", str(source))


def _required(name: str) -> str:
    from xueji_cli.store.postgres import BACKUP_HINT

    program = tool(name)
    if program is None:
        raise DirectoryError(f"本机没有 PostgreSQL 的 {name},xueji 无法备份或恢复服务器数据库",
                             "安装 PostgreSQL 客户端(如 apt install postgresql-client),"
                             f"或{BACKUP_HINT}")
    return program


def run(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore; a failure is exit 3 with the tool's own last words
    (its password, if the URL held one, taken out)."""
    result = subprocess.run([program, *arguments], capture_output=True, text=True,
                            env={**os.environ, "LC_ALL": "C"})
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        said = _without_password(lines[-1] if lines else f"exit {result.returncode}", arguments)
        raise DirectoryError(f"{Path(program).name} 未能完成:{said}",
                             "检查服务器与本机 PostgreSQL 工具的版本(工具不能比服务器旧)和磁盘空间")


def _without_password(text: str, arguments: tuple[str, ...]) -> str:
    for argument in arguments:
        url = argument.partition("=")[2]
        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        if password:
            text = text.replace(password, "***")
    return text


def database_name(url: str) -> str:
    """The server database's own name, for naming its backups."""
    parts = urlsplit(url)
    name = parts.path.strip("/") or "xueji"
    return re.sub(r"[^\w.-]", "_", name)


def without_driver(url: str) -> str:
    """postgresql+psycopg://… as libpq's tools take it: postgresql://…"""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.partition("+")[0]))
