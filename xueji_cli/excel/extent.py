"""How much a spreadsheet makes its reader allocate, read from the file's own bytes before
any reader opens it (the file guard, excel/guard.py, calls it for every part).

python-calamine holds a sheet as one dense block from A1 to the farthest cell that has a
value, 32 bytes a cell: a single value at XFD1048576 asks for 549 GB and the process
aborts. The roster reader fills merged cells one by one (excel/reader.py), so thousands of
overlapping merged ranges ask for gigabytes too. So, for each sheet:

- the extent: the farthest row and column of a cell with a value. In an .xlsx part every
  cell written the usual way (`<c r="B7"`, as Excel, WPS, LibreOffice and openpyxl write
  it) is judged by a few C-speed searches per chunk; a part written any other way (cells
  without their position, a namespace prefix, other quoting — all of which calamine
  reads) is parsed exactly, element by element. The `<dimension>` a sheet declares is
  not trusted either way: calamine does not allocate from it, and it can lie;
- merged ranges: how many, and how many cells they cover in all (overlaps counted again,
  as the reader fills them again).

The bounds are those of the largest real roster with room to spare (`Bounds`); past them
the file is refused with what was found (`TooLarge`). The workbook's sheets are read
together (the roster reader parses every sheet ahead), so the bounds are for the file; a
sheet is counted at its farthest row seen, which a sheet whose rows are out of order may
pass by less than one significant digit (UsualSheet._row_threshold), so the file never asks
for more than twice the bounds.
"""

from __future__ import annotations

import functools
import re
import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class Bounds:
    # A township's largest roster: 100 000 rows × 60 columns = 6 M cells (calamine: 192 MB).
    max_cells: int = 10_000_000
    # Cells covered by merged ranges in all: 100 000 rows with ten merged columns each.
    max_merged_cells: int = 1_000_000
    max_merges: int = 200_000  # merged ranges: one on every row of two such rosters


BOUNDS = Bounds()


class TooLarge(Exception):
    """What a file asks its reader to allocate, past `Bounds`: `what` says it in the
    registrar's words."""

    def __init__(self, what: str, merges: bool = False):
        super().__init__(what)
        self.what = what
        self.merges = merges


class Unreadable(Exception):
    """A cell position that no reader can place (neither letters and digits nor missing)."""


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


def parse_ref(ref: str) -> tuple[int, int]:
    """(row, column) of a reference such as B7 (either case, as calamine reads it)."""
    found = _REF.fullmatch(ref.strip())
    if found is None:
        raise Unreadable(ref[:20])
    return int(found.group(2)), column_number(found.group(1))


class Tally:
    """The farthest cell of each sheet and the merged ranges of the whole file, checked
    against the bounds as they grow."""

    def __init__(self, bounds: Bounds = BOUNDS):
        self.bounds = bounds
        self.cells = 0  # of the sheets finished
        self.merges = 0
        self.merged_cells = 0

    def sheet(self, rows: int, columns: int, part: str) -> None:
        extent = rows * columns
        if self.cells + extent > self.bounds.max_cells:
            where = f"工作表({part})" if part else "工作表"
            raise TooLarge(f"的{where}声称有内容的单元格远到 {cell_name(rows, columns)}:读取时要占用"
                           f" {extent:,} 个单元格的空间(上限 {self.bounds.max_cells:,} 个),会耗尽内存")
        self.cells += extent

    def merge(self, top: int, left: int, bottom: int, right: int) -> None:
        self.merges += 1
        self.merged_cells += (abs(bottom - top) + 1) * (abs(right - left) + 1)
        if self.merges > self.bounds.max_merges:
            raise TooLarge(f"有超过 {self.bounds.max_merges:,} 个合并单元格区域,不像是花名册",
                           merges=True)
        if self.merged_cells > self.bounds.max_merged_cells:
            raise TooLarge(f"的合并单元格(已读到 {self.merges:,} 个区域,有的互相重叠)合计覆盖"
                           f" {self.merged_cells:,} 个单元格,超过上限 {self.bounds.max_merged_cells:,} 个,"
                           "读取时要逐格填充,会耗尽内存", merges=True)


# -- .xlsx: the usual way, a few searches per chunk --------------------------------------------

class Exotic(Exception):
    """A part written other than the usual way: it is parsed exactly instead."""


