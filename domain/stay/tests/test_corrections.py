"""Crossings are append-only: the latest correction of a crossing stands in for it."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from domain.stay import CrossingError, match
from domain.stay.tests.travel import HAITI_ZONE, arrive, cases, leave, matched, summary


def test_a_correction_stands_in_for_the_original_entry():
    # The officer typed 2025-01-01 for the permitted date; a supervisor corrects it to 90 days.
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-01-01", rule="BORDER_CARD"),
        leave("x1", "2025-01-05 09:00"),
        arrive("e1b", "2025-01-01 09:00", until="2025-03-31", rule="VISITOR", corrects="e1"),
    )
    assert summary(matching) == [("e1b", "x1", 5, 0, False)]
    assert (matching.stays[0].entry.rule, matching.superseded) == ("VISITOR", ("e1",))
    assert matching.cases == ()


@pytest.mark.parametrize("second_corrects", ["e1", "e1b"])
def test_the_latest_correction_wins_whichever_version_it_corrects(second_corrects):
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-01-01"),
        arrive("e1b", "2025-01-01 09:00", until="2025-01-31", corrects="e1"),
        arrive("e1c", "2025-01-01 09:00", until="2025-03-31", corrects=second_corrects),
        leave("x1", "2025-02-15 09:00"),
    )
    assert summary(matching) == [("e1c", "x1", 46, 0, False)]
    assert matching.superseded == ("e1", "e1b")


def test_a_correction_of_the_time_moves_the_crossing():
    # The exit was typed two months early, before the entry: an exit without entry.
    matching = matched(
        arrive("e1", "2025-02-01 09:00", until="2025-05-01"),
        leave("x1", "2025-01-05 09:00"),
        leave("x1b", "2025-03-05 09:00", corrects="x1"),
    )
    assert summary(matching) == [("e1", "x1b", 33, 0, False)]
    assert matching.cases == ()


def test_a_correction_can_turn_an_exit_into_an_entry():
    matching = matched(
        leave("c1", "2025-01-01 09:00"),
        leave("x1", "2025-01-09 09:00"),
        arrive("c1b", "2025-01-01 09:00", until="2025-03-31", corrects="c1"),
    )
    assert (summary(matching), cases(matching)) == ([("c1b", "x1", 9, 0, False)], [])


def test_a_voided_crossing_is_left_out_with_every_version_of_it():
    # The exit was recorded against the wrong traveller: this one is still in the country.
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-05 09:00"),
        leave("x1b", "2025-01-06 09:00", corrects="x1"),
        leave("x1c", "2025-01-06 09:00", corrects="x1b", void=True),
        today=date(2025, 2, 1),
    )
    assert summary(matching) == [("e1", None, 32, 0, True)]
    assert (matching.voided, matching.superseded) == (("x1", "x1b", "x1c"), ())


def test_a_later_correction_restores_a_voided_crossing():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-05 09:00"),
        leave("x1b", "2025-01-05 09:00", corrects="x1", void=True),
        leave("x1c", "2025-01-05 09:00", corrects="x1"),
    )
    assert summary(matching) == [("e1", "x1c", 5, 0, False)]
    assert (matching.voided, matching.superseded) == ((), ("x1", "x1b"))


def test_a_correction_whose_original_was_not_given_stands_on_its_own():
    # The original was recorded against another traveller; the correction moved it here.
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x9b", "2025-01-05 09:00", corrects="x9"),
    )
    assert summary(matching) == [("e1", "x9b", 5, 0, False)]


def test_a_correction_recorded_long_after_keeps_its_originals_place_in_the_records():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-05 09:00"),
        arrive("e2", "2025-02-01 09:00", until="2025-05-01"),
        arrive("e1b", "2025-01-01 10:00", until="2025-03-31", corrects="e1"),
    )
    # Dated before x1 and e2, yet recorded after them: not a clock fault, a correction.
    assert cases(matching) == []


@pytest.mark.parametrize(
    "crossings, code, field, crossing",
    [
        (
            [replace(arrive("e1", "2025-01-01 09:00"), at=datetime(2025, 1, 1, 9))],
            "naive_time",
            "at",
            "e1",
        ),
        (
            [replace(arrive("e1", "2025-01-01 09:00"), direction="transit")],
            "direction",
            "direction",
            "e1",
        ),
        (
            [arrive("e1", "2025-01-01 09:00"), leave("e1", "2025-01-02 09:00")],
            "duplicate_id",
            "id",
            "e1",
        ),
        ([arrive("e1", "2025-01-01 09:00", corrects="e1")], "correction_cycle", "corrects", "e1"),
        (
            [
                arrive("a", "2025-01-01 09:00", corrects="b"),
                arrive("b", "2025-01-01 09:00", corrects="a"),
            ],
            "correction_cycle",
            "corrects",
            "a",
        ),
    ],
    ids=["naive-time", "direction", "duplicate-id", "self-correction", "cycle"],
)
def test_only_a_broken_contract_raises(crossings, code, field, crossing):
    with pytest.raises(CrossingError) as caught:
        match(crossings, today=date(2025, 6, 1), zone=HAITI_ZONE)
    assert (caught.value.code, caught.value.field, caught.value.crossing) == (code, field, crossing)
