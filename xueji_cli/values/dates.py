"""Dates as registrars write them, and "today" in China time."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
ACCEPTED = "2026-09-01, 2026/9/1, 20260901, 2026年9月1日"

_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def now() -> dt.datetime:
    """The current time, timezone-aware (stored in UTC, shown in China time)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def china_time(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA)


def today() -> dt.date:
    """Today in China. XUEJI_TODAY=YYYY-MM-DD pins it (tests, re-entering a past day)."""
    pinned = os.environ.get("XUEJI_TODAY")
    if pinned:
        try:
            return parse_date(pinned)
        except ValueError as exc:
            from xueji_cli.values.errors import InputError

            raise InputError("XUEJI_TODAY", f"环境变量 XUEJI_TODAY 有误:{exc}",
                             "写作 2026-09-01,或删除该变量") from None
    return china_time(now()).date()


# The years a date of a student's record can have: a year outside them is a typing
# error, and the date arithmetic of the rules (a year later, the day before) stays in range.
YEARS = (1900, 2999)


class DateRefused(ValueError):
    """A text that is no date, with the forms a date may be written in (said once)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.hint = f"可写作 {ACCEPTED}"


def _in_range(day: dt.date, shown: object) -> dt.date:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"「{shown}」的年份 {day.year} 不对(应在 {YEARS[0]}—{YEARS[1]} 年之间)")
    return day


def parse_date(value: object) -> dt.date:
    """A date from a cell or a typed string. Raises ValueError with a Chinese message."""
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), f"{value:%Y-%m-%d}")
    if isinstance(value, dt.date):
        return _in_range(value, f"{value:%Y-%m-%d}")
    if isinstance(value, bool) or value is None:
        raise ValueError("缺少日期")
    if isinstance(value, (int, float)):
        if 19000101 <= value <= 29991231 and float(value).is_integer():
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:  # an Excel serial day number
            return _in_range(_EXCEL_EPOCH + dt.timedelta(days=int(value)), value)
        raise ValueError(f"「{value}」不是日期")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise ValueError("缺少日期")
    text = re.sub(r"[ T]00:00(:00)?$", "", text)  # a date cell read as text
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        raise DateRefused(f"「{text}」不是日期")
    year, month, day = (int(part) for part in match.groups())
    try:
        found = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"「{text}」不是真实存在的日期") from None
    return _in_range(found, text)


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """`2026-10` (or 2026/10, 202610, 2026年10月) -> first and last day of that month."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = re.match(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?$", cleaned)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"「{text}」不是月份,应写作 2026-10")
    first = _in_range(dt.date(int(match.group(1)), int(match.group(2)), 1), text)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def years_later(day: dt.date, years: int) -> dt.date:
    """The same date `years` calendar years later; from 29 February to a year without one,
    1 March. A year of the regulation is a calendar year (SUS-2 休学以一年为起点, SUS-4
    连续休学不得超过两年): from 29 February, 28 February a year later is a day short."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def full_years(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a birthday counts on the day itself)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years
