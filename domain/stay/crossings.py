"""Crossings as recorded, and the version of each that is in force.

Crossings are append-only. A correction is a new record whose `corrects` names the record it
corrects (the original, or an earlier correction) and which carries the crossing's data in full,
as it should have been recorded. A correction with `void` set withdraws the crossing: it should
never have been recorded (a crossing entered against the wrong traveller, or entered twice).

Every version of a crossing descends from one original. The version in force is the one recorded
last, the highest `seq`, whichever version it corrects; a crossing whose version in force is a
void is left out of matching altogether. A correction whose original is not among the crossings
given (recorded against another traveller, or not yet arrived by synchronisation) stands for a
crossing of its own.

A corrected crossing keeps its original's place in the order of recording (`Versions.places`):
the crossing happened when it was first recorded, whenever it was corrected.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from domain.stay.errors import CrossingError

Direction = Literal["entry", "exit"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("entry", "exit")


@dataclass(frozen=True)
class Crossing:
    """One record of a traveller entering or leaving the country, as the Django layer holds it.

    `seq` is the order in which records were made, compared only among one call's crossings: a
    database sequence or headquarters' order of arrival serves, better than anything derived from
    a post's clock (a UUIDv7, say), which would share the clock's errors and hide them.
    """

    id: str
    seq: int
    at: datetime  # aware: the moment of crossing by the post's clock
    direction: Direction
    post: str
    permitted_until: date | None  # entries: the last day of permitted stay; None if unlimited
    rule: str | None  # entries: the code of the StayRule that gave `permitted_until`
    corrects: str | None = None  # the id of the record this one corrects
    void: bool = False  # this correction withdraws the crossing


@dataclass(frozen=True)
class Versions:
    """The crossings in force, and what became of the other records."""

    in_force: tuple[Crossing, ...]
    places: Mapping[str, int]  # id in force -> the seq of its original
    superseded: tuple[str, ...]  # ids of versions a later correction replaced
    voided: tuple[str, ...]  # ids of every version of a withdrawn crossing


def versions(crossings: Iterable[Crossing]) -> Versions:
    """Return the version in force of each crossing; raise CrossingError on a broken contract."""
    by_id: dict[str, Crossing] = {}
    for crossing in crossings:
        _check(crossing)
        if crossing.id in by_id:
            raise CrossingError("duplicate_id", "id", crossing=crossing.id)
        by_id[crossing.id] = crossing
    families: dict[str, list[Crossing]] = {}
    for crossing in by_id.values():
        families.setdefault(_original(crossing, by_id).id, []).append(crossing)
    in_force: list[Crossing] = []
    places: dict[str, int] = {}
    superseded: list[str] = []
    voided: list[str] = []
    for original_id, family in families.items():
        latest = max(family, key=lambda version: (version.seq, version.id))
        if latest.void:
            voided += [version.id for version in family]
            continue
        in_force.append(latest)
        places[latest.id] = by_id[original_id].seq
        superseded += [version.id for version in family if version is not latest]
    in_force.sort(key=lambda crossing: crossing.id)
    return Versions(tuple(in_force), places, tuple(sorted(superseded)), tuple(sorted(voided)))


def _check(crossing: Crossing) -> None:
    if crossing.at.tzinfo is None or crossing.at.utcoffset() is None:
        raise CrossingError("naive_time", "at", crossing=crossing.id)
    if crossing.direction not in DIRECTIONS:
        raise CrossingError("direction", "direction", crossing=crossing.id)


def _original(crossing: Crossing, by_id: dict[str, Crossing]) -> Crossing:
    """Return the record `crossing` descends from: the end of its chain of `corrects`."""
    seen = {crossing.id}
    while crossing.corrects in by_id:
        crossing = by_id[crossing.corrects]
        if crossing.id in seen:
            # Records can only correct records made before them: a cycle is a bug upstream.
            raise CrossingError("correction_cycle", "corrects", crossing=crossing.id)
        seen.add(crossing.id)
    return crossing
