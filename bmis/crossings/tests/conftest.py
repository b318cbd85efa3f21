"""Fixtures of the counter's tests: reference data, stay rules, counters, shifts, documents."""

import uuid
from datetime import date

import pytest

from domain.mrz import build


@pytest.fixture
def reference(db):
    """Load the shipped states, refusal reasons, purposes and stay rules."""
    from bmis.crossings.defaults import stay_rules_load
    from bmis.reference.data import REFUSAL_REASONS, TRAVEL_PURPOSES
    from bmis.reference.models import Country, RefusalReason, TravelPurpose
    from bmis.reference.services import _ordered_rows, _sync, country_rows

    _sync(Country, country_rows())
    _sync(RefusalReason, _ordered_rows(REFUSAL_REASONS))
    _sync(TravelPurpose, _ordered_rows(TRAVEL_PURPOSES))
    stay_rules_load(actor=None)


@pytest.fixture
def counter(pap):
    from bmis.posts.models import Counter

    return Counter.objects.create(post=pap, code="A1", name="Arrivées 1")


@pytest.fixture
def exit_counter(pap):
    from bmis.posts.models import Counter

    return Counter.objects.create(post=pap, code="D1", name="Départs 1")


@pytest.fixture
def shift(officer, counter, reference):
    from bmis.crossings.services import shift_open

    return shift_open(officer=officer, counter=counter, direction="entry")


def passport(
    surname="ERIKSSON",
    given="ANNA MARIA",
    number="L898902C3",
    state="UTO",
    nationality=None,
    birth=date(1974, 8, 12),
    sex="F",
    expiry=date(2031, 4, 15),
) -> str:
    """Return the two lines of a valid passport zone."""
    lines = build(
        format="TD3",
        document_code="P",
        issuing_state=state,
        surname=surname,
        given_names=given,
        document_number=number,
        nationality=nationality or state,
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
    )
    return "\n".join(lines)


@pytest.fixture
def submission():
    return uuid.uuid4()