CARRY_LIMIT = 65536
_CELL_AT = b'<c r="'
_CELL = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"([^>]*)>')
_ANY_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"([^>]*)>')
_MERGE_AT = re.compile(b"mergeCell")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_MERGE = re.compile(rb'<mergeCell ref="([A-Za-z]{1,3})([0-9]{1,7})(?::([A-Za-z]{1,3})([0-9]{1,7}))?"')
_LETTER = b"[A-Za-z]"


def _either_case(letter: str) -> bytes:
    return f"[{letter}{letter.lower()}]".encode()


def _below(letter: str) -> bytes:
    """A letter before `letter` (any case); nothing matches before A."""
    if letter == "A":
        return b"(?!)"
    before = chr(ord(letter) - 1)
    return f"[A-{before}a-{before.lower()}]".encode()


def letters_upto(number: int) -> bytes:
    """A pattern for column letters naming column `number` or one before it (any case)."""
    letters = column_letters(number)
    if not letters:
        return b"(?!)"
    if len(letters) == 1:
        return f"[A-{letters}a-{letters.lower()}]".encode()
    options = [_LETTER + b"{1,%d}" % (len(letters) - 1)]  # fewer letters: an earlier column
    for index, letter in enumerate(letters):
        options.append(b"".join(map(_either_case, letters[:index])) + _below(letter)
                       + _LETTER * (len(letters) - index - 1))
    options.append(b"".join(map(_either_case, letters)))
    return b"(?:" + b"|".join(options) + b")"


def digits_upto(number: int) -> bytes:
    """A pattern for a row number up to `number`, then the closing quote: fewer digits, or
    as many with a leading part up to `number`'s (its trailing nines let any digit through,
    so a bound such as 109999 is a short pattern). Leading zeros only make a number look
    larger: then it is read exactly."""
    digits = str(number)
    lead = digits.rstrip("9")
    nines = len(digits) - len(lead)
    if not lead:
        return b"[0-9]{1,%d}\"" % len(digits)
    if len(lead) == 1 and nines:  # d999…: one path, an optional first digit up to d (the usual search)
        return f"[0-{lead}]?".encode() + b"[0-9]{1,%d}\"" % nines
    options = [b"[0-9]{1,%d}" % (len(digits) - 1)] if len(digits) > 1 else []
    same = [lead[:index].encode() + f"[0-{int(digit) - 1}]".encode() + b"[0-9]" * (len(lead) - index - 1)
            for index, digit in enumerate(lead) if digit > "0"] + [lead.encode()]
    options.append(b"(?:" + b"|".join(same) + b")" + b"[0-9]" * nines)
    return b"(?:" + b"|".join(options) + b")\""


def _last_with_value(data: bytes, before: int, end: int) -> re.Match | None:
    """The last cell written the usual way with a value before `before` (a few empty
    styled cells may close a row)."""
    for _ in range(64):
        before = data.rfind(_CELL_AT, 0, before) if before > 0 else -1
        found = _CELL.match(data, before, end) if before >= 0 else None
        if found is None or not found.group(3).endswith(b"/"):
            return found
    return None


@functools.lru_cache(maxsize=64)
def _beyond(columns: int, rows: int) -> re.Pattern:
    """A cell start that is not `<c r="` with a column up to `columns` and a row up to
    `rows` (another element beginning with c, such as <col>, is let through)."""
    return re.compile(rb'<c(?![\w.:\-]| r="' + letters_upto(columns) + digits_upto(rows) + rb")")


