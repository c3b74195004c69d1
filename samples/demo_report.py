"""Demo section: month end (REP-1). The registrar finds a child by name, records the
family's new phone and address (信息变更), looks at the child's registration form, the
statistics and the September stamp list, then makes the monthly change report of October
2026 — on screen and as the bureau's printable xlsx — counting every change the earlier
sections made, and records it as submitted to the bureau. A village school's paper about
a child admitted in October comes in afterwards: it is entered with its real date, October
stays as submitted, and November reports it as 补报 and still reconciles; --as-now shows
October recomputed. The empty teaching point is closed (撤并): enrolling into it is
refused, and it leaves November's form."""

from __future__ import annotations

import datetime
from pathlib import Path

from synth import id_number
from township import TEACHING_POINT, TOWNSHIP


def _child(school: str, name: str, guardian: str, birth: datetime.date, seq: int, male: bool) -> list[str]:
    """The options of enrolling one first-grader of village 202 (served by 001)."""
    village = TOWNSHIP + "202"
    return ["enroll", "--school", school, "--name", name, "--gender", "男" if male else "女",
            "--birth", birth.isoformat(), "--id-number", id_number(village, birth, seq, male),
            "--grade", "1", "--class", "1", "--guardian-name", guardian, "--hukou-region", village,
            "--guardian-hukou-region", village, "--residence-region", village,
            "--evidence", "户口簿", "--evidence", "房产证明"]


def run(demo, directory: Path) -> None:
    demo.heading("月末:学籍卡、统计、验章名册与学籍变动月报")
    demo.today("2026-11-02")
    demo.xueji("student", "list", "--name", "李", "--school", "001",
               note="按姓名(或其中的字)查找,可与其他条件合用")
    demo.xueji("student", "show", "李阳", note="学生可用姓名指明;同名的列出各人,须改用学籍号")
    demo.xueji("student", "update", "李阳", "--hukou-region", "130283105201", "--date", "2026-10-28",
               expect=1, note="变更户口所在地须查验户口簿 (ENR-2)")
    demo.xueji("student", "update", "李阳", "--guardian-phone", "13900001111",
               "--address", "示范镇201村8号", "--reason", "家长换了手机号,搬家", "--date", "2026-10-28",
               note="信息变更:原来的值和新值都记入变动,可撤销 (CHG-3)")
    demo.xueji("student", "card", "02262600100001", "--xlsx", str(directory / "学生登记表.xlsx"),
               note="学生登记表(学籍卡),A4 一页,经办人一栏印管理员姓名,转学时随学生转出 (REP-5)")
    demo.xueji("report", "stats", note="各班人数、男女、超班额 (ENR-5)、休学比例 (SUS-5)、不足龄入学")
    demo.xueji("report", "verify", "--year", "2026", "--school", "001",
               "--xlsx", str(directory / "验章名册-2026.xlsx"),
               note="九月验章名册与学籍核对表 (REP-2, REP-3)")
    demo.xueji("report", "monthly", "--month", "2026-09", note="九月:新生入学")
    demo.xueji("report", "monthly", "--month", "2026-10",
               "--xlsx", str(directory / "学籍变动月报-2026-10.xlsx"),
               note="十月学籍变动月报,期初+增−减=期末 两种算法核对 (REP-1)")
    demo.xueji("report", "monthly", "--month", "2026-10", "--submit",
               note="十月月报报送教育局:记下日期、经办人和全部数字")
    submitted_month(demo, directory)


def submitted_month(demo, directory: Path) -> None:
    """After the submission: a late paper, 补报 in November, and the empty teaching point closed."""
    demo.heading("月报上报之后:补录十月的变动(补报),教学点撤并")
    late = _child("001", "周晓雨", "周建华", datetime.date(2020, 4, 10), 77, False)
    demo.xueji(*late, "--date", "2026-10-26",
               note="中心小学10月26日接收的新生,登记表上报后才送到:按实际日期补录")
    demo.xueji("report", "monthly", "--month", "2026-10",
               note="已上报的月份:仍按上报的版本显示,数字不变")
    code, name = TEACHING_POINT
    demo.xueji("school", "set", code, "--closed", "--date", "2026-11-02",
               note=f"{name}本学年已无学生,经教育局批准撤并 (ORG-2)")
    demo.xueji(*_child(code, "吴小川", "吴志刚", datetime.date(2020, 6, 18), 78, True),
               "--date", "2026-11-02", expect=1, note="已撤并的学校不再接收入学 (ORG-2)")
    demo.xueji("report", "monthly", "--month", "2026-11",
               "--xlsx", str(directory / "学籍变动月报-2026-11.xlsx"),
               note="十一月:补报一节列出十月补录的新生(实际日期),期初+补报+增−减=期末;已撤并且无学生的教学点不再列出")
    demo.xueji("report", "monthly", "--month", "2026-10", "--as-now",
               note="十月按现在的学籍重新计算,列出与上报数字的差异")
