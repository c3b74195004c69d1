"""SUS-1…SUS-6 as pure functions (xueji_cli/rules/suspension.py), with their boundaries:
364 vs 365 days, exactly two years vs a day more, 1 of 33 vs 1 of 34 students."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.rules import suspension as rules
from xueji_cli.values.dates import years_later

D = dt.date.fromisoformat
ALL_MEDICAL = ["diagnosis", "hospital_receipt", "medical_record", "suspension_application",
               "investigation_report"]


def rules_of(violations):
    return [(v.rule, v.field, v.severity) for v in violations]


# -- dates: a year is a calendar year -----------------------------------------------------

@pytest.mark.parametrize("start, until", [
    ("2026-10-16", "2027-10-16"),
    ("2027-03-01", "2028-03-01"),  # + 365 days would be 2028-02-29, a day short of a year
    ("2028-02-29", "2029-03-01"),  # from 29 February: 1 March (RULES.md SUS-2)
    ("2028-02-28", "2029-02-28"),
])
def test_earliest_until_is_one_year_on_the_calendar(start, until):
    assert rules.earliest_until(D(start), 1) == D(until)
    assert rules.check_period(D(start), D(until), 1) == []


def test_years_later_on_29_february():
    """SUS-2, SUS-4: one date function for every "years later" — from 29 February to a
    year without one it is 1 March, never 28 February (a day short)."""
    assert years_later(D("2028-02-29"), 1) == D("2029-03-01")
    assert years_later(D("2028-02-29"), 2) == D("2030-03-01")
    assert years_later(D("2028-02-29"), 4) == D("2032-02-29")


# -- SUS-2 at least one year -----------------------------------------------------------------

class TestPeriod:
    def test_364_days_refused(self):
        found = rules.check_period(D("2026-10-16"), D("2027-10-15"), 1)
        assert rules_of(found) == [("SUS-2", "until", "error")]
        assert "不足一年(差1天)" in found[0].message
        assert "2027-10-16" in found[0].hint

    def test_one_year_accepted(self):
        assert rules.check_period(D("2026-10-16"), D("2027-10-16"), 1) == []

    @pytest.mark.parametrize("start, short, year", [
        ("2027-03-01", "2028-02-29", "2028-03-01"),  # 365 days across 29 February 2028
        ("2028-02-29", "2029-02-28", "2029-03-01"),  # 365 days from 29 February
        ("2027-10-16", "2028-10-15", "2028-10-16"),  # 365 days, a leap day between
    ])
    def test_365_days_across_a_29_february_are_a_day_short(self, start, short, year):
        """SUS-2 [QA] 休学时间以一年为起点: a calendar year, not 365 days."""
        found = rules.check_period(D(start), D(short), 1)
        assert rules_of(found) == [("SUS-2", "until", "error")]
        assert year in found[0].hint and "差1天" in found[0].message
        assert rules.check_period(D(start), D(year), 1) == []

    @pytest.mark.parametrize("until", ["2026-10-16", "2026-10-01"])
    def test_end_not_after_start_refused(self, until):
        found = rules.check_period(D("2026-10-16"), D(until), 1)
        assert rules_of(found) == [("SUS-2", "until", "error")]
        assert "不在开始日" in found[0].message

    def test_policy_minimum_in_years(self):
        assert rules.check_period(D("2026-10-16"), D("2028-10-16"), 2) == []
        found = rules.check_period(D("2026-10-16"), D("2028-10-15"), 2)
        assert rules_of(found) == [("SUS-2", "until", "error")] and "不足两年" in found[0].message


# -- SUS-4 at most two consecutive years, renewals -----------------------------------------------

class TestConsecutive:
    def test_exactly_two_years_accepted(self):
        assert rules.check_consecutive(D("2026-10-16"), D("2028-10-16"), 2) == []

    def test_a_day_more_refused(self):
        found = rules.check_consecutive(D("2026-10-16"), D("2028-10-17"), 2)
        assert rules_of(found) == [("SUS-4", "until", "error")]
        assert "多了1天" in found[0].message and "2028-10-16" in found[0].hint

    def test_leap_day_start(self):
        """Two years from 29 February end on 1 March, as one year does (SUS-2): a one-year
        suspension from 2028-02-29 to 2029-03-01 renewed for a year fits the two years."""
        assert rules.check_consecutive(D("2028-02-29"), D("2030-03-01"), 2) == []
        assert rules.check_consecutive(D("2028-02-29"), D("2030-03-02"), 2) != []

    def test_policy_years(self):
        assert rules.check_consecutive(D("2026-10-16"), D("2029-10-16"), 3) == []

    def test_new_end_must_be_later(self):
        assert rules.check_extension(D("2027-10-16"), D("2027-10-17")) == []
        for until in ("2027-10-16", "2027-09-01"):
            assert rules_of(rules.check_extension(D("2027-10-16"), D(until))) == [
                ("SUS-4", "until", "error")]

    @pytest.mark.parametrize("on, warned", [
        ("2027-10-01", False),  # 15 days before: inside the half month
        ("2027-10-16", False),  # the last day
        ("2027-09-30", True),  # 16 days before: early
        ("2027-10-17", True),  # after the end: late
    ])
    def test_renewal_timing(self, on, warned):
        found = rules.check_renewal_timing(D(on), D("2027-10-16"), 15)
        assert bool(found) is warned
        assert all(v.rule == "SUS-4" and v.severity == "warning" for v in found)


# -- SUS-1, SUS-6 evidence and approvals ----------------------------------------------------------

class TestEvidence:
    def test_illness_with_everything(self):
        assert rules.check_suspension_evidence("illness", ALL_MEDICAL, "迁安市人民医院", None) == []

    @pytest.mark.parametrize("key, asked", [
        ("diagnosis", "县级以上医院诊断证明"), ("hospital_receipt", "住院收据"),
        ("medical_record", "病历复印件"), ("suspension_application", "休学申请书"),
        ("investigation_report", "调查报告")])
    def test_each_piece_is_required(self, key, asked):
        shown = [k for k in ALL_MEDICAL if k != key]
        found = rules.check_suspension_evidence("injury", shown, "迁安市人民医院", None)
        assert rules_of(found) == [("SUS-1", "evidence", "error")]
        assert asked in found[0].message
        assert "--evidence" in found[0].hint

    def test_hospital_is_named(self):
        found = rules.check_suspension_evidence("illness", ALL_MEDICAL, "  ", None)
        assert rules_of(found) == [("SUS-1", "hospital", "error")]
        assert "--hospital" in found[0].hint

    @pytest.mark.parametrize("name", ["示范镇卫生院", "示范镇中心卫生院", "东村卫生室", "东村卫生所",
                                      "李氏诊所", "建设路社区卫生服务中心", "东关社区卫生服务站",
                                      "示范镇 卫生院"])
    def test_below_county_level_is_refused(self, name):
        """SUS-1 [QA] 持县级以上医院诊断证明: a township health centre, a village clinic, a
        private clinic, a community health centre or station does not qualify."""
        found = rules.check_suspension_evidence("illness", ALL_MEDICAL, name, None)
        assert rules_of(found) == [("SUS-1", "hospital", "error")]
        assert "不是县级以上医院" in found[0].message and "县级以上医院" in found[0].hint

    @pytest.mark.parametrize("name", ["迁安市人民医院", "唐山市工人医院", "迁安市妇幼保健院",
                                      "迁安市中医医院"])
    def test_a_hospital_is_accepted(self, name):
        assert rules.check_suspension_evidence("injury", ALL_MEDICAL, name, None) == []

    def test_an_infectious_disease_is_ordered_whatever_the_hospital(self):
        """SUS-6 [LC] 学生患有严重传染病,学校应令其休学 names no level of hospital: the
        order is not held back, the registrar is warned."""
        found = rules.check_suspension_evidence("infectious", ["diagnosis"], "示范镇卫生院", None)
        assert rules_of(found) == [("SUS-6", "hospital", "warning")]

    @pytest.mark.parametrize("name, listed, level", [
        ("迁安市人民医院", ("迁安市人民医院", "迁安市中医医院"), "listed"),
        (" 迁安市 人民医院 ", ("迁安市人民医院",), "listed"),
        ("迁安市人民医院", (), "declared"),
        ("北京协和医院", ("迁安市人民医院",), "declared"),
        (None, ("迁安市人民医院",), None),
    ])
    def test_hospital_level_listed_or_declared(self, name, listed, level):
        assert rules.hospital_level(name, listed) == level

    def test_recovery_certificate_from_below_county_is_refused(self):
        """SUS-3 [QA] 持县级以上医院康复证明: the same refusal for the recovery certificate."""
        found = rules.check_hospital("示范镇卫生院", "SUS-3", True, "康复证明")
        assert rules_of(found) == [("SUS-3", "hospital", "error")]
        assert "康复证明" in found[0].hint
        assert rules_of(rules.check_hospital(None, "SUS-3", True, "康复证明")) == [
            ("SUS-3", "hospital", "error")]
        assert rules.check_hospital(None, "SUS-3", False, "康复证明") == []

    def test_infectious_disease_needs_the_diagnosis_and_the_order(self):
        assert rules.check_suspension_evidence("infectious", ["diagnosis"], "迁安市人民医院", None) == []
        found = rules.check_suspension_evidence("infectious", [], "迁安市人民医院", None)
        assert rules_of(found) == [("SUS-6", "evidence", "error")]
        assert rules_of(rules.check_school_order("infectious", None)) == [
            ("SUS-6", "school_order", "error")]
        assert rules.check_school_order("infectious", "东村小学〔2026〕3号") == []
        assert rules.check_school_order("illness", None) == []

    def test_other_reason_needs_application_report_and_words(self):
        found = rules.check_suspension_evidence("other", [], None, None)
        assert rules_of(found) == [("SUS-1", "evidence", "error"), ("SUS-1", "remark", "error")]
        assert rules.check_suspension_evidence(
            "other", ["suspension_application", "investigation_report"], None, "家中遭遇水灾") == []

    def test_central_approval(self):
        assert rules.check_central_approval(False, None, "休学") == []
        assert rules.check_central_approval(True, "休审〔2026〕1号", "休学") == []
        found = rules.check_central_approval(True, " ", "休学")
        assert rules_of(found) == [("SUS-1", "central_approval", "error")]

    def test_extension_evidence(self):
        assert rules.check_extension_evidence("illness", ["diagnosis", "suspension_application"]) == []
        assert rules_of(rules.check_extension_evidence("illness", ["diagnosis"])) == [
            ("SUS-4", "evidence", "error")]
        assert rules.check_extension_evidence("other", ["suspension_application"]) == []


# -- SUS-5 the share of the grade ------------------------------------------------------------------

class TestShare:
    """RULES.md SUS-5 says "stay below 3%", the source [QA] 一般不得超过…3% ("not more
    than") and the policy table "at most 3%": a share of exactly 3% is allowed."""

    def test_one_of_33_refused(self):
        found = rules.check_share(0, 33, 0.03, None, "东村小学1年级")
        assert rules_of(found) == [("SUS-5", "share_override", "error")]
        assert "在籍33人" in found[0].message and "3.03%" in found[0].message
        assert "--share-override" in found[0].hint

    def test_one_of_34_allowed(self):
        assert rules.check_share(0, 34, 0.03, None, "东村小学1年级") == []
        assert rules.percent(1, 34) == "2.94%"

    @pytest.mark.parametrize("already, total, exceeded", [
        (2, 100, False),  # 3 of 100: exactly 3%, allowed
        (3, 100, True),  # 4 of 100
        (1, 67, False),  # 2 of 67 = 2.985%
        (1, 66, True),  # 2 of 66 = 3.03%
    ])
    def test_exact_arithmetic(self, already, total, exceeded):
        assert rules.share_exceeded(already + 1, total, 0.03) is exceeded
        assert bool(rules.check_share(already, total, 0.03, None, "x")) is exceeded

    def test_override_records_the_reason(self):
        found = rules.check_share(0, 6, 0.03, "全年级仅6人,经中心校同意", "东村小学1年级")
        assert rules_of(found) == [("SUS-5", "share_override", "warning")]
        assert "16.67%" in found[0].message and "经中心校同意" in found[0].message

    def test_school_ordered_infectious_disease_is_not_held_back(self):
        found = rules.check_share(0, 6, 0.03, None, "x", ordered_by_school=True)
        assert rules_of(found) == [("SUS-5", "share_override", "warning")]

    def test_policy_share(self):
        assert rules.check_share(0, 20, 0.05, None, "x") == []
        assert rules.check_share(0, 19, 0.05, None, "x") != []


# -- SUS-2, SUS-3 return ----------------------------------------------------------------------------

class TestReturn:
    START, UNTIL = D("2026-10-16"), D("2027-10-16")

    def check(self, on, early=False, approval=None):
        return rules.check_return(D(on), self.START, self.UNTIL, early, approval, 15)

    def test_on_the_day_it_ends(self):
        assert self.check("2027-10-16") == []

    def test_a_day_early_is_refused(self):
        found = self.check("2027-10-15")
        assert rules_of(found) == [("SUS-2", "date", "error")]
        assert "提前1天" in found[0].message and "2027-10-16" in found[0].hint

    def test_policy_variant_needs_an_approval(self):
        assert rules_of(self.check("2027-06-01", early=True)) == [("SUS-2", "approval", "error")]
        found = self.check("2027-06-01", early=True, approval="校长批准")
        assert rules_of(found) == [("SUS-2", "approval", "warning")]

    def test_before_the_start(self):
        assert rules_of(self.check("2026-10-01", early=True, approval="x")) == [
            ("SUS-2", "date", "error")]

    @pytest.mark.parametrize("on, warned", [("2027-10-31", False), ("2027-11-01", True)])
    def test_late_return_is_recorded(self, on, warned):
        found = self.check(on)
        assert bool(found) is warned and all(v.severity == "warning" for v in found)

    def test_recovery_certificate(self):
        for reason in ("illness", "injury", "infectious"):
            assert rules_of(rules.check_recovery(reason, [])) == [("SUS-3", "evidence", "error")]
            assert rules.check_recovery(reason, ["recovery"]) == []
        assert rules.check_recovery("other", []) == []


class TestGrade:
    @pytest.mark.parametrize("start, end, turns", [
        ("2026-10-16", "2027-10-16", 1), ("2026-10-16", "2027-08-31", 0),
        ("2026-09-01", "2027-09-01", 1),  # suspended on the first day: that autumn is not a turn
        ("2026-10-16", "2028-10-16", 2), ("2026-03-01", "2027-03-01", 1)])
    def test_autumns_between(self, start, end, turns):
        assert rules.autumns_between(D(start), D(end), (9, 1)) == turns

    def test_default_is_the_grade_left(self):
        assert rules.target_grade(None, 2, 1, 6) == (2, [])
        assert rules.target_grade("lower", 2, 1, 6) == (2, [])

    def test_same_joins_the_original_cohort(self):
        assert rules.target_grade("same", 2, 1, 6) == (3, [])
        assert rules.target_grade("same", 2, 0, 6) == (2, [])  # no school year has turned

    def test_a_number_between_the_two(self):
        assert rules.target_grade(3, 2, 2, 6) == (3, [])
        grade, found = rules.target_grade(4, 2, 1, 6)
        assert grade is None and rules_of(found) == [("SUS-3", "grade", "error")]
        assert "2–3年级" in found[0].message

    def test_original_cohort_has_left_the_school(self):
        grade, found = rules.target_grade("same", 6, 1, 6)
        assert grade is None and rules_of(found) == [("SUS-3", "grade", "error")]
        assert "--grade lower" in found[0].hint


# -- standing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("today, flags", [
    ("2027-09-01", []),
    ("2027-10-01", ["due"]),
    ("2027-10-16", ["due"]),
    ("2027-10-17", ["overdue"]),
    ("2028-10-17", ["over_max", "overdue"]),
])
def test_standing(today, flags):
    found = rules.standing(D("2027-10-16"), D("2026-10-16"), D(today), 15, 2)
    assert [flag for flag, _ in found] == flags


