"""Entry/exit matching: a traveller's stays, their overstays, and the faults in the records.

The caller passes every record of one traveller (every version of every crossing) and `today`, a
date in `zone`. The versions in force (crossings.py) are put in time order, ties broken by the
order of recording and then by id, and walked once: an exit closes the open entry, whichever post
recorded either. Time is compared in UTC, so that two times in the hour a daylight saving change
repeats are ordered by the instant they name, not by the clock face.

Records are never refused; what does not fit becomes a `Case` for a supervisor:

* exit_without_entry: an exit with no open entry to close; it belongs to no stay.
* entry_without_exit: an entry while another is open. The earlier stay is left open-ended (its
  exit, days and overstay unknown) and the later entry opens the next stay.
* clock_order: in the order of recording, a crossing dated before the one recorded just before
  it, as when a post's clock is wrong (an exit dated before its entry). Both crossings are named;
  matching still follows time, since only a person can tell which of the two is wrong.
* clock_ahead: a crossing dated after `today`.

Stays are counted in calendar days of `zone` (days.py), the day of entry and the day of exit both
counted; an open stay runs to `today`. A stay's overstay is the number of days from the day after
its permitted date to the day of exit, or to `today` while the traveller is still in the country.

Each record given ends up in exactly one place: a stay (as its entry or exit), an
exit_without_entry case, `superseded` or `voided`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from itertools import pairwise

from domain.stay.crossings import Crossing, Versions, versions
from domain.stay.days import count, local_day
from domain.stay.errors import Case


@dataclass(frozen=True)
class Stay:
    """One stay in the country, from an entry to its exit (None while unknown)."""

    entry: Crossing
    exit: Crossing | None
    open: bool  # the traveller is still in the country, as far as the records show
    entered_on: date  # local calendar days
    left_on: date | None
    days: int | None  # entry to exit, or to today while open; None when open-ended
    permitted_until: date | None  # from the entry; None when unlimited (or no rule was applied)
    overstay_days: int  # past permitted_until at exit, or as of today while open; else 0

    @property
    def overstayed(self) -> bool:
        return self.overstay_days > 0


@dataclass(frozen=True)
class Matching:
    """A traveller's stays in time order, the cases for review, and the records set aside."""

    stays: tuple[Stay, ...]
    cases: tuple[Case, ...]  # in the time order of their first crossing
    superseded: tuple[str, ...]  # ids of versions a later correction replaced
    voided: tuple[str, ...]  # ids of every version of a withdrawn crossing

    @property
    def open_stay(self) -> Stay | None:
        """Return the stay the traveller is on now, if any."""
        return next((stay for stay in self.stays if stay.open), None)


def match(crossings: Iterable[Crossing], *, today: date, zone: tzinfo) -> Matching:
    """Match one traveller's entries and exits into stays as of `today` (a date in `zone`).

    Raise CrossingError only if the crossings break the contract (crossings.versions).
    """
    found = versions(crossings)

    def when(crossing: Crossing) -> tuple[datetime, int, str]:
        return (_utc(crossing), found.places[crossing.id], crossing.id)

    timeline = sorted(found.in_force, key=when)
    stays: list[Stay] = []
    cases: list[Case] = []
    entry: Crossing | None = None
    for crossing in timeline:
        if crossing.direction == "entry":
            if entry is not None:
                cases.append(Case("entry_without_exit", (entry.id, crossing.id)))
                stays.append(_open_ended(entry, zone))
            entry = crossing
        elif entry is None:
            cases.append(Case("exit_without_entry", (crossing.id,)))
        else:
            stays.append(_closed(entry, crossing, zone))
            entry = None
    if entry is not None:
        stays.append(_open(entry, today, zone))
    cases += _clock_cases(found, today, zone)
    position = {crossing.id: n for n, crossing in enumerate(timeline)}
    cases.sort(key=lambda case: (position[case.crossings[0]], case.code, case.crossings))
    return Matching(tuple(stays), tuple(cases), found.superseded, found.voided)


def overstays(stays: Iterable[Stay]) -> tuple[Stay, ...]:
    """Return the stays past their permitted date: at exit, or as of the matching's `today`."""
    return tuple(stay for stay in stays if stay.overstayed)


def _closed(entry: Crossing, exit: Crossing, zone: tzinfo) -> Stay:
    entered_on, left_on = local_day(entry.at, zone), local_day(exit.at, zone)
    return Stay(
        entry=entry,
        exit=exit,
        open=False,
        entered_on=entered_on,
        left_on=left_on,
        days=count(entered_on, left_on),
        permitted_until=entry.permitted_until,
        overstay_days=_past(entry.permitted_until, left_on),
    )


def _open(entry: Crossing, today: date, zone: tzinfo) -> Stay:
    entered_on = local_day(entry.at, zone)
    return Stay(
        entry=entry,
        exit=None,
        open=True,
        entered_on=entered_on,
        left_on=None,
        # An entry dated after today is a clock_ahead case; its stay has begun, so 1 day.
        days=count(entered_on, max(today, entered_on)),
        permitted_until=entry.permitted_until,
        overstay_days=_past(entry.permitted_until, today),
    )


def _open_ended(entry: Crossing, zone: tzinfo) -> Stay:
    # The traveller left at some unrecorded time before entering again: nothing proves an
    # overstay, so none is counted; the entry_without_exit case sends it to a supervisor.
    return Stay(
        entry=entry,
        exit=None,
        open=False,
        entered_on=local_day(entry.at, zone),
        left_on=None,
        days=None,
        permitted_until=entry.permitted_until,
        overstay_days=0,
    )


def _past(permitted_until: date | None, day: date) -> int:
    """Return the days from the day after `permitted_until` to `day`, both counted; or 0."""
    if permitted_until is None:
        return 0
    return max(0, (day - permitted_until).days)


def _clock_cases(found: Versions, today: date, zone: tzinfo) -> list[Case]:
    """Return the clock cases: crossings dated before the one recorded just before, or after today.

    Only neighbours in the order of recording are compared, so that one crossing dated years
    ahead by a reset clock makes one case, not one with every crossing recorded after it.
    """
    recorded = sorted(found.in_force, key=lambda c: (found.places[c.id], _utc(c), c.id))
    cases = [
        Case("clock_order", (after.id, before.id))  # in time order, as every case names them
        for before, after in pairwise(recorded)
        if _utc(after) < _utc(before)
    ]
    cases += [
        Case("clock_ahead", (crossing.id,))
        for crossing in recorded
        if local_day(crossing.at, zone) > today
    ]
    return cases


def _utc(crossing: Crossing) -> datetime:
    return crossing.at.astimezone(UTC)
