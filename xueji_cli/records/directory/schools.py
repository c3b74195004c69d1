"""Schools of the directory (ORG-1…ORG-3) and their service areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from xueji_cli.ledger.models import School, ServiceArea, Student
from xueji_cli.rules.organisation import overlapping
from xueji_cli.store.settings import SCHOOL_TYPES
from xueji_cli.values import fields, school_codes
from xueji_cli.values.dates import now
from xueji_cli.values.errors import InputError, Refused
from xueji_cli.values.school_codes import normalise_code, not_found
from xueji_cli.values.violation import Violation


def get(session: Session, code: str) -> School:
    school = session.exec(select(School).where(School.code == normalise_code(code))).first()
    if school is None:
        raise not_found(code, session.exec(select(School.code, School.name)))
    return school


def _regions(values: list[str]) -> list[str]:
    regions = []
    for value in values:
        try:
            code = fields.region(value)
        except ValueError as exc:
            raise InputError("service_area", str(exc), getattr(exc, "hint", "")) from None
        if code and code not in regions:
            regions.append(code)
    return regions


def _school_name(name: str) -> str:
    """A school's name as typed: a free text of at most TEXT_LIMITS["school_name"]."""
    try:
        return fields.free_text("school_name", name, "学校名称")
    except fields.TextRefused as exc:
        raise InputError("name", str(exc), exc.hint) from None


def typed_code(code: str) -> str:
    """ORG-2: a new school's code is three digits as typed — a code typed short (4) is
    refused rather than padded, since the code becomes digits 7–9 of every number."""
    text = fields.text(code)
    if text.isdigit() and len(text) == 3:
        return text
    hint = f"您是指 {text.zfill(3)} 吗?请输入 --code {text.zfill(3)}" if text.isdigit() and len(text) < 3 \
        else "学籍号第7–9位即学校代码,如 001"
    raise InputError("code", f"学校代码「{text}」应为3位数字", hint)


def add(session: Session, code: str, name: str, type_: str = "primary", central: bool = False,
        designated: bool = False, areas: list[str] | None = None,
        national_id: str | None = None) -> School:
    code = typed_code(code)
    if type_ not in SCHOOL_TYPES:
        raise InputError("type", f"学校类型「{type_}」应为 primary(小学)、junior(初中)或 senior(高中)")
    name = _school_name(name)
    if not name:
        raise InputError("name", "学校名称不能为空")
    if session.exec(select(School).where(School.code == code)).first():
        raise Refused([Violation("ORG-2", "code", f"学校代码 {code} 已经登记",
                                 "每所学校的代码唯一;换一个代码,或用 xueji school set 修改")])
    if central and session.exec(select(School).where(School.is_central)).first():
        raise Refused([Violation("ORG-1", "central", "本目录已有中心校", "一个乡镇只有一所中心校")])
    school = School(code=code, name=name, type=type_, is_central=central,
                    designated_for_borrowing=designated,
                    national_id=school_codes.national_id(national_id) if national_id else None,
                    created_at=now())
    session.add(school)
    session.flush()
    for region in _regions(areas or []):
        session.add(ServiceArea(school_id=school.id, region=region))
    return school


def national_ids(session: Session) -> dict[str, str]:
    """School code → 学校标识码, for the schools that have one (the national export)."""
    return dict(session.exec(select(School.code, School.national_id)
                             .where(School.national_id.is_not(None))).all())


def update(session: Session, code: str, name: str | None = None, designated: bool | None = None,
           add_areas: list[str] | None = None, remove_areas: list[str] | None = None,
           closed_on: dt.date | None = None, reopen: bool = False,
           national_id: str | None = None) -> School:
    school = get(session, code)
    if national_id is not None:
        school.national_id = school_codes.national_id(national_id)
    if closed_on is not None and reopen:
        raise InputError("closed", "--closed 与 --reopen 只能选一个")
    if closed_on is not None:
        school.closed_on = closed_on  # ORG-2 撤并: its records stay until moved
    if reopen:
        school.closed_on = None  # a closing recorded by mistake
    if name is not None:
        school.name = _school_name(name)
        if not school.name:
            raise InputError("name", "学校名称不能为空")
    if designated is not None:
        school.designated_for_borrowing = designated
    have = set(areas_of(session, school.id))
    for region in _regions(add_areas or []):
        if region not in have:
            session.add(ServiceArea(school_id=school.id, region=region))
    for region in _regions(remove_areas or []):
        row = session.exec(select(ServiceArea).where(
            ServiceArea.school_id == school.id, ServiceArea.region == region)).first()
        if row is None:
            raise InputError("service_area", f"{school.name}的服务范围中没有 {region}")
        session.delete(row)
    session.add(school)
    return school


def overlaps(session: Session, school_id: int, areas: list[str]) -> dict[str, list[str]]:
    """The other schools whose service area overlaps one of `areas` (ENR-2 就近入学: a
    village belongs to one school's area), by "code name"."""
    others: dict[str, list[str]] = {}
    labels = {s.id: f"{s.code} {s.name}" for s in session.exec(select(School))}
    for other_id, region in session.exec(select(ServiceArea.school_id, ServiceArea.region)
                                         .where(ServiceArea.school_id != school_id)):
        others.setdefault(labels[other_id], []).append(region)
    return overlapping(areas, others)


def on_register_at(session: Session, school_id: int) -> int:
    """How many records the school still holds on the register (在籍: at school, suspended,
    lent out): a closed school's records stay until they are moved (ORG-2)."""
    from xueji_cli.ledger.counted import register_statuses

    return session.exec(select(func.count()).select_from(Student).where(
        Student.school_id == school_id, Student.kind == "regular",
        Student.status.in_(register_statuses()))).one()


def borrowers_at(session: Session, school_id: int) -> int:
    """How many children are studying at the school on loan now (active borrowing records)."""
    return session.exec(select(func.count()).select_from(Student).where(
        Student.school_id == school_id, Student.kind == "borrowing",
        Student.status == "active")).one()


def areas_of(session: Session, school_id: int) -> list[str]:
    return list(session.exec(select(ServiceArea.region).where(
        ServiceArea.school_id == school_id).order_by(ServiceArea.region)))


@dataclass(frozen=True)
class Listed:
    """A school of the directory with its service areas and its children at school."""

    school: School
    service_areas: list[str]
    at_school: int


def listing(session: Session) -> list[Listed]:
    """Every school in code order; the children at school counted in SQL, once."""
    counts = dict(session.exec(select(Student.school_id, func.count()).where(
        Student.status == "active").group_by(Student.school_id)).all())
    areas: dict[int, list[str]] = {}
    for school_id, region in session.exec(select(ServiceArea.school_id, ServiceArea.region)
                                          .order_by(ServiceArea.region)):
        areas.setdefault(school_id, []).append(region)
    return [Listed(school, areas.get(school.id, []), counts.get(school.id, 0))
            for school in session.exec(select(School).order_by(School.code))]
