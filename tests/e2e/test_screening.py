"""Screening in the browser: a listed traveller is stopped, a supervisor clears the hit, and a
listed lost passport is seen."""

from datetime import date

import pytest
from playwright.sync_api import expect

from bmis.crossings.models import Crossing
from bmis.watchlist import services
from tests.e2e.test_counter import fr, passport, scan, sign_in, sign_out

pytestmark = pytest.mark.e2e


def make_lists():
    wanted = services.watchlist_save(
        actor=None,
        code="WANTED",
        name="Personnes recherchées",
        kind="persons",
        owner="Police nationale d'Haïti",
        action="arrest",
        priority="high",
        threshold=0.85,
    )
    entry = services.person_entry(
        source_ref="PNH-2026-001",
        names=["Jean-Baptiste Dorsainvil"],
        birth_dates=["1974-08-12"],
        nationalities=["HTI"],
    )
    services.entry_save(actor=None, watchlist=wanted, entry=entry)
    sltd = services.watchlist_save(
        actor=None,
        code="SLTD",
        name="Documents perdus ou volés",
        kind="documents",
        owner="INTERPOL",
        action="seize",
        priority="high",
        threshold=0.85,
    )
    stolen = services.document_entry(
        source_ref="", number="GA1234567", issuing_state="CAN", status="stolen"
    )
    services.entry_save(actor=None, watchlist=sltd, entry=stolen)


def test_a_listed_traveller_is_held_until_a_supervisor_clears_the_hit(page, live_server, demo):
    make_lists()
    url = live_server.url
    sign_in(page, url, "officer", demo)
    page.goto(f"{url}/crossings/counter/")
    page.get_by_label(fr("Counter")).select_option(label="PAP/A1")
    page.get_by_label(fr("Entry", "direction")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Start my shift")).click()

    # The holder of this passport is on the list of wanted persons: the hit and why.
    scan(page, passport("HTI", "DORSAINVIL", "JEAN BAPTISTE", "HA1234567", date(1974, 8, 12)))
    hit = page.locator('[data-code="watchlist_hit"]')
    expect(hit).to_contain_text("WANTED")
    expect(hit).to_contain_text("DORSAINVIL")
    expect(page.locator('[data-code="lists"]')).to_be_visible()
    expect(page.locator("#decision-form button[data-decision=admitted]")).to_be_disabled()
    expect(page.locator("#decision-form button[data-decision=referred]")).to_be_focused()
    page.keyboard.press("Enter")  # refer to secondary inspection
    expect(page.locator(".recorded")).to_contain_text("DORSAINVIL")
    referral = Crossing.objects.get(decision="referred")

    # A listed lost passport: the document hit.
    scan(page, passport("CAN", "TREMBLAY", "SOPHIE", "GA1234567", date(1990, 7, 14)))
    document_hit = page.locator('[data-code="watchlist_hit"]')
    expect(document_hit).to_contain_text("SLTD")
    sign_out(page)

    # The supervisor resolves the hit as a false positive, then admits.
    sign_in(page, url, "supervisor", demo)
    page.goto(f"{url}/crossings/secondary/{referral.pk}/")
    form = page.locator("form.hit-review")
    form.get_by_label(fr("False positive: not this traveller")).check()
    form.get_by_label(fr("Reason")).fill("Homonyme : autre père, vérifié avec la PNH")
    with page.expect_navigation():
        form.get_by_role("button", name=fr("Record the resolution")).click()
    expect(page.locator(".review")).to_contain_text("Homonyme")
    page.get_by_label(fr("Admitted", "decision")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Record the decision")).click()
    completion = Crossing.objects.get(resolves=referral)
    assert completion.decision == "admitted" and completion.override_by is None
