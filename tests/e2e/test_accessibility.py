"""Every page passes axe-core's WCAG 2.1 A and AA rules (labels, contrast, landmarks, names)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = {
    "officer": [
        "/",
        "/posts/PAP/",
        "/reference/",
        "/accounts/profile/",
        "/accounts/password/",
        "/crossings/counter/",
        "/crossings/",
        "/crossings/travellers/?q=eriksson",
        "/crossings/in-country/",
        "/crossings/overstayers/",
        "/crossings/cases/",
    ],
    "watchlist": [
        "/watchlists/",
        "/watchlists/new/",
        "/watchlists/hits/",
        "/watchlists/monitoring/",
    ],
    "chief": [
        "/",
        "/posts/PAP/",
        "/posts/PAP/counters/new/",
        "/crossings/secondary/",
        "/crossings/rules/",
        "/stats/",
        "/stats/reports/",
    ],
    "admin": [
        "/",
        "/posts/",
        "/accounts/users/",
        "/accounts/users/new/",
        "/audit/",
        "/reference/?q=haiti",
        "/posts/OUA/",
        "/crossings/rules/",
        "/crossings/rules/new/",
        "/crossings/rules/VISITOR/",
        "/watchlists/",
        "/stats/?start=2025-01-01&end=2025-12-31",
        "/stats/?start=2025-12-31&end=2025-01-01",
        "/stats/reports/",
        "/stats/evaluation/?start=2025-01-01&end=2025-12-31",
        "/no-such-page/",
    ],
}


def report(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def test_the_checker_catches_an_unlabelled_field(page):
    page.set_content('<html lang="fr"><title>x</title><main><input type="text"></main></html>')
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert "label" in {violation["id"] for violation in violations}


def test_the_sign_in_page_is_accessible(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert violations == [], report(violations)


@pytest.mark.parametrize("username", list(PAGES))
def test_every_page_of_a_role_is_accessible(page, live_server, demo, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_visible()
    for path in PAGES[username]:
        page.goto(f"{live_server.url}{path}")
        violations = Axe().run(page, options=WCAG).response["violations"]
        assert violations == [], f"{path}\n{report(violations)}"
    # Longer Kreyòl labels must not break the layout's contrast or names either.
    with page.expect_navigation():
        page.get_by_role("button", name="HT").click()
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert violations == [], f"{PAGES[username][-1]} [ht]\n{report(violations)}"
