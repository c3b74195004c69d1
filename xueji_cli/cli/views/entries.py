"""A journal entry (学籍变动) as the registrar sees it in `student show`, `log` and after a
change, and as scripts see it (JSON): its kind, what it set, in words. ID and national
numbers are masked unless --show-id."""

from __future__ import annotations

from xueji_cli.values import codes
from xueji_cli.values.described import describe_details
from xueji_cli.values.labels import field


def describe_statement(details: dict | None) -> str:
    """What the registrar's statement for a whole roster gave this child
    (records/enrollment/statement.py), e.g. `整批声明:证明材料 户口簿、房产证明;监护人户口所在地、
    现住地同户口所在地`."""
    stated = (details or {}).get("statement")
    if not stated:
        return ""
    parts = []
    if stated.get("evidence"):
        parts.append(f"证明材料 {'、'.join(stated['evidence'])}")
    if stated.get("regions_as_hukou"):
        parts.append(f"{'、'.join(map(field, stated['regions_as_hukou']))}同户口所在地")
    return "整批声明:" + ";".join(parts)


def describe_sets(sets: dict, schools: dict) -> str:
    """What a journal entry set, in words: 学校、年级班级、状态、号码."""
    parts = []
    if "school_id" in sets and sets["school_id"] in schools:
        school = schools[sets["school_id"]]
        parts.append(f"{school.code} {school.name}")
    if "grade" in sets or "class_no" in sets:
        parts.append(f"{sets.get('grade', '')}年级{sets.get('class_no', '')}班")
    if "status" in sets:
        parts.append(codes.label("status", sets["status"]))
    return ",".join(parts)


def entry_dict(entry, schools: dict, student=None, person=None, reveal: bool = False) -> dict:
    from xueji_cli.values.dates import china_time

    school = schools.get(entry.school_id)
    return {
        "id": entry.id,
        "kind": entry.kind,
        "kind_label": codes.entry_label(entry.kind, entry.details),
        "national_code": entry.national_code,
        "effective_date": entry.effective_date.isoformat(),
        "recorded_at": china_time(entry.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
        "operator": entry.operator,
        "school": school.code if school else None,
        "local_number": student.local_number if student else None,
        "name": person.name if person else None,
        "from_school": entry.from_school,
        "to_school": entry.to_school,
        "reason": entry.reason,
        "evidence": entry.evidence,
        "approvals": entry.approvals,
        "sets": ";".join(filter(None, (
            describe_details(entry.details, reveal) or describe_sets(entry.sets, schools),
            describe_statement(entry.details)))),
        "statement": (entry.details or {}).get("statement"),
        "remark": entry.remark,
        "corrects": entry.corrects,
        "case_ref": entry.case_ref,
    }
