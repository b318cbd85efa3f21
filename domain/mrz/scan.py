"""Scanner output to MRZ lines.

Document readers and OCR engines hand over a machine readable zone with noise Doc 9303 does not
know: lower case, spaces and tabs inside lines, any line ending (CR, LF, CRLF), blank lines
before, between and after. Remove it, and nothing else: characters outside the MRZ alphabet are
left for the parser to report against the field they fall in.
"""

import string
from collections.abc import Sequence

from domain.mrz.errors import MrzUnreadable

# Only ASCII is upper-cased: str.upper() turns ß into SS and would shift every later position.
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def lines(text: str | Sequence[str]) -> list[str]:
    """Return the non-blank lines of `text`, upper-cased, without white space."""
    if isinstance(text, list | tuple) and all(isinstance(line, str) for line in text):
        text = "\n".join(text)
    if not isinstance(text, str):
        raise MrzUnreadable("not_text", None, f"{type(text).__name__} is not text")
    rows = [
        "".join(c for c in row if not c.isspace()).translate(_UPPER) for row in text.splitlines()
    ]
    rows = [row for row in rows if row]
    if not rows:
        raise MrzUnreadable("empty", None, "no text")
    return rows
