import pytest

from domain.mrz import states


@pytest.mark.parametrize(
    "raw, code",
    [
        ("HTI", "HTI"),
        ("DOM", "DOM"),
        ("D<<", "D"),  # Germany
        ("GBS", "GBS"),
        ("EUE", "EUE"),
        ("UNO", "UNO"),
        ("UNK", "UNK"),
        ("XXA", "XXA"),
        ("XXB", "XXB"),
        ("XXC", "XXC"),
        ("XXX", "XXX"),
        ("XPO", "XPO"),
        ("RKS", "RKS"),
        ("UTO", "UTO"),
    ],
)
def test_it_knows_iso_and_icao_codes(raw, code):
    assert states.code(raw) == code
    assert states.known(code)


@pytest.mark.parametrize("raw", ["ASU", "BOS", "INP", "COU", "GB<", "UT0", "<<<", "D<D", "746"])
def test_it_does_not_know_other_codes(raw):
    assert not states.known(states.code(raw))
