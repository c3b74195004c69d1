"""A township's SQLite database moved into the county's server (`xueji db copy --to URL`):
every row of every table, with its id, in one transaction of the server — all or nothing.

The journal keeps its ids and so its recording order (CHG-3: a record is the fold of its
entries in that order). Rows are written with the server's COPY; the append-only guards
are UPDATE and DELETE triggers, which COPY never fires, so nothing is switched off. The
target must be empty: a database holding rows would mix two registers under the same
ids. Only the standard library's sqlite3 and the server's driver are used here: the
rows are copied as the store holds them, no table object is made."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from xueji_cli.store.database import HEAD, Store, count_commit, revision_problem
from xueji_cli.values.errors import InputError

TO = "target_database"  # the field of a refusal: 目标数据库 --to
# the tables as the registrar knows them (a table not named here is shown by its name)
TABLE_NAMES = {"school": "学校", "service_area": "服务范围", "region": "行政区划",
               "person": "人员(学生及家庭成员)", "student": "学籍", "journal": "学籍变动记录",
               "transfer_case": "转学案件", "report_submission": "月报报送记录"}
UNCOPIED = ("alembic_version",)  # the target's own, written by its migrations


def label(table: str) -> str:
    return TABLE_NAMES.get(table, table)


def _shown_order(table: str) -> int:
    return list(TABLE_NAMES).index(table) if table in TABLE_NAMES else len(TABLE_NAMES)


def copy_directory(directory: Path, source: Store, url: str, switch: bool) -> dict[str, int]:
    """The directory's SQLite database copied into the server database `url`; with
    `switch`, the directory's xueji.toml then names the server ([database] url), so that
    every later command works there. Returns the rows copied per table."""
    from xueji_cli.store import postgres, settings

    if not postgres.is_server_url(url):
        raise InputError(TO, "--to 应为 PostgreSQL 服务器数据库的地址",
                         "如 postgresql://用户名@主机/库名,或 postgresql://用户名@/库名?host=/套接字目录")
    postgres.refuse_password(url)
    if not source.is_sqlite:
        raise InputError(TO, "本目录已在使用服务器数据库,没有要复制的 xueji.db",
                         "在仍使用 xueji.db 的乡镇目录中运行(并检查环境变量 XUEJI_DATABASE_URL)")
    target = Store(directory, url, source.timeout, named_by=" --to ")
    try:
        counts = copy(source, target)
    finally:
        target.dispose()
    if switch:
        settings.point_at(directory, url)
    return counts


def prepare_target(target: Store) -> None:
    """An empty server database gets the schema through the migrations first; one at
    another revision, or holding tables that are not xueji's, is refused."""
    current = target.current_revision()
    if current is None:
        with target.errors(), target.engine(False).connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").scalar()
        if tables:
            raise InputError(TO, "--to 指定的数据库中已有别的数据表,不是 xueji 数据库",
                             "换一个新建的空数据库(CREATE DATABASE 库名)")
        target.migrate()
    elif current != HEAD:
        problem = revision_problem(target.name, current)
        raise InputError(TO, f"--to 指定的数据库:{problem.message}",
                         "换一个新建的空数据库,或先让两边都升级到本程序的结构版本")


