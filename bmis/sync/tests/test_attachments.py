"""Attachments (a traveller's photo) travel beside their records, by their SHA-256, resumable.

Headquarters' endpoints are called as a post's node calls them (signed, numbered); the agent's
side runs against those endpoints in process (`Wire`: the post PAP's node and headquarters in
one database, as in test_usb), or against a headquarters of the test's own where the post must
hold what the database cannot hold twice (a photo it lost).
"""

import base64
import json
import uuid

import pytest
from django.core.management import CommandError
from django.db import connection
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings import services as crossing_services
from bmis.crossings.models import Photo
from bmis.crossings.reading import from_mrz
from bmis.crossings.tests import conftest as at_the_counter
from bmis.crossings.tests.conftest import passport
from bmis.reference.models import TravelPurpose
from bmis.sync import agent, attachments, client, records, signing, usb
from bmis.sync.attachments import FETCH, LACKING, SEND
from bmis.sync.models import Attachment, NodeLink, NodeState
from bmis.sync.tests.conftest import Node, settled
from bmis.sync.tests.test_exchange import batch
from bmis.sync.tests.test_usb import Exchange, an_answer, body, link_state

# The counter's fixtures: reference data, a counter and an officer's shift at PAP.
reference, counter, shift = at_the_counter.reference, at_the_counter.counter, at_the_counter.shift
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20  # 5124 bytes: six chunks of `small_chunks`


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(attachments, "CHUNK", 1000)


def a_crossing(shift, photo=None, number="L898902C3"):
    return crossing_services.crossing_record(
        officer=shift.officer, shift=shift, submission=uuid.uuid4(),
        reading=from_mrz(passport(number=number), today=timezone.localdate()),
        details=crossing_services.Details(mode="air",
                                          purpose=TravelPurpose.objects.get(code="tourism")),
        decision="admitted", photo=photo,
    )  # fmt: skip


def a_photo(crossing, content=JPEG, origin="PAP"):
    """Return an unsaved photo of `crossing`, as the post `origin` took it."""
    return Photo(origin=origin, crossing=crossing, data=content, sha256=attachments.digest(content))


def b64(content):
    return base64.b64encode(content).decode("ascii")


def chunk(name, content, offset):
    """Return the request that sends `content`'s chunk at `offset` as the attachment `name`."""
    return {"sha256": name, "size": len(content), "offset": offset,
            "data": b64(content[offset : offset + attachments.CHUNK])}  # fmt: skip


@pytest.fixture
def post_node(client, node_key, pap):
    """PAP's node, enrolled with `node_key`, as headquarters sees it."""
    NodeLink.objects.create(post=pap, public_key=signing.public_pem(node_key), epoch=1)
    return Node(client, node_key, code="PAP")


class Wire:
    """The agent's link to headquarters' views in process, which `cut` may cut after a request
    arrived (its answer lost)."""

    def __init__(self, exchange, client):
        self.exchange, self.client = exchange, client
        self.sent, self.cut = [], None

    def __call__(self, path, payload):
        number = agent._number()
        content = json.dumps(payload).encode()
        text = signing.message("POST", path, "PAP", number, content)
        headers = {"Accept-Language": "en", "X-BMIS-Node": "PAP", "X-BMIS-Request": str(number),
                   "X-BMIS-Signature": signing.sign(signing.own_key(), text)}  # fmt: skip
        self.exchange.at_hq()
        try:
            if path == "/sync/pull":
                settled()
            answer = self.client.post(path, content, "application/json", headers=headers)
        finally:
            self.exchange.at_post()
        self.sent.append((path, payload))
        if self.cut is not None and self.cut(path, payload):
            raise client.LinkDown("the link is cut")
        data = answer.json()
        if answer.status_code >= 400:
            raise client.HQRefused(data["error"], data["message"], data)
        return data

    def offsets(self):
        return [payload["offset"] for path, payload in self.sent if path == SEND]

    def bytes_sent(self):
        return sum(len(base64.b64decode(p["data"])) for path, p in self.sent if path == SEND)


