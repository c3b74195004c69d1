"""The monthly report as data: the JSON document (--json), the rows in print order and
the change list as the registrar reads it, and the form's title. The numbers come from
reports/monthly/data.py."""

from __future__ import annotations

from xueji_cli.ledger.counted import at_school, on_register
from xueji_cli.records.lifecycle.undo import PERSON_FIELDS
from xueji_cli.reports.monthly.columns import column_labels, kind_label
from xueji_cli.reports.monthly.report import Change, Discrepancy, Report, Row
from xueji_cli.values import codes
from xueji_cli.values.described import sides
from xueji_cli.values.privacy import show

BALANCE = ("closing = opening + late.in − late.out + in.enrolled + in.transferred_in + in.other"
           " − out.transferred_out − out.withdrawn − out.died − out.graduated − out.other;"
           " in.resumed and out.suspended move a child between 在校 and 休学 inside the register"
           " (a suspended child is still 在籍), and borrowing never changes it")


def row_dict(report: Report, row: Row) -> dict:
    school = report.schools.get(row.school_id)
    return {
        "school": school.code if school else None,
        "grade": row.grade,
        "opening": row.opening,
        "closing": row.closing,
        "at_school": row.at_school,
        "in": {"enrolled": row.inc["enrolled"], "transferred_in": row.inc["transferred_in"],
               "resumed": row.resumed, "other": row.inc["other"]},
        "out": {"transferred_out": row.dec["transferred_out"], "suspended": row.suspended,
                "withdrawn": row.dec["withdrawn"], "died": row.dec["died"],
                "graduated": row.dec["graduated"], "other": row.dec["other"]},
        "borrowed_in": row.borrowed_in,
        "borrowed_out": row.borrowed_out,
        "late": {"in": row.late_in, "out": row.late_out},
        "suspended_now": row.suspended_now,
        "away_now": row.away_now,
        "borrowing_here": row.borrowing_here,
        "ended": {"in": row.ended_in, "out": row.ended_out},
    }


def row_from_dict(d: dict) -> Row:
    """A row of a document (a submitted month's) as the form prints it; `school_id` is
    the school's code."""
    row = Row(d["school"], d["grade"], d["opening"], d["closing"], d["at_school"],
              d["suspended_now"], d["borrowing_here"], d["away_now"],
              suspended=d["out"]["suspended"], resumed=d["in"]["resumed"],
              borrowed_in=d["borrowed_in"], borrowed_out=d["borrowed_out"],
              ended_in=d["ended"]["in"], ended_out=d["ended"]["out"],
              late_in=d["late"]["in"], late_out=d["late"]["out"])
    row.inc.update({k: d["in"][k] for k in ("enrolled", "transferred_in", "other")})
    row.dec.update({k: d["out"][k] for k in ("transferred_out", "withdrawn", "died", "graduated",
                                             "other")})
    return row


def all_rows(report: Report) -> list[Row]:
    """Grade rows of each school, then its subtotal (grade None); the township total
    (school None) last, when the report covers every school."""
    rows, total = [], Row(None, None)
    for school_id in report.school_ids():
        subtotal = report.subtotal(school_id)
        rows += report.grade_rows(school_id)
        rows.append(subtotal)
        total.absorb(subtotal)
    if report.school_filter is None:
        rows.append(total)
    return rows


def masked(number: str | None, reveal: bool) -> str:
    return show(number, reveal, national=True)


def describe(state: dict, schools: dict) -> str:
    if not state:
        return ""
    school = schools.get(state.get("school_id"))
    where = f"{school.code} {school.name} " if school else ""
    kind = "借读 " if state.get("kind") == "borrowing" else ""
    return (f"{where}{state.get('grade')}年级{state.get('class_no') or ''}班 "
            f"{kind}{codes.label('status', state.get('status'))}").strip()


def change_dict(report: Report, change: Change, reveal: bool = False) -> dict:
    step, entry = change.step, report.entries.get(change.step.id)
    local, national, name, _id_number, _person = report.people.get(step.student_id, (None,) * 5)
    labels = column_labels()
    state = change.after or change.before
    school = report.schools.get(state.get("school_id") or step.school_id)
    # Where the child came from and went: the other school for arrivals and departures,
    # else the record's place and state before and after.
    arrived = not (on_register(change.before) or at_school(change.before))
    left = not (on_register(change.after) or at_school(change.after)) or \
        change.after.get("status") == "borrowed_out"
    from_text = (entry.from_school if entry is not None and entry.from_school and arrived else None) \
        or describe(change.before, report.schools)
    to_text = (entry.to_school if entry is not None and entry.to_school and left else None) \
        or describe(change.after, report.schools)
    if entry is not None and PERSON_FIELDS & set((entry.details or {}).get("new") or {}):
        # a correction or a change of details (or their undo): the values, old → new
        from_text, to_text = sides(entry.details, reveal)
    return {
        "entry": step.id,
        "date": step.effective_date.isoformat(),
        "school": school.code if school else None,
        "grade": state.get("grade"),
        "class": state.get("class_no"),
        "local_number": local,
        "name": name,
        "national_number": masked(national, reveal),
        "kind": step.kind,
        "kind_label": codes.entry_label(step.kind, entry.details)
        if step.kind == "undo" and entry is not None else kind_label(step.kind),
        "column": change.column,
        "column_label": labels.get(change.column or "", ""),
        "from": from_text,
        "to": to_text,
        "reason": entry.reason if entry is not None else None,
        "evidence": list(entry.evidence or []) if entry is not None else [],
        "flags": change.flags,
    }


def discrepancy_dict(report: Report, d: Discrepancy) -> dict:
    local, _national, name, _id, _person = report.people.get(d.student_id, (None,) * 5)
    school = report.schools.get(d.school_id)
    return {"kind": d.kind, "school": school.code if school else None, "grade": d.grade,
            "entry": d.entry_id, "local_number": local, "name": name,
            "message": d.message, "hint": d.hint}


def difference_dict(report: Report, row: Row) -> dict:
    school = report.schools.get(row.school_id)
    return {"school": school.code if school else None, "grade": row.grade,
            "expected": row.expected, "closing": row.closing, "difference": row.closing - row.expected}


def as_document(report: Report, reveal: bool = False) -> dict:
    return {
        "month": report.month,
        "balanced": report.balanced,
        "rows": [row_dict(report, r) for r in all_rows(report)],
        "changes": [change_dict(report, c, reveal) for c in report.changes],
        "late": [change_dict(report, c, reveal) for c in report.late],
        "school": report.schools[report.school_filter].code if report.school_filter else None,
        "balance": BALANCE,
        "differences": [difference_dict(report, r) for r in report.cell_differences],
        "discrepancies": [discrepancy_dict(report, d) for d in report.discrepancies],
        "warnings": report.warnings,
    }


def title(directory_name: str, report: Report) -> str:
    """「示范镇学籍变动情况月报(2026年10月)」: the township from the directory's name."""
    name = directory_name
    for suffix in ("中心学校", "中心校", "中心小学", "学区"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if report.school_filter is not None:
        name = report.schools[report.school_filter].name
    return f"{name}学籍变动情况月报({report.first.year}年{report.first.month}月)"
