"""The counter seen through its pages: shifts, scanning, deciding, secondary inspection."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings.models import Crossing, Shift
from bmis.crossings.tests.conftest import passport


@pytest.fixture
def officer_client(client, officer, shift):
    client.force_login(officer)
    return client


def test_it_asks_to_open_a_counter_first(client, officer, counter, reference):
    client.force_login(officer)
    response = client.get(reverse("crossings:counter"))
    assert response.status_code == 200
    assert "crossings/shift_open.html" in [t.name for t in response.templates]


def test_it_opens_a_shift(client, officer, counter, reference):
    client.force_login(officer)
    response = client.post(
        reverse("crossings:shift_open"), {"counter": counter.pk, "direction": "entry"}
    )
    assert response.status_code == 302
    shift = Shift.objects.get(officer=officer)
    assert shift.counter == counter and shift.direction == "entry" and shift.closed_at is None
    assert AuditEvent.objects.filter(action="shift.opened", object_id=str(shift.pk)).exists()


def test_it_refuses_a_counter_held_by_another_officer(
    client, officer, supervisor, counter, reference
):
    from bmis.crossings.services import shift_open

    shift_open(officer=supervisor, counter=counter, direction="entry")
    client.force_login(officer)
    response = client.post(
        reverse("crossings:shift_open"),
        {"counter": counter.pk, "direction": "entry"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert not Shift.objects.filter(officer=officer).exists()


def test_scanning_shows_the_checks_and_the_decision_form(officer_client):
    response = officer_client.post(reverse("crossings:scan"), {"source": "mrz", "mrz": passport()})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ERIKSSON, ANNA MARIA" in body
    assert 'id="decision-form"' in body
    assert 'data-code="document_valid"' in body


def test_scanning_answers_htmx_with_the_work_area_only(officer_client):
    response = officer_client.post(
        reverse("crossings:scan"), {"source": "mrz", "mrz": passport()}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="work"')
    assert "<html" not in body


def test_an_unreadable_zone_keeps_what_was_typed(officer_client):
    response = officer_client.post(
        reverse("crossings:scan"), {"source": "mrz", "mrz": "HELLO\nWORLD"}
    )
    body = response.content.decode()
    assert "HELLO\nWORLD" in body
    assert 'id="decision-form"' not in body
    assert "errorlist" in body


def test_a_bad_check_digit_is_named_in_french(officer_client):
    lines = passport().split("\n")
    bad = lines[1][:9] + ("0" if lines[1][9] != "0" else "1") + lines[1][10:]
    response = officer_client.post(
        reverse("crossings:scan"), {"source": "mrz", "mrz": lines[0] + "\n" + bad}
    )
    body = response.content.decode()
    assert 'data-code="document_invalid"' in body
    assert "Chiffre de contrôle erroné pour le numéro du document" in body


def _record(client, decision="admitted", mrz=None, **extra):
    data = {
        "source": "mrz",
        "mrz": mrz or passport(),
        "submission": str(uuid.uuid4()),
        "decision": decision,
        "mode": "air",
        "purpose": "tourism",
        **extra,
    }
    return client.post(reverse("crossings:record"), data), data


def test_admitting_records_one_crossing_and_shows_the_permitted_stay(officer_client, officer):
    response, _data = _record(officer_client)
    assert response.status_code == 302
    crossing = Crossing.objects.get()
    assert crossing.decision == "admitted" and crossing.officer == officer
    assert crossing.stay_rule == "VISITOR"
    assert crossing.permitted_until == timezone.localdate() + timezone.timedelta(days=89)
    page = officer_client.get(response.url).content.decode()
    assert crossing.person.surname in page


def test_a_double_submit_records_one_crossing(officer_client):
    _response, data = _record(officer_client)
    again = officer_client.post(reverse("crossings:record"), data)
    assert again.status_code == 302
    assert Crossing.objects.count() == 1


def test_refusing_needs_a_reason(officer_client):
    response, _data = _record(officer_client, decision="refused")
    assert response.status_code == 200
    assert Crossing.objects.count() == 0
    response, _data = _record(
        officer_client, decision="refused", refusal_reason="C", note="Pas de visa"
    )
    crossing = Crossing.objects.get()
    assert crossing.decision == "refused" and crossing.refusal_reason_id == "C"
    assert crossing.note == "Pas de visa"


def test_an_officer_cannot_admit_with_a_failed_check_digit(officer_client):
    lines = passport().split("\n")
    bad = lines[1][:9] + ("0" if lines[1][9] != "0" else "1") + lines[1][10:]
    response, _data = _record(officer_client, mrz=lines[0] + "\n" + bad)
    assert response.status_code == 200
    assert Crossing.objects.count() == 0
    response, _data = _record(officer_client, decision="referred", mrz=lines[0] + "\n" + bad)
    crossing = Crossing.objects.get()
    assert crossing.decision == "referred" and crossing.document_problems


def test_a_supervisor_overrides_failed_checks(client, supervisor, counter, reference):
    from bmis.crossings.services import shift_open

    shift_open(officer=supervisor, counter=counter, direction="entry")
    client.force_login(supervisor)
    lines = passport().split("\n")
    bad = lines[1][:9] + ("0" if lines[1][9] != "0" else "1") + lines[1][10:]
    response, _data = _record(client, mrz=lines[0] + "\n" + bad)
    assert response.status_code == 200 and Crossing.objects.count() == 0
    response, _data = _record(client, mrz=lines[0] + "\n" + bad, override="on")
    crossing = Crossing.objects.get()
    assert crossing.override_by == supervisor and crossing.decision == "admitted"


def test_a_document_typed_by_hand_is_recorded(officer_client):
    data = {
        "source": "manual",
        "doc-kind": "border_card",
        "doc-number": "BC-123 456",
        "doc-issuing_state": "DOM",
        "doc-surname": "Pérez Gómez",
        "doc-given_names": "Juan",
        "doc-nationality": "DOM",
        "doc-birth_date": "02/03/1985",
        "doc-sex": "M",
    }
    response = officer_client.post(reverse("crossings:scan"), data)
    assert 'id="decision-form"' in response.content.decode()
    data |= {
        "submission": str(uuid.uuid4()),
        "decision": "admitted",
        "mode": "land",
        "purpose": "business",
    }
    response = officer_client.post(reverse("crossings:record"), data)
    assert response.status_code == 302
    crossing = Crossing.objects.get()
    assert crossing.document.number == "BC123456"
    assert crossing.person.surname == "PÉREZ GÓMEZ"
    assert crossing.person.name_key == "PEREZ GOMEZ JUAN"
    assert crossing.stay_rule == "BORDER_CARD"
    assert crossing.permitted_until == timezone.localdate()


def test_a_document_typed_by_hand_with_a_future_birth_date_is_refused(officer_client):
    data = {
        "source": "manual",
        "doc-kind": "id_card",
        "doc-number": "X1",
        "doc-issuing_state": "DOM",
        "doc-surname": "Pérez",
        "doc-nationality": "DOM",
        "doc-birth_date": "02/03/2999",
    }
    response = officer_client.post(reverse("crossings:scan"), data)
    body = response.content.decode()
    assert 'id="decision-form"' not in body
    assert "Pérez" in body


def test_secondary_queue_and_completion(client, officer_client, supervisor):
    _record(officer_client, decision="referred", note="Billet retour douteux")
    referral = Crossing.objects.get()
    client.force_login(supervisor)
    queue = client.get(reverse("crossings:secondary")).content.decode()
    assert str(referral.person) in queue
    page = client.get(reverse("crossings:referral", args=[referral.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("crossings:referral", args=[referral.pk]),
        {"submission": str(uuid.uuid4()), "decision": "admitted", "note": "Vérifié"},
    )
    assert response.status_code == 302
    completion = Crossing.objects.get(resolves=referral)
    assert completion.decision == "admitted" and completion.officer == supervisor
    assert completion.permitted_until is not None
    referral.person.refresh_from_db()
    assert referral.person.present
    queue = client.get(reverse("crossings:secondary")).content.decode()
    assert reverse("crossings:referral", args=[referral.pk]) not in queue


def test_officers_cannot_reach_the_secondary_queue(officer_client):
    assert officer_client.get(reverse("crossings:secondary")).status_code == 403


def test_hq_roles_cannot_reach_the_counter(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("crossings:counter")).status_code == 403


def test_an_exit_closes_the_stay(client, officer_client, officer, exit_counter):
    _record(officer_client)
    from bmis.crossings.services import shift_open

    shift_open(officer=officer, counter=exit_counter, direction="exit")
    response, _data = _record(officer_client, mode="air", purpose="")
    assert response.status_code == 302
    exit_ = Crossing.objects.get(direction="exit")
    assert exit_.stay_days == 1 and exit_.overstay_days == 0
    exit_.person.refresh_from_db()
    assert not exit_.person.present