@pytest.fixture
def exchange(settings, tmp_path, pap):
    return Exchange(settings, tmp_path, pap)


@pytest.fixture
def wire(exchange, client, monkeypatch):
    wire = Wire(exchange, client)
    monkeypatch.setattr(agent, "_call", wire)
    return wire


# Push: a record is acknowledged only once its attachments are in


def test_a_photos_record_is_acknowledged_only_once_its_content_is_in(
    hq, post_node, shift, small_chunks
):
    photo = a_photo(a_crossing(shift))
    record = records.dump(photo)
    assert "data" not in record["fields"]
    refused = post_node.post("/sync/push", batch([record]))
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "attachments",
        "message": "Some attachments of this batch have not reached headquarters: send them, "
        "then the batch again.",
        "missing": [photo.sha256],
    }
    assert NodeLink.objects.get().acked_seq == 0
    assert not Photo.objects.exists()
    lacking = post_node.post(LACKING, {"sha256": [photo.sha256]})
    assert lacking.json() == {"lacking": {photo.sha256: 0}}
    for offset in range(0, len(JPEG), 1000):
        answer = post_node.post(SEND, chunk(photo.sha256, JPEG, offset))
    assert answer.json() == {"sha256": photo.sha256, "received": len(JPEG), "complete": True}
    assert post_node.post(LACKING, {"sha256": [photo.sha256]}).json() == {"lacking": {}}
    stored = post_node.post("/sync/push", batch([record]))
    assert stored.json() == {"acked": 1, "stored": 1, "refused": []}
    assert bytes(Photo.objects.get(pk=photo.pk).data) == JPEG


def test_a_batch_whose_attachments_weigh_too_much_is_refused_unread(
    hq, post_node, shift, small_chunks, monkeypatch
):
    photos = [a_photo(a_crossing(shift, number=n), JPEG + n.encode()) for n in ("X1", "X2")]
    for photo in photos:
        content = bytes(photo.data)
        for offset in range(0, len(content), 1000):
            post_node.post(SEND, chunk(photo.sha256, content, offset))
    monkeypatch.setattr(attachments, "BATCH_BYTES", 6000)
    monkeypatch.setattr(attachments, "MAX_BYTES", 4000)  # 10,000 at most; these weigh 10,252
    refused = post_node.post("/sync/push", batch([records.dump(p) for p in photos]))
    assert refused.status_code == 413
    assert refused.json()["message"] == (
        "The attachments of this batch weigh more than headquarters takes at once."
    )
    assert NodeLink.objects.get().acked_seq == 0 and not Photo.objects.exists()


def test_an_upload_cut_part_way_resumes_from_headquarters_offset(
    exchange, wire, shift, small_chunks
):
    photo = a_crossing(shift, photo=JPEG).photo
    # The third chunk reaches headquarters; its answer is lost with the link.
    wire.cut = lambda path, payload: path == SEND and payload["offset"] == 2000
    with pytest.raises(client.LinkDown):
        agent.push_once()
    held = Attachment.objects.get()
    assert (held.sha256, held.received, held.complete) == (photo.sha256, 3000, False)
    assert link_state()[1] == 0  # nothing pushed, nothing acknowledged
    assert NodeState.objects.get().pushed_seq == 0

    wire.cut = None
    done = agent.push_once()
    assert done.more
    assert wire.offsets() == [0, 1000, 2000, 3000, 4000, 5000]
    assert wire.bytes_sent() == len(JPEG)  # every byte once
    held.refresh_from_db()
    assert (bytes(held.data), held.complete) == (JPEG, True)
    assert link_state()[1] == NodeState.objects.get().pushed_seq > 0
    assert [path for path, _ in wire.sent].count("/sync/push") == 1


