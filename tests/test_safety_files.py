"""Hostile files: the spreadsheet guard (excel/guard.py) that runs
before any reader opens a roster; openpyxl's reads going through defusedxml; and
spreadsheet formula injection — every export goes through excel/sheets.py, where a value
beginning with = + - @ is a text cell, never a formula."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

import cfb
import openpyxl
import pytest

from xueji_cli.excel import sheets
from xueji_cli.excel.guard import MIB, Limits, check_spreadsheet
from xueji_cli.values.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 or "") + ";") * 10}">'
                            for i in range(1, 10)) + "]>")
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
DOCTYPE_ONLY = '<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://example.invalid/x.dtd">'


@pytest.fixture
def good(tmp_path) -> Path:
    wb, ws = sheets.new_workbook()
    sheets.table(ws, 1, ["姓名", "身份证号"], [["张三", "130283202003050035"]], text_columns={1})
    return sheets.save(wb, tmp_path / "花名册.xlsx")


def rewrite(source: Path, target: Path, part: str, change) -> Path:
    """A copy of the workbook with one part's XML changed."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                data = change(text).encode("utf-8")
            zout.writestr(info.filename, data)
    return target


def refused(path: Path, *words: str, limits: Limits | None = None) -> InputError:
    with pytest.raises(InputError) as raised:
        check_spreadsheet(path, limits) if limits else check_spreadsheet(path)
    error = raised.value
    assert error.field == "file" and path.name in error.message and error.hint
    for word in words:
        assert word in error.message, error.message
    return error


# -- what a file really is ----------------------------------------------------------------

def test_a_good_workbook_passes_and_says_what_it_is(good):
    info = check_spreadsheet(good)
    assert info.kind == "xlsx" and info.members >= 5 and info.unpacked > info.size / 10


def test_content_decides_not_the_name(good, tmp_path):
    renamed = tmp_path / "名为xls.xls"
    renamed.write_bytes(good.read_bytes())
    assert check_spreadsheet(renamed).kind == "xlsx"
    legacy = cfb.write(tmp_path / "旧表.xlsx", {"Workbook": cfb.biff(cfb.BOF, cfb.EOF)})
    assert check_spreadsheet(legacy).kind == "xls"


def test_ods_and_csv(tmp_path):
    ods = tmp_path / "花名册.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content '
                         'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
    assert check_spreadsheet(ods).kind == "ods"
    csv = tmp_path / "花名册.csv"
    csv.write_text("姓名,性别\n张三,男\n", "utf-8")
    assert check_spreadsheet(csv).kind == "csv"


@pytest.mark.parametrize("case, words", [
    ("text_as_xlsx", ["实际上不是 Excel"]), ("empty", ["空文件"]), ("missing", ["不存在"]),
    ("folder", ["不是文件"]), ("word", ["Word 文档"]), ("plain_zip", ["压缩包"]),
    ("truncated", ["已损坏"]), ("image", ["不是表格文件"]), ("ole_word", ["不是 Excel"]),
    ("broken_ole", ["已损坏"]), ("broken_xml", ["已损坏"]),
])
def test_what_is_not_a_spreadsheet_is_refused(good, tmp_path, case, words):
    path = tmp_path / {"image": "照片.png", "missing": "没有.xlsx"}.get(case, f"{case}.xlsx")
    if case == "text_as_xlsx":
        path.write_text("姓名,性别\n张三,男\n", "utf-8")
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "folder":
        path.mkdir()
    elif case == "word":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
    elif case == "plain_zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("花名册.xlsx", good.read_bytes())
    elif case == "truncated":
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif case == "image":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    elif case == "ole_word":
        cfb.write(path, {"WordDocument": b"\x00" * 100})
    elif case == "broken_ole":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    elif case == "broken_xml":
        rewrite(good, path, "xl/workbook.xml", lambda text: "这不是 XML")
    refused(path, *words)


def test_oversized_file(good):
    refused(good, "太大", limits=Limits(max_file_bytes=1000))


# -- password-protected files ----------------------------------------------------------------

@pytest.mark.parametrize("streams", [
    {"EncryptionInfo": b"\x04\x00\x04\x00\x24\x00\x00\x00", "EncryptedPackage": b"\x99" * 5000},
    {"Workbook": cfb.biff(cfb.BOF, cfb.FILEPASS, cfb.EOF)},
], ids=["encrypted xlsx", "xls with FILEPASS"])
@pytest.mark.parametrize("name", ["花名册.xlsx", "花名册.xls"])
def test_password_protected_files_are_refused(tmp_path, streams, name):
    error = refused(cfb.write(tmp_path / name, streams), "打开密码")
    assert "去掉打开密码" in error.hint


