"""A large pushed batch: headquarters derives its travellers' state while the database stores it
(on PostgreSQL, `push._histories_ahead`), and stores new travellers with their state. Whatever
the path, where each traveller is must be what their crossings say."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from bmis.crossings import stays
from bmis.crossings.models import Crossing, Person, StayCase, TravelDocument
from bmis.crossings.traffic import generate
from bmis.reference.services import reference_load
from bmis.sync import records, signing
from bmis.sync.models import Change, NodeLink
from bmis.sync.services import push
from bmis.sync.tests.conftest import Node
from bmis.sync.tests.test_exchange import batch

END = datetime(2025, 9, 30, 16, 45, tzinfo=ZoneInfo("America/Port-au-Prince"))
pytestmark = pytest.mark.django_db


def state(keys) -> tuple[list, list]:
    persons = sorted(Person.objects.filter(pk__in=keys).values_list("pk", *stays.DERIVED))
    cases = sorted(
        StayCase.objects.filter(person_id__in=keys).values_list("person_id", "code", "crossing_ids")
    )
    return persons, cases


@pytest.fixture
def lost(hq, client, node_key):
    """The busiest post's newest crossings as headquarters lost them (a post's batch not yet
    received): its travellers first seen there with that crossing only, whole, and the newest
    crossing of some who crossed before; return the post's node, its records and their state."""
    reference_load()
    generate(crossings=1200, seed=7, end=END)
    code = Crossing.objects.values("post__code").annotate(n=Count("pk")).order_by("-n")[0]
    post = Person.objects.model._meta.get_field("entry_post").related_model.objects.get(
        code=code["post__code"]
    )
    NodeLink.objects.create(post=post, public_key=signing.public_pem(node_key), epoch=1)
    ours = Crossing.objects.filter(origin=post.code)
    once = Person.objects.filter(origin=post.code).annotate(n=Count("crossings")).filter(n=1)
    new = list(once.values_list("pk", flat=True)[:30])
    again = Person.objects.annotate(n=Count("crossings")).filter(n__gt=1)
    returning = {
        person: ours.filter(person_id=person).order_by("-created_at").first()
        for person in again.values_list("pk", flat=True)
    }
    returning = {person: c for person, c in returning.items() if c is not None}
    crossings = [*ours.filter(person_id__in=new), *list(returning.values())[:60]]
    persons = list(Person.objects.filter(pk__in=new))
    documents = list(TravelDocument.objects.filter(person_id__in=new))
    keys = list({*new, *(c.person_id for c in crossings)})
    assert len(new) > 10 and len(keys) > push.AHEAD_FROM
    expected = state(keys)
    sent = [records.dump(o) for o in [*persons, *documents, *crossings]]
    # Headquarters never had them: their rows, and what was derived of them, gone.
    StayCase.objects.filter(person_id__in=keys)._raw_delete(StayCase.objects.db)
    Person.objects.filter(pk__in=keys).update(last_crossing=None, present=False,
                                              present_since=None, permitted_until=None,
                                              entry_post=None, stay_rule="")  # fmt: skip
    Crossing.objects.filter(pk__in=[c.pk for c in crossings])._raw_delete(Crossing.objects.db)
    TravelDocument.objects.filter(pk__in=[d.pk for d in documents])._raw_delete("default")
    Person.objects.filter(pk__in=new)._raw_delete(Person.objects.db)
    return Node(client, node_key, code=post.code), sent, keys, expected


def test_a_large_batch_puts_each_traveller_where_their_crossings_say(lost, monkeypatch):
    node, sent, keys, expected = lost
    derived = []
    derive = stays.Histories.derive
    monkeypatch.setattr(
        stays.Histories, "derive", lambda self, rows, adding=(): derived.append(len(adding))
        or derive(self, rows, adding)
    )  # fmt: skip
    answer = node.post("/sync/push", batch(sent))
    assert answer.status_code == 200, answer.content
    assert answer.json()["refused"] == []
    assert state(keys) == expected
    if push.connection.vendor == "postgresql":  # derived ahead, with the batch's crossings
        assert derived and derived[0] == len(keys)
    # Derived again from the database alone, nothing changes.
    stays.refresh_many(keys)
    assert state(keys) == expected


def test_a_large_batch_logs_each_traveller_before_their_documents_and_crossings(lost):
    """Other posts pull the change log a page at a time, and a page may end inside this batch's
    transaction: a row must be logged after the rows it refers to."""
    node, sent, _keys, _expected = lost
    assert node.post("/sync/push", batch(sent)).json()["refused"] == []
    logged = {  # by key: SQLite holds a key as 32 hexadecimal digits
        uuid.UUID(row_id): seq
        for row_id, seq in Change.objects.filter(
            table__in=["crossings_person", "crossings_traveldocument", "crossings_crossing"]
        ).values_list("row_id", "seq")
    }
    new = {uuid.UUID(record["id"]) for record in sent if record["model"] == "crossings.Person"}
    assert new
    for record in sent:
        holder = record["fields"].get("person_id")
        if holder and uuid.UUID(holder) in new:
            assert logged[uuid.UUID(holder)] < logged[uuid.UUID(record["id"])], record["model"]


def test_a_large_batch_with_a_merged_traveller_is_derived_from_the_database(lost, monkeypatch):
    """A traveller of the batch merged at headquarters: what was read ahead does not gather the
    merged ones' crossings, so the state is derived again once the batch is stored."""
    from bmis.crossings.models import PersonMerge

    node, sent, keys, _expected = lost
    held = Person.objects.filter(pk__in=keys).order_by("pk")[:2]
    PersonMerge.objects.create(origin="HQ", person=held[0], into=held[1], reason="test")
    ahead = []
    derive = stays.HistoriesAhead.derive
    monkeypatch.setattr(
        stays.HistoriesAhead, "derive", lambda self, adding=(): ahead.append(derive(self, adding))
        or ahead[-1]
    )  # fmt: skip
    assert node.post("/sync/push", batch(sent)).json()["refused"] == []
    if push.connection.vendor == "postgresql":
        assert ahead == [None]
    after = state(keys)
    stays.refresh_many(keys)
    assert state(keys) == after
    assert Person.objects.get(pk=held[0].pk).present is False  # merged away: nowhere
