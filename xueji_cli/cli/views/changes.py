"""One written change (skip, class change, leaving, correction, undo) as the registrar sees
it — what it was and what it is now — and as scripts see it (JSON); masked unless
--show-id."""

from __future__ import annotations

from xueji_cli.cli.output import emit_json, say, show_warnings, table
from xueji_cli.cli.views.entries import entry_dict
from xueji_cli.cli.views.records import record_dict
from xueji_cli.values.described import value_text
from xueji_cli.values.labels import field
from xueji_cli.values.privacy import mask_phone, show


def changed_rows(before: dict, after: dict, reveal: bool) -> list[list[str]]:
    return [[field(k), value_text(k, before.get(k), reveal), value_text(k, v, reveal)]
            for k, v in after.items() if k != "school_id" and before.get(k) != v]


def changed_json(before: dict, after: dict, reveal: bool) -> dict:
    return {k: {"old": _json(k, before.get(k), reveal), "new": _json(k, v, reveal)}
            for k, v in after.items() if before.get(k) != v}


def render_change(title: str, found, entries: list, before: dict, after: dict, warnings,
           json_out: bool, reveal: bool, extra: dict | None = None, names=None) -> None:
    """One change: JSON {"ok", "record", "entries", "changed", "warnings"} or a table;
    `names`, the directory's region table, names the record's regions (`<field>_name`)."""
    schools = {found.school.id: found.school}
    record = record_dict(found.student, found.person, found.school, reveal, names)
    if json_out:
        emit_json({"ok": True, "record": record,
                   "entries": [entry_dict(e, schools, found.student, found.person, reveal)
                               for e in entries],
                   "changed": changed_json(before, after, reveal),
                   "warnings": [w.as_dict() for w in warnings], **(extra or {})})
        return
    show_warnings(warnings, record["name"])
    table(f"{title}:{record['name']}", ["项目", "原来", "现在"],
          changed_rows(before, after, reveal) or [["(无字段变化)", "", ""]])
    numbers = "、".join(f"#{e.id}" for e in entries)
    say(f"学籍号 {record['local_number'] or '(借读)'},{record['school']} {record['school_name']};"
        f"变动序号 {numbers},生效日期 {entries[0].effective_date:%Y-%m-%d}。"
        f"办错了可用 xueji undo {entries[0].id} --reason 原因 撤销。")


def _json(name: str, value, reveal: bool):
    if name in ("id_number", "national_number") and value:
        return show(value, reveal, national=name == "national_number")
    if name == "guardian_phone" and value and not reveal:
        return mask_phone(value)
    return value


def render_checked(what: str, found, before: dict, after: dict, warnings, json_out: bool,
                   reveal: bool) -> None:
    """A change checked with --dry-run: what it would change; nothing written."""
    name = found.person.name
    if json_out:
        emit_json({"ok": True, "dry_run": True, "changed": changed_json(before, after, reveal),
                   "warnings": [w.as_dict() for w in warnings]})
        return
    show_warnings(warnings, name)
    table(f"将{what}:{name}(预览)", ["项目", "原来", "现在"],
          changed_rows(before, after, reveal) or [["(无字段变化)", "", ""]])
    say("检查通过,未写入。")
