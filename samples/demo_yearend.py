"""Demo section: the school year's turn in July 2027 (CHG-1).

The sixth grade of the central school, on the register since before the tool was adopted,
is taken over from its paper register as it stands (`xueji takeover`: the numbers kept,
with the gap the paper sequence had); a name and an ID number are corrected with their
evidence; the registrar previews the turn, holds one repeater back and runs it for the
whole township (promotion, graduation, its roster); a second run is refused; in August a
child changes class for the new year, and a mistaken class change is undone.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys

from demokit import Demo
from synth import id_number
from township import TOWNSHIP

PAPER_DAY = "2026-09-01"  # the sixth grade's records, as on paper at the start of 2026—2027
SIXTH = [  # name, gender, birth, village (001 serves 201–203), sequence of the paper number
    ("张晓梅", "女", datetime.date(2014, 10, 12), "201", 1),
    ("李浩然", "男", datetime.date(2015, 1, 23), "202", 2),
    ("王子涵", "男", datetime.date(2014, 12, 5), "203", 4),  # 0003 left before the tool came
    ("赵雨欣", "女", datetime.date(2015, 6, 30), "201", 5),
]
PAPER_HEADERS = ["学籍号", "全国学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班级",
                 "入学年月", "学生状态", "户口所在地"]


def _sixth(index: int) -> tuple[str, str, str, str, str]:
    name, gender, birth, village, _sequence = SIXTH[index]
    number = id_number(TOWNSHIP + village, birth, 60 + index, gender == "男")
    return name, gender, birth.isoformat(), number, TOWNSHIP + village


def _last_entry(demo: Demo, key: str) -> int:
    """The id of a student's latest journal entry (what the registrar reads in `xueji log`)."""
    done = subprocess.run([sys.executable, "-m", "xueji_cli", "log", key, "--json"], env=demo.env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["entries"][-1]["id"]


def _paper_register(demo: Demo) -> str:
    """The sixth grade's paper register (纸质学籍), as the school typed it into a sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(["示范镇中心小学六年级在籍学生(启用本工具前)"])
    sheet.append(PAPER_HEADERS)
    for index, (_name, _gender, _birth, _village, sequence) in enumerate(SIXTH):
        name, gender, birth, number, region = _sixth(index)
        sheet.append([f"02262100100{sequence:03d}", "G" + number, name, gender, birth, number,
                      6, 1, "202109", "在校", region])
    path = demo.directory / "六年级原有学籍.xlsx"
    wb.save(path)
    return str(path)


def run(demo: Demo, intake: list[dict]) -> None:
    demo.heading("学年之交 1. 接收启用本工具前已在籍的六年级学籍(保留原学籍号)")
    demo.today("2027-07-01")
    paper = _paper_register(demo)
    demo.xueji("takeover", paper, "--school", "001", "--as-of", PAPER_DAY, "--dry-run",
               note="先检查:学籍号各段与本行一致 (NUM-1)、身份证号与全国学籍号 (NUM-5/6)、一人一籍 (NUM-7)")
    demo.xueji("takeover", paper, "--school", "001", "--as-of", PAPER_DAY,
               note="按原样接收:保留学籍号,计入2026年9月月报的期初,不算新生")
    demo.xueji("takeover", paper, "--school", "001", "--as-of", PAPER_DAY,
               note="再导入一次:不会重复接收")
    demo.xueji("renumber-check", "--school", "001", "--year", "21",
               note="纸质学籍留下的空号 0003 只列出供参考 (NUM-2)")

    demo.heading("学年之交 2. 信息更正:姓名凭证明材料更改,身份证号更正后全国学籍号随之更新")
    first = _sixth(0)
    demo.xueji("correct", first[3], "--name", "张晓玫", expect=1,
               note="没有证明材料不能改名 (ENR-6)")
    demo.xueji("correct", first[3], "--name", "张晓玫", "--evidence", "户口簿",
               "--reason", "户口簿姓名为张晓玫,入学时录错")
    second = _sixth(1)
    corrected_birth = datetime.date(2015, 1, 25)
    new_number = id_number(second[4], corrected_birth, 61, True)
    demo.xueji("correct", second[3], "--id-number", new_number, "--birth", corrected_birth.isoformat(),
               "--evidence", "户口簿", "--evidence", "公安机关身份证号变更证明",
               "--reason", "公安机关更正出生日期,身份证号随之变更",
               note="G字头全国学籍号随身份证号更新,旧号留在变动记录中 (NUM-5)")
    demo.xueji("student", "show", new_number)

    demo.heading("学年之交 3. 2026—2027学年升级与毕业")
    repeater = _sixth(3)
    hold = ["--hold", repeater[3], "--reason", "本人及家长申请,经学校同意留级"]
    demo.xueji("promote", "--year", "2026", *hold, "--dry-run", note="先预览,不写入")
    demo.today("2027-07-10")
    demo.xueji("promote", "--year", "2026", *hold,
               note="全乡镇一次办理:一年级升二年级,六年级毕业并生成毕业生花名册,一人留级")
    demo.xueji("promote", "--year", "2026", expect=1, note="同一学年不能升级两次 (CHG-1)")
    demo.xueji("graduates", "--year", "2026", "--force",
               note="毕业生花名册可随时按变动记录重新生成;文件已存在,加 --force 替换")
    demo.xueji("student", "list", "--school", "001", "--grade", "6")

    demo.heading("学年之交 4. 新学年分班、退学的限制、撤销办错的变动")
    demo.today("2027-08-28")
    child = intake[-1]  # a pupil of 南岭小学 (004), now in grade 2
    demo.xueji("class-change", child["id_number"], "--class", "2", "--reason", "新学年重新分班")
    demo.xueji("withdraw", child["id_number"], "--reason", "家长要求外出打工带走", expect=1,
               note="义务教育阶段不得随意退学 (CHG-1)")
    other = intake[-2]
    demo.xueji("class-change", other["id_number"], "--class", "2", "--reason", "新学年重新分班",
               note="这一个调错了")
    demo.xueji("log", other["id_number"])
    entry = _last_entry(demo, other["id_number"])
    demo.xueji("undo", str(entry), "--reason", "调班调错了学生",
               note=f"撤销第 {entry} 号变动:另记一条撤销记录,原记录不删 (CHG-3)")
    demo.xueji("student", "show", other["id_number"])
    demo.xueji("log", "--month", "2027-07")
