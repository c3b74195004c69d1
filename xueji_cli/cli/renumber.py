"""xueji renumber-check — every local and national number problem (NUM-1, NUM-2, NUM-5)."""

from __future__ import annotations

from typing import Annotated

import typer

from xueji_cli.cli.options import JsonOpt
from xueji_cli.cli.output import emit_json, guard, say, table
from xueji_cli.cli.workspace import workspace

KIND_LABEL = {
    "malformed": "格式错误", "wrong_city": "市代码不符", "wrong_county": "县代码不符",
    "wrong_year": "年份不符", "wrong_school": "学校代码不符", "wrong_type": "类型位不符",
    "duplicate": "重号", "gap": "空号", "gap_at_takeover": "接收时已有的空号", "national_malformed": "全国学籍号格式错误",
    "mismatch": "全国学籍号与身份证号不符", "national_duplicate": "全国学籍号重复",
}


def renumber_check(
    ctx: typer.Context,
    school: Annotated[str | None, typer.Option("--school", help="只查该校(学校代码)")] = None,
    year: Annotated[str | None, typer.Option("--year", help="只查该入学年份,如 26 或 2026")] = None,
    json_out: JsonOpt = False,
) -> None:
    """核对学籍号:格式、各段代码、重号、空号(须从0001连续),以及全国学籍号。
    发现问题时退出码为 1;接收原有学籍(xueji takeover)时已有的空号只列出供参考,不算问题。"""
    with guard(json_out):
        from xueji_cli.records.enrollment import number_check
        from xueji_cli.store.reading import reading
        from xueji_cli.values.errors import InputError
        from xueji_cli.values.school_codes import normalise_code

        code = normalise_code(school) if school else None
        year_no = None
        if year is not None:
            if not (year.isdigit() and len(year) in (2, 4)):
                raise InputError("year", f"年份「{year}」应写作 26 或 2026")
            year_no = int(year) % 100
        ws = workspace(ctx)
        with reading(ws.store) as reader:
            checked, found = number_check.renumber_check(reader, ws.settings, code, year_no)
        inherited = [p for p in found if p.kind == "gap_at_takeover"]
        problems = [p for p in found if p.kind != "gap_at_takeover"]
        if json_out:
            document = {"ok": not problems, "checked": checked,
                        "problems": [p.as_dict() for p in problems]}
            if inherited:  # only in a directory that took a register over
                document["information"] = [p.as_dict() for p in inherited]
            emit_json(document)
            if problems:
                raise typer.Exit(1)
            return
        if inherited:
            table(f"供参考:接收原有学籍时已有的空号 {len(inherited)} 处(不算问题)",
                  ["学校", "年份", "号码", "说明"],
                  [[p.school, p.year, p.number, p.detail] for p in inherited])
        if not problems:
            say(f"学籍号核对无误:共 {checked} 个学籍号,无格式错误、重号或空号"
                + ("(接收时已有的空号除外)。" if inherited else "。"))
        else:
            table(f"学籍号核对:发现 {len(problems)} 个问题(共 {checked} 个学籍号)",
                  ["问题", "号码", "学校", "年份", "说明", "涉及学籍", "处理办法"],
                  [[KIND_LABEL.get(p.kind, p.kind), p.number, p.school, p.year, p.detail,
                    "\n".join(p.records), p.hint] for p in problems])
        if problems:
            raise typer.Exit(1)