def test_an_upload_goes_on_where_headquarters_copy_ends(exchange, wire, shift, small_chunks):
    photo = a_crossing(shift, photo=JPEG).photo
    attachments.receive(name=photo.sha256, size=len(JPEG), offset=0, content=JPEG[:1000])
    # A node that believes headquarters holds nothing starts at 0: headquarters refuses the
    # chunk and says where its copy ends, and the node goes on from there.
    assert attachments._send(wire, photo.sha256, JPEG, 0) == 1000 + len(JPEG) - 1000
    assert wire.offsets() == [0, 1000, 2000, 3000, 4000, 5000]
    assert bytes(Attachment.objects.get().data) == JPEG
    assert AuditEvent.objects.get(action="sync.refused").details["code"] == "offset"


def test_content_that_is_not_its_name_is_discarded_and_refused(hq, post_node, shift, small_chunks):
    photo = a_photo(a_crossing(shift))
    forged = JPEG[:-1] + b"X"
    answers = [post_node.post(SEND, chunk(photo.sha256, forged, o)) for o in range(0, 5124, 1000)]
    assert [answer.status_code for answer in answers] == [200] * 5 + [400]
    assert answers[-1].json() == {
        "error": "hash",
        "message": f"The content sent as {photo.sha256} does not have that SHA-256: it was "
        "discarded.",
    }
    assert not Attachment.objects.exists()
    pushed = post_node.post("/sync/push", batch([records.dump(photo)]))
    assert pushed.json()["error"] == "attachments"
    assert not Photo.objects.exists()
    assert NodeLink.objects.get().acked_seq == 0
    assert AuditEvent.objects.filter(action="sync.refused", details__code="hash").count() == 1


def test_headquarters_drops_what_nobody_asked_for_in_a_while(hq, post_node):
    Attachment.objects.create(sha256="a" * 64, size=10, received=4, data=b"abcd")
    Attachment.objects.filter(pk="a" * 64).update(touched_at=timezone.now() - attachments.RETENTION)
    assert post_node.post(LACKING, {"sha256": ["a" * 64]}).json() == {"lacking": {"a" * 64: 0}}
    assert not Attachment.objects.exists()


# Refusals: what is not a chunk, a name or an offset


NAME = attachments.digest(b"0123456789")
GARBAGE_NAME = "The name of an attachment is its SHA-256: 64 lowercase hexadecimal digits."
GARBAGE = {
    "not a name": (SEND, {"sha256": "JPEG", "size": 10, "offset": 0, "data": "MA=="}, 400,
                   GARBAGE_NAME),
    "a negative offset": (SEND, {"sha256": NAME, "size": 10, "offset": -1, "data": "MA=="}, 400,
                          "Sizes and offsets are whole numbers of bytes."),
    "an offset in words": (SEND, {"sha256": NAME, "size": 10, "offset": "0", "data": "MA=="},
                           400, "Sizes and offsets are whole numbers of bytes."),
    "a size that is true": (SEND, {"sha256": NAME, "size": True, "offset": 0, "data": "MA=="},
                            400, "Sizes and offsets are whole numbers of bytes."),
    "not base64": (SEND, {"sha256": NAME, "size": 10, "offset": 0, "data": "*not*"}, 400,
                   "The chunk is not base64 of at most a chunk's size."),
    "no chunk": (SEND, {"sha256": NAME, "size": 10, "offset": 0}, 400,
                 "The chunk is not base64 of at most a chunk's size."),
    "too large": (SEND, {"sha256": NAME, "size": 2**30, "offset": 0, "data": "MA=="}, 400,
                  "An attachment may hold at most 16777216 bytes."),
    "past the size": (SEND, {"sha256": NAME, "size": 1, "offset": 0, "data": "MDA="}, 400,
                      "A chunk holds from 1 to 1000 bytes, and not past the declared size."),
    "an empty chunk": (SEND, {"sha256": NAME, "size": 10, "offset": 0, "data": ""}, 400,
                       "A chunk holds from 1 to 1000 bytes, and not past the declared size."),
    "a chunk too big": (SEND, {"sha256": NAME, "size": 2000, "offset": 0, "data": b64(b"0" * 1001)},
                        400, "A chunk holds from 1 to 1000 bytes, and not past the declared size."),
    "a chunk ahead": (SEND, {"sha256": NAME, "size": 10, "offset": 5, "data": "MA=="}, 409,
                      "This chunk does not start where headquarters' copy ends: send from byte 0."),
    "no list": (LACKING, {"sha256": NAME}, 400, "Ask about a list of at most 2000 attachments."),
    "too long a list": (LACKING, {"sha256": [NAME] * 2001}, 400,
                        "Ask about a list of at most 2000 attachments."),
    "a list of nonsense": (LACKING, {"sha256": [NAME, 7]}, 400, GARBAGE_NAME),
    "no record": (FETCH, {"sha256": NAME, "offset": 0}, 400,
                  "Name the record the attachment belongs to."),
    "a record without attachments": (
        FETCH, {"model": "crossings.Crossing", "id": str(uuid.uuid4()), "sha256": NAME,
                "offset": 0}, 400, "Name the record the attachment belongs to."),
    "a record kind that is a list": (
        FETCH, {"model": ["crossings.Photo"], "id": str(uuid.uuid4()), "sha256": NAME,
                "offset": 0}, 400, "Name the record the attachment belongs to."),
    "a record key that is none": (
        FETCH, {"model": "crossings.Photo", "id": "1; DROP", "sha256": NAME, "offset": 0}, 400,
        "Name the record the attachment belongs to."),
    "a record headquarters lacks": (
        FETCH, {"model": "crossings.Photo", "id": str(uuid.uuid4()), "sha256": NAME, "offset": 0},
        404, f"Headquarters holds no attachment {NAME} of this post's records."),
}  # fmt: skip


