"""A sync reads the next push batch while the one before it is on the wire (`agent.push_all`).

Headquarters here is the test's own (`Headquarters`, by `services.push_receive`'s rules): one
database cannot be the post's and headquarters' at once while a thread of the post reads it.
The writes are committed: the thread reads with a connection of its own.
"""

import threading

import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bmis.crossings.tests import conftest as at_the_counter
from bmis.sync import agent, attachments, client
from bmis.sync.agent import push_batch as read_batch
from bmis.sync.models import Change, NodeState
from bmis.sync.tests.test_agent import a_person, cross

pytestmark = pytest.mark.django_db(transaction=True)

# The counter's fixtures: reference data, a counter and an officer's shift at PAP.
reference, counter, shift = at_the_counter.reference, at_the_counter.counter, at_the_counter.shift


class Headquarters:
    """Headquarters as the agent meets it (`agent._call`): it stores a batch's records once,
    acknowledges up to the batch's last change, and refuses a batch after a gap. `faults` maps
    a push's number (from 1) to what goes wrong with it."""

    def __init__(self, faults=None):
        self.start = self.acked = NodeState.objects.get().pushed_seq  # enrolled there
        self.stored, self.pushes, self.carried, self.calls = [], [], [], []
        self.sizes = []
        self.faults, self.gaps = dict(faults or {}), 0

    def __call__(self, path, payload):
        if path == "/sync/pull":
            return {"records": [], "cursor": {"txid": 0, "seq": 0}, "more": False}
        if path == attachments.LACKING:
            self.calls.append(path)
            return {"lacking": {name: 0 for name in payload["sha256"]}}
        if path == attachments.SEND:
            self.calls.append(path)
            return {"sha256": payload["sha256"], "received": payload["size"], "complete": True}
        assert path == "/sync/push"
        self.calls.append(path)
        self.pushes.append((payload["from_seq"], payload["to_seq"]))
        self.sizes.append(len(payload["records"]))
        fault = self.faults.pop(len(self.pushes), None)
        if fault == "cut":
            raise client.LinkDown("the link is cut")
        if fault == "refused":
            raise client.HQRefused("epoch", "This node was enrolled again.")
        if fault == "dropped":  # an attachment, from headquarters' store since it was sent
            raise client.HQRefused("attachments", "Send them again.", {"missing": []})
        if fault == "restored":  # from a backup older than everything acknowledged
            self.acked, self.stored = self.start, []
        if payload["from_seq"] > self.acked + 1:
            self.gaps += 1
            raise client.HQRefused("gap", "Changes are missing.", {"acked": self.acked})
        stored = 0
        if payload["to_seq"] > self.acked:
            self.stored += [record["id"] for record in payload["records"]]
            self.acked, stored = payload["to_seq"], len(payload["records"])
        if fault == "on a stick":  # the next batch came on a stick meanwhile
            carried = read_batch(after=self.acked)
            self.stored += [record["id"] for record in carried["records"]]
            self.acked = carried["to_seq"]
            self.carried.append((carried["from_seq"], carried["to_seq"]))
        if fault == "answer lost":
            raise client.LinkDown("the answer is lost")
        return {"acked": self.acked, "stored": stored, "refused": []}


class Reads:
    """The batches the agent reads: after which change, and whether a thread read it ahead."""

    def __init__(self, monkeypatch, fail_ahead=False):
        self.seen, self.limits, self.fail_ahead = [], [], fail_ahead
        self.read = agent.push_batch
        monkeypatch.setattr(agent, "push_batch", self)

    def __call__(self, after=None, epoch=None, limit=None):
        ahead = threading.current_thread() is not threading.main_thread()
        self.seen.append((after, ahead))
        self.limits.append(limit)
        if ahead and self.fail_ahead:
            raise RuntimeError("the disk is unreadable")
        return self.read(after=after, epoch=epoch, limit=limit)

    def ahead(self):
        return [after for after, ahead in self.seen if ahead]

    def here(self):
        return [after for after, ahead in self.seen if not ahead]


