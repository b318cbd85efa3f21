"""The counter end to end, as the issue's "done when" says: admit, refuse, refer, complete, exit."""

import json
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone, translation
from playwright.sync_api import expect

from bmis.crossings.models import Crossing
from domain.mrz import build
from tests.e2e.test_accessibility import WCAG, report

pytestmark = pytest.mark.e2e

SPECIMENS = Path(__file__).resolve().parents[2] / "domain" / "mrz" / "tests" / "data"


def fr(message: str, context: str | None = None) -> str:
    with translation.override("fr"):
        return translation.pgettext(context, message) if context else translation.gettext(message)


def specimen(specimen_id: str) -> list[str]:
    for line in (SPECIMENS / "mrz_valid.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == specimen_id:
            return record["lines"]
    raise LookupError(specimen_id)


def passport(state: str, surname: str, given: str, number: str, birth: date) -> list[str]:
    return list(
        build(
            format="TD3",
            document_code="P",
            issuing_state=state,
            surname=surname,
            given_names=given,
            document_number=number,
            nationality=state,
            birth_date=birth,
            sex="F",
            expiry_date=date(2032, 1, 1),
        )
    )


def sign_in(page, url, username, password):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Sign out")).click()


def scan(page, lines: list[str]):
    """Type the zone as a keyboard-wedge scanner does: each line, then Enter."""
    box = page.locator("textarea[data-scan]")
    expect(box).to_be_focused()
    for line in lines:
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    expect(page.locator("#decision-form")).to_be_visible()
    expect(page.locator("#decision-form :focus")).to_have_count(1)  # the cursor has landed


def test_an_officer_admits_refuses_and_refers_and_a_supervisor_completes(page, live_server, demo):
    url = live_server.url
    first = specimen("icao-td3-uto-eriksson")
    sign_in(page, url, "officer", demo)
    page.goto(f"{url}/crossings/counter/")
    page.get_by_label(fr("Counter")).select_option(label="PAP/A1")
    page.get_by_label(fr("Entry", "direction")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Start my shift")).click()

    # 1. Scan and admit: the cursor waits on the purpose; one key picks it, Enter admits.
    scan(page, first)
    expect(page.locator("#traveller-name")).to_contain_text("ERIKSSON")
    expect(page.locator('[data-code="document_valid"]')).to_be_visible()
    purpose = page.locator("#decision-form [name=purpose]")
    expect(purpose).to_be_focused()
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert violations == [], report(violations)
    page.keyboard.press("t")  # Tourisme
    page.keyboard.press("Enter")
    expect(page.locator(".recorded")).to_contain_text("ERIKSSON")
    admitted = Crossing.objects.get(decision="admitted")
    assert admitted.purpose_id == "tourism" and admitted.permitted_until is not None

    # The crossing is in today's list.
    page.goto(f"{url}/crossings/")
    expect(page.locator("main")).to_contain_text("ERIKSSON")
    page.goto(f"{url}/crossings/counter/")

    # 2. Refuse another with a reason: F9 asks for the reason, Enter records.
    scan(page, passport("USA", "MILLER", "JOHN", "A12345678", date(1980, 5, 1)))
    page.keyboard.press("F9")
    reason = page.locator("#decision-form [name=refusal_reason]")
    expect(reason).to_be_focused()
    reason.select_option("C")
    page.keyboard.press("Enter")
    expect(page.locator(".recorded")).to_contain_text("MILLER")
    assert Crossing.objects.get(decision="refused").refusal_reason_id == "C"

    # 3. Refer a third to secondary inspection.
    scan(page, passport("CAN", "TREMBLAY", "SOPHIE", "GA1234567", date(1990, 7, 14)))
    page.locator("#decision-form [name=note]").fill("Billet de retour douteux")
    page.keyboard.press("F8")
    expect(page.locator(".recorded")).to_contain_text("TREMBLAY")
    referral = Crossing.objects.get(decision="referred")
    sign_out(page)

    # 4. The supervisor completes the referral with an admission.
    sign_in(page, url, "supervisor", demo)
    page.goto(f"{url}/crossings/secondary/")
    page.get_by_role("link", name=str(referral.person)).click()
    page.get_by_label(fr("Admitted", "decision")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Record the decision")).click()
    assert Crossing.objects.filter(resolves=referral, decision="admitted").exists()
    sign_out(page)

    # 5. The first traveller leaves: Enter records the exit, and the stay is closed.
    sign_in(page, url, "officer", demo)
    page.goto(f"{url}/crossings/counter/")
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Switch to exits")).click()
    scan(page, first)
    expect(page.locator("#decision-form button[data-decision=admitted]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".recorded")).to_contain_text("ERIKSSON")
    exit_ = Crossing.objects.get(direction="exit")
    assert exit_.stay_days == 1
    person = exit_.person
    person.refresh_from_db()
    assert not person.present
    page.goto(f"{url}/crossings/travellers/{person.pk}/")
    expect(page.locator("main")).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))


def test_a_border_card_is_typed_by_hand_and_admitted_for_the_day(page, live_server, demo):
    url = live_server.url
    sign_in(page, url, "officer", demo)
    page.goto(f"{url}/crossings/counter/")
    page.get_by_label(fr("Counter")).select_option(label="PAP/A2")
    page.get_by_label(fr("Entry", "direction")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Start my shift")).click()
    expect(page.locator("textarea[data-scan]")).to_be_focused()
    page.keyboard.press("F2")
    kind = page.locator("#manual-form [name=doc-kind]")
    expect(kind).to_be_focused()
    kind.select_option("border_card")
    page.fill("#manual-form [name=doc-number]", "TF-204 118")
    page.fill("#manual-form [name=doc-issuing_state]", "dom")
    page.fill("#manual-form [name=doc-surname]", "Peña Rodríguez")
    page.fill("#manual-form [name=doc-given_names]", "Yolanda")
    page.fill("#manual-form [name=doc-nationality]", "DOM")
    page.fill("#manual-form [name=doc-birth_date]", "14/02/1979")
    page.locator("#manual-form [name=doc-birth_date]").press("Enter")
    expect(page.locator("#decision-form :focus")).to_have_count(1)
    expect(page.locator("#traveller-name")).to_contain_text("PEÑA RODRÍGUEZ")
    page.keyboard.press("t")
    page.keyboard.press("Enter")
    expect(page.locator(".recorded")).to_contain_text("PEÑA RODRÍGUEZ")
    crossing = Crossing.objects.get()
    assert crossing.stay_rule == "BORDER_CARD"
    assert crossing.permitted_until == timezone.localdate()
    assert crossing.document.number == "TF204118"


def test_the_counter_camera_takes_a_photo_stored_with_the_crossing(page, live_server, demo):
    url = live_server.url
    sign_in(page, url, "officer", demo)
    page.goto(f"{url}/crossings/counter/")
    page.get_by_label(fr("Counter")).select_option(label="PAP/A3")
    page.get_by_label(fr("Exit", "direction")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Start my shift")).click()
    scan(page, passport("FRA", "DUPONT", "CLAIRE", "18FR12345", date(1985, 1, 30)))
    page.keyboard.press("F7")  # the camera starts
    expect(page.locator("[data-camera-video]")).to_be_visible()
    page.wait_for_function("document.querySelector('[data-camera-video]').videoWidth > 0")
    page.keyboard.press("F7")  # the photo is taken
    expect(page.locator("[data-camera-photo]")).to_be_visible()
    page.locator("#decision-form button[data-decision=admitted]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".recorded")).to_contain_text("DUPONT")
    crossing = Crossing.objects.get()
    assert bytes(crossing.photo.data[:3]) == b"\xff\xd8\xff"
    page.goto(f"{url}/crossings/{crossing.pk}/")
    image = page.locator(f'img[src$="/crossings/{crossing.pk}/photo/"]')
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
