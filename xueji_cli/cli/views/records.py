"""One student record as the registrar sees it (tables) and as scripts see it (JSON).
ID and national numbers, and the guardian's phone, are masked unless --show-id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from xueji_cli.records.directory.plain_list import iso, labeller
from xueji_cli.records.directory.region_names import with_name
from xueji_cli.values import codes
from xueji_cli.values.privacy import mask_phone, show

REGION_FIELDS = ("hukou_region", "guardian_hukou_region", "residence_region")


def record_dict(student, person, school, reveal: bool = False, regions=None) -> dict:
    """The record; each region's code with its name (`<field>_name`, None when the
    directory's region table does not name it or `regions` was not loaded)."""
    record = {
        "local_number": student.local_number,
        "national_number": show(student.national_number, reveal, national=True),
        "name": person.name,
        "gender": codes.label("gender", person.gender),
        "birth_date": person.birth_date.isoformat(),
        "id_type": person.id_type,
        "id_number": show(person.id_number, reveal),
        "ethnicity": codes.label("ethnicity", person.ethnicity),
        "school": school.code,
        "school_name": school.name,
        "kind": student.kind,
        "entry_year": student.entry_year,
        "grade": student.grade,
        "class": student.class_no,
        "status": student.status,
        "status_label": codes.label("status", student.status),
        "enrolled_on": student.enrolled_on.isoformat(),
        "hukou_region": person.hukou_region,
        "guardian_name": person.guardian_name,
        "guardian_phone": person.guardian_phone if reveal else mask_phone(person.guardian_phone),
        "guardian_hukou_region": person.guardian_hukou_region,
        "residence_region": person.residence_region,
        "address": person.address,
        "remark": student.remark,
    }
    for key in REGION_FIELDS:
        record[f"{key}_name"] = regions.name(record[key]) if regions is not None else None
    return record


def region_shown(d: dict, key: str) -> str:
    """「东村村委会(130283100204)」, or the code alone when it has no name."""
    return with_name(d.get(key), d.get(f"{key}_name"))


LIST_COLUMNS = ["学籍号", "姓名", "性别", "出生日期", "身份证号", "学校", "年级", "班级", "状态"]


def list_row(d: dict) -> list:
    return [d["local_number"] or "(借读)", d["name"], d["gender"], d["birth_date"], d["id_number"],
            f"{d['school']} {d['school_name']}", d["grade"], d["class"], d["status_label"]]


# The CSV export: every field of the list's JSON, headed as the registrar reads them, in
# the order of records/directory/plain_list.COLUMNS.
CSV_HEADER = ["学籍号", "全国学籍号", "姓名", "性别", "出生日期", "证件类型", "身份证号", "民族",
              "学校代码", "学校", "入学年份", "年级", "班级", "学籍状态", "入学日期", "户口所在地",
              "监护人", "监护人电话", "监护人户口所在地", "现住地", "现住址", "备注"]


def csv_rows(rows: Iterable[tuple], reveal: bool) -> Iterator[list]:
    """Each row of plain_list.rows as the CSV's cells: the values record_dict gives, the
    numbers and the phone masked unless --show-id."""
    gender, ethnicity, status_label = (labeller(t) for t in ("gender", "ethnicity", "status"))
    for (local_number, national_number, name, gender_code, birth_date, id_type, id_number,
         ethnicity_code, school, school_name, entry_year, grade, class_no, status, enrolled_on,
         hukou_region, guardian_name, phone, guardian_hukou_region, residence_region, address,
         remark) in rows:
        yield [local_number, show(national_number, reveal, national=True), name,
               gender(gender_code), iso(birth_date), id_type, show(id_number, reveal),
               ethnicity(ethnicity_code), school, school_name, entry_year, grade, class_no,
               status_label(status), iso(enrolled_on), hukou_region, guardian_name,
               phone if reveal else mask_phone(phone), guardian_hukou_region, residence_region,
               address, remark]


def card_rows(d: dict) -> list[list[str]]:
    """Label/value pairs of the record card."""
    return [
        ["姓名", d["name"]], ["性别", d["gender"]], ["出生日期", d["birth_date"]],
        ["身份证件", f"{codes.label('id_type', d['id_type'])} {d['id_number']}"],
        ["民族", d["ethnicity"]], ["学籍号", d["local_number"] or "(临时借读学籍,无学籍号)"],
        ["全国学籍号", d["national_number"] or "(尚无)"],
        ["学校", f"{d['school']} {d['school_name']}"],
        ["年级班级", f"{d['grade']}年级{d['class']}班(入学年份 {d['entry_year']})"],
        ["学籍状态", d["status_label"]], ["入学日期", d["enrolled_on"]],
        ["户口所在地", region_shown(d, "hukou_region")], ["监护人", d["guardian_name"] or ""],
        ["监护人电话", d["guardian_phone"] or ""],
        ["监护人户口所在地", region_shown(d, "guardian_hukou_region")],
        ["现住地", region_shown(d, "residence_region")], ["现住址", d["address"] or ""],
        ["备注", d["remark"] or ""],
    ]
