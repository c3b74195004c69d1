"""One child to enroll (`Applicant`), and building one from typed values: every value
converted, every problem collected (rule "INPUT" for a value that cannot be read),
nothing guessed.

Birth date and gender left out are taken from a valid ID number (NUM-6 makes them agree
anyway); an Excel roster row goes through the same converters (values/fields.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum.cn import ric

from xueji_cli.rules.identity import check_id_number, gender_from_id
from xueji_cli.values import fields
from xueji_cli.values.violation import Violation


@dataclass(slots=True)  # a roster holds thousands of them
class Applicant:
    """One child to enroll, with values already converted (values/fields.py)."""

    school_code: str
    name: str
    gender: str | None
    birth: dt.date | None
    grade: int
    class_no: int
    id_type: str = "1"
    id_number: str = ""
    national_number: str = ""
    hukou_region: str = ""
    guardian_hukou_region: str = ""
    residence_region: str = ""
    evidence: list[str] = field(default_factory=list)  # evidence keys
    underage_commitment: str | None = None
    cap_decision: str | None = None
    ethnicity: str | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    address: str | None = None
    remark: str | None = None
    details: dict = field(default_factory=dict)
    problems: list[Violation] = field(default_factory=list)  # values that could not be read
    # What a roster says besides the enrollment's fields, for the workflow that asked for
    # it (taking over a register: 学籍号, 入学年月, 学生状态); None when none was asked.
    asked: dict | None = None
    stated: dict | None = None  # what the registrar's statement for a roster filled in


class Collector:
    def __init__(self) -> None:
        self.problems: list[Violation] = []

    def convert(self, field: str, converter: Callable, value, default=None):
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        try:
            return converter(value)
        except ValueError as exc:
            self.problems.append(Violation("INPUT", field, str(exc),
                                           getattr(exc, "hint", "") or "改正后重新提交"))
            return default

    def text(self, field: str, value, default=None):
        """A free text (values/fields.free_text), or `default` when empty or refused."""
        return self.convert(field, fields.text_of(field), value, default) or default


def complete_from_id(id_type: str, id_number: str, gender: str | None,
                     birth: dt.date | None) -> tuple[str | None, dt.date | None]:
    """Gender and birth date left out are taken from a valid ID number (an unknown region
    is only a warning); NUM-6 makes them agree anyway."""
    if (gender is None or birth is None) and id_number and id_type == "1" \
            and not any(v.is_error for v in check_id_number(id_number)):
        birth = birth or ric.get_birth_date(id_number)
        gender = gender or gender_from_id(id_number)
    return gender, birth


def from_options(**raw) -> Applicant:
    """An Applicant from command-line values; values that cannot be read are left empty
    and listed in `applicant.problems`, to be reported with the rules' findings."""
    c = Collector()
    id_type = c.convert("id_type", fields.id_type, raw.get("id_type"), "1")
    id_number = c.convert("id_number", fields.normalise_id_number, raw.get("id_number"), "")
    gender = c.convert("gender", fields.gender, raw.get("gender"))
    birth = c.convert("birth", fields.parse_date, raw.get("birth"))
    gender, birth = complete_from_id(id_type, id_number, gender, birth)
    return Applicant(
        school_code=c.text("school", raw["school"], ""),
        name=c.convert("name", fields.person_name, raw.get("name"), ""),
        gender=gender,
        birth=birth,
        grade=c.convert("grade", fields.grade, raw.get("grade"), 1),
        class_no=c.convert("class", fields.class_no, raw.get("class_no"), 1),
        id_type=id_type,
        id_number=id_number,
        national_number=c.convert("national_number", fields.normalise_national_number,
                                  raw.get("national_number"), ""),
        hukou_region=c.convert("hukou_region", fields.region, raw.get("hukou_region"), ""),
        guardian_hukou_region=c.convert("guardian_hukou_region", fields.region,
                                        raw.get("guardian_hukou_region"), ""),
        residence_region=c.convert("residence_region", fields.region,
                                   raw.get("residence_region"), ""),
        evidence=c.convert("evidence", fields.evidence, raw.get("evidence") or [], []),
        underage_commitment=c.text("underage_commitment", raw.get("underage_commitment")),
        cap_decision=c.text("cap_decision", raw.get("cap_decision")),
        ethnicity=c.convert("ethnicity", fields.ethnicity, raw.get("ethnicity")),
        guardian_name=c.convert("guardian_name", fields.guardian_name, raw.get("guardian_name")),
        guardian_phone=c.text("guardian_phone", raw.get("guardian_phone")),
        address=c.text("address", raw.get("address")),
        remark=c.text("remark", raw.get("remark")),
        problems=c.problems,  # what the converters above could not read
    )
