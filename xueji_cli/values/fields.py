"""Converters from what a registrar types or a roster cell holds to stored values.

Each raises ValueError with a Chinese message saying what was expected; the command
line and the roster importer share them, so a value reads the same from both.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from xueji_cli.values import codes
from xueji_cli.values.characters import DIRECTION, INVISIBLE, REFUSED
from xueji_cli.values.dates import parse_date  # noqa: F401  (re-exported converter)
from xueji_cli.values.labels import field as label_of
from xueji_cli.values.violation import Violation

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}
_STAGE_OFFSET = {"初": 6, "高": 9}  # 初一 = 7, 高一 = 10


def text(value: object) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


# -- free text: what a registrar types or a roster holds in words -------------------------------
# The longest each may be, in characters once normalised. A name of 50 holds any name on a
# household register, minority names with their middle dots (·) included; a school, a
# directory (a township or a school) or a hospital of 60 holds the longest official names
# (省…县…镇…村…学校); a document number, a person's approval or an evidence word
# (承诺书:…) of 100 holds a 文号 with its issuing office; a phone 40 (two numbers with an
# extension); an address 200; what explains (remarks, reasons, the text of a note) 500,
# and may run over several lines.
TEXT_LIMITS = {
    "name": 50, "guardian_name": 50, "approver": 50, "operator": 50,
    "school": 60, "school_name": 60, "directory_name": 60, "origin_school": 60,
    "host_school": 60, "from_school": 60, "to_school": 60, "hospital": 60, "destination": 60,
    "guardian_phone": 40, "evidence": 100, "region_name": 60,
    "letter": 100, "approval": 100, "late_approval": 100, "cap_decision": 100,
    "underage_commitment": 100, "central_approval": 100, "school_order": 100,
    "doc_no": 100, "lawful_basis": 100,
    "address": 200,
    "remark": 500, "reason": 500, "reason_detail": 500, "special_reason": 500,
    "share_override": 500, "withdraw_reason": 500, "sanction_reason": 500, "text": 500,
}
TEXT_LIMIT = 200  # any other text: a roster's other columns (the national template's)
MULTILINE = frozenset(("remark", "reason", "reason_detail", "special_reason", "share_override",
                       "withdraw_reason", "sanction_reason", "text"))


class TextRefused(ValueError):
    """A text that cannot be stored as typed, with what would make it pass."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def free_text(field: str, value: object, label: str | None = None) -> str:
    """A text as stored: normalised (text()), invisible characters removed; refused when it
    holds a control or direction character, a line break in a one-line field, or is longer
    than TEXT_LIMITS allows. `label` names the field in the message (its label by default)."""
    limit = TEXT_LIMITS.get(field, TEXT_LIMIT)
    raw = "" if value is None else str(value)
    if len(raw) > 20 * limit + 100:  # no normalising brings that within the limit
        raise _too_long(label or label_of(field), len(raw), limit)
    result = text(raw)
    if result.isprintable() and len(result) <= limit:
        return result  # most texts: nothing to remove or refuse
    result = INVISIBLE.sub("", result)
    if field in MULTILINE:
        result = result.replace("\r\n", "\n").replace("\r", "\n")
    for found in REFUSED.finditer(result):
        if not (found.group() == "\n" and field in MULTILINE):
            raise _refused(label or label_of(field), found.group(), found.start() + 1)
    if len(result) > limit:
        raise _too_long(label or label_of(field), len(result), limit)
    return result


def text_of(field: str, label: str | None = None):
    """free_text as a converter of one field (a roster column, a Collector's value)."""
    return lambda value: free_text(field, value, label)


def checked_texts(**values: str | None) -> tuple[dict[str, str | None], list[Violation]]:
    """Typed free texts, keyed by their field: each as stored (free_text; None when empty
    or refused) and an INPUT violation for each refused one, to be reported with the
    rules' findings."""
    stored: dict[str, str | None] = {}
    problems: list[Violation] = []
    for field, value in values.items():
        try:
            stored[field] = None if value is None else free_text(field, value) or None
        except TextRefused as exc:
            stored[field] = None
            problems.append(Violation("INPUT", field, str(exc), exc.hint))
    return stored, problems