@pytest.mark.parametrize("case", GARBAGE)
def test_garbage_is_refused_with_a_clear_message_and_nothing_is_held(
    hq, post_node, small_chunks, case
):
    path, payload, status, message = GARBAGE[case]
    answer = post_node.post(path, payload)
    assert answer.status_code == status
    assert answer.json()["message"] == message
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="sync.refused").count() == 1


def test_a_chunk_sent_again_is_answered_with_where_to_go_on(hq, post_node, small_chunks):
    content = b"0" * 1500
    name = attachments.digest(content)
    assert post_node.post(SEND, chunk(name, content, 0)).json()["received"] == 1000
    again = post_node.post(SEND, chunk(name, content, 0))
    assert again.status_code == 409
    assert again.json()["received"] == 1000
    assert bytes(Attachment.objects.get().data) == content[:1000]
    assert post_node.post(SEND, chunk(name, content, 1000)).json()["complete"] is True
    assert post_node.post(SEND, chunk(name, content, 0)).json()["complete"] is True  # held
    garbage = post_node.post(SEND, None, body=b"\xff{not json")
    assert garbage.json()["error"] == "malformed"


# Pull: a post being rebuilt gets its photos back


def test_headquarters_serves_a_posts_own_photos_and_no_others(hq, post_node, shift, small_chunks):
    ours = a_photo(a_crossing(shift))
    ours.save()
    theirs = a_photo(a_crossing(shift, number="L01X00T47"), content=b"theirs", origin="OUA")
    theirs.save()
    content, offset = b"", 0
    while True:
        asked = {"model": "crossings.Photo", "id": str(ours.pk), "sha256": ours.sha256,
                 "offset": offset}  # fmt: skip
        answer = post_node.post(FETCH, asked).json()
        assert (answer["size"], answer["offset"]) == (len(JPEG), offset)
        content += base64.b64decode(answer["data"])
        offset += 1000
        if offset > len(JPEG):
            break
    assert content == JPEG
    past = post_node.post(FETCH, {"model": "crossings.Photo", "id": str(ours.pk),
                                  "sha256": ours.sha256, "offset": 6000})  # fmt: skip
    assert past.status_code == 400
    assert past.json()["message"] == "This offset is past the end of the attachment (5124 bytes)."
    other = post_node.post(FETCH, {"model": "crossings.Photo", "id": str(theirs.pk),
                                   "sha256": theirs.sha256, "offset": 0})  # fmt: skip
    assert other.status_code == 404
    assert other.json()["error"] == "unknown"