@pytest.fixture
def backlog(monkeypatch):
    """A node enrolled at epoch 1 with seven travellers waiting: four batches of two changes."""
    NodeState.objects.create(
        hq_url="https://hq.invalid", hq_public_key="", epoch=1, enrolled_at=timezone.now(),
        restoring=False, pushed_seq=Change.objects.aggregate(last=Max("seq"))["last"] or 0,
    )  # fmt: skip
    monkeypatch.setattr(agent, "PUSH_BATCH", 2)
    monkeypatch.setattr(agent, "PUSH_BATCH_MAX", 2)  # batches that grow: their own test
    return [str(a_person().pk) for _ in range(7)]


def wired(monkeypatch, faults=None):
    headquarters = Headquarters(faults)
    monkeypatch.setattr(agent, "_call", headquarters)
    return headquarters


def travellers(headquarters, backlog):
    return [stored for stored in headquarters.stored if stored in backlog]


def test_each_batch_is_read_while_the_one_before_it_is_on_the_wire(backlog, monkeypatch):
    headquarters, reads = wired(monkeypatch), Reads(monkeypatch)
    start = NodeState.objects.get().pushed_seq
    agent.sync_once()
    assert travellers(headquarters, backlog) == backlog  # all of them, once, in order
    assert len(headquarters.stored) == len(set(headquarters.stored))
    assert not headquarters.gaps
    sent = headquarters.pushes
    assert len(sent) == 4
    assert [first for first, _last in sent] == [start + 1] + [last + 1 for _f, last in sent[:-1]]
    # Only the first batch was read here; each other while the one before it was on the wire,
    # and none after the last: what came after the sync began waits for the next one.
    assert reads.here() == [None]
    assert reads.ahead() == [last for _first, last in sent[:-1]]
    assert NodeState.objects.get().pushed_seq == headquarters.acked == sent[-1][1]


@pytest.mark.parametrize("fault", ["cut", "answer lost"])
def test_a_second_batch_lost_is_sent_again_and_the_batch_read_behind_it_is_not(
    backlog, monkeypatch, fault
):
    headquarters, reads = wired(monkeypatch, {2: fault}), Reads(monkeypatch)
    with pytest.raises(client.LinkDown):
        agent.sync_once()
    first, second = headquarters.pushes
    assert NodeState.objects.get().pushed_seq == first[1]
    assert reads.ahead() == [first[1], second[1]]  # the third was read, and is not sent
    agent.sync_once()
    assert headquarters.pushes[2] == second  # sent again, as read again here
    assert reads.here() == [None, None]
    assert travellers(headquarters, backlog) == backlog
    assert len(headquarters.stored) == len(set(headquarters.stored))
    assert not headquarters.gaps
    assert NodeState.objects.get().pushed_seq == headquarters.acked


def test_after_a_gap_the_batch_read_ahead_is_dropped_and_the_node_sends_from_hqs_mark(
    backlog, monkeypatch
):
    headquarters, reads = wired(monkeypatch, {2: "restored"}), Reads(monkeypatch)
    agent.sync_once()
    first, second, *again = headquarters.pushes
    assert again[0] == (first[0], first[1])  # from headquarters' mark, not the batch read ahead
    assert reads.here() == [None, None]  # the first batch, then again after the gap
    assert headquarters.gaps == 1
    assert second[1] in reads.ahead()  # the third was read during the second, then dropped
    assert travellers(headquarters, backlog) == backlog
    assert len(headquarters.stored) == len(set(headquarters.stored))
    assert NodeState.objects.get().pushed_seq == headquarters.acked


def test_a_batch_read_ahead_is_dropped_when_headquarters_holds_more_than_the_batch_before_it(
    backlog, monkeypatch
):
    headquarters, reads = wired(monkeypatch, {2: "on a stick"}), Reads(monkeypatch)
    agent.sync_once()
    _first, second, third = headquarters.pushes
    [stick] = headquarters.carried
    assert stick[0] == second[1] + 1  # what the thread read during the second batch
    assert third[0] == stick[1] + 1  # is dropped: the next batch is read here after the stick's
    assert reads.here() == [None, None]
    assert second[1] in reads.ahead()
    assert travellers(headquarters, backlog) == backlog
    assert len(headquarters.stored) == len(set(headquarters.stored))
    assert not headquarters.gaps


