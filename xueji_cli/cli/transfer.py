"""xueji transfer — transfer cases (转学): apply (out / in), approve, complete, cancel,
list, show, and the four-copy certificate."""

from __future__ import annotations

from itertools import islice
from typing import Annotated

import typer

from xueji_cli.cli.after_commit import after_commit
from xueji_cli.cli.options import (
    AddressOpt,
    BirthOpt,
    CsvOpt,
    DateOpt,
    DryRunOpt,
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
    KeyArg,
    LimitOpt,
    NameOpt,
    NationalNumberOpt,
    ResidenceRegionOpt,
    ShowIdOpt,
    parse_date_option,
)
from xueji_cli.cli.output import emit_json, guard, say, show_warnings, table
from xueji_cli.cli.region_options import region_codes
from xueji_cli.cli.streams import exclusive, write_csv, write_json
from xueji_cli.cli.workspace import workspace

Opt = typer.Option
CaseArg = Annotated[str, typer.Argument(metavar="CASE", help="案件号(如 ZX2026-0001),或学生的学籍号/身份证号(其未办结的案件)")]
ReasonOpt = Annotated[str | None, Opt("--reason", help="转学原因:move 户口及家庭住址迁移 / job 父母工作调动 / other 其他特殊情况 (TRF-1)")]
DetailOpt = Annotated[str | None, Opt("--reason-detail", help="具体情况(原因为 other 时必填)")]
EvidenceOpt = Annotated[list[str] | None, Opt("--evidence", metavar="材料",
                                              help="查验过的证明材料,可重复:迁入地户口簿、房产证明、转学证明、调令…")]
SpecialOpt = Annotated[str | None, Opt("--special-reason", help="毕业年级学生转学的特殊情况 (TRF-6)")]
ClassOpt = Annotated[str | None, Opt("--class", help="转入班级(班号)")]
# What the data sheet's checksum proves, and what it does not (records/transfer/certificate.py).
UNVERIFIED = ("请注意:转学证明数据页的校验码只能发现误改或损坏,不能证明真伪;"
              "请与盖章的纸质转学证明核对姓名、身份证件号、年级和审批。")


def _application(reason, detail, evidence, special, class_, extra_evidence=()):
    from xueji_cli.records.enrollment.applicant import Collector
    from xueji_cli.records.transfer.applying import Application
    from xueji_cli.values import codes, fields

    code = codes.parse_code("transfer_reason", reason) if reason else None
    if reason and not code:
        code = reason.strip()  # reported by TRF-1 with the choices
    c = Collector()
    class_no = c.convert("class", fields.class_no, class_)
    shown = c.convert("evidence", fields.evidence, list(evidence or []) + list(extra_evidence), [])
    # the texts are checked by the workflow (records/transfer/applying.py), with the rules
    return Application(code, detail, shown, special, class_no, c.problems)


def _done(ws, session, view, reveal: bool, names=None) -> dict:
    """The case as a document; `names`, the region table, when the caller has loaded it
    for many cases."""
    from xueji_cli.cli.views.transfers import case_dict
    from xueji_cli.records.directory import regions, students
    from xueji_cli.values import dates

    return case_dict(view, ws.settings.policy, dates.today(), students.schools_by_id(session),
                     names if names is not None else regions.load(session), reveal)


def _act(ctx, action, reveal: bool, write: bool = True):
    """Run `action(session, workspace)` in one transaction: (its result, the case it
    leaves as a document — None on a dry run)."""
    ws = workspace(ctx)
    with ws.store.session(write=write) as session:
        result = action(session, ws)
        view = getattr(result, "view", result)
        document = None if view is None else _done(ws, session, view, reveal)
    return result, document


def _saved(document: dict, done: str, json_out: bool):
    """after_commit for a step of a case: what was saved and where to see it."""
    return after_commit(f"转学案件 {document['case_no']}({document['name']}){done}", "结果未能显示",
                        f"用 xueji transfer show {document['case_no']} 查看", json_out)


def _report(result, document: dict, json_out: bool, title: str, subject: str,
            steps: bool = True) -> None:
    from xueji_cli.cli.views.transfers import show_case

    if json_out:
        emit_json({"ok": True, **document, "warnings": [w.as_dict() for w in result.warnings]})
        return
    show_warnings(result.warnings, subject)
    show_case(document, title, steps)


def _dry(result, json_out: bool, subject: str) -> None:
    from xueji_cli.rules.transfer import route_label

    if json_out:
        emit_json({"ok": True, "dry_run": True, "route": result.route, "direction": result.direction,
                   "warnings": [w.as_dict() for w in result.warnings]})
        return
    show_warnings(result.warnings, subject)
    say(f"检查通过:{subject} 可以申请转学(线路 {route_label(result.route)}),未写入。")