@pytest.fixture
def restoring(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return NodeState.objects.create(hq_url="https://hq.example", hq_public_key="", epoch=1,
                                    enrolled_at=timezone.now(), restoring=True)  # fmt: skip


class Archive:
    """Headquarters serving `content` chunk by chunk; the link cut at `cut_at` if set."""

    def __init__(self, content):
        self.content, self.asked, self.cut_at = content, [], None

    def __call__(self, path, payload):
        assert path == FETCH
        offset = payload["offset"]
        self.asked.append(offset)
        if offset == self.cut_at:
            raise client.LinkDown("the link is cut")
        part = self.content[offset : offset + 1000]
        return {"sha256": payload["sha256"], "size": len(self.content), "offset": offset,
                "data": b64(part)}  # fmt: skip


def test_a_rebuilt_post_gets_its_photos_back_resuming_after_a_cut(
    restoring, shift, monkeypatch, small_chunks, tmp_path
):
    photo = a_photo(a_crossing(shift))
    answer = {"records": [records.dump(photo)], "cursor": {"txid": 0, "seq": 7}, "more": False}
    archive = Archive(JPEG)
    monkeypatch.setattr(agent, "_call", archive)
    archive.cut_at = 2000
    request = agent.pull_request(restoring=True)
    with pytest.raises(client.LinkDown):
        agent.pull_apply(answer, request=request, restoring=True)
    assert not Photo.objects.exists()
    assert NodeState.objects.get().pull_seq == 0
    folder = tmp_path / "attachments"  # the node's VAR_DIR
    assert (folder / f"{photo.sha256}.part").stat().st_size == 2000

    archive.cut_at = None
    assert agent.pull_apply(answer, request=request, restoring=True).pulled == 1
    assert archive.asked == [0, 1000, 2000, 2000, 3000, 4000, 5000]
    assert bytes(Photo.objects.get(pk=photo.pk).data) == JPEG
    assert NodeState.objects.get().pull_seq == 7
    assert list(folder.iterdir()) == []


def test_a_photo_that_is_not_its_name_is_discarded_and_nothing_applied(
    restoring, shift, monkeypatch, tmp_path
):
    photo = a_photo(a_crossing(shift))
    monkeypatch.setattr(agent, "_call", Archive(JPEG[:-1] + b"X"))
    answer = {"records": [records.dump(photo)], "cursor": {"txid": 0, "seq": 7}, "more": False}
    with pytest.raises(client.LinkDown, match="does not have that SHA-256: it was discarded"):
        agent.pull_apply(answer, request=agent.pull_request(restoring=True), restoring=True)
    assert not Photo.objects.exists()
    assert NodeState.objects.get().pull_seq == 0
    assert list((tmp_path / "attachments").iterdir()) == []


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_fetches_each_photo_from_headquarters_endpoints(
    exchange, wire, shift, monkeypatch, small_chunks
):
    photos = [a_crossing(shift, photo=JPEG[::-1]).photo,
              a_crossing(shift, photo=JPEG, number="L01X00T47").photo]  # fmt: skip
    monkeypatch.setattr(attachments, "BATCH_BYTES", 6000)  # one photo a batch
    NodeState.objects.update(restoring=True)
    stored = []
    store = records.store
    monkeypatch.setattr(records, "store", lambda objs: stored.extend(objs) or store(objs))
    agent.restore()
    # The database holds them already (it is headquarters' too): what matters is what the node
    # wrote, fetched from headquarters and checked against its hash.
    assert {p.pk: bytes(p.data) for p in stored if isinstance(p, Photo)} == {
        photo.pk: bytes(photo.data) for photo in photos
    }
    pulls = [payload for path, payload in wire.sent if path == "/sync/pull"]
    assert len(pulls) == 2  # the first batch ended after the first photo: the rest came next
    fetched = [payload["sha256"] for path, payload in wire.sent if path == FETCH]
    assert sorted(set(fetched)) == sorted(photo.sha256 for photo in photos)
    assert len(fetched) == 12  # six chunks each, none twice
    assert NodeState.objects.get().restoring is False


# On a stick: the file carries the contents


def test_photos_travel_inside_the_posts_file(exchange, shift):
    photo = a_crossing(shift, photo=JPEG).photo
    path, _said = exchange.export()
    pushed = body(path)["pushes"][0]
    assert pushed["attachments"] == {photo.sha256: b64(JPEG)}
    assert all("data" not in record["fields"] for record in pushed["records"])
    said = exchange.take(path)
    assert said.startswith("Took the file of post PAP: ")
    assert "Headquarters refused" not in said
    assert link_state()[1] == pushed["to_seq"]
    held = Attachment.objects.get()
    assert (held.sha256, bytes(held.data), held.complete) == (photo.sha256, JPEG, True)


def test_a_file_without_its_photo_is_not_acknowledged(exchange, shift, monkeypatch):
    a_crossing(shift, photo=JPEG)
    monkeypatch.setattr(attachments, "carried", lambda records: {})
    path, _said = exchange.export()
    said = exchange.take(path)
    assert "Headquarters refused a batch: Some attachments of this batch have not reached" in said
    assert link_state()[1] == 0


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_a_post_rebuilt_by_stick_gets_its_photos_back(exchange, shift):
    photo = a_crossing(shift, photo=JPEG).photo
    NodeState.objects.update(restoring=True)
    path, _said = exchange.export()
    exchange.take(path)
    answer = usb.answer_path(path)
    carried = {}
    for pull in body(answer)["pulls"]:
        carried |= pull["answer"]["attachments"]
    assert carried == {photo.sha256: b64(JPEG)}
    with connection.cursor() as cursor:  # the post lost it: only headquarters' answer holds it
        cursor.execute("DELETE FROM crossings_photo")
    exchange.bring_back(answer)
    assert bytes(Photo.objects.get(pk=photo.pk).data) == JPEG
    assert NodeState.objects.get().restoring is False


def test_an_answer_that_lacks_a_photo_applies_nothing_of_its_pull(exchange, shift):
    photo = a_photo(a_crossing(shift))
    pull = {"request": {"cursor": {"txid": 0, "seq": 0}, "restoring": True},
            "answer": {"records": [records.dump(photo)], "cursor": {"txid": 0, "seq": 9},
                       "more": False, "attachments": {photo.sha256: b64(b"another")}}}  # fmt: skip
    path = an_answer(exchange, pulls=[pull])
    with pytest.raises(
        CommandError, match=f"This file lacks the content of attachment {photo.sha256}"
    ):
        exchange.bring_back(path)
    assert not Photo.objects.exists()
    assert NodeState.objects.get().pull_seq == 0


def test_a_batch_read_in_parts_names_every_photo_it_lacks_and_stores_nothing(
    hq, post_node, shift, monkeypatch
):
    from bmis.sync.services import push

    monkeypatch.setattr(push._Received, "CHUNK", 1)  # each record a part of its own
    first = a_photo(a_crossing(shift), content=JPEG)
    second = a_photo(a_crossing(shift, number="L01X00T47"), content=JPEG[::-1])
    held = records.dump(a_crossing(shift, number="D23145890").person)
    refused = post_node.post("/sync/push", batch([held, records.dump(first), records.dump(second)]))
    assert refused.status_code == 409
    assert refused.json()["missing"] == sorted([first.sha256, second.sha256])
    assert NodeLink.objects.get().acked_seq == 0
    assert not Photo.objects.exists()
