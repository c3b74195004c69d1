"""xueji check — recompute every record from the journal and compare (CHG-3)."""

from __future__ import annotations

import typer

from xueji_cli.cli.options import JsonOpt
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.workspace import workspace


def check(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """按学籍变动日志重新推算每个学籍的现状,与数据库中的现状逐项比较;
    有任何不一致时退出码为 1。"""
    with guard(json_out):
        from xueji_cli.ledger.check import recompute
        from xueji_cli.records.lifecycle import corrections
        from xueji_cli.values.labels import field

        ws = workspace(ctx)
        with ws.store.session() as session:
            checked, differences = recompute(session)
            differences += corrections.verify_people(session)  # the corrected people (ENR-6, NUM-5)
        rows = [{"student_id": d.student_id, "local_number": d.local_number, "field": d.field,
                 "stored": _shown(d.field, d.stored), "from_journal": _shown(d.field, d.from_journal)}
                for d in differences]
        if json_out:
            emit_json({"ok": not rows, "checked": checked, "differences": rows})
        elif not rows:
            say(f"核对无误:{checked} 个学籍的现状与变动日志一致。")
        else:
            table(f"发现 {len(rows)} 处不一致(共 {checked} 个学籍)",
                  ["学籍(内部号)", "学籍号", "项目", "数据库中", "按日志应为"],
                  [[r["student_id"], r["local_number"] or "", field(r["field"]),
                    _label(r["field"], r["stored"]), _label(r["field"], r["from_journal"])]
                   for r in rows],
                  caption="现状被直接改动过或日志缺失;请查明原因,用更正记录恢复一致,不可删改日志")
        if rows:
            raise typer.Exit(1)


def _shown(field: str, value):
    """National numbers hold the ID number: masked here too (personal data)."""
    from xueji_cli.values.privacy import mask_national

    if field == "national_number" and isinstance(value, str) and len(value) >= 15:
        return mask_national(value)
    return value


def _label(field: str, value):
    """On screen a status or a record kind in words (退学, not withdrawn); --json keeps codes."""
    from xueji_cli.values import codes

    return codes.projected_label(field, value)
