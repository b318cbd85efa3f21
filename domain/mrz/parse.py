"""Reading of machine readable zones (ICAO Doc 9303 Parts 3 to 7).

`parse` cleans scanner noise (scan.py), finds the layout, drops a stray character a scanner left
at the end of a line (a correction of `line_N`), repairs the OCR confusions the check digits prove
(ocr.py), reads every field and checks it. Only input that is not MRZ-shaped raises; every fault
in a readable zone is a `Problem` in the result.

Long document numbers (Part 5 and Part 6, TD1 and TD2): the number field holds the first 9
characters, its check digit position holds `<`, and the rest of the number, its check digit and
a filler open the optional data. Issuers disagree on the check digit of such a number: over the
whole number (ICAO's reading, `excluding_filler`), or over the characters as printed from the
number field on, the `<` included (`including_filler`, as on Belgian cards). Both are accepted,
and `Mrz.long_number_check_reading` says which matched.
"""

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from domain.mrz import dates, layouts, names, ocr, scan, states
from domain.mrz.checkdigit import VALUES, verifies
from domain.mrz.errors import Code, Correction, Problem
from domain.mrz.layouts import Format, Layout

Reading = Literal["excluding_filler", "including_filler", "both"]
# Whether the check digit matched (without the `<`, with it) -> the reading to report.
READINGS: Final[dict[tuple[bool, bool], Reading]] = {
    (True, False): "excluding_filler",
    (False, True): "including_filler",
    (True, True): "both",
}
SEXES: Final = frozenset("MFX<")  # Parts 4 to 7: male, female, unspecified (X or the filler)
DOCUMENT_CODES: Final = "ACIP"  # first letter on TD1, TD2, TD3 (Parts 4 to 6); visas have V
LETTERS: Final = frozenset(string.ascii_uppercase + "<")
ALPHABET: Final = frozenset(VALUES)


