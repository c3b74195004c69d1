"""Masking of personal numbers for screens, reports and messages."""

from __future__ import annotations

import re


def mask_id(number: str | None) -> str:
    """`130283202003051234` -> `130283********1234`. Short or foreign numbers keep
    only their last two characters."""
    if not number:
        return ""
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    return "*" * max(len(number) - 2, 0) + number[-2:]


def mask_national(number: str | None) -> str:
    """A national student number is a letter plus an ID-like number: mask the number."""
    if not number:
        return ""
    return number[0] + mask_id(number[1:])


def mask_phone(phone: str | None) -> str:
    """`13912345678` -> `139****5678`: a guardian's phone is personal data as an ID number
    is. Short numbers keep only their last two characters."""
    if not phone:
        return ""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def show(number: str | None, reveal: bool, national: bool = False) -> str:
    if reveal:
        return number or ""
    return mask_national(number) if national else mask_id(number)


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])([GJLgjl]?)(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Every 18-character ID number (or national number) inside a text, masked."""
    return _ID_LIKE.sub(lambda m: m.group(1) + m.group(2) + "********" + m.group(3)[-4:], text)
