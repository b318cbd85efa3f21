import pytest
from django.core.exceptions import ValidationError

from bmis.core.models import AuditEvent
from bmis.posts.models import Counter, Post
from bmis.posts.services import counter_create, counter_update, post_upsert

OUANAMINTHE = {
    "code": "OUA",
    "name": "Ouanaminthe border crossing",
    "kind": "land",
    "department": "HT-NE",
    "locality": "Ouanaminthe",
    "facing": "Dajabón",
    "iata": "",
}


def test_it_opens_a_counter_and_audits_it(chief, pap):
    counter = counter_create(actor=chief, post=pap, code="A1", name=" Arrivals 1 ")
    assert (counter.post, counter.code, counter.name, counter.is_active) == (
        pap,
        "A1",
        "Arrivals 1",
        True,
    )
    event = AuditEvent.objects.get(action="counter.created")
    assert (event.actor, event.object_id) == (chief, str(counter.pk))
    assert event.details == {"post": "PAP", "code": "A1", "name": "Arrivals 1"}


@pytest.mark.parametrize("code", ["a1", "A 1", "A_1", "", "ABCDEFGHIJK", "É1"])
def test_it_refuses_a_counter_code_that_is_not_capitals_digits_or_hyphens(pap, code):
    with pytest.raises(ValidationError) as caught:
        counter_create(actor=None, post=pap, code=code, name="Arrivals")
    assert "1 to 10 capital letters" in caught.value.message_dict["code"][0]
    assert not Counter.objects.exists()


def test_it_accepts_digits_and_hyphens_in_a_counter_code(pap):
    assert counter_create(actor=None, post=pap, code="D-2", name="Departures").code == "D-2"


def test_it_refuses_a_counter_code_already_used_at_the_post(pap):
    counter_create(actor=None, post=pap, code="A1", name="Arrivals 1")
    with pytest.raises(ValidationError) as caught:
        counter_create(actor=None, post=pap, code="A1", name="Another")
    assert caught.value.message_dict["code"] == [
        "The post PAP already has a counter A1. Choose another code."
    ]
    assert Counter.objects.count() == 1


def test_it_allows_the_same_counter_code_at_another_post(pap, oua):
    counter_create(actor=None, post=pap, code="1", name="Counter 1")
    assert counter_create(actor=None, post=oua, code="1", name="Counter 1").post == oua


def test_it_refuses_a_counter_without_a_name(pap):
    with pytest.raises(ValidationError) as caught:
        counter_create(actor=None, post=pap, code="A1", name="   ")
    assert caught.value.message_dict == {"name": ["Give the counter a name."]}


def test_it_refuses_a_counter_at_a_closed_post(pap):
    Post.objects.filter(pk=pap.pk).update(is_active=False)
    pap.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        counter_create(actor=None, post=pap, code="A1", name="Arrivals 1")
    assert caught.value.messages == ["The post PAP is closed: it cannot open a counter."]


def test_it_closes_a_counter_without_deleting_it_and_audits_the_change(chief, pap):
    counter = counter_create(actor=None, post=pap, code="A1", name="Arrivals 1")
    counter_update(actor=chief, counter=counter, name="Arrivals one", is_active=False)
    counter.refresh_from_db()
    assert (counter.name, counter.is_active) == ("Arrivals one", False)
    event = AuditEvent.objects.get(action="counter.updated")
    assert event.actor == chief
    assert event.details == {
        "post": "PAP",
        "code": "A1",
        "name": {"from": "Arrivals 1", "to": "Arrivals one"},
        "is_active": {"from": True, "to": False},
    }


def test_it_records_nothing_when_a_counter_update_changes_nothing(pap):
    counter = counter_create(actor=None, post=pap, code="A1", name="Arrivals 1")
    counter_update(actor=None, counter=counter, name="Arrivals 1", is_active=True)
    assert not AuditEvent.objects.filter(action="counter.updated").exists()


def test_it_refuses_to_rename_a_counter_to_nothing_or_to_too_long_a_name(pap):
    counter = counter_create(actor=None, post=pap, code="A1", name="Arrivals 1")
    for name in ["", "x" * 81]:
        with pytest.raises(ValidationError) as caught:
            counter_update(actor=None, counter=counter, name=name)
        assert list(caught.value.message_dict) == ["name"]
    counter.refresh_from_db()
    assert counter.name == "Arrivals 1"


def test_it_creates_a_post_then_leaves_it_alone_when_nothing_changed(db):
    post, outcome = post_upsert(actor=None, **OUANAMINTHE)
    assert outcome == "created"
    assert (post.kind, post.department, post.facing) == ("land", "HT-NE", "Dajabón")
    assert post_upsert(actor=None, **OUANAMINTHE)[1] == "unchanged"
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["post.created"]


def test_it_audits_only_the_facts_of_a_post_that_changed(db):
    post_upsert(actor=None, **OUANAMINTHE)
    post, outcome = post_upsert(actor=None, **{**OUANAMINTHE, "locality": "Wanament"})
    assert outcome == "updated"
    assert post.locality == "Wanament"
    event = AuditEvent.objects.get(action="post.updated")
    assert event.details == {"code": "OUA", "locality": {"from": "Ouanaminthe", "to": "Wanament"}}


def test_it_keeps_a_closed_post_closed_when_the_list_is_loaded_again(db):
    post, _outcome = post_upsert(actor=None, **OUANAMINTHE)
    Post.objects.filter(pk=post.pk).update(is_active=False)
    post, _outcome = post_upsert(actor=None, **OUANAMINTHE)
    assert not post.is_active


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "oua"}, "code"),
        ({"code": "HQ"}, "code"),
        ({"kind": "rail"}, "kind"),
        ({"department": "HT-XX"}, "department"),
        ({"iata": "OUA"}, "iata"),
        ({"kind": "air", "facing": "", "iata": "P1"}, "iata"),
        ({"kind": "sea"}, "facing"),
        ({"name": " "}, "name"),
    ],
)
def test_it_refuses_a_post_with_wrong_facts(db, changes, field):
    with pytest.raises(ValidationError) as caught:
        post_upsert(actor=None, **{**OUANAMINTHE, **changes})
    assert field in caught.value.message_dict
    assert not Post.objects.exists()
