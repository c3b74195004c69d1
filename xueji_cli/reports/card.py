"""The student registration form (学生登记表 / 学籍卡, S17, REP-5): one child's identity,
family, entry and every change with its evidence, printable on one A4 page. It is the
paper that follows a child on transfer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.styles import Font
from sqlmodel import Session

from xueji_cli.excel import sheets
from xueji_cli.excel.sheets import BODY_FONT, BORDER, CENTER, HEADER_FONT, LEFT, set_text
from xueji_cli.records.directory import regions, students
from xueji_cli.records.directory.region_names import Regions, with_name
from xueji_cli.reports.monthly.sheet import fit_rows
from xueji_cli.values import codes
from xueji_cli.values.dates import china_time
from xueji_cli.values.described import describe_details
from xueji_cli.values.operators import signature
from xueji_cli.values.privacy import mask_phone, show

REGION_FIELDS = ("hukou_region", "guardian_hukou_region", "residence_region")


def card(session: Session, found: students.Found, reveal: bool = False,
         names: Regions | None = None) -> dict:
    """Everything the form shows, for the person of `found` (all of the person's records
    and their whole history); each region's code with its name (`<field>_name`)."""
    names = names if names is not None else regions.load(session)
    person, student, school = found.person, found.student, found.school
    if person.id_number:
        records = students.records_for(session, person.id_number)
    else:
        records = students.records_of(session, person.id)
    schools = students.schools_by_id(session)
    history = []
    arrived = False
    for entry in students.history(session, [f.student.id for f in records]):
        try:
            label = codes.entry_label(entry.kind, entry.details)
        except KeyError:
            label = entry.kind
        approvals = [_approval_words(a) for a in entry.approvals or []]
        arrived = arrived or (entry.kind == "transfer_in" and entry.student_id == student.id)
        school_row = schools.get(entry.school_id)
        history.append({
            "date": entry.effective_date.isoformat(), "kind": entry.kind, "kind_label": label,
            "school": f"{school_row.code} {school_row.name}" if school_row else "",
            "content": _content(entry, schools, reveal), "reason": entry.reason or "",
            "evidence": [str(e) for e in entry.evidence or []], "approvals": approvals,
            "operator": signature(entry.operator),  # a form: never an account as 经办人
            "recorded": china_time(entry.recorded_at).strftime("%Y-%m-%d") if entry.recorded_at else "",
            "remark": entry.remark or ""})
    return names.named({
        "name": person.name, "gender": codes.label("gender", person.gender),
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "ethnicity": codes.label("ethnicity", person.ethnicity),
        "id_type": codes.label("id_type", person.id_type), "id_number": show(person.id_number, reveal),
        "hukou_region": person.hukou_region or "", "residence_region": person.residence_region or "",
        "address": person.address or "", "guardian_name": person.guardian_name or "",
        "guardian_phone": (person.guardian_phone if reveal else mask_phone(person.guardian_phone)) or "",
        "guardian_hukou_region": person.guardian_hukou_region or "",
        "school": school.code, "school_name": school.name,
        "local_number": student.local_number or "", "national_number": show(student.national_number, reveal, True),
        "kind": student.kind, "kind_label": codes.label("record_kind", student.kind),
        "entry_year": student.entry_year, "grade": student.grade, "class": student.class_no,
        "status": student.status, "status_label": codes.label("status", student.status),
        "enrolled_on": student.enrolled_on.isoformat() if student.enrolled_on else "",
        # a record that began with a transfer in: its date is the arrival (转入日期)
        "enrolled_on_label": "转入日期" if arrived else "入学日期",
        "remark": student.remark or "",
        "records": [{"school": f.school.code, "school_name": f.school.name,
                     "local_number": f.student.local_number, "status": f.student.status,
                     "status_label": codes.label("status", f.student.status),
                     "grade": f.student.grade, "class": f.student.class_no} for f in records],
        "history": history,
    }, REGION_FIELDS)


