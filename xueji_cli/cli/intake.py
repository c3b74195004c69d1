"""xueji enroll --from FILE … — the September roster import (records/enrollment/intake.py): read, check
every row, then all or nothing (or --skip-invalid), the errors workbook, and what was (or
in a dry run would be) enrolled and numbered.

Problems and messages go to stderr, the lists of students to stdout; --json prints one
document. A progress bar shows on a terminal for rosters over a few hundred rows.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import typer

from xueji_cli.cli.options import parse_date_option
from xueji_cli.cli.output import console, emit_json, guard, say, table
from xueji_cli.cli.workspace import workspace
from xueji_cli.values.labels import field as field_label

PROGRESS_FROM_ROWS = 300
LIST_LIMIT = 1000  # a dry run lists each child up to this many rows (all in --json)


def run_import(ctx: typer.Context, files: list[str], school: str | None, sheet: str | None,
               errors_out: str | None, skip_invalid: bool, date: str | None, dry_run: bool,
               json_out: bool, show_id: bool, progress: bool = True,
               stated: tuple[list[str], bool] = ([], False), force: bool = False) -> None:
    """`stated`: the registrar's statement for the whole batch (--evidence, and
    --regions-as-hukou), records/enrollment/statement.py."""
    with guard(json_out):
        from pathlib import Path

        from xueji_cli.excel import files as roster_files

        paths = [Path(f).expanduser() for f in files]
        try:
            if errors_out:
                check_errors_out(Path(errors_out).expanduser(), paths, force)
            roster_files.prefetch(paths, sheet)  # parsed while the rest loads (if not yet)
            _import(ctx, paths, school, sheet, errors_out, skip_invalid, date, dry_run,
                    json_out, show_id, progress, _statement(*stated))
        finally:
            roster_files.discard()
            from xueji_cli.store import sqlite

            sqlite.wait_for_checkpoints()


def _statement(evidence: list[str], regions_as_hukou: bool):
    """The batch's Statement, or None when the registrar states nothing."""
    if not (evidence or regions_as_hukou):
        return None
    from xueji_cli.cli.options import convert
    from xueji_cli.records.enrollment.statement import Statement
    from xueji_cli.values import fields

    return Statement(tuple(convert("evidence", fields.evidence, evidence) or ()),
                     regions_as_hukou)


def _import(ctx, paths, school, sheet, errors_out, skip_invalid, date, dry_run, json_out,
            show_id, progress, statement) -> None:

    from xueji_cli.records.enrollment import intake, targets
    from xueji_cli.values import dates
    from xueji_cli.values.school_codes import normalise_code

    effective = parse_date_option(date)
    code = normalise_code(school) if school else None
    ws = workspace(ctx)
    with intake.gc_paused(), progress_bar(progress and not json_out) as tick:
        # What the import needs after the rows are read, made ready while the files are
        # still being parsed (reading the rows waits for the parse): the column map, the
        # region table, the database layer, the operator's name, and rich for the report.
        intake.prepare()
        operator = ws.operator
        if not json_out:
            import rich.console
            import rich.table  # noqa: F401
        batch = intake.read(paths, code, sheet, tick, statement=statement)
        with targets.open_target(ws.store, write=not dry_run) as target:
            if code:
                targets.require_school(target, code)
            intake.check(target, ws.settings, batch, effective, dates.today(), tick)
            invalid = batch.having("invalid")
            refused = bool(invalid) and not skip_invalid
            intake.number(target, ws.settings, batch)
            if not (dry_run or refused):
                intake.write(target, batch, effective, operator, tick)
    outcome = "dry_run" if dry_run else "refused" if refused else "imported"
    with _saved(batch, json_out) if batch.batch_id else contextlib.nullcontext():
        errors_file = errors_workbook(errors_out, batch, invalid, skip_invalid)
        if json_out:
            emit_json(document(batch, outcome, effective, errors_file, show_id) | {
                "statement": statement.as_dict() if statement else None})
        else:
            render(batch, outcome, errors_file, errors_out, show_id, _intake_words())
    if invalid:
        raise typer.Exit(1)


