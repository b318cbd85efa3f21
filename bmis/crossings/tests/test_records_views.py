"""The post's record pages: the day's crossings, a crossing and its correction, travellers,
who is in the country, overstayers and data-quality cases."""

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings import services
from bmis.crossings.models import Crossing, Person, StayCase
from bmis.crossings.reading import from_mrz
from bmis.crossings.tests.conftest import passport
from bmis.posts.models import Counter
from bmis.reference.models import RefusalReason, TravelPurpose
from conftest import make_user

HTMX = {"HX-Request": "true"}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x01" * 200
ANNA = passport()
PAUL = passport(surname="DUPONT", given="PAUL", number="X1234567", birth=date(1980, 3, 5))
MARIE = passport(
    surname="JEAN", given="MARIE CLAIRE", number="H7654321", state="HTI", birth=date(1990, 1, 2)
)


def english(*users):
    """Show these users the interface in English, the message ids."""
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def noon(days_ago: int) -> datetime:
    """Return noon, local time, `days_ago` days before today."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def cross(shift, mrz=ANNA, *, decision="admitted", at=None, reason="", **extra) -> Crossing:
    """Record a crossing at `shift` through the service, as the counter does."""
    return services.crossing_record(
        officer=shift.officer,
        shift=shift,
        submission=uuid.uuid4(),
        reading=from_mrz(mrz, today=timezone.localdate(at)),
        details=services.Details(mode="air", purpose=TravelPurpose.objects.get(code="tourism")),
        decision=decision,
        refusal_reason=RefusalReason.objects.get(code=reason) if reason else None,
        at=at,
        **extra,
    )


def correct(supervisor, original, **changes) -> Crossing:
    return services.crossing_correct(
        actor=supervisor,
        original=original,
        submission=uuid.uuid4(),
        reason=changes.pop("reason", "Typed against the wrong flight."),
        **changes,
    )


@pytest.fixture
def exit_shift(supervisor, exit_counter, reference):
    return services.shift_open(officer=supervisor, counter=exit_counter, direction="exit")


@pytest.fixture
def oua_shift(officer_oua, oua, reference):
    counter = Counter.objects.create(post=oua, code="L1", name="Entrées")
    return services.shift_open(officer=officer_oua, counter=counter, direction="entry")


@pytest.fixture
def supervisor_oua(oua):
    return make_user("supervisor_oua", "supervisor", oua)


def detail(crossing) -> str:
    return reverse("crossings:crossing_detail", args=[crossing.pk])


def profile(person) -> str:
    return reverse("crossings:traveller_detail", args=[person.pk])


def denied_to(client, user, path, method="get") -> bool:
    """Return whether `user` is refused `path` (403) and the refusal is audited."""
    client.force_login(user)
    response = getattr(client, method)(path)
    audited = AuditEvent.objects.filter(action="access.denied", actor=user).exists()
    return response.status_code == 403 and audited


# --- The day's crossings ----------------------------------------------------------------------


def test_it_lists_todays_crossings_at_the_officers_post_with_totals(
    client, officer, shift, oua_shift
):
    english(officer)
    admitted = cross(shift)
    refused = cross(shift, PAUL, decision="refused", reason="A")
    elsewhere = cross(oua_shift, MARIE)
    cross(shift, MARIE, at=noon(1))  # yesterday
    client.force_login(officer)
    response = client.get(reverse("crossings:today"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert [c.pk for c in response.context["page"]] == [refused.pk, admitted.pk]
    assert {value: count for value, _label, count in response.context["totals"]} == {
        "admitted": 1,
        "refused": 1,
        "referred": 0,
    }
    assert detail(admitted) in body and profile(admitted.person) in body
    assert "L898902C3" in body and "Has no valid travel document" in body
    assert detail(elsewhere) not in body


def test_it_filters_the_day_by_decision_in_an_htmx_fragment(client, officer, shift):
    cross(shift)
    refused = cross(shift, PAUL, decision="refused", reason="A")
    client.force_login(officer)
    response = client.get(reverse("crossings:today"), {"decision": "refused"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert [c.pk for c in response.context["page"]] == [refused.pk]
    # The totals still cover the whole day.
    assert dict((v, n) for v, _l, n in response.context["totals"])["admitted"] == 1


def test_it_shows_another_day_with_a_plain_get(client, supervisor, shift):
    earlier = cross(shift, at=noon(3))
    client.force_login(supervisor)
    day = timezone.localdate() - timedelta(days=3)
    response = client.get(reverse("crossings:today"), {"day": day.isoformat()})
    assert [c.pk for c in response.context["page"]] == [earlier.pk]


def test_it_shows_headquarters_every_post_and_filters_by_post(client, analyst, shift, oua_shift):
    at_pap = cross(shift)
    at_oua = cross(oua_shift, MARIE)
    client.force_login(analyst)
    response = client.get(reverse("crossings:today"))
    assert {c.pk for c in response.context["page"]} == {at_pap.pk, at_oua.pk}
    response = client.get(reverse("crossings:today"), {"post": "OUA"})
    assert [c.pk for c in response.context["page"]] == [at_oua.pk]


def test_it_shows_a_corrected_original_as_superseded_and_counts_it_once(
    client, officer, supervisor, shift
):
    english(officer)
    original = cross(shift)
    correction = correct(
        supervisor, original, decision="refused", refusal_reason=RefusalReason.objects.get(code="A")
    )
    client.force_login(officer)
    response = client.get(reverse("crossings:today"))
    rows = {c.pk: c for c in response.context["page"]}
    assert rows[original.pk].superseded and not rows[correction.pk].superseded
    assert {v: n for v, _l, n in response.context["totals"]} == {
        "admitted": 0,
        "refused": 1,
        "referred": 0,
    }
    body = response.content.decode()
    assert "Superseded by a correction" in body
    assert "Correction" in body


def test_it_refuses_the_day_to_the_watchlist_manager(client, watchlist_manager):
    assert denied_to(client, watchlist_manager, reverse("crossings:today"))


def test_it_says_which_day_filters_are_not_valid(client, officer, shift):
    english(officer)
    cross(shift)
    client.force_login(officer)
    response = client.get(
        reverse("crossings:today"),
        {"day": "31/02/2026", "counter": "nope", "direction": "x" * 5000, "page": "-1"},
    )
    assert response.status_code == 200
    assert "These filters are not valid" in response.content.decode()
    assert len(response.context["page"]) == 1


# --- A crossing -------------------------------------------------------------------------------


def test_it_shows_a_crossing_in_full_with_its_checks_photo_and_minors(client, officer, shift):
    english(officer)
    adult = cross(shift, photo=JPEG)
    minor = cross(
        shift,
        passport(given="LINA", number="M1234567", birth=date(2016, 5, 1)),
        accompanied_by=adult,
    )
    client.force_login(officer)
    response = client.get(detail(adult))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Every check digit of the zone matches." in body
    assert reverse("crossings:photo", args=[adult.pk]) in body
    assert detail(minor) in body
    assert reverse("crossings:crossing_correct", args=[adult.pk]) not in body  # an officer
    response = client.get(detail(minor))
    assert detail(adult) in response.content.decode()


def test_it_offers_the_posts_supervisor_a_correction(client, supervisor, shift):
    crossing = cross(shift)
    client.force_login(supervisor)
    body = client.get(detail(crossing)).content.decode()
    assert reverse("crossings:crossing_correct", args=[crossing.pk]) in body


def test_it_shows_headquarters_any_posts_crossing_without_a_correction(client, analyst, oua_shift):
    crossing = cross(oua_shift, MARIE)
    client.force_login(analyst)
    response = client.get(detail(crossing))
    assert response.status_code == 200
    assert reverse("crossings:crossing_correct", args=[crossing.pk]) not in (
        response.content.decode()
    )


def test_it_refuses_another_posts_crossing_and_audits_it(
    client, officer_oua, watchlist_manager, shift
):
    crossing = cross(shift)
    assert denied_to(client, officer_oua, detail(crossing))
    event = AuditEvent.objects.get(action="access.denied", actor=officer_oua)
    assert event.details["post"] == "PAP"
    assert denied_to(client, watchlist_manager, detail(crossing))


def test_it_answers_not_found_for_an_unknown_or_malformed_crossing(client, officer, shift):
    client.force_login(officer)
    assert client.get(reverse("crossings:crossing_detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/crossings/not-a-uuid/").status_code == 404
    assert client.get("/crossings/not-a-uuid/photo/").status_code == 404
    assert client.get("/crossings/not-a-uuid/correct/").status_code == 404


def test_it_links_a_completed_referral_and_its_completion(client, supervisor, shift):
    english(supervisor)
    referral = cross(shift, decision="referred")
    completion = services.referral_complete(
        actor=supervisor, referral=referral, submission=uuid.uuid4(), decision="admitted"
    )
    client.force_login(supervisor)
    body = client.get(detail(referral)).content.decode()
    assert detail(completion) in body and "Referral completed by" in body
    assert detail(referral) in client.get(detail(completion)).content.decode()


# --- The photo --------------------------------------------------------------------------------


def test_it_returns_the_photo_privately(client, officer, shift):
    crossing = cross(shift, photo=JPEG)
    client.force_login(officer)
    response = client.get(reverse("crossings:photo", args=[crossing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == JPEG
    assert "private" in response["Cache-Control"]


def test_it_answers_not_found_for_a_crossing_without_a_photo(client, officer, shift):
    crossing = cross(shift)
    client.force_login(officer)
    assert client.get(reverse("crossings:photo", args=[crossing.pk])).status_code == 404


def test_a_correction_shows_the_photo_taken_with_the_original(client, supervisor, shift):
    original = cross(shift, photo=JPEG)
    correction = correct(supervisor, original, note="Seen again")
    client.force_login(supervisor)
    body = client.get(detail(correction)).content.decode()
    assert reverse("crossings:photo", args=[original.pk]) in body
    assert client.get(reverse("crossings:photo", args=[correction.pk])).status_code == 404


def test_it_refuses_the_photo_to_another_post(client, officer_oua, shift):
    crossing = cross(shift, photo=JPEG)
    assert denied_to(client, officer_oua, reverse("crossings:photo", args=[crossing.pk]))


# --- Correcting a crossing --------------------------------------------------------------------


def correction_form(crossing, **changes) -> dict:
    data = {
        "submission": str(uuid.uuid4()),
        "direction": crossing.direction,
        "at": timezone.localtime(crossing.at).strftime("%Y-%m-%dT%H:%M"),
        "decision": crossing.decision,
        "refusal_reason": crossing.refusal_reason_id or "",
        "mode": crossing.mode,
        "carrier": crossing.carrier,
        "flight": crossing.flight,
        "vehicle": crossing.vehicle,
        "place_country": crossing.place_country,
        "place": crossing.place,
        "purpose": crossing.purpose_id or "",
        "intended_stay_days": crossing.intended_stay_days or "",
        "address": crossing.address,
        "residence": crossing.residence,
        "note": crossing.note,
        "reason": "Recorded against the wrong traveller.",
    }
    data.update(changes)
    return data


def test_it_shows_the_supervisor_the_correction_form_prefilled(client, supervisor, shift):
    crossing = cross(shift)
    client.force_login(supervisor)
    response = client.get(reverse("crossings:crossing_correct", args=[crossing.pk]))
    form = response.context["form"]
    assert response.status_code == 200
    assert form["decision"].value() == "admitted"
    assert form["purpose"].value() == "tourism"
    submission = uuid.UUID(str(form["submission"].value()))
    assert f'name="submission" value="{submission}"' in response.content.decode()


def test_withdrawing_an_entry_keeps_the_original_and_takes_the_traveller_out(
    client, supervisor, shift
):
    original = cross(shift)
    person = original.person
    assert Person.objects.get(pk=person.pk).present
    client.force_login(supervisor)
    response = client.post(
        reverse("crossings:crossing_correct", args=[original.pk]),
        correction_form(original, void="on"),
    )
    correction = Crossing.objects.get(corrects=original)
    assert response.status_code == 302
    assert response["Location"] == detail(correction)
    assert correction.void and correction.officer == supervisor
    assert correction.correction_reason == "Recorded against the wrong traveller."
    assert Crossing.objects.get(pk=original.pk).void is False  # the original is kept as it was
    assert not Person.objects.get(pk=person.pk).present
    event = AuditEvent.objects.get(action="crossing.corrected")
    assert event.object_id == str(correction.pk) and event.details["void"] is True


def test_a_withdrawn_crossing_can_be_restored_by_correcting_it_again(client, supervisor, shift):
    original = cross(shift)
    withdrawn = correct(supervisor, original, void=True)
    client.force_login(supervisor)
    path = reverse("crossings:crossing_correct", args=[withdrawn.pk])
    assert client.get(path).context["form"]["void"].value() is True
    response = client.post(path, correction_form(withdrawn, reason="Withdrawn by mistake."))
    restored = Crossing.objects.get(corrects=withdrawn)
    assert response["Location"] == detail(restored)
    assert not restored.void
    assert Person.objects.get(pk=original.person_id).present


def test_correcting_the_decision_to_a_refusal_updates_the_traveller(client, chief, shift):
    original = cross(shift)
    client.force_login(chief)
    response = client.post(
        reverse("crossings:crossing_correct", args=[original.pk]),
        correction_form(original, decision="refused", refusal_reason="A"),
    )
    correction = Crossing.objects.get(corrects=original)
    assert response.status_code == 302
    assert correction.decision == "refused" and correction.refusal_reason_id == "A"
    assert correction.at == original.at  # the time shown to the minute was not changed
    assert not Person.objects.get(pk=original.person_id).present


def test_it_shows_the_services_errors_on_the_correction_form(client, supervisor, shift):
    original = cross(shift)
    client.force_login(supervisor)
    response = client.post(
        reverse("crossings:crossing_correct", args=[original.pk]),
        correction_form(original, decision="refused", reason="  "),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "reason" in errors
    response = client.post(
        reverse("crossings:crossing_correct", args=[original.pk]),
        correction_form(original, decision="refused"),
    )
    assert "refusal_reason" in response.context["form"].errors
    assert not Crossing.objects.filter(corrects=original).exists()


def test_the_same_correction_sent_twice_is_recorded_once(client, supervisor, shift):
    original = cross(shift)
    data = correction_form(original, note="Second look")
    client.force_login(supervisor)
    path = reverse("crossings:crossing_correct", args=[original.pk])
    first = client.post(path, data)
    second = client.post(path, data)
    correction = Crossing.objects.get(corrects=original)
    assert first["Location"] == second["Location"] == detail(correction)
    assert Crossing.objects.count() == 2


def test_only_the_latest_version_can_be_corrected(client, supervisor, shift):
    english(supervisor)
    original = cross(shift)
    first = correct(supervisor, original, note="one")
    second = correct(supervisor, first, note="two")
    client.force_login(supervisor)
    path = reverse("crossings:crossing_correct", args=[original.pk])
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["latest"] == second
    assert "form" not in response.context
    assert detail(second) in response.content.decode()
    response = client.post(path, correction_form(original))
    assert response.status_code == 409
    assert Crossing.objects.count() == 3


def test_it_refuses_corrections_to_officers_analysts_and_other_posts(
    client, officer, analyst, supervisor_oua, shift
):
    crossing = cross(shift)
    path = reverse("crossings:crossing_correct", args=[crossing.pk])
    assert denied_to(client, officer, path)
    assert denied_to(client, analyst, path)
    assert denied_to(client, supervisor_oua, path)
    assert denied_to(client, supervisor_oua, path, method="post")
    assert not Crossing.objects.filter(corrects=crossing).exists()


def test_garbage_in_the_correction_form_is_answered_not_saved(client, supervisor, shift):
    original = cross(shift)
    client.force_login(supervisor)
    response = client.post(
        reverse("crossings:crossing_correct", args=[original.pk]),
        correction_form(
            original,
            submission="not-a-uuid",
            at="yesterday",
            decision="\x00",
            place_country="ZZZZZ",
            intended_stay_days="-1",
            reason="x" * 5000,
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"submission", "at", "decision", "place_country", "intended_stay_days", "reason"} <= (
        set(errors)
    )
    assert not Crossing.objects.filter(corrects=original).exists()


# --- Finding a traveller ----------------------------------------------------------------------


def test_it_finds_a_traveller_by_the_words_of_the_name_and_audits_it(client, officer, shift):
    english(officer)
    crossing = cross(shift)
    cross(shift, PAUL)
    client.force_login(officer)
    response = client.get(reverse("crossings:traveller_search"), {"q": "anna eriksson"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert [p.pk for p in response.context["search"].people] == [crossing.person_id]
    assert profile(crossing.person) in body and "L898902C3" in body
    event = AuditEvent.objects.get(action="traveller.searched")
    assert event.actor == officer
    assert event.details == {"query": "anna eriksson", "results": 1}


def test_it_finds_a_traveller_by_document_number_in_an_htmx_fragment(client, analyst, shift):
    crossing = cross(shift, PAUL)
    client.force_login(analyst)
    response = client.get(reverse("crossings:traveller_search"), {"q": "x123-4567"}, headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert profile(crossing.person) in body


@pytest.mark.parametrize("query", ["12/08/1974", "1974-08-12", "Eriksson 12/8/1974"])
def test_it_finds_a_traveller_by_date_of_birth(client, officer, shift, query):
    crossing = cross(shift)
    cross(shift, PAUL)
    client.force_login(officer)
    response = client.get(reverse("crossings:traveller_search"), {"q": query})
    assert [p.pk for p in response.context["search"].people] == [crossing.person_id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("31/02/1980", "is not a date"),
        ("1980-13-01 01/01/1980", "is not a date"),
        ("01/01/1980 02/02/1980", "one date of birth"),
        ("x" * 5000, "at most 100 characters"),
        ("a\x00b", "Null characters"),
        ("!!! ???", "Type a name"),
    ],
)
def test_it_answers_a_query_it_cannot_search_with_a_message(client, officer, shift, query, message):
    english(officer)
    client.force_login(officer)
    response = client.get(reverse("crossings:traveller_search"), {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="traveller.searched").exists()


def test_an_empty_search_shows_the_form_and_is_not_audited(client, officer):
    client.force_login(officer)
    response = client.get(reverse("crossings:traveller_search"), {"q": "  "})
    assert response.status_code == 200
    assert response.context["search"] is None
    assert "autofocus" in response.content.decode()
    assert not AuditEvent.objects.filter(action="traveller.searched").exists()


def test_it_caps_the_results_and_asks_to_refine(client, analyst, db):
    english(analyst)
    Person.objects.bulk_create(
        Person(surname="SMITH", given_names=f"JOHN {n}", name_key="SMITH JOHN", nationality="UTO")
        for n in range(55)
    )
    client.force_login(analyst)
    response = client.get(reverse("crossings:traveller_search"), {"q": "smith"})
    search = response.context["search"]
    assert search.count == 55 and len(search.people) == 50 and search.capped
    assert "55 travellers match: the first 50 are shown" in response.content.decode()
    assert AuditEvent.objects.get(action="traveller.searched").details["results"] == 55


def test_it_refuses_the_search_to_the_watchlist_manager(client, watchlist_manager):
    assert denied_to(client, watchlist_manager, reverse("crossings:traveller_search"))


# --- A traveller's profile --------------------------------------------------------------------


def test_it_shows_a_travellers_profile_with_stays_and_audits_the_view(
    client, officer, shift, exit_shift
):
    english(officer)
    entry = cross(shift, at=noon(120))
    leaving = cross(exit_shift, at=noon(5))
    client.force_login(officer)
    response = client.get(profile(entry.person))
    body = response.content.decode()
    assert response.status_code == 200
    [stay] = response.context["stays"]
    assert (stay.entry, stay.exit) == (entry, leaving)
    assert stay.stay.days == 116 and stay.stay.overstay_days == 26
    assert detail(entry) in body and detail(leaving) in body
    event = AuditEvent.objects.get(action="traveller.viewed")
    assert event.actor == officer and event.object_id == str(entry.person_id)


def test_it_shows_another_posts_crossings_without_a_link(
    client, officer, shift, oua_shift, exit_shift
):
    english(officer)
    at_oua = cross(oua_shift, at=noon(10), photo=JPEG)
    at_pap = cross(exit_shift, at=noon(2), photo=JPEG)
    client.force_login(officer)
    body = client.get(profile(at_oua.person)).content.decode()
    assert detail(at_pap) in body
    assert detail(at_oua) not in body
    assert reverse("crossings:photo", args=[at_pap.pk]) in body
    assert reverse("crossings:photo", args=[at_oua.pk]) not in body
    assert "OUA" in body


def test_it_marks_each_version_on_the_profile(client, supervisor, shift):
    english(supervisor)
    original = cross(shift)
    correction = correct(supervisor, original, void=True)
    client.force_login(supervisor)
    response = client.get(profile(original.person))
    versions = {c.pk: c for c in response.context["crossings"]}
    assert versions[original.pk].superseded and versions[correction.pk].void
    assert response.context["stays"] == []
    body = response.content.decode()
    assert "Superseded by a correction" in body and "Withdrawn" in body


def test_it_answers_not_found_for_an_unknown_traveller(client, analyst, db):
    client.force_login(analyst)
    assert client.get(reverse("crossings:traveller_detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/crossings/travellers/123/").status_code == 404


def test_it_refuses_a_profile_to_the_watchlist_manager(client, watchlist_manager, shift):
    crossing = cross(shift)
    assert denied_to(client, watchlist_manager, profile(crossing.person))
    assert not AuditEvent.objects.filter(action="traveller.viewed").exists()


# --- Who is in the country --------------------------------------------------------------------


def test_it_lists_the_travellers_who_entered_at_the_officers_post(
    client, officer, shift, oua_shift
):
    english(officer)
    here = cross(shift, at=noon(3))
    there = cross(oua_shift, MARIE, at=noon(1))
    client.force_login(officer)
    response = client.get(reverse("crossings:in_country"))
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"]] == [here.person_id]
    response = client.get(reverse("crossings:in_country"), {"everywhere": "on"})
    assert [p.pk for p in response.context["page"]] == [there.person_id, here.person_id]
    assert "VISITOR" in response.content.decode()


def test_it_filters_the_travellers_in_the_country_by_nationality_in_a_fragment(
    client, analyst, shift, oua_shift
):
    cross(shift)
    haitian = cross(oua_shift, MARIE)
    client.force_login(analyst)
    response = client.get(reverse("crossings:in_country"), {"nationality": "HTI"}, headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert [p.pk for p in response.context["page"]] == [haitian.person_id]
    response = client.get(reverse("crossings:in_country"), {"post": "PAP"})
    assert haitian.person_id not in [p.pk for p in response.context["page"]]


def test_it_refuses_the_list_of_travellers_in_the_country_to_the_watchlist_manager(
    client, watchlist_manager
):
    assert denied_to(client, watchlist_manager, reverse("crossings:in_country"))


# --- Overstayers ------------------------------------------------------------------------------


def test_it_lists_the_overstayers_and_the_recent_exits_after_an_overstay(
    client, chief, shift, exit_shift
):
    english(chief)
    staying = cross(shift, at=noon(100))
    cross(shift, PAUL, at=noon(10))  # within the permitted stay
    cross(shift, MARIE, at=noon(200))  # a citizen: no limit
    entered = cross(shift, passport(given="ERIK", number="E5555555"), at=noon(120))
    left = cross(exit_shift, passport(given="ERIK", number="E5555555"), at=noon(5))
    client.force_login(chief)
    response = client.get(reverse("crossings:overstayers"))
    assert response.status_code == 200
    [person] = response.context["page"]
    assert person.pk == staying.person_id and person.days_over == 11
    assert [c.pk for c in response.context["exits_page"]] == [left.pk]
    assert left.overstay_days == 26 and entered.person_id == left.person_id
    assert detail(left) in response.content.decode()


def test_it_filters_the_overstayers_in_an_htmx_fragment(client, analyst, shift):
    cross(shift, at=noon(100))
    client.force_login(analyst)
    response = client.get(reverse("crossings:overstayers"), {"nationality": "HTI"}, headers=HTMX)
    assert response.content.decode().lstrip().startswith('<div id="results"')
    assert list(response.context["page"]) == []


def test_it_refuses_the_overstayers_to_the_watchlist_manager(client, watchlist_manager):
    assert denied_to(client, watchlist_manager, reverse("crossings:overstayers"))


# --- Data-quality cases -----------------------------------------------------------------------


@pytest.fixture
def case(exit_shift):
    """An exit with no recorded entry: a case for PAP's supervisors."""
    cross(exit_shift, PAUL, at=noon(1))
    return StayCase.objects.get(code="exit_without_entry")


