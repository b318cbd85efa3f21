"""Headquarters' endpoints: enrolment, signed push and pull, and every refusal they make."""

import gzip
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings.models import Person
from bmis.sync import client, records, services, signing
from bmis.sync.models import NodeLink
from bmis.sync.services import push
from bmis.sync.views import exchange


def person_record(origin="OUA", **fields):
    person = Person(
        id=uuid.uuid4(), origin=origin, surname="ERIKSSON", given_names="ANNA", name_key="x",
        nationality="UTO", sex="F", **fields,
    )  # fmt: skip
    return records.dump(person)


def batch(records_, *, first=1, last=None, epoch=1, **extra):
    last = len(records_) if last is None else last
    return {"schema": records.SCHEMA, "epoch": epoch, "from_seq": first, "to_seq": last,
            "records": records_, **extra}  # fmt: skip


def refusals():
    return list(AuditEvent.objects.filter(action="sync.refused").values_list("details", flat=True))


# Enrolment


def test_a_post_enrols_once_with_its_code(hq, client, oua):
    code = services.node_code_issue(actor=None, post=oua)
    key = signing.public_pem(signing.own_key())
    answer = client.post(
        "/sync/enrol",
        {"post": "OUA", "code": code.lower(), "public_key": key, "version": "0.1.0"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 200
    assert answer.json()["epoch"] == 1
    assert NodeLink.objects.get(post=oua).public_key == key
    again = client.post(
        "/sync/enrol",
        {"post": "OUA", "code": code, "public_key": key},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert again.status_code == 403
    assert again.json() == {
        "error": "code",
        "message": "This enrolment code is not valid for this post.",
    }
    assert refusals()[-1]["code"] == "code"


def test_enrolling_again_starts_a_new_epoch_and_forgets_the_old_key(hq, client, link, oua):
    code = services.node_code_issue(actor=None, post=oua)
    services.node_enrol(post_code="OUA", code=code, public_key=signing.public_pem(
        signing.own_key()), version="")  # fmt: skip
    link.refresh_from_db()
    assert link.epoch == 2
    assert link.acked_seq == 0


def test_request_numbers_go_on_growing_across_enrolments(hq, node, link, oua):
    node.post("/sync/push", batch([person_record()]), number=40)
    code = services.node_code_issue(actor=None, post=oua)
    # The same machine enrols again: its key is the same, its old requests must stay dead.
    answer = services.node_enrol(post_code="OUA", code=code, public_key=link.public_key,
                                 version="")  # fmt: skip
    assert answer["last_request"] == 40
    replay = node.post("/sync/push", batch([person_record()], epoch=2), number=40)
    assert replay.status_code == 409
    assert replay.json()["error"] == "replay"


def test_an_expired_code_is_refused(hq, client, oua):
    code = services.node_code_issue(actor=None, post=oua)
    NodeLink.objects.update(enrolment_expires_at=timezone.now() - timedelta(seconds=1))
    answer = client.post(
        "/sync/enrol",
        {"post": "OUA", "code": code, "public_key": signing.public_pem(signing.own_key())},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 403
    assert answer.json()["message"] == "This enrolment code has expired: ask for a new one."


def test_a_post_node_has_no_sync_endpoints(client, oua):
    assert client.post("/sync/enrol", {}, content_type="application/json").status_code == 404


# Push


def test_a_record_pushed_twice_is_stored_once(hq, node, link):
    record = person_record()
    first = node.post("/sync/push", batch([record]))
    assert first.status_code == 200
    assert first.json() == {"acked": 1, "stored": 1, "refused": []}
    again = node.post("/sync/push", batch([record]))  # the answer was lost: the node resends
    assert again.json()["acked"] == 1
    assert Person.objects.filter(pk=record["id"]).count() == 1
    link.refresh_from_db()
    assert link.acked_seq == 1


def test_a_replayed_request_is_refused(hq, node):
    first = node.post("/sync/push", batch([person_record()]), number=7)
    assert first.status_code == 200
    replay = node.post("/sync/push", batch([person_record()]), number=7)
    assert replay.status_code == 409
    assert replay.json()["error"] == "replay"
    assert Person.objects.count() == 1


def test_a_forged_signature_is_refused_and_audited(hq, node):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = node.post("/sync/push", batch([person_record()]), key=Ed25519PrivateKey.generate())
    assert forged.status_code == 403
    assert forged.json()["message"] == "The request's signature does not match the node's key."
    assert refusals()[-1] == {
        "code": "signature",
        "reason": "The request's signature does not match the node's key.",
    }
    assert not Person.objects.exists()


def test_a_record_of_another_post_is_refused_and_the_rest_lands(hq, node):
    ours, theirs = person_record(), person_record(origin="PAP")
    answer = node.post("/sync/push", batch([ours, theirs]))
    assert answer.status_code == 200
    assert answer.json()["stored"] == 1
    assert answer.json()["refused"] == [
        {"model": "crossings.Person", "id": theirs["id"], "reason": "foreign", "detail": "PAP"}
    ]
    assert list(Person.objects.values_list("id", flat=True)) == [uuid.UUID(ours["id"])]
    pushed = AuditEvent.objects.get(action="sync.push")
    assert pushed.details["refused"][0]["reason"] == "foreign"


def test_unreadable_records_are_refused_one_by_one(hq, node):
    bad_date = person_record()
    bad_date["fields"]["birth_date"] = "1974-02-30"
    unknown = {"model": "accounts.User", "id": str(uuid.uuid4()), "fields": {}}
    answer = node.post("/sync/push", batch([bad_date, unknown, "garbage", person_record()]))
    assert answer.status_code == 200
    reasons = [refusal["reason"] for refusal in answer.json()["refused"]]
    assert reasons == ["value", "model", "malformed"]
    assert Person.objects.count() == 1


def test_a_record_that_breaks_a_key_is_refused_and_the_rest_lands(hq, node):
    dangling = person_record(entry_post_id=None)
    from bmis.crossings.models import TravelDocument

    orphan = TravelDocument(
        id=uuid.uuid4(), origin="OUA", person_id=uuid.uuid4(), kind="passport",
        issuing_state="UTO", number="L898902C3",
    )  # fmt: skip
    document = records.dump(orphan)
    answer = node.post("/sync/push", batch([dangling, document]))
    assert answer.status_code == 200
    assert [r["reason"] for r in answer.json()["refused"]] == ["conflict"]
    assert Person.objects.count() == 1
    assert not TravelDocument.objects.exists()


def test_another_schema_or_epoch_is_refused(hq, node):
    other = node.post("/sync/push", {**batch([person_record()]), "schema": 1})
    assert other.status_code == 400
    assert other.json()["message"] == (
        "This node speaks version 1 of the exchange; headquarters speaks 2."
    )  # version 1 carried photos inside the records: headquarters would wait for them forever
    stale = node.post("/sync/push", batch([person_record()], epoch=0))
    assert stale.status_code == 409
    assert stale.json()["error"] == "epoch"
    assert not Person.objects.exists()


def test_a_batch_after_a_gap_is_refused(hq, node):
    answer = node.post("/sync/push", batch([person_record()], first=5, last=5))
    assert answer.status_code == 409
    assert answer.json()["error"] == "gap"


def test_a_revoked_node_is_refused(hq, node, link, admin_user):
    services.node_revoke(actor=admin_user, link=link)
    answer = node.post("/sync/push", batch([person_record()]))
    assert answer.status_code == 403
    assert answer.json()["message"] == "This node's credentials were revoked: enrol it again."


def test_garbage_bodies_are_refused(hq, node):
    answer = node.post("/sync/push", None, body=b"\xff{not json")
    assert answer.status_code == 400
    assert answer.json()["error"] == "malformed"
    answer = node.post("/sync/push", {"schema": records.SCHEMA, "epoch": "x"})
    assert answer.json()["error"] == "malformed"


def test_answers_are_signed_by_headquarters(hq, node):
    answer = node.post("/sync/push", batch([]))
    text = signing.message("RESPONSE", "/sync/push", "HQ", 1, answer.content)
    hq_key = signing.public_pem(signing.own_key())
    assert signing.verify(hq_key, answer["X-BMIS-Signature"], text)


def test_the_node_reports_its_backlog_and_clock(hq, node, link):
    node.post("/sync/push", batch([], waiting=12, oldest_waiting_at="2026-11-20T10:00:00+00:00",
                                  lists={"UN": 4}))  # fmt: skip
    link.refresh_from_db()
    assert link.waiting == 12
    assert link.oldest_waiting_at.isoformat() == "2026-11-20T10:00:00+00:00"
    assert link.list_versions == {"UN": 4}
    assert abs(link.clock_offset) < 60  # the node's clock is this machine's


# Pull


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_a_pull_brings_what_headquarters_owns_after_the_cursor(hq, node, oua, pap):
    from bmis.posts.services import counter_create

    first = node.post("/sync/pull", {"cursor": {}}).json()
    assert {r["model"] for r in first["records"]} >= {"posts.Post"}
    counter = counter_create(actor=None, post=oua, code="A1", name="Arrivals 1")
    second = node.post("/sync/pull", {"cursor": first["cursor"]}).json()
    assert [r["id"] for r in second["records"] if r["model"] == "posts.Counter"] == [
        str(counter.pk)
    ]
    assert not [r for r in second["records"] if r["model"] == "posts.Post"]


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_staff_of_other_posts_arrive_without_credentials(hq, node, officer, officer_oua):
    pulled = node.post("/sync/pull", {"cursor": {}}).json()["records"]
    users = {r["fields"]["username"]: r["fields"] for r in pulled if r["model"] == "accounts.User"}
    assert users[officer_oua.username]["is_active"] is True
    assert users[officer_oua.username]["password"] == officer_oua.password
    assert users[officer.username]["is_active"] is False
    assert users[officer.username]["password"].startswith("!")
    assert "last_login" not in users[officer.username]


# Committed writes: on PostgreSQL a pull serves only changes of finished transactions.
@pytest.mark.django_db(transaction=True)
def test_a_post_gets_its_own_records_back_only_while_restoring(hq, node):
    node.post("/sync/push", batch([person_record()]))
    normal = node.post("/sync/pull", {"cursor": {}}).json()["records"]
    assert not [r for r in normal if r["model"] == "crossings.Person"]
    restoring = node.post("/sync/pull", {"cursor": {}, "restoring": True}).json()["records"]
    assert len([r for r in restoring if r["model"] == "crossings.Person"]) == 1


def test_a_malformed_cursor_is_refused(hq, node):
    answer = node.post("/sync/pull", {"cursor": {"txid": "x"}})
    assert answer.status_code == 400
    assert answer.json()["error"] == "malformed"


# Bodies gzipped both ways (client.py)


def test_a_gzipped_batch_is_stored_and_a_gzipped_answer_is_signed_as_json(hq, node, monkeypatch):
    monkeypatch.setattr(client, "COMPRESS_FROM", 10)  # on PostgreSQL a test's pull is small
    body = gzip.compress(json.dumps(batch([person_record() for _ in range(20)])).encode())
    answer = node.post("/sync/push", None, body=body,
                       headers={"Content-Encoding": "gzip", "Accept-Encoding": "gzip"})  # fmt: skip
    assert answer.status_code == 200
    assert Person.objects.count() == 20
    pulled = node.post("/sync/pull", {"cursor": {}}, headers={"Accept-Encoding": "gzip"})
    assert pulled["Content-Encoding"] == "gzip"
    content = gzip.decompress(pulled.content)
    text = signing.message("RESPONSE", "/sync/pull", "HQ", 2, content)
    assert signing.verify(signing.public_pem(signing.own_key()), pulled["X-BMIS-Signature"], text)
    assert "records" in json.loads(content)


@pytest.mark.parametrize(
    "body",
    [
        gzip.compress(b'{"schema": 2}')[:-6],  # cut short
        b"\x1f\x8b not gzip at all",
        gzip.compress(b" " * (3 * 1024 * 1024)),  # unpacks to more than allowed
    ],
    ids=["truncated", "garbage", "a bomb"],
)
def test_a_damaged_or_swollen_gzipped_body_is_refused_clearly(hq, node, body, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_BODY", 1024 * 1024)
    answer = node.post("/sync/push", None, body=body, headers={"Content-Encoding": "gzip"})
    assert answer.status_code == 400
    message = "The request's compressed body is damaged or too large."
    assert answer.json() == {"error": "malformed", "message": message}
    assert not Person.objects.exists()


def test_the_client_unpacks_only_what_it_can_trust():
    packed = gzip.compress(b"x" * 5000)
    assert client.unpacked(packed, "gzip", 5000) == b"x" * 5000
    assert client.unpacked(b"{}", None, 10) == b"{}"
    for content, encoding in ((packed, "br"), (packed[:-4], "gzip"), (packed, "gzip ")):
        if encoding == "gzip ":
            assert client.unpacked(content, encoding, 5000) == b"x" * 5000
            continue
        with pytest.raises(ValueError):
            client.unpacked(content, encoding, 5000)
    with pytest.raises(ValueError, match="more than 4999"):
        client.unpacked(packed, "gzip", 4999)


@pytest.mark.django_db(transaction=True)  # committed: on PostgreSQL the horizon passes them
def test_a_pull_passes_over_the_nodes_own_records_in_one_answer(hq, node, monkeypatch):
    from bmis.sync import feed
    from bmis.sync.models import Change

    monkeypatch.setattr(feed, "BATCH", 2)  # the node's five records would take three answers
    first = node.post("/sync/pull", {"cursor": {}}).json()  # its post, as headquarters holds it
    node.post("/sync/push", batch([person_record() for _ in range(5)]))
    answer = node.post("/sync/pull", {"cursor": first["cursor"]}).json()
    last = Change.objects.latest("seq")
    assert (answer["records"], answer["more"]) == ([], False)
    assert answer["cursor"] == {"txid": last.txid, "seq": last.seq}
    # What headquarters writes next still comes, after the cursor.
    from bmis.reference.models import TravelPurpose

    TravelPurpose.objects.create(code="NEW", name_fr="x", name_en="x", name_ht="x", name_es="x")
    answer = node.post("/sync/pull", {"cursor": answer["cursor"]}).json()
    assert [record["id"] for record in answer["records"]] == ["NEW"]


def test_a_batch_stored_a_few_records_at_a_time_refuses_only_what_it_must(hq, node, monkeypatch):
    """Records are read and sent to the database in parts (the database storing one while the
    next is read): a broken key in one part still leaves every other part's rows stored."""
    from bmis.crossings.models import TravelDocument

    monkeypatch.setattr(push._Received, "CHUNK", 2)
    people = [person_record() for _ in range(5)]
    orphan = records.dump(TravelDocument(
        id=uuid.uuid4(), origin="OUA", person_id=uuid.uuid4(), kind="passport",
        issuing_state="UTO", number="L898902C3",
    ))  # fmt: skip
    theirs = person_record(origin="PAP")
    answer = node.post("/sync/push", batch([*people[:3], orphan, theirs, *people[3:]]))
    assert answer.status_code == 200
    assert answer.json()["stored"] == 5
    assert [r["reason"] for r in answer.json()["refused"]] == ["foreign", "conflict"]
    assert set(Person.objects.values_list("id", flat=True)) == {
        uuid.UUID(person["id"]) for person in people
    }
    assert not TravelDocument.objects.exists()
    assert NodeLink.objects.get().acked_seq == 7


@pytest.mark.parametrize(
    "body",
    [b'{"schema": NaN}', b'{"a": Infinity}', b'{"a": 1e400}', b"[" * 5000 + b"]" * 5000],
    ids=["NaN", "Infinity", "overflow", "deep"],
)
def test_json_that_no_row_can_hold_is_refused_as_malformed(hq, node, body):
    answer = node.post("/sync/push", None, body=body)
    assert answer.status_code == 400
    assert answer.json() == {"error": "malformed", "message": "The request is not valid JSON."}


@pytest.mark.parametrize(
    "record",
    [None, "x", {"model": "crossings.Crossing"}, {"model": "crossings.Crossing", "fields": []},
     {"model": "crossings.Crossing", "fields": {"person_id": 12}},
     {"model": "crossings.Crossing", "fields": {"person_id": "not a key"}}],
)  # fmt: skip
def test_reading_a_batchs_travellers_ahead_passes_over_what_cannot_be_read(record, monkeypatch):
    monkeypatch.setattr(push, "AHEAD_FROM", 1)
    monkeypatch.setattr(push.connection, "vendor", "postgresql")
    assert push._histories_ahead([record]) is None
