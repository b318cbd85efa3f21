"""Headquarters' merges of travellers holding the same document, and how nodes read them."""

from datetime import date

import pytest

from bmis.crossings import identity
from bmis.crossings.models import Person, PersonMerge, TravelDocument
from bmis.crossings.services.identity import persons_merge_duplicates

pytestmark = pytest.mark.django_db


def holder(number="L898902C3", birth=date(1974, 8, 12), origin="PAP"):
    person = Person.objects.create(
        origin=origin, surname="ERIKSSON", given_names="ANNA", name_key="eriksson anna",
        birth_date=birth, nationality="UTO",
    )  # fmt: skip
    document = TravelDocument.objects.create(
        origin=origin, person=person, kind="passport", issuing_state="UTO", number=number
    )
    return person, document


def test_two_travellers_with_one_document_become_the_first_recorded():
    first, _ = holder(origin="OUA")
    second, document = holder(origin="MAL")
    holder(number="X1234567")  # another document: left alone
    touched = persons_merge_duplicates(document_ids=[document.pk])
    assert {p.pk for p in touched} == {first.pk, second.pk}
    merge = PersonMerge.objects.get()
    assert (merge.person_id, merge.into_id, merge.reason) == (second.pk, first.pk, "UTO L898902C3")
    assert identity.canonical(second) == first
    assert sorted(identity.members(first)) == sorted([first.pk, second.pk])
    assert first in Person.objects.unmerged()
    assert second not in Person.objects.unmerged()
    # Seen again, the same document makes no second merge.
    assert persons_merge_duplicates(document_ids=[document.pk]) == []
    assert PersonMerge.objects.count() == 1


def test_a_third_holder_joins_the_first():
    first, _ = holder()
    holder()
    third, document = holder()
    persons_merge_duplicates(document_ids=[document.pk])
    assert set(PersonMerge.objects.values_list("into_id", flat=True)) == {first.pk}
    assert identity.canonical(third) == first


def test_a_different_date_of_birth_is_left_for_a_person_to_judge():
    holder()
    _, document = holder(birth=date(1975, 8, 12))
    assert persons_merge_duplicates(document_ids=[document.pk]) == []
    assert not PersonMerge.objects.exists()
