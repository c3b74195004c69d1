"""xueji withdraw / death / abroad / complete / leave-early — a record leaves the register
(CHG-1, CHG-2); return-from-abroad — it comes back (回国复学). One small command each; the core decides (records/lifecycle/changes.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.after_commit import record_saved
from xueji_cli.cli.options import (
    CapDecisionOpt,
    DateOpt,
    JsonOpt,
    KeyArg,
    RemarkOpt,
    ShowIdOpt,
    parse_date_option,
)
from xueji_cli.cli.output import guard
from xueji_cli.cli.workspace import workspace

Opt = typer.Option
ReasonOpt = Annotated[str | None, Opt("--reason", help="原因")]
EvidenceOpt = Annotated[list[str] | None, Opt("--evidence", metavar="材料", help="查验过的证明材料,可重复")]


def _leave(ctx: typer.Context, kind: str, key: str, date: str | None, json_out: bool,
           show_id: bool, **options) -> None:
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle import changes
        from xueji_cli.values import codes, dates

        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = changes.leave(session, ws.settings, kind, key, effective, dates.today(),
                                 ws.operator, **options)
            after = {"status": done.found.student.status}
            names = regions.load(session)
        done_words = f"已办理{codes.change_kind(kind).label}"
        with record_saved(done_words, done.found, json_out):
            render_change(done_words, done.found, [done.entry], done.before, after,
                          done.warnings, json_out, show_id, names=names)


def withdraw(
    ctx: typer.Context,
    key: KeyArg,
    reason: Annotated[str, Opt("--reason", help="退学原因(必填)")],
    lawful_basis: Annotated[str | None, Opt(
        "--lawful-basis", metavar="DOC",
        help="义务教育阶段(小学、初中)必填:法律允许退学的依据,如教育局批准文件文号")] = None,
    evidence: EvidenceOpt = None,
    remark: RemarkOpt = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """退学:义务教育阶段的适龄学生不得随意退学,只有法律允许时凭记录的依据办理 (CHG-1);
    高中学生写明原因即可。"""
    _leave(ctx, "withdraw", key, date, json_out, show_id, reason=reason, lawful_basis=lawful_basis,
           evidence=evidence, remark=remark)


def death(
    ctx: typer.Context,
    key: KeyArg,
    date: Annotated[str, Opt("--date", help="死亡日期(必填),YYYY-MM-DD")],
    evidence: EvidenceOpt = None,
    remark: RemarkOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """死亡:注销学籍,记录死亡日期和证明材料(如 死亡证明)。"""
    _leave(ctx, "death", key, date, json_out, show_id, evidence=evidence, remark=remark)


def abroad(
    ctx: typer.Context,
    key: KeyArg,
    destination: Annotated[str | None, Opt("--destination", help="前往的国家或地区")] = None,
    reason: ReasonOpt = None,
    evidence: EvidenceOpt = None,
    remark: RemarkOpt = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """出国:学生出国(境)学习或随家长出国,学籍状态改为出国。"""
    _leave(ctx, "abroad", key, date, json_out, show_id, destination=destination, reason=reason,
           evidence=evidence, remark=remark)


def return_from_abroad(
    ctx: typer.Context,
    key: KeyArg,
    evidence: EvidenceOpt = None,
    grade: Annotated[str | None, Opt(
        "--grade", metavar="lower|same|N",
        help="编入年级:lower 出国时所在年级(默认);same 随原年级同学;或年级数字")] = None,
    class_: Annotated[str | None, Opt("--class", help="编入班号(默认出国时的班号)")] = None,
    cap_decision: CapDecisionOpt = None,
    remark: RemarkOpt = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """回国复学:出国的学生回国,回到保留学籍的本校复学 (CHG-1, TRF-11),凭查验过的材料
    (--evidence,如 护照、复学申请书);默认编入出国时所在年级,本人意愿可随原年级同学 (同 SUS-3);
    学籍号不变。转到其他学校的,直接办理转学(xueji transfer out)。"""
    with guard(json_out):
        from xueji_cli.cli.views.changes import render_change
        from xueji_cli.records.directory import regions
        from xueji_cli.records.lifecycle.returning import return_from_abroad as back
        from xueji_cli.records.suspension.steps import parse_grade_choice
        from xueji_cli.values import dates, fields
        from xueji_cli.values.errors import InputError

        try:
            class_no = fields.class_no(class_) if class_ else None
        except ValueError as exc:
            raise InputError("class", str(exc)) from None
        choice = parse_grade_choice(grade)
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            done = back(session, ws.settings, key, effective, dates.today(), ws.operator, choice,
                        class_no, evidence, cap_decision, remark)
            after = {name: getattr(done.found.student, name) for name in done.before}
            names = regions.load(session)
        with record_saved("已办理回国复学", done.found, json_out):
            render_change("已办理回国复学", done.found, [done.entry], done.before, after,
                          done.warnings, json_out, show_id, names=names)


def _senior(kind: str, reason_help: str, doc: str):
    """结业 and 肄业 take the same options: one command each, made here."""

    def command(
        ctx: typer.Context,
        key: KeyArg,
        reason: str,  # its option, with the help of this kind, is set below
        evidence: EvidenceOpt = None,
        remark: RemarkOpt = None,
        date: DateOpt = None,
        json_out: JsonOpt = False,
        show_id: ShowIdOpt = False,
    ) -> None:
        _leave(ctx, kind, key, date, json_out, show_id, reason=reason, evidence=evidence,
               remark=remark)

    command.__annotations__["reason"] = Annotated[str, Opt("--reason", help=reason_help)]
    command.__doc__ = doc
    command.__name__ = kind
    return command


complete = _senior("complete", "不予毕业的原因,如 会考补考后仍有不及格",
                   "结业(高中,CHG-2):修业期满而不予毕业,发给结业证书。在学年升级之前办理。")
leave_early = _senior("leave_early", "中途离校的原因",
                      "肄业(高中,CHG-2):修业期未满中途离校,发给肄业证明(注明实际修业时间)。")
