"""Identity rules: the resident ID number (NUM-6), the national student number (NUM-5)
and one person, one record (NUM-7).

The ID number is checked with python-stdnum (`stdnum.cn.ric`): length, check character and
birth date with the library; its region table stops at the 2014 GB/T 2260 revision, so an
unknown region is only a warning (STANDARDS.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from xueji_cli.values.violation import Violation, warning

RESIDENT_ID = "1"  # 身份证件类型 居民身份证
NATIONAL_FORMAT = re.compile(r"^[GJL]\d{17}[\dX]$")
GENDER_LABEL = {"1": "男", "2": "女"}



def check_id_number(
    number: str, birth: dt.date | None = None, gender: str | None = None, field: str = "id_number"
) -> list[Violation]:
    """NUM-6 for a normalised resident ID number, against the birth date and gender
    entered by hand (when given)."""
    if not number:
        return []
    if len(number) == 15 and number.isdigit():
        return [Violation(
            "NUM-6", field, "这是15位旧身份证号,学籍只收18位公民身份号码",
            "填写户口簿上现行的18位公民身份号码(旧号码在第6位后加「19」并重算校验码后才是新号码)")]
    if len(number) != 18:
        return [Violation(
            "NUM-6", field, f"身份证号应为18位,实为{len(number)}位",
            "对照户口簿重新填写,注意不要多写或漏写数字")]
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return [Violation(
            "NUM-6", field, "身份证号只能由17位数字加1位数字或X组成",
            "检查是否混入字母、汉字或其他符号")]
    try:
        encoded_birth = _birth_date(number[6:14])
    except InvalidComponent:
        return [Violation(
            "NUM-6", field, f"身份证号第7–14位「{number[6:14]}」不是有效的出生日期",
            "对照户口簿核对身份证号")]
    expected = ric.calc_check_digit(number)
    problems: list[Violation] = []
    if number[17] != expected:
        problems.append(Violation(
            "NUM-6", field, f"身份证号校验码不符:第18位应为「{expected}」,实为「{number[17]}」",
            "身份证号有一位抄错了,请对照户口簿逐位核对"))
    if birth is not None and encoded_birth != birth:
        problems.append(Violation(
            "NUM-6", "birth",
            f"出生日期 {birth:%Y-%m-%d} 与身份证号中的 {encoded_birth:%Y-%m-%d} 不一致",
            "以户口簿为准,改正出生日期或身份证号"))
    encoded_gender = "1" if int(number[16]) % 2 else "2"
    if gender in GENDER_LABEL and gender != encoded_gender:
        problems.append(Violation(
            "NUM-6", "gender",
            f"性别「{GENDER_LABEL[gender]}」与身份证号(第17位{'奇数为男' if encoded_gender == '1' else '偶数为女'})不一致",
            "以户口簿为准,改正性别或身份证号"))
    if not problems and not _known_place(number):
        problems.append(warning(
            "NUM-6", field, f"身份证号前6位地区码「{number[:6]}」不在已知的行政区划表中",
            "新设区县的号码可能如此;请对照户口簿确认"))
    return problems


@functools.lru_cache(maxsize=4096)
def _birth_date(digits: str) -> dt.date:
    """The birth date in digits 7–14, read by stdnum (which normalises the whole number
    first, the costliest step of checking a roster's row); a roster has a few hundred
    distinct birth dates, so each is read once."""
    return ric.get_birth_date(f"000000{digits}0000")


_PLACES: dict[tuple[str, str], bool] = {}


def _known_place(number: str) -> bool:
    """Whether stdnum knows the region of the number in its birth year (what
    ric.get_birth_place accepts). A roster repeats a few regions, so each (region, year)
    is looked up once."""
    key = (number[:6], number[6:10])
    if key not in _PLACES:
        try:
            _PLACES[key] = _place_known(number)
        except (InvalidComponent, KeyError):  # stdnum: KeyError for a known province's unknown county
            _PLACES[key] = False
    return _PLACES[key]


def _place_known(number: str) -> bool:
    """ric.get_birth_place(number) succeeds — its very steps, over the part of stdnum's
    region table (cn/loc.dat) for the number's province. stdnum reads the whole table
    into memory first, a noticeable share of a September import; one province's part is
    read at once. Without the table's usual layout, stdnum's own look-up."""
    provinces = _province_parts()
    if provinces is None:
        ric.get_birth_place(number)
        return True
    part = provinces.get(number[:2])
    if part is None:  # a province stdnum does not know: no information, as get_birth_place
        return False
    results = _province_table(part).info(number[:6])
    info = {k: v for _part, props in results for k, v in props.items()}
    if not info:
        return False
    year = _birth_date(number[6:14]).year
    for county in info["county"].split(","):
        if not county.startswith("["):
            return True
        startend, county = county[1:].split("]")
        start, end = startend.split("-")
        if start and year < int(start):
            continue
        if end and year > int(end):
            continue
        return True
    return False


@functools.cache
def _province_parts() -> dict[str, str] | None:
    """stdnum's cn/loc.dat cut at its province lines ("13 province=…" at the start of a
    line, everything indented below it belongs to it), by province code; None when the
    table does not have that layout."""
    from importlib.resources import files

    try:
        text = files("stdnum").joinpath("cn/loc.dat").read_text("utf-8")
    except (OSError, ModuleNotFoundError):
        return None
    parts: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", text):
        if block.startswith("#"):
            if "\n" in block.strip():  # a comment with data under it: not the layout known
                return None
            continue
        if not re.match(r"\d\d province=", block) or block[:2] in parts:
            return None
        parts[block[:2]] = block + "\n"
    return parts if len(parts) >= 30 else None


@functools.lru_cache(maxsize=64)
def _province_table(part: str):
    import io

    from stdnum import numdb

    return numdb.read(io.StringIO(part))


def load_places() -> None:
    """Read the region table's layout now (a few milliseconds), while a roster is still
    being parsed, rather than at the first ID number checked."""
    from stdnum import numdb  # noqa: F401 - what reads a province's part

    _province_parts()


def gender_from_id(number: str) -> str:
    return "1" if int(number[16]) % 2 else "2"


def missing(rule: str, field: str, label: str, hint: str, id_type: str = RESIDENT_ID,
            id_number: str = "") -> Violation:
    """「缺少性别」/「缺少出生日期」. Left out, they are taken from a valid resident ID
    number; when the number given is wrong (NUM-6 says why), the message says so, so
    that the registrar corrects the number rather than types what it would have given."""
    if id_type == RESIDENT_ID and id_number and field in ("gender", "birth") and any(
            v.is_error for v in check_id_number(id_number)):
        return Violation(rule, field, f"缺少{label}:身份证号有误,无法从中读出{label}",
                         f"改正身份证号(见 NUM-6)后可不填;或{hint}")
    return Violation(rule, field, f"缺少{label}", hint)


_DIGIT_OR_LATIN = re.compile(r"[0-9A-Za-z]")


def check_name_characters(field: str, label: str, name: str | None) -> list[Violation]:
    """ENR-6/ENR-7: the name is the household register's, kept until graduation; digits or
    Latin letters in it are usually a slip of the keyboard or the cell (张3, 李婷婷a) — a
    warning naming the field, never a refusal (some registers hold such names)."""
    if not name or not _DIGIT_OR_LATIN.search(name):
        return []
    return [warning("ENR-6", field, f"{label}「{name}」中有数字或拉丁字母",
                    f"核对{label}是否与户口簿一致;确实如此的可不理会本提醒")]


def check_resident_id(id_type: str | None, id_number: str, birth: dt.date | None,
                      gender: str | None, missing_hint: str) -> list[Violation]:
    """NUM-6 for a child registered with a resident ID (居民身份证): the number is there
    (`missing_hint` says where to find it, or what to do without one) and valid."""
    if id_type != RESIDENT_ID:
        return []
    found = [] if id_number else [Violation(
        "NUM-6", "id_number", "证件类型为居民身份证,但没有填写身份证号", missing_hint)]
    return found + check_id_number(id_number, birth, gender)



def check_national_number(
    number: str, id_type: str | None, id_number: str | None, field: str = "national_number"
) -> list[Violation]:
    """NUM-5: `G` + the resident ID number; `J`/`L` + an ID-like number (J with a valid
    check character)."""
    if not NATIONAL_FORMAT.match(number):
        return [Violation(
            "NUM-5", field, f"全国学籍号「{number[:1]}…」格式不对:应为 G/J/L 加18位",
            "照全国学籍系统中的学籍号填写,例如 G 加18位身份证号")]
    letter, body = number[0], number[1:]
    if letter == "G":
        if id_type == RESIDENT_ID and id_number and body != id_number:
            return [Violation(
                "NUM-5", field, "G字头全国学籍号应等于 G 加本人身份证号,两者不一致",
                "核对身份证号;G字头学籍号随身份证号而定")]
        if ric.calc_check_digit(body) != body[-1]:
            return [Violation(
                "NUM-5", field, "G字头全国学籍号中的身份证号校验码不对", "核对全国学籍号")]
    if letter == "J" and ric.calc_check_digit(body) != body[-1]:
        return [Violation(
            "NUM-5", field, "J字头全国学籍号的校验码不对", "照全国学籍系统中的学籍号重新填写")]
    return []


def national_number_for(
    id_type: str, id_number: str, given: str
) -> tuple[str | None, list[Violation]]:
    """The national number to record (NUM-5), and the problems found."""
    if given:
        return given, check_national_number(given, id_type, id_number)
    if id_type == RESIDENT_ID and id_number:
        return "G" + id_number, []
    return None, [warning(
        "NUM-5", "national_number", "该生没有居民身份证号,也未填写全国学籍号",
        "在全国学籍系统取得 L/J 字头学籍号后用 --national-number 补录")]


def check_one_record(matches: list[dict]) -> list[Violation]:
    """NUM-7: a person has one record. `matches` are records already held for the same
    person, each {"by", "school", "local_number", "status", "status_label", "name"}."""
    problems = []
    for match in matches:
        borrowing = match["status"] == "borrow_ended" or (
            match["status"] == "active" and not match["local_number"])  # only loans go unnumbered
        number = "临时借读学籍(无学籍号)" if borrowing else f"学籍号 {match['local_number'] or '(无)'}"
        where = f"{match['school']} {number},状态「{match['status_label']}」"
        if borrowing and match["status"] == "active":
            hint = ("该生在本目录借读,正式学籍在原学校;转为本校学籍须原学校转出:先用 xueji borrow end 借读登记号 "
                    "--transfer 结束借读,再用 xueji transfer in 办理转入")
        elif borrowing:
            hint = "该生曾在本目录借读,正式学籍在原学校;到本校就读须原学校转出后办理转入(xueji transfer in),不能新建学籍"
        elif match["status"] == "transferred_out":
            hint = "该生的学籍已从本目录转出;回来就读应办理转入(xueji transfer in),不能新建学籍"
        elif match["status"] == "suspended":
            hint = ("该生正在休学(SUS-2):休学期间保留原学籍,不得到其他学校就读,也不能另建学籍;"
                    "期满凭康复证明复学(xueji resume)后,再按转学或借读办理")
        elif match["status"] == "abroad":  # CHG-1, TRF-11: the record kept here comes back
            hint = ("该生出国时保留了学籍;回国在原学校就读用 xueji return-from-abroad 办理回国复学,"
                    "到其他学校就读按转学直接办理(TRF-11),不能新建学籍")
        elif match["status"] in ("graduated", "completed", "left_early"):
            hint = "该生已毕业或离校;不能再建新生学籍"
        else:
            hint = "一人只能有一个学籍;若是转学或借读,用 xueji transfer / xueji borrow 办理"
        problems.append(Violation(
            "NUM-7", match["by"], f"该生已有学籍({match['by_label']}相同):{where}", hint))
    return problems
