"""Posts' clocks can be wrong: what time and the order of recording disagree on is a case."""

from dataclasses import replace
from datetime import date

from domain.stay import match
from domain.stay.tests.travel import HAITI_ZONE, arrive, cases, leave, matched, summary


def test_an_exit_dated_before_its_entry_but_recorded_after_it_is_a_clock_order_case():
    # Ouanaminthe's clock runs two hours slow: the exit reads 08:00, the entry at Belladère 10:00.
    matching = matched(
        arrive("e1", "2025-05-20 10:00", post="BEL", until="2025-05-20"),
        leave("x1", "2025-05-20 08:00", post="OUA"),
        today=date(2025, 5, 20),
    )
    # Matching still follows time; the supervisor sees why it looks wrong.
    assert summary(matching) == [("e1", None, 1, 0, True)]
    assert cases(matching) == [
        ("clock_order", ("x1", "e1")),
        ("exit_without_entry", ("x1",)),
    ]


def test_a_clock_reset_to_the_past_makes_one_case_not_one_per_later_crossing():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2000-01-01 00:05"),  # a mobile checkpoint's laptop lost its clock
        arrive("e2", "2025-02-01 09:00", until="2025-05-01"),
        leave("x2", "2025-02-10 09:00"),
    )
    # Cases go in the time order of their first crossing, then by code.
    assert cases(matching) == [
        ("clock_order", ("x1", "e1")),
        ("exit_without_entry", ("x1",)),
        ("entry_without_exit", ("e1", "e2")),
    ]


def test_a_crossing_dated_after_today_is_a_clock_ahead_case():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-05 09:00"),
        arrive("e2", "2026-01-01 09:00", until="2026-03-31"),  # the post's clock is a year ahead
        today=date(2025, 6, 1),
    )
    assert cases(matching) == [("clock_ahead", ("e2",))]
    # The stay has begun, by the records: it counts 1 day, not a negative number.
    assert summary(matching)[-1] == ("e2", None, 1, 0, True)


def test_time_order_agreeing_with_the_order_of_recording_makes_no_clock_case():
    matching = matched(
        arrive("e1", "2025-01-01 09:00", until="2025-03-31"),
        leave("x1", "2025-01-05 09:00"),
        arrive("e2", "2025-02-01 09:00", until="2025-05-01"),
    )
    assert matching.cases == ()


def test_crossings_recorded_with_the_same_sequence_number_make_no_clock_case():
    crossings = [
        replace(arrive("e1", "2025-01-01 09:00"), seq=7),
        replace(leave("x1", "2025-01-05 09:00"), seq=7),
    ]
    matching = match(crossings, today=date(2025, 6, 1), zone=HAITI_ZONE)
    assert (len(matching.stays), matching.cases) == (1, ())
