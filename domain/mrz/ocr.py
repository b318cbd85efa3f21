"""Repair of OCR confusions in machine readable zones (ICAO Doc 9303 Part 3 §4.9 as the proof).

OCR-B's look-alikes are the commonest misreads: O/0, I/1, Z/2, S/5, G/6, B/8. A look-alike is put
back only where the zone itself proves the repair right:

1. a field that must be digits (a date) and its check digit, when the repaired field passes that
   check digit;
2. the check digit of the document number and of TD3's optional data, when it then passes;
3. the composite check digit, when the composite then passes;
4. a field that must be letters and has no check digit (document code, issuing state,
   nationality, name), when the layout has a composite check digit and it passes: the rest of
   the zone is then known to be read right, and a digit where only letters may stand has one
   reading.

Fields that may mix letters and digits (document number, optional data) are never repaired:
both readings of a look-alike are legal there, and trying combinations until a check digit
matches would succeed by chance one time in ten.
"""

import string
from collections.abc import Sequence
from typing import Final

from domain.mrz import dates
from domain.mrz.checkdigit import verifies
from domain.mrz.errors import Correction
from domain.mrz.layouts import Layout

TO_DIGIT: Final = str.maketrans("OIZSGB", "012568")
TO_LETTER: Final = str.maketrans("012568", "OIZSGB")
LETTERS: Final = frozenset(string.ascii_uppercase + "<")
LETTER_FIELDS: Final = ("document_code", "issuing_state", "nationality", "name")


def repair(lines: Sequence[str], layout: Layout) -> tuple[list[str], list[Correction]]:
    """Return `lines` with the confusions the zone proves repaired, and the corrections made."""
    fixed = list(lines)
    corrections: list[Correction] = []

    def read(field: str) -> str:
        return layout.fields[field].read(fixed)

    def write(field: str, text: str) -> None:
        span, before = layout.fields[field], read(field)
        if text != before:
            line = fixed[span.line]
            fixed[span.line] = line[: span.start] + text + line[span.stop :]
            corrections.append(Correction(field, before, text))

    for field in ("birth_date", "expiry_date"):
        data, digit = read(field).translate(TO_DIGIT), read(f"{field}_check").translate(TO_DIGIT)
        if dates.well_formed(data) and verifies(data, digit):
            write(field, data)
            write(f"{field}_check", digit)
    for check in ("document_number_check", "optional_data_check", "composite_check"):
        if check in layout.fields:
            digit = read(check).translate(TO_DIGIT)
            if verifies(layout.checked(fixed, check), digit):
                write(check, digit)
    if layout.composite and verifies(
        layout.checked(fixed, "composite_check"), read("composite_check")
    ):
        for field in LETTER_FIELDS:
            letters = read(field).translate(TO_LETTER)
            if set(letters) <= LETTERS:
                write(field, letters)
    return fixed, corrections
