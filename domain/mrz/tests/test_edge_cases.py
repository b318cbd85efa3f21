"""Every edge case of data/mrz_edge_synthetic_and_vendor.jsonl meets its `expected`.

`expected` mixes values and prose ("X (unspecified)", "2099-12-31 (rule A) or 1999-12-31"): a
value is its first word, and a date must be one of the ISO dates the text names.
"""

import re
from datetime import date

import pytest

from domain.mrz import parse
from domain.mrz.tests.vectors import TODAY, fields_read, fields_recorded, load

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Records whose `expected` we knowingly do not meet, and why.
EXCEPTIONS = {
    # The record holds that XX may not stand for an unknown day in an MRZ date (Part 3 writes
    # `<<`). The issue asks us to read XX as unknown too, as some issuers print it: the birth
    # date reads as unknown (None, raw 7408XX kept) and the zone is valid.
    "syn-td3-dob-XX-letters": {"valid_strict": True},
}
EDGES = load("edge_synthetic_and_vendor")


@pytest.mark.parametrize("record", EDGES, ids=lambda record: record["id"])
def test_it_meets_the_expectation_of_every_edge_case(record):
    today = date.fromisoformat(record.get("reference_date", TODAY.isoformat()))
    mrz = parse(record["lines"], today=today)
    expected = {**record["expected"], **EXCEPTIONS.get(record["id"], {})}
    first_word = {key: str(value).split()[0] for key, value in expected.items()}
    if "valid" in expected or "valid_strict" in expected:
        assert mrz.valid == expected.get("valid", expected.get("valid_strict"))
    if "valid_check_digits" in expected:
        check_digit_problems = [p for p in mrz.errors if p.code == "check_digit"]
        assert (not check_digit_problems) == expected["valid_check_digits"]
    for key in ("sex", "issuing_state", "nationality", "document_number"):
        if key in expected:
            assert getattr(mrz, key) == first_word[key]
    if "birth_date" in expected:
        assert (mrz.birth_date_raw, mrz.birth_date) == (first_word["birth_date"], None)
    for key, value in (("birth_date_iso", mrz.birth_date), ("expiry_date_iso", mrz.expiry_date)):
        if key in expected:
            assert value.isoformat() in ISO_DATE.findall(expected[key])
    recorded = fields_recorded(record["reference_fields"])
    assert fields_read(mrz, recorded) == recorded


def test_it_reads_xx_as_an_unknown_part_of_a_date():
    record = next(r for r in EDGES if r["id"] == "syn-td3-dob-XX-letters")
    mrz = parse(record["lines"], today=TODAY)
    assert (mrz.birth_date, mrz.birth_date_raw, mrz.errors) == (None, "7408XX", ())


def test_it_refuses_a_sex_mrz_does_not_know():
    record = next(r for r in EDGES if r["id"] == "syn-td3-sex-invalid-U")
    assert [(p.code, p.field) for p in parse(record["lines"], today=TODAY).errors] == [
        ("sex", "sex")
    ]


def test_it_refuses_29_february_of_a_common_year():
    record = next(r for r in EDGES if r["id"] == "syn-td3-leap-day-invalid")
    mrz = parse(record["lines"], today=TODAY)
    assert [(p.code, p.field) for p in mrz.errors] == [("date", "birth_date")]
    assert (mrz.birth_date, mrz.birth_date_raw) == (None, "010229")
