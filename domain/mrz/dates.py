"""Dates of birth and of expiry in machine readable zones (ICAO Doc 9303 Part 3 §3.8).

An MRZ date is YYMMDD; a part that is not known is written `<<` (some issuers print `XX`, as in
the visual zone; both are read as unknown). Doc 9303 leaves the century to the reader. We read
each date as the latest one it can be that is not after a limit:

* a birth date is never in the future: the limit is today;
* an expiry date may lie ahead, by at most EXPIRY_HORIZON_YEARS.

No travel document is valid for more than about 10 years (some identity cards for 15), so an
expiry more than 20 years ahead is taken to be a document that expired a century earlier
(`991231` read in 2026 is 1999-12-31). The margin beyond 15 years keeps a long-validity card from
ever reading as a century old; the window then reaches 80 years back, far enough for any expired
document still shown at a border.
"""

from datetime import date
from typing import Final

UNKNOWN: Final = ("<<", "XX")  # Part 3 §3.8: an unknown part is filled; XX is issuer practice
EXPIRY_HORIZON_YEARS: Final = 20


def well_formed(raw: str) -> bool:
    """Return whether `raw` is six characters of YYMMDD, any part of which may be unknown."""
    if len(raw) != 6:
        return False
    parts = raw[0:2], raw[2:4], raw[4:6]
    if not all(part in UNKNOWN or (part.isascii() and part.isdigit()) for part in parts):
        return False
    month, day = parts[1:]
    return (month in UNKNOWN or 1 <= int(month) <= 12) and (day in UNKNOWN or 1 <= int(day) <= 31)


def birth(raw: str, today: date) -> date | None:
    """Return the birth date `raw` means, None where a part is unknown; raise ValueError."""
    return _latest(raw, today)


def expiry(raw: str, today: date) -> date | None:
    """Return the expiry date `raw` means, None where a part is unknown; raise ValueError."""
    try:
        horizon = today.replace(year=today.year + EXPIRY_HORIZON_YEARS)
    except ValueError:  # 29 February, in a year whose 20th successor is a common year
        horizon = today.replace(year=today.year + EXPIRY_HORIZON_YEARS, day=28)
    return _latest(raw, horizon)


def _latest(raw: str, limit: date) -> date | None:
    """Return the latest date `raw` can be that is not after `limit`."""
    if not well_formed(raw):
        raise ValueError(f"{raw!r} is not a YYMMDD date")
    if any(raw[i : i + 2] in UNKNOWN for i in (0, 2, 4)):
        return None
    yy, month, day = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    year = limit.year - (limit.year - yy) % 100
    found = date(year, month, day)  # ValueError for 31 April, or 29 February of a common year
    return found if found <= limit else found.replace(year=year - 100)