class UsualSheet:
    """Scans an .xlsx part chunk by chunk. In the usual way of writing, every cell starts
    `<c r="B7"` and a cell without a value closes at once (`<c r="B7" s="1"/>`). One search
    per chunk finds a cell written otherwise (→ Exotic), or one beyond the farthest column
    seen so far or beyond a row that keeps the extent within bounds; only then are that
    chunk's cells read one by one. The farthest row is taken from the last cell of each
    chunk first, so that rows written in order never trigger a read."""

    def __init__(self, tally: Tally, part: str):
        self.tally, self.part = tally, part
        self.rows = self.columns = 0
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        """Scan what has come so far, keeping back a tag the chunk cut in two."""
        data = self._carry + chunk if self._carry else chunk
        cut = data.rfind(b"<")
        if cut < 0 or data.find(b">", cut) >= 0:
            cut = len(data)
        elif len(data) - cut > CARRY_LIMIT:
            raise Exotic  # one tag longer than any a spreadsheet writes
        self._carry = data[cut:]
        self._scan(data, cut)

    def close(self) -> None:
        self._scan(self._carry, len(self._carry))
        self._carry = b""
        if self.rows and self.columns:
            self.tally.sheet(self.rows, self.columns, self.part)

    def _scan(self, data: bytes, end: int) -> None:
        """The cells of data[:end] (searched in place: no copy of the chunk)."""
        if data.find(b":", 0, end) >= 0 and _PREFIXED_CELL.search(data, 0, end):
            raise Exotic
        for before in (end, data.rfind(b"</row>", 0, end)):  # the last cell; the last of a row
            found = _last_with_value(data, before, end)
            if found is not None:
                self._take(found)
        at = 0
        while hit := _beyond(self.columns, self._row_threshold()).search(data, at, end):
            found = _ANY_CELL.match(data, hit.start(), end)
            if found is None:
                raise Exotic  # a cell start without its position first, or an odd one
            self._take(found)
            at = found.end()
        if data.find(b"m", 0, end) >= 0 and _MERGE_AT.search(data, 0, end):
            self._merges(data[:end])

    def _row_threshold(self) -> int:
        """The row no cell may pass without a closer look: the farthest row seen, rounded up
        to one significant digit (…999: a short search; rows written in order stay below
        it), but never so far that the extent could pass the bounds beside the farthest
        column (rounded down the same way, or that row itself). Rows let through unseen are
        below it: a sheet whose rows are out of order may hold up to twice the cells it is
        counted at, never more than the bounds."""
        digits = str(self.rows)
        rounded = (int(digits[0]) + 1) * 10 ** (len(digits) - 1) - 1
        allowed = (self.tally.bounds.max_cells - self.tally.cells) // max(self.columns, 1)
        scale = 10 ** (len(str(allowed + 1)) - 1)
        allowed = (allowed + 1) // scale * scale - 1
        return max(min(rounded, allowed), self.rows)

    def _take(self, found: re.Match) -> None:
        if found.group(3).endswith(b"/"):
            return  # no value: no reader places it
        row, column = int(found.group(2)), column_number(found.group(1).decode())
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(self.rows, row), max(self.columns, column)
            if self.rows * self.columns + self.tally.cells > self.tally.bounds.max_cells:
                self.tally.sheet(self.rows, self.columns, self.part)

    def _merges(self, data: bytes) -> None:
        usual = 0
        for found in _MERGE.finditer(data):
            usual += 1
            top, left = int(found.group(2)), column_number(found.group(1).decode())
            if found.group(3) is None:
                self.tally.merge(top, left, top, left)
            else:
                self.tally.merge(top, left, int(found.group(4)),
                                 column_number(found.group(3).decode()))
        if data.count(b"mergeCell") != usual + data.count(b"mergeCells"):
            raise Exotic


# -- any XML part, exactly ------------------------------------------------------------------------

def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _attribute(attrs: dict, name: str) -> str | None:
    for key, value in attrs.items():
        if _local(key) == name:
            return value
    return None


class ExactSheet:
    """An .xlsx part parsed element by element (expat), placing cells as calamine does: a
    cell's own position, else the one after the cell before it in the row given by its
    row element (or the row after the one before)."""

    def __init__(self, tally: Tally, part: str):
        from xml.parsers import expat

        self.tally, self.part = tally, part
        self.rows = self.columns = 0
        self._row = self._column = 0
        self._pending: tuple[int, int] | None = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end

    def feed(self, chunk: bytes) -> None:
        self.parser.Parse(chunk, False)

    def close(self) -> None:
        self.parser.Parse(b"", True)
        if self.rows and self.columns:
            self.tally.sheet(self.rows, self.columns, self.part)

    def _start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "c":
            ref = _attribute(attrs, "r")
            if ref is None:
                row, column = max(self._row, 1), self._column + 1
            else:
                row, column = parse_ref(ref)
            self._row, self._column = row, column
            self._pending = (row, column)
        elif local == "row":
            ref = _attribute(attrs, "r")
            self._row = int(ref) if ref and ref.strip().isdigit() else self._row + 1
            self._column = 0
        elif self._pending is not None and local in ("v", "is", "f"):
            self._place(*self._pending)
            self._pending = None
        elif local == "mergeCell":
            ref = _attribute(attrs, "ref") or ""
            first, _, last = ref.partition(":")
            top, left = parse_ref(first)
            bottom, right = parse_ref(last) if last else (top, left)
            self.tally.merge(top, left, bottom, right)

    def _end(self, name: str) -> None:
        if _local(name) == "c":
            self._pending = None

    def _place(self, row: int, column: int) -> None:
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(self.rows, row), max(self.columns, column)
            if self.rows * self.columns + self.tally.cells > self.tally.bounds.max_cells:
                self.tally.sheet(self.rows, self.columns, self.part)