def test_a_batch_sent_again_after_its_attachments_drops_the_batch_read_ahead(
    backlog, shift, monkeypatch
):
    cross(shift, photo=b"\xff\xd8\xff" * 10)
    backlog += [str(a_person().pk) for _ in range(3)]
    batches, after = [], NodeState.objects.get().pushed_seq
    while batch := read_batch(after=after):
        batches.append(batch)
        after = batch["to_seq"]
    number = next(
        number
        for number, batch in enumerate(batches, 1)
        if any(record["model"] == "crossings.Photo" for record in batch["records"])
    )
    assert number < len(batches)
    headquarters, reads = wired(monkeypatch, {number: "dropped"}), Reads(monkeypatch)
    agent.sync_once()
    pushes = headquarters.pushes
    assert pushes[number] == pushes[number - 1]  # the photo's batch went again, after its photo
    twice = [attachments.LACKING, attachments.SEND, "/sync/push"] * 2
    calls = headquarters.calls
    assert any(calls[at : at + 6] == twice for at in range(len(calls)))
    assert pushes[number - 1][1] in reads.ahead()  # the batch after it was read meanwhile,
    assert reads.here() == [None, None]  # and is read again here
    assert travellers(headquarters, backlog) == backlog
    assert len(headquarters.stored) == len(set(headquarters.stored))
    assert not headquarters.gaps


def test_a_batch_that_could_not_be_read_ahead_is_read_here(backlog, monkeypatch):
    headquarters, reads = wired(monkeypatch), Reads(monkeypatch, fail_ahead=True)
    agent.sync_once()
    assert len(reads.ahead()) == 3 and len(reads.here()) == 4
    assert travellers(headquarters, backlog) == backlog
    assert len(headquarters.stored) == len(set(headquarters.stored))
    assert not headquarters.gaps


def test_a_refused_batch_stops_the_push_and_drops_what_was_read_ahead(backlog, monkeypatch):
    headquarters, reads = wired(monkeypatch, {2: "refused"}), Reads(monkeypatch)
    with pytest.raises(client.HQRefused):
        agent.sync_once()
    first, second = headquarters.pushes
    assert NodeState.objects.get().pushed_seq == first[1] == headquarters.acked
    assert second[1] in reads.ahead()
    agent.sync_once()
    assert headquarters.pushes[2] == second
    assert reads.here() == [None, None]
    assert travellers(headquarters, backlog) == backlog
    assert not headquarters.gaps


def test_inside_a_transaction_every_batch_is_read_here(backlog, monkeypatch):
    headquarters, reads = wired(monkeypatch), Reads(monkeypatch)
    with transaction.atomic():
        agent.push_all(Change.objects.aggregate(last=Max("seq"))["last"])
    assert reads.ahead() == [] and len(reads.here()) == 4
    assert travellers(headquarters, backlog) == backlog


def test_batches_grow_while_round_trips_are_quick_and_not_past_the_maximum(backlog, monkeypatch):
    more = [str(a_person().pk) for _ in range(13)]  # 20 travellers waiting
    monkeypatch.setattr(agent, "PUSH_BATCH_MAX", 8)
    headquarters, reads = wired(monkeypatch), Reads(monkeypatch)
    agent.sync_once()
    assert travellers(headquarters, backlog + more) == backlog + more
    # The second batch was read ahead while the first was on the wire, at the first's size; the
    # last carries the rest, and the audit of the sync's own sessions.
    assert headquarters.sizes[:4] == [2, 2, 4, 8] and len(headquarters.sizes) == 5
    assert reads.limits == [2, 2, 4, 8, 8]


def test_a_slow_round_trip_keeps_batches_as_they_are(backlog, monkeypatch):
    monkeypatch.setattr(agent, "PUSH_BATCH_MAX", 8)
    monkeypatch.setattr(agent, "QUICK", 0)  # every round trip is slow
    headquarters, reads = wired(monkeypatch), Reads(monkeypatch)
    agent.sync_once()
    assert travellers(headquarters, backlog) == backlog
    assert max(headquarters.sizes) == 2 and set(reads.limits) == {2}
