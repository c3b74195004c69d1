"""A minimal OLE compound file (CFB, version 3) writer for tests: enough to build what a
registrar may be sent — a legacy .xls (a "Workbook" stream), a password-protected
Office file (EncryptionInfo + EncryptedPackage streams, as Excel and WPS write them),
a .xls protected with a FILEPASS record, a Word document — without an Office suite.

Every stream is padded to 4,096 bytes so that it lives in regular sectors (no mini
stream). The directory is a chain of right siblings under the root, all black."""

from __future__ import annotations

import struct
from pathlib import Path

SECTOR = 512
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


def _entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\x00" * 16 + b"\x00" * 4
            + b"\x00" * 16 + struct.pack("<IQ", start, size))


def write(path: Path, streams: dict[str, bytes]) -> Path:
    data = [body.ljust(max(4096, -(-len(body) // SECTOR) * SECTOR), b"\x00")
            for body in streams.values()]
    names = list(streams)
    entries = 1 + len(names)
    dir_sectors = -(-entries * 128 // SECTOR)
    fat = [FATSECT] + [1 + i + 1 if i + 1 < dir_sectors else END for i in range(dir_sectors)]
    starts = []
    for body in data:
        first = len(fat)
        count = len(body) // SECTOR
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= SECTOR // 4, "test files stay within one FAT sector"
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    directory = _entry("Root Entry", 5, 1 if names else NOSTREAM, NOSTREAM, END, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else NOSTREAM
        directory += _entry(name, 2, NOSTREAM, right, starts[i], len(data[i]))  # >= 4096
    directory = directory.ljust(dir_sectors * SECTOR, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", 0, *([FREE] * 108)))
    assert len(header) == SECTOR
    Path(path).write_bytes(header + fat_sector + directory + b"".join(data))
    return Path(path)


def biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


BOF = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x1234, 0x07CC, 0, 0x0600))
FILEPASS = (0x002F, struct.pack("<H", 1) + b"\x00" * 52)
EOF = (0x000A, b"")