def test_an_encrypted_zip_member_is_refused(good, tmp_path):
    data = bytearray(good.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general purpose flags
        for match in re.finditer(re.escape(signature), bytes(data)):
            data[match.start() + offset] |= 0x1
    path = tmp_path / "加密.xlsx"
    path.write_bytes(bytes(data))
    refused(path, "加密")


# -- zip bombs: judged from the directory, before unpacking ------------------------------------

def bomb(tmp_path: Path, members: dict[str, bytes], name: str = "bomb.xlsx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def test_a_highly_compressed_member_is_refused(tmp_path):
    path = bomb(tmp_path, {"xl/worksheets/sheet1.xml": b"\x00" * (24 * MIB)})
    assert path.stat().st_size < 100_000  # 24 MB of zeros packs to a few dozen KB
    refused(path, "压缩炸弹", "倍")


def test_size_caps_per_member_total_and_count(tmp_path):
    varied = bytes(range(256)) * 4096  # 1 MiB that hardly compresses
    one = bomb(tmp_path, {"xl/media/a.bin": varied * 3}, "one.xlsx")
    refused(one, "压缩炸弹", limits=Limits(max_member_bytes=2 * MIB))
    many = bomb(tmp_path, {f"xl/media/{i}.bin": varied for i in range(4)}, "many.xlsx")
    refused(many, "压缩炸弹", limits=Limits(max_total_bytes=3 * MIB))
    parts = bomb(tmp_path, {f"xl/media/{i}.bin": b"x" for i in range(30)}, "parts.xlsx")
    refused(parts, "压缩炸弹", "部件", limits=Limits(max_members=20))


def test_a_directory_that_lies_about_sizes_is_caught(tmp_path):
    """The central directory says 1,000 bytes; the member unpacks to 5 MB. The guard
    never unpacks more than declared, and the CRC check exposes the lie."""
    path = bomb(tmp_path, {"xl/worksheets/sheet1.xml": b"<worksheet>" + b" " * (5 * MIB) + b"</worksheet>"})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            start = match.start()
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, 1000)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:  # the directory now claims a small member
        assert archive.getinfo(name.decode()).file_size == 1000
    refused(path, "已损坏")


# -- XML bombs and external entities -------------------------------------------------------------

@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                  "xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml",
                                  "docProps/core.xml", "xl/_rels/workbook.xml.rels"])
@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL, DOCTYPE_ONLY],
                         ids=["billion laughs", "external entity", "doctype"])
def test_xml_bombs_in_any_part_are_refused(good, tmp_path, part, prolog):
    with zipfile.ZipFile(good) as archive:
        if part not in archive.namelist():  # (openpyxl writes no shared strings here): add it
            with zipfile.ZipFile(good, "a") as more:
                more.writestr(part, '<sst xmlns="http://schemas.openxmlformats.org/'
                                    'spreadsheetml/2006/main"/>')
    path = rewrite(good, tmp_path / "bomb.xlsx", part, lambda text: prolog + text)
    refused(path, "DTD 或实体", part)


# -- openpyxl's own reads ------------------------------------------------------------------------

def test_openpyxl_reads_worksheets_through_defusedxml(good, tmp_path):
    import defusedxml.ElementTree
    import openpyxl.xml
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    path = rewrite(good, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml",
                   lambda text: BILLION_LAUGHS + text)
    for read_only in (False, True):
        with pytest.raises(ValueError) as raised:
            openpyxl.load_workbook(path, read_only=read_only)
        cause = raised.value.__cause__ or raised.value.__context__
        assert type(cause).__module__.startswith("defusedxml"), repr(cause)


def test_openpyxl_never_expands_entities_in_its_other_parts(good, tmp_path):
    """Other parts are parsed with lxml (resolve_entities=False, and libxml2's limit on
    entity amplification): a bomb there is refused or left unexpanded, never expanded.
    Our guard refuses the file before any reader would see it anyway."""
    path = rewrite(good, tmp_path / "bomb.xlsx", "xl/workbook.xml",
                   lambda text: BILLION_LAUGHS + text.replace('name="Sheet"', 'name="&lol9;"'))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception as error:  # noqa: BLE001 — lxml's refusal
        assert "amplification" in str(error) or "entit" in str(error).lower(), error
    else:
        assert all(len(title) < 100 for title in workbook.sheetnames)
    refused(path, "DTD 或实体")