def errors_workbook(errors_out, batch, invalid: list, skip_invalid: bool):
    """The problem rows' workbook (--errors-out) of an import or a takeover, when a row has
    a problem: its path, else None."""
    if not (errors_out and invalid):
        return None
    from pathlib import Path

    from xueji_cli.records.enrollment.errors_workbook import write_errors
    from xueji_cli.reports.roster import width

    return write_errors(Path(errors_out), batch, only_invalid=skip_invalid, column_width=width)


def _saved(batch, json_out: bool):
    """After the roster's commit: the problem rows' workbook and the report may still fail;
    what was imported stays imported (running the import again would find them enrolled)."""
    from xueji_cli.cli.after_commit import after_commit

    return after_commit(
        f"已导入 {len(batch.numbered)} 人(批次 {batch.batch_id})", "问题表或导入结果未能生成",
        "用 xueji student list 查看已导入的学生;问题表可用 xueji enroll --from 原文件 --dry-run "
        "--errors-out 问题行.xlsx 重新生成(已导入的行显示为已登记)", json_out)


def check_errors_out(errors_out, paths, force: bool) -> None:
    """Refused before anything is read (not after an import that --skip-invalid has
    committed): an --errors-out without a file name, or naming a folder, and one naming
    a roster being imported, which the errors workbook would replace; any other file
    already there unless --force."""
    from xueji_cli.excel.sheets import new_file, xlsx_path
    from xueji_cli.values.errors import InputError

    target = xlsx_path(errors_out, example="问题行.xlsx", field="errors_out")  # as save() names it
    for path in paths:
        if target.exists() and path.exists() and target.resolve() == path.resolve():
            raise InputError("errors_out", f"{target.name} 就是要导入的花名册,会被问题表覆盖",
                             "问题行写入另一个文件,如 --errors-out 问题行.xlsx;原花名册保持不动")
    new_file(target, force, "errors_out", example="问题行.xlsx")


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator:
    """A transient progress bar on stderr, on a terminal only, for large rosters."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console(stderr=True), transient=True) as bar:
        tasks: dict[str, int] = {}

        def tick(phase: str, done: int, total: int) -> None:
            if total < PROGRESS_FROM_ROWS:
                return
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done)

        yield tick


# -- what the registrar sees --------------------------------------------------------------

def _where(row, violation) -> str:
    header = row.sheet.header_for_field().get(violation.field)
    return f"{header}" if header else field_label(violation.field)


COLLAPSE_FROM = 10  # the same finding on this many rows of a sheet is said once, with its rows
RANGES_SHOWN = 8


def show_problems(rows, title: str, style: str, warnings_only: bool = False) -> None:
    """Each row's findings under the row; a finding shared word for word by many rows of
    one sheet (a whole roster imported late, one column in the wrong form) is said once
    with the rows it concerns, so that 10 000 rows do not print 10 000 times."""
    err = console(stderr=True)
    err.print(title, style=style, markup=False)
    found = [(row, [(v, _same(row, v)) for v in
                    (row.warnings if warnings_only else row.errors + row.warnings)])
             for row in rows]
    shared: dict[tuple, list[int]] = {}
    for row, violations in found:
        for _v, key in violations:
            shared.setdefault(key, []).append(row.number)
    shared = {key: numbers for key, numbers in shared.items() if len(numbers) >= COLLAPSE_FROM}
    for (label, rule, where, message, hint, is_error), numbers in shared.items():
        tag = "" if is_error else "(提醒)"
        err.print(f"{label} 共 {len(numbers)} 行({_row_ranges(numbers)})", markup=False,
                  style="bold")
        err.print(f"  {rule}{tag} [{where}] {message}", markup=False,
                  style=None if is_error else "yellow")
        if hint:
            err.print(f"      → {hint}", markup=False, style="dim")
    for row, violations in found:
        own = [v for v, key in violations if key not in shared]
        if not own:
            continue
        err.print(f"{row.sheet.label} 第{row.number}行 {row.applicant.name or '(无姓名)'}",
                  markup=False, style="bold")
        for v in own:
            tag = "" if v.is_error else "(提醒)"
            err.print(f"  {v.rule}{tag} [{_where(row, v)}] {v.message}", markup=False,
                      style=None if v.is_error else "yellow")
            if v.hint:
                err.print(f"      → {v.hint}", markup=False, style="dim")


def _same(row, v) -> tuple:
    return (row.sheet.label, v.rule, _where(row, v), v.message, v.hint, v.is_error)


def _row_ranges(numbers: list[int]) -> str:
    """[2, 3, 4, 7, 9, 10] -> 第2–4、7、9–10行 (the first few runs, then how many more)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = "、".join(f"{a}–{b}" if b > a else f"{a}" for a, b in runs[:RANGES_SHOWN])
    more = f"等 {len(runs)} 段" if len(runs) > RANGES_SHOWN else ""
    return f"第{text}行{more}"


