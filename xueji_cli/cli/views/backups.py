"""A database file (a backup, or the one restored) as the registrar and scripts see it:
what it holds, so that a copy can be trusted before it is needed."""

from __future__ import annotations


def snapshot_dict(snapshot) -> dict:
    """records/directory/backups.Snapshot as JSON."""
    return {"file": str(snapshot.path), "revision": snapshot.revision, "schools": snapshot.schools,
            "students": snapshot.students, "journal_entries": snapshot.entries,
            "last_recorded": snapshot.last_recorded, "bytes": snapshot.size}


def snapshot_summary(snapshot) -> str:
    last = f",最后登记于 {snapshot.last_recorded}" if snapshot.last_recorded else ""
    return f"{snapshot.schools} 所学校、{snapshot.students} 个学籍、{snapshot.entries} 条变动记录{last}"
