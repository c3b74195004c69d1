"""ENR-1, ENR-2, ENR-4, ENR-5, ENR-7 as pure functions (xueji_cli/rules/enrollment.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from xueji_cli.rules import enrollment as rules
from xueji_cli.values import fields

D = dt.date.fromisoformat


def rules_of(violations):
    return [(v.rule, v.field, v.severity) for v in violations]


# -- ENR-1 school age ----------------------------------------------------------------

class TestSchoolAge:
    def test_born_31_august_is_of_age(self):
        assert rules.check_school_age(D("2020-08-31"), 2026) == []

    def test_born_1_september_is_one_day_short(self):
        found = rules.check_school_age(D("2020-09-01"), 2026)
        assert rules_of(found) == [("ENR-1", "birth", "error")]
        assert "差1天" in found[0].message
        assert "--underage-commitment" in found[0].hint

    def test_older_children_pass(self):
        assert rules.check_school_age(D("2019-12-31"), 2026) == []
        assert rules.check_school_age(D("2015-01-01"), 2026) == []

    def test_much_younger_child_counts_the_days(self):
        found = rules.check_school_age(D("2021-03-01"), 2026)
        assert "差182天" in found[0].message  # 2027-03-01 − 2026-08-31

    @pytest.mark.parametrize("cutoff, ok", [((2, 28), False), ((3, 1), True), ((8, 31), True)])
    def test_leap_day_birth(self, cutoff, ok):
        # Born 29 Feb: the sixth birthday in a common year is taken as 1 March.
        found = rules.check_school_age(D("2020-02-29"), 2026, cutoff=cutoff)
        assert (found == []) is ok
        if not ok:
            assert "差1天" in found[0].message

    def test_leap_day_birth_full_years(self):
        from xueji_cli.values.dates import full_years
        assert full_years(D("2020-02-29"), D("2026-02-28")) == 5
        assert full_years(D("2020-02-29"), D("2026-03-01")) == 6
        assert full_years(D("2020-02-29"), D("2028-02-29")) == 8

    def test_commitment_policy_accepts_with_a_recorded_commitment(self):
        found = rules.check_school_age(D("2020-09-01"), 2026, underage_entry="commitment",
                                       commitment="承诺书2026-07")
        assert rules_of(found) == [("ENR-1", "birth", "warning")]
        assert "承诺书2026-07" in found[0].message

    def test_commitment_policy_refuses_without_commitment(self):
        found = rules.check_school_age(D("2020-09-01"), 2026, underage_entry="commitment")
        assert rules_of(found) == [("ENR-1", "birth", "error")]

    def test_refuse_policy_refuses_even_with_a_commitment(self):
        found = rules.check_school_age(D("2020-09-01"), 2026, underage_entry="refuse",
                                       commitment="承诺书2026-07")
        assert rules_of(found) == [("ENR-1", "birth", "error")]
        assert "refuse" in found[0].hint

    def test_other_age_and_cutoff_from_policy(self):
        assert rules.check_school_age(D("2019-08-31"), 2026, min_age=7) == []
        assert rules_of(rules.check_school_age(D("2019-09-01"), 2026, min_age=7)) == [
            ("ENR-1", "birth", "error")]
        # cut-off 1 September: born 1 September is of age that day
        assert rules.check_school_age(D("2020-09-01"), 2026, cutoff=(9, 1)) == []

    def test_cutoff_day(self):
        assert rules.school_age_cutoff(2026, (8, 31)) == D("2026-08-31")


# -- ENR-2 two agreements and service area ---------------------------------------------

class TestTwoAgreements:
    V = "130283105201"

    def test_all_three_agree(self):
        assert rules.check_two_agreements(self.V, self.V, self.V) == []

    def test_guardian_elsewhere(self):
        found = rules.check_two_agreements(self.V, "130283106201", self.V)
        assert rules_of(found) == [("ENR-2", "guardian_hukou_region", "error")]
        # BOR-2: borrowing is for migrant children, never for one registered here
        assert "borrow" not in found[0].hint and "户口簿" in found[0].hint

    def test_residence_elsewhere(self):
        found = rules.check_two_agreements(self.V, self.V, "110101001001")
        assert rules_of(found) == [("ENR-2", "residence_region", "error")]

    def test_both_disagree(self):
        found = rules.check_two_agreements(self.V, "130283106201", "130283107201")
        assert [v.field for v in found] == ["guardian_hukou_region", "residence_region"]

    @pytest.mark.parametrize("short", ["130283", "130283105", "130283105201"])
    def test_prefix_matching(self, short):
        assert rules.check_two_agreements(self.V, short, short) == []
        assert rules.check_two_agreements(short, self.V, self.V) == []

    def test_prefix_of_another_village_disagrees(self):
        assert rules.check_two_agreements(self.V, "130283106", self.V) != []

    def test_same_region(self):
        assert rules.same_region("130283", "130283105201")
        assert rules.same_region("130283105201", "130283")
        assert not rules.same_region("130283105201", "130283105202")

    def test_missing_values_are_named_and_not_compared(self):
        found = rules.check_two_agreements(self.V, "", "")
        assert rules_of(found) == [("ENR-2", "guardian_hukou_region", "error"),
                                   ("ENR-2", "residence_region", "error")]
        assert all("缺少" in v.message for v in found)

    @pytest.mark.parametrize("bad", ["13028", "1302831052", "13028310520A"])
    def test_malformed_region(self, bad):
        found = rules.check_two_agreements(bad, self.V, self.V)
        assert rules_of(found) == [("ENR-2", "hukou_region", "error")]
        assert "不是行政区划代码" in found[0].message


class TestServiceArea:
    def test_inside(self):
        assert rules.check_service_area("130283105201", "001 中心校", ["130283105"], []) == []

    def test_inside_one_of_several(self):
        assert rules.check_service_area("130283106201", "001", ["130283105", "130283106"], []) == []

    def test_unconfigured_area_is_a_warning_not_a_silent_pass(self):
        found = rules.check_service_area("130283105201", "003 新学校", [], [])
        assert rules_of(found) == [("ENR-2", "school", "warning")]
        assert "未设置服务范围" in found[0].message
        assert "--service-area" in found[0].hint

    def test_outside_and_served_by_another_school(self):
        found = rules.check_service_area("130283106201", "001 中心校", ["130283105"],
                                         ["002 村小"])
        assert rules_of(found) == [("ENR-2", "hukou_region", "error")]
        assert "002 村小" in found[0].hint
        assert "130283105" in found[0].message

    def test_outside_every_area_points_to_borrowing(self):
        found = rules.check_service_area("130283107201", "001", ["130283105"], [])
        assert rules_of(found) == [("ENR-2", "hukou_region", "error")]
        assert "借读" in found[0].hint

    def test_no_hukou_no_finding(self):
        # the missing value is reported by check_two_agreements
        assert rules.check_service_area("", "001", ["130283105"], []) == []

    def test_within(self):
        assert rules.within("130283105201", ["130283"])
        assert not rules.within("130283", ["130283105"])


# -- ENR-4 timely record -----------------------------------------------------------------

class TestTimely:
    @pytest.mark.parametrize("effective, today, late", [
        ("2026-09-01", "2026-09-01", False),
        ("2026-09-01", "2026-10-01", False),
        ("2026-09-01", "2026-10-02", True),
        ("2026-01-31", "2026-02-28", False),  # month end: one month later is 28 Feb
        ("2026-01-31", "2026-03-01", True),
        ("2024-01-31", "2024-02-29", False),
        ("2026-12-15", "2027-01-15", False),
        ("2026-12-15", "2027-01-16", True),
        ("2026-09-20", "2026-09-01", False),  # recorded ahead of entry
    ])
    def test_one_month(self, effective, today, late):
        found = rules.check_timely(D(effective), D(today))
        if late:
            assert rules_of(found) == [("ENR-4", "date", "warning")]
            assert "1个月" in found[0].message
        else:
            assert found == []


# -- ENR-5 class cap ---------------------------------------------------------------------

class TestClassCap:
    def test_below_and_at_cap(self):
        assert rules.check_class_cap(43, 1, 45, None, "1年级1班") == []
        assert rules.check_class_cap(44, 1, 45, None, "1年级1班") == []

    def test_over_cap_refused(self):
        found = rules.check_class_cap(45, 1, 45, None, "001 1年级1班")
        assert rules_of(found) == [("ENR-5", "class", "error")]
        assert "45" in found[0].message and "001 1年级1班" in found[0].message
        assert "--cap-decision" in found[0].hint

    def test_over_cap_with_recorded_decision(self):
        found = rules.check_class_cap(45, 1, 45, "迁教字〔2026〕12号", "1年级1班")
        assert rules_of(found) == [("ENR-5", "class", "warning")]
        assert "迁教字〔2026〕12号" in found[0].message

    def test_batch_adding_several(self):
        assert rules.check_class_cap(40, 5, 45, None, "x") == []
        assert rules.check_class_cap(40, 6, 45, None, "x") != []

    def test_shanghai_cap(self):
        assert rules.check_class_cap(40, 1, 40, None, "x") != []


# -- ENR-7 evidence --------------------------------------------------------------------

REQUIRED = {"hukou": "户口簿", "property": "房产证明"}


class TestEvidence:
    def test_all_shown(self):
        assert rules.check_evidence(["hukou", "property"], REQUIRED) == []

    def test_extra_evidence_is_fine(self):
        assert rules.check_evidence(["vaccination", "hukou", "property"], REQUIRED) == []

    def test_missing_named_with_the_option_to_use(self):
        found = rules.check_evidence(["hukou"], REQUIRED)
        assert rules_of(found) == [("ENR-7", "evidence", "error")]
        assert "房产证明" in found[0].message
        assert "--evidence 房产证明" in found[0].hint

    def test_nothing_shown(self):
        found = rules.check_evidence([], REQUIRED)
        assert "户口簿" in found[0].message and "房产证明" in found[0].message

    @pytest.mark.parametrize("typed", [["户口簿", "房产证明"], ["户口本", "房产证"],
                                       ["户口薄", "购房合同"], ["户口簿、房产证明"],
                                       ["户口簿,房产证明"], ["hukou", "property"]])
    def test_aliases_count_as_the_evidence(self, typed):
        assert rules.check_evidence(fields.evidence(typed), REQUIRED) == []


# -- ORG-2 grade range ---------------------------------------------------------------------

def test_grade_in_range_of_school_type():
    assert rules.check_grade(1, 1, 6, "小学") == []
    assert rules.check_grade(6, 1, 6, "小学") == []
    found = rules.check_grade(7, 1, 6, "小学")
    assert rules_of(found) == [("ORG-2", "grade", "error")]
    assert "小学没有7年级" in found[0].message


# -- ENR-2 after a change of details -----------------------------------------------------

HERE, THERE = "130283105201", "130283105202"


@pytest.mark.parametrize("after, broken", [
    ((HERE, HERE, HERE), []),
    ((THERE, HERE, HERE), ["guardian_hukou_region", "residence_region"]),
    ((HERE, HERE, THERE), ["residence_region"]),
    ((THERE, THERE, THERE), []),
])
def test_agreements_kept_warns_of_each_one_broken(after, broken):
    found = rules.check_agreements_kept((HERE, HERE, HERE), after)
    assert [(v.rule, v.field, v.severity) for v in found] == [
        ("ENR-2", field, "warning") for field in broken]


def test_agreements_kept_names_only_what_held_before():
    """A disagreement the record already had (a migrant child's residence, a missing
    guardian's registration) is not 'no longer': no warning for it."""
    moved = rules.check_agreements_kept((HERE, HERE, THERE), (THERE, HERE, THERE))
    assert [v.field for v in moved] == ["guardian_hukou_region"]
    assert rules.check_agreements_kept((HERE, "", HERE), (THERE, "", THERE)) == []
