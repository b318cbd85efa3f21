"""Headquarters' view of the network: each post's state, and an administrator's actions on it."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.posts.models import Post
from bmis.sync import records, signing
from bmis.sync.models import NodeLink
from bmis.sync.network import ListVersion, State, duration, rows, state
from bmis.watchlist import services as watchlist_services
from conftest import make_user

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LIMITS = {"now": NOW, "silent_after": timedelta(hours=24), "clock_tolerance": 300}
CODE = re.compile(r"data-code>([A-Z0-9-]{19})<")


def enrolled(**fields) -> NodeLink:
    values = {
        "public_key": "PEM",
        "epoch": 1,
        "last_contact_at": NOW - timedelta(minutes=5),
        "clock_offset": 1.5,
        "list_versions": {"WANTED": 3},
    } | fields
    return NodeLink(post=Post(code="OUA"), **values)


def verdict(link: NodeLink | None, lists=(ListVersion("WANTED", 3, 3),)) -> State:
    return state(link, lists, **LIMITS)


# The state of a post, worked out without a database


def test_a_post_without_a_node_is_not_enrolled():
    assert verdict(None) == State.NOT_ENROLLED


def test_a_code_issued_but_not_used_yet_leaves_the_post_not_enrolled():
    link = NodeLink(post=Post(code="OUA"), enrolment_code_hash="x", enrolment_expires_at=NOW)
    assert verdict(link) == State.NOT_ENROLLED


def test_a_revoked_node_is_revoked_even_when_a_new_code_waits():
    link = enrolled(public_key="", revoked_at=NOW, enrolment_code_hash="x")
    assert verdict(link) == State.REVOKED


def test_a_node_in_touch_with_nothing_waiting_and_current_lists_is_in_sync():
    assert verdict(enrolled()) == State.IN_SYNC


def test_a_node_is_silent_after_more_than_the_silent_hours():
    assert verdict(enrolled(last_contact_at=NOW - timedelta(hours=24))) == State.IN_SYNC
    late = NOW - timedelta(hours=24, seconds=1)
    assert verdict(enrolled(last_contact_at=late)) == State.SILENT
    assert verdict(enrolled(last_contact_at=None)) == State.SILENT


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (300, State.IN_SYNC),
        (-300, State.IN_SYNC),
        (300.1, State.CLOCK_WRONG),
        (-3600, State.CLOCK_WRONG),
        (None, State.IN_SYNC),
    ],
)
def test_a_clock_further_than_the_tolerance_is_wrong(offset, expected):
    assert verdict(enrolled(clock_offset=offset)) == expected


def test_records_waiting_at_the_post_put_it_behind():
    assert verdict(enrolled(waiting=1, oldest_waiting_at=NOW)) == State.BEHIND


@pytest.mark.parametrize("held", [2, None])
def test_a_list_older_than_headquarters_or_missing_puts_the_post_behind(held):
    assert verdict(enrolled(), lists=(ListVersion("WANTED", 3, held),)) == State.BEHIND


def test_the_worst_state_wins():
    everything = enrolled(last_contact_at=NOW - timedelta(days=3), clock_offset=900, waiting=4)
    assert verdict(everything) == State.SILENT
    assert verdict(enrolled(clock_offset=900, waiting=4)) == State.CLOCK_WRONG


def test_rows_keep_every_post_in_order_and_compare_each_list():
    oua, pap, cap = Post(code="OUA"), Post(code="PAP"), Post(code="CAP")
    link = NodeLink(
        post=oua,
        public_key="PEM",
        epoch=1,
        last_contact_at=NOW,
        list_versions={"WANTED": 3, "SLTD": "1", "OLD": 9},
    )
    result = rows([cap, oua, pap], [link], {"WANTED": 3, "SLTD": 2}, **LIMITS)
    assert [(row.post.code, row.state) for row in result] == [
        ("CAP", State.NOT_ENROLLED),
        ("OUA", State.BEHIND),
        ("PAP", State.NOT_ENROLLED),
    ]
    assert result[1].lists == (ListVersion("SLTD", 2, 1), ListVersion("WANTED", 3, 3))
    assert [version.behind for version in result[1].lists] == [True, False]


def test_ages_are_said_in_the_unit_that_matters():
    assert duration(timedelta(seconds=30)) == "less than a minute"
    assert duration(timedelta(minutes=1)) == "1 minute"
    assert duration(timedelta(minutes=119)) == "119 minutes"
    assert duration(timedelta(hours=5, minutes=59)) == "5 hours"
    assert duration(timedelta(days=3, hours=2)) == "3 days"


def test_a_posts_local_copies_are_said_with_their_age_and_a_failure_since():
    def row(**fields):
        link = enrolled(**fields)
        return rows([link.post], [link], {}, **LIMITS)[0]

    copied = row(backup_at=NOW - timedelta(hours=7))
    assert (copied.backup_age, copied.backup_failing) == ("7 hours", False)
    failed = row(backup_at=NOW - timedelta(days=2), backup_failed_at=NOW - timedelta(hours=1))
    assert (failed.backup_age, failed.backup_failing) == ("2 days", True)
    never = row(backup_failed_at=NOW - timedelta(hours=1))
    assert (never.backup_age, never.backup_failing) == ("", True)
    assert (row().backup_age, row().backup_failing) == ("", False)


# The page


@pytest.fixture
def admin(db):
    """An administrator who reads English (the message ids), whatever the catalogues hold."""
    return make_user("root", "admin", language="en")


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    return client


def push(client, key, *, number, waiting=0, oldest=None, lists=None, epoch=1, code="OUA",
         backup=None):  # fmt: skip
    """Send a signed push from the node, now, as its agent does."""
    payload = {
        "backup": backup or {"success": None, "failure": None},
        "schema": records.SCHEMA,
        "epoch": epoch,
        "from_seq": 1,
        "to_seq": 0,
        "records": [],
        "waiting": waiting,
        "oldest_waiting_at": oldest,
        "lists": lists or {},
    }
    body = json.dumps(payload).encode()
    text = signing.message("POST", "/sync/push", code, number, body)
    return client.post(
        "/sync/push",
        body,
        content_type="application/json",
        headers={
            "X-BMIS-Node": code,
            "X-BMIS-Request": str(number),
            "X-BMIS-Time": timezone.now().isoformat(),
            "X-BMIS-Version": "0.9.1",
            "X-BMIS-Signature": signing.sign(key, text),
        },
    )


def row_of(page: str, code: str) -> str:
    match = re.search(rf'<tr id="node-{code}" data-state="(\w+)">(.*?)</tr>', page, re.S)
    assert match, f"no row for {code}"
    return " ".join([match.group(1), *re.sub(r"<[^>]+>", " ", match.group(2)).split()])


def test_an_administrator_sees_every_active_post_and_its_state(hq, signed_in, pap, oua, link):
    Post.objects.create(code="JAC", name="Jacmel", kind="sea", is_active=False)
    NodeLink.objects.filter(pk=link.pk).update(
        last_contact_at=timezone.now() - timedelta(hours=30),
        node_version="0.9.0",
        waiting=12,
        oldest_waiting_at=timezone.now() - timedelta(hours=31),
        clock_offset=-2.4,
    )
    response = signed_in.get("/sync/network/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Network of posts</h1>" in page
    assert "2 active posts" in page
    assert "JAC" not in page
    assert row_of(page, "OUA").startswith("silent OUA Ouanaminthe Silent")
    assert '<span class="tag tag-bad">Silent</span>' in page
    assert "30 hours ago 12 31 hours 0.9.0 -2 s" in row_of(page, "OUA")
    assert "Revoke the node" in row_of(page, "OUA")
    assert row_of(page, "PAP").startswith("not_enrolled PAP")
    assert "Not enrolled — — — — — — — Issue an enrolment code PAP" in row_of(page, "PAP")
    assert "Revoke" not in row_of(page, "PAP")


def test_a_signed_push_brings_a_silent_post_back_in_sync(hq, signed_in, oua, link, node_key):
    wanted = watchlist_services.watchlist_save(
        actor=None, code="WANTED", name="Wanted", kind="persons", owner="PNH", action="arrest"
    )
    NodeLink.objects.filter(pk=link.pk).update(last_contact_at=timezone.now() - timedelta(days=2))
    assert "silent OUA" in row_of(signed_in.get("/sync/network/").content.decode(), "OUA")

    oldest = (timezone.now() - timedelta(hours=3, minutes=10)).isoformat()
    assert push(signed_in, node_key, number=1, waiting=3, oldest=oldest).status_code == 200
    row = row_of(signed_in.get("/sync/network/").content.decode(), "OUA")
    assert row.startswith("behind OUA Ouanaminthe Behind")
    assert "less than a minute ago 3 3 hours 0.9.1 +0 s" in row
    assert f"WANTED: none (headquarters: {wanted.version})" in row

    lists = {"WANTED": wanted.version}
    assert push(signed_in, node_key, number=2, lists=lists).status_code == 200
    row = row_of(signed_in.get("/sync/network/").content.decode(), "OUA")
    assert row.startswith("in_sync OUA Ouanaminthe In sync")
    assert f"less than a minute ago 0 — 0.9.1 +0 s WANTED: {wanted.version}" in row


def test_the_table_alone_is_sent_to_htmx(hq, signed_in, oua):
    response = signed_in.get("/sync/network/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "not_enrolled OUA" in row_of(page, "OUA")


def test_issuing_a_code_shows_it_once_and_it_enrols_the_node(hq, signed_in, client, oua):
    response = signed_in.post("/sync/network/OUA/code/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Enrolment code for OUA:" in page
    code = CODE.search(page).group(1)
    assert "Enrolment code valid until" in row_of(page, "OUA")
    assert AuditEvent.objects.filter(action="sync.code_issued").count() == 1
    assert CODE.search(signed_in.get("/sync/network/").content.decode()) is None  # once only

    key = signing.public_pem(signing.own_key())
    enrol = {"post": "OUA", "code": code, "public_key": key, "version": "0.9.1"}
    assert Client().post("/sync/enrol", enrol, content_type="application/json").status_code == 200
    assert "in_sync OUA" in row_of(signed_in.get("/sync/network/").content.decode(), "OUA")


def test_issuing_a_code_with_htmx_answers_the_post_row_with_the_code(hq, signed_in, oua, pap):
    response = signed_in.post("/sync/network/PAP/code/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<tr id="node-PAP"')
    assert "Enrolment code for PAP:" in page
    code = CODE.search(page).group(1)
    assert NodeLink.objects.get(post=pap).enrolment_code_hash
    assert code not in signed_in.get("/sync/network/").content.decode()


def test_revoking_a_node_refuses_its_next_push(hq, signed_in, oua, link, node_key):
    response = signed_in.post("/sync/network/OUA/revoke/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/sync/network/", 302)]
    assert "The node of OUA is revoked" in page
    assert row_of(page, "OUA").startswith("revoked OUA Ouanaminthe Revoked")
    assert AuditEvent.objects.filter(action="sync.revoked").count() == 1
    refused = push(Client(), node_key, number=1)
    assert refused.status_code == 403
    assert refused.json()["error"] == "revoked"


def test_revoking_with_htmx_answers_the_post_row(hq, signed_in, oua, link):
    response = signed_in.post("/sync/network/OUA/revoke/", headers={"HX-Request": "true"})
    assert row_of(response.content.decode(), "OUA").startswith("revoked OUA")


def test_a_post_without_a_node_has_nothing_to_revoke(hq, signed_in, oua):
    page = signed_in.post("/sync/network/OUA/revoke/", follow=True).content.decode()
    assert "The post OUA has no node to revoke." in page
    assert not AuditEvent.objects.filter(action="sync.revoked").exists()


def test_the_actions_need_the_csrf_token(hq, admin, oua, link):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    assert strict.post("/sync/network/OUA/revoke/").status_code == 403
    assert strict.post("/sync/network/OUA/code/").status_code == 403
    link.refresh_from_db()
    assert link.public_key and not link.enrolment_code_hash


def test_other_roles_are_refused(hq, client, analyst, oua, link):
    client.force_login(analyst)
    assert client.get("/sync/network/").status_code == 403
    assert client.post("/sync/network/OUA/revoke/").status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_post_node_has_no_network_page(signed_in, client, oua):
    assert signed_in.get("/sync/network/").status_code == 404
    assert signed_in.post("/sync/network/OUA/code/").status_code == 404
    assert Client().get("/sync/network/").status_code == 404
    assert 'href="/sync/network/"' not in signed_in.get("/").content.decode()


def test_the_headquarters_navigation_links_the_page_for_administrators(hq, client, admin, analyst):
    client.force_login(admin)
    assert '<a href="/sync/network/">Network</a>' in client.get("/").content.decode()
    page = client.get("/sync/network/").content.decode()
    assert '<a href="/sync/network/" aria-current="page">Network</a>' in page
    client.force_login(analyst)
    assert 'href="/sync/network/"' not in client.get("/").content.decode()


def test_the_page_shows_each_posts_last_local_copy_as_its_node_said(hq, signed_in, oua, link,
                                                                   node_key):  # fmt: skip
    copied = (timezone.now() - timedelta(hours=3, minutes=5)).isoformat()
    failed = (timezone.now() - timedelta(minutes=20)).isoformat()
    backup = {"success": copied, "failure": failed}
    assert push(signed_in, node_key, number=1, backup=backup).status_code == 200
    row = row_of(signed_in.get("/sync/network/").content.decode(), "OUA")
    assert "3 hours ago the last copy failed" in row
    # Garbage in the report changes nothing and breaks nothing.
    backup = {"success": "yesterday", "failure": 7}
    assert push(signed_in, node_key, number=2, backup=backup).status_code == 200
    link.refresh_from_db()
    assert link.backup_at.isoformat() == copied and link.backup_failed_at.isoformat() == failed
