import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bmis.accounts import services
from bmis.accounts.models import User
from bmis.core.models import AuditEvent
from conftest import PASSWORD

NEW_USER = {
    "username": "jbaptiste",
    "first_name": "Jean",
    "last_name": "Baptiste",
    "email": "",
    "role": "officer",
    "post": "PAP",
    "language": "ht",
    "new_password1": "temporary-passphrase",
    "new_password2": "temporary-passphrase",
}


def test_an_administrator_creates_an_officer_of_a_post(client, admin_user, pap):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_create"), NEW_USER)
    user = User.objects.get(username="jbaptiste")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert (user.role, user.post, user.language) == ("officer", pap, "ht")
    assert user.must_change_password
    assert user.check_password("temporary-passphrase")
    assert user.origin == "PAP"
    assert user.pk.version == 7
    event = AuditEvent.objects.get(action="user.created", actor=admin_user)
    assert (event.actor, event.object_id) == (admin_user, str(user.pk))
    assert event.details == {"username": "jbaptiste", "role": "officer", "post": "PAP"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"post": ""}, "post", "ont besoin d’un poste"),
        ({"role": "analyst"}, "post", "ne sont pas affectés à un poste"),
        ({"username": "admin"}, "username", "existe déjà"),
        ({"new_password2": "something-else"}, "new_password2", "ne sont pas identiques"),
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
    ],
)
def test_it_refuses_a_wrong_user_with_a_clear_message(
    client, admin_user, pap, changes, field, message
):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_create"), {**NEW_USER, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(first_name="Jean").exists()
    assert not AuditEvent.objects.filter(action="user.created", actor=admin_user).exists()


def test_the_database_refuses_an_officer_without_a_post(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="x", role="officer", post=None)


def test_an_administrator_moves_an_officer_to_another_post(client, admin_user, officer, oua):
    client.force_login(admin_user)
    data = {
        "username": "officer",
        "first_name": "Officer",
        "last_name": "Test",
        "email": "",
        "role": "supervisor",
        "post": "OUA",
        "language": "fr",
        "is_active": "on",
    }
    response = client.post(reverse("accounts:user_detail", args=[officer.pk]), data)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.role, officer.post.code) == ("supervisor", "OUA")
    event = AuditEvent.objects.get(action="user.updated")
    assert event.details == {
        "role": {"from": "officer", "to": "supervisor"},
        "post": {"from": "PAP", "to": "OUA"},
    }


def test_an_administrator_deactivates_a_user_who_then_cannot_sign_in(client, admin_user, officer):
    services.user_update(actor=admin_user, user=officer, is_active=False)
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_administrator_cannot_remove_their_own_access(admin_user):
    with pytest.raises(ValidationError):
        services.user_update(actor=admin_user, user=admin_user, is_active=False)
    with pytest.raises(ValidationError):
        services.user_update(actor=admin_user, user=admin_user, role="analyst")
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == "admin"


def test_the_edit_form_shows_the_users_post_and_state(client, admin_user, officer):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_detail", args=[officer.pk])).content.decode()
    assert '<option value="PAP" selected>' in page
    assert 'name="is_active"' in page


def test_the_create_form_has_no_active_box(client, admin_user, pap):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert 'name="is_active"' not in page
    assert 'name="new_password1"' in page


def test_viewing_a_users_record_is_audited(client, admin_user, officer):
    client.force_login(admin_user)
    response = client.get(reverse("accounts:user_detail", args=[officer.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="user.viewed", actor=admin_user, object_id=str(officer.pk)
    ).exists()


def test_an_administrator_sets_a_temporary_password(client, admin_user, officer):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_reset_password", args=[officer.pk]),
        {"new_password1": "temporary-passphrase", "new_password2": "temporary-passphrase"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("temporary-passphrase")
    assert officer.must_change_password


def test_an_administrator_lifts_a_lockout(client, admin_user, officer):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "officer", "password": "bad-one"})
    assert "officer" in services.locked_usernames()
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_list"))
    assert "Verrouillé" in page.content.decode()
    client.post(reverse("accounts:user_unlock", args=[officer.pk]))
    assert "officer" not in services.locked_usernames()
    assert AuditEvent.objects.filter(action="user.unlocked", actor=admin_user).exists()


def test_the_user_list_filters_by_role_and_post(client, cast):
    client.force_login(cast["admin"])
    response = client.get(reverse("accounts:user_list"), {"role": "officer", "post": "OUA"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "officer_oua" in page
    assert ">officer<" not in page
    assert "<html" in page


def test_the_user_list_answers_htmx_with_the_table_only(client, cast):
    client.force_login(cast["admin"])
    response = client.get(
        reverse("accounts:user_list"), {"q": "supervisor"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "supervisor" in page
    assert "officer_oua" not in page


@pytest.mark.parametrize(
    "role", ["officer", "supervisor", "post_chief", "analyst", "watchlist_manager"]
)
def test_only_administrators_manage_users(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page." in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor=cast[role]).exists()
