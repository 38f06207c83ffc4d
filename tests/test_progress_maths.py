"""The progress maths on the Indicator model: aggregation modes, direction, status, roll-up."""

import datetime
from decimal import Decimal as D

import pytest

from indicators.models import Indicator, Status, rollup_status
from workplans.models import Quarter

Q = Indicator.Aggregation


def make(**kwargs):
    defaults = {"kind": Indicator.Kind.NUMBER, "aggregation": Q.SUM, "direction": Indicator.Direction.INCREASE}
    defaults.update(kwargs)
    return Indicator(**defaults)


class TestAggregation:
    values = {0: D(10), 1: D(25), 2: D(40)}  # three quarters reported

    def test_summed_adds_the_quarters(self):
        assert make(aggregation=Q.SUM).achieved(self.values) == D(75)

    def test_cumulative_never_sums_a_running_total(self):
        indicator = make(aggregation=Q.CUMULATIVE)
        assert indicator.achieved(self.values) == D(40)
        assert indicator.quarter_increment(self.values, 1) == D(15)
        assert indicator.quarter_increment(self.values, 0) == D(10)

    def test_latest_takes_the_last_report(self):
        assert make(aggregation=Q.LATEST).achieved({0: D(60), 1: D(45)}) == D(45)

    def test_percent_kind_is_never_summed(self):
        assert make(kind=Indicator.Kind.PERCENT, aggregation=Q.SUM).achieved({0: D(60), 1: D(70)}) == D(70)

    def test_running_values_per_mode(self):
        assert make(aggregation=Q.SUM).running_values(self.values) == {0: D(10), 1: D(35), 2: D(75)}
        assert make(aggregation=Q.CUMULATIVE).running_values(self.values) == self.values

    def test_nothing_reported(self):
        assert make().achieved({}) is None


class TestCombine:
    def test_place_rules(self):
        assert make(place_rule="sum").combine([D(3), D(4)]) == D(7)
        assert make(place_rule="max").combine([D(3), D(9), D(4)]) == D(9)
        assert make(place_rule="latest").combine([D(3), D(9), D(4)]) == D(4)
        assert make().combine([None, None]) is None

    def test_yes_no_is_yes_when_any_is_yes(self):
        assert make(kind=Indicator.Kind.YES_NO).combine([D(0), D(1)]) == D(1)


class TestPercent:
    def test_increase(self):
        assert make(target=D(36)).percent_achieved(D(18)) == D("50.0")

    def test_increase_from_a_baseline(self):
        assert make(target=D(100), baseline=D(20)).percent_achieved(D(60)) == D("50.0")

    def test_decrease_is_inverted(self):
        # from 40 incidents down to a target of 10: at 25 we are half way
        assert make(direction="decrease", baseline=D(40), target=D(10)).percent_achieved(D(25)) == D("50.0")

    def test_decrease_without_baseline(self):
        assert make(direction="decrease", target=D(10)).percent_achieved(D(20)) == D("50.0")

    def test_no_target_gives_no_percent(self):
        assert make(target=None).percent_achieved(D(12)) is None

    def test_yes_no(self):
        indicator = make(kind=Indicator.Kind.YES_NO)
        assert indicator.percent_achieved(D(1)) == D(100)
        assert indicator.percent_achieved(D(0)) == D(0)

    def test_over_achievement_is_shown(self):
        assert make(target=D(10)).percent_achieved(D(15)) == D("150.0")


@pytest.fixture
def year_2020(db):
    return Quarter.objects.ensure_range((2020, 1), (2020, 4))


class TestStatus:
    def status(self, indicator, values, quarters, today):
        return indicator.status(values, quarters, today)

    def test_not_started_before_the_first_quarter(self, year_2020):
        assert make(target=D(10)).status({}, year_2020, datetime.date(2019, 12, 1)) == Status.NOT_STARTED

    def test_no_data_once_a_quarter_has_passed(self, year_2020):
        assert make(target=D(10)).status({}, year_2020, datetime.date(2020, 7, 1)) == Status.NO_DATA

    def test_on_track_within_the_tolerance(self, year_2020):
        # half the year elapsed (2 of 4 quarters), 40% done: gap 10 points <= 15
        values = {year_2020[0].ordinal: D(4)}
        assert make(target=D(10)).status(values, year_2020, datetime.date(2020, 7, 1)) == Status.ON_TRACK

    def test_at_risk_between_15_and_30_points(self, year_2020):
        values = {year_2020[0].ordinal: D(3)}  # 50% elapsed, 30% done: gap 20
        assert make(target=D(10)).status(values, year_2020, datetime.date(2020, 7, 1)) == Status.AT_RISK

    def test_late_beyond_30_points(self, year_2020):
        values = {year_2020[0].ordinal: D(1)}  # 75% elapsed, 10% done
        assert make(target=D(10)).status(values, year_2020, datetime.date(2020, 10, 2)) == Status.LATE

    def test_done_when_the_target_is_met(self, year_2020):
        values = {year_2020[0].ordinal: D(10)}
        assert make(target=D(10)).status(values, year_2020, datetime.date(2020, 4, 2)) == Status.DONE

    def test_summing_a_cumulative_count_would_wrongly_say_done(self, year_2020):
        values = {year_2020[0].ordinal: D(4), year_2020[1].ordinal: D(6)}
        today = datetime.date(2020, 7, 1)
        assert make(target=D(10), aggregation=Q.CUMULATIVE).status(values, year_2020, today) == Status.ON_TRACK
        assert make(target=D(10), aggregation=Q.SUM).status(values, year_2020, today) == Status.DONE

    def test_without_target_judged_on_reporting(self, year_2020):
        today = datetime.date(2020, 7, 1)
        indicator = make(target=None)
        assert indicator.status({year_2020[1].ordinal: D(3)}, year_2020, today) == Status.ON_TRACK
        assert indicator.status({year_2020[0].ordinal: D(3)}, year_2020, today) == Status.AT_RISK

    def test_plan_over_and_target_missed_is_late(self, year_2020):
        values = {year_2020[3].ordinal: D(5)}
        assert make(target=D(10)).status(values, year_2020, datetime.date(2021, 2, 1)) == Status.LATE


class TestRollup:
    def test_worst_wins(self):
        assert rollup_status([Status.ON_TRACK, Status.LATE, Status.AT_RISK]) == Status.LATE

    def test_done_only_when_all_started_are_done(self):
        assert rollup_status([Status.DONE, Status.DONE, Status.NOT_STARTED]) == Status.DONE
        assert rollup_status([Status.DONE, Status.ON_TRACK]) == Status.ON_TRACK

    def test_all_not_started(self):
        assert rollup_status([Status.NOT_STARTED, Status.NOT_STARTED]) == Status.NOT_STARTED

    def test_missing_reports_outrank_on_track(self):
        assert rollup_status([Status.ON_TRACK, Status.NO_DATA]) == Status.NO_DATA

    def test_empty(self):
        assert rollup_status([]) == Status.NO_DATA
