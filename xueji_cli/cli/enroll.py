"""xueji enroll — enroll one student, or a whole September roster with --from (cli/intake.py);
both go through the same core."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import (
    AddressOpt,
    BirthOpt,
    CapDecisionOpt,
    DateOpt,
    DryRunOpt,
    ErrorsOutOpt,
    EthnicityOpt,
    ForceOpt,
    GenderOpt,
    GuardianHukouRegionOpt,
    GuardianNameOpt,
    GuardianPhoneOpt,
    HukouRegionOpt,
    IdNumberOpt,
    IdTypeOpt,
    JsonOpt,
    NameOpt,
    NationalNumberOpt,
    NoProgressOpt,
    RemarkOpt,
    ResidenceRegionOpt,
    SheetOpt,
    ShowIdOpt,
    UnderageCommitmentOpt,
    parse_date_option,
)
from xueji_cli.cli.output import emit_json, guard, say, show_warnings, table
from xueji_cli.cli.region_options import region_codes
from xueji_cli.cli.workspace import workspace

Opt = typer.Option


def enroll(
    ctx: typer.Context,
    school: Annotated[str | None, Opt("--school", help="学校代码,如 001(用 --from 时:表中各行的学校)")] = None,
    grade: Annotated[str | None, Opt("--grade", help="年级,新生为1  [默认:1]")] = None,
    class_: Annotated[str | None, Opt("--class", help="班号  [默认:1]")] = None,
    name: NameOpt = None,
    gender: GenderOpt = None,
    birth: BirthOpt = None,
    id_type: IdTypeOpt = None,
    id_number: IdNumberOpt = None,
    national_number: NationalNumberOpt = None,
    ethnicity: EthnicityOpt = None,
    hukou_region: HukouRegionOpt = None,
    guardian_name: GuardianNameOpt = None,
    guardian_hukou_region: GuardianHukouRegionOpt = None,
    guardian_phone: GuardianPhoneOpt = None,
    residence_region: ResidenceRegionOpt = None,
    address: AddressOpt = None,
    evidence: Annotated[list[str] | None, Opt(
        "--evidence", metavar="材料",
        help="查验过的证明材料,可重复:户口簿、房产证明、接种证…(用 --from 时:对整批每个学生都"
             "查验过的材料,记入「证明材料」为空的行)")] = None,
    underage_commitment: UnderageCommitmentOpt = None,
    cap_decision: CapDecisionOpt = None,
    remark: RemarkOpt = None,
    from_: Annotated[list[str] | None, Opt(
        "--from", metavar="FILE",
        help="从花名册批量入学(.xlsx/.xls/.ods,可重复);每行按单个入学的全部规则核对")] = None,
    regions_as_hukou: Annotated[bool, Opt(
        "--regions-as-hukou",
        help="只用于 --from:声明整批每个学生的监护人户籍和现住地都与学生户口所在地相同(查验过"
             "户口簿、房产证明),补入表中没有填写的行;两个统一与服务范围按户口所在地核对")] = False,
    sheet: SheetOpt = None,
    errors_out: ErrorsOutOpt = None,
    force: ForceOpt = False,
    skip_invalid: Annotated[bool, Opt(
        "--skip-invalid", help="导入没有问题的行,跳过有问题的行(默认:有一行有问题就全部不导入)")] = False,
    no_progress: NoProgressOpt = False,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """新生入学:核对入学年龄、两个统一与服务范围、证明材料、班额、身份证号和一人一籍,
    然后编学籍号(CCKKYYSSSTNNNN)与全国学籍号。用 --from 从花名册批量入学。"""
    one_student = {"--name": name, "--gender": gender, "--birth": birth, "--id-number": id_number,
                   "--grade": grade, "--class": class_, "--hukou-region": hukou_region,
                   "--guardian-hukou-region": guardian_hukou_region,
                   "--residence-region": residence_region, "--evidence": evidence,
                   "--underage-commitment": underage_commitment, "--cap-decision": cap_decision,
                   "--national-number": national_number, "--id-type": id_type,
                   "--ethnicity": ethnicity, "--guardian-name": guardian_name,
                   "--guardian-phone": guardian_phone, "--address": address, "--remark": remark}
    if from_:
        given = [option for option, value in one_student.items()
                 if value and option != "--evidence"]  # --evidence: the whole batch's
        if given:
            _usage(ctx, f"--from 从花名册导入时不能同时给出单个学生的选项:{' '.join(given)}"
                        "(这些内容写在花名册的列中)")
        from xueji_cli.cli.intake import run_import

        run_import(ctx, from_, school, sheet, errors_out, skip_invalid, date, dry_run,
                   json_out, show_id, progress=not no_progress,
                   stated=(evidence or [], regions_as_hukou), force=force)
        return
    batch_only = [o for o, v in (("--sheet", sheet), ("--errors-out", errors_out),
                                 ("--skip-invalid", skip_invalid), ("--force", force),
                                 ("--regions-as-hukou", regions_as_hukou)) if v]
    if batch_only:
        _usage(ctx, f"{' '.join(batch_only)} 只用于 --from 花名册导入")
    # Not given at all is wrong usage (exit 2); given but blank is invalid input, which the
    # rules report with the field (exit 1) like any other bad value.
    missing = [o for o, v in (("--school", school), ("--name", name)) if v is None]
    if missing:
        _usage(ctx, f"缺少 {' 和 '.join(missing)}:登记一名学生要给出 --school 和 --name 等选项,"
                    "或用 --from 花名册.xlsx 从花名册批量入学")
    from xueji_cli.values.fields import compact_name

    shown = compact_name(name)  # the heading shows the name as it is stored
    with guard(json_out, subject=shown):
        from xueji_cli.cli.views.records import card_rows, record_dict
        from xueji_cli.records.directory.regions import load as load_regions
        from xueji_cli.records.enrollment.applicant import from_options
        from xueji_cli.records.enrollment.enrolling import enroll_one
        from xueji_cli.values import dates

        regions = region_codes(ctx, hukou_region=hukou_region,
                               guardian_hukou_region=guardian_hukou_region,
                               residence_region=residence_region)
        applicant = from_options(
            school=school, name=name, gender=gender, birth=birth, id_number=id_number,
            grade=grade or "1", class_no=class_ or "1", **regions,
            evidence=evidence or [], underage_commitment=underage_commitment,
            cap_decision=cap_decision, national_number=national_number, id_type=id_type or "1",
            ethnicity=ethnicity, guardian_name=guardian_name, guardian_phone=guardian_phone,
            address=address, remark=remark)
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            result = enroll_one(session, ws.settings, applicant, effective, dates.today(),
                                ws.operator, dry_run=dry_run)
            names = None if dry_run else load_regions(session)
            if show_id and not dry_run:
                from xueji_cli.records.directory import access

                access.note_in(session, ws.operator, "enroll", [result.student])
        if dry_run:
            document = {"ok": True, "dry_run": True, "entry_year": result.entry_year,
                        "warnings": [w.as_dict() for w in result.warnings]}
            if json_out:
                emit_json(document)
            else:
                show_warnings(result.warnings, shown)
                say(f"检查通过:{shown} 可以入学(未写入)。")
            return
        record = record_dict(result.student, result.person, result.school, show_id, names)
        if json_out:
            emit_json({"ok": True, **record, "warnings": [w.as_dict() for w in result.warnings]})
            return
        show_warnings(result.warnings, shown)
        table(f"已入学:{shown}", ["项目", "内容"], card_rows(record)[:11])


def _usage(ctx: typer.Context, message: str) -> None:
    """Wrong usage: exit 2 with the usage line (PRODUCT.md)."""
    from xueji_cli.cli.usage import Misuse

    raise Misuse(message, ctx)
