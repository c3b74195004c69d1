"""Demo section: the school year's turn in July 2027 (CHG-1).

The sixth grade of the central school, on the register since before the tool was adopted,
is entered late from the paper records; a name and an ID number are corrected with their
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
SIXTH = [  # name, gender, birth, village (001 serves 201–203)
    ("张晓梅", "女", datetime.date(2014, 10, 12), "201"),
    ("李浩然", "男", datetime.date(2015, 1, 23), "202"),
    ("王子涵", "男", datetime.date(2014, 12, 5), "203"),
    ("赵雨欣", "女", datetime.date(2015, 6, 30), "201"),
]


def _sixth(index: int) -> tuple[str, str, str, str, str]:
    name, gender, birth, village = SIXTH[index]
    number = id_number(TOWNSHIP + village, birth, 60 + index, gender == "男")
    return name, gender, birth.isoformat(), number, TOWNSHIP + village


def _last_entry(demo: Demo, key: str) -> int:
    """The id of a student's latest journal entry (what the registrar reads in `xueji log`)."""
    done = subprocess.run([sys.executable, "-m", "xueji_cli", "log", key, "--json"], env=demo.env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["entries"][-1]["id"]


def run(demo: Demo, intake: list[dict]) -> None:
    demo.heading("学年之交 1. 补录启用本工具前已在籍的六年级学籍")
    demo.today("2027-07-01")
    for index in range(len(SIXTH)):
        name, gender, birth, number, region = _sixth(index)
        demo.xueji("enroll", "--school", "001", "--name", name, "--gender", gender, "--birth", birth,
                   "--id-number", number, "--grade", "6", "--class", "1", "--hukou-region", region,
                   "--guardian-hukou-region", region, "--residence-region", region,
                   "--evidence", "户口簿", "--evidence", "房产证明", "--date", PAPER_DAY,
                   "--remark", "启用本工具前已在籍,按纸质学籍补录",
                   note="按纸质学籍补录,ENR-4 提醒超过一个月" if index == 0 else "")

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
    demo.xueji("graduates", "--year", "2026", note="毕业生花名册可随时按变动记录重新生成")
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
