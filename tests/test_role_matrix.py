"""Every page, every role: the expected allow or deny (and sign-in for anonymous visitors)."""

import pytest
from django.urls import reverse

from bmis.core import audit
from bmis.posts.models import Counter

ROLES = ["officer", "supervisor", "post_chief", "analyst", "watchlist_manager", "admin"]
EVERYONE = set(ROLES)
HQ = {"analyst", "watchlist_manager", "admin"}
PAP_STAFF = {"officer", "supervisor", "post_chief"}
SUPERVISORS = {"supervisor", "post_chief"}
VIEWERS = PAP_STAFF | {"analyst", "admin"}


def _crossing(officer, counter, decision, number):
    import uuid

    from django.utils import timezone

    from bmis.crossings import services
    from bmis.crossings.reading import from_mrz
    from bmis.crossings.tests.conftest import passport

    shift = services.shift_open(officer=officer, counter=counter, direction="exit")
    crossing = services.crossing_record(
        officer=officer,
        shift=shift,
        submission=uuid.uuid4(),
        reading=from_mrz(passport(number=number), today=timezone.localdate()),
        details=services.Details(mode="air"),
        decision=decision,
        photo=b"\xff\xd8\xff\xe0" + b"0" * 50,
    )
    services.shift_close(officer=officer, shift=shift)
    return crossing


@pytest.fixture
def objects(cast, pap, oua):
    from bmis.crossings.defaults import stay_rules_load
    from bmis.reference.services import reference_load

    reference_load(actor=None)
    stay_rules_load(actor=None)
    counter = Counter.objects.create(post=pap, code="A1", name="Arrivals 1")
    event = audit.record(actor=None, action="test.event")
    referral = _crossing(cast["officer"], counter, "referred", "L898902C3")
    exit_ = _crossing(cast["officer"], counter, "admitted", "Q12345678")  # an exit_without_entry
    oua_counter = Counter.objects.create(post=oua, code="1", name="Guichet 1")
    at_oua = _crossing(cast["officer_oua"], oua_counter, "admitted", "Z12345678")
    from bmis.watchlist import services as watchlist_services

    wanted = watchlist_services.watchlist_save(
        actor=None,
        code="HT-WANTED",
        name="Wanted persons",
        kind="persons",
        owner="DCPJ",
        action="arrest",
        priority="high",
        threshold=0.85,
    )
    listed = watchlist_services.entry_save(
        actor=None,
        watchlist=wanted,
        entry=watchlist_services.person_entry(source_ref="R1", names=["Jean PIERRE"]),
    )
    return {
        "listed": listed.pk,
        "user": cast["officer"].pk,
        "event": event.pk,
        "counter": counter.pk,
        "referral": referral.pk,
        "person": referral.person_id,
        "at_oua": at_oua.pk,
        "case": exit_.person.cases.get().pk,
    }


# (page, roles allowed; others get 403) — the post pages of PAP are PAP's staff's and HQ's.
PAGES = [
    (lambda o: reverse("core:home"), EVERYONE),
    (lambda o: reverse("accounts:profile"), EVERYONE),
    (lambda o: reverse("accounts:password_change"), EVERYONE),
    (lambda o: reverse("reference:index"), EVERYONE),
    (lambda o: reverse("posts:post_list"), EVERYONE),  # post roles are sent to their post
    (lambda o: reverse("posts:post_detail", args=["PAP"]), EVERYONE),
    (lambda o: reverse("posts:post_detail", args=["OUA"]), HQ),
    (lambda o: reverse("posts:counter_create", args=["PAP"]), {"post_chief", "admin"}),
    (lambda o: reverse("posts:counter_edit", args=["PAP", o["counter"]]), {"post_chief", "admin"}),
    (lambda o: reverse("accounts:user_list"), {"admin"}),
    (lambda o: reverse("accounts:user_create"), {"admin"}),
    (lambda o: reverse("accounts:user_detail", args=[o["user"]]), {"admin"}),
    (lambda o: reverse("core:audit_list"), {"admin"}),
    (lambda o: reverse("core:audit_detail", args=[o["event"]]), {"admin"}),
    (lambda o: reverse("crossings:counter"), PAP_STAFF),
    (lambda o: reverse("crossings:secondary"), SUPERVISORS),
    (lambda o: reverse("crossings:referral", args=[o["referral"]]), SUPERVISORS),
    (lambda o: reverse("crossings:today"), VIEWERS),
    (lambda o: reverse("crossings:crossing_detail", args=[o["referral"]]), VIEWERS),
    (lambda o: reverse("crossings:crossing_detail", args=[o["at_oua"]]), {"analyst", "admin"}),
    (lambda o: reverse("crossings:crossing_correct", args=[o["referral"]]), SUPERVISORS),
    (lambda o: reverse("crossings:photo", args=[o["referral"]]), VIEWERS),
    (lambda o: reverse("crossings:photo", args=[o["at_oua"]]), {"analyst", "admin"}),
    (lambda o: reverse("crossings:traveller_search"), VIEWERS),
    (lambda o: reverse("crossings:traveller_detail", args=[o["person"]]), VIEWERS),
    (lambda o: reverse("crossings:in_country"), VIEWERS),
    (lambda o: reverse("crossings:overstayers"), VIEWERS),
    (lambda o: reverse("crossings:cases"), VIEWERS),
    (lambda o: reverse("crossings:rules"), SUPERVISORS | {"analyst", "admin"}),
    (lambda o: reverse("crossings:rule_create"), {"admin"}),
    (lambda o: reverse("crossings:rule_edit", args=["VISITOR"]), {"admin"}),
    (lambda o: reverse("watchlist:list_index"), HQ),
    (lambda o: reverse("watchlist:list_create"), {"watchlist_manager"}),
    (lambda o: reverse("watchlist:list_detail", args=["HT-WANTED"]), HQ),
    (lambda o: reverse("watchlist:list_edit", args=["HT-WANTED"]), {"watchlist_manager"}),
    (lambda o: reverse("watchlist:list_import", args=["HT-WANTED"]), {"watchlist_manager"}),
    (lambda o: reverse("watchlist:person_create", args=["HT-WANTED"]), {"watchlist_manager"}),
    (lambda o: reverse("watchlist:entry_detail", args=["HT-WANTED", "persons", o["listed"]]), HQ),
    (
        lambda o: reverse("watchlist:person_edit", args=["HT-WANTED", o["listed"]]),
        {"watchlist_manager"},
    ),
    (lambda o: reverse("watchlist:retro_hits"), HQ | SUPERVISORS),
    (lambda o: reverse("watchlist:monitoring"), HQ),
]

