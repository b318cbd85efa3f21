"""The test vectors in data/, copied from shared/vectors/ with each record's source kept."""

import json
from datetime import date
from functools import cache
from pathlib import Path

from domain.mrz import Mrz

DATA = Path(__file__).resolve().parent / "data"
# The date the synthetic century records were computed against; every test reads with it.
TODAY = date(2026, 1, 1)


@cache
def load(name: str) -> tuple[dict, ...]:
    """Return the records of data/mrz_<name>.jsonl."""
    with (DATA / f"mrz_{name}.jsonl").open(encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


def by_id(name: str) -> dict[str, dict]:
    return {record["id"]: record for record in load(name)}


def fields_recorded(reference: dict) -> dict[str, str]:
    """Return a record's reference_fields as `fields_read` names them."""
    recorded = {
        key: reference[key]
        for key in (
            "document_code",
            "surname",
            "given_names",
            "document_number",
            "sex",
            "birth_date",
            "expiry_date",
        )
    }
    recorded["issuing_state"] = reference["issuing_state"].rstrip("<")
    recorded["nationality"] = reference["nationality"].rstrip("<")
    optional = next(
        reference[key]
        for key in ("optional_data_1", "optional_data", "personal_number")
        if key in reference
    )
    if reference.get("long_document_number"):
        optional = optional.partition("<")[2]  # the number's overflow and check digit come first
    recorded["optional_data"] = optional.rstrip("<")
    if "optional_data_2" in reference:
        recorded["optional_data_2"] = reference["optional_data_2"].rstrip("<")
    return recorded


def fields_read(mrz: Mrz, like: dict[str, str]) -> dict[str, str]:
    """Return what `mrz` read, under the keys of `like` (a `fields_recorded` result)."""
    read = {
        "document_code": mrz.document_code,
        "surname": mrz.surname,
        "given_names": mrz.given_names,
        "document_number": mrz.document_number,
        "sex": mrz.sex,
        "birth_date": mrz.birth_date_raw,
        "expiry_date": mrz.expiry_date_raw,
        "issuing_state": mrz.issuing_state,
        "nationality": mrz.nationality,
        "optional_data": mrz.optional_data,
        "optional_data_2": mrz.optional_data_2,
    }
    return {key: read[key] for key in like}