class OdsContent:
    """An OpenDocument spreadsheet's content.xml (expat): rows and cells repeated by
    number-rows-repeated / number-columns-repeated count as often as they repeat, up to
    the last cell with a value (LibreOffice's empty filler rows to the end of the sheet
    place nothing)."""

    def __init__(self, tally: Tally, part: str):
        from xml.parsers import expat

        self.tally, self.part = tally, part
        self.rows = self.columns = 0
        self._row = 0  # rows before the current one
        self._repeat = 1
        self._column = 0
        self._width = 0  # of the current row, to its last cell with a value
        self._cell: tuple[int, bool] | None = None  # (repeat, has a value)
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end

    feed = ExactSheet.feed

    def close(self) -> None:
        self.parser.Parse(b"", True)
        self._table_end()

    def _start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "table-row":
            self._repeat = _count(_attribute(attrs, "number-rows-repeated"))
            self._column = self._width = 0
        elif local in ("table-cell", "covered-table-cell"):
            valued = _attribute(attrs, "value-type") is not None
            self._cell = (_count(_attribute(attrs, "number-columns-repeated")), valued)
        elif self._cell is not None and local == "p":
            self._cell = (self._cell[0], True)
        elif local == "table":
            self._table_end()

    def _end(self, name: str) -> None:
        local = _local(name)
        if local == "table":
            self._table_end()
        elif local in ("table-cell", "covered-table-cell") and self._cell is not None:
            repeat, valued = self._cell
            self._column += repeat
            if valued:
                self._width = self._column
            self._cell = None
        elif local == "table-row":
            self._row += self._repeat
            if self._width:
                self.rows, self.columns = self._row, max(self.columns, self._width)
                if self.rows * self.columns + self.tally.cells > self.tally.bounds.max_cells:
                    self.tally.sheet(self.rows, self.columns, self.part)

    def _table_end(self) -> None:
        if self.rows and self.columns:
            self.tally.sheet(self.rows, self.columns, self.part)
        self.rows = self.columns = self._row = 0


def _count(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() else 1


# -- legacy .xls: the BIFF records of the Workbook stream ------------------------------------------

BOF, EOF, MERGEDCELLS, MULRK = 0x0809, 0x000A, 0x00E5, 0x00BD
# NUMBER, LABEL, LABELSST, RK, BOOLERR, FORMULA, RSTRING: row and column first (BIFF8)
VALUED = frozenset((0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6))


def check_biff(stream: bytes, tally: Tally) -> None:
    """Every sheet's farthest cell with a value and its merged ranges (MERGEDCELLS); a
    multi-cell record (MULRK) counts to its last column."""
    rows = columns = 0
    offset, end = 0, len(stream) - 4
    unpack = struct.unpack_from
    while offset <= end:
        kind, length = unpack("<HH", stream, offset)
        body = offset + 4
        if kind in VALUED and length >= 4:
            row, column = unpack("<HH", stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == MULRK and length >= 6:
            row, = unpack("<H", stream, body)
            last, = unpack("<H", stream, body + length - 2)
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind == MERGEDCELLS and length >= 2:
            count, = unpack("<H", stream, body)
            for index in range(min(count, (length - 2) // 8)):
                top, bottom, left, right = unpack("<HHHH", stream, body + 2 + 8 * index)
                tally.merge(top + 1, left + 1, bottom + 1, right + 1)
        elif kind == EOF and rows:
            tally.sheet(rows, columns, "")
            rows = columns = 0
        offset = body + length
    if rows:
        tally.sheet(rows, columns, "")
