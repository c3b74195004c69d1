"""xueji enroll — enroll one student (the September roster import builds on the same core)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.common import (DateOpt, JsonOpt, ShowIdOpt, emit_json, guard, parse_date_option,
                                  say, show_warnings, table, workspace)

Opt = typer.Option


def enroll(
    ctx: typer.Context,
    school: Annotated[str, Opt("--school", help="学校代码,如 001")],
    name: Annotated[str, Opt("--name", help="姓名(以户口簿为准)")],
    gender: Annotated[str | None, Opt("--gender", help="性别:男/女(不填则按身份证号)")] = None,
    birth: Annotated[str | None, Opt("--birth", help="出生日期(不填则按身份证号)")] = None,
    id_number: Annotated[str | None, Opt("--id-number", help="18位公民身份号码")] = None,
    grade: Annotated[str, Opt("--grade", help="年级,新生为1")] = "1",
    class_: Annotated[str, Opt("--class", help="班号")] = "1",
    hukou_region: Annotated[str | None, Opt("--hukou-region", metavar="R",
                                            help="学生户口所在地区划代码 (ENR-2)")] = None,
    guardian_hukou_region: Annotated[str | None, Opt("--guardian-hukou-region", metavar="R",
                                                     help="法定监护人户口所在地区划代码")] = None,
    residence_region: Annotated[str | None, Opt("--residence-region", metavar="R",
                                                help="实际常住地区划代码")] = None,
    evidence: Annotated[list[str] | None, Opt("--evidence", metavar="材料",
                                              help="查验过的证明材料,可重复:户口簿、房产证明、接种证…")] = None,
    underage_commitment: Annotated[str | None, Opt("--underage-commitment", metavar="DOC",
                                                   help="不足龄入学的监护人承诺书(编号或名称)")] = None,
    cap_decision: Annotated[str | None, Opt("--cap-decision", metavar="DOC",
                                            help="班额已满仍接收的批准决定(文号)")] = None,
    national_number: Annotated[str | None, Opt("--national-number",
                                               help="全国学籍号(无身份证号者填 L/J 字头号)")] = None,
    id_type: Annotated[str, Opt("--id-type", help="证件类型代码,默认 1 居民身份证")] = "1",
    ethnicity: Annotated[str | None, Opt("--ethnicity", help="民族,如 汉族 或 01")] = None,
    guardian_name: Annotated[str | None, Opt("--guardian-name", help="监护人姓名")] = None,
    guardian_phone: Annotated[str | None, Opt("--guardian-phone", help="监护人电话")] = None,
    address: Annotated[str | None, Opt("--address", help="现住址")] = None,
    remark: Annotated[str | None, Opt("--remark", help="备注")] = None,
    date: DateOpt = None,
    dry_run: Annotated[bool, Opt("--dry-run", help="只检查,不写入")] = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """新生入学:核对入学年龄、两个统一与服务范围、证明材料、班额、身份证号和一人一籍,
    然后编学籍号(CCKKYYSSSTNNNN)与全国学籍号。"""
    with guard(json_out, subject=name):
        from xueji_cli.cli.records import card_rows, record_dict
        from xueji_cli.core import dates, enrollment
        from xueji_cli.core.applicants import from_options

        applicant = from_options(
            school=school, name=name, gender=gender, birth=birth, id_number=id_number,
            grade=grade, class_no=class_, hukou_region=hukou_region,
            guardian_hukou_region=guardian_hukou_region, residence_region=residence_region,
            evidence=evidence or [], underage_commitment=underage_commitment,
            cap_decision=cap_decision, national_number=national_number, id_type=id_type,
            ethnicity=ethnicity, guardian_name=guardian_name, guardian_phone=guardian_phone,
            address=address, remark=remark)
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            result = enrollment.enroll_one(session, ws.settings, applicant, effective,
                                           dates.today(), ws.operator, dry_run=dry_run)
            if show_id and not dry_run:
                from xueji_cli.core import access

                access.note_in(session, ws.operator, "enroll", [result.student])
        if dry_run:
            document = {"ok": True, "dry_run": True, "entry_year": result.entry_year,
                        "warnings": [w.as_dict() for w in result.warnings]}
            if json_out:
                emit_json(document)
            else:
                show_warnings(result.warnings, name)
                say(f"检查通过:{name} 可以入学(未写入)。")
            return
        record = record_dict(result.student, result.person, result.school, show_id)
        if json_out:
            emit_json({"ok": True, **record, "warnings": [w.as_dict() for w in result.warnings]})
            return
        show_warnings(result.warnings, name)
        table(f"已入学:{name}", ["项目", "内容"], card_rows(record)[:11])

