"""Opening a school's roster file: what the file really is (a text file or web page named
.xls, a Word document, a password-protected workbook, an empty file — each said in plain
words), the file guard (excel/guard.py), then python-calamine; and parsing the files in
a thread from the moment the command line names them (prefetch). Kept apart from the
reader (excel/reader.py) so that starting the parse loads nothing else.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from xueji_cli.values.errors import InputError

SAVE_AS = "用 Excel 或 WPS 打开该文件,「另存为」Excel 工作簿(.xlsx)后再导入"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def file_error(path: Path, message: str, hint: str = SAVE_AS) -> InputError:
    return InputError("roster_file", f"{path.name}:{message}", hint)


def _sniff(path: Path) -> str:
    """What the file really is: xlsx, ods, xls; or an InputError saying what it is."""
    if not path.exists():
        raise InputError("roster_file", f"找不到文件 {path}", "检查文件名和所在文件夹")
    if path.is_dir():
        raise InputError("roster_file", f"{path} 是文件夹,不是表格文件", "指明文件夹中的花名册文件")
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError as exc:
        raise InputError("roster_file", f"无法读取 {path}:{exc.strerror}", "检查文件权限") from None
    if not head:
        raise file_error(path, "文件是空的(0字节)", "重新保存或重新接收该文件")
    if head.startswith(_OLE):
        if _ENCRYPTED in head:
            raise _password(path)
        return "xls"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise file_error(path, "文件不完整或已损坏(压缩结构不对)", "重新保存或重新接收该文件") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        if "word/document.xml" in names:
            raise file_error(path, "这是 Word 文档,不是表格", "把花名册做成 Excel 表格后再导入")
        raise file_error(path, "这是压缩包,不是 Excel 表格")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")):
        raise file_error(path, "这是网页(HTML/XML)格式的文件,只是扩展名为"
                     f" {path.suffix or '(无)'},并不是 Excel 表格(有些系统导出的 .xls 就是这样)")
    if _looks_like_text(head):
        raise file_error(path, "这是文本文件(如 CSV 或 TXT),不是 Excel 表格")
    raise file_error(path, "不是 Excel 或 WPS 表格文件(.xlsx、.xls、.ods)")


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _password(path: Path) -> InputError:
    return file_error(path, "工作簿设置了打开密码,无法读取",
                  "用 Excel 或 WPS 输入密码打开,在「文件 → 信息 → 保护工作簿」中删除密码后保存,再导入")


_prefetched: dict = {}  # path -> workbook, (path, sheet) -> calamine's parsed sheet
_prefetching: list = []  # the thread loading them
_requested: tuple | None = None  # (paths, sheet) of the last prefetch


def prefetch(paths: list[Path], only: str | None = None) -> None:
    """Start parsing the files in a thread while the caller imports the rest: calamine
    parses without holding the GIL, so on two cores the two overlap. The command line
    starts it as soon as it names the rosters (cli/startup.py); asked again for the same
    files, the parse under way is kept. Whatever goes wrong here is left for
    open_workbook() and the reader to find and report."""
    import threading

    global _requested
    request = (tuple(paths), only)
    if request == _requested:
        return
    _wait()
    _prefetched.clear()  # nothing left over from an earlier call (same process, tests)
    _requested = request

    def load() -> None:
        for path in paths:
            try:
                workbook = _open(path)
                _prefetched[path] = workbook
                names = [only] if only is not None else visible_sheets(workbook)
                for name in names:
                    _prefetched[(path, name)] = workbook.get_sheet_by_name(name)
            except Exception:  # noqa: BLE001 - reported when read for real
                continue

    thread = threading.Thread(target=load, name="xueji-roster-prefetch", daemon=True)
    _prefetching.append(thread)
    thread.start()


def prefetched_sheet(path: Path, name: str):
    """The sheet the thread parsed, once (None when it did not)."""
    _wait()
    return _prefetched.pop((path, name), None)


def discard() -> None:
    """Forget what was parsed ahead (the end of a command): nothing carries over to the
    next command run in the same process."""
    global _requested
    _wait()
    _prefetched.clear()
    _requested = None


def _wait() -> None:
    while _prefetching:
        _prefetching.pop().join()


def visible_sheets(workbook) -> list[str]:
    return [m.name for m in workbook.sheets_metadata
            if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith(".Visible")] \
        or workbook.sheet_names


def open_workbook(path: Path):
    """A calamine workbook of the file, whatever its name says it is."""
    _wait()
    if path in _prefetched:
        return _prefetched.pop(path)
    return _open(path)


def _open(path: Path):
    import python_calamine as pc

    from xueji_cli.excel.guard import check_spreadsheet

    kind = _sniff(path)  # what the file really is, and a plain word when it is no spreadsheet
    check_spreadsheet(path)  # zip and XML bombs, encrypted parts: refused before calamine
    try:
        if path.suffix.lower() == f".{kind}" or (kind == "xlsx" and path.suffix.lower() == ".xlsm"):
            return pc.CalamineWorkbook.from_path(str(path))
        with open(path, "rb") as handle:  # named .xls but really .xlsx (or the reverse)
            return pc.CalamineWorkbook.from_filelike(handle)
    except pc.PasswordError:
        raise _password(path) from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise file_error(path, f"文件已损坏或格式不对,无法读取({type(exc).__name__})",
                     "用 Excel 或 WPS 打开检查;能打开的,「另存为」.xlsx 后再导入") from None
