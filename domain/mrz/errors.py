"""Exceptions, problems and corrections of the MRZ package.

The exception hierarchy:

* MrzError
  + MrzUnreadable - the input to `parse` is not MRZ-shaped at all: empty, not text, or lines
                    that no layout of ICAO Doc 9303 fits.
  + MrzBuildError - `build` cannot encode the document data it was given.

A readable zone with wrong content never raises: `parse` returns an `Mrz` listing one `Problem`
per fault, and one `Correction` per character it changed. Exceptions and problems alike carry a
machine `code` and the `field` at fault (for an unreadable input, the line, as `line_2`); the
Django layer turns codes into translated messages.
"""

from dataclasses import dataclass
from typing import Literal

Code = Literal[
    "charset",  # a character the field may not hold
    "check_digit",  # a check digit that does not match its data (Part 3 §4.9)
    "date",  # not a date, or not one that exists
    "empty",  # no text at all
    "format",  # a document code, line count or field use the layout does not allow
    "length",  # a line (or a value to build) longer or shorter than its layout allows
    "not_text",  # input that is not a string or a sequence of strings
    "sex",  # not M, F, X or <
    "state_code",  # neither ISO 3166-1 alpha-3 nor a code ICAO reserves
    "transliteration",  # a character of a name with no transliteration to the MRZ alphabet
]


@dataclass(frozen=True)
class Problem:
    """A fault found in one field of a readable zone."""

    code: Code
    field: str


@dataclass(frozen=True)
class Correction:
    """A change made to the zone as read: `before` became `after` in `field`."""

    field: str
    before: str
    after: str


class MrzError(Exception):
    """Base class of the package's exceptions."""

    def __init__(self, code: Code, field: str | None = None, message: str = "") -> None:
        super().__init__(message or f"{code}: {field}")
        self.code = code
        self.field = field


class MrzUnreadable(MrzError):
    """The input is not a machine readable zone."""


class MrzBuildError(MrzError):
    """The document data cannot be written as a machine readable zone."""
