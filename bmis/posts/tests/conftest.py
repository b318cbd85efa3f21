"""Fixtures of the posts tests; the cast of users (officer, chief…) is the root conftest's."""

import pytest
from django.utils import translation

from bmis.accounts.services import user_create
from bmis.posts.services import counter_create, counter_update


@pytest.fixture(autouse=True)
def english():
    """Give messages in English, their message ids, whatever the catalogues translate."""
    with translation.override("en"):
        yield


@pytest.fixture
def counters(pap):
    """Two open counters at PAP, A1 and A2, and a closed one, X9."""
    a1 = counter_create(actor=None, post=pap, code="A1", name="Arrivals 1")
    a2 = counter_create(actor=None, post=pap, code="A2", name="Arrivals 2")
    x9 = counter_create(actor=None, post=pap, code="X9", name="Old desk")
    counter_update(actor=None, counter=x9, is_active=False)
    return {"A1": a1, "A2": a2, "X9": x9}


@pytest.fixture
def chief_oua(oua):
    return user_create(
        actor=None,
        username="chief_oua",
        password="a-long-test-pass",
        role="post_chief",
        post=oua,
        must_change_password=False,
    )


def in_english(*users):
    """Show these users the interface in English: the message ids, whatever is translated."""
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


HTMX = {"HX-Request": "true"}
