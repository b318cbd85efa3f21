"""The name field of machine readable zones (ICAO Doc 9303 Part 3 §3.4; Parts 4 to 7).

The field holds the primary identifier (the surname), two fillers, then the secondary
identifiers (given names); components of each are separated by one filler, and the rest of the
field is filled with fillers. A name too long for its field is truncated: secondary identifiers
first, components shortened from the last one backwards down to their initials, then the primary
identifier the same way; two fillers and at least one letter of the secondary identifiers stay.
A truncated name fills its field to the last position, and that is the only sign of truncation
Doc 9303 gives; a name that fits exactly looks the same, so `split` reports truncation as
possible.
"""

from typing import NamedTuple

from domain.mrz.transliterate import transliterate

SEPARATOR = "<<"  # between primary and secondary identifiers
FILLER = "<"


class Name(NamedTuple):
    surname: str
    given_names: str
    truncated: bool  # the field is full: the name may have been cut to fit


def split(field: str) -> Name:
    """Return the surname and given names of a name field, with spaces between components."""
    primary, _, secondary = field.rstrip(FILLER).partition(SEPARATOR)
    return Name(_words(primary), _words(secondary), truncated=not field.endswith(FILLER))


def join(surname: str, given_names: str, length: int) -> str:
    """Return the name field of `length` characters for a surname and given names."""
    primary = _components(transliterate(surname, field="surname"))
    secondary = _components(transliterate(given_names, field="given_names"))
    if secondary:
        secondary = _shorten(secondary, length - len(FILLER.join(primary)) - len(SEPARATOR))
    tail = SEPARATOR + FILLER.join(secondary) if secondary else ""
    primary = _shorten(primary, length - len(tail))
    # Should even initials not fit, the field keeps what it can.
    return (FILLER.join(primary) + tail)[:length].ljust(length, FILLER)


def _words(text: str) -> str:
    return " ".join(_components(text))


def _components(text: str) -> list[str]:
    return [part for part in text.split(FILLER) if part]


def _shorten(components: list[str], budget: int) -> list[str]:
    """Cut components, the last first, until they fit `budget` or are all initials."""
    cut = list(components)
    for i in reversed(range(len(cut))):
        excess = len(FILLER.join(cut)) - budget
        if excess <= 0:
            break
        cut[i] = cut[i][: max(1, len(cut[i]) - excess)]
    return cut
