from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bmis.accounts.models import LoginThrottle
from bmis.core.models import AuditEvent
from bmis.posts.models import Counter
from bmis.posts.tests.conftest import HTMX, in_english


def detail(code="PAP"):
    return reverse("posts:post_detail", args=[code])


# --- The list of posts ------------------------------------------------------------------------


def test_it_lists_every_post_with_its_open_counters_to_an_analyst(client, analyst, counters, oua):
    client.force_login(analyst)
    response = client.get(reverse("posts:post_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert f'href="{detail("PAP")}"' in body
    assert f'href="{detail("OUA")}"' in body
    assert {post.code: post.counter_count for post in response.context["posts"]} == {
        "PAP": 2,
        "OUA": 0,
    }


def test_it_filters_the_posts_by_type_in_an_htmx_fragment(client, admin_user, pap, oua):
    client.force_login(admin_user)
    response = client.get(reverse("posts:post_list"), {"kind": "land"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert f'href="{detail("OUA")}"' in body
    assert detail("PAP") not in body


def test_it_filters_the_posts_by_department_with_a_plain_get(client, watchlist_manager, pap, oua):
    client.force_login(watchlist_manager)
    response = client.get(reverse("posts:post_list"), {"department": "HT-NE"})
    assert "<html" in response.content.decode()
    assert [post.code for post in response.context["posts"]] == ["OUA"]


def test_it_sends_post_staff_from_the_list_to_their_own_post(client, officer_oua):
    client.force_login(officer_oua)
    response = client.get(reverse("posts:post_list"))
    assert response.status_code == 302
    assert response["Location"] == detail("OUA")


def test_it_sends_anonymous_visitors_to_sign_in(client, pap):
    for path in [reverse("posts:post_list"), detail("PAP")]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- A post's page ----------------------------------------------------------------------------


def test_it_shows_an_officer_their_post_and_its_open_counters_but_not_its_staff(
    client, officer, supervisor, counters
):
    in_english(officer)
    client.force_login(officer)
    response = client.get(detail("PAP"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Aéroport international Toussaint Louverture" in body
    assert "Arrivals 1" in body and "Arrivals 2" in body
    assert "Old desk" not in body
    assert "Staff" not in body
    assert supervisor.username not in body
    assert reverse("posts:counter_create", args=["PAP"]) not in body


def test_it_shows_closed_counters_too_in_an_htmx_fragment(client, officer, counters):
    client.force_login(officer)
    response = client.get(detail("PAP"), {"closed": "1"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="counters"')
    assert "Old desk" in body
    assert "Arrivals 1" in body


def test_it_shows_the_post_chief_the_staff_and_who_is_locked_out(
    client, chief, officer, supervisor, officer_oua, pap
):
    in_english(chief)
    LoginThrottle.objects.create(
        key="user:officer", failures=0, locked_until=timezone.now() + timedelta(minutes=10)
    )
    client.force_login(chief)
    response = client.get(detail("PAP"))
    body = response.content.decode()
    staff = response.context["staff"]
    assert [member.username for member in staff] == ["chief", "supervisor", "officer"]
    assert {member.username: member.is_locked for member in staff} == {
        "chief": False,
        "supervisor": False,
        "officer": True,
    }
    assert "Locked out" in body
    assert "officer_oua" not in body
    assert reverse("posts:counter_create", args=["PAP"]) in body


def test_it_shows_an_administrator_the_staff_of_any_post(client, admin_user, officer_oua):
    client.force_login(admin_user)
    response = client.get(detail("OUA"))
    assert [member.username for member in response.context["staff"]] == ["officer_oua"]
    assert reverse("accounts:user_detail", args=[officer_oua.pk]) in response.content.decode()


def test_it_refuses_an_officer_another_posts_page_and_audits_it(client, officer, oua):
    client.force_login(officer)
    response = client.get(detail("OUA"))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == officer
    assert event.details["post"] == "OUA"
    assert event.details["path"] == detail("OUA")


def test_it_refuses_an_officer_another_posts_counters_fragment(client, officer, oua):
    client.force_login(officer)
    assert client.get(detail("OUA"), {"closed": "1"}, headers=HTMX).status_code == 403


def test_it_answers_not_found_for_an_unknown_post(client, analyst, pap):
    client.force_login(analyst)
    assert client.get(detail("NOPE")).status_code == 404


# --- Opening and changing counters ------------------------------------------------------------


def test_it_shows_the_post_chief_the_form_to_open_a_counter(client, chief):
    client.force_login(chief)
    response = client.get(reverse("posts:counter_create", args=["PAP"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert 'name="code"' in body and 'name="name"' in body


def test_the_post_chief_opens_a_counter_in_lowercase_and_it_is_stored_in_capitals(
    client, chief, pap
):
    client.force_login(chief)
    response = client.post(
        reverse("posts:counter_create", args=["PAP"]), {"code": "d3 ", "name": "Departures 3"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail("PAP")
    counter = Counter.objects.get(post=pap)
    assert (counter.code, counter.name) == ("D3", "Departures 3")
    assert AuditEvent.objects.get(action="counter.created").actor == chief


def test_it_answers_an_htmx_form_with_its_errors_in_a_fragment(client, chief, counters):
    in_english(chief)
    client.force_login(chief)
    response = client.post(
        reverse("posts:counter_create", args=["PAP"]),
        {"code": "A1", "name": "Arrivals again"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<form id="counter-form"')
    assert "The post PAP already has a counter A1. Choose another code." in body
    assert Counter.objects.filter(code="A1").count() == 1


def test_it_refuses_a_counter_code_with_a_space_with_a_clear_message(client, chief, pap):
    in_english(chief)
    client.force_login(chief)
    response = client.post(
        reverse("posts:counter_create", args=["PAP"]), {"code": "A 1", "name": "Arrivals"}
    )
    assert response.status_code == 200
    assert "1 to 10 capital letters A-Z, digits or hyphens" in response.content.decode()
    assert not Counter.objects.exists()


def test_it_sends_htmx_back_to_the_post_once_the_counter_is_open(client, admin_user, oua):
    client.force_login(admin_user)
    response = client.post(
        reverse("posts:counter_create", args=["OUA"]),
        {"code": "3", "name": "Counter 3"},
        headers=HTMX,
    )
    assert response["HX-Redirect"] == detail("OUA")
    assert Counter.objects.get(post=oua).code == "3"


def test_it_refuses_an_officer_the_counter_forms(client, officer, counters):
    client.force_login(officer)
    assert client.get(reverse("posts:counter_create", args=["PAP"])).status_code == 403
    edit = reverse("posts:counter_edit", args=["PAP", counters["A1"].pk])
    assert client.post(edit, {"name": "Mine now", "is_active": "on"}).status_code == 403
    assert Counter.objects.get(pk=counters["A1"].pk).name == "Arrivals 1"
    assert AuditEvent.objects.filter(action="access.denied", actor=officer).count() == 2


def test_it_refuses_the_chief_of_another_post_the_counters_of_pap(client, chief_oua, counters):
    client.force_login(chief_oua)
    response = client.post(
        reverse("posts:counter_create", args=["PAP"]), {"code": "Z1", "name": "Intruder"}
    )
    assert response.status_code == 403
    assert not Counter.objects.filter(code="Z1").exists()
    assert AuditEvent.objects.get(action="access.denied").details["post"] == "PAP"


def test_the_post_chief_renames_and_closes_a_counter(client, chief, counters):
    client.force_login(chief)
    edit = reverse("posts:counter_edit", args=["PAP", counters["A2"].pk])
    page = client.get(edit)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    response = client.post(edit, {"name": "Arrivals two"})
    assert response.status_code == 302
    counter = Counter.objects.get(pk=counters["A2"].pk)
    assert (counter.code, counter.name, counter.is_active) == ("A2", "Arrivals two", False)
    assert AuditEvent.objects.get(action="counter.updated", actor=chief).details["is_active"] == {
        "from": True,
        "to": False,
    }


def test_the_counter_form_answers_htmx_with_a_fragment(client, chief, counters):
    client.force_login(chief)
    edit = reverse("posts:counter_edit", args=["PAP", counters["X9"].pk])
    response = client.post(edit, {"name": "", "is_active": "on"}, headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<form id="counter-form"')
    assert not Counter.objects.get(pk=counters["X9"].pk).is_active


def test_it_does_not_find_a_counter_through_another_posts_address(
    client, admin_user, counters, oua
):
    client.force_login(admin_user)
    response = client.get(reverse("posts:counter_edit", args=["OUA", counters["A1"].pk]))
    assert response.status_code == 404
