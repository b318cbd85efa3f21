"""Headquarters' view of the network in the browser: an administrator issues a post's enrolment
code, the post's node enrols, pulls and pushes over HTTP, and the page follows it from not
enrolled to in sync, silent, and in sync again; then the administrator revokes it, and its next
push is refused."""

import json
import re
import urllib.request
from datetime import timedelta
from urllib.error import HTTPError

import pytest
from axe_playwright_python.sync_playwright import Axe
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from playwright.sync_api import expect

from bmis.sync import records, signing
from tests.e2e.test_accessibility import WCAG, report
from tests.e2e.test_counter import fr, sign_in

pytestmark = pytest.mark.e2e

VERSION = "0.9.1"


class PostNode:
    """A post's node as headquarters meets it: JSON over HTTP, signed with the node's own key."""

    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code
        self.key = Ed25519PrivateKey.generate()
        self.number = 0
        self.epoch = 0
        self.cursor: dict = {}
        self.lists: dict[str, int] = {}

    def send(self, path: str, payload: dict, *, signed: bool = True) -> tuple[int, dict]:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            self.number += 1
            text = signing.message("POST", path, self.code, self.number, body)
            headers |= {
                "X-BMIS-Node": self.code,
                "X-BMIS-Request": str(self.number),
                "X-BMIS-Time": timezone.now().isoformat(),
                "X-BMIS-Version": VERSION,
                "X-BMIS-Signature": signing.sign(self.key, text),
            }
        request = urllib.request.Request(self.url + path, body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except HTTPError as error:
            return error.code, json.load(error)

    def enrol(self, code: str) -> None:
        key = signing.public_pem(self.key)
        payload = {"post": self.code, "code": code, "public_key": key, "version": VERSION}
        status, answer = self.send("/sync/enrol", payload, signed=False)
        assert status == 200, answer
        self.epoch = answer["epoch"]

    def pull(self) -> None:
        """Take everything headquarters has for the post, keeping the versions of its lists."""
        while True:
            status, answer = self.send("/sync/pull", {"cursor": self.cursor})
            assert status == 200, answer
            for record in answer["records"]:
                if record["model"] == "watchlist.WatchList":
                    self.lists[record["fields"]["code"]] = record["fields"]["version"]
            self.cursor = answer["cursor"]
            if not answer["more"]:
                return

    def push(self, *, waiting: int = 0, oldest=None) -> tuple[int, dict]:
        batch = {
            "schema": records.SCHEMA,
            "epoch": self.epoch,
            "from_seq": 1,
            "to_seq": 0,
            "records": [],
            "waiting": waiting,
            "oldest_waiting_at": oldest,
            "lists": self.lists,
        }
        return self.send("/sync/push", batch)


@pytest.fixture
def headquarters(settings):
    settings.BMIS_ROLE, settings.BMIS_POST, settings.BMIS_NODE = "hq", "", "HQ"


def state(message: str) -> str:
    return fr(message, "node state")


def test_an_administrator_follows_a_post_from_not_enrolled_to_in_sync(
    page, live_server, demo, headquarters, settings
):
    url = live_server.url
    sign_in(page, url, "admin", demo)
    with page.expect_navigation():
        page.get_by_role("link", name=fr("Network", "navigation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Network of posts"))
    row = page.locator("#node-OUA")
    expect(row).to_have_attribute("data-state", "not_enrolled")
    expect(row.get_by_role("cell").first).to_have_text(state("Not enrolled"))

    # The code is shown once, in the post's row; the post's machine enrols with it.
    row.get_by_role("button", name=f"{fr('Issue an enrolment code')} OUA").click()
    code = row.locator("[data-code]")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$"))
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert violations == [], report(violations)
    node = PostNode(url, "OUA")
    node.enrol(code.inner_text())

    # Enrolled, but it has not said yet which lists it holds: behind headquarters.
    page.reload()
    expect(row).to_have_attribute("data-state", "behind")
    expect(row).to_contain_text(state("Behind"))
    expect(row).to_contain_text(VERSION)
    expect(row).to_contain_text("DEMO-WANTED")

    # Records wait at the post: behind, and the page says how old the oldest is.
    node.pull()
    assert set(node.lists) == {"DEMO-WANTED", "DEMO-SLTD"}
    oldest = (timezone.now() - timedelta(hours=5, minutes=5)).isoformat()
    assert node.push(waiting=4, oldest=oldest)[0] == 200
    page.reload()
    expect(row).to_have_attribute("data-state", "behind")
    expect(row.locator("td.num").first).to_have_text("4")
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert violations == [], report(violations)

    # Everything has reached headquarters and the lists are current: in sync.
    assert node.push(waiting=0)[0] == 200
    page.reload()
    expect(row).to_have_attribute("data-state", "in_sync")
    expect(row.get_by_role("cell").first).to_have_text(state("In sync"))
    expect(row.locator("td.num").first).to_have_text("0")

    # The post falls silent (here after four seconds rather than hours), and is back in sync as
    # soon as its node calls again.
    settings.BMIS_SILENT_AFTER = timedelta(seconds=4)
    page.wait_for_timeout(5000)
    page.reload()
    expect(row).to_have_attribute("data-state", "silent")
    expect(row.get_by_role("cell").first).to_have_text(state("Silent"))
    assert node.push(waiting=0)[0] == 200
    page.reload()
    expect(row).to_have_attribute("data-state", "in_sync")
    settings.BMIS_SILENT_AFTER = timedelta(hours=24)

    # The machine is lost: the administrator revokes the node, and its next push is refused.
    row.locator("summary", has_text=fr("Revoke", "a node")).click()
    row.get_by_role("button", name=f"{fr('Revoke the node')} OUA").click()
    expect(row).to_have_attribute("data-state", "revoked")
    expect(row.get_by_role("cell").first).to_have_text(state("Revoked"))
    status, answer = node.push()
    assert (status, answer["error"]) == (403, "revoked")