# What an approval records, in the office's words and in this order; its internal keys
# (level, step: `school_out`) and the rule it answers (`SUS-1`) are not for the paper.
APPROVAL_WORDS = ("label", "by", "approver", "decision", "doc_no")


def _approval_words(approval) -> str:
    """转出学校初步认定 西庄小学〔2026〕3号; 中心校 示范镇中心校休审〔2026〕1号."""
    if not isinstance(approval, dict):
        return str(approval)
    words = [str(approval[k]) for k in APPROVAL_WORDS if approval.get(k)]
    if approval.get("override"):
        words.append(f"特殊情况:{approval['override']}")
    return " ".join(words)


def residence(d: dict) -> str:
    """现住址 in words: the region's name (its code only where it has none) and the address."""
    place = d.get("residence_region_name") or d.get("residence_region") or ""
    return " ".join(x for x in (place, d["address"]) if x)


def shown(d: dict, key: str) -> str:
    """A region of the card as the form shows it: 东村村委会(130283100204)."""
    return with_name(d.get(key), d.get(f"{key}_name"))


def _content(entry, schools: dict, reveal: bool) -> str:
    """What an entry did, in words: its school, grade and class, status, number, and the
    person's details it changed old → new (a correction, a change of details)."""
    parts = []
    sets = entry.sets or {}
    if "school_id" in sets and sets["school_id"] in schools:
        parts.append(schools[sets["school_id"]].name)
    if "grade" in sets or "class_no" in sets:
        grade = f"{sets['grade']}年级" if "grade" in sets else ""
        klass = f"{sets['class_no']}班" if "class_no" in sets else ""
        parts.append(grade + klass)
    if "status" in sets:
        parts.append(codes.label("status", sets["status"]))
    if "local_number" in sets and sets["local_number"]:
        parts.append(f"学籍号 {sets['local_number']}")
    if entry.from_school:
        parts.append(f"自 {entry.from_school}")
    if entry.to_school and not ("school_id" in sets):
        parts.append(f"至 {entry.to_school}")
    parts.append(describe_details(entry.details, reveal))
    return ",".join(p for p in parts if p)


def school_cards(session: Session, code: str, reveal: bool = False) -> list[dict]:
    """The form of every child of a school: on its register, or studying there on loan."""
    from xueji_cli.ledger.counted import at_school, on_register

    out = []
    names = regions.load(session)
    for found in students.listing(session, code):
        state = {"kind": found.student.kind, "status": found.student.status,
                 "school_id": found.student.school_id}
        if on_register(state) or at_school(state):
            out.append(card(session, found, reveal, names))
    return out


# -- the printed form ------------------------------------------------------------------------

WIDTH = 6
HISTORY_HEADERS = ["日期", "变动内容", "类别", "证明材料", "原因", "审批 / 经办人"]


def write(cards: list[dict], path, today: dt.date, operator: str) -> Path:
    """One A4 page per card; each stamped by the pupil's own school (REP-5)."""
    wb, first = sheets.new_workbook()
    used: set[str] = set()
    for index, data in enumerate(cards):
        ws = first if index == 0 else wb.create_sheet()
        ws.title = _sheet_name(data, used)
        _form(ws, data, today, operator)
    return sheets.save(wb, Path(path))


def _sheet_name(data: dict, used: set) -> str:
    base = (data["local_number"] or data["name"])[:28]
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}-{n}", n + 1
    used.add(name)
    return name


def _one_size(ws, first: int, last: int) -> None:
    """Every cell below the title in one size (labels bold), as a printed form reads."""
    for cells in ws.iter_rows(min_row=first, max_row=last):
        for cell in cells:
            if cell.value not in (None, ""):
                cell.font = Font(name="宋体", size=BODY_FONT.size, bold=bool(cell.font and cell.font.b))


