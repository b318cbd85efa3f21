"""Sign in as every demo role, see its navigation, switch to Kreyòl, sign out; see a lockout."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HOME, MY_POST, POSTS, USERS, AUDIT, REFERENCE = (
    ("navigation", "Home"),
    (None, "My post"),
    ("navigation", "Posts"),
    ("navigation", "Users"),
    ("navigation", "Audit trail"),
    ("navigation", "Reference data"),
)
LISTS, HITS = (("navigation", "Alert lists"), ("navigation", "Hits"))
COUNTER, SECONDARY, CROSSINGS, TRAVELLERS, IN_COUNTRY, CASES, RULES = (
    ("navigation", "Counter"),
    ("navigation", "Secondary"),
    ("navigation", "Crossings"),
    ("navigation", "Travellers"),
    ("navigation", "In the country"),
    ("navigation", "Cases"),
    ("navigation", "Stay rules"),
)
RECORDS = [CROSSINGS, TRAVELLERS, IN_COUNTRY, CASES]
STATS = ("navigation", "Statistics")
NAVIGATION = {
    "officer": [HOME, MY_POST, COUNTER, *RECORDS, REFERENCE],
    "supervisor": [HOME, MY_POST, COUNTER, SECONDARY, *RECORDS, REFERENCE, HITS],
    "chief": [HOME, MY_POST, COUNTER, SECONDARY, *RECORDS, STATS, REFERENCE, HITS],
    "analyst": [HOME, *RECORDS, STATS, POSTS, REFERENCE, LISTS, HITS],
    "watchlist": [HOME, POSTS, REFERENCE, LISTS, HITS],
    "admin": [HOME, *RECORDS, STATS, POSTS, USERS, AUDIT, REFERENCE, RULES, LISTS, HITS],
}


def labels(items, language):
    with translation.override(language):
        return [pgettext(ctx, msg) if ctx else gettext(msg) for ctx, msg in items]


def in_language(message, language):
    with translation.override(language):
        return gettext(message)


def sign_in(page, url, username, password):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label(in_language("Username", "fr")).fill(username)
    page.keyboard.press("Tab")  # the password field comes next in the focus order
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("username", list(NAVIGATION))
def test_each_demo_role_signs_in_switches_to_kreyol_and_signs_out(
    browser, live_server, demo, username
):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    sign_in(page, live_server.url, username, demo)
    navigation = page.get_by_role("navigation", name=in_language("Main", "fr"))
    expect(navigation.get_by_role("link")).to_have_text(labels(NAVIGATION[username], "fr"))

    page.get_by_role("button", name="HT").click()
    expect(page.locator("html")).to_have_attribute("lang", "ht")
    kreyol = labels(NAVIGATION[username], "ht")
    assert kreyol != labels(NAVIGATION[username], "fr")
    navigation = page.get_by_role("navigation", name=in_language("Main", "ht"))
    expect(navigation.get_by_role("link")).to_have_text(kreyol)

    page.get_by_role("button", name=in_language("Sign out", "ht")).click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language("Sign in to OpenBMIS", "ht")
    )
    expect(page.get_by_text(in_language("You are signed out.", "ht"))).to_be_visible()
    context.close()


def test_a_locked_out_account_sees_the_lockout_message(browser, live_server, demo):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    for _ in range(5):
        sign_in(page, live_server.url, "officer", "not-the-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Trop de tentatives de connexion échouées")
    expect(alert).to_contain_text("15 minutes")
    # The right password does not help while the lock holds.
    sign_in(page, live_server.url, "officer", demo)
    expect(page.get_by_role("alert")).to_contain_text("Réessayez dans")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    context.close()
