import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from bmis.core import audit
from bmis.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def make_events(n, actor=None):
    return [
        audit.record(actor=actor, action="test.event", details={"n": i, "name": "Ségolène"})
        for i in range(n)
    ]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_chains_each_event_to_the_previous_one_of_its_node():
    first, second, third = make_events(3)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.origin == "PAP"
    head = AuditChainHead.objects.get(node="PAP")
    assert (head.seq, head.hash) == (3, third.hash)


def test_it_stores_exactly_what_the_hash_covers():
    event = make_events(1)[0]
    stored = AuditEvent.objects.get(pk=event.pk)
    assert audit.event_hash(stored) == stored.hash
    assert stored.details == {"n": 0, "name": "Ségolène"}


def test_it_records_who_and_from_where(rf, officer):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    event = audit.record(actor=officer, action="user.viewed", obj=officer, request=request)
    assert event.actor == officer
    assert event.actor_username == "officer"
    assert event.address == "10.1.2.3"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(officer.pk)


def test_an_intact_chain_verifies():
    make_events(5)
    assert audit.verify() == []
    call_command("audit_verify")


def test_it_catches_an_edited_event():
    events = make_events(5)
    raw("UPDATE core_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', events[2].pk.hex])
    breaks = audit.verify()
    assert [(b.node, b.seq, b.reason) for b in breaks] == [("PAP", 3, "edited")]


def test_it_catches_an_edited_actor_name():
    events = make_events(4)
    raw("UPDATE core_auditevent SET actor_username = 'mallory' WHERE id = %s", [events[1].pk.hex])
    assert [(b.seq, b.reason) for b in audit.verify()] == [(2, "edited")]


def test_it_catches_a_deleted_event():
    events = make_events(5)
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk.hex])
    assert [(b.seq, b.reason) for b in audit.verify()] == [(2, "missing")]


def test_it_catches_deleted_newest_events():
    events = make_events(5)
    raw("DELETE FROM core_auditevent WHERE seq >= %s", [4])
    assert events[3].seq == 4
    assert [(b.seq, b.reason) for b in audit.verify()] == [(4, "truncated")]


def test_it_catches_an_event_rehashed_after_an_edit():
    events = make_events(4)
    victim = AuditEvent.objects.get(pk=events[1].pk)
    victim.details = {"n": 42}
    forged = audit.event_hash(victim)
    raw(
        "UPDATE core_auditevent SET details = %s, hash = %s WHERE id = %s",
        ['{"n": 42}', forged, events[1].pk.hex],
    )
    assert [(b.seq, b.reason) for b in audit.verify()] == [(3, "relinked")]


def test_audit_verify_exits_non_zero_naming_the_first_broken_event(capsys):
    events = make_events(6)
    raw("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [events[3].pk.hex])
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[4].pk.hex])
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert f"BROKEN: node PAP, event #4 ({events[3].pk}): its contents no longer match" in err
    assert str(caught.value) == "The audit trail is broken at 1 node."


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = make_events(1)[0]
    event.action = "other"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")


def test_an_event_rolls_back_with_the_write_it_describes():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="test.rolled_back")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert AuditChainHead.objects.filter(node="PAP", seq__gt=0).count() == 0
    make_events(1)
    assert audit.verify() == []


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.9", "", "10.0.0.9"),
        ("10.0.0.9", "203.0.113.5", "10.0.0.9"),  # not a proxy of ours: its header is ignored
        ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.1", "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # the nearest hop is believed
        ("10.0.0.1", "203.0.113.5, 10.0.0.2", "203.0.113.5"),  # through two proxies of ours
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("", "203.0.113.5", None),
    ],
)
def test_it_finds_the_client_behind_a_trusted_proxy(rf, settings, remote, forwarded, expected):
    settings.BMIS_TRUSTED_PROXIES = frozenset({"10.0.0.1", "10.0.0.2"})
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert audit.client_address(request) == expected


def test_records_that_travel_share_one_base_with_uuid7_keys():
    from django.apps import apps

    from bmis.core.models import SyncedModel

    travelling = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in {"core", "accounts", "posts"} and issubclass(model, SyncedModel)
    }
    assert travelling == {"core.AuditEvent", "accounts.User", "accounts.PasswordChange",
                          "posts.Post", "posts.Counter"}  # fmt: skip
    for label in travelling:
        model = apps.get_model(label)
        assert model().pk.version == 7
        assert model._meta.get_field("origin").default() == "PAP"


def test_it_stores_nul_characters_an_attacker_sent_as_replacement_characters():
    event = audit.record(
        actor=None, action="test.event", object_id="a\x00b", details={"path": "/x\x00y"}
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.object_id == "a\ufffdb"
    assert stored.details == {"path": "/x\ufffdy"}
    assert audit.verify() == []
