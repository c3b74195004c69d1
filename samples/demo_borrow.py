"""Demo section: borrowing study (借读), October 2026.

A migrant child comes to study at the designated school 004 南岭小学, entered from the
paper register of the first week of term with the 教育科's stamp, after a refusal at a
school that is not designated; a child registered in one of our villages is sent to
enroll at its school instead (BOR-2, ENR-2); a child arriving mid-semester is refused,
approval or not — borrowing starts at the beginning of a semester (BOR-4); one of our own
pupils studies in Tianjin while the record stays here; the borrowing school records a
result (BOR-5); the loan of our pupil ends when the family comes home; the register for
the bureau is written as xlsx.
"""

from __future__ import annotations

import datetime

from synth import id_number
from township import villages

SICHUAN = "510722"  # 四川省三台县: the migrant families' home county (synthetic)
XIAOYAN = id_number(SICHUAN, datetime.date(2018, 5, 6), 31, False)
HAORAN = id_number(SICHUAN, datetime.date(2019, 3, 15), 32, True)
LOCAL_VILLAGE = villages("003")[0]  # served by 西庄小学
LOCAL_CHILD = id_number(LOCAL_VILLAGE[:6], datetime.date(2018, 7, 9), 33, True)
OUR_PUPIL = "130283202008159355"  # 王东, 西庄小学 (003), from the September intake
EVIDENCE = ["--evidence", "暂住证", "--evidence", "就业证明", "--evidence", "户口簿"]


def _xiaoyan(school: str, *extra: str) -> list[str]:
    return ["borrow", "in", "--school", school, "--name", "刘小燕", "--id-number", XIAOYAN,
            "--grade", "3", "--class", "1", "--origin-school", "三台县芦溪镇中心小学",
            "--origin-region", "510722106000", "--guardian-name", "刘德明",
            "--guardian-phone", "10012345678", "--hukou-region", "510722106201",
            "--residence-region", "130283105208",
            "--address", "示范镇南岭村12号", *extra]


def run(demo, directory) -> None:
    demo.heading("借读:外来务工人员随迁子女来指定学校借读,本校学生外出借读 (BOR-1…BOR-5)")
    demo.today("2026-10-12")
    demo.xueji(*_xiaoyan("001", "--evidence", "就业证明", "--date", "2026-09-07"), expect=1,
               note="中心小学不是指定借读学校,也没有暂住证、借读证明信和审核盖章 (BOR-1, BOR-2)")
    demo.xueji(*_xiaoyan("004", *EVIDENCE, "--letter", "芦溪镇中心小学借字〔2026〕15号",
                         "--approval", "迁安市教育局教育科 2026-09-06 审核盖章",
                         "--reason", "随父母务工", "--until", "2027-01-20", "--date", "2026-09-07"),
               note="按开学第一周的纸质登记补录:指定学校南岭小学,证明齐全 (BOR-1…BOR-4)")
    demo.xueji("borrow", "in", "--school", "004", "--name", "赵小军", "--id-number", LOCAL_CHILD,
               "--grade", "3", "--origin-school", "迁安市某民办小学", "--hukou-region", LOCAL_VILLAGE,
               *EVIDENCE, "--letter", "借读证明 2026-09-05", "--approval", "教育科 2026-09-06 审核盖章",
               "--date", "2026-09-07", expect=1,
               note="户籍在西庄小学服务范围内,不是流动儿童:应到西庄小学就近入学 (BOR-2, ENR-2)")
    haoran = ["borrow", "in", "--school", "004", "--name", "马浩然", "--id-number", HAORAN,
              "--grade", "2", "--class", "1", "--origin-school", "三台县西平镇小学", *EVIDENCE,
              "--letter", "西平镇小学借读证明 2026-10-08", "--approval", "教育科 2026-10-10 审核盖章",
              "--hukou-region", "510722107203", "--guardian-name", "马建军", "--date", "2026-10-12"]
    demo.xueji(*haoran, expect=1, note="学期中来的孩子:借读应在学期初办理 (BOR-4)")
    demo.xueji(*haoran, "--late-approval", "迁教学字〔2026〕31号", expect=1,
               note="借读规定没有学期中的例外,批准文号也不能代替(目录设置 borrow_late_start 默认不允许)")
    demo.xueji("borrow", "out", OUR_PUPIL, "--to", "天津市西青区杨柳青第一小学", "--to-region", "120111",
               "--letter", "西庄小学借字〔2026〕1号", "--reason", "随父母外出务工", "--date", "2026-09-07",
               note="本校学生到天津借读:学籍保留在西庄小学 (BOR-5)")
    demo.xueji("borrow", "note", XIAOYAN, "--kind", "成绩", "--text", "十月月考 语文88 数学93",
               "--date", "2026-10-10", note="借读学校填写成绩,记在临时借读学籍上 (BOR-5)")
    demo.xueji("borrow", "list", "--xlsx", str(directory / "借读生登记册.xlsx"),
               note="借读生登记册,报教育科备查 (BOR-3)")
    demo.xueji("renumber-check", note="借读学籍不编学籍号,不占正式学籍号的顺序")
    demo.xueji("student", "show", XIAOYAN, note="学籍卡:临时借读学籍、借读情况和借读期间的成绩")
    demo.today("2026-10-26")
    demo.xueji("borrow", "end", OUR_PUPIL, "--reason", "父母返乡,回本校就读", "--date", "2026-10-26",
               note="外出借读结束,恢复在校")
    demo.xueji("borrow", "list", "--out", "--all")
