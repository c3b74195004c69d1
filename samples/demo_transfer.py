"""Demo section: transfers (转学) in October 2026, one of each kind the demo can show.

1. Inside the township (西庄小学 → 示范镇中心小学): the central school approves, one
   command records both ends; first the refusals a registrar meets (mid-semester without
   a move, TRF-4; completing before the approval, TRF-9).
2. Out to the urban area (西庄小学 → 迁安市第三实验小学, route A): the out-school checks,
   the central school issues the four-copy certificate, the bureau approves; the record
   is cancelled (注销), its number never reused.
3. In from outside the county (route C): a neighbouring county's registrar issues a
   certificate with xueji; we import it without retyping, the bureau approves, the child
   gets the next number of the receiving cohort — four days after the approval, so the
   register flags the late admission (TRF-3).
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

from synth import id_number

MOVE = ["--reason", "move", "--evidence", "户口簿", "--evidence", "房产证明"]
NEIGHBOUR_TOWN = "130227101"  # a town of the neighbouring county 迁西县 (synthetic children)
URBAN_SCHOOL = ("迁安市第三实验小学", "130283001005")  # a street (街道) of the county town
# Two children of 西庄小学 (003) from the September intake. 东村小学 (002) is left alone: the
# suspension section counts its first grade of six.
INSIDE = "02262600300002"
TO_TOWN = "02262600300001"


def _shown(path: Path) -> str:
    """A path as short as the registrar would type it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _neighbour(demo, folder: Path) -> tuple[str, str]:
    """The neighbouring county's directory with one third-grader, built quietly (it is
    scenery): returns (its local number, the child's ID number)."""
    shutil.rmtree(folder, ignore_errors=True)
    child = id_number(NEIGHBOUR_TOWN[:6], datetime.date(2017, 5, 14), 18, True)
    env = {**demo.env, "XUEJI_TODAY": "2026-09-01"}
    steps = [
        ["init", str(folder), "--name", "河西镇中心校", "--county-code", "27", "--operator", "赵敏"],
        ["--dir", str(folder), "school", "add", "--code", "001", "--name", "河西镇中心小学",
         "--central", "--service-area", NEIGHBOUR_TOWN],
        ["--dir", str(folder), "enroll", "--school", "001", "--name", "马晓东", "--gender", "男",
         "--birth", "2017-05-14", "--id-number", child, "--grade", "3", "--class", "2",
         "--hukou-region", NEIGHBOUR_TOWN + "201", "--guardian-hukou-region", NEIGHBOUR_TOWN + "201",
         "--residence-region", NEIGHBOUR_TOWN + "201", "--guardian-name", "马建军",
         "--evidence", "户口簿", "--evidence", "房产证明", "--date", "2026-09-01"],
    ]
    for args in steps:
        done = subprocess.run([sys.executable, "-m", "xueji_cli", *args], env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            demo.failures.append(f"neighbour set-up xueji {args[:3]}: exit {done.returncode}")
            print(done.stderr, file=sys.stderr)
    return "02272400100001", child


def run(demo) -> None:
    directory = demo.directory
    demo.heading("5. 转学(2026年10月):乡镇内、转往城区、外县转入")
    demo.today("2026-10-12")

    # 1. inside the township
    demo.xueji("transfer", "out", INSIDE, "--to", "001", "--class", "1",
               "--reason", "other", "--reason-detail", "想到中心校就读", "--evidence", "户口簿",
               expect=1, note="学期中途、非搬家或工作调动,且缺房产证明 (TRF-4, TRF-1)")
    demo.xueji("transfer", "out", INSIDE, "--to", "001", "--class", "1", *MOVE, expect=1,
               note="户口和住址仍在西庄小学的服务范围:中心校不能接收 (TRF-12)")
    moved = "130283105201"  # 迁入地户口簿、房产证明上的村
    demo.xueji("transfer", "out", INSIDE, "--to", "001", "--class", "1", *MOVE,
               "--hukou-region", moved, "--residence-region", moved,
               note="家庭已迁到中心校服务范围(查验迁入地户口簿、房产证明):乡镇内转学,由中心校审批")
    demo.xueji("transfer", "complete", "ZX2026-0001", expect=1, note="中心校尚未审批 (TRF-9)")
    demo.xueji("transfer", "approve", "ZX2026-0001", "--level", "central", "--doc-no", "示中转〔2026〕1号")
    demo.xueji("transfer", "complete", "ZX2026-0001",
               note="一条命令登记两端:原学籍注销,中心校编新学籍号,全国学籍号不变")

    # 2. out to the urban area (route A)
    name, region = URBAN_SCHOOL
    demo.xueji("transfer", "out", TO_TOWN, "--to-school", name, "--to-region", region,
               *MOVE, note="迁往城区:线路A,转出学校认定、中心校开证明、教育科审批")
    certificate = directory / "转学证明-ZX2026-0002.xlsx"
    demo.xueji("transfer", "certificate", "ZX2026-0002", "--xlsx", _shown(certificate), expect=1,
               note="转出学校尚未认定,不能开具证明 (TRF-2)")
    demo.xueji("transfer", "approve", "ZX2026-0002", "--level", "school", "--doc-no", "西庄小学〔2026〕3号")
    demo.xueji("transfer", "approve", "ZX2026-0002", "--level", "central", "--doc-no", "示中转〔2026〕2号",
               note="中心校开具正式转学证明")
    demo.xueji("transfer", "certificate", "ZX2026-0002", "--xlsx", _shown(certificate),
               note="一式四联,四个盖章栏;另有数据页供转入学校导入")
    demo.xueji("transfer", "complete", "ZX2026-0002", expect=1, note="教育科尚未审批 (TRF-9)")
    demo.xueji("transfer", "approve", "ZX2026-0002", "--level", "bureau", "--doc-no", "迁教转〔2026〕45号")
    demo.xueji("transfer", "complete", "ZX2026-0002", note="学籍注销,备注转出日期和去向")

    # 3. in from outside the county (route C), from the other side's certificate
    neighbour = directory.parent / (directory.name + "-邻县")
    number, _child = _neighbour(demo, neighbour)
    print(f"\n(邻县河西镇的学籍目录 {_shown(neighbour)}:三年级学生马晓东随父母迁来示范镇)")
    other = ["--dir", _shown(neighbour)]
    incoming = directory / "转学证明-河西镇-马晓东.xlsx"
    demo.xueji(*other, "transfer", "out", number, "--to-school", "示范镇中心小学",
               "--to-region", "130283105201", *MOVE, note="邻县:转往外地,线路D")
    demo.xueji(*other, "transfer", "approve", "ZX2026-0001", "--level", "school")
    demo.xueji(*other, "transfer", "approve", "ZX2026-0001", "--level", "bureau",
               "--doc-no", "迁西教转〔2026〕12号")
    demo.xueji(*other, "transfer", "certificate", "ZX2026-0001", "--xlsx", _shown(incoming))
    demo.xueji(*other, "transfer", "complete", "ZX2026-0001", note="邻县注销原学籍")
    here = "130283105202"
    demo.xueji("transfer", "in", "--from-file", _shown(incoming), "--school", "001", "--class", "1",
               "--hukou-region", here, "--guardian-hukou-region", here, "--residence-region", here,
               note="导入转学证明,身份信息不必重新录入,只更新迁入后的户籍住址;线路C,由本县教育科审批")
    demo.xueji("transfer", "approve", "ZX2026-0003", "--level", "bureau", "--doc-no", "迁教转〔2026〕46号")
    demo.today("2026-10-16")
    demo.xueji("transfer", "complete", "ZX2026-0003",
               note="审批后第4天才接收:记为逾期接收 (TRF-3),登记册和月报中标出")

    demo.xueji("transfer", "list", note="转学登记册")
    demo.xueji("student", "show", "02262400100001", note="转入学生:新学籍号、全国学籍号不变、转学经过")
