"""The student who arrives, from what the registrar has in hand: the certificate's data
sheet (`--from-file`), or the paper certificate typed in. Every value goes through the
converters of values/fields.py (texts through free_text); what cannot be read is reported
with the rules' findings."""

from __future__ import annotations

from pathlib import Path

from xueji_cli.records.enrollment.applicant import Collector, from_options
from xueji_cli.records.transfer import certificate as transfer_paper
from xueji_cli.records.transfer.cases import Certified, Incoming
from xueji_cli.values import fields
from xueji_cli.values.errors import InputError
from xueji_cli.values.labels import OPTION

IDENTITY = ("name", "gender", "birth", "id_number", "id_type", "national_number", "ethnicity",
            "from_school", "from_region")
# What a family that moved brings up to date at the receiving school.
UPDATABLE = {"hukou_region": fields.region, "guardian_hukou_region": fields.region,
             "residence_region": fields.region, "guardian_phone": fields.text_of("guardian_phone"),
             "address": fields.text_of("address"), "guardian_name": fields.guardian_name}


def incoming_from(from_file: str | None, grade: str | None,
                  typed: dict) -> tuple[Incoming, Certified, int | None, list[str]]:
    """(the person, what the certificate certifies, the grade typed, the evidence it
    brings)."""
    c = Collector()
    grade_no = c.convert("grade", fields.grade, grade)
    if from_file:
        clash = [OPTION[k] for k in IDENTITY if typed.get(k)]
        if clash:
            raise InputError("from_file", f"用 --from-file 导入时,学生身份信息以转学证明为准,不能另填 {' '.join(clash)}",
                             "去掉这些选项;证明上的信息有误的,请原学校重新开具")
        person, certified, _values = transfer_paper.read(Path(from_file))
        for key, converter in UPDATABLE.items():
            value = c.convert(key, converter, typed.get(key))
            if value:
                setattr(person, key, value)
        person.problems += c.problems
        # The evidence the origin checked travels with the certificate, which is itself one.
        return person, certified, grade_no, certified.evidence + ["transfer_certificate"]
    # Identity and family are read exactly as an enrollment reads them.
    applicant = from_options(school="", **{k: typed.get(k) for k in (
        "name", "gender", "birth", "id_number", "id_type", "national_number", "ethnicity",
        *UPDATABLE)})
    person = Incoming(
        name=applicant.name, gender=applicant.gender, birth=applicant.birth, grade=None,
        from_name=c.text("from_school", typed.get("from_school"), ""),
        from_region=c.convert("from_region", fields.region, typed.get("from_region"), ""),
        id_type=applicant.id_type, id_number=applicant.id_number,
        national_number=applicant.national_number, ethnicity=applicant.ethnicity,
        problems=list(applicant.problems),
        **{key: getattr(applicant, key) or None for key in UPDATABLE})
    if not person.from_name and all(v.field != "from_school" for v in c.problems):
        person.problems.append(_missing("from_school", "原学校名称", "--from-school"))
    person.problems += c.problems
    return person, Certified(), grade_no, []


def _missing(field: str, label: str, option: str):
    from xueji_cli.values.violation import Violation

    return Violation("TRF-8", field, f"缺少{label}", f"照转学证明用 {option} 填写")
