"""The post's agent: what a push batch holds, how acknowledgements and pull answers are taken."""

import base64
import uuid

import pytest
from django.utils import timezone

from bmis.core import audit
from bmis.crossings import services as crossing_services
from bmis.crossings.models import Person
from bmis.crossings.reading import from_mrz
from bmis.crossings.tests import conftest as at_the_counter
from bmis.reference.models import TravelPurpose
from bmis.sync import agent, attachments, client, records
from bmis.sync.attachments import digest
from bmis.sync.models import Change, NodeState
from bmis.watchlist.models import WatchList

# The counter's fixtures: reference data, a counter and an officer's shift at PAP.
reference, counter, shift = at_the_counter.reference, at_the_counter.counter, at_the_counter.shift


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


# Photos: their records travel in the batch, their content beside it


def cross(shift, number="L898902C3", photo=None):
    return crossing_services.crossing_record(
        officer=shift.officer, shift=shift, submission=uuid.uuid4(),
        reading=from_mrz(at_the_counter.passport(number=number), today=timezone.localdate()),
        details=crossing_services.Details(mode="air",
                                          purpose=TravelPurpose.objects.get(code="tourism")),
        decision="admitted", photo=photo,
    )  # fmt: skip


def test_a_batch_carries_a_photos_record_not_its_content_and_weighs_it(
    enrolled, shift, monkeypatch
):
    monkeypatch.setattr(attachments, "BATCH_BYTES", 1000)
    photos = [
        cross(shift, number=number, photo=bytes([byte]) * 800)
        for number, byte in (("L898902C3", 1), ("L01X00T47", 2))
    ]
    first = agent.push_batch()
    carried = [r for r in first["records"] if r["model"] == "crossings.Photo"]
    assert [r["id"] for r in carried] == [str(photos[0].photo.pk)]
    assert "data" not in carried[0]["fields"]
    assert carried[0]["fields"]["sha256"] == digest(bytes([1]) * 800)
    # The second photo would make the batch weigh more than it may: it opens the next one.
    second = agent.push_batch(after=first["to_seq"])
    assert [r["id"] for r in second["records"] if r["model"] == "crossings.Photo"] == [
        str(photos[1].photo.pk)
    ]


def test_a_batch_headquarters_lacks_an_attachment_of_is_sent_again_after_it(
    enrolled, shift, monkeypatch
):
    photo = cross(shift, photo=b"\xff\xd8\xff" * 10).photo
    calls, refusals = [], [client.HQRefused("attachments", "missing", {"missing": [photo.sha256]})]

    def headquarters(path, payload):
        calls.append(path)
        if path == attachments.LACKING:
            return {"lacking": {photo.sha256: 0}}
        if path == attachments.SEND:
            assert base64.b64decode(payload["data"]) == b"\xff\xd8\xff" * 10
            return {"sha256": photo.sha256, "received": 30, "complete": True}
        if refusals:  # dropped from headquarters' store since it was sent (`attachments.purge`)
            raise refusals.pop()
        return {"acked": payload["to_seq"], "stored": len(payload["records"]), "refused": []}

    monkeypatch.setattr(agent, "_call", headquarters)
    assert agent.push_once().more
    assert calls == [attachments.LACKING, attachments.SEND, "/sync/push"] * 2
    assert NodeState.objects.get().pushed_seq > 0


def test_a_batch_without_attachments_asks_nothing_about_them(enrolled, monkeypatch):
    a_person()
    calls = []
    monkeypatch.setattr(agent, "_call", lambda path, payload: calls.append(path) or {"acked": 0})
    agent.push_once()
    assert calls == ["/sync/push"]


def test_a_rebuild_waits_for_what_headquarters_holds_back_then_gives_up_for_now(
    enrolled, monkeypatch
):
    NodeState.objects.update(restoring=True)
    answers = iter([agent.Outcome(pulled=3, held=True), agent.Outcome(held=True), agent.Outcome()])
    monkeypatch.setattr(agent, "pull_once", lambda restoring: next(answers))
    naps = []
    monkeypatch.setattr(agent.time, "sleep", naps.append)
    assert not agent.restore().restoring
    assert naps == [1, 1]
    # Held back for longer than the rebuild waits: it stays a rebuild, finished at the next sync.
    NodeState.objects.update(restoring=True)
    monkeypatch.setattr(agent, "pull_once", lambda restoring: agent.Outcome(held=True))
    monkeypatch.setattr(agent, "RESTORE_WAIT", -1)
    with pytest.raises(client.LinkDown, match="rebuild goes on at the next sync"):
        agent.restore()
    assert NodeState.objects.get().restoring


def test_a_batch_tells_headquarters_of_the_posts_last_local_copies(enrolled, settings, tmp_path):
    from bmis.core import backup

    settings.VAR_DIR = tmp_path
    a_person()
    assert agent.push_batch()["backup"] == {"success": None, "failure": None}
    backup._record(last_success={"at": "2026-11-28T06:00:00-05:00", "file": "x", "bytes": 1},
                   last_failure={"at": "2026-11-28T12:00:00-05:00", "code": "missing"})  # fmt: skip
    assert agent.push_batch()["backup"] == {
        "success": "2026-11-28T06:00:00-05:00",
        "failure": "2026-11-28T12:00:00-05:00",
    }


def test_a_sync_pushes_what_was_waiting_then_pulls_though_the_counter_records_on(
    enrolled, monkeypatch
):
    a_person()
    pushes = []

    def headquarters(path, payload):  # takes the batch; meanwhile the counter records another
        assert len(pushes) < 5, "the sync never got to its pull"
        pushes.append(a_person())
        return {"acked": payload["to_seq"], "stored": len(payload["records"]), "refused": []}

    monkeypatch.setattr(agent, "_call", headquarters)
    monkeypatch.setattr(agent, "pull_once", lambda: agent.Outcome(pulled=2))
    done = agent.sync_once()
    assert (len(pushes), done.pushed, done.pulled) == (1, 1, 2)
