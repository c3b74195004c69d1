"""The transfer certificate (转学证明, TRF-8) as an xlsx: four copies (联) to print, each
with the student's data and the four stamp boxes, and a data sheet 「数据」 that the
receiving directory imports with `xueji transfer in --from-file` — no retyping. The data
sheet is hidden (very hidden: not offered by Excel's or WPS's 取消隐藏 either), so it never
prints: the paper that leaves the office carries no full ID number, no field keys and no
JSON; the reader of the receiving end (python-calamine) reads a hidden sheet alike.

The printed copies mask the ID and national numbers unless asked; the data sheet carries
them whole, because the receiving school needs them to check the child (NUM-5, NUM-6,
NUM-7) and the national number travels unchanged. The file is saved readable by its owner
only (excel/sheets.py).

The data sheet's checksum (校验码) guards against accidental change — a cell edited by
mistake, a value Excel converted, a damaged copy — and nothing more: it is computed by a
published algorithm without a secret, so whoever can edit the sheet can recompute it. It
is no forgery check and is never presented as one. What certifies a transfer is the paper
certificate with its four stamps (TRF-8); the receiving registrar compares the data read
against it. (A signature would need keys every county, province and township can check
each other's by; there is no such key distribution among registrars.)

Version 2 of the data sheet adds the school year the grade belongs to (`school_year`), so
that the receiving school places the pupil in his cohort whatever the date (TRF-5, NUM-3);
version 1 sheets are still read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break

from xueji_cli.excel import sheets
from xueji_cli.ledger.models import Person, Student
from xueji_cli.records.directory.region_names import Regions
from xueji_cli.records.transfer.cases import CaseView, Certified, Incoming
from xueji_cli.rules import transfer as rules
from xueji_cli.values import codes, fields
from xueji_cli.values.errors import InputError, Refused
from xueji_cli.values.operators import signature
from xueji_cli.values.privacy import show
from xueji_cli.values.violation import Violation, warning

FORMAT = "xueji-transfer-certificate"
VERSION = "2"
READABLE = ("1", "2")
ADDED_IN_2 = ("school_year",)
DATA_SHEET = "数据"
COPIES = ("第一联 转出学校存根", "第二联 转出学校所在地教育局(中心校)存",
          "第三联 转入学校存", "第四联 转入学校所在地教育局存")
# key, label: the data sheet's rows, in order
FIELDS = [
    ("format", "文件类型"), ("version", "版本"), ("case_no", "案件号"), ("route", "转学线路"),
    ("applied_on", "申请日期"), ("issued_on", "开具日期"), ("reason", "转学原因"),
    ("reason_detail", "具体情况"), ("evidence", "已查验证明材料"), ("special_reason", "毕业年级特殊情况"),
    ("from_directory", "转出单位"), ("from_school", "转出学校"), ("from_region", "转出学校所在地区划"),
    ("to_school", "转入学校"), ("to_region", "转入学校所在地区划"),
    ("name", "姓名"), ("gender", "性别"), ("birth_date", "出生日期"), ("id_type", "身份证件类型"),
    ("id_number", "身份证件号"), ("national_number", "全国学籍号"), ("ethnicity", "民族"),
    ("hukou_region", "户口所在地区划"), ("guardian_name", "监护人"),
    ("guardian_hukou_region", "监护人户口所在地区划"), ("guardian_phone", "监护人电话"),
    ("residence_region", "现住地区划"), ("address", "现住址"),
    ("local_number", "原学籍号"), ("entry_year", "入学年份"), ("grade", "年级"),
    ("school_year", "年级所属学年"), ("class", "班级"),
    ("status", "学籍状态"), ("approvals", "已登记的审批"), ("checksum", "校验码(只防误改,不防伪造)"),
]
LABELS = dict(FIELDS)
# Which recorded step fills which stamp box (TRF-8: out school, its bureau or central
# school, in school, its bureau or central school).
BOXES = [
    ("转出学校(盖章)", ("school_out",)),
    ("转出地教育局/中心校(盖章)", ("central_out", "bureau_out", "central")),
    ("转入学校(盖章)", ()),
    ("转入地教育局/中心校(盖章)", ("central_in", "bureau_in", "bureau", "central")),
]
WIDTHS = [11, 13, 9, 12, 11, 13, 11, 14]


APPROVALS_DEPTH = 2  # a list of flat records, as certificate_values writes it
APPROVALS_CHARS = 20_000  # a route has at most four steps of a few dozen characters each


def _checksum(values: dict[str, str], version: str = VERSION) -> str:
    """A guard against accidental change only (see the module's docstring)."""
    keys = [k for k, _ in FIELDS if k != "checksum" and (version != "1" or k not in ADDED_IN_2)]
    payload = json.dumps({k: values.get(k, "") for k in keys}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def certificate_values(view: CaseView, student: Student | None, person: Person | None,
                       directory: str, issued_on: dt.date,
                       grade_year: int | None) -> dict[str, str]:
    """The data sheet's values (all text) for a case with a record in this directory, or
    an arriving one (its data as received); `grade_year`: the school year the grade
    belongs to (transfer/placement.grade_year)."""
    case = view.case
    incoming = Incoming.from_json(case.incoming) if case.incoming else None
    approvals = [{"step": e.details.get("step"), "level": e.approvals[0]["level"],
                  "date": e.effective_date.isoformat(), "doc_no": e.approvals[0].get("doc_no"),
                  "approver": e.approvals[0].get("approver")} for e in view.approvals]
    values = {
        "format": FORMAT, "version": VERSION, "case_no": case.case_no, "route": case.route,
        "applied_on": case.applied_on.isoformat(), "issued_on": issued_on.isoformat(),
        "reason": codes.label("transfer_reason", case.reason), "reason_detail": case.reason_detail or "",
        "evidence": "、".join(codes.evidence_label(k) for k in case.evidence),
        "special_reason": case.special_reason or "", "from_directory": directory,
        # a school's own name: its code means nothing in another directory
        "from_school": view.from_school.name if view.from_school else case.from_name,
        "from_region": case.from_region,
        "to_school": view.to_school.name if view.to_school else case.to_name,
        "to_region": case.to_region,
        "approvals": json.dumps(approvals, ensure_ascii=False),
        "school_year": str(grade_year) if grade_year else "",
    }
    if person is not None:
        values.update({
            "name": person.name, "gender": codes.label("gender", person.gender),
            "birth_date": person.birth_date.isoformat(),
            "id_type": codes.label("id_type", person.id_type),
            "id_number": person.id_number or "",
            "ethnicity": codes.label("ethnicity", person.ethnicity),
            "hukou_region": person.hukou_region or "", "guardian_name": person.guardian_name or "",
            "guardian_hukou_region": person.guardian_hukou_region or "",
            "guardian_phone": person.guardian_phone or "",
            "residence_region": person.residence_region or "", "address": person.address or "",
        })
    elif incoming is not None:
        values.update({
            "name": incoming.name, "gender": codes.label("gender", incoming.gender),
            "birth_date": incoming.birth.isoformat() if incoming.birth else "",
            "id_type": codes.label("id_type", incoming.id_type), "id_number": incoming.id_number,
            "ethnicity": codes.label("ethnicity", incoming.ethnicity),
            **{k: getattr(incoming, k) or "" for k in (
                "hukou_region", "guardian_name", "guardian_hukou_region", "guardian_phone",
                "residence_region", "address")},
        })
    if student is not None:
        values.update({"national_number": student.national_number or "",
                       "local_number": student.local_number or "",
                       "entry_year": str(student.entry_year), "grade": str(student.grade),
                       "class": str(student.class_no),
                       "status": codes.label("status", student.status)})
    elif incoming is not None:
        values.update({"national_number": incoming.national_number,
                       "local_number": incoming.origin_local_number or "",
                       "entry_year": str(incoming.entry_year or ""), "grade": str(case.grade),
                       "class": str(incoming.origin_class or ""),
                       "status": codes.label("status", incoming.status)})
    values["checksum"] = _checksum(values)
    return values


# -- writing ------------------------------------------------------------------------------------

def _cell(ws, row: int, col: int, value, *, span: int = 1, bold: bool = False,
          align=sheets.CENTER, border: bool = True, size: int = 10) -> None:
    cell = ws.cell(row=row, column=col)
    sheets.set_text(cell, value)
    cell.font = Font(name="宋体", size=size, bold=bold)
    cell.alignment = align
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
    if border:
        for c in range(col, col + span):
            ws.cell(row=row, column=c).border = sheets.BORDER


PRINTED_REGIONS = ("from_region", "to_region", "hukou_region")


def _printed(values: dict[str, str], names: Regions | None) -> dict[str, str]:
    if names is None:
        return values
    return {**values, **{key: names.label(values.get(key)) for key in PRINTED_REGIONS}}


def _copy(ws, top: int, title: str, v: dict[str, str], reveal: bool, stamps: list[str],
          operator: str) -> int:
    """One copy (联); returns the next free row."""
    sheets.title_row(ws, top, "转 学 证 明", 8, height=26)
    _cell(ws, top + 1, 1, f"{title}        案件号:{v['case_no']}        "
          f"线路:{rules.route_label(v['route'])}", span=8, border=False, size=9)
    rows = [
        [("姓名", 1), (v["name"], 1), ("性别", 1), (v["gender"], 1), ("出生日期", 1),
         (v["birth_date"], 1), ("民族", 1), (v["ethnicity"], 1)],
        [("身份证件号", 1), (show(v["id_number"], reveal), 3), ("全国学籍号", 1),
         (show(v["national_number"], reveal, national=True), 3)],
        [("原学籍号", 1), (v["local_number"], 3), ("年级班级", 1),
         (f"{v['grade']}年级{v['class']}班" if v["class"] else f"{v['grade']}年级", 1),
         ("入学年份", 1), (v["entry_year"], 1)],
        [("转出学校", 1), (v["from_school"], 3), ("所在地区划", 1), (v["from_region"], 3)],
        [("转入学校", 1), (v["to_school"], 3), ("所在地区划", 1), (v["to_region"], 3)],
        [("转学原因", 1), (v["reason"] + (f":{v['reason_detail']}" if v["reason_detail"] else ""), 7)],
        [("证明材料", 1), (v["evidence"], 7)],
        [("监护人", 1), (v["guardian_name"], 1), ("户口所在地", 1), (v["hukou_region"], 2),
         ("申请日期", 1), (v["applied_on"], 2)],
    ]
    row = top + 2
    for cells in rows:
        col = 1
        for index, (value, span) in enumerate(cells):
            _cell(ws, row, col, value, span=span, bold=index % 2 == 0,
                  align=sheets.CENTER if span == 1 else sheets.LEFT)
            col += span
        ws.row_dimensions[row].height = 22
        row += 1
    for index, (label, _steps) in enumerate(BOXES):
        text = f"{label}\n\n\n{stamps[index]}\n年    月    日"
        _cell(ws, row, 1 + index * 2, text, span=2, size=9,
              align=Alignment(horizontal="center", vertical="top", wrap_text=True))
    ws.row_dimensions[row].height = 96
    _cell(ws, row + 1, 1, f"开具日期:{v['issued_on']}    经办人:{signature(operator) or '__________'}    本证明一式四联,分别由转出学校、转出地教育局(中心校)、"
          "转入学校、转入地教育局留存;转入学校凭此在学籍系统接收,全国学籍号随学生不变。",
          span=8, border=False, size=8, align=sheets.LEFT)
    ws.row_dimensions[row + 1].height = 24
    return row + 2


def _stamps(view: CaseView) -> list[str]:
    recorded = {e.details.get("step"): e for e in view.approvals}
    texts = []
    for _label, steps in BOXES:
        entry = next((recorded[s] for s in steps if s in recorded), None)
        if entry is None:
            texts.append("")
            continue
        doc = entry.approvals[0].get("doc_no")
        texts.append(f"(已登记 {entry.effective_date:%Y-%m-%d}" + (f" {doc}" if doc else "") + ")")
    return texts


def write(path: Path, view: CaseView, values: dict[str, str], reveal: bool = False,
          names: Regions | None = None, operator: str = "") -> Path:
    """The four copies, each region shown with its name (`names`: the directory's region
    table) and signed by `operator` (blank for an account, values/operators.py), and the
    hidden data sheet, which carries the codes alone."""
    wb, ws = sheets.new_workbook()
    ws.title = "转学证明"
    sheets.page_setup(ws, landscape=False)
    ws.page_setup.fitToHeight = 0
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    stamps = _stamps(view)
    row = 1
    for index, title in enumerate(COPIES):
        row = _copy(ws, row, title, _printed(values, names), reveal, stamps, operator)
        if index % 2 == 0:
            _cell(ws, row, 1, "- - - - - - - - - - - - - - - 沿此线剪开 - - - - - - - - - - - - - - -",
                  span=8, border=False, size=8)
            row += 2
        elif index < len(COPIES) - 1:
            ws.row_breaks.append(Break(id=row - 1))
    data = wb.create_sheet(DATA_SHEET)
    end = sheets.table(data, 1, ["key", "项目", "值"],
                       [[key, label, values.get(key, "")] for key, label in FIELDS],
                       widths=[20, 22, 60], text_columns={0, 1, 2})
    for row in range(2, end):
        cell = data.cell(row=row, column=3)
        cell.alignment = sheets.LEFT
        lines = -(-len(str(cell.value or "")) // 70)  # about 70 characters to a line
        if lines > 1:
            data.row_dimensions[row].height = 14 * lines
    _cell(data, end + 1, 1, "本页供转入学校导入(xueji transfer in --from-file),请勿改动;"
          "含完整身份证件号,注意保管。校验码只能发现误改或损坏,不能证明真伪:"
          "以盖章的纸质转学证明为准。", span=3, border=False, size=9, align=sheets.LEFT)
    data.sheet_state = "veryHidden"  # never printed (TRF-8: the paper carries the stamps)
    return sheets.save(wb, path)


# -- reading ------------------------------------------------------------------------------------

def read_values(path: Path) -> dict[str, tuple[int, str]]:
    """key -> (row, text) of the data sheet; InputError when the file is not a certificate.
    The file goes through the same guard as a roster (excel/files.py: what it really is,
    zip and XML bombs) before python-calamine opens it."""
    from python_calamine import CalamineError

    from xueji_cli.excel import files

    path = Path(path)
    if not path.is_file():
        raise InputError("from_file", f"{path} 不是文件" if path.exists() else f"找不到文件 {path}",
                         "核对转学证明文件的路径")
    try:
        workbook = files.open_workbook(path)
    except InputError as exc:  # said in the guard's words, with what to do about a certificate
        raise InputError("from_file", exc.message,
                         "请原学校用 xueji transfer certificate 重新开具,发来开具的原文件") from None
    try:
        if DATA_SHEET not in workbook.sheet_names:
            raise InputError("from_file", f"{path.name} 中没有「{DATA_SHEET}」工作表,不是 xueji 开具的转学证明",
                             "请原学校用 xueji transfer certificate 开具;否则按证明逐项填写(不用 --from-file)")
        rows = workbook.get_sheet_by_name(DATA_SHEET).to_python()
    except InputError:
        raise
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError("from_file", f"无法读取 {path.name}:{type(exc).__name__}",
                         "确认它是 .xlsx 文件且未损坏") from None
    found: dict[str, tuple[int, str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or not str(row[0]).strip():
            continue
        key = str(row[0]).strip()
        value = row[2] if len(row) > 2 else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        found[key] = (number, "" if value is None else str(value).strip())
    if found.get("format", (0, ""))[1] != FORMAT:
        raise InputError("from_file", f"{path.name} 的「{DATA_SHEET}」页不是 xueji 转学证明数据",
                         "请原学校用 xueji transfer certificate 重新开具")
    if found.get("version", (0, ""))[1] not in READABLE:
        raise InputError("from_file", f"转学证明数据版本 {found.get('version', (0, ''))[1]} "
                         f"不是本程序能读的版本({'、'.join(READABLE)})",
                         "请升级 xueji,或请原学校用同一版本开具")
    return found


def read(path: Path) -> tuple[Incoming, Certified, dict[str, str]]:
    """The certificate's data as an incoming student and what the certificate certifies.
    Every value is checked like any input; every problem is reported at once."""
    found = read_values(path)
    problems: list[Violation] = []

    def get(key: str, converter=None, required: bool = False):
        """The value of a row, through its converter — a text through free_text, as
        anything typed: no control or direction character, within its length."""
        row, text = found.get(key, (0, ""))
        if not text:
            if required:
                problems.append(Violation("TRF-8", "from_file", f"数据页缺少「{LABELS[key]}」",
                                          "请原学校补全后重新开具"))
            return None
        converter = converter or fields.text_of(key, LABELS[key])
        try:
            return converter(text)
        except ValueError as exc:
            problems.append(Violation("INPUT", "from_file", f"数据页第{row}行「{LABELS[key]}」:{exc}",
                                      "请原学校改正后重新开具"))
            return None

    def status(text: str) -> str:
        code = codes.parse_code("status", text)
        if not code:
            raise ValueError(f"「{text}」不是学籍状态")
        return code

    def reason(text: str) -> str:
        code = codes.parse_code("transfer_reason", text)
        if not code:
            raise ValueError(f"「{text}」不是认可的转学原因")
        return code

    person = Incoming(
        name=fields.compact_name(get("name", required=True)),
        gender=get("gender", fields.gender, required=True),
        birth=get("birth_date", fields.parse_date, required=True),
        grade=get("grade", fields.grade, required=True),
        from_name=get("from_school", required=True) or "",
        from_region=get("from_region", fields.region, required=True) or "",
        id_type=get("id_type", fields.id_type) or "1",
        id_number=get("id_number", fields.normalise_id_number) or "",
        national_number=get("national_number", fields.normalise_national_number) or "",
        ethnicity=get("ethnicity", fields.ethnicity),
        hukou_region=get("hukou_region", fields.region) or None,
        guardian_name=get("guardian_name", fields.guardian_name),
        guardian_hukou_region=get("guardian_hukou_region", fields.region) or None,
        guardian_phone=get("guardian_phone"),
        residence_region=get("residence_region", fields.region) or None,
        address=get("address"),
        status=get("status", status) or "active",
        origin_local_number=get("local_number"),
        origin_class=get("class", fields.class_no),
        entry_year=get("entry_year", _year),
        grade_year=get("school_year", _year),
    )
    certified = Certified(
        origin_case_no=get("case_no"),
        route=get("route"),
        applied_on=get("applied_on", fields.parse_date),
        reason=get("reason", reason),
        reason_detail=get("reason_detail"),
        evidence=get("evidence", lambda text: fields.evidence([text])) or [],
        special_reason=get("special_reason"),
        to_name=get("to_school"),
        to_region=get("to_region", fields.region),
        approvals=_approvals(found, problems),
    )
    values = {k: t for k, (_r, t) in found.items()}
    if values.get("checksum") != _checksum(values, values["version"]):
        certified.warnings.append(warning(
            "TRF-8", "from_file", "转学证明数据页与其校验码不符:开具后被改动过或已损坏",
            "与盖章的纸质转学证明逐项核对;如有出入,请原学校重新开具"))
    if problems:
        raise Refused(problems)
    return person, certified, values


def _year(text: str) -> int:
    if not re.fullmatch(r"20\d\d", text):
        raise ValueError(f"「{text}」不是年份(应为四位数字,如 2026)")
    return int(text)


def _depth(text: str) -> int:
    """How deeply the JSON text nests its arrays and objects (brackets inside strings
    do not count); measured before parsing, which recurses once per level."""
    deepest = depth = 0
    quoted = escaped = False
    for char in text:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _approvals(found: dict, problems: list[Violation]) -> list[dict]:
    row, text = found.get("approvals", (0, ""))
    if not text:
        return []
    if len(text) > APPROVALS_CHARS or _depth(text) > APPROVALS_DEPTH:
        problems.append(Violation("INPUT", "from_file", f"数据页第{row}行「已登记的审批」(C{row} 单元格)"
                                  "过长或嵌套层数异常,不是 xueji 开具的内容", "请原学校重新开具"))
        return []
    try:
        approvals = [_approval(item) for item in json.loads(text)]
    except fields.TextRefused as exc:
        problems.append(Violation("INPUT", "from_file", f"数据页第{row}行「已登记的审批」:{exc}",
                                  "请原学校重新开具"))
        return []
    except (ValueError, TypeError, KeyError):
        problems.append(Violation("INPUT", "from_file", f"数据页第{row}行「已登记的审批」无法读取",
                                  "请原学校重新开具"))
        return []
    return approvals


def _approval(item: dict) -> dict:
    """One approval the data sheet shows; its texts go into the journal (and the stamp
    boxes of this directory's copies), so they are free texts like any typed."""
    def text(key: str, label: str) -> str | None:
        return None if item[key] is None else fields.free_text(key, item[key], label) or None

    return {"step": text("step", "审批步骤") or "", "level": text("level", "审批级别") or "",
            "date": fields.parse_date(item["date"]),
            "doc_no": text("doc_no", "文号") if "doc_no" in item else None,
            "approver": text("approver", "审批人") if "approver" in item else None}
