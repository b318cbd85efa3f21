"""Birth dates as lists write them, read into partial dates.

ISO 8601 calendar dates, reduced precision allowed (`1961`, `1961-05`, `1961-05-20`: ISO 8601-1
§5.2.2), as our CSV, the UN list and FollowTheMoney write them; OFAC's `12 Jan 1967`, `Jan 1967`,
`1967`, `circa 1967`, `1965 to 1968`.

A range becomes the partial dates that cover it: one date when both ends share a year (and
month), each year otherwise, and nothing at all past `MAX_SPAN_YEARS` (a range that wide tells
the engine nothing a missing date does not).
"""

import re
from datetime import date
from typing import Final

from domain.screening.entries import PartialDate

MAX_SPAN_YEARS: Final = 15
MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
ISO: Final = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
OFAC: Final = re.compile(r"(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]*\.? )?(\d{4})")


def make(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    """Return the partial date, or None if it does not exist (month 13, 30 February, year 0)."""
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def iso(text: str, *, zero_unknown: bool = False) -> PartialDate | None:
    """Read `YYYY[-MM[-DD]]`; with `zero_unknown`, `00` stands for an unknown month or day."""
    match = ISO.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    if zero_unknown and month == 0:
        month = day = None
    if zero_unknown and day == 0:
        day = None
    return make(year, month, day)  # type: ignore[arg-type]


def span(first: PartialDate, last: PartialDate) -> tuple[PartialDate, ...]:
    """Return the partial dates covering `first` to `last`, ends included."""
    if _key(last) < _key(first):
        first, last = last, first
    if first == last:
        return (first,)
    if first.year == last.year:
        if first.month is not None and first.month == last.month:
            return (PartialDate(first.year, first.month),)
        return (PartialDate(first.year),)
    if last.year - first.year >= MAX_SPAN_YEARS:
        return ()
    return tuple(PartialDate(year) for year in range(first.year, last.year + 1))


def _key(day: PartialDate) -> tuple[int, int, int]:
    return (day.year, day.month or 0, day.day or 0)


def ofac(text: str) -> tuple[PartialDate, ...] | None:
    """Read an OFAC birth date, range or `circa` date; None if it is none of them."""
    text = text.strip().removeprefix("circa").strip()
    ends = re.split(r"\s+to\s+|\s*-\s*(?=\d{4}$)", text)
    if len(ends) > 2:
        return None
    dates = [_ofac_date(end) for end in ends]
    if any(found is None for found in dates):
        return None
    return span(dates[0], dates[-1])  # type: ignore[arg-type]


def _ofac_date(text: str) -> PartialDate | None:
    match = OFAC.fullmatch(text.strip())
    if match is None:
        return None
    day, month_name, year = match.groups()
    month = MONTHS.get(month_name.lower()) if month_name else None
    if month_name and month is None:
        return None
    if day and month is None:
        return None
    return make(int(year), month, int(day) if day else None)
