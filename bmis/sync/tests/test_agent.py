"""The post's agent: what a push batch holds, how acknowledgements and pull answers are taken."""

import uuid

import pytest
from django.utils import timezone

from bmis.core import audit
from bmis.crossings.models import Person
from bmis.sync import agent, client, records
from bmis.sync.models import Change, NodeState
from bmis.watchlist.models import WatchList


@pytest.fixture
def enrolled(db):
    return NodeState.objects.create(
        hq_url="https://hq.example", hq_public_key="", epoch=3, enrolled_at=timezone.now(),
        restoring=False, pushed_seq=Change.objects.count() and Change.objects.latest("seq").seq,
    )  # fmt: skip


def a_person(origin="PAP"):
    return Person.objects.create(
        origin=origin, surname="ERIKSSON", given_names="ANNA", name_key="x", nationality="UTO"
    )


def test_a_batch_holds_the_posts_own_records_after_the_mark(enrolled):
    ours = a_person()
    a_person(origin="OUA")  # another post's, as a pull brought it
    event = audit.record(actor=None, action="test.done")
    batch = agent.push_batch()
    assert batch["epoch"] == 3
    assert batch["from_seq"] == enrolled.pushed_seq + 1
    assert batch["to_seq"] == Change.objects.latest("seq").seq  # the range covers all changes
    assert [(r["model"], r["id"]) for r in batch["records"]] == [
        ("crossings.Person", str(ours.pk)),
        ("core.AuditEvent", str(event.pk)),
    ]


def test_a_record_changed_twice_travels_once_in_its_last_state(enrolled):
    person = a_person()
    Person.objects.filter(pk=person.pk).update(surname="ERIKSON")
    batch = agent.push_batch()
    assert [r["fields"]["surname"] for r in batch["records"]] == ["ERIKSON"]


def test_nothing_waiting_makes_no_batch(enrolled):
    assert agent.push_batch() is None


def test_an_acknowledgement_only_moves_the_mark_forward(enrolled):
    a_person()
    last = agent.push_batch()["to_seq"]
    assert agent.push_answered({"acked": last, "stored": 1}).more
    assert not agent.push_answered({"acked": last - 1, "stored": 0}).more  # a late answer
    assert NodeState.objects.get().pushed_seq == last
    assert agent.push_batch() is None


def test_after_a_gap_the_node_sends_again_from_headquarters_mark(enrolled, monkeypatch):
    a_person()
    NodeState.objects.update(pushed_seq=Change.objects.latest("seq").seq)
    a_person()  # headquarters, restored from an older backup, lost the first one

    def refuse(*args, **kwargs):
        raise client.HQRefused("gap", "missing", {"acked": 0})

    monkeypatch.setattr(agent, "_call", refuse)
    assert agent.push_once().more
    assert NodeState.objects.get().pushed_seq == 0


def test_a_pull_answer_is_applied_once_and_rescreens_after_new_lists(enrolled, monkeypatch):
    screened = []
    monkeypatch.setattr("bmis.watchlist.rescreen.rescreen", lambda **kw: screened.append(kw))
    wanted = WatchList(
        id=uuid.uuid4(), origin="HQ", code="WANTED", name="Wanted", kind="persons", owner="PNH",
        action="arrest", version=4,
    )  # fmt: skip
    answer = {"records": [records.dump(wanted)], "cursor": {"txid": 9, "seq": 41}, "more": False}
    request = agent.pull_request()
    assert agent.pull_apply(answer, request=request).pulled == 1
    assert WatchList.objects.get(code="WANTED").version == 4
    assert screened == [{"actor": None}]
    state = NodeState.objects.get()
    assert (state.pull_txid, state.pull_seq) == (9, 41)
    # What the pull wrote came from headquarters: it is never pushed back (only the post's
    # own audit event of the pull is).
    pushed = agent.push_batch()["records"]
    assert [(r["model"], r["fields"]["action"]) for r in pushed] == [
        ("core.AuditEvent", "sync.pull")
    ]
    # The same answer again (a stick imported twice) changes nothing.
    assert agent.pull_apply(answer, request=request).pulled == 0


def test_a_pull_refuses_records_a_post_does_not_take(enrolled, monkeypatch):
    monkeypatch.setattr("bmis.watchlist.rescreen.rescreen", lambda **kw: None)
    event = {"model": "core.AuditEvent", "id": str(uuid.uuid4()), "fields": {}}
    answer = {"records": [event], "cursor": {"txid": 0, "seq": 5}, "more": False}
    done = agent.pull_apply(answer, request=agent.pull_request())
    assert done.pulled == 0
    assert done.refused == [{"id": event["id"], "reason": "model"}]
