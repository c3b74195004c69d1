"""Demo section: the file is safe to keep — a backup while work goes on, the
full ID number shown only on request and recorded in the journal, a restore that refuses
what is not a xueji backup and saves the current database before replacing it."""

from __future__ import annotations

from pathlib import Path


def run(demo, directory: Path) -> None:
    demo.heading("安全:备份与恢复、查看完整身份证号留痕")
    folder = directory.parent / f"{directory.name}-备份"
    folder.mkdir(exist_ok=True)
    backup = folder / "2026-09-01.db"
    backup.unlink(missing_ok=True)
    demo.xueji("backup", str(backup), note="备份:他人正在录入时也一致;只有本人可读;生成后自动核验")
    demo.xueji("student", "show", "02262600100001", "--show-id",
               note="显示完整身份证号:经办人、时间、命令和学生记入变动日志")
    demo.xueji("log", "--month", "2026-09")
    demo.xueji("restore", str(directory / "xueji.toml"), expect=1, note="不是数据库文件:拒绝")
    demo.xueji("restore", str(backup), note="先备份当前数据库,再整体替换;恢复本身记入日志")
