"""Art. 73(2)-(4) reporting deadlines: every rule and its edges (R.5.1, R.5.2)."""

from datetime import date

import pytest

from governance.risks import clocks

AWARE = date(2027, 12, 30)


@pytest.mark.parametrize(
    ("kinds", "due", "rule"),
    [
        (["other_serious"], date(2028, 1, 14), "Art. 73(2)"),  # 15 days
        (["death"], date(2028, 1, 9), "Art. 73(4)"),  # 10 days
        (["widespread_infringement"], date(2028, 1, 1), "Art. 73(3)"),  # 2 days
        (["critical_infrastructure"], date(2028, 1, 1), "Art. 73(3)"),  # 2 days
    ],
)
def test_each_kind_has_its_own_clock(kinds, due, rule):
    assert clocks.report_due(AWARE, kinds) == due
    assert clocks.days_for(kinds)[1] == rule


def test_where_several_apply_the_earliest_deadline_is_due():
    assert clocks.report_due(AWARE, ["other_serious", "death"]) == date(2028, 1, 9)
    assert clocks.report_due(AWARE, ["death", "critical_infrastructure"]) == date(2028, 1, 1)
    assert clocks.report_due(AWARE, ["death", "other_serious", "widespread_infringement"]) == (
        date(2028, 1, 1)
    )


def test_no_kind_falls_back_to_the_general_fifteen_days():
    assert clocks.report_due(AWARE, []) == date(2028, 1, 14)


def test_it_counts_calendar_days_through_weekends_and_leap_days():
    # Saturday 26 Feb 2028 + 2 days = Monday 28 Feb; + 10 crosses 29 Feb 2028 (leap year).
    assert clocks.report_due(date(2028, 2, 26), ["critical_infrastructure"]) == date(2028, 2, 28)
    assert clocks.report_due(date(2028, 2, 26), ["death"]) == date(2028, 3, 7)
    assert clocks.report_due(date(2027, 2, 26), ["death"]) == date(2027, 3, 8)


def test_it_refuses_an_unknown_kind():
    with pytest.raises(clocks.UnknownKind):
        clocks.report_due(AWARE, ["bad_weather"])


def test_days_left_and_overdue_on_the_due_day_and_after():
    due = date(2028, 1, 1)
    assert clocks.days_left(due, date(2027, 12, 30)) == 2
    assert clocks.days_left(due, due) == 0
    assert clocks.is_overdue(due, due, reported=False) is False  # the due day itself is in time
    assert clocks.is_overdue(due, date(2028, 1, 2), reported=False) is True
    assert clocks.is_overdue(due, date(2028, 1, 2), reported=True) is False
