"""Temporary files that a killed command left in the directory, removed by the next one.

Every temporary copy the program writes is hidden (a leading dot), private (0600) and
names the process that writes it, so that a file of a process that is gone can be told
from one that is still being written:

- `.xueji.db.restore-PID`: the checked copy of a backup that restore puts in place;
- `.<backup>.partial-PID`: a backup being written (sqlite.backup), beside the database by
  default; with the rollback journal `-journal` of either;
- `.xueji.db.log-check-PID/`: the copies on which a write-ahead log is judged (store/wal.py);
- `.xueji-PID-*.xlsx`: a workbook being saved (excel/sheets.save).

A killed process leaves them behind: whole copies of the children's personal data that
nothing else would ever remove. Those of a process that still runs are left alone."""

from __future__ import annotations

import os
import re
from pathlib import Path

TEMPORARY = re.compile(
    r"\.(?:.+\.(?:restore|partial)-(?P<copy>\d+)(?:-journal|-wal|-shm)?"
    r"|.+\.log-check-(?P<check>\d+)"
    r"|xueji-(?P<sheet>\d+)-[^/]*\.xlsx)")


def sweep(folders) -> list[str]:
    """Remove the temporaries of processes that are gone from `folders` (each once);
    returns the names removed. A file that cannot be removed is left, unmentioned."""
    removed = []
    for folder in dict.fromkeys(Path(f) for f in folders):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            match = TEMPORARY.fullmatch(name)
            if match is None or _running(int(next(g for g in match.groups() if g))):
                continue
            if _remove(folder / name):
                removed.append(name)
    return removed


def _running(pid: int) -> bool:
    """The process `pid` still runs (or cannot be asked about: then its files stay)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would stop the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it runs
        return True
    return True


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        return False
    return True
