"""The entry that brought each record in (enroll, transfer_in, borrow_in, takeover), and
the records whose admission lacks the evidence its rule asks for (ENR-7, TRF-8, BOR-2:
data/report.toml [evidence]) or that have none — found in SQL, so that `report stats`
reads the evidence of the few such records, not of every record of a county."""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

from xueji_cli.reports.evidence import missing_evidence
from xueji_cli.store.reading import as_date, chunks, in_list

# The entries that bring a record in; a register taken over as it stands (takeover) had its
# papers checked at an entry years ago (ENR-7 is not judged again, records/takeover).
ADMITTING = ("enroll", "transfer_in", "borrow_in", "takeover")


class Admission(NamedTuple):
    student_id: int
    id: int
    kind: str
    evidence: list
    effective_date: dt.date
    details: dict


def admissions(reader, student_ids) -> dict[int, Admission]:
    """The first admitting entry of each record (by recording order): its kind, evidence,
    day and details."""
    kinds, parameters = in_list("kind", ADMITTING)
    out: dict[int, Admission] = {}
    for chunk in chunks(sorted(set(student_ids))):
        ids, id_parameters = in_list("id", chunk)
        for row in reader.rows(
                "SELECT student_id, id, kind, CAST(evidence AS TEXT), effective_date,"
                f" CAST(details AS TEXT) FROM journal WHERE kind IN ({kinds})"
                f" AND student_id IN ({ids}) ORDER BY id", parameters | id_parameters):
            if row[0] not in out:
                out[row[0]] = Admission(row[0], row[1], row[2], _json(row[3]), as_date(row[4]),
                                        _json(row[5]))
    return out


def _json(text: str | None):
    return None if text is None else json.loads(text)


def without_admission(reader, counted: str, parameters: dict) -> list[int]:
    """The regular records matching `counted` (SQL over `s`, the student table) that no
    admitting entry brought in."""
    kinds, kind_parameters = in_list("kind", ADMITTING)
    return [row[0] for row in reader.rows(
        f"SELECT s.id FROM student s WHERE s.kind = 'regular' AND {counted}"
        " AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.student_id = s.id"
        f" AND j.kind IN ({kinds}))", parameters | kind_parameters)]


def lacking_evidence(reader) -> list[int]:
    """The records with an admitting entry that lacks evidence: each distinct evidence of
    each kind is judged once (a township's admissions carry a handful), then the entries
    with a lacking one are found by it."""
    kinds, parameters = in_list("kind", ADMITTING)
    lacking = {evidence for kind, evidence, direction in reader.rows(
        f"SELECT DISTINCT kind, CAST(evidence AS TEXT), {reader.json_text('details', 'direction')}"
        f" FROM journal WHERE kind IN ({kinds})", parameters)
        if missing_evidence(kind, _json(evidence), {"direction": direction})}
    if not lacking:
        return []
    found: set[int] = set()
    for chunk in chunks(sorted(lacking)):
        texts, text_parameters = in_list("evidence", chunk)
        found.update(row[0] for row in reader.rows(
            f"SELECT DISTINCT student_id FROM journal WHERE kind IN ({kinds})"
            f" AND CAST(evidence AS TEXT) IN ({texts}) AND student_id IS NOT NULL",
            parameters | text_parameters))
    return sorted(found)
