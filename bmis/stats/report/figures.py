"""What the monthly report shows: the month's figures, computed elsewhere, and their labels."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.stats.tables import Table

NATIONAL_SCOPE = "Haiti"
"""The scope of the national report; any other scope is a post's name."""

INDICATORS = [
    ("entries", pgettext_lazy("border crossings", "Entries")),
    ("exits", pgettext_lazy("border crossings", "Exits")),
    ("net", _("Net migration (entries minus exits)")),
    ("refusals", _("Refusals")),  # of entry or of exit
    ("referrals", _("Referrals to secondary inspection")),
    ("present", _("Travellers present at the end of the month")),
    ("overstayers", _("Travellers past their permitted stay")),
    ("hits", _("Watchlist hits")),
]
"""The summary's indicators, in the order the report lists them: `MonthlyFigures.totals` keys."""


@dataclass
class MonthlyFigures:
    """The figures of one month for the whole country or one post, ready to print.

    `totals` and `last_year` map each key of `INDICATORS` to a count (None when unknown);
    `daily` holds one value per day of the month for "entries" and "exits"; `suppressed` says
    whether `tables` went through `stats.tables.suppress`.
    """

    month: date
    scope: str
    generated_at: datetime
    totals: dict[str, int | None]
    last_year: dict[str, int | None]
    daily: dict[str, list[int]]
    tables: list[Table]
    suppressed: bool


def change(current: int | None, previous: int | None) -> float | None:
    """Return the change from `previous` to `current` in percent, or None when it has no meaning.

    A change is only computed against a positive figure: from zero it would be infinite, and
    from a negative net migration its sign would mislead.
    """
    if current is None or previous is None or previous <= 0:
        return None
    return (current - previous) * 100 / previous
