"""Demo section: month end (REP-1). The registrar finds a child by name, records the
family's new phone and address (信息变更), looks at the child's registration form, the statistics and the September stamp list, then makes the monthly change report
of October 2026 — on screen and as the bureau's printable xlsx — counting every change
the earlier sections made. It stays the last section: the demo ends with the month's
change report."""

from __future__ import annotations

from pathlib import Path


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
               note="学生登记表(学籍卡),A4 一页,转学时随学生转出 (REP-5)")
    demo.xueji("report", "stats", note="各班人数、男女、超班额 (ENR-5)、休学比例 (SUS-5)、不足龄入学")
    demo.xueji("report", "verify", "--year", "2026", "--school", "001",
               "--xlsx", str(directory / "验章名册-2026.xlsx"),
               note="九月验章名册与学籍核对表 (REP-2, REP-3)")
    demo.xueji("report", "monthly", "--month", "2026-09", note="九月:新生入学")
    demo.xueji("report", "monthly", "--month", "2026-10",
               "--xlsx", str(directory / "学籍变动月报-2026-10.xlsx"),
               note="十月学籍变动月报,期初+增−减=期末 两种算法核对 (REP-1)")
