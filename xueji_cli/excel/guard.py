"""A spreadsheet file is checked before any reader opens it (bad input gets a message, never a
traceback).

`check_spreadsheet(path)` refuses, with a clear InputError (exit 1, field "file"):
- a file that is not what it claims (a text file or a Word document named .xlsx);
- a password-protected file: encrypted Office Open XML (an OLE compound file holding
  EncryptionInfo/EncryptedPackage) and a legacy .xls with a FILEPASS record;
- an oversized file, and zip bombs: too many members, a member or a total too large
  once unpacked, or a compression ratio no spreadsheet has — judged from the zip's
  central directory before anything is unpacked; then every member is inflated as a
  stream (constant memory, bounded by the sizes the directory declared, CRC-checked),
  so a directory that lies about sizes is caught too;
- XML bombs and external entities: every XML part goes through defusedxml, which
  refuses any DTD, entity declaration or external reference (a spreadsheet's XML never
  has one), up to its root element;
- sheets that would make a reader allocate far beyond any roster (excel/extent.py): a
  value in a far cell such as XFD1048576 (calamine holds a sheet as one dense block up
  to its farthest value), merged ranges covering too many cells in all — read from each
  sheet part as it is inflated (.xlsx, .ods) or from the BIFF records (.xls). An .xlsb's
  binary records are not measured.

It returns what the file really is (`kind`: xlsx, xlsb, ods, xls or csv), whatever its
name says, so the reader can open it the right way. It is the one gate before any reader
of a spreadsheet: the roster reader calls it before python-calamine sees the file, and so
must every other reader of a file the registrar names.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from xueji_cli.excel import extent
from xueji_cli.values.errors import InputError

MIB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XML_SUFFIXES = (".xml", ".rels", ".vml")
FIELD = "file"
SAVE_AS = "在 Excel 或 WPS 中打开后「另存为」Excel 工作簿(.xlsx)再试"
EXTENT_HINT = ("不像是花名册:在 Excel 或 WPS 中只把花名册的数据复制到一个新的工作表或新文件,"
               "保存后再导入(远处误填的内容不要一起复制)")
MERGES_HINT = ("在 Excel 或 WPS 中全选表格,点「取消合并单元格」后另存为新文件;"
               "或只把数据复制到一个新的工作表,保存后再导入")


@dataclass(frozen=True)
class Limits:
    """What a registrar's roster never exceeds (a 100,000-row, 20-column roster is about
    15 MB on disk and 150 MB unpacked)."""

    max_file_bytes: int = 64 * MIB
    max_members: int = 2000
    max_member_bytes: int = 512 * MIB
    max_total_bytes: int = 1024 * MIB
    max_ratio: float = 100.0  # unpacked / packed, for members past ratio_from bytes
    ratio_from: int = 1 * MIB


LIMITS = Limits()


@dataclass(frozen=True)
class SpreadsheetInfo:
    path: Path
    kind: str  # xlsx, xlsb, ods, xls, csv
    size: int  # bytes on disk
    members: int = 0  # zip members
    unpacked: int = 0  # bytes once unpacked (zip)


def _refuse(path: Path, why: str, hint: str = SAVE_AS) -> InputError:
    return InputError(FIELD, f"文件「{path.name}」{why}", hint)


def check_spreadsheet(path: Path | str, limits: Limits = LIMITS,
                      bounds: extent.Bounds = extent.BOUNDS) -> SpreadsheetInfo:
    path = Path(path)
    if not path.exists():
        raise _refuse(path, "不存在", "核对文件路径和文件名")
    if not path.is_file():
        raise _refuse(path, "不是文件(可能是文件夹)", "指定表格文件本身")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "是空文件(0 字节)", "重新保存或重新拷贝该文件")
    if size > limits.max_file_bytes:
        raise _refuse(path, f"太大({size / MIB:.0f} MB,上限 {limits.max_file_bytes / MIB:.0f} MB),"
                      "不像是花名册", "把花名册按学校分成几个文件,或删去无关的工作表和图片")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _refuse(path, f"无法读取({exc.strerror})", "检查文件权限,或先关闭正在编辑它的程序") from None
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        return _check_zip(path, size, limits, bounds)
    if head == OLE_MAGIC:
        return _check_ole(path, size, bounds)
    if suffix in SPREADSHEET_SUFFIXES:
        raise _refuse(path, f"名为 {suffix},实际上不是 Excel 表格(可能是文本文件或改了扩展名的其他文件)")
    if suffix in TEXT_SUFFIXES:
        return SpreadsheetInfo(path, "csv", size)
    raise _refuse(path, "不是表格文件(只接受 .xlsx、.xls、.ods 或 .csv)")


# -- zip: xlsx, xlsb, ods ------------------------------------------------------------------

def _check_zip(path: Path, size: int, limits: Limits, bounds: extent.Bounds) -> SpreadsheetInfo:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(path, "已损坏(压缩结构不完整,可能没有下载或拷贝完整)",
                      "重新拷贝或重新保存该文件") from None
    with archive:
        infos = archive.infolist()
        _check_directory(path, infos, limits)
        names = {info.filename for info in infos}
        kind = _zip_kind(path, archive, names)
        sheets = _sheet_parts(archive, kind, names)
        tally = extent.Tally(bounds)
        for info in infos:
            if info.filename in sheets:
                _measure(path, archive, info, kind, tally)
            else:
                _inflate(path, archive, info)
    return SpreadsheetInfo(path, kind, size, len(infos), sum(i.file_size for i in infos))


def _sheet_parts(archive: zipfile.ZipFile, kind: str, names: set[str]) -> set[str]:
    """The parts a reader may take for a sheet: an .xlsx's XML parts and whatever its
    workbook's relationships point to (calamine follows them, whatever the name); an
    OpenDocument spreadsheet's content.xml."""
    if kind == "ods":
        return {"content.xml"}
    if kind != "xlsx":
        return set()
    parts = {name for name in names if name.lower().endswith(".xml")}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names and archive.getinfo(rels).file_size < MIB:
        for target in re.findall(rb"""Target\s*=\s*["']([^"']+)["']""", archive.read(rels)):
            name = posixpath.normpath(posixpath.join("xl", target.decode("utf-8", "replace")))
            parts.add(name.lstrip("/") if target.startswith(b"/") else name)
    return parts & names


