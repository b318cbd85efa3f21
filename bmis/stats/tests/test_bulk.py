"""Counting every crossing at once (`bulk`, on PostgreSQL) gives the cells that counting the
change log a batch at a time gives, cell for cell; and counting goes on from where it left."""

import random

import pytest
from django.db import connection

from bmis.crossings.traffic import generate
from bmis.reference.services import reference_load
from bmis.stats import aggregate, bulk
from bmis.stats.models import Cursor, DayFlow, MonthFlow
from bmis.stats.tests.test_consistency import (
    END,
    _supervisors,
    check,
    correct_some,
    some_filters,
)
from bmis.sync.tests.conftest import settled

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed: the change log is read below them
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk counting is PostgreSQL's"),
]


def cells() -> tuple[set, set]:
    fields = ("shape", "post", "direction", "decision", "nationality", "sex", "age", "purpose",
              "mode", "carrier", "refusal", "overstay", "crossings")  # fmt: skip
    return (
        set(DayFlow.objects.values_list("day", *fields)),
        set(MonthFlow.objects.values_list("month", *fields)),
    )


def test_counting_everything_at_once_gives_the_cells_of_counting_a_batch_at_a_time(settings):
    settings.BMIS_ROLE = "hq"
    _supervisors.clear()
    rng = random.Random(2027)
    reference_load()
    generate(crossings=400, seed=21, end=END)
    correct_some(rng, 20)  # corrections and withdrawals
    settled()
    aggregate.refresh(limit=37)
    correct_some(rng, 8)  # corrections of corrections among them
    settled()
    aggregate.refresh(limit=11)
    by_batches = cells()
    assert len(by_batches[0]) > 1000

    assert aggregate.far_behind() is False
    counted = aggregate.rebuild()  # on PostgreSQL: `bulk.count_all`, then the rest
    assert counted == Cursor.objects.get().counted > 400
    assert cells() == by_batches
    assert aggregate.waiting() == 0

    # What comes after is counted once, from where the bulk count left the cursor.
    generate(crossings=60, seed=22, end=END)
    correct_some(rng, 6)
    settled()
    assert aggregate.waiting() > 0
    aggregate.refresh(limit=13)
    for filters in some_filters(rng):
        check(filters)


def test_counting_nothing_at_once_leaves_empty_cubes_and_a_cursor():
    assert bulk.count_all() == 0
    assert not DayFlow.objects.exists() and not MonthFlow.objects.exists()
    assert not aggregate.far_behind()


def test_the_first_run_of_the_command_counts_everything_at_once_and_vacuums():
    from django.core.management import call_command

    reference_load()
    generate(crossings=80, seed=23, end=END)
    settled()
    assert aggregate.far_behind()
    call_command("stats_refresh", verbosity=0)  # never counted: at once, then VACUUM ANALYZE
    assert not aggregate.far_behind() and aggregate.waiting() == 0
    counted = cells()
    aggregate.rebuild()
    assert cells() == counted


def test_a_backlog_larger_than_a_twentieth_of_what_was_counted_is_far_behind(monkeypatch):
    reference_load()
    generate(crossings=100, seed=24, end=END)
    settled()
    aggregate.refresh()
    monkeypatch.setattr(aggregate, "BULK_BACKLOG", 3)
    generate(crossings=4, seed=25, end=END)  # 4 waiting of 104 crossings: under a twentieth
    settled()
    assert aggregate.waiting() == 4 and not aggregate.far_behind()
    generate(crossings=8, seed=26, end=END)
    settled()
    assert aggregate.waiting() == 12 and aggregate.far_behind()
