"""The JSON contract of an MRZ reading, as the issue defines it for the management command.

`to_contract` flattens an `Mrz` into plain JSON types under exactly these keys: valid, format,
document_code, issuing_state, surname, given_names, document_number, nationality, birth_date,
birth_date_raw, expiry_date, expiry_date_raw, sex, optional_data, errors, corrections. Dates are
ISO 8601 (`YYYY-MM-DD`), or null where a part is unknown or the date invalid. TD1's two optional
data elements are joined by a space.
"""

from datetime import date

from domain.mrz.errors import MrzError
from domain.mrz.parse import Mrz


def to_contract(mrz: Mrz) -> dict[str, object]:
    """Return the issue's JSON contract for a reading."""
    return {
        "valid": mrz.valid,
        "format": mrz.format,
        "document_code": mrz.document_code,
        "issuing_state": mrz.issuing_state,
        "surname": mrz.surname,
        "given_names": mrz.given_names,
        "document_number": mrz.document_number,
        "nationality": mrz.nationality,
        "birth_date": _iso(mrz.birth_date),
        "birth_date_raw": mrz.birth_date_raw,
        "expiry_date": _iso(mrz.expiry_date),
        "expiry_date_raw": mrz.expiry_date_raw,
        "sex": mrz.sex,
        "optional_data": " ".join(
            part for part in (mrz.optional_data, mrz.optional_data_2) if part
        ),
        "errors": [{"code": problem.code, "field": problem.field} for problem in mrz.errors],
        "corrections": [
            {"field": fix.field, "from": fix.before, "to": fix.after} for fix in mrz.corrections
        ],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def unreadable(error: MrzError) -> dict[str, object]:
    """Return the contract for input that is no machine readable zone: every field null."""
    fields = dict.fromkeys(
        (
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
        )
    )
    errors = [{"code": error.code, "field": error.field}]
    return {"valid": False, **fields, "errors": errors, "corrections": []}
