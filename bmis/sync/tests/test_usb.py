"""The exchange on a USB stick: the post's signed file to headquarters, and the answer back.

In process, one database plays both sides (the post PAP's node and headquarters, each with its
own key in its own folder); with real processes, headquarters on PostgreSQL and a post on SQLite
exchange through files only, their link cut.
"""

import gzip
import json
import random
import uuid
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings.models import Person
from bmis.sync import agent, feed, services, signing, usb
from bmis.sync.models import Change, NodeLink, NodeState
from bmis.sync.tests.conftest import settled
from bmis.sync.tests.nodes import Headquarters, PostNode, cross, pg_answers, photo, staff


class Exchange:
    """The post PAP's node and headquarters in one database, and the stick between them."""

    def __init__(self, settings, folder, post):
        self.settings, self.folder = settings, folder
        self.hq_key = self._key("hq")
        self.post_key = self._key("post")
        self.link = NodeLink.objects.create(post=post, public_key=self.post_key, epoch=1)
        NodeState.objects.create(
            hq_url="http://hq.invalid", hq_public_key=self.hq_key, epoch=1,
            enrolled_at=timezone.now(), restoring=False,
        )  # fmt: skip
        settings.BMIS_ROLE, settings.BMIS_POST, settings.BMIS_NODE = "post", "PAP", "PAP"
        settings.VAR_DIR = folder / "post"

    def _key(self, side):
        (self.folder / side).mkdir()
        self.settings.VAR_DIR = self.folder / side
        return signing.public_pem(signing.own_key())

    def at_post(self):
        self._be("post", "PAP", "PAP")

    def at_hq(self):
        self._be("hq", "", "HQ")

    def _be(self, role, post, node):
        # Each assignment stacks a layer of overridden settings: only when the role changes.
        if (role, node) != (self.settings.BMIS_ROLE, self.settings.BMIS_NODE):
            self.settings.BMIS_ROLE, self.settings.BMIS_POST = role, post
            self.settings.BMIS_NODE, self.settings.VAR_DIR = node, self.folder / role

    def export(self, name="pap.bmis"):
        """Export at the post; return the file and what the command said."""
        self.at_post()
        path, said = self.folder / name, StringIO()
        call_command("sync_export", "--out", str(path), stdout=said)
        return path, said.getvalue()

    def take(self, path, *args):
        """Import a post's file at headquarters; return what the command said."""
        self.at_hq()
        settled()
        said = StringIO()
        call_command("sync_import", str(path), *args, stdout=said)
        return said.getvalue()

    def bring_back(self, path):
        """Import headquarters' answer at the post; return what the command said."""
        self.at_post()
        said = StringIO()
        call_command("sync_import", str(path), stdout=said)
        return said.getvalue()


@pytest.fixture
def exchange(settings, tmp_path, pap):
    return Exchange(settings, tmp_path, pap)


def person(surname):
    return Person.objects.create(
        surname=surname, given_names="ANNA", name_key=surname, nationality="UTO", sex="F"
    )


def envelope(path):
    return json.loads(gzip.decompress(path.read_bytes()))


def body(path):
    return json.loads(envelope(path)["body"])


def rewrite(path, **changes):
    """Write the file again with some of its envelope's fields changed (signature untouched)."""
    data = {**envelope(path), **changes}
    path.write_bytes(gzip.compress(json.dumps(data).encode()))


def pushed_ids(path):
    return [record["id"] for batch in body(path)["pushes"] for record in batch["records"]]


def small_pulls(monkeypatch, size=3):
    """Make headquarters serve pulls `size` changes at a time."""
    changes_after = feed.changes_after
    monkeypatch.setattr(feed, "BATCH", size)
    monkeypatch.setattr(
        feed, "changes_after", lambda txid, seq, **kw: changes_after(txid, seq, size, **kw)
    )


def refusals():
    return list(AuditEvent.objects.filter(action="sync.refused").values_list("details", flat=True))


def link_state():
    link = NodeLink.objects.get()
    return link.last_request, link.acked_seq


