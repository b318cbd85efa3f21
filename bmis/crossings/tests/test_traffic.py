"""Synthetic traffic (bmis/crossings/traffic) and `manage.py demo_traffic`."""

from collections import Counter as Tally
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from bmis.accounts.models import User
from bmis.core.models import AuditEvent
from bmis.crossings import stays
from bmis.crossings.models import Crossing, Person, StayCase, StayRule, TravelDocument
from bmis.crossings.traffic import AUDIT_ACTION, generate
from bmis.posts.models import Counter
from bmis.reference.services import reference_load
from domain import mrz

HAITI = ZoneInfo("America/Port-au-Prince")
END = datetime(2025, 9, 30, 16, 45, tzinfo=HAITI)


@pytest.fixture
def loaded(db):
    reference_load()


def fingerprint() -> list[tuple]:
    crossings = Crossing.objects.order_by("id").values_list(
        "id", "submission", "person_id", "at", "direction", "decision", "post__code", "flight"
    )
    documents = TravelDocument.objects.order_by("id").values_list("id", "number", "mrz")
    return [*crossings, *documents]


def test_it_refuses_to_run_before_the_reference_data_is_loaded(db):
    with pytest.raises(CommandError, match=r"run `python manage\.py load_reference` first"):
        call_command("demo_traffic", "--crossings", "10", stdout=StringIO())
    assert not Crossing.objects.exists()
    assert not User.objects.exists()


def test_it_adds_the_crossings_asked_for_and_says_so(loaded):
    out = StringIO()
    call_command("demo_traffic", "--crossings", "500", "--seed", "7", stdout=out)
    persons = Person.objects.count()
    assert Crossing.objects.count() == 500
    assert 130 <= persons <= 210  # about 3 crossings a traveller
    assert TravelDocument.objects.count() == persons
    assert "Added 500 crossings" in out.getvalue()
    event = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert (event.details["crossings"], event.details["travellers"]) == (500, persons)
    assert (event.details["seed"], event.details["run"]) == (7, 0)
    # What it needs it made through the services, each with its own audit event.
    assert sorted(Counter.objects.filter(post__code="PAP").values_list("code", flat=True)) == [
        "A1",
        "A2",
        "A3",
        "D1",
        "D2",
    ]
    officer = User.objects.get(username="demo-officer-oua")
    assert (officer.role, officer.post.code, officer.has_usable_password()) == (
        "officer",
        "OUA",
        True,
    )
    assert User.objects.get(username="demo-supervisor-pap").role == "supervisor"
    assert StayRule.objects.filter(code="VISITOR").exists()
    assert AuditEvent.objects.filter(action="user.created").count() == User.objects.count()
    connection.check_constraints()  # every foreign key written resolves


def test_every_document_reads_back_as_it_was_recorded(loaded):
    generate(crossings=600, seed=3, end=END)
    documents = TravelDocument.objects.select_related("person")
    kinds = Tally(document.kind for document in documents)
    assert kinds["passport"] > kinds["id_card"] > 0 and kinds["border_card"] > 0
    for document in documents:
        person = document.person
        if document.kind == "border_card":
            assert (document.mrz, document.issuing_state, person.nationality) == ("", "DOM", "DOM")
            continue
        zone = mrz.parse(document.mrz.splitlines(), today=END.date())
        assert zone.valid, (document.mrz, zone.errors)
        assert zone.format == ("TD3" if document.kind == "passport" else "TD1")
        assert (zone.document_number, zone.issuing_state) == (
            document.number,
            document.issuing_state,
        )
        assert (zone.surname, zone.given_names, zone.birth_date, zone.sex) == (
            person.surname,
            person.given_names,
            person.birth_date,
            person.sex,
        )
        assert zone.expiry_date == document.expiry_date > END.date()
    nationalities = set(Person.objects.values_list("nationality", flat=True))
    assert {"HTI", "DOM", "USA"} <= nationalities and len(nationalities) >= 8


