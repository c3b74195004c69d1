"""The names of regions (统计用区划代码): the county's townships and villages as imported
into the `region` table (records/directory/regions.py), and the provinces, cities and
counties of python-stdnum's own region table (cn/loc.dat, the table the ID number checks
read) — one `Regions` per command, loaded once, so that a roster of any size turns its
names into codes and a form shows the names of its codes without a query per row.

A name is accepted wherever a code is asked (ENR-2, TRF-1, BOR-2 read codes) when it
names exactly one region: the name as listed (东村村委会), the name without its
committee suffix (东村), or either after the township's or county's name (示范镇东村).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

LEVELS = {"province": "省", "city": "市", "county": "县", "township": "乡镇", "village": "村"}
# Suffixes a registrar leaves out: 东村 for 东村村委会 / 东村村民委员会.
SUFFIXES = ("社区居民委员会", "社区居委会", "村民委员会", "居民委员会", "村委会", "居委会", "社区")
# stdnum names that name no one place (市辖区 is in every city).
GENERIC = frozenset(("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"))
SHOWN_CANDIDATES = 10
NEAREST = 5


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None


class RegionNotFound(ValueError):
    """A name that names no region, or several: the message lists the candidates with
    their codes, the hint says what would make it pass."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def _key(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


def _short(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class Regions:
    """Every region with a name: the table's rows, then stdnum's provinces, cities and
    counties (6-digit codes). `name`/`label` for showing a code, `code` for reading a
    name."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str | None]]):
        self.imported = {code: Region(code, name, level, parent)
                         for code, name, level, parent in rows}

    def __len__(self) -> int:
        return len(self.imported)

    def region(self, code: str | None) -> Region | None:
        if not code:
            return None
        found = self.imported.get(code)
        if found is None and len(code) == 6:
            found = stdnum_regions().get(code)
        return found

    def name(self, code: str | None) -> str | None:
        found = self.region(code)
        return found.name if found else None

    def label(self, code: str | None) -> str:
        """「东村村委会(130283100204)」, the code alone when it has no name here."""
        return with_name(code, self.name(code))

    def labels(self) -> dict[str, str]:
        """Every imported code → its label, for many rows at once (a roster)."""
        return {code: with_name(code, r.name) for code, r in self.imported.items()}

    def named(self, values: dict, keys: tuple[str, ...]) -> dict:
        """`values` with the name of each region among `keys` as `<key>_name`."""
        return {**values, **{f"{key}_name": self.name(values.get(key)) for key in keys}}

    def code(self, text: str) -> str:
        """The code of the one region `text` names; RegionNotFound otherwise."""
        wanted = _key(text)
        found = self._named(wanted)
        if len(found) == 1:
            return found[0].code
        if found:
            raise self._ambiguous(text, found)
        raise self._unknown(text, wanted)

    def _named(self, wanted: str) -> list[Region]:
        index, short_index = self._indexes
        for table in (index, short_index):
            found = table.get(wanted)
            if found:
                return found
        return self._qualified(wanted)

    def _qualified(self, wanted: str) -> list[Region]:
        """示范镇东村村委会 / 迁安市示范镇: a region's name after its township's or county's."""
        found = []
        for region in self.imported.values():
            for name in dict.fromkeys((region.name, _short(region.name))):
                if wanted.endswith(name) and len(wanted) > len(name):
                    above = self.name(region.parent) or ""
                    county = self.name(region.code[:6]) or ""
                    prefix = wanted[: -len(name)]
                    if prefix in (above, _short(above), county, county + above):
                        found.append(region)
                        break
        return found

    @functools.cached_property
    def _indexes(self) -> tuple[dict[str, list[Region]], dict[str, list[Region]]]:
        index: dict[str, list[Region]] = {}
        short_index: dict[str, list[Region]] = {}
        for region in [*self.imported.values(), *stdnum_regions().values()]:
            if region.name in GENERIC or (len(region.code) == 6 and region.code in self.imported):
                continue
            index.setdefault(_key(region.name), []).append(region)
            short = _short(region.name)
            if short != region.name:
                short_index.setdefault(_key(short), []).append(region)
        return index, short_index

    def _ambiguous(self, text: str, found: list[Region]) -> RegionNotFound:
        shown = "、".join(self._candidate(r) for r in found[:SHOWN_CANDIDATES])
        more = f" 等 {len(found)} 个" if len(found) > SHOWN_CANDIDATES else ""
        return RegionNotFound(
            f"「{text}」对应多个区划:{shown}{more}",
            "填写其中一个的区划代码,或在名称前加上所属乡镇(县)名,如 示范镇东村")

    def _candidate(self, region: Region) -> str:
        above = self.name(region.parent) if region.parent else None
        where = f",{above}" if above else ""
        return f"{region.name}({region.code}{where})"

    def _unknown(self, text: str, wanted: str) -> RegionNotFound:
        near = [r for r in self.imported.values()
                if wanted in r.name or _short(r.name) in wanted][:NEAREST]
        hint = "填写12位统计用区划代码,或区划表中的名称;用 xueji region list 查看"
        if near:
            hint = f"相近的:{'、'.join(self._candidate(r) for r in near)};" + hint
        elif not self.imported:
            hint = "本目录还没有导入区划表:用 xueji region import 本县统计用区划代码.xlsx 导入;" \
                   "或填写12位统计用区划代码"
        return RegionNotFound(f"区划表中没有「{text}」", hint)


def with_name(code: str | None, name: str | None) -> str:
    """How every form and screen shows a region: 东村村委会(130283100204)."""
    return f"{name}({code})" if name and code else (code or "")


@functools.cache
def stdnum_regions() -> dict[str, Region]:
    """python-stdnum's region table (cn/loc.dat): the current name of each 6-digit code
    (a name with an end year, as [1983-1996]迁安县, is a former one). Its layout: a line
    `13 province="河北省"`, then indented lines `  0283 county="[1996-]迁安市"`."""
    from importlib.resources import files

    text = files("stdnum").joinpath("cn/loc.dat").read_text("utf-8")
    regions: dict[str, Region] = {}
    province = ""
    for line in text.splitlines():
        match = re.match(r'(\s*)(\d+) (?:province|county)="([^"]*)"', line)
        if not match:
            continue
        indent, digits, names = match.groups()
        if not indent:
            province = digits
            code = digits + "0000"
        else:
            code = province + digits
        name = _current(names)
        if name is None or len(code) != 6:
            continue
        level = ("province" if code.endswith("0000") else
                 "city" if code.endswith("00") else "county")
        parent = None if level == "province" else \
            code[:2] + "0000" if level == "city" else code[:4] + "00"
        if code not in regions or level == "province":
            regions[code] = Region(code, name, level, parent)
    return regions


def _current(names: str) -> str | None:
    """The name still in use of a `[start-end]name,…` list (no end year), or None."""
    for entry in names.split(","):
        match = re.fullmatch(r"(?:\[(\d*)-(\d*)\])?(.+)", entry.strip())
        if match and not match.group(2):
            return match.group(3)
    return None
