"""Fields other than the name: how they agree, and what that does to a hit's score.

Each check returns a FieldCheck whose `effect` is added to the name's score (the sum is kept in
[0, 1]). The effects are ours, set against the benchmark's labelled queries (bench/screening.py):
a birth date that disagrees weighs most, because lists give one for most people and namesakes
rarely share it; a nationality that disagrees weighs little, because people hold several and
lists miss some. A field one side leaves empty changes nothing, so an entry with only a name can
still be matched on its name alone; except that an entry without a birth date scores a little
less than the traveller's name alone would (DATE_EFFECTS["unknown"]), as nothing corroborates
the name where the entries born the traveller's day gain by it: otherwise the few undated
entries of a list would draw most of its false alerts (bench/screening.py). A traveller
without a birth date is screened on the name, with no date effect for any entry.
"""

from typing import Final

from domain.screening.entries import PartialDate
from domain.screening.values import FieldCheck, Outcome

DATE_EFFECTS: Final[dict[Outcome, float]] = {
    "match": 0.20,  # a whole date: namesakes rarely share one, so a weaker name is enough
    "partial": 0.03,  # the year (and month) only: some namesakes share it
    "swapped": 0.05,  # day and month read the other way round (US against European order)
    "near": 0.0,
    "mismatch": -0.35,
    "unknown": -0.08,  # the entry has no date to hold the traveller's against
}
NATIONALITY_EFFECTS: Final[dict[Outcome, float]] = {"match": 0.03, "mismatch": -0.05}
SEX_EFFECTS: Final[dict[Outcome, float]] = {"match": 0.01, "mismatch": -0.15}
DOCUMENT_EFFECTS: Final[dict[Outcome, float]] = {"match": 0.20, "ocr": 0.15}


def birth_date(traveller: PartialDate | None, entry: tuple[PartialDate, ...]) -> FieldCheck:
    """Return the best agreement of the traveller's birth date with any of the entry's."""
    if traveller is None:
        return FieldCheck("birth_date", "unknown", "", "", 0.0)
    if not entry:
        return FieldCheck("birth_date", "unknown", str(traveller), "", DATE_EFFECTS["unknown"])
    # The date that adds most (the first of them): a day and month the other way round says
    # more than the year alone.
    best = max(entry, key=lambda date: DATE_EFFECTS[_compare(traveller, date)])
    outcome = _compare(traveller, best)
    return FieldCheck("birth_date", outcome, str(traveller), str(best), DATE_EFFECTS[outcome])


def nationality(traveller: str, entry: tuple[str, ...]) -> FieldCheck:
    """Return whether the traveller's nationality is one the entry gives."""
    if not traveller or not entry:
        return FieldCheck("nationality", "unknown", traveller, "", 0.0)
    if traveller in entry:
        return FieldCheck(
            "nationality", "match", traveller, traveller, NATIONALITY_EFFECTS["match"]
        )
    shown = " ".join(entry)
    return FieldCheck("nationality", "mismatch", traveller, shown, NATIONALITY_EFFECTS["mismatch"])


def sex(traveller: str, entry: str) -> FieldCheck:
    """Return whether the traveller's sex is the entry's (X and unknown say nothing)."""
    if traveller not in ("M", "F") or entry not in ("M", "F"):
        return FieldCheck("sex", "unknown", traveller, entry, 0.0)
    outcome: Outcome = "match" if traveller == entry else "mismatch"
    return FieldCheck("sex", outcome, traveller, entry, SEX_EFFECTS[outcome])


def document(traveller: str, entry: tuple[str, ...], canonical) -> FieldCheck | None:
    """Return a check when the traveller's document number is one the entry lists, else None."""
    if not traveller or not entry:
        return None
    for number in entry:
        if number == traveller:
            return FieldCheck("document_number", "match", traveller, number, 0.20)
    for number in entry:
        if canonical(number) == canonical(traveller):
            return FieldCheck("document_number", "ocr", traveller, number, 0.15)
    return None


def pack(date: PartialDate) -> int:
    """Return a date as the integer YYYYMMDD, with 00 for an unknown month or day."""
    return date.year * 10000 + (date.month or 0) * 100 + (date.day or 0)


def date_outcome(a: int, b: int) -> Outcome:
    """Return how two packed dates (see `pack`) agree: the index compares them in this form."""
    year_a, month_a, day_a = a // 10000, a // 100 % 100, a % 100
    year_b, month_b, day_b = b // 10000, b // 100 % 100, b % 100
    if a == b and day_a:
        return "match"
    if year_a == year_b:
        if not month_a or not month_b:
            return "partial"
        if month_a == month_b:
            return "partial" if not day_a or not day_b else "mismatch"
        if day_a and (month_a, day_a) == (day_b, month_b):
            return "swapped"
        return "mismatch"
    if abs(year_a - year_b) == 1 and (month_a, day_a) == (month_b, day_b):
        return "near"
    return "mismatch"


def _compare(a: PartialDate, b: PartialDate) -> Outcome:
    return date_outcome(pack(a), pack(b))
