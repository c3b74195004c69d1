"""Everything PostgreSQL-specific of a county's server database ([database] url
postgresql://…): the driver named in the URL, a password kept out of xueji.toml, and the
registrar's messages for the server's own errors. SQLite's counterpart is store/sqlite.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from xueji_cli.values.errors import DirectoryError

SCHEMES = ("postgresql", "postgres")
DRIVER = "postgresql+psycopg"  # psycopg 3, the binary wheel the project depends on
BACKUP_HINT = ("在服务器上用 pg_dump --format=custom --file=备份文件名 库名 备份,"
               "用 pg_restore --clean --dbname=库名 备份文件名 恢复")


def is_server_url(url: str) -> bool:
    return url.partition(":")[0].partition("+")[0] in SCHEMES


def engine_url(url: str) -> str:
    """postgresql://… through psycopg 3 (SQLAlchemy's default driver would be psycopg2,
    which the project does not install); a URL naming its driver is kept as it is."""
    scheme, sep, rest = url.partition("://")
    return f"{DRIVER}://{rest}" if sep and scheme in SCHEMES else url


def refuse_password(url: str) -> None:
    """A password written into xueji.toml would be readable by whoever copies the folder
    (privacy of the register): libpq reads it from PGPASSWORD or ~/.pgpass instead."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password:
        raise DirectoryError("数据库地址中含有密码,密码不能写入 xueji.toml",
                             "去掉地址中的「:密码」,把密码放在环境变量 PGPASSWORD 或 ~/.pgpass 中")


def hold_numbers(connection, prefix: str) -> None:
    """NUM-1, NUM-3: the numbers of one prefix (a school's cohort) are handed out by one
    transaction at a time, as SQLite's single writer does: a lock on the prefix, held
    until the transaction ends, taken before the highest number is read. A writer that
    cannot have it within lock_timeout gets exit 3 (translate), never a shared number."""
    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtextextended(%(key)s, 0))",
                               {"key": "xueji-local-number:" + prefix})


NAMED_IN_SETTINGS = " xueji.toml 中 [database] 的 url "


def translate(exc: BaseException, timeout: float,
              named_by: str = NAMED_IN_SETTINGS) -> DirectoryError | None:
    """A registrar's message for the server's own errors (never the URL: it may name a
    password, so the message says where the address was written: `named_by`), or None
    when it is not one of them."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    if state in ("55P03", "57014"):  # lock_not_available, query_canceled (lock_timeout)
        return DirectoryError(
            f"数据库正被另一个程序写入,已等待 {timeout:g} 秒仍未释放",
            "等对方完成后再试;若确认无人使用,关闭其他打开该目录的 xueji 或表格程序")
    if state == "23505":  # unique_violation: committed by another writer since this one read
        return DirectoryError(
            "另一个程序刚刚写入了相同的内容(如同一身份证号的人),本次什么也没有写入",
            "重新运行同一命令:已写入的会显示为已登记(已存在),不会重复登记")
    if state.startswith("08") or not state and type(orig).__name__ == "OperationalError":
        return DirectoryError(f"无法连接{named_by}指定的数据库服务器",
                              "检查服务器是否开着、地址和用户名是否正确、密码(PGPASSWORD 或 ~/.pgpass)")
    if state.startswith("28") or state == "3D000":  # authorization, no such database
        return DirectoryError("数据库服务器拒绝连接(用户、密码或库名不对)",
                              f"核对{named_by}中的用户名和库名,以及 PGPASSWORD 或 ~/.pgpass 中的密码")
    return None
