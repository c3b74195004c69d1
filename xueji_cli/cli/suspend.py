"""xueji suspend / xueji resume — suspension and resumption (休学 / 复学, SUS-1…SUS-7).

`xueji suspend KEY --from D …` starts a suspension (the `start` subcommand, which may be
left out: cli/app.py); `xueji suspend extend|list|certificate …` are its other steps, and
`xueji resume KEY …` ends it.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from xueji_cli.cli.after_commit import record_saved
from xueji_cli.cli.options import (
    CapDecisionOpt,
    CsvOpt,
    DateOpt,
    DryRunOpt,
    ForceOpt,
    JsonOpt,
    KeyArg,
    LimitOpt,
    ShowIdOpt,
    convert,
    parse_date_option,
)
from xueji_cli.cli.output import emit_json, guard, say, show_warnings, table
from xueji_cli.cli.streams import exclusive, write_csv, write_json
from xueji_cli.cli.workspace import workspace

Opt = typer.Option
EvidenceOpt = Annotated[list[str] | None, Opt(
    "--evidence", metavar="材料", help="查验过的证明材料,可重复或用顿号分隔")]
RemarkOpt = Annotated[str | None, Opt("--remark", help="备注(原因为「其他」时写明具体原因)")]
CentralOpt = Annotated[str | None, Opt(
    "--central-approval", metavar="DOC", help="村小学须经乡镇中心校审批:审批文号或审批人 (SUS-1)")]


def _subject(key: str) -> str:
    """Who a refusal is about, before the student is found: the KEY, masked when it
    carries an ID number."""
    from xueji_cli.values.privacy import mask_id, mask_national

    text = key.strip()
    if text.isdigit() and len(text) == 14:
        return f"学生 {text}"
    return f"学生 {mask_national(text) if text[:1].isalpha() else mask_id(text)}"


def _evidence(values: list[str] | None) -> list[str]:
    """The evidence words, each a free text: one that cannot be stored is invalid input
    naming --evidence (exit 1), not a defect."""
    from xueji_cli.values import fields

    return convert("evidence", fields.evidence, values or [])


def _card(outcome, reveal: bool) -> list[list[str]]:
    from xueji_cli.cli.views.records import record_dict

    d = record_dict(outcome.found.student, outcome.found.person, outcome.found.school, reveal)
    case = outcome.case
    rows = [["学籍号", d["local_number"]], ["姓名", d["name"]],
            ["学校", f"{d['school']} {d['school_name']}"],
            ["年级班级", f"{d['grade']}年级{d['class']}班"], ["学籍状态", d["status_label"]]]
    if case is not None and case.taken_over:
        rows.append(["休学期限", f"接收原有学籍({case.start})时已在休学,开始日期不详,"
                                 f"期满日 {case.until if case.period_known else UNKNOWN}"])
    elif case is not None:
        rows += [["休学期限", f"{case.start} 至 {case.until}(共{(case.until - case.start).days}天)"],
                 ["休学原因", case.reason_label]]
        if case.hospital:
            rows.append(["诊断医院", _hospital(case.hospital, case.hospital_level)])
        rows.append(["证明编号", case.certificate_no])
    return rows


UNKNOWN = "不详"


def _known(case) -> bool:
    """Whether a listed suspension's end is known (not for one taken over as it stood)."""
    return case is not None and case.period_known


def _hospital(name: str, level: str | None) -> str:
    """The hospital with how its county level is known (SUS-1, SUS-3): listed, or declared."""
    from xueji_cli.rules.suspension import HOSPITAL_LEVELS

    return f"{name}({HOSPITAL_LEVELS[level or 'declared']})"


def _document(outcome, reveal: bool, names) -> dict:
    """The --json document of suspend, extend and resume: the record (its regions named
    from `names`, the directory's region table), the suspension as written (or, with
    --dry-run, what was checked), the warnings."""
    from xueji_cli.cli.views.records import record_dict
    from xueji_cli.cli.views.suspensions import case_dict

    found = outcome.found
    document = {"ok": True, "dry_run": not outcome.written,
                "student": record_dict(found.student, found.person, found.school, reveal, names)}
    if outcome.written:
        document["suspension"] = case_dict(outcome.case)
    else:
        document["checked"] = outcome.details
    document["warnings"] = [w.as_dict() for w in outcome.warnings]
    return document


