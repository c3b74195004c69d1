"""The suspension certificate (休学证明), SUS-1 [QA] 开具休学证明一式两份: two identical
copies on one A4 page — the school's file copy (存根) above, the family's copy below — with
a cut line between them for the seal across the cut (骑缝章). Written through excel/sheets.py
(text cells, A4, atomic owner-only save).

The national number carries the ID number: it is masked unless `reveal`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.styles import Alignment, Font

from xueji_cli.excel import sheets
from xueji_cli.rules.suspension import years_words
from xueji_cli.store.settings import Settings
from xueji_cli.values import codes
from xueji_cli.values.dates import years_later
from xueji_cli.values.operators import signature
from xueji_cli.values.privacy import show

COLUMNS = 6
WIDTHS = [11, 17, 11, 17, 11, 19]
COPIES = (("存根", "学校存档"), ("正本", "交学生家长收执"))
NOTICE_FONT = Font(name="宋体", size=10)
SMALL_FONT = Font(name="宋体", size=9)
LABEL_FONT = Font(name="宋体", size=10, bold=True)
RIGHT = Alignment(horizontal="right", vertical="center")
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
VALUE_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
LINE_HEIGHT = 15  # points per line of 10-point text


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in cells `width` characters wide (a Chinese character
    is about two)."""
    cells = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-int(cells * 0.95) // int(width)))


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _period(case) -> str:
    days = (case.until - case.start).days
    years = next((n for n in (1, 2) if years_later(case.start, n) == case.original_until), None)
    length = f"{years_words(years)}({days}天)" if years else f"{days}天"
    return f"自{chinese_date(case.start)}起至{chinese_date(case.original_until)}止,共{length}" \
        if not case.extensions else \
        f"自{chinese_date(case.start)}起至{chinese_date(case.original_until)}止"


def _extensions(case) -> str:
    parts = [f"{chinese_date(dt.date.fromisoformat(e['on']))}续办至"
             f"{chinese_date(dt.date.fromisoformat(e['until']))}" for e in case.extensions]
    total = (case.until - case.chain_start).days
    return ";".join(parts) + f"(连续休学共{total}天)"


def _approvals(case) -> str:
    words = {"SUS-1": "中心校审批", "SUS-5": "超过同年级休学比例的理由", "SUS-6": "学校责令休学决定"}
    parts = []
    for item in case.approvals:
        label = words.get(item.get("for"), item.get("for", "")) + (
            f"({item['step']})" if item.get("step") else "")
        parts.append(f"{label}:{item.get('decision') or item.get('override') or ''}")
    return ";".join(parts) or "—"


def _reason(case) -> str:
    text = case.reason_label
    if case.hospital:
        text += f"(经{case.hospital}诊断)"
    if case.reason == "other" and case.remark:
        text += f":{case.remark}"
    return text


def fields_of(settings: Settings, found, case, reveal: bool) -> list[tuple]:
    """The certificate's content, as (label, value) rows; a row of three pairs is a
    tuple of six."""
    student, person, school = found.student, found.person, found.school
    rows = [
        ("姓名", person.name, "性别", codes.label("gender", person.gender),
         "出生日期", chinese_date(person.birth_date)),
        ("学籍号", student.local_number or "", "全国学籍号",
         show(student.national_number, reveal, national=True)),
        ("学校", school.name, "休学时年级",
         f"{case.grade or student.grade}年级{case.class_no or student.class_no}班"),
        ("休学原因", _reason(case)),
        ("休学期限", _period(case)),
    ]
    if case.extensions:
        rows.append(("续办休学", _extensions(case)))
    rows += [("证明材料", "、".join(case.evidence) or "—"), ("审批", _approvals(case))]
    return rows


