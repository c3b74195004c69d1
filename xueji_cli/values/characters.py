"""Which characters a text may hold, declared once: those removed from what is typed or
read (invisible), those refused (control and direction characters), and how any of them
is shown when a record or a file already holds it (`visible`). values/fields.free_text
applies the first two at input; the command's output (cli/output.py) and every workbook
written (excel/sheets.py) apply the third. Only `re`: the output imports it at start-up.
"""

from __future__ import annotations

import re

# Invisible characters that arrive with copied text (zero-width space and joiners, the
# left-to-right and right-to-left marks, the word joiner, the byte-order mark, the soft
# hyphen): removed, so that what is stored is what the registrar sees and two spellings of
# one name compare equal (NUM-7).
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
# Refused, never stored: control characters (C0 but a line break where lines are allowed,
# DEL, C1), the bidirectional embeddings, overrides and isolates (they make the text show
# other than it is stored), line and paragraph separators, lone surrogates (bytes that
# were not text), and the two non-characters no spreadsheet can hold.
REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029"
                     "\ud800-\udfff\ufffe\uffff]")
DIRECTION = re.compile("[\u061c\u202a-\u202e\u2066-\u2069]")
# Shown as their code: what is refused, but for a tab and a line break (harmless on a
# terminal, and a remark may hold lines).
SHOWN_AS_CODE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u202a-\u202e\u2066-\u2069"
                           "\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def visible(value: str) -> str:
    """A text as it may be shown on a terminal or written into a workbook: every character
    free_text refuses but a line break or a tab — in a record stored before it was refused,
    or in a file's own words — as its code (ESC → <U+001B>), so that a terminal never obeys
    it, nothing shows other than it is stored, and a workbook can hold it."""
    if value.isprintable():
        return value
    return SHOWN_AS_CODE.sub(lambda found: f"<U+{ord(found.group()):04X}>", value)
