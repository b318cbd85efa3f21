"""Garbage in: the engine raises nothing but its own errors."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.screening import (
    DocumentEntry,
    DocumentIndex,
    Name,
    NameIndex,
    PartialDate,
    PersonEntry,
    ScreeningError,
    Traveller,
)

INDEX = NameIndex.build(
    [
        PersonEntry("1", (Name("Abu Bakr al-Baghdadi"),), birth_dates=(PartialDate(1971),)),
        PersonEntry("2", (Name("Müller Hans"), Name("Юрий Гагарин"), Name("محمد حسن"))),
        PersonEntry("3", (Name("A"),)),
    ]
)
DOCUMENTS = DocumentIndex.build([DocumentEntry("1", "L898902C3", "UTO")])
anything = st.one_of(st.text(), st.none(), st.integers(), st.binary(), st.floats())
dates = st.one_of(
    st.none(),
    st.builds(
        PartialDate,
        st.integers(-5, 10000),
        st.one_of(st.none(), st.integers(-2, 14)),
        st.one_of(st.none(), st.integers(-2, 40)),
    ),
    st.text(),
)


@settings(max_examples=300, deadline=None)
@given(
    surname=st.one_of(st.text(), anything),
    given_names=st.text(),
    birth_date=dates,
    nationality=anything,
    sex=anything,
    truncated=st.booleans(),
    threshold=st.one_of(st.floats(allow_nan=True), st.integers(-1, 2)),
)
def test_a_name_search_raises_nothing_but_a_screening_error(
    surname, given_names, birth_date, nationality, sex, truncated, threshold
):
    traveller = Traveller(
        surname, given_names, birth_date, nationality, sex, name_truncated=truncated
    )
    try:
        hits = INDEX.search(traveller, threshold)
    except ScreeningError:
        return
    assert all(0 <= hit.score <= 1 for hit in hits)


@settings(max_examples=300, deadline=None)
@given(number=anything, state=anything)
def test_a_document_check_raises_nothing_but_a_screening_error(number, state):
    with contextlib.suppress(ScreeningError):
        DOCUMENTS.search(number, state)


@settings(max_examples=100, deadline=None)
@given(names=st.lists(st.text(), max_size=4))
def test_any_text_can_be_indexed_and_found_again(names):
    index = NameIndex.build([PersonEntry("x", tuple(Name(name) for name in names))])
    for name in names:
        hits = index.search(Traveller(name), 0.0)
        assert all(hit.entry_ref == "x" for hit in hits)


@pytest.mark.parametrize("threshold", [float("nan"), -0.1, 1.1, "0.8", True])
def test_it_refuses_a_threshold_outside_zero_to_one(threshold):
    with pytest.raises(ScreeningError):
        INDEX.search(Traveller("X"), threshold)
