"""Crossings for tests, written as a traveller's story: `arrive`, `leave`, `recorded`."""

from dataclasses import replace
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from domain.stay import HAITI, Crossing, Matching, match

HAITI_ZONE = ZoneInfo(HAITI)
TODAY = date(2025, 6, 1)


def at(text: str, zone: tzinfo = HAITI_ZONE) -> datetime:
    """Return `text` (ISO 8601, without an offset) as a time in `zone`, Haiti's by default."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def arrive(
    id: str,
    when: str | datetime,
    *,
    seq: int = 0,
    post: str = "PAP",
    until: str | None = None,
    rule: str | None = None,
    corrects: str | None = None,
    void: bool = False,
) -> Crossing:
    """Return an entry at `when` (Haiti's local time), permitted until the day `until`."""
    return Crossing(
        id=id,
        seq=seq,
        at=at(when) if isinstance(when, str) else when,
        direction="entry",
        post=post,
        permitted_until=date.fromisoformat(until) if until else None,
        rule=rule,
        corrects=corrects,
        void=void,
    )


def leave(
    id: str,
    when: str | datetime,
    *,
    seq: int = 0,
    post: str = "OUA",
    corrects: str | None = None,
    void: bool = False,
) -> Crossing:
    """Return an exit at `when` (Haiti's local time)."""
    return Crossing(
        id=id,
        seq=seq,
        at=at(when) if isinstance(when, str) else when,
        direction="exit",
        post=post,
        permitted_until=None,
        rule=None,
        corrects=corrects,
        void=void,
    )


def recorded(*crossings: Crossing) -> list[Crossing]:
    """Return `crossings` numbered 1, 2, 3… in the order given: the order they were recorded."""
    return [replace(crossing, seq=n) for n, crossing in enumerate(crossings, 1)]


def matched(*crossings: Crossing, today: date = TODAY) -> Matching:
    """Return the matching of `crossings`, recorded in the order given, in Haiti as of `today`."""
    return match(recorded(*crossings), today=today, zone=HAITI_ZONE)


def summary(matching: Matching) -> list[tuple]:
    """Return each stay as (entry id, exit id, days, overstay days, open)."""
    return [
        (
            stay.entry.id,
            stay.exit.id if stay.exit else None,
            stay.days,
            stay.overstay_days,
            stay.open,
        )
        for stay in matching.stays
    ]


def cases(matching: Matching) -> list[tuple[str, tuple[str, ...]]]:
    """Return each case as (code, crossing ids)."""
    return [(case.code, case.crossings) for case in matching.cases]
