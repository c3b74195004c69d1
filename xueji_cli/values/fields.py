"""Converters from what a registrar types or a roster cell holds to stored values.

Each raises ValueError with a Chinese message saying what was expected; the command
line and the roster importer share them, so a value reads the same from both.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import ric

from xueji_cli.values import codes
from xueji_cli.values.dates import parse_date  # noqa: F401  (re-exported converter)

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}
_STAGE_OFFSET = {"初": 6, "高": 9}  # 初一 = 7, 高一 = 10


def text(value: object) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


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


def normalise_id_number(text: object) -> str:
    """Full-width digits, lower-case x, spaces and dashes removed; upper case."""
    if text is None:
        return ""
    result = str(text)
    for _ in range(4):  # until stable: NFKC can bring out a space (¨ -> space + diaeresis)
        step = ric.compact(unicodedata.normalize("NFKC", result).replace(" ", "").replace("-", ""))
        if step == result:
            break
        result = step
    return result


def normalise_national_number(text: object) -> str:
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).replace(" ", "").strip().upper()


def normalise_region(value: object) -> str:
    if value is None:
        return ""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)))


def region(value: object) -> str:
    code = normalise_region(value)
    if isinstance(value, float) and value.is_integer():
        code = str(int(value))
    if code and not (code.isdigit() and len(code) in (6, 9, 12)):
        raise ValueError(f"「{code}」不是行政区划代码:应为12位统计用区划代码或其前6位/9位")
    return code


def evidence(values: list[str]) -> list[str]:
    """Evidence kinds from repeated options or one comma-separated cell. Kinds separated
    by spaces only (「户口簿 房产证明」) are split too when every word is a known kind; other
    text with spaces is kept as written."""
    keys: list[str] = []
    for value in values:
        for part in re.split(r"[,,、;;/]", text(value)):
            for word in _evidence_words(part):
                key = codes.evidence_key(word)
                if key not in keys:
                    keys.append(key)
    return keys


def _evidence_words(part: str) -> list[str]:
    words = part.split()
    if len(words) > 1 and all(codes.parse_code("evidence", w) for w in words):
        return words
    return [part] if part.strip() else []
