"""xueji student update — change a person's details (信息变更): guardian, phone, address,
ethnicity, the household registrations and residence, one journal entry with the old and new
values (CHG-3); a household registration only with the 户口簿 seen (ENR-2). Name, ID
number, birth date and gender stay with `xueji correct` (ENR-6, NUM-5, ENR-7)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.after_commit import record_saved
from xueji_cli.cli.options import (
    DateOpt,
    DryRunOpt,
    EthnicityOpt,
    GuardianNameOpt,
    JsonOpt,
    KeyArg,
    ShowIdOpt,
    parse_date_option,
)
from xueji_cli.cli.output import guard
from xueji_cli.cli.region_options import region_codes
from xueji_cli.cli.workspace import workspace

Opt = typer.Option
# Who the child is: accepted only to be refused, pointing to `xueji correct`.
Kept = Annotated[str | None, Opt(hidden=True)]


def update(
    ctx: typer.Context,
    key: KeyArg,
    guardian_name: GuardianNameOpt = None,
    guardian_phone: Annotated[str | None, Opt(
        "--guardian-phone", help="监护人电话(填空字符串 \"\" 表示删去)")] = None,
    address: Annotated[str | None, Opt("--address", help="现住址(填空字符串 \"\" 表示删去)")] = None,
    ethnicity: EthnicityOpt = None,
    hukou_region: Annotated[str | None, Opt(
        "--hukou-region", metavar="R", help="新的户口所在地(区划代码或名称);须查验户口簿 (ENR-2)")] = None,
    guardian_hukou_region: Annotated[str | None, Opt(
        "--guardian-hukou-region", metavar="R",
        help="新的监护人户口所在地(区划代码或名称);须查验户口簿 (ENR-2)")] = None,
    residence_region: Annotated[str | None, Opt(
        "--residence-region", metavar="R", help="新的实际常住地(区划代码或名称)")] = None,
    evidence: Annotated[list[str] | None, Opt(
        "--evidence", metavar="材料", help="查验过的证明材料,可重复;变更户口所在地须有 户口簿")] = None,
    reason: Annotated[str | None, Opt("--reason", help="变更原因,如 家长换了手机号")] = None,
    name: Kept = None,
    id_number: Kept = None,
    birth: Kept = None,
    gender: Kept = None,
    date: DateOpt = None,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    show_id: ShowIdOpt = False,
) -> None:
    """信息变更:改监护人姓名、监护人电话、现住址、民族、户口所在地、监护人户口所在地、现住地,记一条变动
    (原来的值和新值都保留,可用 xueji undo 撤销)。变更户口所在地须查验户口簿;变更后户籍与监护人户籍、
    现住地不再一致时提醒 (ENR-2)。已不在籍的学生也可变更档案中的个人信息,并予说明。
    姓名、身份证号、出生日期、性别不在此修改,用 xueji correct 更正 (ENR-6, NUM-5)。"""
    with guard(json_out):
        from xueji_cli.records.directory.regions import load as load_regions
        from xueji_cli.records.lifecycle import updates
        from xueji_cli.values import dates

        regions = region_codes(ctx, hukou_region=hukou_region,
                               guardian_hukou_region=guardian_hukou_region,
                               residence_region=residence_region)
        typed = {"guardian_name": guardian_name, "guardian_phone": guardian_phone,
                 "address": address, "ethnicity": ethnicity, **regions}
        identity = [k for k, v in (("name", name), ("id_number", id_number), ("birth", birth),
                                   ("gender", gender)) if v is not None]
        effective = parse_date_option(date)
        ws = workspace(ctx)
        with ws.store.session(write=not dry_run) as session:
            done = updates.update(session, ws.settings, key, typed, identity=identity,
                                  evidence=evidence, reason=reason, effective=effective,
                                  today=dates.today(), operator=ws.operator, dry_run=dry_run)
            names = load_regions(session)
        from xueji_cli.cli.views.changes import render_change, render_checked

        if dry_run:
            render_checked("变更信息", done.found, done.old, done.new, done.warnings, json_out, show_id)
            return
        with record_saved("已变更信息", done.found, json_out):
            render_change("已变更信息", done.found, [done.entry], done.old, done.new,
                          done.warnings, json_out, show_id, names=names)

