"""Whatever bytes a list file holds, reading it yields entries or raises SourceError only."""

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.screening.entries import DocumentEntry, PersonEntry
from domain.screening.sources import FORMATS, SourceError, read

DATA = Path(__file__).resolve().parent / "data" / "sources"
FIXTURES = {
    "csv": "persons.csv",
    "documents-csv": "documents.csv",
    "un-xml": "un_sc_excerpt.xml",
    "ofac-csv": "ofac_excerpt_sdn.csv",
    "ofac-xml": "ofac_excerpt.xml",
    "opensanctions": "opensanctions.ftm.json",
}


def mutated(original: bytes) -> st.SearchStrategy[bytes]:
    """Return a strategy for `original` with a slice replaced by random bytes, or cut short."""
    size = len(original)
    return st.tuples(
        st.integers(0, size), st.integers(0, 64), st.binary(max_size=64), st.booleans()
    ).map(
        lambda change: (
            original[: change[0]]
            if change[3]
            else original[: change[0]] + change[2] + original[change[0] + change[1] :]
        )
    )


def read_all(format: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "sdn.csv"
        path.write_bytes(content)
        try:
            entries = list(read(format, path))
        except SourceError as error:
            assert error.code
            assert str(error)
            return
        assert all(isinstance(entry, PersonEntry | DocumentEntry) for entry in entries)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FORMATS)), st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_source_error(format, content):
    read_all(format, content)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(FORMATS)).flatmap(
        lambda format: st.tuples(st.just(format), mutated((DATA / FIXTURES[format]).read_bytes()))
    )
)
def test_damaged_lists_raise_nothing_but_source_error(case):
    format, content = case
    read_all(format, content)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
PROPERTIES = st.sampled_from(
    [
        "name",
        "alias",
        "firstName",
        "lastName",
        "birthDate",
        "nationality",
        "citizenship",
        "gender",
        "passportNumber",
        "idNumber",
        "identification",
        "notes",
        "topics",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": JSON | st.text(min_size=1), "schema": st.just("Person") | JSON},
        optional={
            "properties": st.dictionaries(PROPERTIES, st.lists(JSON, max_size=3) | JSON),
            "caption": JSON,
            "datasets": JSON,
        },
    )
)
def test_odd_followthemoney_entities_raise_nothing_but_source_error(entity):

    read_all("opensanctions", (json.dumps(entity) + "\n").encode())
