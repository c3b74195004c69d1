"""What the registrar states for every child of a roster (`enroll --from … --evidence X
--regions-as-hukou`), for rosters as the schools send them: the national template has no
column for the residence and the evidence, a WPS roster often none for the guardian's
household registration either.

- ENR-7: `--evidence` names the papers the registrar checked for every child of the batch;
  a row whose own 证明材料 is empty is recorded with them.
- ENR-2: `--regions-as-hukou` states that each child's guardian is registered, and the
  child lives, where the child's household is registered, as the 户口簿 and 房产证明
  showed; a row's own guardian's registration and residence are kept. The two agreements
  then hold by that statement, and ENR-2 is judged on the child's 户口所在地 and the
  school's service area.

A row's own columns always win; a cell that could not be read is reported as such, never
filled. Each child whose row the statement completed carries what it gave
(`Applicant.stated`), which its journal entry records in details["statement"] (CHG-3:
the record says on what the registrar's word it was made).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xueji_cli.records.enrollment.applicant import Applicant
from xueji_cli.values import codes

REGIONS = ("guardian_hukou_region", "residence_region")  # what --regions-as-hukou fills


@dataclass(frozen=True)
class Statement:
    evidence: tuple[str, ...] = ()  # evidence keys (values/fields.evidence)
    regions_as_hukou: bool = False
    # what a completed row records, one dict per combination (a roster shares a few)
    _records: dict = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.evidence) or self.regions_as_hukou

    @property
    def fields(self) -> frozenset[str]:
        """The required roster columns the statement stands in for (excel/columns.REQUIRED)."""
        return frozenset((("evidence",) if self.evidence else ())
                         + (REGIONS if self.regions_as_hukou else ()))

    def as_dict(self) -> dict:
        return {"evidence": [codes.evidence_label(key) for key in self.evidence],
                "regions_as_hukou": self.regions_as_hukou}

    def complete(self, applicant: Applicant) -> None:
        """Fill what the row leaves empty from the statement, and note what was filled."""
        unreadable = {p.field for p in applicant.problems} if applicant.problems else ()
        evidence = bool(self.evidence) and not applicant.evidence \
            and "evidence" not in unreadable
        regions = tuple(key for key in REGIONS if not getattr(applicant, key)
                        and key not in unreadable) \
            if self.regions_as_hukou and applicant.hukou_region else ()
        if not (evidence or regions):
            return
        if evidence:
            applicant.evidence = list(self.evidence)
        for key in regions:
            setattr(applicant, key, applicant.hukou_region)
        applicant.stated = self._recorded(evidence, regions)

    def _recorded(self, evidence: bool, regions: tuple[str, ...]) -> dict:
        found = self._records.get((evidence, regions))
        if found is None:
            found = self._records[(evidence, regions)] = (
                ({"evidence": self.as_dict()["evidence"]} if evidence else {})
                | ({"regions_as_hukou": list(regions)} if regions else {}))
        return found


def counted(applicants) -> dict[str, int]:
    """How many rows the statement completed, field by field (evidence, then REGIONS)."""
    counts = dict.fromkeys(("evidence", *REGIONS), 0)
    for applicant in applicants:
        stated = applicant.stated
        if stated:
            if "evidence" in stated:
                counts["evidence"] += 1
            for key in stated.get("regions_as_hukou", ()):
                counts[key] += 1
    return counts