def student_row(row, show_id: bool) -> list:
    from xueji_cli.values import codes
    from xueji_cli.values.privacy import show

    a = row.applicant
    return [row.local_number or row.existing or "", a.name, codes.label("gender", a.gender),
            a.birth.isoformat() if a.birth else "", show(a.id_number, show_id),
            a.school_code, a.grade, a.class_no, f"{row.sheet.path.name}:{row.number}"]


STUDENT_COLUMNS = ["学籍号", "姓名", "性别", "出生日期", "身份证号", "学校", "年级", "班级", "来源(文件:行)"]


CLASS_ROWS = 60  # above this many classes the summary is by school and grade


def summary(rows) -> tuple[list[str], list[list]]:
    """Children and their numbers by class (by school and grade for a large intake)."""
    classes: dict[tuple, list] = {}
    for row in rows:
        a = row.applicant
        classes.setdefault((a.school_code, a.grade, a.class_no), []).append(row.local_number)
    if len(classes) <= CLASS_ROWS:
        return (["学校", "年级", "班级", "人数", "学籍号"],
                [[school, grade, class_no, len(numbers), f"{min(numbers)}–{max(numbers)[-4:]}"]
                 for (school, grade, class_no), numbers in sorted(classes.items())])
    grades: dict[tuple, list] = {}
    for (school, grade, _class_no), numbers in classes.items():
        grades.setdefault((school, grade), []).append(numbers)
    return (["学校", "年级", "班数", "人数", "学籍号"],
            [[school, grade, len(parts), sum(map(len, parts)),
              f"{min(map(min, parts))}–{max(map(max, parts))[-4:]}"]
             for (school, grade), parts in sorted(grades.items())])


@dataclass(frozen=True)
class Words:
    """What the screen calls a roster's rows and what became of them: the September
    intake's words (INTAKE) or the takeover's (cli/takeover.py)."""

    verb: str  # 导入: what is done to the rows
    new: str  # 入学: what a new row becomes (将入学 …)
    already: str  # 已在籍: a row already on record
    repeated: str  # 不重复登记
    numbers: str  # how the numbers shown in a dry run came about
    checked: str  # the last words of a dry run
    done: str  # 已入学: the title of what was written
    batch: str  # after the batch id in the last line
    next_step: str
    nothing: str  # 新登记: 没有需要…的学生


def _intake_words() -> Words:
    from xueji_cli.records.enrollment.intake import NUMBER_ORDER

    return Words("导入", "入学", "已在籍", "不重复登记", "学籍号为现在导入时将编的号",
                 f"学籍号编排顺序:{NUMBER_ORDER}。", "已入学", "",
                 "用 xueji report roster 查看或导出花名册。", "新登记")