def _refused(label: str, char: str, position: int) -> TextRefused:
    code = f"U+{ord(char):04X}"
    if char in "\n\r\u2028\u2029":
        return TextRefused(f"{label}中有换行(第 {position} 个字符处)",
                           f"{label}写在一行内:删去换行(表格中按 Alt+Enter 换的行)后重新填写")
    if "\ud800" <= char <= "\udfff":
        return TextRefused(f"{label}中有无法识别的字符(第 {position} 个字符,编码有误)",
                           "按 UTF-8 编码重新输入这些文字(或从表格中重新复制)")
    if DIRECTION.fullmatch(char):
        return TextRefused(f"{label}中有改变文字显示方向的控制字符 {code}(第 {position} 个字符),"
                           "会使显示的内容与实际存储的不同",
                           "删去该字符后重新填写(手工输入文字,不要从来历不明的文件中复制)")
    return TextRefused(f"{label}中有看不见的控制字符 {code}(第 {position} 个字符)",
                       "删去该字符后重新填写(常见于从网页或其他系统复制的文字;"
                       "Excel 中可用 =CLEAN(单元格) 清除)")


def _too_long(label: str, length: int, limit: int) -> TextRefused:
    return TextRefused(f"{label}太长:有 {length:,} 个字符,最多 {limit} 个",
                       f"核对{label}(是否把别的内容也填了进来),缩短到 {limit} 个字符以内")


def compact_name(value: object) -> str:
    """A person's name as stored, shown and looked up: normalised (text()) with every space
    removed, so that 李 婷婷 typed, read from a roster or given as a KEY is 李婷婷 in the
    record, in a command's heading and in a search alike."""
    return "".join(text(value).split())


def person_name(value: object, field: str = "name") -> str:
    """A person's name as a free text (free_text: its checks and limit), compacted."""
    return compact_name(free_text(field, value))


def guardian_name(value: object) -> str:
    """The guardian's name, stored and shown one way like the child's (李 国强 is 李国强)."""
    return person_name(value, "guardian_name")


def gender(value: object) -> str:
    found = codes.parse_code("gender", value)
    if not found:
        raise ValueError(f"性别「{text(value)}」应为 男 或 女(或代码 1、2)")
    return found


def ethnicity(value: object) -> str | None:
    if not text(value):
        return None
    found = codes.parse_code("ethnicity", value)
    if not found:
        raise ValueError(f"民族「{text(value)}」不在民族代码表中(如 01、汉族、01-汉族)")
    return found


def id_type(value: object) -> str:
    if not text(value):
        return "1"
    found = codes.parse_code("id_type", value)
    if not found:
        raise ValueError(f"身份证件类型「{text(value)}」不在代码表中(如 1 居民身份证、A 护照)")
    return found


def _number(word: str, what: str) -> int:
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word in _CN_DIGITS:
        return _CN_DIGITS[word]
    raise ValueError(f"{what}")


def grade(value: object) -> int:
    """1, "1", "一年级", "七年级", "初一" (= 7), "高一" (= 10)."""
    raw = text(value)
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    word = raw.removesuffix("年级")
    message = f"年级「{raw}」应写作数字或「一年级」「初一」「高一」"
    if word[:1] in _STAGE_OFFSET and len(word) > 1:
        year = _number(word[1:], message)
        if not 1 <= year <= 3:  # 初一–初三, 高一–高三; "高四" is not grade 13
            raise ValueError(message)
        return _STAGE_OFFSET[word[0]] + year
    number = _number(word, message) if word else None
    if number is None or not 1 <= number <= 12:
        raise ValueError(message)
    return number


def class_no(value: object) -> int:
    """1, "1", "01", "1班", "(1)班", "一班"."""
    raw = text(value)
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    word = re.sub(r"^[((]?(.+?)[))]?班?$", r"\1", raw)
    message = f"班级「{raw}」应写作班号数字,如 1 或 1班"
    number = _number(word, message) if word else None
    if number is None or not 1 <= number <= 99:
        raise ValueError(message)
    return number


