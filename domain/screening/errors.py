"""The exception hierarchy of the screening engine.

* ScreeningError
  + TravellerError - a traveller, document number or threshold given to a search is not usable:
                     not text, a birth date that is no date, a threshold outside [0, 1].
  + EntryError     - an entry given to `NameIndex.build` or `DocumentIndex.build` is not a
                     PersonEntry or DocumentEntry, or holds a field of the wrong type.
  + IndexFormatError - a pickled index was written by another version of the engine.

A traveller whose name is empty is not an error: the search returns no name hits. Every error
carries a machine `code` and the `field` at fault; the Django layer turns codes into translated
messages.
"""

from typing import Literal

Code = Literal[
    "not_text",  # a field that must be text is not
    "date",  # a birth date that is not a PartialDate, or not a date that exists
    "threshold",  # a threshold that is not a number in [0, 1]
    "entry",  # an entry of the wrong type, or with a field of the wrong type
    "version",  # an index pickled by another version of the engine
]


class ScreeningError(Exception):
    """Base class of the package's exceptions."""

    def __init__(self, code: Code, field: str | None = None, message: str = "") -> None:
        super().__init__(message or f"{code}: {field}")
        self.code = code
        self.field = field


class TravellerError(ScreeningError):
    """A search was given something it cannot screen."""


class EntryError(ScreeningError):
    """An index was given an entry it cannot index."""


class IndexFormatError(ScreeningError):
    """A pickled index does not fit this version of the engine."""
