"""CSV records (RFC 4180) read from bytes, each with the line it starts on.

Records may span lines (a quoted field with a line break), so a record's line is the line after
the end of the previous record. A record of no fields (a blank line) is skipped, and so is the
DOS end-of-file character (`\\x1a`) OFAC's files end with. Bytes are decoded with
`surrogateescape` and checked record by record, so an encoding error names its own line.
"""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from domain.screening.sources.errors import MalformedSource, SourceError, WrongFormat
from domain.screening.sources.files import Files

MAX_FIELD: Final = 1 << 20  # characters: a field longer than this is a broken file
# The bytes surrogateescape kept, and NUL, which no text file holds.
UNDECODED: Final = re.compile("[\udc80-\udcff\x00]")


def records(files: Files, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield `(line, fields)` for each record of the UTF-8 CSV file at `path`."""
    csv.field_size_limit(MAX_FIELD)
    with files.open(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, strict=True)
        line = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise MalformedSource(
                    "syntax", f"not RFC 4180 CSV: {error}", file=str(path), line=line
                ) from None
            if any(UNDECODED.search(field) for field in fields):
                raise MalformedSource("encoding", "not UTF-8 text", file=str(path), line=line)
            if fields and fields != ["\x1a"]:
                yield line, fields
            line = reader.line_num + 1


def with_header(
    files: Files, path: Path, columns: tuple[str, ...], what: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield `(line, row)` for each record after a header naming exactly `columns`, any order.

    Values are stripped of surrounding spaces; `what` names the format in messages.
    """
    rows = records(files, path)
    try:
        line, names = next(rows)
    except StopIteration:
        raise WrongFormat("wrong_format", f"an empty file, not {what}", file=str(path)) from None
    except SourceError as error:
        raise WrongFormat(
            "wrong_format", f"not {what}: {error.message}", file=str(path), line=1
        ) from None
    names = [name.strip().lower() for name in names]
    if sorted(names) != sorted(columns):
        missing = [name for name in columns if name not in names]
        unknown = [name for name in names if name not in columns or names.count(name) > 1]
        raise WrongFormat(
            "wrong_format",
            f"not {what}: its header must name the columns {', '.join(columns)}"
            f" (missing: {', '.join(missing) or '-'}; unknown or repeated: "
            f"{', '.join(dict.fromkeys(unknown)) or '-'})",
            file=str(path),
            line=line,
        )
    for line, fields in rows:
        if len(fields) != len(names):
            raise MalformedSource(
                "columns",
                f"{len(fields)} fields where the header names {len(names)}",
                file=str(path),
                line=line,
            )
        yield line, dict(zip(names, (value.strip() for value in fields), strict=True))
