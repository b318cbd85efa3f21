import json

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from bmis.core import audit
from bmis.core.models import AuditEvent
from bmis.posts.models import Counter


def test_an_officer_home_shows_the_post_and_its_counters(client, officer, pap):
    Counter.objects.create(post=pap, code="A1", name="Arrivées 1")
    Counter.objects.create(post=pap, code="X9", name="Fermé", is_active=False)
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "Aéroport international Toussaint Louverture" in page
    assert "Arrivées 1" in page
    assert "Fermé" not in page
    assert "Personnel du poste" not in page  # officers do not see the staff list


def test_a_post_chief_home_lists_the_staff_of_the_post_only(client, chief, officer, officer_oua):
    client.force_login(chief)
    page = client.get("/").content.decode()
    assert "Personnel du poste" in page
    assert officer.display_name in page
    assert officer_oua.display_name not in page


def test_an_administrator_home_counts_users_and_shows_the_latest_events(client, cast):
    client.force_login(cast["admin"])
    page = client.get("/").content.decode()
    assert "Utilisateurs actifs par rôle" in page
    assert "user.created" in page


def test_the_navigation_follows_the_role(client, cast):
    client.force_login(cast["officer"])
    officer_page = client.get("/").content.decode()
    client.force_login(cast["admin"])
    admin_page = client.get("/").content.decode()
    assert 'href="/audit/"' not in officer_page
    assert 'href="/posts/PAP/"' in officer_page
    assert 'href="/audit/"' in admin_page
    assert 'href="/accounts/users/"' in admin_page


def test_healthz_reports_the_node(client, db):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["role"] == "post"
    assert body["post"] == "PAP"
    assert body["database"]["status"] == "ok"
    assert body["migrations"] == {"status": "ok", "pending": []}
    assert body["version"]


def test_healthz_reports_an_unreachable_database(client, db, monkeypatch):
    from bmis.core import views

    class Unreachable:
        vendor = "sqlite"

        def cursor(self):
            raise OperationalError("disk I/O error")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["database"]["status"] == "unreachable"


def test_a_database_failure_in_a_page_answers_503_plainly(client, officer, monkeypatch):
    client.force_login(officer)
    from bmis.core import views

    def broken(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views.AuditEvent.objects, "filter", broken)
    response = client.get("/")
    assert response.status_code == 503
    assert "La base de données de ce nœud" in response.content.decode()


def test_an_unknown_page_says_so_in_the_users_language(client, officer):
    client.force_login(officer)
    officer.language = "es"
    officer.save()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Esta página no existe." in response.content.decode()


def test_a_forged_csrf_token_is_refused_and_audited(db, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": "forged"})
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()
    event = AuditEvent.objects.get(action="security.csrf_failed")
    assert event.actor == officer
    assert event.details["path"] == "/accounts/logout/"
    assert "_auth_user_id" in client.session  # nothing was done


def test_the_audit_trail_lists_and_filters_events(client, admin_user, officer):
    audit.record(actor=officer, action="test.first")
    audit.record(actor=admin_user, action="test.second")
    client.force_login(admin_user)
    page = client.get(reverse("core:audit_list"), {"user": "officer"}).content.decode()
    assert "test.first" in page
    assert "test.second" not in page
    assert "<html" in page


def test_the_audit_trail_answers_htmx_with_the_table_only(client, admin_user, officer):
    audit.record(actor=officer, action="test.first")
    client.force_login(admin_user)
    response = client.get(
        reverse("core:audit_list"), {"action": "test."}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "test.first" in page
    assert "<html" not in page


def test_the_audit_trail_refuses_an_impossible_period(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("core:audit_list"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 200
    assert "La date de fin est antérieure à la date de début." in response.content.decode()


def test_the_audit_trail_is_refused_to_other_roles(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("core:audit_list")).status_code == 403


def test_an_administrator_verifies_the_chain_from_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("core:audit_verify"), follow=True)
    assert "La piste d’audit est intacte" in response.content.decode()
    event = audit.record(actor=None, action="test.event")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.pk.hex])
    response = client.post(reverse("core:audit_verify"), follow=True)
    assert "La piste d’audit est rompue" in response.content.decode()
    assert f"#{event.seq}" in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "ht", "en", "es"])
def test_the_audit_event_page_shows_its_hashes(client, admin_user, language):
    event = audit.record(actor=admin_user, action="test.event", details={"a": 1})
    admin_user.language = language
    admin_user.save()
    client.force_login(admin_user)
    page = client.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert event.hash in page
    assert event.prev_hash in page
    assert f'<html lang="{language}">' in page
