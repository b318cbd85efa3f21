import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bmis.accounts.models import LoginThrottle
from bmis.core.models import AuditEvent
from conftest import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, username, password=PASSWORD, address="10.0.0.5", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def test_it_signs_in_and_goes_home(client, officer):
    response = sign_in(client, "officer")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.address) == (officer, "10.0.0.5")


def test_it_hashes_passwords_with_argon2(settings, pap):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    from conftest import make_user

    user = make_user("argon", "officer", pap)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_it_says_the_same_for_an_unknown_user_and_a_wrong_password(client, officer):
    unknown = sign_in(client, "nobody", "whatever-password")
    wrong = sign_in(client, "officer", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    message = "Le nom d’utilisateur ou le mot de passe est incorrect."
    assert message in unknown.content.decode()
    assert message in wrong.content.decode()
    failures = AuditEvent.objects.filter(action="login.failed").order_by("seq")
    assert [e.object_id for e in failures] == ["nobody", "officer"]
    assert all(e.actor is None for e in failures)


def test_a_deactivated_user_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    response = sign_in(client, "officer")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_redirects_to_a_safe_next_page_only(client, officer):
    response = sign_in(client, "officer", next="/reference/")
    assert response["Location"] == "/reference/"
    client.logout()
    response = sign_in(client, "officer", next="https://evil.example/")
    assert response["Location"] == reverse("core:home")


def test_it_locks_an_account_after_five_failures_and_shows_the_time_left(client, officer):
    for _ in range(4):
        assert sign_in(client, "officer", "wrong-password").status_code == 200
    locked = sign_in(client, "officer", "wrong-password")
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes." in (
        locked.content.decode()
    )
    # Even the right password is refused while the lock holds.
    again = sign_in(client, "officer", address="10.9.9.9")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.locked").count() == 1
    assert AuditEvent.objects.filter(action="login.refused_locked").count() == 1


def test_the_lock_is_counted_on_the_typed_name_whatever_its_case(client, officer):
    for _ in range(5):
        sign_in(client, "OFFICER", "wrong-password")
    assert sign_in(client, "officer").status_code == 429


def test_the_lock_ends_after_its_time(client, officer):
    for _ in range(5):
        sign_in(client, "officer", "wrong-password")
    LoginThrottle.objects.filter(key="user:officer").update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert sign_in(client, "officer").status_code == 302


def test_an_address_is_locked_after_twenty_failures_across_names(client, officer):
    for i in range(20):
        sign_in(client, f"guess{i}", "wrong-password", address="192.0.2.7")
    response = sign_in(client, "officer", address="192.0.2.7")
    assert response.status_code == 429
    # Another counter's address is not affected.
    assert sign_in(client, "officer", address="192.0.2.8").status_code == 302


def test_a_success_clears_the_account_failures(client, officer):
    for _ in range(4):
        sign_in(client, "officer", "wrong-password")
    assert sign_in(client, "officer").status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "officer", "wrong-password").status_code == 200


def test_the_lockout_message_is_in_the_users_language(client, officer):
    client.cookies["bmis_language"] = "ht"
    for _ in range(5):
        response = sign_in(client, "officer", "wrong-password")
    assert response.status_code == 429
    assert "Twòp tantativ" in response.content.decode()


def test_an_empty_form_gets_a_clear_message(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    assert "Saisissez votre nom d’utilisateur et votre mot de passe." in response.content.decode()


def test_it_signs_out_with_a_post_only(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="logout", actor=officer).exists()


def test_a_session_expires_after_inactivity(client, officer, settings):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = time.time() - settings.BMIS_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/reference/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?expired=1&next=%2Freference%2F"
    assert AuditEvent.objects.filter(action="session.expired", actor=officer).exists()
    page = client.get(response["Location"])
    assert "Votre session a pris fin" in page.content.decode()
    assert client.get("/").status_code == 302


def test_an_expired_session_redirects_an_htmx_request_with_a_header(client, officer, settings):
    client.force_login(officer)
    client.get("/")
    session = client.session
    session["last_seen"] = time.time() - settings.BMIS_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/reference/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?expired=1")


def test_activity_keeps_a_session_alive(client, officer, settings):
    client.force_login(officer)
    client.get("/")
    session = client.session
    session["last_seen"] = time.time() - settings.BMIS_SESSION_IDLE_MINUTES * 60 + 30
    session.save()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/reference/", "/accounts/profile/"])
def test_a_temporary_password_must_be_changed_first(client, pap, path):
    from conftest import make_user

    user = make_user("newcomer", "officer", pap, must_change_password=True)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_it_changes_the_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("another-long-passphrase")
    assert not officer.must_change_password
    assert client.get("/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="user.password_changed", actor=officer).exists()


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("wrong", "another-long-passphrase", "another-long-passphrase", "mot de passe actuel"),
        (PASSWORD, "another-long-passphrase", "different-passphrase", "ne sont pas identiques"),
        (PASSWORD, "short", "short", "trop court"),
        (PASSWORD, "12345678901234", "12345678901234", "entièrement numérique"),
    ],
)
def test_it_explains_a_refused_password_change(client, officer, old, new1, new2, message):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_the_language_switch_is_saved_in_the_profile(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:language"), {"language": "ht", "next": "/reference/"})
    assert response["Location"] == "/reference/"
    officer.refresh_from_db()
    assert officer.language == "ht"
    assert response.cookies["bmis_language"].value == "ht"
    page = client.get("/")
    assert '<html lang="ht">' in page.content.decode()
    # A new session, on another browser, opens in the saved language.
    other = type(client)()
    other.force_login(officer)
    assert '<html lang="ht">' in other.get("/").content.decode()


def test_an_anonymous_visitor_switches_language_with_a_cookie(client, db):
    response = client.post(reverse("accounts:language"), {"language": "es", "next": LOGIN})
    assert response.cookies["bmis_language"].value == "es"
    page = client.get(LOGIN)
    assert "Iniciar sesión" in page.content.decode()


def test_an_unknown_language_is_refused_clearly(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:language"), {"language": "de"}, follow=True)
    assert "Cette langue n’est pas proposée." in response.content.decode()
    officer.refresh_from_db()
    assert officer.language == "fr"
