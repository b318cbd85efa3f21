"""Fixtures of the reference tests; the cast of users (officer, admin…) is the root conftest's."""

import pytest
from django.utils import translation

from bmis.reference.services import reference_load


@pytest.fixture(autouse=True)
def english():
    """Give messages in English, their message ids, whatever the catalogues translate."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference(db):
    """Load the shipped reference data and posts; return the loader's counts."""
    return reference_load(actor=None)
