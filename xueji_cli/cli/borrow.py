"""xueji borrow — borrowing study (借读): in, out, note, end, and the register (list)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import (
    AddressOpt,
    BirthOpt,
    CapDecisionOpt,
    CsvOpt,
    DateOpt,
    DryRunOpt,
    EthnicityOpt,
    ForceOpt,
    GenderOpt,
    GuardianNameOpt,
    GuardianPhoneOpt,
    HukouRegionOpt,
    IdNumberOpt,
    IdTypeOpt,
    JsonOpt,
    LimitOpt,
    NameOpt,
    NationalNumberOpt,
    RemarkOpt,
    ResidenceRegionOpt,
    ShowIdOpt,
    UnderageCommitmentOpt,
    parse_date_option,
)
from xueji_cli.cli.output import emit_json, guard, say, show_warnings, table
from xueji_cli.cli.region_options import region_codes
from xueji_cli.cli.streams import exclusive, write_csv
from xueji_cli.cli.views.loans import loan_dict, show_register
from xueji_cli.cli.workspace import workspace

Opt = typer.Option

CaseKeyArg = Annotated[str, typer.Argument(
    metavar="KEY", help="学生(学籍号、全国学籍号或身份证号)或借读登记号(如 JD2026-0001)")]
LetterOpt = Annotated[str | None, Opt("--letter", metavar="DOC",
                                      help="借读证明信(编号,或开具学校和日期)")]
UntilOpt = Annotated[str | None, Opt("--until", help="预计借读结束日期(登记册中显示)")]
LateOpt = Annotated[str | None, Opt("--late-approval", metavar="DOC", help=(
    "学期中开始借读的批准文号 (BOR-4);仅当目录设置 policy.borrow_late_start = true 时可用"))]
EvidenceOpt = Annotated[list[str] | None, Opt(
    "--evidence", metavar="材料", help="查验过的证明材料,可重复:暂住证、就业证明、营业执照、户口簿…")]
ApprovalOpt = Annotated[str | None, Opt("--approval", metavar="DOC", help=(
    "教育科(乡镇之间小学借读为乡镇中心校)审核盖章的记录;没有审核盖章不能借读 (BOR-2)"))]


def _subject(key: str) -> str:
    """How a refusal names the student a KEY gives: never a whole ID number."""
    from xueji_cli.values.privacy import mask_id

    text = key.strip()
    return mask_id(text) if len(text) >= 18 else text


def borrow_in(
    ctx: typer.Context,
    school: Annotated[str, Opt("--school", help="借读学校代码(须为指定借读学校)")],
    name: NameOpt,
    grade: Annotated[str, Opt("--grade", help="年级(借读不变更年级)")] = "1",
    class_: Annotated[str, Opt("--class", help="借读学校的班号")] = "1",
    gender: GenderOpt = None,
    birth: BirthOpt = None,
    id_type: IdTypeOpt = None,
    id_number: IdNumberOpt = None,
    national_number: NationalNumberOpt = None,
    ethnicity: EthnicityOpt = None,
    hukou_region: HukouRegionOpt = None,
    guardian_name: GuardianNameOpt = None,
    guardian_phone: GuardianPhoneOpt = None,
    residence_region: ResidenceRegionOpt = None,
    address: AddressOpt = None,
    origin_school: Annotated[str | None, Opt("--origin-school", help="原学校(学籍所在学校)名称")] = None,
    origin_region: Annotated[str | None, Opt("--origin-region", metavar="R",
                                             help="原学校所在地区划代码")] = None,
    origin_grade: Annotated[str | None, Opt("--origin-grade",
                                            help="原学校的年级(按借读证明信;须与 --grade 相同)")] = None,
    letter: LetterOpt = None,
    evidence: EvidenceOpt = None,
    approval: ApprovalOpt = None,
    late_approval: LateOpt = None,
    until: UntilOpt = None,
    underage_commitment: UnderageCommitmentOpt = None,
    cap_decision: CapDecisionOpt = None,
    reason: Annotated[str | None, Opt("--reason", help="借读原因,如 随父母务工")] = None,
    remark: RemarkOpt = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """外来儿童来本校借读:核对指定学校 (BOR-1)、流动儿童(户籍不在本目录的服务范围)、
    借读条件与证明材料、教育科(或中心校)审核盖章 (BOR-2)、学期初办理且不变更年级 (BOR-4)、
    入学年龄、班额、身份证号与一人一籍,然后建立临时借读学籍(不编学籍号,
    记录原学校与全国学籍号)并登入借读生登记册 (BOR-3)。"""
    from xueji_cli.values.fields import compact_name

    shown = compact_name(name)  # the heading shows the name as it is stored
    with guard(json_out, subject=shown):
        from xueji_cli.records.borrowing import loans as borrowing
        from xueji_cli.records.borrowing import opening as borrowing_open
        from xueji_cli.records.enrollment.applicant import from_options
        from xueji_cli.values import dates

        regions = region_codes(ctx, hukou_region=hukou_region, residence_region=residence_region,
                               origin_region=origin_region)
        applicant = from_options(
            school=school, name=name, gender=gender, birth=birth, id_number=id_number, grade=grade,
            class_no=class_, hukou_region=regions["hukou_region"],
            residence_region=regions["residence_region"],
            evidence=evidence or [], underage_commitment=underage_commitment,
            cap_decision=cap_decision, national_number=national_number, id_type=id_type,
            ethnicity=ethnicity, guardian_name=guardian_name, guardian_phone=guardian_phone,
            address=address, remark=remark)
        terms = borrowing.terms_from_options(
            origin_school=origin_school, origin_region=regions["origin_region"],
            origin_grade=origin_grade,
            letter=letter, approval=approval, late_approval=late_approval, until=until,
            reason=reason, evidence=evidence or [])
        applicant.evidence = terms.evidence  # the letter counts as evidence shown
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            result = borrowing_open.borrow_in(session, ws.settings, applicant, terms, effective,
                                              dates.today(), ws.operator, dry_run=dry_run)
            loan = None if dry_run else _loan(session, ws.settings, result.case_ref, "in", show_id)
        _opened(loan, result.warnings, shown, json_out, dry_run, f"检查通过:{shown} 可以来本校借读(未写入)。")


def borrow_out(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="本校学生:学籍号、全国学籍号或身份证号")],
    to: Annotated[str | None, Opt("--to", metavar="SCHOOL", help="借读学校名称(本目录以外)")] = None,
    to_region: Annotated[str | None, Opt("--to-region", metavar="R", help="借读学校所在地区划代码")] = None,
    to_school: Annotated[str | None, Opt(
        "--to-school", metavar="CODE", help="本目录内的指定借读学校代码:同时在该校建立临时借读学籍")] = None,
    class_: Annotated[str | None, Opt("--class", help="本目录内借读时,借读学校的班号")] = None,
    letter: LetterOpt = None,
    evidence: EvidenceOpt = None,
    approval: ApprovalOpt = None,
    late_approval: LateOpt = None,
    until: UntilOpt = None,
    reason: Annotated[str | None, Opt("--reason", help="借读原因,如 随父母外出务工")] = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """本校学生到外校借读:学籍保留在本校,状态为「外出借读」,
    记录借读学校和本校开具的借读证明信 (BOR-5);学期初办理 (BOR-4)。
    借读学校是本目录的指定学校时 (--to-school),两边一次办结,
    并和来本校借读一样须先经审核盖章 (--approval, BOR-2)。"""
    with guard(json_out, subject=_subject(key)):
        from xueji_cli.records.borrowing import loans as borrowing
        from xueji_cli.records.borrowing import opening as borrowing_open
        from xueji_cli.values import dates
        from xueji_cli.values.errors import InputError

        if bool(to) == bool(to_school):
            raise InputError("host_school", "借读学校须指明一处:本目录以外用 --to 学校名称,本目录内用 --to-school 代码")
        terms = borrowing.terms_from_options(
            host_school=to, host_region=region_codes(ctx, to_region=to_region)["to_region"],
            host_code=to_school, class_no=class_, letter=letter,
            approval=approval, late_approval=late_approval, until=until, reason=reason,
            evidence=evidence or [])
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            result = borrowing_open.borrow_out(session, ws.settings, key, terms, effective,
                                               dates.today(), ws.operator, dry_run=dry_run)
            loan = None if dry_run else _loan(session, ws.settings, result.case_ref, "out", show_id)
        _opened(loan, result.warnings, _subject(key), json_out, dry_run, "检查通过:可以办理外出借读(未写入)。")


def _loan(session, settings, case_ref: str, direction: str, reveal: bool) -> dict:
    from xueji_cli.records.borrowing import loans as borrowing
    from xueji_cli.records.directory import regions

    return loan_dict(borrowing.loans(session, case_ref=case_ref, direction=direction)[0],
                     settings, reveal, regions.load(session))


def _opened(loan: dict | None, warnings, subject: str, json_out: bool, dry_run: bool, checked: str) -> None:
    if dry_run:
        if json_out:
            emit_json({"ok": True, "dry_run": True, "warnings": [w.as_dict() for w in warnings]})
        else:
            show_warnings(warnings, subject)
            say(checked)
        return
    if json_out:
        emit_json({"ok": True, **loan, "warnings": [w.as_dict() for w in warnings]})
        return
    show_warnings(warnings, subject)
    if loan["direction"] == "in":
        rows = [["借读登记号", loan["case"]], ["姓名", loan["name"]], ["性别", loan["gender"]],
                ["出生日期", loan["birth_date"]], ["身份证号", loan["id_number"]],
                ["全国学籍号", loan["national_number"]],
                ["学籍种类", "临时借读学籍(不编学籍号;正式学籍在原学校)"],
                ["借读学校", f"{loan['school']} {loan['school_name']}"],
                ["年级班级", f"{loan['grade']}年级{loan['class']}班"], ["原学校", loan["origin_school"]]]
        title = f"已登记来本校借读:{loan['name']}"
    else:
        rows = [["借读登记号", loan["case"]], ["姓名", loan["name"]], ["学籍号", loan["local_number"]],
                ["学籍", f"保留在 {loan['school']} {loan['school_name']},状态「外出借读」"],
                ["借读学校", loan["host_school"]], ["借读证明信", loan["letter"] or ""],
                ["回原校参加", loan["exams_at_home"]]]
        title = f"已登记外出借读:{loan['name']}"
    rows += [["借读开始", loan["start"]], ["证明材料", "、".join(loan["evidence"])]]
    table(title, ["项目", "内容"], rows)


def note(
    ctx: typer.Context,
    key: CaseKeyArg,
    kind: Annotated[str, Opt("--kind", help="类别:成绩、评价、奖励、处分")],
    text: Annotated[str, Opt("--text", help="内容,如 期中考试 语文92 数学95")],
    date: DateOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """记录借读期间的成绩、评价、奖励或处分 (BOR-5):记在借读学籍上,随学籍卡显示。"""
    with guard(json_out, subject=_subject(key)):
        from xueji_cli.records.borrowing import loans as borrowing
        from xueji_cli.values import codes, dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            loan, entry = borrowing.note(session, key, kind, text, effective, ws.operator, dates.today())
            name, case = loan.person.name, loan.case_ref
        label = codes.label("borrow_note", entry.details["category"])
        if json_out:
            emit_json({"ok": True, "case": case, "name": name, "date": effective.isoformat(),
                       "category": entry.details["category"], "category_label": label,
                       "text": entry.details["text"]})
        else:
            say(f"已记录 {name}(借读登记号 {case})借读期间的{label}:{entry.details['text']}")


def end(
    ctx: typer.Context,
    key: CaseKeyArg,
    transfer: Annotated[bool, Opt("--transfer", help="借读转为正式转学(随后用 xueji transfer 办理)")] = False,
    reason: Annotated[str | None, Opt("--reason", help="原因,如 随父母返乡")] = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """结束借读:借读生回原学校(临时借读学籍结束),或本校外出借读的学生回校(恢复在校)。
    --transfer 表示转为正式转学,由转学手续接办。"""
    with guard(json_out, subject=_subject(key)):
        from xueji_cli.records.borrowing import loans as borrowing
        from xueji_cli.values import dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            ended = borrowing.end(session, ws.settings, key, effective, ws.operator,
                                  "transfer" if transfer else "home", reason, dates.today())
            loans = [loan_dict(loan, ws.settings, show_id) for loan in ended.loans]
        if json_out:
            emit_json({"ok": True, "outcome": ended.outcome, "loans": loans,
                       "handover": ended.handover})
            return
        for loan in loans:
            if loan["direction"] == "in":
                say(f"借读结束:{loan['name']}(借读登记号 {loan['case']})在 {loan['school']} "
                    f"{loan['school_name']} 的临时借读学籍于 {loan['end']} 结束({loan['outcome_label']})")
            else:
                back = "学籍恢复为在校,待办理转学" if ended.outcome == "transfer" else "回本校就读,恢复在校"
                say(f"借读结束:{loan['name']}(学籍号 {loan['local_number']})于 {loan['end']} "
                    f"结束在 {loan['host_school'] or '借读学校(接收原有学籍时不详)'} 的借读,{back}")
        if ended.handover:
            say(f"转为正式转学 → 下一步:{ended.handover['next']}(TRF-9 籍随人走)", "bold")


def list_(
    ctx: typer.Context,
    in_: Annotated[bool, Opt("--in", help="只列来本校借读的学生")] = False,
    out: Annotated[bool, Opt("--out", help="只列本校外出借读的学生(回原校参加毕业、升学考试)")] = False,
    school: Annotated[str | None, Opt("--school", help="只列该校(学校代码)")] = None,
    all_: Annotated[bool, Opt("--all", help="包括已结束的借读")] = False,
    xlsx: Annotated[str | None, Opt("--xlsx", metavar="FILE", help="同时写出可打印的登记册 (A4 横向)")] = None,
    force: ForceOpt = False,
    limit: LimitOpt = None,
    csv_out: CsvOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """借读生登记册 (BOR-3):来本校借读的学生与本校外出借读的学生,含证明材料与起止日期。
    默认只列正在借读的;--xlsx 写出报教育科备查的表格;--limit 每个方向最多列 N 人。"""
    exclusive(csv_out, json_out)
    with guard(json_out):
        from xueji_cli.records.borrowing import loans as borrowing
        from xueji_cli.records.borrowing import register_sheet as borrow_register
        from xueji_cli.records.directory import regions, schools
        from xueji_cli.values import dates

        if xlsx:
            from xueji_cli.excel.sheets import new_file

            new_file(xlsx, force, example="借读生登记册.xlsx")
        code = schools.normalise_code(school) if school else None
        directions = [d for d, wanted in (("in", in_), ("out", out)) if wanted] or ["in", "out"]
        ws = workspace(ctx)
        found: dict[str, list[dict]] = {}
        with ws.store.session() as session:
            if code:
                schools.get(session, code)
            names = regions.load(session)
            for direction in directions:
                found[direction] = [loan_dict(loan, ws.settings, show_id, names)
                                    for loan in borrowing.loans(
                                        session, direction=direction, school=code,
                                        include_ended=all_)[:limit]]
        scope = "全部借读(含已结束)" if all_ else "正在借读"
        saved = None
        if xlsx:
            saved = borrow_register.write(xlsx, ws.settings.name, found.get("in"), found.get("out"),
                                          dates.today(), scope, ws.operator)
        if json_out:
            emit_json({"ok": True, "scope": "all" if all_ else "open", **found,
                       "xlsx": str(saved) if saved else None})
            return
        if csv_out:
            write_csv([header for header, _ in CSV_FIELDS],
                      ([loan[key] for _, key in CSV_FIELDS] for rows in found.values() for loan in rows))
            return
        show_register(found, scope)
        if saved:
            say(f"已写出借读生登记册:{saved}")


# The CSV: both directions in one table, headed as the registrar reads them.
CSV_FIELDS = (("方向", "direction_label"), ("登记号", "case"), ("姓名", "name"), ("性别", "gender"),
              ("出生日期", "birth_date"), ("身份证号", "id_number"), ("全国学籍号", "national_number"),
              ("学籍号", "local_number"), ("学校代码", "school"), ("学校", "school_name"),
              ("年级", "grade"), ("班级", "class"), ("原学校", "origin_school"),
              ("借读学校", "host_school"), ("借读证明信", "letter"), ("证明材料", "evidence"),
              ("开始", "start"), ("结束", "end"), ("预计结束", "until"), ("状态", "status_label"))