def _saved(outcome, done: str, json_out: bool):
    """after_commit for a written step (nothing to say after a dry run)."""
    if not outcome.written:
        return contextlib.nullcontext()
    return record_saved(done, outcome.found, json_out)


def _render(outcome, json_out: bool, reveal: bool, done: str, would: str, names) -> bool:
    """Show what suspend or extend did (or, with --dry-run, would do); True when a
    change was written and shown on screen."""
    name = outcome.found.person.name
    if json_out:
        emit_json(_document(outcome, reveal, names))
        return False
    show_warnings(outcome.warnings, name)
    if not outcome.written:
        say(f"检查通过:{name} {would},未写入。")
        return False
    table(f"{done}:{name}", ["项目", "内容"], _card(outcome, reveal))
    return True


def start(
    ctx: typer.Context,
    key: KeyArg,
    reason: Annotated[str, Opt("--reason", metavar="病|伤|传染病|其他", help="休学原因:病、伤、传染病(学校责令, SUS-6)、其他")],
    from_: Annotated[str | None, Opt("--from", metavar="D", help="休学开始日(默认为 --date)")] = None,
    until: Annotated[str | None, Opt("--until", metavar="D",
                                     help="期满日(默认一年后的同月同日;至少一年,按日历计,SUS-2)")] = None,
    evidence: EvidenceOpt = None,
    hospital: Annotated[str | None, Opt("--hospital", metavar="医院", help="出具诊断证明的县级以上医院(卫生院、卫生室、诊所等不符合, SUS-1)")] = None,
    central_approval: CentralOpt = None,
    share_override: Annotated[str | None, Opt(
        "--share-override", metavar="REASON", help="休学人数超过同年级3%仍须休学的理由 (SUS-5)")] = None,
    school_order: Annotated[str | None, Opt(
        "--school-order", metavar="DOC", help="学校责令休学的决定文号(严重传染病, SUS-6)")] = None,
    remark: RemarkOpt = None,
    date: Annotated[str | None, Opt("--date", help="办理日期(默认今天;证明上的开具日期)")] = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """办理休学(可省略 start):核对证明材料与中心校审批 (SUS-1)、至少一年 (SUS-2)、
    连续不超过两年 (SUS-4)、同年级休学比例 (SUS-5);学籍号不变。"""
    with guard(json_out, subject=_subject(key)):
        from xueji_cli.records.directory import regions
        from xueji_cli.records.suspension import steps as suspension
        from xueji_cli.values import dates

        request = suspension.Request(
            start=parse_date_option(from_, "from") if from_ else None,
            until=parse_date_option(until, "until") if until else None,
            reason=suspension.parse_reason(reason), evidence=_evidence(evidence),
            processed_on=parse_date_option(date), hospital=hospital,
            central_approval=central_approval, share_override=share_override,
            school_order=school_order, remark=remark)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            outcome = suspension.suspend(session, ws.settings, key, request, dates.today(),
                                         ws.operator, dry_run=dry_run)
            names = regions.load(session)
        checked = outcome.details
        with _saved(outcome, "已办理休学", json_out):
            if _render(outcome, json_out, show_id, "已休学",
                       f"可以休学({checked.get('from')} 至 {checked.get('until')})", names):
                say(f"开具休学证明(一式两份):xueji suspend certificate "
                    f"{outcome.found.student.local_number} --xlsx 休学证明.xlsx")


def extend(
    ctx: typer.Context,
    key: KeyArg,
    until: Annotated[str, Opt("--until", metavar="D", help="续办后的期满日(连续休学至多两年,SUS-4)")],
    evidence: EvidenceOpt = None,
    central_approval: CentralOpt = None,
    remark: RemarkOpt = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """续办休学:期满仍不能复学的,在期满前半个月内续办;连续休学不超过两年 (SUS-4)。"""
    with guard(json_out, subject=_subject(key)):
        from xueji_cli.records.directory import regions
        from xueji_cli.records.suspension import steps as suspension
        from xueji_cli.values import dates

        new_until = parse_date_option(until, "until")
        processed_on = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            outcome = suspension.extend(
                session, ws.settings, key, new_until, _evidence(evidence), processed_on,
                dates.today(), ws.operator, central_approval=central_approval, remark=remark,
                dry_run=dry_run)
            names = regions.load(session)
        with _saved(outcome, "已续办休学", json_out):
            _render(outcome, json_out, show_id, "已续办休学", f"可以续办休学至 {new_until}", names)


def list_(
    ctx: typer.Context,
    due_within: Annotated[int | None, Opt(
        "--due-within", metavar="DAYS", min=0,
        help="标出这么多天内期满、须复学或续办的学生(默认为政策的半个月)")] = None,
    due_only: Annotated[bool, Opt("--due-only", help="只列出须办理的(将期满、已期满、超过两年)")] = False,
    school: Annotated[str | None, Opt("--school", help="学校代码")] = None,
    limit: LimitOpt = None,
    csv_out: CsvOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """休学名单:谁在休学、到哪天期满、谁须尽快复学或续办、谁连续休学已超过两年。"""
    exclusive(csv_out, json_out)
    with guard(json_out):
        from xueji_cli.cli.views.records import record_dict
        from xueji_cli.cli.views.suspensions import case_dict
        from xueji_cli.records.directory import regions, schools
        from xueji_cli.records.suspension import cases as suspension
        from xueji_cli.values import dates

        today = dates.today()
        code = schools.normalise_code(school) if school else None
        ws = workspace(ctx)
        with ws.store.session() as session:
            if code:
                schools.get(session, code)
            rows = suspension.listing(session, ws.settings, today, due_within, code)
            names = regions.load(session)
            items = [(record_dict(r.found.student, r.found.person, r.found.school, show_id, names), r)
                     for r in rows if r.flags or not due_only][:limit]
        window = ws.settings.policy.suspension_renew_notice_days if due_within is None else due_within
        if json_out:
            write_json({"ok": True, "today": today.isoformat(), "due_within": window,
                        "count": len(items)}, "suspensions", (
                           {**d, "suspension": case_dict(r.case) if r.case else None,
                            "days_left": (r.case.until - today).days if _known(r.case) else None,
                            "flags": [{"flag": f, "message": m} for f, m in r.flags]}
                           for d, r in items))
            return
        if csv_out:
            write_csv(LIST_COLUMNS, (_list_row(d, r, today) for d, r in items))
            return
        if not items:
            say("没有须办理的休学学生。" if due_only else "目前没有休学的学生。")
            return
        table(f"休学名单({today})", LIST_COLUMNS, [_list_row(d, r, today) for d, r in items],
              caption=f"共 {len(items)} 人;{sum(1 for _, r in items if r.flags)} 人须在"
                      f" {window} 天内办理复学或续办(或已逾期)")


LIST_COLUMNS = ["学籍号", "姓名", "学校", "年级班级", "原因", "开始日", "期满日", "剩余天数", "须办理"]


def _list_row(d: dict, r, today) -> list:
    """One suspension as listed; a pupil taken over while suspended has its start and end
    unknown (不详) until renewed."""
    return [d["local_number"], d["name"], d["school_name"], f"{d['grade']}年级{d['class']}班",
            *([r.case.reason_label, r.case.start] if r.case and not r.case.taken_over
              else [UNKNOWN, UNKNOWN] if r.case else ["", ""]),
            r.case.until if _known(r.case) else UNKNOWN if r.case else "",
            (r.case.until - today).days if _known(r.case) else "",
            ";".join(m for _, m in r.flags)]


def certificate(
    ctx: typer.Context,
    key: KeyArg,
    xlsx: Annotated[str, Opt("--xlsx", metavar="FILE", help="写出的 Excel 文件(A4,一式两份)")],
    force: ForceOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """开具休学证明:一张A4纸上一式两份(学校存档、学生家长收执),可直接打印盖章。"""
    with guard(json_out):
        from pathlib import Path

        from xueji_cli.excel.sheets import new_file
        from xueji_cli.records.suspension import cases as suspension
        from xueji_cli.records.suspension import certificate as suspension_certificate

        new_file(xlsx, force, example="休学证明.xlsx")
        ws = workspace(ctx)
        with ws.store.session() as session:
            found, case = suspension.certificate_data(session, key)
            path = suspension_certificate.write(Path(xlsx), ws.settings, found, case,
                                                reveal=show_id)
        if json_out:
            emit_json({"ok": True, "file": str(path), "case_ref": case.case_ref,
                       "certificate_no": case.certificate_no})
            return
        say(f"已写出休学证明 {path}(编号 {case.certificate_no},一式两份:学校存档、家长收执)")


def resume(
    ctx: typer.Context,
    key: KeyArg,
    evidence: EvidenceOpt = None,
    grade: Annotated[str | None, Opt(
        "--grade", metavar="lower|same|N",
        help="编入年级:lower 到下一级,即休学时所在年级(默认);same 回原级,随原年级同学;或年级数字")] = None,
    class_: Annotated[str | None, Opt("--class", help="编入班号(默认休学时的班号)")] = None,
    hospital: Annotated[str | None, Opt("--hospital", metavar="医院", help="出具康复证明的县级以上医院(因伤病休学的须写明, SUS-3)")] = None,
    approval: Annotated[str | None, Opt(
        "--approval", metavar="DOC", help="提前复学的批准(政策允许时, SUS-2)")] = None,
    cap_decision: CapDecisionOpt = None,
    remark: RemarkOpt = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """复学:休学期满 (SUS-2)、凭县级以上医院康复证明 (SUS-3),编入相应年级;
    学籍号不变 (SUS-7, NUM-4)。"""
    with guard(json_out, subject=_subject(key)):
        from xueji_cli.records.directory import regions
        from xueji_cli.records.suspension import steps as suspension
        from xueji_cli.values import dates, fields
        from xueji_cli.values.errors import InputError

        class_no = None
        if class_:
            try:
                class_no = fields.class_no(class_)
            except ValueError as exc:
                raise InputError("class", str(exc)) from None
        request = suspension.Resumption(
            on=parse_date_option(date), evidence=_evidence(evidence),
            grade=suspension.parse_grade_choice(grade), class_no=class_no, hospital=hospital,
            approval=approval, cap_decision=cap_decision, remark=remark)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            outcome = suspension.resume(session, ws.settings, key, request, dates.today(),
                                        ws.operator, dry_run=dry_run)
            names = regions.load(session)
        with _saved(outcome, "已复学", json_out):
            _show_resumed(outcome, json_out, show_id, names)


def _show_resumed(outcome, json_out: bool, reveal: bool, names) -> None:
    from xueji_cli.cli.views.records import card_rows, record_dict

    found = outcome.found
    name = found.person.name
    if json_out:
        emit_json(_document(outcome, reveal, names))
        return
    show_warnings(outcome.warnings, name)
    d = outcome.details
    cohort = "" if d["cohort_grade"] == d["grade"] else f"(原年级同学现在{d['cohort_grade']}年级)"
    if not outcome.written:
        say(f"检查通过:{name} 可以复学,编入{d['grade']}年级{d['class_no']}班{cohort},未写入。")
        return
    record = record_dict(found.student, found.person, found.school, reveal, names)
    table(f"已复学:{name}", ["项目", "内容"], card_rows(record)[:11])
    if d["hospital"]:
        say(f"康复证明:{_hospital(d['hospital'], d['hospital_level'])}")
    say(f"编入{d['grade']}年级{d['class_no']}班{cohort};学籍号 {record['local_number']} 不变。")
