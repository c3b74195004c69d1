"""A school of the directory as `school list` shows it (ORG-1…ORG-3)."""

from __future__ import annotations


def school_dict(listed) -> dict:
    """One school (records/directory/schools.Listed) for the table and --json."""
    school = listed.school
    return {"code": school.code, "name": school.name, "type": school.type,
            "central": school.is_central,
            "designated_for_borrowing": school.designated_for_borrowing,
            "service_areas": listed.service_areas, "at_school": listed.at_school,
            "closed_on": school.closed_on.isoformat() if school.closed_on else None,
            "national_id": school.national_id}
