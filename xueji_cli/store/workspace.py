"""The registrar's directory: where it is, its settings and its database.

Found like git finds its repository (PRODUCT.md): an explicit path (`--dir` or the
XUEJI_DIR variable, resolved by the command layer), else the nearest folder upward from
the current one that holds xueji.toml.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xueji_cli.store import settings as settings_mod
from xueji_cli.store.settings import SETTINGS_FILE, Settings
from xueji_cli.values.errors import DirectoryError


def find_directory(explicit: str | None, start: Path | None = None) -> Path:
    if explicit:
        path = Path(explicit).expanduser().resolve()
        if not (path / SETTINGS_FILE).is_file():
            raise DirectoryError(
                f"{path} 不是 xueji 目录(其中没有 {SETTINGS_FILE})",
                "检查 --dir 或 XUEJI_DIR 指向的文件夹,或用 xueji init 新建")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise DirectoryError(
        f"当前文件夹 {here} 及其上级都不是 xueji 目录",
        "进入学籍目录再运行,或用 --dir 指定目录,或用 xueji init 新建")


@dataclass
class Workspace:
    directory: Path
    settings: Settings
    # Called once when a change is recorded without the registrar's name (the command
    # layer says how to set it; the core never prints).
    on_unnamed: Callable[[], None] | None = None

    @property
    def store(self):
        if not hasattr(self, "_store"):
            from xueji_cli.store.database import Store

            self._store = Store(self.directory, database_url(self.settings),
                                self.settings.busy_timeout_seconds)
        return self._store

    def sweep_leftovers(self) -> list[str]:
        """Remove the temporary files that killed commands left in the directory and
        beside its database (store/leftovers.py); returns their names."""
        from xueji_cli.store import leftovers

        folders = [self.directory]
        if self.store.is_sqlite:
            folders.append(self.store.path.parent)
        return leftovers.sweep(folders)

    @property
    def operator(self) -> str:
        """Who records a change (CHG-3: every entry names who made it): XUEJI_OPERATOR, else
        `operator` of xueji.toml, else the computer's account marked as not a name
        (values/operators.py), which no form prints as 经办人."""
        named = operator_from_environment() or self.settings.operator.strip()
        if named:
            return named
        from xueji_cli.values.operators import as_account

        if self.on_unnamed is not None:
            self.on_unnamed()
            self.on_unnamed = None
        try:
            return as_account(getpass.getuser())
        except (KeyError, OSError):
            return as_account(os.environ.get("USER", "unknown"))


def database_url(settings: Settings) -> str:
    """XUEJI_DATABASE_URL, else [database] url of xueji.toml: a county's server named for
    one session or one machine without editing the file."""
    return os.environ.get("XUEJI_DATABASE_URL", "").strip() or settings.database_url


def operator_from_environment() -> str:
    """XUEJI_OPERATOR, checked like the operator of xueji.toml."""
    value = os.environ.get("XUEJI_OPERATOR", "").strip()
    if not value:
        return ""
    try:
        return settings_mod.checked_text("XUEJI_OPERATOR", "operator", value)
    except ValueError as exc:
        raise DirectoryError(str(exc), "改正环境变量 XUEJI_OPERATOR 中的姓名") from None


def open_workspace(explicit: str | None, check_schema: bool = True) -> Workspace:
    directory = find_directory(explicit)
    workspace = Workspace(directory, settings_mod.load(directory))
    if check_schema:
        workspace.store.check_schema()
    return workspace


def init_workspace(path: Path, name: str, kind: str, city: str, county: str,
                   operator: str = "", server_url: str = "") -> Workspace:
    """Create a directory: xueji.toml and xueji.db at the newest schema — or, given a
    server's URL, xueji.toml naming it (no file is made; the server's database gets the
    schema if it has none yet)."""
    from xueji_cli.store import postgres
    from xueji_cli.store.database import DB_FILE
    from xueji_cli.values.errors import InputError

    if not name.strip():
        raise InputError("directory_name", "目录名称不能为空", "如 --name 示范镇中心校")
    path = path.expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise DirectoryError(f"{path} 是一个文件,不是文件夹", "换一个文件夹路径")
    if (path / SETTINGS_FILE).exists():
        raise DirectoryError(f"{path} 已经是 xueji 目录", "换一个空文件夹,或直接使用该目录")
    if (path / DB_FILE).exists():
        raise DirectoryError(f"{path} 中已有 {DB_FILE}", "换一个空文件夹")
    for value, field in ((city, "city"), (county, "county")):
        if not (value.isdigit() and len(value) == 2):
            raise InputError(field, f"{field} 代码应为2位数字,现为「{value}」", "如 --city-code 02")
    if server_url and not postgres.is_server_url(server_url):
        raise InputError("database", "--database 应为 PostgreSQL 服务器的地址",
                         "如 postgresql://用户名@主机/库名,或 postgresql://用户名@/库名?host=/套接字目录")
    postgres.refuse_password(server_url)
    text = settings_mod.render_new(name.strip(), kind, city, county, operator.strip(),
                                   server_url)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)  # a folder of personal data
        (path / SETTINGS_FILE).write_text(text, "utf-8")
        os.chmod(path / SETTINGS_FILE, 0o600)  # nobody else may change the policy
    except OSError as exc:
        raise DirectoryError(f"无法在 {path} 建立目录:{exc.strerror}",
                             "检查路径是否正确、是否有写入权限") from None
    workspace = Workspace(path, settings_mod.load(path))
    try:
        workspace.store.create()
    except BaseException:
        (path / SETTINGS_FILE).unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (path / (DB_FILE + suffix)).unlink(missing_ok=True)
        raise
    return workspace