def notice(case, settings: Settings) -> str:
    policy = settings.policy
    if case.reason == "infectious":
        opening = "该生患严重传染病,由学校责令休学。"
    elif case.reason == "other":
        opening = f"该生因{case.remark or '其他原因'}申请休学,经学校调查属实,同意休学。"
    else:
        opening = f"该生因{case.reason_label}申请休学,经学校调查属实,同意休学。"
    return (opening + "休学期间保留学籍,学籍号不变,"
            f"不得到其他学校就读。休学期满,须持本证明和县级以上医院康复证明到校办理复学手续;"
            f"期满仍不能复学的,应在期满前{policy.suspension_renew_notice_days}天内办理续办休学手续,"
            f"连续休学不超过{policy.suspension_max_years}年。")


def _cell(ws, row: int, first: int, last: int, text: str, font=sheets.BODY_FONT,
          align=sheets.CENTER, border: bool = True) -> None:
    cell = ws.cell(row=row, column=first)
    sheets.set_text(cell, text)
    cell.font, cell.alignment = font, align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    if border:
        for col in range(first, last + 1):
            ws.cell(row=row, column=col).border = sheets.BORDER


def _copy(ws, top: int, title: str, subtitle: str, settings: Settings, found, case,
          reveal: bool) -> int:
    """One copy from row `top`; returns the next free row."""
    school = found.school
    sheets.title_row(ws, top, f"{school.name}休学证明", COLUMNS, height=30)
    _cell(ws, top + 1, 1, COLUMNS, f"({title} · {subtitle})", SMALL_FONT, border=False)
    _cell(ws, top + 2, 1, COLUMNS, f"编号:{case.certificate_no}", SMALL_FONT, RIGHT, border=False)
    row = top + 3
    for item in fields_of(settings, found, case, reveal):
        ws.row_dimensions[row].height = 24
        if len(item) == 6:
            for i in range(0, 6, 2):
                _cell(ws, row, i + 1, i + 1, item[i], LABEL_FONT)
                _cell(ws, row, i + 2, i + 2, item[i + 1])
        elif len(item) == 4:
            _cell(ws, row, 1, 1, item[0], LABEL_FONT)
            _cell(ws, row, 2, 3, item[1])
            _cell(ws, row, 4, 4, item[2], LABEL_FONT)
            _cell(ws, row, 5, 6, item[3])
        else:
            _cell(ws, row, 1, 1, item[0], LABEL_FONT)
            _cell(ws, row, 2, COLUMNS, item[1], align=VALUE_LEFT)
            lines = _lines(item[1], sum(WIDTHS[1:]) - 2)
            ws.row_dimensions[row].height = max(24, lines * LINE_HEIGHT + 8)
        row += 1
    text = notice(case, settings)
    _cell(ws, row, 1, COLUMNS, text, NOTICE_FONT, TOP_LEFT)
    ws.row_dimensions[row].height = _lines(text, sum(WIDTHS) - 2) * LINE_HEIGHT + 16
    row += 1
    _cell(ws, row, 1, 3, "学校(盖章)", NOTICE_FONT, border=False)
    _cell(ws, row, 4, COLUMNS, f"{settings.name}(审批盖章)", NOTICE_FONT, border=False)
    ws.row_dimensions[row].height = 48
    row += 1
    _cell(ws, row, 1, 3, f"经办人:{signature(case.operator)}", NOTICE_FONT, border=False)
    _cell(ws, row, 4, COLUMNS, f"开具日期:{chinese_date(case.processed_on)}", NOTICE_FONT,
          border=False)
    return row + 1


def write(path: Path, settings: Settings, found, case, reveal: bool = False) -> Path:
    wb, ws = sheets.new_workbook()
    ws.title = "休学证明"
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    (title, subtitle), (family_title, family_subtitle) = COPIES
    row = _copy(ws, 1, title, subtitle, settings, found, case, reveal)
    ws.row_dimensions[row].height = 30
    _cell(ws, row, 1, COLUMNS, "- - - - - - - - - - 沿此线裁开,骑缝处加盖学校公章 - - - - - - - - - -",
          SMALL_FONT, border=False)
    _copy(ws, row + 1, family_title, family_subtitle, settings, found, case, reveal)
    sheets.page_setup(ws, landscape=False)
    ws.page_setup.fitToHeight = 1  # both copies on one page
    return sheets.save(wb, path)
