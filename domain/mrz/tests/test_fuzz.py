"""Whatever it is given, `parse` returns a reading or raises MrzUnreadable, nothing else."""

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.mrz import MrzUnreadable, parse, to_contract
from domain.mrz.layouts import LAYOUTS, Layout
from domain.mrz.tests.vectors import TODAY

# The MRZ alphabet, weighted to the filler, with lower case and characters Doc 9303 never prints.
CHARACTERS = string.ascii_uppercase + string.digits + "<" * 10 + "oi€ßé\x00"


def zone_shaped(layout: Layout) -> st.SearchStrategy[list[str]]:
    """Return a strategy for lines of the layout's shape, a stray character allowed."""
    line = st.text(CHARACTERS, min_size=layout.line_length, max_size=layout.line_length + 1)
    return st.lists(line, min_size=layout.line_count, max_size=layout.line_count)


ANYTHING = st.one_of(
    st.binary(),
    st.text(),
    st.lists(st.text(max_size=50), max_size=4),
    st.none(),
    st.integers(),
    st.sampled_from(LAYOUTS).flatmap(zone_shaped),
    st.sampled_from(LAYOUTS).flatmap(zone_shaped).map("\r\n".join),
)


@settings(max_examples=300, deadline=None)
@given(ANYTHING)
def test_it_never_raises_anything_but_its_own_error(text):
    try:
        mrz = parse(text, today=TODAY)
    except MrzUnreadable as error:
        assert error.code in ("empty", "not_text", "format", "length")
        return
    contract = to_contract(mrz)
    assert json.loads(json.dumps(contract)) == contract
    assert contract["valid"] == (contract["errors"] == [])
