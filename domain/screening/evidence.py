"""Fields other than the name: how they agree, and what that does to a hit's score.

Each check returns a FieldCheck whose `effect` is added to the name's score (the sum is kept in
[0, 1]). The effects are ours, set against the benchmark's labelled queries (bench/screening.py):
a birth date that disagrees weighs most, because lists give one for most people and namesakes
rarely share it; a nationality that disagrees weighs little, because people hold several and
lists miss some. A field one side leaves empty changes nothing, so an entry with only a name can
still be matched on its name alone.
"""

from typing import Final

from domain.screening.entries import PartialDate
from domain.screening.values import FieldCheck, Outcome

DATE_EFFECTS: Final[dict[Outcome, float]] = {
    "match": 0.10,
    "partial": 0.05,
    "swapped": 0.05,  # day and month read the other way round (US against European order)
    "near": 0.0,
    "mismatch": -0.20,
    "unknown": 0.0,
}
NATIONALITY_EFFECTS: Final[dict[Outcome, float]] = {"match": 0.03, "mismatch": -0.05}
SEX_EFFECTS: Final[dict[Outcome, float]] = {"match": 0.01, "mismatch": -0.15}
DOCUMENT_EFFECTS: Final[dict[Outcome, float]] = {"match": 0.20, "ocr": 0.15}
MOST: Final = 0.10 + 0.03 + 0.01 + 0.20  # the most the other fields can add


def birth_date(traveller: PartialDate | None, entry: tuple[PartialDate, ...]) -> FieldCheck:
    """Return the best agreement of the traveller's birth date with any of the entry's."""
    if traveller is None or not entry:
        return FieldCheck("birth_date", "unknown", str(traveller or ""), "", 0.0)
    order: list[Outcome] = ["match", "partial", "swapped", "near", "mismatch"]
    best = min(entry, key=lambda date: order.index(_compare(traveller, date)))
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


def _compare(a: PartialDate, b: PartialDate) -> Outcome:
    if a == b and a.day is not None:
        return "match"
    if a.year == b.year:
        if a.month is None or b.month is None:
            return "partial"
        if a.month == b.month:
            return "partial" if a.day is None or b.day is None else "mismatch"
        if a.day is not None and (a.month, a.day) == (b.day, b.month):
            return "swapped"
        return "mismatch"
    if abs(a.year - b.year) == 1 and (a.month, a.day) == (b.month, b.day):
        return "near"
    return "mismatch"
