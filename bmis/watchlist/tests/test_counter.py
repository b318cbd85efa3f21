"""Screening at the counter: hits shown and stored, blocking, resolved by a supervisor."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings import services as crossing_services
from bmis.crossings.models import Crossing
from bmis.crossings.reading import from_mrz
from bmis.crossings.tests.conftest import passport
from bmis.watchlist import services
from bmis.watchlist.models import HitReview, WatchList

WANTED = {"surname": "DORSAINVIL", "given": "JEAN BAPTISTE", "number": "HA1234567", "state": "HTI"}


def listed(code="WANTED", action="arrest", priority="high", **fields):
    watchlist = services.watchlist_save(
        actor=None,
        code=code,
        name=f"List {code}",
        kind=fields.pop("kind", "persons"),
        owner="Police nationale",
        action=action,
        priority=priority,
        threshold=0.85,
    )
    if watchlist.kind == "persons":
        entry = services.person_entry(
            source_ref=f"{code}-1",
            names=["Jean-Baptiste Dorsainvil"],
            birth_dates=["1974-08-12"],
            nationalities=["HTI"],
        )
    else:
        entry = services.document_entry(
            source_ref="", number="L898902C3", issuing_state="UTO", status="stolen"
        )
    services.entry_save(actor=None, watchlist=watchlist, entry=entry)
    return WatchList.objects.get(pk=watchlist.pk)


def scan(client, **kwargs):
    mrz = passport(**(WANTED | kwargs)) if kwargs != {"plain": True} else passport()
    return client.post(reverse("crossings:scan"), {"source": "mrz", "mrz": mrz}).content.decode()


def record(officer, shift, decision, **kwargs):
    return crossing_services.crossing_record(
        officer=officer,
        shift=shift,
        submission=uuid.uuid4(),
        reading=from_mrz(passport(**WANTED), today=timezone.localdate()),
        details=crossing_services.Details(mode="air"),
        decision=decision,
        **kwargs,
    )


@pytest.fixture
def counter_client(client, officer, shift):
    client.force_login(officer)
    return client


def test_a_listed_traveller_is_shown_with_the_explanation_and_the_action(counter_client, reference):
    listed()
    page = scan(counter_client)
    assert 'data-code="watchlist_hit"' in page
    assert "WANTED" in page and "DORSAINVIL" in page
    assert 'data-code="lists"' in page  # "alert lists as of …"


def test_a_high_priority_hit_blocks_a_plain_admission(officer, shift, reference):
    listed()
    with pytest.raises(Exception) as caught:
        record(officer, shift, "admitted")
    assert "decision" in caught.value.message_dict
    referral = record(officer, shift, "referred")
    hit = next(check for check in referral.checks if check["code"] == "watchlist_hit")
    assert hit["blocking"] and hit["details"]["list"] == "WANTED"
    lists = next(check for check in referral.checks if check["code"] == "lists")
    assert lists["details"]["versions"] == {"WANTED": 2}


def test_a_false_positive_lets_the_supervisor_admit_and_is_not_raised_again(
    officer, shift, supervisor, reference
):
    listed()
    referral = record(officer, shift, "referred")
    entry = next(c for c in referral.checks if c["code"] == "watchlist_hit")["details"]["entry"]
    services.hit_review(
        actor=supervisor,
        crossing=referral,
        entry_id=entry,
        outcome="false_positive",
        reason="Autre date de naissance sur la carte d'identité",
    )
    completion = crossing_services.referral_complete(
        actor=supervisor, referral=referral, submission=uuid.uuid4(), decision="admitted"
    )
    assert completion.decision == "admitted" and completion.override_by is None
    assert AuditEvent.objects.filter(action="watchlist.hit_reviewed").exists()
    again = record(officer, shift, "admitted")
    assert [c["code"] for c in again.checks if c["code"].startswith("watchlist")] == [
        "watchlist_cleared"
    ]
    review = HitReview.objects.get()
    services.hit_review_withdraw(actor=supervisor, review=review)
    with pytest.raises(Exception):
        record(officer, shift, "admitted")


def test_a_true_match_on_an_arrest_list_forbids_admission(officer, shift, supervisor, reference):
    listed()
    referral = record(officer, shift, "referred")
    entry = next(c for c in referral.checks if c["code"] == "watchlist_hit")["details"]["entry"]
    services.hit_review(
        actor=supervisor, crossing=referral, entry_id=entry, outcome="true_match", reason="Confirmé"
    )
    with pytest.raises(Exception) as caught:
        crossing_services.referral_complete(
            actor=supervisor,
            referral=referral,
            submission=uuid.uuid4(),
            decision="admitted",
            override=True,
        )
    assert "decision" in caught.value.message_dict
    assert not Crossing.objects.filter(resolves=referral).exists()


def test_a_monitoring_list_shows_nothing_at_the_counter(counter_client, officer, shift, reference):
    listed(code="WATCH", action="monitor", priority="normal")
    page = scan(counter_client)
    assert "watchlist_hit" not in page and "WATCH" not in page
    crossing = record(officer, shift, "admitted")
    assert [c["level"] for c in crossing.checks if c["code"] == "watchlist_monitor"] == ["silent"]


def test_a_lost_passport_is_a_document_hit(counter_client, reference):
    listed(code="SLTD", action="seize", kind="documents")
    page = scan(counter_client, plain=True)
    assert 'data-code="watchlist_hit"' in page and "SLTD" in page


def test_old_lists_are_said_to_be_old(officer, shift, reference, settings):
    watchlist = listed()
    WatchList.objects.filter(pk=watchlist.pk).update(
        updated_at=timezone.now() - timedelta(days=settings.BMIS_WATCHLIST_MAX_AGE_DAYS + 1)
    )
    crossing = record(officer, shift, "referred")
    assert next(c for c in crossing.checks if c["code"] == "lists")["level"] == "warning"


def test_only_a_supervisor_resolves_a_hit(client, officer, shift, supervisor, reference):
    listed()
    referral = record(officer, shift, "referred")
    entry = next(c for c in referral.checks if c["code"] == "watchlist_hit")["details"]["entry"]
    url = reverse("crossings:hit_review", args=[referral.pk])
    data = {"entry": entry, "outcome": "false_positive", "reason": "Pas lui"}
    client.force_login(officer)
    assert client.post(url, data).status_code == 403
    client.force_login(supervisor)
    assert client.post(url, {"entry": entry, "outcome": "false_positive"}).status_code == 400
    assert client.post(url, data).status_code == 302
    assert HitReview.objects.get().outcome == "false_positive"
    page = client.get(reverse("crossings:referral", args=[referral.pk])).content.decode()
    assert "Pas lui" in page


def test_the_birth_date_of_the_listed_person_counts(officer, shift, reference):
    listed()
    other = from_mrz(passport(**(WANTED | {"birth": date(1990, 1, 1)})), today=timezone.localdate())
    from bmis.crossings.inspection import inspect

    near = inspect(
        from_mrz(passport(**WANTED), today=timezone.localdate()),
        direction="entry",
        today=timezone.localdate(),
    )
    far = inspect(other, direction="entry", today=timezone.localdate())

    def score(inspection):
        return max(
            (r.details["score"] for r in inspection.results if r.code == "watchlist_hit"),
            default=0,
        )

    assert score(near) > score(far)


def test_a_traveller_listed_after_crossing_becomes_a_retroactive_hit(officer, shift, reference):
    from bmis.watchlist.models import RetroHit
    from bmis.watchlist.rescreen import rescreen

    crossing = record(officer, shift, "admitted")
    assert rescreen(days=30) == 0
    listed()
    assert rescreen(days=30) == 1
    retro = RetroHit.objects.get()
    assert retro.crossing == crossing and retro.watchlist.code == "WANTED"
    assert "DORSAINVIL" in retro.message
    assert rescreen(days=30) == 0  # nothing new the second time
    assert AuditEvent.objects.filter(action="watchlist.rescreened").count() == 2  # no list: no run


def test_rescreening_skips_hits_already_seen_or_cleared(officer, shift, supervisor, reference):
    from bmis.watchlist.rescreen import rescreen

    listed()
    referral = record(officer, shift, "referred")  # the hit was seen at the counter
    assert rescreen(days=30) == 0
    entry = next(c for c in referral.checks if c["code"] == "watchlist_hit")["details"]["entry"]
    services.hit_review(
        actor=supervisor, crossing=referral, entry_id=entry, outcome="false_positive", reason="x"
    )
    listed(code="WANTED2")  # the same person on another list: a new entry, a new hit
    assert rescreen(days=30) == 1


def test_a_supervisor_reviews_a_retroactive_hit(client, officer, shift, supervisor, reference):
    from bmis.watchlist.models import RetroHit
    from bmis.watchlist.rescreen import rescreen

    record(officer, shift, "admitted")
    listed()
    rescreen(days=30)
    hit = RetroHit.objects.get()
    client.force_login(supervisor)
    page = client.get(reverse("watchlist:retro_hits")).content.decode()
    assert "DORSAINVIL" in page
    fragment = client.get(reverse("watchlist:retro_hits"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    url = reverse("watchlist:retro_hit_review", args=[hit.pk])
    client.post(url, {"note": ""})
    hit.refresh_from_db()
    assert hit.reviewed_at is None
    client.post(url, {"note": "Signalé à la DCPJ"})
    hit.refresh_from_db()
    assert hit.reviewed_by == supervisor and hit.review_note == "Signalé à la DCPJ"
    assert "DORSAINVIL" not in client.get(reverse("watchlist:retro_hits")).content.decode()


def test_headquarters_sees_the_discreetly_monitored_crossings(
    client, officer, shift, analyst, reference
):
    listed(code="WATCH", action="monitor", priority="normal")
    record(officer, shift, "admitted")
    client.force_login(analyst)
    page = client.get(reverse("watchlist:monitoring")).content.decode()
    assert "DORSAINVIL" in page and "WATCH" in page
