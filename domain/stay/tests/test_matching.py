"""An exit closes the traveller's open entry; the length of stay and any overstay follow."""

from dataclasses import replace
from datetime import date
from random import Random

import pytest

from domain.stay import (
    SAME_DAY,
    UNLIMITED,
    StayRule,
    choose,
    local_day,
    match,
    overstays,
    permitted_until,
)
from domain.stay.tests.travel import (
    HAITI_ZONE,
    arrive,
    at,
    cases,
    leave,
    matched,
    recorded,
    summary,
)


def test_an_exit_closes_the_open_entry_made_at_another_post():
    matching = matched(
        arrive("e1", "2025-03-01 10:00", post="PAP", until="2025-05-29", rule="VISITOR"),
        leave("x1", "2025-03-10 16:00", post="OUA"),
    )
    (stay,) = matching.stays
    assert (stay.entry.post, stay.exit.post) == ("PAP", "OUA")
    assert (stay.entered_on, stay.left_on, stay.days) == (date(2025, 3, 1), date(2025, 3, 10), 10)
    assert (stay.permitted_until, stay.overstay_days, stay.open) == (date(2025, 5, 29), 0, False)
    assert matching.cases == ()


@pytest.mark.parametrize(
    "left, overstay_days",
    [("2025-03-30", 0), ("2025-03-31", 0), ("2025-04-01", 1), ("2025-04-02", 2)],
)
def test_an_exit_after_the_permitted_date_is_an_overstay_of_the_days_past_it(left, overstay_days):
    matching = matched(
        arrive("e1", "2025-01-01 08:00", until="2025-03-31", rule="VISITOR"),
        leave("x1", f"{left} 18:00"),
    )
    assert matching.stays[0].overstay_days == overstay_days
    assert matching.stays[0].overstayed == (overstay_days > 0)


def entry_by_rule(id, when, rule, *, post="OUA"):
    """Return an entry permitted as `rule` says, computed as the Django layer will."""
    crossing = arrive(id, when, post=post, rule=rule.code)
    return replace(
        crossing, permitted_until=permitted_until(rule, local_day(crossing.at, HAITI_ZONE))
    )


BORDER_CARD = StayRule("BORDER_CARD", "DOM", "BORDER_CARD", "DOM_BORDER", SAME_DAY)


@pytest.mark.parametrize(
    "left, overstay_days",
    [
        ("2025-05-20 17:59", 0),
        ("2025-05-20 23:59", 0),
        ("2025-05-21 07:00", 1),
        ("2025-05-23 07:00", 3),
    ],
)
def test_a_border_card_holder_must_leave_the_same_day(left, overstay_days):
    rule = choose(
        [BORDER_CARD], nationality="DOM", document_type="BORDER_CARD", residence="DOM_BORDER"
    )
    matching = matched(entry_by_rule("e1", "2025-05-20 07:30", rule), leave("x1", left))
    assert matching.stays[0].entry.rule == "BORDER_CARD"
    assert matching.stays[0].overstay_days == overstay_days


@pytest.mark.parametrize("today", [date(2025, 6, 1), date(2040, 1, 1)])
def test_an_unlimited_stay_never_overstays(today):
    citizen = StayRule("CITIZEN", "HTI", None, None, UNLIMITED)
    matching = matched(
        entry_by_rule("e1", "2020-01-01 10:00", citizen),
        leave("x1", "2024-12-31 10:00"),
        entry_by_rule("e2", "2025-01-05 10:00", citizen),
        today=today,
    )
    assert [stay.permitted_until for stay in matching.stays] == [None, None]
    assert overstays(matching.stays) == ()


@pytest.mark.parametrize(
    "today, days, overstay_days",
    [
        (date(2025, 1, 1), 1, 0),
        (date(2025, 3, 31), 90, 0),  # the last permitted day
        (date(2025, 4, 1), 91, 1),
        (date(2025, 6, 1), 152, 62),
    ],
)
def test_an_open_stay_is_counted_and_flagged_as_of_today(today, days, overstay_days):
    matching = matched(arrive("e1", "2025-01-01 09:00", until="2025-03-31"), today=today)
    assert summary(matching) == [("e1", None, days, overstay_days, True)]
    assert matching.open_stay == matching.stays[0]


