"""xueji school — the schools of the directory and their service areas."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import DateOpt, JsonOpt, parse_date_option
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.region_options import region_codes
from xueji_cli.cli.workspace import workspace

TYPE_WORDS = {"小学": "primary", "初中": "junior", "高中": "senior"}
AreaOpt = Annotated[list[str] | None, typer.Option(
    "--service-area", metavar="REGION",
    help="服务范围:12位统计用区划代码或其前6/9位,可重复")]
NationalIdOpt = Annotated[str | None, typer.Option(
    "--national-id", metavar="ID", help="学校标识码(全国学籍系统的10位学校代码),填入全国模板导出的第一列")]


def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option("--code", help="3位学校代码(学籍号第7–9位),如 004(不能只写 4)")],
    name: Annotated[str, typer.Option("--name", help="学校名称")],
    type_: Annotated[str, typer.Option("--type", help="primary 小学 / junior 初中 / senior 高中")] = "primary",
    central: Annotated[bool, typer.Option("--central", help="该校是乡镇中心校")] = False,
    designated: Annotated[bool, typer.Option(
        "--designated-for-borrowing", help="教育局指定接收借读生的学校 (ORG-3)")] = False,
    service_area: AreaOpt = None,
    national_id: NationalIdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """登记一所学校。"""
    with guard(json_out, subject=f"学校 {code}"):
        from xueji_cli.records.directory import schools

        areas = _codes(ctx, service_area)
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            school = schools.add(session, code, name, TYPE_WORDS.get(type_, type_), central,
                                 designated, areas, national_id)
            areas = schools.areas_of(session, school.id)
            warnings = _overlap_warnings(schools.overlaps(session, school.id, areas))
        if json_out:
            emit_json({"ok": True, "code": school.code, "name": school.name, "type": school.type,
                       "national_id": school.national_id, "service_areas": areas,
                       "warnings": warnings})
        else:
            say(f"已登记学校 {school.code} {school.name}"
                + (f",服务范围 {'、'.join(areas)}" if areas else ",尚未设置服务范围"))
            for warning in warnings:
                say(warning, "yellow")


def set_(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="学校代码")],
    name: Annotated[str | None, typer.Option("--name", help="新名称")] = None,
    designated: Annotated[bool | None, typer.Option(
        "--designated-for-borrowing/--not-designated", help="是否为指定借读学校")] = None,
    service_area: AreaOpt = None,
    remove_area: Annotated[list[str] | None, typer.Option(
        "--remove-area", metavar="REGION", help="从服务范围中删去,可重复")] = None,
    closed: Annotated[bool, typer.Option(
        "--closed", help="学校撤并:自 --date 起不再接收入学、转入、借读和接收学籍;已有学籍保留到转走为止 (ORG-2)")] = False,
    date: DateOpt = None,
    reopen: Annotated[bool, typer.Option("--reopen", help="撤销误登记的撤并")] = False,
    national_id: NationalIdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """修改学校名称、指定借读资格、服务范围,或登记撤并(--closed)。"""
    with guard(json_out, subject=f"学校 {code}"):
        from xueji_cli.records.directory import schools

        adding, removing = _codes(ctx, service_area), _codes(ctx, remove_area)
        closing = parse_date_option(date) if closed else None
        ws = workspace(ctx)
        with ws.store.session(write=True) as session:
            school = schools.update(session, code, name, designated, adding, removing,
                                    closing, reopen, national_id)
            areas = schools.areas_of(session, school.id)
            borrowing = schools.borrowers_at(session, school.id) if designated is False else 0
            held = schools.on_register_at(session, school.id) if closed else 0
            warnings = _overlap_warnings(schools.overlaps(session, school.id, adding)) if adding else []
        # ORG-3 names the schools that may take borrowing pupils; those already here stay
        # until their loan ends (BOR-4), but the registrar should know they are there.
        if borrowing:
            warnings.append(f"ORG-3(提醒):{school.name}已不是指定借读学校,但仍有 {borrowing} 名借读生在读;"
                            "他们的借读不受影响,新的借读不能再登记到本校。到期用 xueji borrow end 结束借读")
        if held:  # ORG-2: the records stay where they are until each is moved
            warnings.append(f"ORG-2(提醒):{school.name}仍有 {held} 名在籍学生,学籍保留在本校,"
                            "请逐一用 xueji transfer out KEY --to 学校代码 转到接收学校;转完后本校不再出现在月报中")
        if json_out:
            emit_json({"ok": True, "code": school.code, "name": school.name, "service_areas": areas,
                       "closed_on": school.closed_on.isoformat() if school.closed_on else None,
                       "national_id": school.national_id,
                       "warnings": warnings})
        else:
            say(f"已修改学校 {school.code} {school.name},服务范围 {'、'.join(areas) or '(未设置)'}"
                + (f",{school.closed_on:%Y-%m-%d} 撤并" if school.closed_on else "")
                + (",已撤销撤并" if reopen else "")
                + (f",学校标识码 {school.national_id}" if national_id is not None else ""))
            for warning in warnings:
                say(warning, "yellow")


def list_(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """列出本目录的学校。"""
    with guard(json_out):
        from xueji_cli.cli.views.schools import school_dict
        from xueji_cli.records.directory import schools
        from xueji_cli.values import codes

        ws = workspace(ctx)
        with ws.store.session() as session:
            rows = [school_dict(listed) for listed in schools.listing(session)]
        if json_out:
            emit_json({"ok": True, "schools": rows})
            return
        table(f"{ws.settings.name} 的学校",
              ["代码", "名称", "类型", "中心校", "指定借读", "服务范围", "在校人数", "状态"],
              [[r["code"], r["name"], codes.label("school_type", r["type"]),
                "是" if r["central"] else "", "是" if r["designated_for_borrowing"] else "",
                "、".join(r["service_areas"]) or "(未设置)", r["at_school"],
                f"已撤并({r['closed_on']})" if r["closed_on"] else "在办"] for r in rows])


def _overlap_warnings(overlaps: dict[str, list[str]]) -> list[str]:
    """ENR-2 就近入学: a village in two schools' areas makes the nearest school ambiguous."""
    return [f"ORG-2(提醒):服务范围 {'、'.join(areas)} 与 {label} 的服务范围重叠;"
            "同一村(居)只应属于一所学校的服务范围,核对后用 xueji school set --remove-area 调整"
            for label, areas in overlaps.items()]


def _codes(ctx: typer.Context, areas: list[str] | None) -> list[str] | None:
    """Service areas typed as codes or as region names (示范镇 for its 9-digit code)."""
    return region_codes(ctx, service_area=areas)["service_area"] if areas else areas
