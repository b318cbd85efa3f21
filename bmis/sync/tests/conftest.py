"""Fixtures of the sync tests: headquarters' settings, a post node's key, signed requests."""

import itertools
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.db.models import Max
from django.utils import timezone, translation

from bmis.sync import feed, signing
from bmis.sync.models import Change


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def hq(settings):
    """Run as headquarters."""
    settings.BMIS_ROLE, settings.BMIS_POST, settings.BMIS_NODE = "hq", "", "HQ"


@pytest.fixture
def node_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def link(oua, node_key):
    """OUA's node, enrolled with `node_key`, at epoch 1."""
    from bmis.sync.models import NodeLink

    return NodeLink.objects.create(post=oua, public_key=signing.public_pem(node_key), epoch=1)


def settled():
    """Wait until headquarters may serve every committed change. On PostgreSQL a writer still
    running in the test's database (a live server's request, a thread) holds the horizon
    (`feed._horizon`) back for a moment. Inside a test's own transaction nothing is committed:
    no wait."""
    last = Change.objects.aggregate(last=Max("txid"))["last"] or 0
    deadline = time.monotonic() + 60
    while not connection.in_atomic_block and time.monotonic() < deadline:
        horizon = feed._horizon()
        if horizon is None or horizon > last:
            return
        time.sleep(0.05)


class Node:
    """A post's node as headquarters sees it: signed requests with growing numbers."""

    def __init__(self, client, key, code="OUA"):
        self.client, self.key, self.code = client, key, code
        self.numbers = itertools.count(1)

    def post(self, path, payload, *, number=None, key=None, body=None, headers=None):
        if path == "/sync/pull":
            settled()
        number = next(self.numbers) if number is None else number
        body = json.dumps(payload).encode() if body is None else body
        text = signing.message("POST", path, self.code, number, body)
        return self.client.post(
            path,
            body,
            content_type="application/json",
            headers={
                "Accept-Language": "en",
                "X-BMIS-Node": self.code,
                "X-BMIS-Request": str(number),
                "X-BMIS-Time": timezone.now().isoformat(),
                "X-BMIS-Signature": signing.sign(key or self.key, text),
                **(headers or {}),
            },
        )


@pytest.fixture
def node(client, node_key, link):
    return Node(client, node_key)