POSTS = [
    (lambda o: reverse("core:audit_verify"), {"admin"}),
    (lambda o: reverse("accounts:user_unlock", args=[o["user"]]), {"admin"}),
    (lambda o: reverse("accounts:user_reset_password", args=[o["user"]]), {"admin"}),
    (lambda o: reverse("crossings:case_review", args=[o["case"]]), SUPERVISORS),
    (lambda o: reverse("crossings:shift_close"), PAP_STAFF),
    (
        lambda o: reverse("watchlist:entry_deactivate", args=["HT-WANTED", "persons", o["listed"]]),
        {"watchlist_manager"},
    ),
]

# Headquarters' own pages: walked with headquarters' settings; on a post's node they are a 404.
HQ_PAGES = [
    (lambda o: reverse("sync:network"), {"admin"}),
]

HQ_POSTS = [
    (lambda o: reverse("sync:code_issue", args=["OUA"]), {"admin"}),
    (lambda o: reverse("sync:revoke", args=["OUA"]), {"admin"}),
]


def at_headquarters(settings):
    settings.BMIS_ROLE, settings.BMIS_POST, settings.BMIS_NODE = "hq", "", "HQ"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(client, cast, objects, role):
    client.force_login(cast[role])
    outcomes = {}
    for page, allowed in PAGES:
        path = page(objects)
        status = client.get(path).status_code
        outcomes[path] = status
        expected = {200, 302} if role in allowed else {403}
        assert status in expected, f"{role} GET {path}: {status}, expected {expected}"
    for page, allowed in POSTS:
        path = page(objects)
        status = client.post(path).status_code
        expected = {200, 302} if role in allowed else {403}
        assert status in expected, f"{role} POST {path}: {status}, expected {expected}"
    # Only the post list may redirect, and only post roles, to their own post.
    redirects = [path for path, status in outcomes.items() if status == 302]
    assert redirects == ([reverse("posts:post_list")] if role in PAP_STAFF else [])


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_headquarters_pages(client, cast, objects, role, settings):
    at_headquarters(settings)
    client.force_login(cast[role])
    for page, allowed in HQ_PAGES:
        path = page(objects)
        status = client.get(path).status_code
        expected = {200} if role in allowed else {403}
        assert status in expected, f"{role} GET {path}: {status}, expected {expected}"
    for page, allowed in HQ_POSTS:
        path = page(objects)
        status = client.post(path).status_code
        expected = {200, 302} if role in allowed else {403}
        assert status in expected, f"{role} POST {path}: {status}, expected {expected}"


def test_headquarters_pages_are_not_found_on_a_post_node(client, cast, objects):
    for role in [None, *ROLES]:
        if role:
            client.force_login(cast[role])
        for page, _allowed in HQ_PAGES:
            assert client.get(page(objects)).status_code == 404, (role, page(objects))
        for page, _allowed in HQ_POSTS:
            assert client.post(page(objects)).status_code == 404, (role, page(objects))


def test_an_officer_of_another_post_is_refused_pap_pages(client, cast, objects):
    client.force_login(cast["officer_oua"])
    response = client.get(reverse("posts:post_detail", args=["PAP"]))
    assert response.status_code == 403
    assert "appartient au poste PAP" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, cast, objects):
    for page, _allowed in PAGES:
        path = page(objects)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), path


def test_anonymous_visitors_at_headquarters_are_sent_to_sign_in(client, cast, objects, settings):
    at_headquarters(settings)
    for page, _allowed in HQ_PAGES:
        path = page(objects)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), path


def test_django_admin_is_for_administrators_only(client, cast):
    for role in ROLES:
        client.force_login(cast[role])
        response = client.get("/django-admin/")
        if role == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/django-admin/login/")