# -- the case folded from the journal (records/suspension/cases.py fold) -------------------------------------

def entry(id_, kind, day, details=None, case_ref="SUS-001-2026-001", **fields):
    from xueji_cli.ledger.models import JournalEntry

    return JournalEntry(id=id_, student_id=1, school_id=1, kind=kind, effective_date=D(day),
                        recorded_at=dt.datetime(2026, 10, 16), operator="甲", details=details or {},
                        case_ref=case_ref, **fields)


def test_fold_a_case_with_renewal_and_return():
    from xueji_cli.records.suspension.cases import fold

    cases = fold([
        entry(3, "resume", "2028-04-16", {"grade": 2, "class_no": 1}),
        entry(1, "suspend", "2026-10-16", {"from": "2026-10-16", "until": "2027-10-16",
                                           "reason": "illness", "grade": 2, "class_no": 1,
                                           "processed_on": "2026-10-16"}),
        entry(2, "suspend_extend", "2027-10-05", {"until": "2028-04-16", "previous_until": "2027-10-16"}),
        entry(4, "enroll", "2026-09-01", case_ref=None),
    ])
    [case] = cases
    assert (case.start, case.original_until, case.until) == (D("2026-10-16"), D("2027-10-16"),
                                                             D("2028-04-16"))
    assert case.resumed_on == D("2028-04-16") and not case.open
    assert case.entry_ids == [1, 2, 3] and case.certificate_no == "〔2026〕001-001号"


def test_fold_tolerates_entries_without_details():
    from xueji_cli.records.suspension.cases import fold

    [case] = fold([entry(1, "suspend", "2020-10-01", case_ref=None, reason="病"),
                   entry(2, "suspend_extend", "2021-09-20", {"until": "2022-04-01"}, case_ref=None)])
    assert (case.start, case.until, case.reason, case.grade) == (D("2020-10-01"), D("2022-04-01"),
                                                                 "illness", None)
    assert case.open and case.certificate_no == "SUS-1"