def _measure(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str,
             tally: extent.Tally) -> None:
    """Inflate a sheet part as _inflate does, measuring the sheet as it streams past: the
    usual way first, exactly when the part is written otherwise."""
    merges = (tally.merges, tally.merged_cells)
    try:
        try:
            if kind == "ods":
                _inflate(path, archive, info, extent.OdsContent(tally, info.filename))
            else:
                _inflate(path, archive, info, extent.UsualSheet(tally, info.filename))
        except extent.Exotic:
            tally.merges, tally.merged_cells = merges
            _inflate(path, archive, info, extent.ExactSheet(tally, info.filename))
    except extent.TooLarge as exc:
        raise _refuse(path, exc.what, MERGES_HINT if exc.merges else EXTENT_HINT) from None
    except ExpatError:
        if not info.filename.lower().endswith(".xml"):
            _inflate(path, archive, info)  # not XML (a macro project the workbook links to):
            return  # no sheet to read, but inflated and checked all the same
        raise _refuse(path, f"已损坏(内部文件 {info.filename} 不是完好的 XML)",
                      "重新拷贝或重新保存该文件") from None
    except extent.Unreadable:
        raise _refuse(path, f"已损坏(内部文件 {info.filename} 中有无法识别的单元格位置)",
                      "重新拷贝或重新保存该文件") from None


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Judge the archive by its central directory alone, before unpacking anything."""
    bomb = "是异常的压缩文件(解压后{what}),可能是恶意构造的「压缩炸弹」,已拒绝打开"
    hint = "向发来文件的学校索取正常的花名册;不要在其他电脑上打开此文件"
    if len(infos) > limits.max_members:
        raise _refuse(path, bomb.format(what=f"有 {len(infos)} 个部件"), hint)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(path, "的内容被加密(设置了密码)", "请学校去掉密码后另存为 .xlsx 再发来")
        if info.file_size > limits.max_member_bytes:
            raise _refuse(path, bomb.format(what=f"其中一个部件达 {info.file_size / MIB:.0f} MB"), hint)
        if info.file_size > limits.ratio_from and \
                info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _refuse(path, bomb.format(what=f"膨胀 {ratio:.0f} 倍"), hint)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _refuse(path, bomb.format(what=f"超过 {limits.max_total_bytes / MIB:.0f} MB"), hint)


def _zip_kind(path: Path, archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "word/document.xml" in names:
            raise _refuse(path, "是 Word 文档,不是表格", "用 Excel 或 WPS 表格制作花名册")
        if "ppt/presentation.xml" in names:
            raise _refuse(path, "是演示文稿,不是表格", "用 Excel 或 WPS 表格制作花名册")
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        if archive.read("mimetype").strip() == ODS_MIMETYPE:
            return "ods"
    raise _refuse(path, "是压缩包,不是 Excel 表格", "解压后找到其中的花名册文件,或请学校重新发送")


class _RootReached(Exception):
    """Raised by the parser target at the first element: the prolog (where any DTD and
    entity declaration must stand) has been read."""


class _Target:
    def start(self, _tag, _attrs):
        raise _RootReached

    def end(self, _tag):
        pass

    def data(self, _text):
        pass

    def close(self):
        return None


def _inflate(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, scanner=None) -> None:
    """Unpack one member as a stream (never more than one chunk in memory, never more
    than the declared size; zipfile checks the CRC at the end), run an XML part's prolog
    through defusedxml, and pass each chunk to the `scanner` measuring a sheet (after the
    prolog has been judged)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    is_xml = info.filename.lower().endswith(XML_SUFFIXES)
    parser = DefusedXMLParser(target=_Target(), forbid_dtd=True) if is_xml else None
    try:
        with archive.open(info) as member:
            while chunk := member.read(MIB):
                if parser is not None:
                    try:
                        parser.feed(chunk)
                    except _RootReached:
                        parser = None  # the rest of the part is data for the reader
                if scanner is not None:
                    scanner.feed(chunk)
            if scanner is not None:
                scanner.close()
    except DefusedXmlException:
        raise _refuse(path, f"的内部文件 {info.filename} 含有 DTD 或实体声明(XML 炸弹或外部引用),"
                      "已拒绝打开", "正常的 Excel 文件不会有这些;请学校重新导出花名册") from None
    except ParseError:
        raise _refuse(path, f"已损坏(内部文件 {info.filename} 不是完好的 XML)",
                      "重新拷贝或重新保存该文件") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise _refuse(path, f"已损坏(内部文件 {info.filename} 无法解压或校验不符)",
                      "重新拷贝或重新保存该文件") from None
    if parser is not None and info.file_size:
        raise _refuse(path, f"已损坏(内部文件 {info.filename} 不完整)", "重新拷贝或重新保存该文件")


