"""`stays.refresh_many`: where travellers are, worked out for a whole synchronised batch at once,
must be exactly what the counter's one-by-one `stays.refresh` stores."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from uuid6 import uuid7

from bmis.crossings import identity, stays
from bmis.crossings.models import Crossing, Person, PersonMerge, StayCase
from bmis.crossings.traffic import generate
from bmis.reference.services import reference_load

END = datetime(2025, 9, 30, 16, 45, tzinfo=ZoneInfo("America/Port-au-Prince"))


@pytest.fixture
def traffic(db):
    reference_load()
    generate(crossings=1500, seed=11, end=END)
    # Data-quality cases: travellers in the country recorded entering a second time.
    entries = Crossing.objects.filter(person__present=True, direction="entry", decision="admitted")
    for entry in entries.order_by("pk")[:10]:
        entry.pk, entry.submission = uuid7(), uuid.uuid4()
        entry.at += timedelta(days=1)
        entry._state.adding = True
        entry.save(force_insert=True)
        crossings = list(entry.person.crossings.all())
        stays.refresh(entry.person, crossings, stays.matching(crossings))


def state() -> tuple[list, list]:
    persons = sorted(Person.objects.values_list("pk", *stays.DERIVED))
    cases = sorted(StayCase.objects.values_list("person_id", "code", "crossing_ids", "reviewed_at"))
    return persons, cases


def test_it_stores_what_the_counter_stores_for_every_traveller(
    traffic, django_assert_max_num_queries
):
    reviewed = StayCase.objects.order_by("pk").first()
    reviewed.reviewed_at = timezone.now()
    reviewed.save(update_fields=["reviewed_at"])
    expected = state()
    assert sum(present for _, present, *_ in expected[0]) > 50 and len(expected[1]) > 5
    # Every traveller's state lost or wrong, every case but the reviewed one gone, a stale one.
    Person.objects.update(present=True, present_since=None, permitted_until=None, stay_rule="X",
                          entry_post=None, last_crossing=None)  # fmt: skip
    StayCase.objects.exclude(pk=reviewed.pk).delete()
    other = StayCase.objects.get(pk=reviewed.pk)
    StayCase.objects.create(person=other.person, post_id=other.post_id, code="clock_ahead",
                            crossing_id=other.crossing_id, crossing_ids="nothing")  # fmt: skip
    keys = list(Person.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(10):  # whatever the number of travellers
        stays.refresh_many(keys)
    assert state() == expected  # the review kept: the same fault still stands


def test_a_traveller_merged_into_another_is_nowhere_and_the_other_holds_both(traffic):
    present = Person.objects.filter(present=True, cases__isnull=True)
    away = Person.objects.filter(present=False, last_crossing__isnull=False, cases__isnull=True)
    kept, merged = away.order_by("pk").first(), present.order_by("pk").first()
    PersonMerge.objects.create(person=merged, into=kept, reason="HTI P0000001")
    stays.refresh_many([kept.pk, merged.pk])
    many = state()
    crossings = list(identity.crossings_of(kept))
    stays.refresh(kept, crossings, stays.matching(crossings))
    stays.refresh(merged, [], stays.matching([]))
    assert state() == many
    merged.refresh_from_db()
    kept.refresh_from_db()
    assert (merged.present, merged.last_crossing_id) == (False, None)
    assert kept.present  # the merged traveller's open stay is now theirs


def test_crossings_added_in_memory_derive_what_the_stored_ones_derive(traffic):
    """Headquarters reads a pushed batch's travellers' past before storing the batch, and adds
    the batch's crossings in memory (`Histories.derive`'s `adding`): the same state."""
    newest = list(Crossing.objects.order_by("-created_at")[:300])
    keys = {crossing.person_id for crossing in newest}
    histories = stays.Histories(keys)
    stored = histories.read()
    batch = {crossing.pk for crossing in newest}
    before = [row for row in stored if row[0] not in batch]
    assert len(before) < len(stored) and len(keys) > 100
    expected = histories.derive(stored)
    assert histories.derive(before, adding=newest) == expected
    # A crossing both read and added (a batch sent again) counts once.
    assert histories.derive(stored, adding=newest) == expected
    assert any(present for (present, *_), _cases in expected.values())
