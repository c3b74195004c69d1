"""Demo section: the September intake from the schools' rosters.

The four village rosters of samples/rosters/ (one .xls, one in the national template's
columns) go through a dry run that lists every problem of every row and writes them to a
workbook; the default all-or-nothing import refuses; --skip-invalid imports the good rows
and keeps the others in 待改正.xlsx; the registrar corrects that sheet (here: the demo
does, and says what it changed) and imports it; running it again enrolls nobody twice;
then the numbered roster goes out for stamping and for the national system.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from demokit import INTAKE_DAY
from stdnum.cn import ric

HERE = Path(__file__).resolve().parent
ROSTERS = HERE / "rosters"


def _shown(path: Path) -> str:
    """Paths as the registrar would type them (relative to where the demo runs)."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def run(demo, directory: Path) -> None:
    demo.heading("2. 2026年秋季新生入学:各校交来的新生花名册")
    files = [arg for path in sorted(ROSTERS.iterdir()) for arg in ("--from", _shown(path))]
    checked = directory / "问题行-试导入.xlsx"
    demo.xueji("enroll", *files, "--date", INTAKE_DAY, "--dry-run", "--errors-out", _shown(checked),
               expect=1, note="试导入:一次列出每一行的所有问题,不写入")
    demo.xueji("enroll", *files, "--date", INTAKE_DAY, expect=1,
               note="默认全有或全无:有一行有问题,就一个也不导入")
    pending = directory / "待改正.xlsx"
    demo.xueji("enroll", *files, "--date", INTAKE_DAY, "--skip-invalid", "--errors-out",
               _shown(pending), expect=1, note="先导入没有问题的行,问题行另存「待改正」")
    fixed = directory / "待改正-已改正.xlsx"
    correct(pending, fixed)
    demo.xueji("enroll", "--from", _shown(fixed), "--date", INTAKE_DAY,
               note="改正后的问题行再导入,接着编号")
    demo.xueji("enroll", "--from", _shown(fixed), "--date", INTAKE_DAY,
               note="同一个文件再导入一次:已在籍的不重复登记")
    demo.xueji("report", "roster", "--school", "002")
    demo.xueji("report", "roster", "--xlsx", _shown(directory / "花名册-2026.xlsx"),
               note="打印验章用的编号花名册")
    demo.xueji("report", "roster", "--template", "national", "--xlsx",
               _shown(directory / "全国学籍系统-2026.xlsx"), note="报全国学籍系统(模板列另加学籍号)")


def _id(region: str, birth: str, seq: int, male: bool) -> str:
    from synth import id_number

    return id_number(region, dt.date.fromisoformat(birth), seq, male)


# What the registrar corrects after asking the schools and looking at the household
# registers: (name) -> (what, {column: new value}) or None to delete the row.
def _corrections() -> dict:
    township = "130283105"
    return {
        "孙悦": ("身份证号末位抄错,按户口簿改正",
                 {"身份证号": _id(township + "201", "2020-02-14", 21, False)}),
        "陈小雪": ("9月3日出生,监护人递交了承诺书", {"不足龄承诺书": "承诺书2026-001"}),
        "周子墨": ("身份证号列改为文本格式后重新输入",
                 {"身份证号": _id(township + "203", "2019-12-01", 23, True)}),
        "何思琪": ("补查房产证明", {"证明材料": "户口簿、房产证明"}),
        "严杰": None,  # already on 001's roster: the duplicate row is deleted
        "韩磊": ("监护人户口所在地抄错", {"监护人户口所在地": township + "205"}),
        "孟晓光": ("户籍在中心小学的服务范围,改到中心小学入学", {"学校代码": "001"}),
        "钱多多": ("换成户口簿上的18位身份证号",
                 {"身份证号": _id(township + "208", "2020-05-05", 27, True)}),
    }


def correct(source: Path, target: Path) -> None:
    """Correct the rows of the 待改正 workbook as the registrar would, saying what changed."""
    from openpyxl import load_workbook

    corrections = _corrections()
    wb = load_workbook(source)
    print(f"\n(管理员核对户口簿、联系学校后,在 {_shown(source)} 中改正问题行,另存为 {_shown(target)}:)")
    for ws in wb.worksheets:
        headers = [cell.value for cell in ws[2]]
        for row in range(ws.max_row, 2, -1):
            name = ws.cell(row=row, column=headers.index("姓名") + 1).value \
                if "姓名" in headers else None
            if name not in corrections:
                continue
            change = corrections[name]
            if change is None:
                ws.delete_rows(row)
                print(f"  {ws.title} {name}:与中心小学花名册重复,删去该行")
                continue
            what, values = change
            for header, value in values.items():
                if header not in headers:  # a column the sheet did not have
                    headers.append(header)
                    ws.cell(row=2, column=len(headers)).value = header
                cell = ws.cell(row=row, column=headers.index(header) + 1)
                cell.value = value
                cell.number_format = "@"
            print(f"  {ws.title} {name}:{what}")
    wb.save(target)
    assert all(ric.is_valid(v["身份证号"]) for c in corrections.values() if c
               for v in [c[1]] if "身份证号" in v)