def node_state():
    state = NodeState.objects.get()
    return state.last_request, state.pushed_seq, state.pull_txid, state.pull_seq, state.restoring


# At the post: the file


def test_a_post_writes_its_backlog_and_pull_request_to_one_signed_file(exchange):
    people = [person("ERIKSSON"), person("DUPONT")]
    path, said = exchange.export()
    assert said.startswith(f"Wrote {path}: 2 records to push")
    data = envelope(path)
    assert {key: data[key] for key in ("format", "version", "node", "number")} == {
        "format": "openbmis-sync",
        "version": 1,
        "node": "PAP",
        "number": 1,
    }
    assert NodeState.objects.get().last_request == 1
    text = signing.message("FILE", "/sync/file", "PAP", 1, data["body"].encode())
    assert signing.verify(exchange.post_key, data["signature"], text)
    assert pushed_ids(path) == [str(p.pk) for p in people]
    assert body(path)["pull"] == {"cursor": {"txid": 0, "seq": 0}, "restoring": False}
    assert [p.name for p in exchange.folder.iterdir() if p.is_file()] == ["pap.bmis"]


def test_the_whole_backlog_travels_in_consecutive_batches(exchange, monkeypatch):
    monkeypatch.setattr(agent, "PUSH_BATCH", 2)
    people = [person(f"TRAVELLER{i}") for i in range(5)]
    path, said = exchange.export()
    batches = body(path)["pushes"]
    assert len(batches) == 3
    assert batches[0]["from_seq"] == 1
    assert [b["from_seq"] for b in batches[1:]] == [b["to_seq"] + 1 for b in batches[:-1]]
    assert batches[-1]["to_seq"] == Change.objects.order_by("seq").last().seq
    assert pushed_ids(path) == [str(p.pk) for p in people]
    assert body(path)["more"] is False
    assert "More remains" not in said


def test_a_backlog_larger_than_a_file_waits_for_the_next_file(exchange, monkeypatch):
    monkeypatch.setattr(agent, "PUSH_BATCH", 2)
    monkeypatch.setattr(usb, "FILE_BYTES", 1)  # one batch a file
    people = [person(f"TRAVELLER{i}") for i in range(5)]
    first, said = exchange.export()
    assert "More remains to exchange than one file carries" in said
    assert body(first)["more"] is True
    assert len(body(first)["pushes"]) == 1
    exchange.take(first)
    exchange.bring_back(usb.answer_path(first))
    second, _said = exchange.export("pap-2.bmis")
    assert body(second)["pushes"][0]["from_seq"] == body(first)["pushes"][0]["to_seq"] + 1
    carried = pushed_ids(first) + pushed_ids(second)
    assert 1 < len(carried) < 5
    assert carried == [str(p.pk) for p in people[: len(carried)]]