@dataclass(frozen=True)
class Mrz:
    """A machine readable zone as read, with every problem found and correction made."""

    format: Format
    lines: tuple[str, ...]  # after noise removal and repair
    document_code: str  # without fillers: P, ID, VB
    issuing_state: str  # without fillers: D for D<<
    surname: str  # the primary identifier, components separated by spaces
    given_names: str  # the secondary identifiers, likewise
    name_truncated: bool  # the name fills its field: it may have been cut
    document_number: str  # the full number, long ones included, without padding
    long_number_check_reading: Reading | None  # which check digit reading matched (TD1, TD2)
    nationality: str
    birth_date: date | None  # None when a part is unknown or the date is invalid
    birth_date_raw: str
    sex: str
    expiry_date: date | None
    expiry_date_raw: str
    optional_data: str  # TD3: personal number; TD1: the line-1 element; without padding
    optional_data_2: str  # TD1 only: the line-2 element
    errors: tuple[Problem, ...]
    corrections: tuple[Correction, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


def parse(text: str | Sequence[str], *, today: date, repair: bool = True) -> Mrz:
    """Read the machine readable zone in `text`, inferring centuries against `today`.

    Raise MrzUnreadable if `text` is not MRZ-shaped. With `repair`, put back OCR look-alikes
    where a check digit proves the repair (each listed in `corrections`).
    """
    rows = scan.lines(text)
    layout = layouts.detect(rows)
    length = layout.line_length
    corrections = [
        Correction(f"line_{n}", row[length:], "") for n, row in enumerate(rows, 1) if row[length:]
    ]
    rows = [row[:length] for row in rows]
    if repair:
        rows, repaired = ocr.repair(rows, layout)
        corrections += repaired
    return _read(layout, tuple(rows), today, tuple(corrections))


def _read(
    layout: Layout, lines: tuple[str, ...], today: date, corrections: tuple[Correction, ...]
) -> Mrz:
    fields = {name: span.read(lines) for name, span in layout.fields.items()}
    document_code, name = fields["document_code"], names.split(fields["name"])
    issuing_state = states.code(fields["issuing_state"])
    nationality = states.code(fields["nationality"])
    number, reading, optional, number_ok = _document_number(layout, fields)
    birth_date, birth_ok = _date(dates.birth, fields["birth_date"], today)
    expiry_date, expiry_ok = _date(dates.expiry, fields["expiry_date"], today)
    checks: list[tuple[bool, Code, str]] = [
        (set(document_code) <= LETTERS, "charset", "document_code"),
        (document_code[:1] in ("V" if layout.visa else DOCUMENT_CODES), "format", "document_code"),
        (states.known(issuing_state), "state_code", "issuing_state"),
        (set(fields["name"]) <= LETTERS, "charset", "name"),
        (set(number) <= ALPHABET, "charset", "document_number"),
        (number_ok, "check_digit", "document_number"),
        (states.known(nationality), "state_code", "nationality"),
        (_verifies(layout, lines, "birth_date_check"), "check_digit", "birth_date"),
        (birth_ok, "date", "birth_date"),
        (fields["sex"] in SEXES, "sex", "sex"),
        (_verifies(layout, lines, "expiry_date_check"), "check_digit", "expiry_date"),
        (expiry_ok, "date", "expiry_date"),
        (set(optional) <= ALPHABET, "charset", "optional_data"),
        (_optional_data_verifies(layout, lines), "check_digit", "optional_data"),
        (set(fields.get("optional_data_2", "")) <= ALPHABET, "charset", "optional_data_2"),
        (_verifies(layout, lines, "composite_check"), "check_digit", "composite"),
    ]
    return Mrz(
        format=layout.format,
        lines=lines,
        document_code=document_code.rstrip("<"),
        issuing_state=issuing_state,
        surname=name.surname,
        given_names=name.given_names,
        name_truncated=name.truncated,
        document_number=number,
        long_number_check_reading=reading,
        nationality=nationality,
        birth_date=birth_date,
        birth_date_raw=fields["birth_date"],
        sex=fields["sex"],
        expiry_date=expiry_date,
        expiry_date_raw=fields["expiry_date"],
        optional_data=optional.rstrip("<"),
        optional_data_2=fields.get("optional_data_2", "").rstrip("<"),
        errors=tuple(Problem(code, field) for ok, code, field in checks if not ok),
        corrections=corrections,
    )


def _document_number(
    layout: Layout, fields: dict[str, str]
) -> tuple[str, Reading | None, str, bool]:
    """Return the full document number, how its check digit matched, the optional data after it,
    and whether the check digit matched at all."""
    number, digit, optional = (
        fields["document_number"],
        fields["document_number_check"],
        fields["optional_data"],
    )
    if not (layout.long_number and digit == "<" and optional[:1] not in ("", "<")):
        return number.rstrip("<"), None, optional, verifies(number, digit)
    extension = optional.split("<", 1)[0]
    rest, digit = extension[:-1], extension[-1]
    matched = (verifies(number + rest, digit), verifies(f"{number}<{rest}", digit))
    reading = READINGS.get(matched)
    return number + rest, reading, optional[len(extension) + 1 :], reading is not None


def _date(
    read: Callable[[str, date], date | None], raw: str, today: date
) -> tuple[date | None, bool]:
    """Return the date `raw` means (None if unknown or invalid) and whether it is valid."""
    try:
        return read(raw, today), True
    except ValueError:
        return None, False


def _verifies(layout: Layout, lines: Sequence[str], check: str) -> bool:
    """Return whether the check digit field `check` matches its data (True if there is none)."""
    if check not in layout.fields:
        return True
    return verifies(layout.checked(lines, check), layout.fields[check].read(lines))


def _optional_data_verifies(layout: Layout, lines: Sequence[str]) -> bool:
    data = layout.fields["optional_data"].read(lines)
    digit = layout.fields.get("optional_data_check")
    # Part 4: the check digit of an unused personal number may be 0 or <.
    unused = set(data) == {"<"} and digit is not None and digit.read(lines) in ("0", "<")
    return unused or _verifies(layout, lines, "optional_data_check")
