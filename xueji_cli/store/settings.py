"""xueji.toml: codes, grades, class caps, policy and the semester calendar.

Defaults follow RULES.md (city document QA and national rules); a directory changes
them in its own xueji.toml, never by editing code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template

from xueji_cli.values.errors import DirectoryError

SETTINGS_FILE = "xueji.toml"
SCHOOL_TYPES = ("primary", "junior", "senior")


@dataclass(frozen=True)
class Semester:
    name: str
    start: dt.date
    end: dt.date | None = None


@dataclass
class Policy:
    school_age_years: int = 6
    school_age_cutoff: tuple[int, int] = (8, 31)
    underage_entry: str = "commitment"
    require_vaccination: bool = False
    transfer_window_days: int = 14
    borrow_window_days: int = 14
    borrow_late_start: bool = False  # BOR-4: the text has no exception
    admit_within_days: int = 3
    suspension_min_years: int = 1  # calendar years (values/dates.years_later)
    suspension_max_years: int = 2
    suspension_early_return: bool = False
    suspension_max_share: float = 0.03
    suspension_renew_notice_days: int = 15
    county_hospitals: tuple[str, ...] = ()  # the county-level hospitals known (SUS-1, SUS-3)
    future_limit_days: int = 31  # a date further ahead is a typing mistake (rules/dates.py)


@dataclass
class Settings:
    name: str
    kind: str = "township"
    operator: str = ""
    database_url: str = ""
    busy_timeout_seconds: float = 15.0
    city: str = "02"
    county: str = "26"
    type_digit: dict[str, str] = field(
        default_factory=lambda: {"primary": "0", "junior": "1", "senior": "2"})
    grades: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {"primary": (1, 6), "junior": (7, 9), "senior": (10, 12)})
    class_cap: dict[str, int] = field(
        default_factory=lambda: {"primary": 45, "junior": 50, "senior": 50})
    policy: Policy = field(default_factory=Policy)
    intake_opens: tuple[int, int] = (6, 1)
    autumn_start: tuple[int, int] = (9, 1)
    spring_start: tuple[int, int] = (3, 1)
    semesters: list[Semester] = field(default_factory=list)

    def school_year(self, day: dt.date) -> int:
        """The school year (its autumn's calendar year) a day of enrollment belongs to."""
        return day.year if (day.month, day.day) >= self.intake_opens else day.year - 1

    def semester_of(self, day: dt.date) -> Semester:
        """The semester a day falls in: an explicit one from the calendar, or the generic
        autumn/spring semester."""
        for semester in sorted(self.semesters, key=lambda s: s.start, reverse=True):
            if semester.start <= day and (semester.end is None or day <= semester.end):
                return semester
        autumn = dt.date(day.year, *self.autumn_start)
        spring = dt.date(day.year, *self.spring_start)
        if day >= autumn:
            return Semester(f"{day.year}—{day.year + 1}学年第一学期", autumn)
        if day >= spring:
            return Semester(f"{day.year - 1}—{day.year}学年第二学期", spring)
        last_autumn = dt.date(day.year - 1, *self.autumn_start)
        return Semester(f"{day.year - 1}—{day.year}学年第一学期", last_autumn)


def render_new(name: str, kind: str, city: str, county: str, operator: str = "",
               database_url: str = "") -> str:
    """The text of a new xueji.toml, with comments for the registrar."""
    template = resources.files("xueji_cli.data").joinpath("xueji.toml.template").read_text("utf-8")
    quote = lambda text: json.dumps(text, ensure_ascii=False)  # a valid TOML basic string
    return Template(template).substitute(
        name=quote(name), kind=quote(kind), city=quote(city), county=quote(county),
        operator=quote(operator), database_url=quote(database_url))


def point_at(directory: Path, url: str) -> None:
    """Write `[database] url = URL` into the directory's xueji.toml (after `xueji db copy
    --switch`), keeping every other line and comment; a top-level `database_url` of the
    earlier release is taken out, as the two may not stand together. The new text is
    read back before it replaces the file (atomically, with the file's permissions)."""
    path = directory / SETTINGS_FILE
    text = path.read_text("utf-8")
    new = _with_database_url(text, url)
    if _database_url(tomllib.loads(new)) != url:
        raise DirectoryError(f"无法把数据库地址写入 {path}", '手工在该文件的 [database] 一节写 url = "地址"')
    staged = path.with_name(f".{SETTINGS_FILE}.new")
    staged.write_text(new, "utf-8")
    os.chmod(staged, path.stat().st_mode & 0o777)
    os.replace(staged, path)


def _with_database_url(text: str, url: str) -> str:
    line = f"url = {json.dumps(url, ensure_ascii=False)}\n"
    lines = text.splitlines(keepends=True)
    first_table = next((i for i, text_line in enumerate(lines) if _table_of(text_line)), len(lines))
    lines = [text_line for i, text_line in enumerate(lines)
             if i >= first_table or not re.match(r"\s*database_url\s*=", text_line)]
    header = next((i for i, text_line in enumerate(lines) if _table_of(text_line) == "database"), None)
    if header is None:
        ending = "" if not lines or lines[-1].endswith("\n") else "\n"
        return "".join(lines) + ending + "\n[database]\n" + line
    end = next((i for i in range(header + 1, len(lines)) if _table_of(lines[i])), len(lines))
    for i in range(header + 1, end):
        if re.match(r"\s*url\s*=", lines[i]):
            lines[i] = line
            return "".join(lines)
    lines.insert(header + 1, line)
    return "".join(lines)


def _table_of(line: str) -> str | None:
    """The name of the table a `[name]` or `[[name]]` header line opens, else None."""
    match = re.match(r"\s*\[\[?\s*([A-Za-z0-9_.\"-]+)\s*\]\]?\s*(#.*)?$", line)
    return match.group(1) if match else None


def load(directory: Path) -> Settings:
    path = directory / SETTINGS_FILE
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise DirectoryError(f"{path} 不存在", "用 xueji init 创建目录") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DirectoryError(f"{path} 写得不对:{exc}", "改正该文件(可参照 xueji init 新建的文件)") from None
    try:
        return _from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise DirectoryError(f"{path} 中的设置有误:{exc}", "改正该项设置后重试") from None


def _month_day(value: str, key: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(value))
    if not match:
        raise ValueError(f"{key} 应写作 月-日,如 \"08-31\"")
    month, day = int(match.group(1)), int(match.group(2))
    dt.date(2001, month, day)  # a day every year has: 02-29 and 02-30 are refused
    return month, day


def _known(table: dict, allowed: set[str], prefix: str) -> None:
    """A misspelt key would leave a default silently in force: refuse it."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"不认识的设置 {', '.join(prefix + k for k in unknown)}"
                         f"(可用:{', '.join(prefix + k for k in sorted(allowed))})")


def _digits(value: str, width: int, key: str) -> str:
    text = str(value)
    if not (text.isdigit() and len(text) == width):
        raise ValueError(f"{key} 应为{width}位数字,现为 {text!r}")
    return text


MAX_WAIT_SECONDS = 3600  # SQLite counts its busy wait in milliseconds, in a C int


def _seconds(value, key: str) -> float:
    """A wait in seconds: a number from 0 to an hour (not infinite, not NaN)."""
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 <= seconds <= MAX_WAIT_SECONDS:  # NaN fails too
        raise ValueError(f"{key} 应为 0 到 {MAX_WAIT_SECONDS} 之间的秒数,如 15,现为 {value!r}")
    return seconds


def checked_text(key: str, field: str, value) -> str:
    """A text of the file that goes onto every journal entry or form (the directory's name,
    the operator): checked like a typed one (values/fields.free_text). A short printable
    text, as nearly every file holds, passes without loading the converters: every command
    reads the settings."""
    text = str(value)
    if text.isprintable() and len(text) <= 50 and text == text.strip():
        return text
    from xueji_cli.values.fields import TextRefused, free_text

    try:
        return free_text(field, text)
    except TextRefused as exc:
        raise ValueError(f"{key}:{exc}") from None


def _from_dict(data: dict) -> Settings:
    codes = data.get("codes", {})
    settings = Settings(
        name=checked_text("name", "directory_name", data["name"]),
        kind=str(data.get("kind", "township")),
        operator=checked_text("operator", "operator", data.get("operator", "")),
        database_url=_database_url(data),
        busy_timeout_seconds=_seconds(data.get("busy_timeout_seconds", 15), "busy_timeout_seconds"),
        city=_digits(codes.get("city", "02"), 2, "codes.city"),
        county=_digits(codes.get("county", "26"), 2, "codes.county"),
    )
    if settings.kind not in ("township", "school"):
        raise ValueError("kind 只能是 township 或 school")
    for key, value in data.get("school_type_digit", {}).items():
        settings.type_digit[key] = _digits(value, 1, f"school_type_digit.{key}")
    for key, value in data.get("grades", {}).items():
        first, last = (int(v) for v in value)
        if not 1 <= first <= last <= 12:
            raise ValueError(f"grades.{key} 应为 [起, 止],如 [1, 6]")
        settings.grades[key] = (first, last)
    for key, value in data.get("class_cap", {}).items():
        if int(value) < 1:
            raise ValueError(f"class_cap.{key} 应为正整数")
        settings.class_cap[key] = int(value)
    _known(data, {"name", "kind", "operator", "database_url", "busy_timeout_seconds", "codes",
                  "database", "school_type_digit", "grades", "class_cap", "policy", "calendar"}, "")
    _known(data.get("database", {}), {"url"}, "database.")
    policy = _suspension_minimum_in_years(data.get("policy", {}))
    defaults = Policy()
    _known(policy, set(vars(defaults)), "policy.")
    _known(codes, {"city", "county"}, "codes.")
    _known(data.get("calendar", {}), {"intake_opens", "autumn_start", "spring_start", "semester"},
           "calendar.")
    for table in ("school_type_digit", "grades", "class_cap"):
        _known(data.get(table, {}), set(SCHOOL_TYPES), table + ".")
    for name in vars(defaults):
        if name in policy:
            raw = policy[name]
            current = getattr(defaults, name)
            if name == "school_age_cutoff":
                value = _month_day(raw, "policy.school_age_cutoff")
            elif name == "county_hospitals":
                value = _hospital_names(raw)
            elif isinstance(current, bool):
                if not isinstance(raw, bool):
                    raise ValueError(f"policy.{name} 应为 true 或 false")
                value = raw
            else:
                value = type(current)(raw)
            setattr(settings.policy, name, value)
    if settings.policy.underage_entry not in ("commitment", "refuse"):
        raise ValueError("policy.underage_entry 只能是 commitment 或 refuse")
    _check_suspension_policy(settings.policy)
    calendar = data.get("calendar", {})
    for name in ("intake_opens", "autumn_start", "spring_start"):
        if name in calendar:
            setattr(settings, name, _month_day(calendar[name], f"calendar.{name}"))
    for item in calendar.get("semester", []):
        start, end = item["start"], item.get("end")
        if not isinstance(start, dt.date) or (end is not None and not isinstance(end, dt.date)):
            raise ValueError("calendar.semester 的 start/end 应写作日期,如 2026-09-01")
        settings.semesters.append(Semester(str(item.get("name", start)), start, end))
    return settings


def _database_url(data: dict) -> str:
    """[database] url: the database of the directory (empty: its own xueji.db). Directories
    made by the earlier release of `init --database` say it as a top-level `database_url`:
    that key is read as the same setting, so that those directories keep opening unchanged;
    both at once would leave one of them silently unused, and are refused."""
    table = data.get("database", {})
    if not isinstance(table, dict):
        raise ValueError('database 应为一节设置 [database],其中写 url = "…"')
    if "database_url" in data and "url" in table:
        raise ValueError("database_url 已改为 [database] 一节的 url,两者只能写一个:删去 database_url")
    return str(table.get("url", data.get("database_url", "")))


def _check_suspension_policy(policy: Policy) -> None:
    """SUS-2, SUS-4, SUS-5 settings: values that would make the rules meaningless."""
    if not 0 < policy.suspension_max_share <= 1:
        raise ValueError("policy.suspension_max_share 应为 0 到 1 之间的比例,如 0.03 即3%")
    if policy.suspension_max_years < 1:
        raise ValueError("policy.suspension_max_years 应为至少1的整数(年)")
    if not 1 <= policy.suspension_min_years <= policy.suspension_max_years:
        raise ValueError("policy.suspension_min_years 应为至少1的整数(年),且不超过连续休学的最长年限"
                         " suspension_max_years")
    if policy.suspension_renew_notice_days < 0:
        raise ValueError("policy.suspension_renew_notice_days 应为不小于0的天数")
    if not 0 <= policy.future_limit_days <= 366:
        raise ValueError("policy.future_limit_days 应为0到366之间的天数")


def _suspension_minimum_in_years(policy: dict) -> dict:
    """SUS-2 counts the shortest suspension in calendar years (policy.suspension_min_years):
    a number of days cannot say "the same date a year later". Every xueji.toml written
    before says `suspension_min_days = 365`, meaning one year: a whole number of years in
    days (365 or 366 a year) is read as those years, so that such a directory keeps
    working unchanged; any other number is refused, saying what to write instead."""
    if "suspension_min_days" not in policy:
        return policy
    days = policy["suspension_min_days"]
    if "suspension_min_years" in policy:
        raise ValueError("policy.suspension_min_days 已改为 policy.suspension_min_years,两者只能写一个:"
                         "删去 suspension_min_days")
    years = days // 365 if isinstance(days, int) and not isinstance(days, bool) else 0
    if not (years >= 1 and 365 * years <= days <= 366 * years):
        raise ValueError(f"policy.suspension_min_days = {days!r} 已不再使用:休学时间以一年为起点,"
                         "按日历年计算 (SUS-2);改写为 suspension_min_years = 1")
    rest = {key: value for key, value in policy.items() if key != "suspension_min_days"}
    return {**rest, "suspension_min_years": years}


def _hospital_names(value) -> tuple[str, ...]:
    """policy.county_hospitals: the names of the county-level (and higher) hospitals the
    directory knows (SUS-1, SUS-3), each a short text as the forms print it."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError('policy.county_hospitals 应为医院名称的列表,如 ["迁安市人民医院", "迁安市中医医院"]')
    names = []
    for item in value:
        name = unicodedata.normalize("NFKC", checked_text("policy.county_hospitals", "hospital", item)).strip()
        if not name:
            raise ValueError("policy.county_hospitals 中有空的医院名称:删去它")
        names.append(name)
    return tuple(names)