def copy(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of `source` (SQLite, at the newest schema) into `target` (a server
    database at the same schema, empty); returns the rows copied per table."""
    source.check_schema()
    prepare_target(target)
    reader = source.connect(write=False)
    try:
        reader.execute("BEGIN")  # one snapshot of the township, however long the copy
        tables = tables_in_order(reader)
        with target.errors(), target.engine(True).begin() as conn:
            raw = conn.connection.driver_connection
            server_tables = _server_columns(raw)
            _check_same_tables(reader, tables, server_tables)
            _lock(raw, tables)
            _refuse_held_rows(raw, tables)
            counts = {table: _copy_table(reader, raw, table, server_tables[table])
                      for table in tables}
            counts = {table: counts[table] for table in sorted(counts, key=_shown_order)}
            _move_sequences(raw, [table for table in tables if "id" in server_tables[table]])
        count_commit()
        return counts
    finally:
        reader.close()


def tables_in_order(reader) -> list[str]:
    """The township's tables, each after the tables its foreign keys name (a school before
    its students, a student before its entries)."""
    names = [name for (name,) in reader.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name") if name not in UNCOPIED]
    needs = {name: {row[2] for row in reader.execute(f"PRAGMA foreign_key_list({name})")} - {name}
             for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and needs[name] <= set(ordered)]
        if not ready:  # a circle of foreign keys: not the schema of this program
            raise InputError(TO, "数据库的表之间有循环引用,无法复制", "先运行 xueji check 检查本目录的数据库")
        ordered += ready
    return ordered


def _server_columns(raw) -> dict[str, list[str]]:
    rows = raw.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        if table not in UNCOPIED:
            columns.setdefault(table, []).append(column)
    return columns


def _check_same_tables(reader, tables: list[str], server_tables: dict[str, list[str]]) -> None:
    """Both are at the same revision, so their tables agree; a difference means one of
    them was changed by hand, and nothing is copied."""
    for table in sorted(set(tables) | set(server_tables)):
        ours = {row[1] for row in reader.execute(f"PRAGMA table_info({table})")}
        if table not in tables or table not in server_tables or ours != set(server_tables[table]):
            raise InputError(TO, f"两边数据库的表「{label(table)}」结构不同,无法复制",
                             "两边的数据库都应由本程序建立并升级到同一结构版本;先运行 xueji check")


def _lock(raw, tables: list[str]) -> None:
    """No one writes into the target while it is checked and filled (readers may read)."""
    from psycopg import sql

    raw.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(
        sql.SQL(", ").join(sql.Identifier(table) for table in tables)))


def held_by(store: Store) -> dict[str, int]:
    """The tables of the server database `store` that hold rows (its own alembic_version
    aside), and how many: a copy or a restore goes only into an empty one."""
    with store.errors(), store.engine(False).connect() as conn:
        raw = conn.connection.driver_connection
        tables = [name for (name,) in raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "ORDER BY tablename") if name not in UNCOPIED]
        return held_rows(raw, tables)


def held_rows(raw, tables: list[str]) -> dict[str, int]:
    """The tables of the server database that hold rows, and how many."""
    from psycopg import sql

    held = {}
    for table in tables:
        (count,) = raw.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(table))).fetchone()
        if count:
            held[table] = count
    return held


def holdings(held: dict[str, int]) -> str:
    """What a server database holds, in the registrar's words: 学校 2 行、学籍 30 行."""
    return "、".join(f"{label(table)} {count} 行" for table, count in held.items())


def _refuse_held_rows(raw, tables: list[str]) -> None:
    held = held_rows(raw, tables)
    if held:
        raise InputError(TO, f"--to 指定的数据库已有数据({holdings(held)}),不能复制进去",
                         "复制只能进入一个空的数据库:新建一个(CREATE DATABASE 库名)后再复制")


def _copy_table(reader, raw, table: str, columns: list[str]) -> int:
    """COPY the rows of one table, in the order of their ids."""
    import psycopg
    from psycopg import sql

    names = sql.SQL(", ").join(sql.Identifier(column) for column in columns)
    order = " ORDER BY id" if "id" in columns else ""
    rows = reader.execute(f"SELECT {', '.join(columns)} FROM {table}{order}")
    count = 0
    try:
        with raw.cursor() as cursor, cursor.copy(
                sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)) as stream:
            for row in _batches(rows):
                stream.write_row(row)
                count += 1
    except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as error:
        raise _refused_row(table, error) from None
    return count


def _refused_row(table: str, error) -> InputError:
    """The server refused a row that SQLite held (changed behind the program's back): the
    table, the row and the column — never the value, which may be personal data."""
    where = re.search(r"line (\d+)(?:, column (\w+))?", error.diag.context or "")
    row = f"第 {where.group(1)} 行" if where else "某一行"
    column = f"的 {where.group(2)} 一栏" if where and where.group(2) else ""
    return InputError(TO, f"服务器不接受「{label(table)}」{row}{column}的内容,没有复制任何数据",
                      "先在本目录运行 xueji check 查明该行;它在 xueji.db 中被直接改动过", row=row)


def _batches(cursor, size: int = 10_000) -> Iterator[tuple]:
    while batch := cursor.fetchmany(size):
        yield from batch


def _move_sequences(raw, tables: list[str]) -> None:
    """Each table's id sequence set past its highest id: the next row the server numbers
    follows the copied ones."""
    from psycopg import sql

    for table in tables:
        raw.execute(sql.SQL(
            "SELECT setval(sequence, coalesce((SELECT max(id) FROM {}), 0) + 1, false) "
            "FROM pg_get_serial_sequence(%s, 'id') AS sequence WHERE sequence IS NOT NULL"
        ).format(sql.Identifier(table)), (table,))
