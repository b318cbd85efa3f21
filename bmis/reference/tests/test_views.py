from django.urls import reverse

from bmis.reference.models import Country

HTMX = {"HX-Request": "true"}
INDEX = reverse("reference:index")


def speak(user, language):
    user.language = language
    user.save(update_fields=["language"])


def test_it_shows_an_officer_the_reasons_and_purposes_in_their_language(client, officer, reference):
    speak(officer, "ht")
    client.force_login(officer)
    response = client.get(INDEX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Pa gen yon dokiman vwayaj ki valab" in body
    assert "Komès fwontyè (mache)" in body
    assert "Afganistan" in body  # AFG, first of the codes
    assert "N&#x27;est pas en possession" not in body


def test_it_shows_an_analyst_the_names_in_spanish(client, analyst, reference):
    speak(analyst, "es")
    client.force_login(analyst)
    body = client.get(INDEX, {"q": "HTI"}).content.decode()
    assert "Haití" in body
    assert "No posee un documento de viaje válido" in body


def test_it_finds_a_code_by_its_name_in_an_htmx_fragment(client, officer, reference):
    client.force_login(officer)
    response = client.get(INDEX, {"q": "repiblik dominiken"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="countries"')
    assert [country.code for country in response.context["page"]] == ["DOM"]
    assert "Refusal" not in body  # the rest of the page is not sent


def test_it_puts_the_exact_code_first(client, officer, reference):
    client.force_login(officer)
    response = client.get(INDEX, {"q": "d"})
    assert response.context["page"][0].code == "D"


def test_it_filters_the_codes_by_kind_with_a_plain_get(client, watchlist_manager, reference):
    client.force_login(watchlist_manager)
    response = client.get(INDEX, {"kind": "special"})
    assert "<html" in response.content.decode()
    assert [c.code for c in response.context["page"]] == ["XXA", "XXB", "XXC", "XXX"]


def test_it_pages_the_codes_fifty_at_a_time(client, officer, reference):
    client.force_login(officer)
    total = Country.objects.filter(is_active=True).count()
    last = (total + 49) // 50
    response = client.get(INDEX, {"page": last})
    assert len(response.context["page"]) == total - 50 * (last - 1)
    assert f"?page={last - 1}" in response.content.decode()


def test_it_hides_a_deactivated_code(client, officer, reference):
    Country.objects.filter(pk="XXX").update(is_active=False)
    client.force_login(officer)
    response = client.get(INDEX, {"kind": "special"})
    assert [c.code for c in response.context["page"]] == ["XXA", "XXB", "XXC"]


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    for headers in [{}, HTMX]:
        response = client.get(INDEX, {"q": "haiti"}, headers=headers)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