# -- formula injection ------------------------------------------------------------------------------

DANGEROUS = ["=1+1", "+1+2", "-1+2", "@SUM(A1:A2)", '=HYPERLINK("http://example.invalid","点我")',
             "=cmd|' /C calc'!A0", "\t=1", "=", "-", "0226260010001"]


def test_values_from_input_are_written_as_text_never_as_formulas(tmp_path):
    wb, ws = sheets.new_workbook()
    sheets.title_row(ws, 1, "=标题", 3)
    sheets.table(ws, 2, ["=表头", "姓名", "数"], [[v, v, -1] for v in DANGEROUS])
    path = sheets.save(wb, tmp_path / "导出.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere in the file
    read = openpyxl.load_workbook(path).active
    assert read["A1"].value == "=标题" and read["A1"].data_type == "s"
    assert read["A2"].value == "=表头" and read["A2"].data_type == "s"
    for row, value in enumerate(DANGEROUS, start=3):
        for column in ("A", "B"):
            cell = read[f"{column}{row}"]
            assert (cell.value, cell.data_type) == (value, "s"), (column, row)
        assert (read[f"C{row}"].value, read[f"C{row}"].data_type) == (-1, "n")  # numbers stay numbers
    from python_calamine import CalamineWorkbook

    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in values[2:]] == DANGEROUS


WRITES = [re.compile(p) for p in (
    r"\.value\s*=(?!=)",  # cell.value = …
    r"\.cell\([^)]*\bvalue\s*=",  # ws.cell(row, column, value=…)
    r"\b(ws|sheet|worksheet)\.append\(",  # ws.append([...])
    r"\.data_type\s*=(?!=)",
    r"\bWriteOnlyCell\(",
)]


def test_no_openpyxl_write_bypasses_sheets():
    """Every value the program writes into a workbook goes through excel/sheets.py
    (set_text / set_value / table), so that no export can carry a formula."""
    offenders = []
    for path in sorted((ROOT / "xueji_cli").rglob("*.py")):
        if path == ROOT / "xueji_cli" / "excel" / "sheets.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if any(p.search(line) for p in WRITES):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "write cells with excel/sheets.py:\n" + "\n".join(offenders)


def test_write_only_rows_keep_formulas_as_text(tmp_path):
    """The fast (write-only) roster path: a name beginning with = stays text."""
    from openpyxl import Workbook, load_workbook

    from xueji_cli.excel import sheets

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    sheets.append_row(ws, ["=1+1", "+1", "-2", "@SUM(A1)", "张三", 7])
    sheets.append_row(ws, [sheets.write_only_cell(ws, "=HYPERLINK(\"http://x\")")])
    path = sheets.save(wb, tmp_path / "w.xlsx")
    cells = [[c for c in row] for row in load_workbook(path).active.iter_rows()]
    assert [(c.value, c.data_type) for c in cells[0]] == [
        ("=1+1", "s"), ("+1", "s"), ("-2", "s"), ("@SUM(A1)", "s"), ("张三", "s"), (7, "n")]
    assert (cells[1][0].value, cells[1][0].data_type) == ('=HYPERLINK("http://x")', "s")


def test_the_roster_import_refuses_bombs_before_calamine_opens_them(good, tmp_path, township,
                                                                    xueji, as_json):
    """`xueji enroll --from` runs the guard first: a bomb is a clear refusal (exit 1,
    field "file"), nothing written, never a traceback or a machine brought to its knees."""
    xml_bomb = rewrite(good, tmp_path / "xml.xlsx", "xl/worksheets/sheet1.xml",
                       lambda text: BILLION_LAUGHS + text)
    zip_bomb = bomb(tmp_path, {"xl/worksheets/sheet1.xml": b"\x00" * (24 * MIB)}, "zip.xlsx")
    for path, words in ((xml_bomb, "DTD 或实体"), (zip_bomb, "压缩炸弹")):
        result = xueji("enroll", "--from", path, "--school", "001", "--json")
        assert result.exit_code == 1, result.stderr
        [error] = as_json(result)["errors"]
        assert error["field"] == "file" and words in error["message"]
    assert as_json(xueji("student", "list", "--json"))["count"] == 0
