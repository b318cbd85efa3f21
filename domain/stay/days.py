"""Days of stay, counted on the calendar of the country's time zone.

A stay is counted in calendar days, not in periods of 24 hours, as the Schengen Borders Code
counts them (Regulation (EU) 2016/399, Art. 6(2)): the day of entry is the first day of stay and
the day of exit the last, so a traveller who enters and leaves on one day has stayed 1 day, and
one who arrives at 23:30 and leaves at 00:30 has stayed 2.

Which calendar day a moment falls on depends on the time zone: 02:00 UTC is still the evening
before in Port-au-Prince. The caller names the zone (for Haiti, `ZoneInfo(HAITI)`); times are
turned into that zone's local date before any counting, so days of 23 or 25 hours (daylight
saving time, which Haiti observes since 2017) count as one day like any other.
"""

from datetime import date, datetime, tzinfo
from typing import Final

HAITI: Final = "America/Port-au-Prince"  # the IANA time zone database key


def local_day(at: datetime, zone: tzinfo) -> date:
    """Return the calendar day, in `zone`, of the aware datetime `at`."""
    return at.astimezone(zone).date()


def count(first: date, last: date) -> int:
    """Return the days of stay from `first` to `last`, both counted (the same day is 1)."""
    return (last - first).days + 1
