"""Demo sections for suspension and resumption (休学 / 复学).

`run` plays October 2026: a pupil of the village school 东村小学 falls ill; the first try
is refused (no hospital papers, no central-school approval, and one pupil is already more
than 3% of a grade of six), the second passes with the papers, the approval and the
recorded reason for going over the share; then the list of suspended pupils, the
certificate in two copies, and the roster counting her on the register but not at school.

`run_resume` plays October 2027, a year later — so it belongs after the year's turn in
the demo's timeline: the list shows her suspension ending; an early return is refused
(SUS-2), a return without the recovery certificate too (SUS-3); then she returns into
the grade she left (the following cohort), keeping her number.
"""

from __future__ import annotations

PUPIL = "02262600200001"  # the first child enrolled at 东村小学 (002) in September 2026
HOSPITAL = ["--hospital", "迁安市人民医院"]
PAPERS = ["--evidence", "诊断证明", "--evidence", "住院收据", "--evidence", "病历复印件",
          "--evidence", "休学申请书", "--evidence", "调查报告"]


def run(demo) -> None:
    demo.heading("休学:2026年10月,东村小学一名学生因病休学")
    demo.today("2026-10-16")
    demo.xueji("suspend", PUPIL, "--from", "2026-10-16", "--reason", "病",
               "--evidence", "休学申请书", "--evidence", "调查报告", expect=1,
               note="缺医院证明和中心校审批,且超过同年级3% (SUS-1, SUS-5)")
    demo.xueji("suspend", PUPIL, "--from", "2026-10-16", "--reason", "病", *HOSPITAL, *PAPERS,
               "--central-approval", "示范镇中心校休审〔2026〕1号",
               "--share-override", "东村小学一年级人数少,休学1人即超过3%;病情属实,经中心校同意",
               note="证明材料齐全、中心校审批;期满日默认一年后")
    demo.xueji("suspend", "list")
    demo.xueji("suspend", "certificate", PUPIL, "--xlsx", str(demo.directory / "休学证明-东村小学.xlsx"),
               note="一式两份,A4 打印盖章")
    demo.xueji("student", "list", "--school", "002", note="休学生在籍不在校")


def run_resume(demo) -> None:
    demo.heading("复学:2027年10月,休学期满")
    demo.today("2027-10-08")
    demo.xueji("suspend", "list", note="半个月内期满的学生要办理复学或续办休学")
    demo.xueji("resume", PUPIL, "--date", "2027-10-08", "--evidence", "康复证明", *HOSPITAL,
               expect=1, note="期满前提前复学 (SUS-2)")
    demo.today("2027-10-16")
    demo.xueji("resume", PUPIL, "--date", "2027-10-16", expect=1, note="没有康复证明 (SUS-3)")
    demo.xueji("resume", PUPIL, "--date", "2027-10-16", "--evidence", "康复证明", *HOSPITAL,
               note="编入休学时所在的年级,学籍号不变 (SUS-3, SUS-7)")
    demo.xueji("student", "show", PUPIL)
