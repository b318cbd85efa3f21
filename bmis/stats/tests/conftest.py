from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from bmis.crossings.traffic import generate
from bmis.reference.services import reference_load
from bmis.stats import aggregate
from bmis.sync.tests.conftest import settled

END = datetime(2025, 9, 30, 16, 45, tzinfo=ZoneInfo("America/Port-au-Prince"))


def counted_traffic(crossings: int, seed: int) -> None:
    """A year of synthetic traffic to 30 September 2025, committed and counted in the cubes
    (tests that read figures run with committed transactions: on PostgreSQL the change log is
    read only below the oldest running transaction)."""
    reference_load()
    generate(crossings=crossings, seed=seed, end=END)
    settled()
    aggregate.refresh()


@pytest.fixture(autouse=True)
def fresh_cache():
    """The dashboards keep a few figures a minute (`views.NOW_SECONDS`): not from a test before."""
    cache.clear()