# -- OLE compound files: legacy .xls, encrypted Office files -----------------------------------

BOF, FILEPASS = 0x0809, 0x002F


def _check_ole(path: Path, size: int, bounds: extent.Bounds) -> SpreadsheetInfo:
    import olefile

    password = "设置了打开密码,无法读取"
    password_hint = "请学校在 Excel 或 WPS 中去掉打开密码(文件→信息→保护工作簿)后另存为 .xlsx 再发来"
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise _refuse(path, password, password_hint)
            stream = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
            if stream is None:
                raise _refuse(path, "是 Office 文件,但不是 Excel 表格(可能是 Word 文档)",
                              "用 Excel 或 WPS 表格制作花名册")
            with ole.openstream(stream) as workbook:
                records = workbook.read()  # no larger than the file, itself bounded
    except InputError:
        raise
    except Exception:  # olefile raises OSError and its own errors on a damaged container
        raise _refuse(path, "已损坏(旧版 Excel 文件结构不完整)", "重新拷贝或重新保存该文件") from None
    if _xls_encrypted(records[:4096]):
        raise _refuse(path, password, password_hint)
    try:
        extent.check_biff(records, extent.Tally(bounds))
    except extent.TooLarge as exc:
        raise _refuse(path, exc.what, MERGES_HINT if exc.merges else EXTENT_HINT) from None
    return SpreadsheetInfo(path, "xls", size)


def _xls_encrypted(stream: bytes) -> bool:
    """BIFF8: the workbook globals open with BOF; a protected workbook has FILEPASS among
    the records that follow it, before any sheet data."""
    offset, seen = 0, 0
    while offset + 4 <= len(stream) and seen < 64:
        record, length = struct.unpack_from("<HH", stream, offset)
        if seen == 0 and record != BOF:
            return False
        if record == FILEPASS:
            return True
        offset += 4 + length
        seen += 1
    return False
