"""Whatever crossings officers recorded, `match` accounts for each of them once and never raises."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.stay import Crossing, Matching, Stay, match
from domain.stay.tests.travel import HAITI_ZONE

ZONES = st.sampled_from(
    [UTC, HAITI_ZONE, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))]
)
# Minutes from 1 March 2025, across Haiti's change to summer time on 9 March: mostly within a
# month, so that times often tie and crossings often share a day; sometimes years away.
START = datetime(2025, 3, 1, tzinfo=UTC)
MINUTES = st.integers(0, 31 * 24 * 60) | st.integers(-(10**7), 10**7)


# One record: seq, minutes, zone, direction, post, permitted date, rule, corrects, void.
RECORD = st.tuples(
    st.integers(0, 15),
    MINUTES,
    ZONES,
    st.sampled_from(["entry", "exit"]),
    st.sampled_from(["PAP", "OUA", "BEL"]),
    st.none() | st.dates(date(2025, 1, 1), date(2025, 12, 31)),
    st.none() | st.sampled_from(["VISITOR", "CITIZEN"]),
    st.none() | st.integers(0, 12),
    st.booleans(),
)


def as_crossings(rows: list[tuple]) -> list[Crossing]:
    """Return crossings from drawn rows; a correction names an earlier record or a missing one."""
    return [
        Crossing(
            id=f"c{n}",
            seq=seq,
            at=(START + timedelta(minutes=minutes)).astimezone(zone),
            direction=direction,
            post=post,
            permitted_until=until,
            rule=rule,
            corrects=None if corrects is None else f"c{corrects}" if corrects < n else "elsewhere",
            void=void,
        )
        for n, (seq, minutes, zone, direction, post, until, rule, corrects, void) in enumerate(rows)
    ]


CROSSINGS = st.lists(RECORD, max_size=12).map(as_crossings)


def accounted(matching: Matching) -> Counter:
    """Count the places each record ends up in."""
    places = Counter(matching.superseded) + Counter(matching.voided)
    for stay in matching.stays:
        places[stay.entry.id] += 1
        if stay.exit:
            places[stay.exit.id] += 1
    for case in matching.cases:
        if case.code == "exit_without_entry":
            places.update(case.crossings)
    return places


@settings(max_examples=200, deadline=None)
@given(CROSSINGS, st.dates(date(2024, 1, 1), date(2026, 12, 31)), ZONES, st.randoms())
def test_match_never_raises_and_accounts_for_every_record_once_in_any_order(
    records, today, zone, random
):
    matching = match(records, today=today, zone=zone)
    assert accounted(matching) == Counter(record.id for record in records)
    in_force = {stay.entry.id for stay in matching.stays} | {
        stay.exit.id for stay in matching.stays if stay.exit
    }
    in_force |= {id for case in matching.cases for id in case.crossings}
    assert in_force.isdisjoint(set(matching.superseded) | set(matching.voided))
    shuffled = records[:]
    random.shuffle(shuffled)
    assert match(shuffled, today=today, zone=zone) == matching
    assert_well_formed(matching.stays)


def assert_well_formed(stays: tuple[Stay, ...]) -> None:
    """Assert at most one stay is open, the last; days and overstays add up."""
    assert not any(stay.open for stay in stays[:-1])
    for stay in stays:
        assert stay.overstay_days >= 0
        assert stay.days is None or stay.days >= 1
        assert stay.permitted_until is not None or stay.overstay_days == 0
        if stay.exit:
            assert stay.left_on >= stay.entered_on
            assert stay.days == (stay.left_on - stay.entered_on).days + 1