def render(batch, outcome: str, errors_file, errors_out: str | None, show_id: bool,
           words: Words) -> None:
    """What was imported (or in a dry run would be), or every problem, on screen."""
    new, already, invalid = (batch.having(s) for s in ("new", "already", "invalid"))
    for note in batch.notes:
        say(f"说明:{note}", "yellow")
    if invalid:
        show_problems(invalid, f"有问题的行:{len(invalid)} 行", "bold red")
    if any(row.warnings for row in new):
        show_problems(new, f"请注意(不影响{words.new})", "yellow", warnings_only=True)
    if already and len(already) <= LIST_LIMIT:
        table(f"{words.already},{words.repeated}:{len(already)} 人", STUDENT_COLUMNS,
              [student_row(r, show_id) for r in already])
    if outcome == "refused":
        say(f"未{words.verb}任何学生:{len(invalid)} 行有问题(有一行有问题就全部不{words.verb})。",
            "bold red")
        say(f"  → 改正后重新{words.verb};或用 --skip-invalid 先{words.verb}没有问题的 {len(new)} 行"
            if new else f"  → 改正后重新{words.verb}(没有可先{words.verb}的行)", "dim")
    elif outcome == "dry_run":
        if new and len(new) <= LIST_LIMIT:
            table(f"将{words.new}:{len(new)} 人({words.numbers})", STUDENT_COLUMNS,
                  [student_row(r, show_id) for r in sorted(new, key=lambda r: r.local_number)])
        if new:
            table("汇总", *summary(new))
        say(f"检查完毕(未写入):将{words.new} {len(new)} 人,{words.already} {len(already)} 人,"
            f"有问题 {len(invalid)} 行。{words.checked}")
    else:
        rest = f"{words.already} {len(already)} 人" + (
            f";有问题 {len(invalid)} 行未{words.verb}" if invalid else "")
        if new:
            table(f"{words.done}:{len(new)} 人", *summary(new))
            say(f"已{words.verb} {len(new)} 人(批次 {batch.batch_id}{words.batch});{rest}。"
                f"{words.next_step}")
        else:
            say(f"没有需要{words.nothing}的学生;{rest}。")
    if errors_file:
        say(f"问题行已写入 {errors_file}(原样保留各列,另加「问题」列):改正后可直接重新{words.verb}。")
    elif errors_out and not invalid:
        say(f"没有问题行,未生成 {errors_out}。")


def document(batch, outcome: str, effective, errors_file, show_id: bool,
             number_order: str | None = None, new: str = "enroll") -> dict:
    """The --json document of a roster's import; `new`: what the rows to write are
    counted as (enroll; takeover for a register taken over)."""
    from xueji_cli.records.enrollment.intake import NUMBER_ORDER
    from xueji_cli.values.privacy import show

    def student(row) -> dict:
        a = row.applicant
        return {"file": str(row.sheet.path), "sheet": row.sheet.name, "row": row.number,
                "name": a.name, "gender": a.gender, "birth_date": a.birth.isoformat() if a.birth else None,
                "id_number": show(a.id_number, show_id),
                "national_number": show(row.assessment.national_number, show_id, national=True)
                if row.assessment else None,
                "school": a.school_code, "grade": a.grade, "class": a.class_no,
                "local_number": row.local_number or row.existing}

    def problem(row, v) -> dict:
        return {"rule": v.rule, "field": v.field, "row": row.number, "message": v.message,
                "hint": v.hint, "severity": v.severity, "file": str(row.sheet.path),
                "sheet": row.sheet.name, "column": _where(row, v), "name": row.applicant.name}

    to_write, already, invalid = (batch.having(s) for s in ("new", "already", "invalid"))
    return {
        "ok": not invalid, "outcome": outcome, "dry_run": outcome == "dry_run",
        "date": effective.isoformat(), "batch": batch.batch_id,
        "number_order": number_order or NUMBER_ORDER,
        "files": [{"file": str(s.path), "sheet": s.name, "header_row": s.header_row,
                   "columns": {s.headers[i]: c.key for i, c in sorted(s.mapped.items())},
                   "unknown_columns": s.unknown} for s in batch.sheets],
        "counts": {"rows": len(batch.rows), new: len(to_write), "already": len(already),
                   "invalid": len(invalid)},
        "students": [student(r) for r in sorted(to_write, key=lambda r: r.local_number)],
        "already": [student(r) for r in already],
        "errors": [problem(r, v) for r in invalid for v in r.errors],
        "warnings": [problem(r, v) for r in batch.rows for v in r.warnings],
        "notes": batch.notes,
        "errors_out": str(errors_file) if errors_file else None,
    }
