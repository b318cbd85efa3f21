from datetime import date

import pytest

from domain.mrz import dates

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    "raw, read",
    [
        ("991231", date(1999, 12, 31)),
        ("251231", date(2025, 12, 31)),
        ("250601", date(2025, 6, 1)),
        ("260101", date(2026, 1, 1)),  # born today
        ("260102", date(1926, 1, 2)),  # tomorrow: a birth date is never in the future
        ("000229", date(2000, 2, 29)),
    ],
)
def test_a_birth_date_is_the_latest_date_not_after_today(raw, read):
    assert dates.birth(raw, TODAY) == read


@pytest.mark.parametrize(
    "raw, read",
    [
        ("350101", date(2035, 1, 1)),
        ("451231", date(2045, 12, 31)),
        ("460101", date(2046, 1, 1)),  # today + 20 years: the last date read ahead
        ("460102", date(1946, 1, 2)),
        ("991231", date(1999, 12, 31)),
        ("120415", date(2012, 4, 15)),
    ],
)
def test_an_expiry_date_may_lie_up_to_twenty_years_ahead(raw, read):
    assert dates.expiry(raw, TODAY) == read


def test_the_expiry_window_survives_a_leap_day_twenty_years_before_a_common_year():
    leap_day = date(2080, 2, 29)  # 2100 is not a leap year: the window ends on 28 February
    assert dates.expiry("000228", leap_day) == date(2100, 2, 28)
    assert dates.expiry("000301", leap_day) == date(2000, 3, 1)


@pytest.mark.parametrize("raw", ["74<<<<", "<<<<<<", "7408XX", "XXXXXX", "74XX<<", "<<0812"])
def test_a_date_with_an_unknown_part_reads_as_unknown(raw):
    assert dates.birth(raw, TODAY) is None
    assert dates.expiry(raw, TODAY) is None


@pytest.mark.parametrize(
    "raw", ["741301", "740132", "740230", "010229", "7408<1", "74O812", "7408", "7408120", "٧٤٠٨١٢"]
)
def test_it_refuses_what_is_not_a_date(raw):
    with pytest.raises(ValueError):
        dates.birth(raw, TODAY)
