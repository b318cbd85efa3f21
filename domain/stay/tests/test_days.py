"""Stays are counted in calendar days of the country's time zone, the day of entry as day 1."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.stay import local_day, match
from domain.stay.days import count
from domain.stay.tests.travel import (
    HAITI_ZONE,
    arrive,
    at,
    cases,
    leave,
    matched,
    recorded,
    summary,
)


@pytest.mark.parametrize(
    "moment, day",
    [
        (at("2025-06-01 02:00", UTC), date(2025, 5, 31)),  # 22:00 the evening before, EDT
        (at("2025-01-01 04:59", UTC), date(2024, 12, 31)),  # 23:59, EST
        (at("2025-01-01 05:00", UTC), date(2025, 1, 1)),
        (at("2025-01-01 00:00"), date(2025, 1, 1)),
    ],
)
def test_a_moment_falls_on_the_calendar_day_of_haiti(moment, day):
    assert local_day(moment, HAITI_ZONE) == day


@pytest.mark.parametrize(
    "first, last, days",
    [
        (date(2025, 1, 1), date(2025, 1, 1), 1),
        (date(2025, 1, 1), date(2025, 1, 2), 2),
        (date(2024, 2, 28), date(2024, 3, 1), 3),
        (date(2025, 1, 1), date(2025, 3, 31), 90),
    ],
)
def test_the_days_of_entry_and_exit_both_count(first, last, days):
    assert count(first, last) == days


@pytest.mark.parametrize("zone, days", [(HAITI_ZONE, 2), (UTC, 1)])
def test_days_are_counted_in_the_zone_the_caller_names(zone, days):
    # 31 May 22:00 to 1 June 16:00 in Port-au-Prince: both on 1 June in UTC.
    entry = arrive("e1", at("2025-06-01 02:00", UTC))
    exit = leave("x1", at("2025-06-01 20:00", UTC))
    matching = match(recorded(entry, exit), today=date(2025, 6, 2), zone=zone)
    assert matching.stays[0].days == days


def test_an_arrival_just_before_midnight_and_a_departure_just_after_are_two_days():
    matching = matched(
        arrive("e1", "2025-05-20 23:30", until="2025-05-20"), leave("x1", "2025-05-21 00:30")
    )
    assert summary(matching) == [("e1", "x1", 2, 1, False)]


def test_the_short_day_of_a_daylight_saving_change_counts_as_one_day():
    # Haiti moved its clocks forward on 9 March 2025: 23:30 to 23:30 is only 23 hours.
    entry, exit = at("2025-03-08 23:30"), at("2025-03-09 23:30")
    assert exit.astimezone(UTC) - entry.astimezone(UTC) == timedelta(hours=23)
    matching = matched(arrive("e1", entry, until="2025-03-08"), leave("x1", exit))
    assert summary(matching) == [("e1", "x1", 2, 1, False)]


def test_times_in_the_repeated_hour_of_a_daylight_saving_change_go_by_the_instant():
    # 2 November 2025: 01:00 to 02:00 happens twice. The exit at the second 01:10 comes 40
    # minutes after the entry at the first 01:30, though its clock face reads earlier.
    entry = datetime(2025, 11, 2, 1, 30, tzinfo=HAITI_ZONE, fold=0)
    exit = datetime(2025, 11, 2, 1, 10, tzinfo=HAITI_ZONE, fold=1)
    assert exit.astimezone(UTC) > entry.astimezone(UTC)
    matching = matched(
        arrive("e1", entry, until="2025-11-02"), leave("x1", exit), today=date(2025, 11, 2)
    )
    assert (summary(matching), cases(matching)) == ([("e1", "x1", 1, 0, False)], [])
