import doctest
import json

import pytest

import domain.mrz
from domain.mrz import parse, to_contract
from domain.mrz.tests.vectors import TODAY, by_id

KEYS = {
    "valid",
    "format",
    "document_code",
    "issuing_state",
    "surname",
    "given_names",
    "document_number",
    "nationality",
    "birth_date",
    "birth_date_raw",
    "expiry_date",
    "expiry_date_raw",
    "sex",
    "optional_data",
    "errors",
    "corrections",
}


def test_it_gives_the_issues_json_contract_of_a_passport():
    contract = to_contract(parse(by_id("valid")["icao-td3-uto-eriksson"]["lines"], today=TODAY))
    assert contract == {
        "valid": True,
        "format": "TD3",
        "document_code": "P",
        "issuing_state": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "birth_date_raw": "740812",
        "expiry_date": "2012-04-15",
        "expiry_date_raw": "120415",
        "sex": "F",
        "optional_data": "ZE184226B",
        "errors": [],
        "corrections": [],
    }


def test_it_gives_null_for_a_date_with_an_unknown_part_and_keeps_what_was_printed():
    lines = by_id("edge_synthetic_and_vendor")["syn-td3-dob-day-month-unknown"]["lines"]
    contract = to_contract(parse(lines, today=TODAY))
    assert (contract["birth_date"], contract["birth_date_raw"]) == (None, "74<<<<")


def test_it_lists_errors_and_corrections_as_plain_json():
    lines = by_id("invalid")["cheminfo-td1-ocr-autocorrect-input"]["lines"]
    repaired = to_contract(parse(lines, today=TODAY))
    assert repaired["corrections"][0] == {"field": "birth_date", "from": "7SIOZS", "to": "751025"}
    refused = to_contract(parse(lines, today=TODAY, repair=False))
    assert {"code": "check_digit", "field": "composite"} in refused["errors"]
    assert json.loads(json.dumps(refused)) == refused
    assert set(refused) == KEYS


def test_it_joins_the_two_optional_data_elements_of_a_td1():
    lines = by_id("valid")["cheminfo-td1-bel-prado-BEL-BO-11005"]["lines"]
    contract = to_contract(parse(lines, today=TODAY))
    assert (contract["document_number"], contract["optional_data"]) == (
        "600001795015",
        "13010198739",
    )
    lines = by_id("invalid")["jmrtd-td1-bra-oliveira"]["lines"]
    assert to_contract(parse(lines, today=TODAY))["optional_data"] == "12345R00F456912 <<<HDFDTR09"


def test_the_package_docstring_example_holds():
    assert doctest.testmod(domain.mrz).failed == 0


def test_unreadable_input_has_the_same_keys_all_null():
    from datetime import date

    from domain.mrz import MrzUnreadable, parse, to_contract, unreadable

    readable = to_contract(
        parse(
            [
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
            ],
            today=date(2010, 1, 1),
        )
    )
    with pytest.raises(MrzUnreadable) as caught:
        parse("not an mrz", today=date(2010, 1, 1))
    result = unreadable(caught.value)
    assert set(result) == set(readable)
    assert result["valid"] is False
    assert result["errors"] == [{"code": caught.value.code, "field": caught.value.field}]
    assert all(result[key] is None for key in set(result) - {"valid", "errors", "corrections"})
