"""Entry/exit matching and permitted-stay rules.

Choose the permitted stay for a traveller from the rules an administrator configured (rules.py),
and match a traveller's entries and exits into stays, overstays and cases for a supervisor
(matching.py). Plain frozen dataclasses in and out; no I/O and no clock: the caller passes
`today` and the time zone whose calendar days are counted (days.py).

    >>> from datetime import date, datetime
    >>> from zoneinfo import ZoneInfo
    >>> haiti = ZoneInfo(HAITI)
    >>> rules = [StayRule("VISITOR", None, None, None, Allowance("days", 90)),
    ...          StayRule("CITIZEN", "HTI", None, None, UNLIMITED)]
    >>> rule = choose(rules, nationality="USA", document_type="P", residence="USA")
    >>> rule.code, permitted_until(rule, date(2025, 1, 1))
    ('VISITOR', datetime.date(2025, 3, 31))
    >>> arrived = Crossing("c1", 1, datetime(2025, 1, 1, 9, tzinfo=haiti), "entry", "PAP",
    ...                    date(2025, 3, 31), "VISITOR")
    >>> left = Crossing("c2", 2, datetime(2025, 4, 2, 9, tzinfo=haiti), "exit", "OUA", None, None)
    >>> stay = match([arrived, left], today=date(2025, 5, 1), zone=haiti).stays[0]
    >>> stay.days, stay.overstay_days
    (92, 2)

Modules: rules (StayRule, Allowance, choose, permitted_until, faults, validate), days (calendar
days in a time zone), crossings (Crossing, and the version of each in force after corrections),
matching (match, Stay, Matching, overstays), errors (the exception hierarchy: StayError,
RuleError, CrossingError; and Case).
"""

from domain.stay.crossings import Crossing, Direction
from domain.stay.days import HAITI, local_day
from domain.stay.errors import Case, CrossingError, RuleError, StayError
from domain.stay.matching import Matching, Stay, match, overstays
from domain.stay.rules import (
    SAME_DAY,
    UNLIMITED,
    Allowance,
    StayRule,
    choose,
    faults,
    permitted_until,
    validate,
)

__all__ = [
    "HAITI",
    "SAME_DAY",
    "UNLIMITED",
    "Allowance",
    "Case",
    "Crossing",
    "CrossingError",
    "Direction",
    "Matching",
    "RuleError",
    "Stay",
    "StayError",
    "StayRule",
    "choose",
    "faults",
    "local_day",
    "match",
    "overstays",
    "permitted_until",
    "validate",
]
