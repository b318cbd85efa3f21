"""The counter is worked from the keyboard: skip link, focus order, language switch, sign-out."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def fr(message):
    with translation.override("fr"):
        return gettext(message)


def test_an_officer_works_the_pages_with_the_keyboard_alone(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label(fr("Username"))).to_be_focused()  # the field has autofocus
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    expect(page.get_by_label(fr("Password"))).to_be_focused()
    page.keyboard.type(demo)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The first Tab reaches the skip link, which takes the focus past the navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=fr("Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Every control of the header is reachable in order, and Enter works a language button.
    page.keyboard.press("Shift+Tab")
    for _ in range(30):
        if page.evaluate("document.activeElement.textContent.trim()") == "ES":
            break
        page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="ES")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    outlines = page.evaluate(
        """() => { const b = document.querySelector('[data-testid="language-fr"]'); b.focus();
                   return getComputedStyle(b).outlineStyle; }"""
    )
    assert outlines == "solid"  # a visible focus ring
