"""A disciplinary sanction (纪律处分, TRF-7) as the registrar and scripts see it; with the
student when listed. ID numbers are masked unless --show-id."""

from __future__ import annotations

from xueji_cli.values import codes
from xueji_cli.values.privacy import show


def sanction_dict(sanction, student=None, person=None, school=None, reveal: bool = False) -> dict:
    d = {"case": sanction.case_ref, "kind": sanction.kind,
         "kind_label": codes.label("sanction_kind", sanction.kind),
         "given_on": sanction.given_on.isoformat(), "reason": sanction.reason,
         "doc_no": sanction.doc_no, "in_force": sanction.in_force,
         "revoked_on": sanction.revoked_on.isoformat() if sanction.revoked_on else None,
         "revoke_reason": sanction.revoke_reason}
    if student is not None:
        d.update({"local_number": student.local_number, "name": person.name,
                  "id_number": show(person.id_number, reveal), "school": school.code,
                  "school_name": school.name, "grade": student.grade, "class": student.class_no})
    return d