def test_a_stick_pulled_out_mid_write_leaves_no_file_under_the_final_name(exchange, monkeypatch):
    person("ERIKSSON")
    path = exchange.folder / "pap.bmis"
    path.write_bytes(b"the previous file")
    fdopen = usb.os.fdopen

    class Pulled:
        """A file on a stick pulled out halfway through the write."""

        def __init__(self, fd, mode):
            self.file = fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.file.write(data[: len(data) // 2])
            self.file.flush()
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(usb.os, "fdopen", Pulled)
    with pytest.raises(CommandError, match=r"pap\.bmis cannot be written: Input/output error"):
        exchange.export()
    assert path.read_bytes() == b"the previous file"
    assert [p.name for p in exchange.folder.iterdir() if p.is_file()] == ["pap.bmis"]


def test_only_an_enrolled_post_node_exports(exchange):
    exchange.at_hq()
    with pytest.raises(CommandError, match=r"Only a post's node exports its exchange"):
        call_command("sync_export", "--out", str(exchange.folder / "x.bmis"))
    NodeState.objects.all().delete()
    with pytest.raises(CommandError, match=r"This node is not enrolled"):
        exchange.export()


def test_no_file_is_written_while_another_agent_runs(exchange):
    with agent.single_agent(), pytest.raises(CommandError, match="Another sync agent"):
        exchange.export()
    assert not (exchange.folder / "pap.bmis").exists()


# At headquarters, and back


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_headquarters_takes_the_file_and_the_post_takes_its_answer(exchange, pap, monkeypatch):
    from bmis.posts.services import counter_create

    small_pulls(monkeypatch)  # several pull answers in one file
    people = [person("ERIKSSON"), person("DUPONT")]
    path, _said = exchange.export()
    exchange.at_hq()
    counters = [
        counter_create(actor=None, post=pap, code=f"A{i}", name=f"Desk {i}") for i in "1234"
    ]
    said = exchange.take(path)
    answer = exchange.folder / "pap-answer.bmis"
    assert said.startswith("Took the file of post PAP: 2 records stored, 0 refused")
    assert said.strip().endswith(f"Answer written to {answer}.")
    last_batch = body(path)["pushes"][-1]["to_seq"]
    assert link_state() == (1, last_batch)
    data = envelope(answer)
    assert (data["node"], data["number"]) == ("HQ", 1)
    text = signing.message("RESPONSE", "/sync/file", "HQ", 1, data["body"].encode())
    assert signing.verify(exchange.hq_key, data["signature"], text)
    pulls = body(answer)["pulls"]
    assert len(pulls) > 1
    assert pulls[0]["request"] == {"cursor": {"txid": 0, "seq": 0}, "restoring": False}
    assert [pull["request"]["cursor"] for pull in pulls[1:]] == [
        pull["answer"]["cursor"] for pull in pulls[:-1]
    ]
    assert [pull["answer"]["more"] for pull in pulls][-1] is False
    served = [r["id"] for pull in pulls for r in pull["answer"]["records"]]
    assert {str(counter.pk) for counter in counters} <= set(served)
    assert not {str(p.pk) for p in people} & set(served)

    said = exchange.bring_back(answer)
    assert said.startswith("Pushed 2 records, pulled ")
    state = NodeState.objects.get()
    assert state.pushed_seq == last_batch
    assert {"txid": state.pull_txid, "seq": state.pull_seq} == pulls[-1]["answer"]["cursor"]
    assert state.pull_seq > 0


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_what_one_answer_cannot_carry_comes_with_the_next(exchange, pap, monkeypatch):
    from bmis.posts.services import counter_create

    small_pulls(monkeypatch)
    for i in "1234":
        counter_create(actor=None, post=pap, code=f"A{i}", name=f"Desk {i}")
    first, _said = exchange.export("first.bmis")
    monkeypatch.setattr(usb, "FILE_BYTES", 1)  # one pull answer a file
    said = exchange.take(first)
    assert "More remains to exchange than one file carries" in said
    pulls = body(exchange.folder / "first-answer.bmis")["pulls"]
    assert len(pulls) == 1
    assert pulls[0]["answer"]["more"] is True
    said = exchange.bring_back(exchange.folder / "first-answer.bmis")
    assert "More remains to exchange" in said
    second, _said = exchange.export("second.bmis")
    assert body(second)["pull"]["cursor"] == pulls[0]["answer"]["cursor"]


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_an_answer_taken_twice_or_late_changes_nothing(exchange):
    person("ERIKSSON")
    first, _said = exchange.export("first.bmis")
    exchange.take(first)
    person("DUPONT")
    second, _said = exchange.export("second.bmis")
    exchange.take(second)
    exchange.bring_back(exchange.folder / "second-answer.bmis")
    after, events, changes = node_state(), AuditEvent.objects.count(), Change.objects.count()
    exchange.bring_back(exchange.folder / "second-answer.bmis")
    exchange.bring_back(exchange.folder / "first-answer.bmis")
    assert node_state() == after
    assert AuditEvent.objects.count() == events
    assert Change.objects.count() == changes


def test_a_file_imported_twice_is_refused_and_audited(exchange):
    person("ERIKSSON")
    path, _said = exchange.export()
    exchange.take(path)
    answer = usb.answer_path(path).read_bytes()
    with pytest.raises(
        CommandError, match=r"This file was already imported, or the post has exchanged"
    ):
        exchange.take(path)
    assert usb.answer_path(path).read_bytes() == answer
    assert refusals()[-1] == {
        "code": "replay",
        "reason": "This request was already received: it is not carried out twice.",
    }


@pytest.mark.parametrize("alteration", ["another key", "another body", "another number"])
def test_a_forged_or_altered_file_is_refused_audited_and_nothing_is_stored(exchange, alteration):
    person("ERIKSSON")
    path, _said = exchange.export()
    data = envelope(path)
    stranger = str(uuid.uuid4())
    if alteration == "another key":
        text = signing.message("FILE", "/sync/file", "PAP", 1, data["body"].encode())
        rewrite(path, signature=signing.sign(Ed25519PrivateKey.generate(), text))
    elif alteration == "another body":
        pushes = body(path)["pushes"]
        pushes[0]["records"][0]["id"] = stranger
        rewrite(path, body=json.dumps({**body(path), "pushes": pushes}))
    else:
        rewrite(path, number=2)
    with pytest.raises(CommandError, match=r"signature does not match the node's key"):
        exchange.take(path)
    assert link_state() == (0, 0)
    assert not Person.objects.filter(pk=stranger).exists()
    assert not AuditEvent.objects.filter(action="sync.push").exists()
    assert refusals()[-1]["code"] == "signature"
    assert not usb.answer_path(path).exists()


def test_a_file_written_before_the_post_enrolled_again_is_refused(exchange):
    path, _said = exchange.export()
    NodeLink.objects.update(epoch=2, last_request=0)
    with pytest.raises(CommandError, match="written before the post's node enrolled again"):
        exchange.take(path)
    assert link_state() == (0, 0)  # its number is not taken: the node counts from 1 again
    assert refusals()[-1]["code"] == "epoch"


def test_a_revoked_nodes_file_is_refused(exchange, admin_user):
    path, _said = exchange.export()
    services.node_revoke(actor=admin_user, link=exchange.link)
    with pytest.raises(CommandError, match=r"refuses this file: This node's credentials were"):
        exchange.take(path)


def test_a_batch_after_a_gap_rewinds_the_post_to_what_headquarters_holds(exchange):
    person("ERIKSSON")
    person("DUPONT")
    NodeState.objects.update(pushed_seq=1)  # headquarters lost what it had acknowledged
    path, _said = exchange.export()
    said = exchange.take(path)
    assert "Headquarters refused a batch: Changes are missing before this batch." in said
    assert refusals()[-1]["code"] == "gap"
    said = exchange.bring_back(usb.answer_path(path))
    assert "Headquarters refused a batch: Changes are missing before this batch." in said
    assert NodeState.objects.get().pushed_seq == 0
    again, _said = exchange.export("again.bmis")
    assert body(again)["pushes"][0]["from_seq"] == 1


def test_the_answer_is_not_written_over_the_file_it_answers(exchange):
    path, _said = exchange.export()
    with pytest.raises(CommandError, match="cannot be written over the file it answers"):
        exchange.take(path, "--out", str(path))
    assert link_state() == (0, 0)


def test_an_answer_that_cannot_be_written_says_how_to_recover(exchange):
    path, _said = exchange.export()
    with pytest.raises(CommandError, match=r"The file was taken, but its answer cannot be written"):
        exchange.take(path, "--out", str(exchange.folder / "gone" / "answer.bmis"))


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_a_node_being_rebuilt_pushes_nothing_and_gets_its_own_records_back(exchange):
    ours = person("ERIKSSON")
    NodeState.objects.update(restoring=True)
    path, said = exchange.export()
    assert "0 records to push" in said
    assert body(path)["pushes"] == []
    assert body(path)["pull"]["restoring"] is True
    exchange.take(path)
    pulls = body(usb.answer_path(path))["pulls"]
    assert str(ours.pk) in [r["id"] for pull in pulls for r in pull["answer"]["records"]]
    exchange.bring_back(usb.answer_path(path))
    assert NodeState.objects.get().restoring is False
    assert AuditEvent.objects.filter(action="sync.enrolled", origin="PAP").count() == 1


# Refusals of a file that is not what it should be


def packed(content):
    return gzip.compress(content)


def plain(**fields):
    """Return the JSON of an envelope (unsigned) with `fields` changed."""
    envelope = {"format": "openbmis-sync", "version": 1, "node": "PAP", "number": 1,
                "body": "{}", "signature": "x", **fields}  # fmt: skip
    return json.dumps(envelope).encode()


GARBAGE = {
    "empty": (b"", "is not an OpenBMIS exchange file"),
    "text": (b"hello, headquarters", "is not an OpenBMIS exchange file"),
    "not json": (packed(b"\xff{not json"), "is damaged or incomplete"),
    "a list": (packed(b"[1, 2]"), "is not an OpenBMIS exchange file"),
    "deep": (packed(b"[" * 100_000), "is damaged or incomplete"),
    "another format": (packed(b'{"format": "zip"}'), "is not an OpenBMIS exchange file"),
    "no body": (
        packed(b'{"format": "openbmis-sync", "version": 1, "node": "PAP", "number": 1}'),
        "is damaged or incomplete",
    ),
    "half a character": (packed(plain(body="\ud800")), "is damaged or incomplete"),
    "a node that is no post": (packed(plain(node="PAP\n")), "is damaged or incomplete"),
    "a version to come": (
        packed(b'{"format": "openbmis-sync", "version": 2}'),
        "is in version 2 of the exchange file format; this node reads version 1",
    ),
}


@pytest.mark.parametrize("side", ["hq", "post"])
@pytest.mark.parametrize("kind", [*GARBAGE, "truncated", "corrupted", "too large"])
def test_a_damaged_file_is_refused_with_a_clear_message_and_nothing_is_stored(
    exchange, side, kind, monkeypatch
):
    person("ERIKSSON")
    path, _said = exchange.export()
    valid = path.read_bytes()
    before = node_state(), link_state(), AuditEvent.objects.count()
    if kind in GARBAGE:
        content, expected = GARBAGE[kind]
    elif kind == "truncated":
        content, expected = valid[: len(valid) // 2], "is damaged or incomplete"
    elif kind == "corrupted":
        middle = len(valid) // 2
        content = valid[:middle] + bytes([valid[middle] ^ 0xFF]) + valid[middle + 1 :]
        expected = "is damaged or incomplete"
    else:
        monkeypatch.setattr(usb, "READ_BYTES", 100)
        content, expected = valid, "is larger than an exchange file can be"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=expected):
        exchange.take(path) if side == "hq" else exchange.bring_back(path)
    assert (node_state(), link_state(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("side", ["hq", "post"])
def test_no_altered_byte_gets_a_file_taken_or_crashes_the_import(exchange, side):
    person("ERIKSSON")
    path, _said = exchange.export()
    if side == "post":
        exchange.take(path)
        path = usb.answer_path(path)
    take = exchange.take if side == "hq" else exchange.bring_back
    content = gzip.decompress(path.read_bytes())
    before = link_state(), node_state()
    chance = random.Random(9303)
    for _ in range(150):
        at = chance.randrange(len(content))
        other = (content[at] + chance.randrange(1, 256)) % 256
        path.write_bytes(packed(content[:at] + bytes([other]) + content[at + 1 :]))
        with pytest.raises(CommandError):
            take(path)
    assert (link_state(), node_state()) == before


@pytest.mark.parametrize("side", ["hq", "post"])
def test_a_file_that_cannot_be_read_is_refused(exchange, side):
    take = exchange.take if side == "hq" else exchange.bring_back
    with pytest.raises(CommandError, match=r"missing\.bmis cannot be read: No such file"):
        take(exchange.folder / "missing.bmis")
    with pytest.raises(CommandError, match="cannot be read: Is a directory"):
        take(exchange.folder)


def test_a_posts_file_is_refused_at_a_post_and_an_answer_at_headquarters(exchange):
    path, _said = exchange.export()
    with pytest.raises(CommandError, match="written by post PAP for headquarters: import it"):
        exchange.bring_back(path)
    exchange.take(path)
    with pytest.raises(CommandError, match="This file is headquarters' answer: import it at"):
        exchange.take(usb.answer_path(path))
    assert link_state()[0] == 1
    assert NodeState.objects.get().pushed_seq == 0


def an_answer(exchange, **fields):
    """Write an answer signed by headquarters, as `fields` say."""
    exchange.at_hq()
    path = exchange.folder / "answer.bmis"
    content = {"kind": "answer", "post": "PAP", "epoch": 1, "request": 1, "pushes": [],
               "pulls": [], **fields}  # fmt: skip
    usb._write(path, node="HQ", number=1, body=content, method="RESPONSE")
    return path


def test_refusals_in_an_answer_taken_twice_are_recorded_once(exchange):
    refused = {"model": "crossings.Person", "id": "x", "reason": "foreign", "detail": "OUA"}
    path = an_answer(exchange, pushes=[
        {"batch": {"from_seq": 1, "to_seq": 1}, "answer": {"acked": 1, "stored": 0,
                                                          "refused": [refused]}}
    ])  # fmt: skip
    assert "0 records, pulled 0, 1 refused" in exchange.bring_back(path)
    assert "0 records, pulled 0, 0 refused" in exchange.bring_back(path)
    assert AuditEvent.objects.filter(action="sync.push_refused").count() == 1
    assert NodeState.objects.get().pushed_seq == 1


def test_an_answer_for_another_post_is_refused(exchange):
    path = an_answer(exchange, post="OUA")
    with pytest.raises(CommandError, match=r"This answer is for post OUA, not for this post \(PAP"):
        exchange.bring_back(path)


def test_an_answer_for_an_earlier_enrolment_is_refused(exchange):
    path = an_answer(exchange, epoch=0, pushes=[
        {"batch": {"from_seq": 1, "to_seq": 9}, "answer": {"acked": 9, "stored": 0, "refused": []}}
    ])  # fmt: skip
    with pytest.raises(CommandError, match="made before this node enrolled again"):
        exchange.bring_back(path)
    assert NodeState.objects.get().pushed_seq == 0


def test_an_answer_not_signed_by_headquarters_is_refused(exchange):
    path = an_answer(exchange, pushes=[
        {"batch": {"from_seq": 1, "to_seq": 9}, "answer": {"acked": 9, "stored": 0, "refused": []}}
    ])  # fmt: skip
    data = envelope(path)
    text = signing.message("RESPONSE", "/sync/file", "HQ", 1, data["body"].encode())
    exchange.at_post()
    rewrite(path, signature=signing.sign(signing.own_key(), text))  # the post's own key
    with pytest.raises(CommandError, match=r"This file is not signed by headquarters' key\."):
        exchange.bring_back(path)
    assert NodeState.objects.get().pushed_seq == 0


def test_a_signed_answer_that_holds_nonsense_is_refused_before_anything_is_applied(exchange):
    path = an_answer(exchange, pushes=[
        {"batch": {"from_seq": 1, "to_seq": 9}, "answer": {"acked": 9, "stored": 0, "refused": []}}
    ], pulls=[{"request": {"cursor": {"txid": 0, "seq": 0}}, "answer": "garbage"}])  # fmt: skip
    with pytest.raises(CommandError, match="does not hold what an exchange file holds"):
        exchange.bring_back(path)
    assert NodeState.objects.get().pushed_seq == 0


# With real processes: headquarters on PostgreSQL, a post on SQLite, and only a stick between them

# Headquarters' news for the post: a new counter and a new officer.
NEWS = """
from bmis.accounts.services import user_create
from bmis.posts.models import Post
from bmis.posts.services import counter_create
post = Post.objects.get(code="OUA")
counter_create(actor=None, post=post, code="B1", name="Arrivals 2")
user_create(actor=None, username="marie", password="a-long-test-passphrase", role="officer",
            post=post, first_name="Marie", last_name="Jean", must_change_password=False)
"""


@pytest.fixture
def headquarters(tmp_path):
    if connection.vendor != "postgresql" or not pg_answers():
        pytest.skip("runs in the PostgreSQL pass: headquarters needs PostgreSQL")
    node = Headquarters(tmp_path / "hq")
    node.start()
    yield node
    node.drop()


def test_a_post_with_no_link_exchanges_with_headquarters_by_stick(headquarters, tmp_path):
    hq = headquarters
    code = hq.enrolment_code("OUA")
    staff(hq, "OUA")
    post = PostNode(tmp_path / "oua", "OUA")
    post.manage("node_enrol", "--hq", hq.url, "--code", code)
    hq.stop()  # the link is cut: only a stick goes between them
    stick = tmp_path / "stick"
    stick.mkdir()

    cross(post, "ERIKSSON", "DUPONT", "JOSEPH", photos=True)
    hq.python(NEWS)
    post.manage("sync_export", "--out", str(stick / "oua-1.bmis"))
    # The stick went out before its answer came back: the next file carries the same crossings.
    cross(post, "LOUIS")
    post.manage("sync_export", "--out", str(stick / "oua-2.bmis"))
    taken = hq.manage("sync_import", str(stick / "oua-1.bmis"))
    assert "Took the file of post OUA: " in taken.stdout
    again = hq.manage("sync_import", str(stick / "oua-1.bmis"), check=False)
    assert again.returncode == 1
    assert "already imported" in again.stderr
    hq.manage("sync_import", str(stick / "oua-2.bmis"))
    crossings = hq.query("SELECT id, origin FROM crossings_crossing")
    assert len(crossings) == len({row[0] for row in crossings}) == 4
    assert {origin for _, origin in crossings} == {"OUA"}
    present = "SELECT count(*) FROM crossings_person WHERE present"
    assert hq.query(present) == post.query(present)
    # The photos went inside the files, and arrived whole.
    photos = "SELECT sha256, data FROM crossings_photo ORDER BY sha256"
    assert [(h, bytes(data)) for h, data in hq.query(photos)] == post.query(photos)
    assert sorted(bytes(data) for _, data in post.query(photos)) == sorted(
        photo(name) for name in ("ERIKSSON", "DUPONT", "JOSEPH")
    )
    assert "intact" in hq.manage("audit_verify").stdout

    wrong_side = hq.manage("sync_import", str(stick / "oua-1-answer.bmis"), check=False)
    assert "headquarters' answer" in wrong_side.stderr
    for answer in ("oua-2-answer.bmis", "oua-1-answer.bmis", "oua-2-answer.bmis"):
        post.manage("sync_import", str(stick / answer))
    assert post.query("SELECT code FROM posts_counter ORDER BY code") == [("A1",), ("B1",), ("D1",)]
    assert post.query("SELECT is_active FROM accounts_user WHERE username = 'marie'") == [(1,)]
    assert post.query("SELECT count(*) FROM crossings_crossing")[0][0] == 4

    # Everything is acknowledged: the next file carries only what happened since (the audit
    # events of the pulls), and nothing already stored.
    post.manage("sync_export", "--out", str(stick / "oua-3.bmis"))
    carried = [r for b in body(stick / "oua-3.bmis")["pushes"] for r in b["records"]]
    assert {(r["model"], r["fields"]["action"]) for r in carried} == {
        ("core.AuditEvent", "sync.pull")
    }
    hq.manage("sync_import", str(stick / "oua-3.bmis"))
    assert hq.query("SELECT count(*) FROM crossings_crossing")[0][0] == 4
    assert "intact" in hq.manage("audit_verify").stdout
    assert "intact" in post.manage("audit_verify").stdout
