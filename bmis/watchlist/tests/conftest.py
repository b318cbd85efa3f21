"""Fixtures of the watchlist tests: the counter's fixtures (reference data, a counter, a shift)."""

from bmis.crossings.tests.conftest import (  # noqa: F401
    counter,
    exit_counter,
    reference,
    shift,
    submission,
)
