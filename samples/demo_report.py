"""Demo section: month end (REP-1). The registrar looks at one child's registration
form, the statistics and the September stamp list, then makes the monthly change report
of October 2026 — on screen and as the bureau's printable xlsx — counting every change
the earlier sections made. It stays the last section: the demo ends with the month's
change report."""

from __future__ import annotations

from pathlib import Path


def run(demo, directory: Path) -> None:
    demo.heading("月末:学籍卡、统计、验章名册与学籍变动月报")
    demo.today("2026-11-02")
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
