"""Every valid specimen of data/mrz_valid.jsonl reads valid, with the fields its sources record."""

import pytest

from domain.mrz import Problem, parse
from domain.mrz.tests.vectors import TODAY, fields_read, fields_recorded, load

# Records we do not read as valid, and why. Nothing else about them differs.
REFUSED = {
    # "GB<" is not a state code: the United Kingdom is GBR, and ICAO reserves GBD, GBN, GBO, GBP
    # and GBS, nothing of two letters. Both records are a user's example in a GitHub issue on the
    # personal number check digit (Arg0s1080/mrz#34); the maintainer's "True" answered that.
    "mrz-issue34-gb-personal-cd-0": (Problem("state_code", "issuing_state"),),
    "mrz-issue34-gb-personal-cd-filler": (Problem("state_code", "issuing_state"),),
}
VALID = load("valid")


@pytest.mark.parametrize("record", VALID, ids=lambda record: record["id"])
def test_it_reads_every_valid_specimen_with_its_recorded_fields(record):
    mrz = parse(record["lines"], today=TODAY)
    assert mrz.format == record["doc_type"]
    assert mrz.errors == REFUSED.get(record["id"], ())
    assert mrz.corrections == ()
    recorded = fields_recorded(record["reference_fields"])
    assert fields_read(mrz, recorded) == recorded


LONG_NUMBERS = [r for r in VALID if r["reference_fields"].get("long_document_number")]


@pytest.mark.parametrize("record", LONG_NUMBERS, ids=lambda record: record["id"])
def test_it_says_which_reading_of_a_long_number_check_digit_matched(record):
    check = record["reference_check"]["checks"]["document_number"]
    matched = (check["ok"], check["ok_with_filler_included"])
    expected = {(True, False): "excluding_filler", (True, True): "both"}[matched]
    assert parse(record["lines"], today=TODAY).long_number_check_reading == expected


def test_it_reads_no_long_number_where_the_check_digit_is_in_place():
    mrz = parse(VALID[0]["lines"], today=TODAY)
    assert (mrz.document_number, mrz.long_number_check_reading) == ("L898902C3", None)


def test_it_reads_the_icao_specimen_dates_and_names():
    mrz = parse(VALID[0]["lines"], today=TODAY)
    assert (mrz.birth_date.isoformat(), mrz.expiry_date.isoformat()) == ("1974-08-12", "2012-04-15")
    assert (mrz.surname, mrz.given_names, mrz.name_truncated) == ("ERIKSSON", "ANNA MARIA", False)


def test_it_notices_a_name_that_fills_its_field():
    record = next(r for r in VALID if r["id"] == "jmrtd-td3-nld-name-truncated")
    mrz = parse(record["lines"], today=TODAY)
    assert (mrz.given_names, mrz.name_truncated) == ("GERARD ROBBERT MARTI", True)