def test_the_derived_fields_are_what_the_services_would_store(loaded):
    generate(crossings=1500, seed=11, end=END)
    fields = ["present", "present_since", "permitted_until", "stay_rule", "entry_post_id"]
    fields.append("last_crossing_id")
    cases = sorted(StayCase.objects.values_list("person_id", "code", "crossing_ids"))
    exits = 0
    for person in Person.objects.all():
        before = {name: getattr(person, name) for name in fields}
        crossings = list(person.crossings.all())
        found = stays.matching(crossings)
        stays.refresh(person, crossings, found)
        person.refresh_from_db()
        assert {name: getattr(person, name) for name in fields} == before
        for crossing in crossings:
            if crossing.direction == "exit" and crossing.decision == "admitted":
                stay = stays.stay_of_exit(found, str(crossing.id))
                assert (crossing.stay_days, crossing.overstay_days) == (
                    (stay.days, stay.overstay_days) if stay else (None, 0)
                )
                exits += 1
            if crossing.direction == "entry" and crossing.decision == "admitted":
                choice = stays.choose_rule(
                    nationality=person.nationality,
                    document_kind=crossing.document.kind,
                    residence=crossing.residence or person.nationality,
                    entry_day=crossing.at.astimezone(HAITI).date(),
                )
                assert (crossing.stay_rule, crossing.permitted_until) == (
                    (choice.code, choice.permitted_until) if choice else ("", None)
                )
    assert exits > 300
    assert sorted(StayCase.objects.values_list("person_id", "code", "crossing_ids")) == cases


def test_the_traffic_looks_like_a_year_at_haitis_posts(loaded):
    generate(crossings=4000, seed=5, end=END)
    crossings = Crossing.objects.select_related("post", "document", "person")
    assert min(c.at for c in crossings) >= END - timedelta(days=365)
    assert max(c.at for c in crossings) <= END
    by_post = Tally(c.post.code for c in crossings)
    assert by_post["PAP"] > by_post["CAP"] > by_post["PAPM"] > 0
    assert by_post["OUA"] > by_post["MAL"] > 0
    ouanaminthe = [c.at.astimezone(HAITI).weekday() for c in crossings if c.post.code == "OUA"]
    market = sum(1 for day in ouanaminthe if day in (0, 4))  # Monday and Friday
    assert market > 0.5 * len(ouanaminthe)
    summer = [c.at.astimezone(HAITI).month for c in crossings if c.post.code == "PAP"]
    assert sum(1 for month in summer if month in (7, 8, 12)) > 0.3 * len(summer)
    for c in crossings:
        assert c.mode == {"air": "air", "land": "land", "sea": "sea"}[c.post.kind]
        if c.mode == "air":
            assert c.carrier and c.flight[:2].isalnum() and c.flight[2:].isdigit()
        if c.direction == "entry" and c.decision == "admitted" and c.person.nationality != "HTI":
            assert c.purpose_id
        if c.document.kind == "border_card" and c.direction == "exit":
            assert c.post.kind == "land"
    refused = Crossing.objects.filter(decision="refused")
    assert refused.exists() and not refused.filter(refusal_reason__isnull=True).exists()
    completions = Crossing.objects.filter(resolves__isnull=False).select_related("resolves")
    assert completions.exists()
    for completion in completions:
        assert completion.resolves.decision == "referred"
        assert completion.officer.role == "supervisor" and completion.shift_id is None
    assert not Crossing.objects.awaiting_secondary().exists()
    today = END.date()
    assert Person.objects.present().exists()
    assert Person.objects.overstaying(today).exists()
    assert Crossing.objects.filter(overstay_days__gt=0, direction="exit").exists()
    same_day = Crossing.objects.filter(document__kind="border_card", direction="exit")
    assert same_day.filter(stay_days=1).count() > 0.9 * same_day.count()
    assert not StayCase.objects.exists()


def test_the_same_seed_gives_the_same_traffic(loaded):
    runs = []
    for seed in (21, 21, 22):
        with transaction.atomic():
            generate(crossings=300, seed=seed, end=END)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_running_again_adds_more_traffic(loaded):
    first = generate(crossings=200, seed=4, end=END)
    second = generate(crossings=200, seed=4, end=END)
    assert (first.run, second.run) == (0, 1)
    assert Crossing.objects.count() == 400
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == 2
    assert User.objects.filter(username__startswith="demo-").count() == 2 * 16
    shared = (
        TravelDocument.objects.values("issuing_state", "number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not shared.exists()


def test_if_empty_adds_traffic_only_to_a_node_without_crossings(loaded):
    call_command(
        "demo_traffic", "--crossings", "50", "--seed", "1", "--if-empty", stdout=StringIO()
    )
    count = Crossing.objects.count()
    assert count == 50
    out = StringIO()
    call_command("demo_traffic", "--crossings", "50", "--seed", "1", "--if-empty", stdout=out)
    assert Crossing.objects.count() == count
    assert "no traffic added" in out.getvalue()