def test_an_exit_without_entry_is_a_case_not_a_refusal():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-05 09:00"),
        leave("x2", "2025-02-01 09:00"),
    )
    assert summary(matching) == [("e1", "x1", 5, 0, False)]
    assert cases(matching) == [("exit_without_entry", ("x2",))]
    assert matching.open_stay is None


def test_a_second_entry_leaves_the_first_open_ended_and_flagged():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-01-10"),
        arrive("e2", "2025-03-01 09:00", until="2025-05-29"),
        leave("x2", "2025-03-05 09:00"),
    )
    # Nothing says when the traveller left after e1: neither its days nor an overstay are known.
    assert summary(matching) == [("e1", None, None, 0, False), ("e2", "x2", 5, 0, False)]
    assert cases(matching) == [("entry_without_exit", ("e1", "e2"))]


def test_entries_and_exits_alternate_into_stays_at_any_posts():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", post="PAP", until="2025-03-31"),
        leave("x1", "2025-01-03 09:00", post="MAL"),
        arrive("e2", "2025-02-01 09:00", post="BEL", until="2025-02-01"),
        leave("x2", "2025-02-02 09:00", post="BEL"),
        arrive("e3", "2025-05-01 09:00", post="CAP", until="2025-07-29"),
    )
    assert summary(matching) == [
        ("e1", "x1", 3, 0, False),
        ("e2", "x2", 2, 1, False),
        ("e3", None, 32, 0, True),
    ]
    assert [stay.entry.id for stay in overstays(matching.stays)] == ["e2"]


def test_the_order_crossings_are_handed_over_in_does_not_matter():
    crossings = recorded(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-03 09:00"),
        leave("x2", "2025-01-04 09:00"),
        arrive("e2", "2025-02-01 09:00"),
        arrive("e3", "2025-02-02 09:00"),
    )
    expected = match(crossings, today=date(2025, 6, 1), zone=HAITI_ZONE)
    for seed in range(10):
        shuffled = crossings[:]
        Random(seed).shuffle(shuffled)
        assert match(shuffled, today=date(2025, 6, 1), zone=HAITI_ZONE) == expected


@pytest.mark.parametrize(
    "first, second, stays, found",
    [
        ("entry", "exit", [("e", "x", 1, 0, False)], []),
        ("exit", "entry", [("e", None, 1, 0, True)], [("exit_without_entry", ("x",))]),
    ],
)
def test_crossings_at_the_same_moment_go_in_the_order_they_were_recorded(
    first, second, stays, found
):
    moment = at("2025-05-20 07:30")
    crossing = {"entry": arrive("e", moment, until="2025-05-20"), "exit": leave("x", moment)}
    matching = matched(crossing[first], crossing[second], today=date(2025, 5, 20))
    assert (summary(matching), cases(matching)) == (stays, found)


def test_overstays_lists_the_overstayers_of_many_travellers():
    travellers = {
        "left late": [
            arrive("a1", "2025-01-01 09:00", until="2025-01-01"),
            leave("a2", "2025-01-02 09:00"),
        ],
        "left in time": [
            arrive("b1", "2025-01-01 09:00", until="2025-03-31"),
            leave("b2", "2025-01-02 09:00"),
        ],
        "still here": [arrive("c1", "2025-01-01 09:00", until="2025-03-31")],
        "unlimited": [arrive("d1", "2015-01-01 09:00")],
    }
    matchings = {name: matched(*crossings) for name, crossings in travellers.items()}
    listed = {
        name: [(stay.overstay_days, stay.open) for stay in overstays(matching.stays)]
        for name, matching in matchings.items()
    }
    assert listed == {
        "left late": [(1, False)],
        "left in time": [],
        "still here": [(62, True)],
        "unlimited": [],
    }


def test_a_traveller_with_no_crossings_has_no_stays():
    matching = match([], today=date(2025, 6, 1), zone=HAITI_ZONE)
    assert (matching.stays, matching.cases, matching.open_stay) == ((), (), None)
