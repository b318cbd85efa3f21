"""`field__any`: the `in` lookup with its values as one array on PostgreSQL, the same rows."""

import uuid

import pytest

from bmis.crossings.models import Person, PersonMerge

pytestmark = pytest.mark.django_db


def people(count):
    return Person.objects.bulk_create(
        Person(id=uuid.uuid4(), origin="PAP", surname=f"S{n}", given_names="A", name_key=f"s{n}",
               nationality="UTO", sex="F")
        for n in range(count)
    )  # fmt: skip


def test_any_finds_what_in_finds_whatever_the_values():
    made = people(4)
    wanted = [made[0].pk, str(made[1].pk), made[1].pk, None, uuid.uuid4()]
    found = set(Person.objects.filter(pk__any=wanted).values_list("pk", flat=True))
    assert found == set(Person.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == {made[0].pk, made[1].pk}
    assert not Person.objects.filter(pk__any=[]).exists()
    assert not Person.objects.filter(pk__any=[None]).exists()
    assert Person.objects.exclude(pk__any={made[2].pk}).count() == 3


def test_any_on_a_relation_takes_keys_and_rows():
    made = people(3)
    merge = PersonMerge.objects.create(origin="HQ", person=made[0], into=made[1], reason="test")
    assert list(PersonMerge.objects.filter(person_id__any=[made[0].pk, made[2].pk])) == [merge]
    assert list(PersonMerge.objects.filter(into__any=[made[1]])) == [merge]
    assert not PersonMerge.objects.filter(into_id__any=[made[2].pk]).exists()


def test_a_value_of_the_wrong_kind_is_refused_as_in_refuses_it():
    with pytest.raises(Exception) as any_error:
        list(Person.objects.filter(pk__any=["not a key"]))
    with pytest.raises(Exception) as in_error:
        list(Person.objects.filter(pk__in=["not a key"]))
    assert type(any_error.value) is type(in_error.value)


def test_keys_that_are_uuids_already_find_the_same_rows():
    made = people(3)
    merge = PersonMerge.objects.create(origin="HQ", person=made[0], into=made[1], reason="test")
    keys = {made[0].pk, made[2].pk, uuid.uuid4()}
    assert set(Person.objects.filter(pk__any=keys)) == {made[0], made[2]}
    assert list(PersonMerge.objects.filter(person_id__any=list(keys))) == [merge]
    assert list(PersonMerge.objects.filter(into_id__any=(made[1].pk,))) == [merge]
    assert Person.objects.exclude(pk__any=keys).get() == made[1]
