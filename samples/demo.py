"""The main job on the bundled samples, as a registrar would type it (`make demo`).

Builds the demo township 示范镇 in a scratch folder (default build/demo, recreated each
run) and runs: the directory with the registrar's own name as 经办人, the schools, the September 2026 intake from the schools' rosters (dry
run, errors workbook, corrected import, the numbered roster), the refusals a tired
registrar meets enrolling one child at a time, the roster, a record card, the journal,
renumber-check and check. Each step states the exit code it expects; the demo stops
with exit 1 if any step behaves otherwise, so `make demo` is also a smoke test.

The demo plays the day of the intake: XUEJI_TODAY pins "today" to 2026-09-01.
"""

from __future__ import annotations

import csv
import datetime
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import demo_borrow  # noqa: E402
import demo_intake  # noqa: E402
import demo_report  # noqa: E402
import demo_suspend  # noqa: E402
import demo_transfer  # noqa: E402
import demo_yearend  # noqa: E402
from demokit import Demo, enroll_args  # noqa: E402
from synth import id_number  # noqa: E402
from township import NAME, OPERATOR, SCHOOLS, TEACHING_POINT, TOWNSHIP, villages  # noqa: E402


def main() -> int:
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "build/demo").resolve()
    shutil.rmtree(directory, ignore_errors=True)
    demo = Demo(directory)
    with open(HERE / "intake-2026.csv", encoding="utf-8") as source:
        intake = list(csv.DictReader(source))

    demo.heading("1. 建立乡镇学籍目录与学校")
    demo.xueji("init", str(directory), "--name", NAME, "--city-code", "02", "--county-code", "26",
               "--operator", OPERATOR, note="经办人(学籍管理员)的姓名记入每条变动、印在表格上")
    demo.xueji("region", "import", str(HERE / "regions-示范镇.csv"),
               note="本乡镇的统计用区划代码表(合成示例):之后可填村名,表格显示名称与代码")
    demo.xueji("region", "list", "示范镇")
    for code, name, flags, _served in SCHOOLS:
        areas = [a for v in villages(code) for a in ("--service-area", v)]
        demo.xueji("school", "add", "--code", code, "--name", name, *flags, *areas)
    code, name = TEACHING_POINT
    demo.xueji("school", "add", "--code", code, "--name", name,
               note="教学点:本学年已没有学生,等待撤并")
    demo.xueji("school", "list")

    demo_intake.run(demo, directory)  # 2. the September rosters

    demo.heading("3. 有问题的报名:每条拒绝都写明规则、字段和解决办法")
    base = {"name": "陈小雨", "gender": "女", "guardian_name": "陈国强",
            "hukou_region": TOWNSHIP + "201"}
    young = {**base, "birth": "2020-09-01",
             "id_number": id_number(TOWNSHIP, datetime.date(2020, 9, 1), 41, False)}
    demo.xueji(*enroll_args(young, "001"), expect=1, note="9月1日出生,差一天满6周岁 (ENR-1)")
    demo.xueji(*enroll_args(young, "001", "--underage-commitment", "承诺书2026-001"),
               note="监护人递交承诺书后入学,记入档案 (ENR-1, JZ)")
    sample = intake[0]
    wrong_check = sample["id_number"][:17] + ("0" if sample["id_number"][17] != "0" else "1")
    demo.xueji(*enroll_args({**sample, "name": "王一"}, "001", id_no=wrong_check), expect=1,
               note="身份证号末位抄错 (NUM-6)")
    demo.xueji(*enroll_args({**sample, "name": "王二"}, "001", id_no="130283200305123"), expect=1,
               note="15位旧身份证号 (NUM-6)")
    other = intake[1]
    demo.xueji(*enroll_args({**other, "name": other["name"]}, "001", birth="2020-01-01"), expect=1,
               note="出生日期与身份证号不符,且该生已登记 (NUM-6, NUM-7)")
    far = {**base, "name": "孙晓光", "gender": "男", "birth": "2020-02-02",
           "hukou_region": "西庄村委会",  # by name: 130283105206, served by 西庄小学 (003)
           "id_number": id_number(TOWNSHIP, datetime.date(2020, 2, 2), 12, True)}
    demo.xueji(*enroll_args(far, "001"), expect=1, note="户口在西庄村(按村名填写),不在服务范围内,应到西庄小学 (ENR-2)")
    mixed = {**base, "name": "赵小川", "gender": "男", "birth": "2020-05-06",
             "id_number": id_number(TOWNSHIP, datetime.date(2020, 5, 6), 7, True)}
    demo.xueji(*enroll_args(mixed, "001", guardian="130283106301", residence="130283107001"),
               expect=1, note="户籍与监护人户籍、常住地不一致 (ENR-2)")
    demo.xueji(*enroll_args(mixed, "001", evidence=("户口簿",)), expect=1,
               note="没有查验房产证明 (ENR-7)")

    demo.heading("4. 花名册、学籍卡、变动日志")
    demo.xueji("student", "list", "--school", "001")
    demo.xueji("student", "show", "02262600100001")
    demo.xueji("log", "--month", "2026-09")

    # Later capabilities add their sections here, in the order of the school year:
    # transfers, borrowing, suspension (October), the October monthly report, the year's turn.
    demo_borrow.run(demo, directory)  # 借读, September–October 2026
    demo_transfer.run(demo)  # 转学, 12–16 October 2026
    demo_suspend.run(demo)  # 休学, October 2026
    demo_report.run(demo, directory)  # month end: the October 2026 change report
    demo_yearend.run(demo, intake)  # the year's turn, July 2027
    demo_suspend.run_resume(demo)  # 复学, October 2027: after the year's turn

    import demo_safety  # noqa: E402  (backups, restore, --show-id in the journal)

    demo_safety.run(demo, directory)

    demo.heading("核对:学籍号无空号重号,现状与日志一致")
    demo.xueji("renumber-check")
    demo.xueji("check")

    demo.heading("月末:2027年10月学籍变动月报")
    demo.today("2027-11-01")
    demo.xueji("report", "monthly", "--month", "2027-10",
               "--xlsx", str(directory / "学籍变动月报-2027-10.xlsx"),
               note="复学的学生回到在校;期初+增−减=期末 (REP-1)")

    print()
    if demo.failures:
        print("演示中有步骤与预期不符:", *demo.failures, sep="\n  ")
        return 1
    venv = HERE.parent / ".venv"
    print(f"演示完成。xueji 命令装在 {venv}/bin 中,新开的终端须先启用它:\n"
          f"  . {venv}/bin/activate\n"
          f"然后可在演示目录中继续试用:\n"
          f"  XUEJI_DIR={directory} xueji student list\n"
          f"(不启用时写全路径:{venv}/bin/xueji)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