def out(
    ctx: typer.Context,
    key: KeyArg,
    to: Annotated[str | None, Opt("--to", metavar="CODE", help="转入本目录的另一所学校(学校代码):两端一并登记")] = None,
    to_school: Annotated[str | None, Opt("--to-school", metavar="NAME", help="转入外校的名称")] = None,
    to_region: Annotated[str | None, Opt("--to-region", metavar="R", help="外校所在地12位统计用区划代码")] = None,
    hukou_region: Annotated[str | None, Opt(
        "--hukou-region", metavar="R",
        help="与 --to 同用:迁入地户口簿上的户口所在地区划代码(须在转入学校服务范围内, TRF-12)")] = None,
    residence_region: Annotated[str | None, Opt(
        "--residence-region", metavar="R",
        help="与 --to 同用:房产证明上的现住地区划代码(须在转入学校服务范围内, TRF-12)")] = None,
    class_: ClassOpt = None,
    reason: ReasonOpt = None,
    reason_detail: DetailOpt = None,
    evidence: EvidenceOpt = None,
    special_reason: SpecialOpt = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """本目录的学生申请转学(转出,或转入本目录另一所学校)。线路由两校所在地的区划代码判定,
    检查转学原因与证明材料、开学两周、毕业年级、处分和转入班额;转入本目录学校的,户口和
    现住地须在转入学校的服务范围内 (TRF-12)。出国、退学、开除的学生可直接办理 (TRF-11)。"""
    with guard(json_out, subject=key):
        from xueji_cli.records.transfer import applying as transfer
        from xueji_cli.values import dates, fields
        from xueji_cli.values.errors import InputError

        if to and (to_school or to_region):
            raise InputError("to_code", "--to 与 --to-school/--to-region 只能用一种",
                             "本目录内的学校用 --to 学校代码;外校用 --to-school 与 --to-region")
        if (hukou_region or residence_region) and not to:
            raise InputError("hukou_region", "--hukou-region/--residence-region 只与 --to(转入本目录学校)同用",
                             "转入外校的,由转入学校核对户口和住址")
        typed = region_codes(ctx, to_region=to_region, hukou_region=hukou_region,
                             residence_region=residence_region)
        places = {}
        for field_, value in typed.items():
            try:
                places[field_] = fields.region(value) if value else None
            except ValueError as exc:
                raise InputError(field_, str(exc), getattr(exc, "hint", "")) from None
        region = places.pop("to_region")
        app_ = _application(reason, reason_detail, evidence, special_reason, class_)
        effective = parse_date_option(date)
        result, document = _act(ctx, lambda session, ws: transfer.apply_out(
            session, ws.settings, key, app_, effective, dates.today(), ws.operator, to_code=to,
            to_name=to_school, to_region=region, places=places, dry_run=dry_run), show_id,
            write=not dry_run)
        if dry_run:
            _dry(result, json_out, key)
            return
        with _saved(document, "已受理", json_out):
            _report(result, document, json_out,
                    f"已受理转学申请 {document['case_no']}:{document['name']}", document["name"])


def in_(
    ctx: typer.Context,
    school: Annotated[str, Opt("--school", help="转入本目录的哪所学校(学校代码)")],
    grade: Annotated[str | None, Opt("--grade", help="年级(原学校的年级,转学不变)")] = None,
    class_: ClassOpt = None,
    from_file: Annotated[str | None, Opt("--from-file", metavar="FILE",
                                         help="原学校用 xueji 开具的转学证明 xlsx:学生信息不必再录入"
                                              "(导入后与盖章的纸质证明核对)")] = None,
    from_school: Annotated[str | None, Opt("--from-school", metavar="NAME", help="原学校名称")] = None,
    from_region: Annotated[str | None, Opt("--from-region", metavar="R", help="原学校所在地12位区划代码")] = None,
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
    reason: ReasonOpt = None,
    reason_detail: DetailOpt = None,
    evidence: EvidenceOpt = None,
    special_reason: SpecialOpt = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """外校学生申请转入本目录的学校:凭原学校的转学证明(--from-file 导入,或逐项填写)。
    检查一人一籍、身份证号、休学、年级不变、毕业年级、转学原因与材料、开学两周和班额。"""
    subject = name or (from_file and "转学证明") or "转入学生"
    with guard(json_out, subject=subject):
        from xueji_cli.records.transfer.incoming import incoming_from

        regions = region_codes(ctx, from_region=from_region, hukou_region=hukou_region,
                               guardian_hukou_region=guardian_hukou_region,
                               residence_region=residence_region)
        person, certified, grade_no, extra = incoming_from(
            from_file, grade, dict(
                name=name, gender=gender, birth=birth, id_number=id_number, id_type=id_type,
                national_number=national_number, ethnicity=ethnicity, from_school=from_school,
                guardian_name=guardian_name, guardian_phone=guardian_phone, address=address,
                **regions))
        from xueji_cli.records.transfer import applying as transfer
        from xueji_cli.values import dates

        app_ = _application(reason or certified.reason, reason_detail or certified.reason_detail,
                            evidence, special_reason or certified.special_reason, class_, extra)
        effective = parse_date_option(date)
        result, document = _act(ctx, lambda session, ws: transfer.apply_in(
            session, ws.settings, person, school, app_, effective, dates.today(), ws.operator,
            grade=grade_no, certified=certified, dry_run=dry_run), show_id, write=not dry_run)
        if dry_run:
            _dry(result, json_out, person.name or subject)
        else:
            with _saved(document, "已受理", json_out):
                _report(result, document, json_out,
                        f"已受理转入申请 {document['case_no']}:{document['name']}", document["name"])
        if from_file and not json_out:
            say(UNVERIFIED)


def approve(
    ctx: typer.Context,
    case: CaseArg,
    level: Annotated[str, Opt("--level", help="审批级别:school 转出学校 / central 乡镇中心校 / bureau 县教育局")],
    date: DateOpt = None,
    doc_no: Annotated[str | None, Opt("--doc-no", help="审批文号或证明编号")] = None,
    approver: Annotated[str | None, Opt("--approver", help="审批人")] = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """登记一级审批(按线路顺序:转出学校 → 中心校 → 教育局),并说明还缺哪些。"""
    with guard(json_out, subject=case):
        from xueji_cli.records.transfer import workflow as transfer
        from xueji_cli.values import dates, fields

        effective = parse_date_option(date)
        _view, document = _act(ctx, lambda session, ws: transfer.approve(
            session, case, fields.text(level).lower(), effective, dates.today(), ws.operator,
            doc_no, approver), show_id)
        with _saved(document, f"的审批「{document['approvals'][-1]['label']}」已登记", json_out):
            _show_approval(document, json_out)


def _show_approval(document: dict, json_out: bool) -> None:
    from xueji_cli.cli.views.transfers import next_steps

    if json_out:
        emit_json({"ok": True, **document})
        return
    done = document["approvals"][-1]
    say(f"已登记 {document['case_no']}({document['name']}):{done['label']} {done['date']}"
        + (f" 文号 {done['doc_no']}" if done.get("doc_no") else ""))
    say(next_steps(document))


def complete(
    ctx: typer.Context,
    case: CaseArg,
    date: DateOpt = None,
    class_: Annotated[str | None, Opt("--class", help="转入班级(与申请时不同才填)")] = None,
    cap_decision: Annotated[str | None, Opt("--cap-decision", metavar="DOC",
                                            help="班额已满仍接收的批准决定(文号) (TRF-10)")] = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """办结:转出的学籍注销(备注转出日期和去向),转入的学生在接收年级末尾编新学籍号
    (备注转入日期和原学校),全国学籍号不变。审批不齐的拒绝办理。"""
    with guard(json_out, subject=case):
        from xueji_cli.records.transfer import workflow as transfer
        from xueji_cli.values import dates, fields
        from xueji_cli.values.errors import InputError

        try:
            class_no = fields.class_no(class_) if class_ else None
        except ValueError as exc:
            raise InputError("class", str(exc)) from None
        effective = parse_date_option(date)
        result, document = _act(ctx, lambda session, ws: transfer.complete(
            session, ws.settings, case, effective, dates.today(), ws.operator, class_no,
            cap_decision), show_id)
        numbers = ""
        if document["local_number"]:
            numbers += f",原学籍 {document['local_number']} 已注销"
        if document["new_local_number"]:
            numbers += f",新学籍号 {document['new_local_number']}"
        with _saved(document, "已办结" + numbers, json_out):
            _report(result, document, json_out,
                    f"已办结 {document['case_no']}:{document['name']}{numbers}", document["name"],
                    steps=False)


def cancel(
    ctx: typer.Context,
    case: CaseArg,
    reason: Annotated[str, Opt("--reason", help="撤回原因,如 家长放弃转学")],
    date: DateOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """撤回未办结的转学案件(学籍不变,记录保留)。"""
    with guard(json_out, subject=case):
        from xueji_cli.records.transfer import workflow as transfer
        from xueji_cli.values import dates

        effective = parse_date_option(date)
        _view, document = _act(ctx, lambda session, ws: transfer.withdraw(
            session, case, reason, effective, dates.today(), ws.operator), False)
        with _saved(document, "已撤回", json_out):
            if json_out:
                emit_json({"ok": True, **document})
            else:
                say(f"已撤回转学案件 {document['case_no']}({document['name']}),学籍未变。")


def list_(
    ctx: typer.Context,
    open_: Annotated[bool, Opt("--open", help="只列未办结的案件")] = False,
    limit: LimitOpt = None,
    csv_out: CsvOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """转学登记册:全部案件及其状态、尚缺的审批、逾期接收 (TRF-3) 的标记。"""
    exclusive(csv_out, json_out)
    with guard(json_out):
        from xueji_cli.cli.views.transfers import LIST_COLUMNS, list_row
        from xueji_cli.records.directory import regions
        from xueji_cli.records.transfer import cases as transfer_cases

        ws = workspace(ctx)
        with ws.store.session() as session:
            names = regions.load(session)
            rows = [_done(ws, session, v, show_id, names)
                    for v in islice(transfer_cases.listing(session, open_only=open_), limit)]
        if json_out:
            for row in rows:
                row.pop("history")
            write_json({"ok": True, "count": len(rows)}, "cases", rows)
            return
        if csv_out:
            write_csv(LIST_COLUMNS, map(list_row, rows))
            return
        if not rows:
            say("没有未办结的转学案件。" if open_ else "还没有转学案件。")
            return
        late = sum(1 for r in rows if r["admission"] and (r["admission"]["late"] or r["admission"]["overdue"]))
        table("转学登记册" + ("(未办结)" if open_ else ""), LIST_COLUMNS, [list_row(r) for r in rows],
              caption=f"共 {len(rows)} 件" + (f",其中逾期接收 {late} 件(审批后应在"
                                             f"{ws.settings.policy.admit_within_days}天内接收,TRF-3)" if late else ""))


def show(ctx: typer.Context, case: CaseArg, json_out: JsonOpt = False, show_id: ShowIdOpt = False) -> None:
    """一个转学案件:学生、线路、每一级审批(已登记的与尚缺的)和全部办理记录。"""
    with guard(json_out):
        from xueji_cli.cli.views.transfers import show_case
        from xueji_cli.records.transfer import cases as transfer_cases

        _view, document = _act(ctx, lambda session, _ws: transfer_cases.get(session, case),
                               show_id, write=False)
        if json_out:
            emit_json({"ok": True, **document})
            return
        show_case(document)
        table("办理记录", ["生效日期", "类别", "内容", "经办人", "登记时间"],
              [[e["effective_date"], e["kind_label"], e["sets"] or e["remark"] or "", e["operator"],
                e["recorded_at"]] for e in document["history"]])


def certificate(
    ctx: typer.Context,
    case: CaseArg,
    xlsx: Annotated[str, Opt("--xlsx", metavar="FILE", help="写入的 xlsx 文件")],
    date: Annotated[str | None, Opt("--date", help="开具日期(默认今天)")] = None,
    force: ForceOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """开具转学证明 (TRF-8):一式四联、四个盖章栏,可直接打印;另附隐藏的「数据」页(不打印),
    转入学校用 xueji transfer in --from-file 导入。打印页的身份证件号默认隐去中间位。"""
    with guard(json_out, subject=case):
        from pathlib import Path

        from xueji_cli.excel.sheets import new_file
        from xueji_cli.records.directory import regions
        from xueji_cli.records.transfer import cases as transfer_cases
        from xueji_cli.records.transfer import certificate as transfer_paper
        from xueji_cli.records.transfer.placement import grade_year

        issued = parse_date_option(date)
        new_file(xlsx, force, example="转学证明.xlsx")
        ws = workspace(ctx)
        with ws.store.session() as session:
            view = transfer_cases.get(session, case)
            transfer_cases.check_certificate(view)
            values = transfer_paper.certificate_values(
                view, view.student, view.person, ws.settings.name, issued,
                grade_year(session, ws.settings, view))
            written = transfer_paper.write(Path(xlsx), view, values, show_id,
                                           regions.load(session), ws.operator)  # sheets.save names a place it cannot write
        if json_out:
            emit_json({"ok": True, "case_no": view.case.case_no, "file": str(written)})
            return
        say(f"已写入转学证明 {written}(一式四联;隐藏的「数据」页含完整身份证件号,不打印,供转入学校导入,注意保管)。")