def _pair_row(ws, row: int, pairs: list[tuple[str, str]]) -> None:
    col = 1
    for label, value in pairs:
        cell = ws.cell(row=row, column=col)
        set_text(cell, label)
        cell.font, cell.alignment, cell.border = HEADER_FONT, CENTER, BORDER
        cell = ws.cell(row=row, column=col + 1)
        set_text(cell, value)
        cell.font, cell.alignment, cell.border = BODY_FONT, LEFT, BORDER
        col += 2
    ws.row_dimensions[row].height = 24


def _wide_row(ws, row: int, label: str, value: str, height: float = 24) -> None:
    cell = ws.cell(row=row, column=1)
    set_text(cell, label)
    cell.font, cell.alignment, cell.border = HEADER_FONT, CENTER, BORDER
    cell = ws.cell(row=row, column=2)
    set_text(cell, value)
    cell.font, cell.alignment = BODY_FONT, LEFT
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=WIDTH)
    for col in range(2, WIDTH + 1):
        ws.cell(row=row, column=col).border = BORDER
    ws.row_dimensions[row].height = height


def _form(ws, d: dict, today: dt.date, operator: str) -> None:
    sheets.title_row(ws, 1, "学生登记表(学籍卡)", WIDTH)
    set_text(ws.cell(row=2, column=1), f"学校:{d['school']} {d['school_name']}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    set_text(ws.cell(row=2, column=4), f"填表日期:{today.year}年{today.month}月{today.day}日")
    ws.merge_cells(start_row=2, start_column=4, end_row=2, end_column=WIDTH)
    row = 3
    _pair_row(ws, row, [("姓名", d["name"]), ("性别", d["gender"]), ("出生日期", d["birth_date"])])
    _pair_row(ws, row + 1, [("民族", d["ethnicity"]), ("证件类型", d["id_type"]), ("证件号码", d["id_number"])])
    _pair_row(ws, row + 2, [("学籍号", d["local_number"] or "(临时借读学籍)"),
                            ("全国学籍号", d["national_number"]), ("学籍种类", d["kind_label"])])
    _pair_row(ws, row + 3, [(d["enrolled_on_label"], d["enrolled_on"]), ("入学年份", str(d["entry_year"])),
                            ("学籍状态", d["status_label"])])
    _pair_row(ws, row + 4, [("年级", f"{d['grade']}年级"), ("班级", f"{d['class']}班"),
                            ("户口所在地", shown(d, "hukou_region"))])
    _pair_row(ws, row + 5, [("监护人", d["guardian_name"]), ("联系电话", d["guardian_phone"]),
                            ("监护人户口", shown(d, "guardian_hukou_region"))])
    _wide_row(ws, row + 6, "现住址", residence(d))
    row += 8
    sheets.title_row(ws, row - 1, "学籍变动记录(含证明材料)", WIDTH, font=HEADER_FONT, height=22)
    rows = [[h["date"], h["content"], h["kind_label"], "、".join(h["evidence"]), h["reason"],
             "; ".join(x for x in h["approvals"] + [h["operator"]] if x)] for h in d["history"]]
    end = sheets.table(ws, row, HISTORY_HEADERS, rows or [["", "(无)", "", "", "", ""]])
    for r in ws.iter_rows(min_row=row + 1, max_row=end - 1):
        for cell in (r[1], r[3], r[4], r[5]):
            cell.alignment = LEFT
    _wide_row(ws, end, "备注", d["remark"], 30)
    for letter, width in zip("ABCDEF", (11, 20, 11, 20, 13, 22)):
        ws.column_dimensions[letter].width = width
    fit_rows(ws, row + 1, end - 1)
    cell = ws.cell(row=end + 2, column=1)
    set_text(cell, f"学校(盖章):{d['school_name']}            "
                   f"填表人:{signature(operator) or '____________'}        负责人:____________")
    ws.merge_cells(start_row=end + 2, start_column=1, end_row=end + 2, end_column=WIDTH)
    _one_size(ws, 2, end + 2)
    sheets.page_setup(ws, landscape=False)
    ws.page_setup.fitToHeight = 1  # one A4 page
