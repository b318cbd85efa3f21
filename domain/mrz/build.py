"""Writing of machine readable zones from a document's data (ICAO Doc 9303 Parts 3 to 7).

The reverse of `parse`, for passport offices: names are transliterated and truncated (names.py),
codes padded with fillers, check digits computed (Part 3 §4.9). A document number longer than 9
characters runs on into the optional data on TD1 and TD2 (Parts 5 and 6), its check digit taken
over the whole number. An unused TD3 personal number gets the check digit 0, which Part 4 allows
beside `<` and which every reader can verify.
"""

import re
from datetime import date

from domain.mrz import dates, names, states
from domain.mrz.checkdigit import check_digit
from domain.mrz.errors import MrzBuildError
from domain.mrz.layouts import BY_FORMAT, Format, Layout
from domain.mrz.parse import SEXES

FILLER = "<"
ALPHANUMERIC = re.compile(r"[A-Z0-9<]*")
DOCUMENT_CODE = re.compile(r"[A-Z][A-Z<]?")
# Written last, over the fields already in place; the composite covers the others.
CHECKS = ("birth_date_check", "expiry_date_check", "optional_data_check", "composite_check")


def build(
    *,
    format: Format,
    document_code: str,
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: date | str,
    sex: str,
    expiry_date: date | str,
    optional_data: str = "",
    optional_data_2: str = "",
) -> tuple[str, ...]:
    """Return the lines of the machine readable zone of a document.

    Dates are `date`s, or YYMMDD strings where a part is unknown (`74<<<<`). Names are
    transliterated and truncated to their field. Raise MrzBuildError naming the field that
    cannot be written.
    """
    layout = BY_FORMAT[format]
    zone = [[FILLER] * layout.line_length for _ in range(layout.line_count)]

    def put(field: str, text: str) -> None:
        if field not in layout.fields:
            raise MrzBuildError("format", field, f"{format} has no {field}")
        span = layout.fields[field]
        if len(text) > span.width:
            raise MrzBuildError("length", field, f"{text!r} is longer than {span.width}")
        zone[span.line][span.start : span.start + len(text)] = text

    def lines() -> list[str]:
        return ["".join(line) for line in zone]

    put("document_code", _document_code(document_code, layout))
    put("issuing_state", _state(issuing_state, "issuing_state"))
    put("name", names.join(surname, given_names, layout.fields["name"].width))
    number = _alphanumeric(document_number, "document_number")
    optional = _alphanumeric(optional_data, "optional_data")
    if len(number) > layout.fields["document_number"].width and layout.long_number:
        # Parts 5 and 6: `<` in the check digit position, the rest of the number, its check
        # digit and a filler at the start of the optional data.
        put("document_number", number[:9])
        optional = f"{number[9:]}{check_digit(number)}{FILLER}{optional}"
    else:
        put("document_number", number)
        put("document_number_check", str(check_digit(number)))  # padding fillers count 0
    put("nationality", _state(nationality, "nationality"))
    put("birth_date", _date(birth_date, "birth_date"))
    put("sex", _sex(sex))
    put("expiry_date", _date(expiry_date, "expiry_date"))
    put("optional_data", optional)
    if optional_data_2:
        put("optional_data_2", _alphanumeric(optional_data_2, "optional_data_2"))
    for check in CHECKS:
        if check in layout.fields:
            put(check, str(check_digit(layout.checked(lines(), check))))
    return tuple(lines())


def _document_code(code: str, layout: Layout) -> str:
    code = code.upper()
    if not DOCUMENT_CODE.fullmatch(code) or (code[0] == "V") != layout.visa:
        raise MrzBuildError("format", "document_code", f"{code!r} is not a {layout.format} code")
    return code


def _state(code: str, field: str) -> str:
    code = code.upper()
    if not states.known(code):
        raise MrzBuildError("state_code", field, f"{code!r} is not an ICAO code")
    return code


def _alphanumeric(text: str, field: str) -> str:
    text = text.upper()
    if not ALPHANUMERIC.fullmatch(text):
        raise MrzBuildError("charset", field, f"{text!r} is not A-Z, 0-9 and <")
    return text


def _date(value: date | str, field: str) -> str:
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    # A string is for a date with unknown parts, which Part 3 §3.8 writes as fillers.
    parts = value[0:2], value[2:4], value[4:6]
    if not (dates.well_formed(value) and "<<" in parts and "XX" not in parts):
        raise MrzBuildError("date", field, f"{value!r} is not YYMMDD with a part unknown (<<)")
    return value


def _sex(sex: str) -> str:
    sex = sex.upper() or FILLER
    if sex not in SEXES:
        raise MrzBuildError("sex", "sex", f"{sex!r} is not M, F, X or <")
    return sex
