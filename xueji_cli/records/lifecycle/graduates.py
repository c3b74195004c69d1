"""The graduation roster (毕业生花名册, REP-4): the graduates of one school year's turn as
the journal records them, and the printable xlsx (one sheet per school, for the stamp and
for the national system: ID and national numbers in full, as text; the file is readable by
its owner only)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from xueji_cli.excel import sheets
from xueji_cli.ledger.models import JournalEntry, Person, School, Student
from xueji_cli.records.directory import schools as schools_mod
from xueji_cli.records.lifecycle.undo import undone_ids
from xueji_cli.values import codes
from xueji_cli.values.operators import signature

HEADERS = ["序号", "学籍号", "全国学籍号", "姓名", "性别", "出生日期", "身份证号", "民族",
           "班级", "入学年份", "毕业日期", "备注"]
WIDTHS = [6, 17, 22, 10, 6, 12, 21, 8, 7, 9, 12, 22]
TEXT_COLUMNS = {1, 2, 6}  # numbers that must stay text (leading zeros, 18 digits)


def rows(session: Session, year: int, school_code: str | None = None) -> list[dict]:
    """The graduates of YEAR's turn, by school, class and local number; a graduation
    undone or replaced by a repeat (the record is no longer graduated) is left out."""
    query = (select(JournalEntry, Student, Person, School)
             .join(Student, Student.id == JournalEntry.student_id)
             .join(Person, Person.id == Student.person_id)
             .join(School, School.id == Student.school_id)
             .where(JournalEntry.kind == "graduate",
                    JournalEntry.batch.like(f"promote-{year}-%")))
    if school_code:
        query = query.where(School.code == schools_mod.normalise_code(school_code))
    undone = undone_ids(session)
    found = []
    for entry, student, person, school in session.exec(query):
        if entry.id in undone or student.status != "graduated":  # undone, or made a repeat
            continue
        found.append({
            "school": school.code, "school_name": school.name,
            "local_number": student.local_number, "national_number": student.national_number,
            "name": person.name, "gender": codes.label("gender", person.gender),
            "birth_date": person.birth_date, "id_number": person.id_number,
            "ethnicity": codes.label("ethnicity", person.ethnicity),
            "grade": student.grade, "class": student.class_no, "entry_year": student.entry_year,
            "graduated_on": entry.effective_date, "remark": entry.remark or ""})
    found.sort(key=lambda r: (r["school"], r["class"], r["local_number"] or ""))
    return found


def _sheet_name(code: str, name: str) -> str:
    cleaned = "".join(c for c in f"{code} {name}" if c not in "[]:*?/\\")
    return cleaned[:31]


def write(graduates: list[dict], year: int, path: Path, operator: str = "") -> Path:
    """One sheet per school: title, the school and count, the table, and the lines for
    the stamp and signatures, 经办人 the registrar's name (blank for an account,
    values/operators.py). Returns the path written."""
    wb, first = sheets.new_workbook()
    by_school: dict[str, list[dict]] = {}
    for row in graduates:
        by_school.setdefault(row["school"], []).append(row)
    for index, (code, group) in enumerate(sorted(by_school.items())):
        ws = first if index == 0 else wb.create_sheet()
        ws.title = _sheet_name(code, group[0]["school_name"])
        width = len(HEADERS)
        sheets.title_row(ws, 1, f"{group[0]['school_name']} {year}—{year + 1}学年毕业生花名册", width)
        dates = sorted({r["graduated_on"] for r in group})
        sheets.title_row(ws, 2, f"学校代码 {code}    毕业日期 {'、'.join(f'{d:%Y-%m-%d}' for d in dates)}"
                         f"    共 {len(group)} 人", width, sheets.HEADER_FONT, 20)
        body = [[n, r["local_number"] or "", r["national_number"] or "", r["name"], r["gender"],
                 r["birth_date"], r["id_number"] or "", r["ethnicity"], f"{r['class']}班",
                 r["entry_year"], r["graduated_on"], r["remark"]]
                for n, r in enumerate(group, start=1)]
        end = sheets.table(ws, 3, HEADERS, body, WIDTHS, TEXT_COLUMNS)
        for row in range(4, end):
            for col in (6, 11):
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        sheets.title_row(ws, end + 1, "学校(盖章):                校长:                "
                         f"经办人:{signature(operator) or '            '}    "
                         "            日期:    年  月  日", width, sheets.BODY_FONT, 30)
        sheets.page_setup(ws, landscape=True, title_rows="3:3")
    if not by_school:
        first.title = "毕业生花名册"
        sheets.title_row(first, 1, f"{year}—{year + 1}学年毕业生花名册:没有毕业生", len(HEADERS))
    return sheets.save(wb, path)
