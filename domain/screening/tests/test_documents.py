"""Checking document numbers against lost and stolen documents."""

import pickle

import pytest

from domain.screening import DocumentEntry, DocumentIndex, EntryError, TravellerError

ENTRIES = [
    DocumentEntry("SLTD-1", "L898902C3", "UTO", "P", "stolen"),
    DocumentEntry("SLTD-2", "AB 123-456", "HTI", "P", "lost"),
    DocumentEntry("SLTD-3", "X0000001", "", "ID", "stolen_blank"),  # no state: every state
    DocumentEntry("SLTD-4", "ZB5G0I", "D<<", "P", "revoked"),  # only look-alike letters
    DocumentEntry("SLTD-5", "123456789012345678", "USA", "P", "invalid"),  # past 12 characters
]


@pytest.fixture(scope="module")
def index():
    return DocumentIndex.build(iter(ENTRIES))


def found(hits):
    return [(hit.entry_ref, hit.score, hit.explanation.fields[0].outcome) for hit in hits]


def test_it_finds_a_number_as_listed(index):
    assert found(index.search("L898902C3", "UTO")) == [("SLTD-1", 1.0, "match")]


def test_it_normalises_case_spaces_and_hyphens(index):
    assert found(index.search("ab123456", "hti")) == [("SLTD-2", 1.0, "match")]


@pytest.mark.parametrize(
    "misread", ["L8989O2C3", "L898902CE", "L89B902C3", "LB9B9O2C3", "L898902C3"[:-1] + "3"]
)
def test_it_finds_a_number_with_ocr_look_alikes(index, misread):
    hits = index.search(misread, "UTO")
    if misread == "L898902CE":
        assert hits == []  # E is no look-alike of 3
    else:
        assert [hit.entry_ref for hit in hits] == ["SLTD-1"]


def test_it_says_the_number_as_listed_when_look_alikes_differ(index):
    hit = index.search("L8989O2C3", "UTO")[0]
    number = hit.explanation.fields[0]
    assert (number.outcome, number.traveller, number.entry, hit.score) == (
        "ocr",
        "L8989O2C3",
        "L898902C3",
        0.9,
    )


def test_it_reads_look_alike_letters_in_the_listed_number_back(index):
    hit = index.search("2856O1", "DEU")[0]
    assert (hit.entry_ref, hit.explanation.fields[0].entry) == ("SLTD-4", "ZB5G0I")
    assert index.search("ZB5G0I", "D<<")[0].score == 1.0


def test_it_needs_the_issuing_state_to_agree(index):
    assert index.search("L898902C3", "HTI") == []
    assert found(index.search("L898902C3", "")) == [("SLTD-1", 1.0, "match")]


def test_an_entry_without_a_state_matches_every_state(index):
    hit = index.search("X0000001", "FRA")[0]
    assert (hit.entry_ref, hit.explanation.fields[1].outcome) == ("SLTD-3", "any")
    assert index.status_of(hit) == "stolen_blank"


def test_it_matches_long_numbers_through_their_hash(index):
    assert found(index.search("123456789012345678", "USA")) == [("SLTD-5", 1.0, "match")]
    assert index.search("123456789012345679", "USA") == []


def test_it_finds_nothing_for_an_unlisted_or_empty_number(index):
    assert index.search("Q1234567", "UTO") == []
    assert index.search(" - ", "UTO") == []


def test_it_survives_pickling(index):
    loaded = pickle.loads(pickle.dumps(index))
    assert found(loaded.search("L8989O2C3", "UTO")) == found(index.search("L8989O2C3", "UTO"))


def test_it_refuses_what_it_cannot_check(index):
    with pytest.raises(TravellerError) as error:
        index.search(None, "UTO")
    assert (error.value.code, error.value.field) == ("not_text", "document_number")
    with pytest.raises(EntryError):
        DocumentIndex.build(["L898902C3"])
