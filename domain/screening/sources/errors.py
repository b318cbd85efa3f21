"""The exception of the sources package: a list file that cannot be read.

The exception hierarchy:

* SourceError - the list cannot be read; nothing read before the error should be stored.
  + WrongFormat - the file is not in the announced format at all: another list's XML, a CSV
                  without the expected header, not text (code `wrong_format` or `unknown_format`).
  + MalformedSource - the file is in the announced format but broken at one place: bad syntax,
                      an undecodable byte, a required value missing, a value of the wrong form.

Every error carries a machine `code`, the `file`, and where in it: the `line` (1-based: the
first line of a CSV record, a JSON line, the line an XML element starts on) and, for XML, the
element `path` (`CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL[12]`), and the `field` (a CSV column,
a JSON property, an XML element) where one is at fault. The Django layer turns codes into
translated messages; `str(error)` is for logs and the command line.

Values that a third party's list writes loosely (a nationality "na", a birth date "null") are
not errors: the entry keeps them in `extra`. Our own CSV formats are checked value by value.
"""

from typing import Literal

Code = Literal[
    "unknown_format",  # `read` was asked for a format not in FORMATS
    "unreadable",  # the file does not exist or cannot be opened
    "wrong_format",  # the file is not in the announced format
    "encoding",  # bytes that are not UTF-8 (or the format's encoding)
    "syntax",  # not well-formed: XML, CSV quoting, a JSON line
    "unsafe_xml",  # a DTD, entity or external reference, refused (defusedxml)
    "columns",  # a CSV record with more or fewer fields than the header
    "missing",  # a required value is empty or absent
    "value",  # a value of the wrong form: a date, a code, a sex, a status
    "duplicate",  # a reference already used earlier in the file
]


class SourceError(Exception):
    """Base class of the package's exceptions: the list file cannot be read."""

    def __init__(
        self,
        code: Code,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        path: str = "",
        field: str = "",
    ) -> None:
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.path = path
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, str(self.line or "")) if part)
        at = " ".join(part for part in (self.path, self.field and f"[{self.field}]") if part)
        return " ".join(
            part for part in (f"{where}:" if where else "", at, self.message) if part
        ) + (f" ({self.code})")


class WrongFormat(SourceError):
    """The file is not in the announced format."""


class MalformedSource(SourceError):
    """The file is in the announced format but broken at the place named."""