# A class cell that names its grade too, as WPS rosters write it (NFKC has made full-width
# brackets ASCII): 一年级(1)班, 1年级1班 — or the grade before a bracketed class: 一(1)班, 初一(2)班.
_GRADE_THEN_CLASS = (re.compile(r"(.+?)年级\(?(.+?)\)?班?"), re.compile(r"(.+?)\((.+?)\)班?"))


def class_in_grade(value: object) -> tuple[int | None, int]:
    """A roster's class cell: (None, class) for 1, 1班, (1), (1)班; (grade, class) for one
    that names its grade too (一年级(1)班 → (1, 1)), which the row's 年级 must agree with."""
    raw = text(value)
    for pattern in _GRADE_THEN_CLASS:
        found = pattern.fullmatch(raw)
        if found:
            try:
                return grade(found.group(1)), class_no(found.group(2))
            except ValueError:
                raise ValueError(f"班级「{raw}」应写作班号数字,如 1、1班、(1)班,"
                                 "或连同年级写作 一年级(1)班") from None
    return None, class_no(value)


def normalise_id_number(text: object) -> str:
    """Full-width digits, lower-case x, spaces and dashes removed; upper case."""
    if text is None:
        return ""
    compact = _ric_compact()
    result = str(text)
    for _ in range(4):  # until stable: NFKC can bring out a space (¨ -> space + diaeresis)
        step = compact(unicodedata.normalize("NFKC", result).replace(" ", "").replace("-", ""))
        if step == result:
            break
        result = step
    return result


@functools.cache
def _ric_compact():
    """python-stdnum's compact form of an ID number, loaded when first needed: every command
    reads its settings through this module, and loading stdnum (which loads pydoc) is a
    noticeable share of a short command."""
    from stdnum.cn import ric

    return ric.compact


def normalise_national_number(text: object) -> str:
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).replace(" ", "").strip().upper()


def normalise_region(value: object) -> str:
    if value is None:
        return ""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)))


class UnresolvedRegion(str):
    """A region name typed that the directory's region table does not resolve to one
    region, carrying why (the candidates with their codes): the command's own converter
    reports it with every other problem of the command (region() raises it)."""

    def __new__(cls, text: str, problem: ValueError):
        made = super().__new__(cls, text)
        made.problem = problem
        return made


def region(value: object) -> str:
    if isinstance(value, UnresolvedRegion):
        raise value.problem
    code = normalise_region(value)
    if isinstance(value, float) and value.is_integer():
        code = str(int(value))
    if code and not (code.isdigit() and len(code) in (6, 9, 12)):
        raise ValueError(f"「{code}」不是行政区划代码:应为12位统计用区划代码或其前6位/9位")
    return code


_LABELLED_REGION = re.compile(r".+\((\d{6}|\d{9}|\d{12})\)")


def region_or_name(value: object) -> str:
    """A region as typed: its code (region()), or the name of a region (a text with
    Chinese in it; a mistyped code such as 12x stays a mistyped code) as a free text, for
    records/directory/regions to turn into its code before a rule reads it. A region as
    the forms print it, 东村村委会(130283100204), is its code."""
    code = normalise_region(value)
    if not code.isascii() and not isinstance(value, float | int):
        labelled = _LABELLED_REGION.fullmatch(code)  # 东村村委会(130283100204), as printed
        if labelled:
            return labelled.group(1)
        return free_text("region_name", code, "区划名称")
    return region(value)


def is_region_name(value: str) -> bool:
    """What region_or_name gave is a name still to be resolved, not a code."""
    return bool(value) and not value.isdigit()


def evidence(values: list[str]) -> list[str]:
    """Evidence kinds from repeated options or one comma-separated cell. Kinds separated
    by spaces only (「户口簿 房产证明」) are split too when every word is a known kind; other
    text with spaces is kept as written (a free text of its own: TextRefused)."""
    keys: list[str] = []
    for value in values:
        for part in re.split(r"[,,、;;/]", text(value)):
            for word in _evidence_words(part):
                key = codes.evidence_key(free_text("evidence", word))
                if key not in keys:
                    keys.append(key)
    return keys


def _evidence_words(part: str) -> list[str]:
    words = part.split()
    if len(words) > 1 and all(codes.parse_code("evidence", w) for w in words):
        return words
    return [part] if part.strip() else []