def test_it_lists_the_open_cases_of_the_post_read_only_to_an_officer(client, officer, case):
    english(officer)
    client.force_login(officer)
    response = client.get(reverse("crossings:cases"))
    body = response.content.decode()
    assert [c.pk for c in response.context["page"]] == [case.pk]
    assert "Exit with no recorded entry" in body
    assert profile(case.person) in body
    assert reverse("crossings:case_review", args=[case.pk]) not in body


def test_the_supervisor_marks_a_case_reviewed_in_an_htmx_fragment(client, supervisor, case):
    english(supervisor)
    client.force_login(supervisor)
    assert reverse("crossings:case_review", args=[case.pk]) in (
        client.get(reverse("crossings:cases")).content.decode()
    )
    response = client.post(
        reverse("crossings:case_review", args=[case.pk]),
        {"note": "Entered by sea; entry not recorded."},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="case-{case.pk}"')
    assert "Entered by sea; entry not recorded." in body
    case.refresh_from_db()
    assert case.reviewed_by == supervisor and case.reviewed_at is not None
    assert AuditEvent.objects.filter(action="stay_case.reviewed", object_id=str(case.pk)).exists()
    assert list(client.get(reverse("crossings:cases")).context["page"]) == []
    shown = client.get(reverse("crossings:cases"), {"reviewed": "1"}, headers=HTMX)
    assert [c.pk for c in shown.context["page"]] == [case.pk]


def test_a_plain_review_redirects_back_to_the_cases(client, chief, case):
    client.force_login(chief)
    response = client.post(
        reverse("crossings:case_review", args=[case.pk]), {"note": "Checked.", "reviewed": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("crossings:cases") + "?reviewed=1"
    case.refresh_from_db()
    assert case.review_note == "Checked."


def test_a_review_without_a_note_is_refused_with_a_message(client, supervisor, case):
    english(supervisor)
    client.force_login(supervisor)
    response = client.post(
        reverse("crossings:case_review", args=[case.pk]), {"note": " "}, headers=HTMX
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    case.refresh_from_db()
    assert case.reviewed_at is None


def test_it_refuses_reviews_to_officers_analysts_and_other_posts(
    client, officer, analyst, supervisor_oua, case
):
    path = reverse("crossings:case_review", args=[case.pk])
    assert denied_to(client, officer, path, method="post")
    assert denied_to(client, analyst, path, method="post")
    assert denied_to(client, supervisor_oua, path, method="post")
    case.refresh_from_db()
    assert case.reviewed_at is None


def test_it_shows_headquarters_every_posts_cases_read_only(client, analyst, case):
    client.force_login(analyst)
    response = client.get(reverse("crossings:cases"))
    assert [c.pk for c in response.context["page"]] == [case.pk]
    assert reverse("crossings:case_review", args=[case.pk]) not in response.content.decode()


def test_it_hides_other_posts_cases_and_refuses_a_review_by_get(
    client, officer_oua, supervisor, case
):
    client.force_login(officer_oua)
    assert list(client.get(reverse("crossings:cases")).context["page"]) == []
    client.force_login(supervisor)
    assert client.get(reverse("crossings:case_review", args=[case.pk])).status_code == 405
    assert client.post(reverse("crossings:case_review", args=[999999])).status_code == 404


# --- Garbage ----------------------------------------------------------------------------------

GARBAGE = ["\x00", "a\x00b", "A" * 5000, "é\u202e\ufeff🛂", "' OR 1=1 --", "-1", "9" * 40, ""]
FIELDS = [
    "q",
    "page",
    "exits_page",
    "post",
    "day",
    "counter",
    "direction",
    "decision",
    "everywhere",
    "nationality",
    "reviewed",
    "note",
    "submission",
    "at",
    "refusal_reason",
    "mode",
    "place_country",
    "purpose",
    "intended_stay_days",
    "residence",
    "void",
    "reason",
]


@pytest.mark.parametrize("role", ["supervisor", "analyst"])
def test_no_garbage_crashes_a_record_page(client, cast, shift, case, role):
    crossing = cross(shift, photo=JPEG)
    pages = [
        reverse("crossings:today"),
        detail(crossing),
        reverse("crossings:crossing_correct", args=[crossing.pk]),
        reverse("crossings:photo", args=[crossing.pk]),
        reverse("crossings:traveller_search"),
        profile(crossing.person),
        reverse("crossings:in_country"),
        reverse("crossings:overstayers"),
        reverse("crossings:cases"),
        reverse("crossings:case_review", args=[case.pk]),
    ]
    client.force_login(cast[role])
    for value in GARBAGE:
        data = dict.fromkeys(FIELDS, value)
        for path in pages:
            for method in (client.get, client.post):
                for headers in ({}, HTMX):
                    response = method(path, data, headers=headers)
                    assert response.status_code < 500, f"{path} {value!r}"
    assert not Crossing.objects.filter(corrects=crossing).exists()
