"""Alert lists read from their files into person and document entries.

The groundwork of `manage.py watchlist_import --format FORMAT --list CODE FILE`: one module per
format, each naming the format and where it is documented, and `read` to stream a file's entries:

    >>> reading = read("un-xml", "un_sc_consolidated.xml", progress=print)   # doctest: +SKIP
    >>> for entry in reading: ...                                             # doctest: +SKIP
    >>> reading.skipped                                                       # doctest: +SKIP
    Counter({'entity': 193})

| format | module | what |
| --- | --- | --- |
| csv | persons_csv | our CSV of person alerts |
| documents-csv | documents_csv | our CSV of lost, stolen and invalid documents (SLTD-like) |
| un-xml | un_xml | the UN Security Council consolidated list |
| ofac-csv | ofac_csv | the US OFAC SDN list, legacy CSV (sdn, alt and add files) |
| ofac-xml | ofac_xml | the US OFAC SDN and consolidated lists, XML |
| opensanctions | opensanctions | OpenSanctions' FollowTheMoney entities, JSON lines |

Entries come out in the file's order, the same every time the same file is read, so that
importing a file twice changes nothing. Files are read as a stream (XML with `iterparse`,
elements dropped once read): memory does not grow with the file, except for the OFAC CSV's
alias and address files, held while the main file is read. Records that are not persons
(entities, vessels, companies) are counted in `Reading.skipped`.

Other modules: files (opening, byte counting), tabular (CSV records), xmlstream (safe XML
records), dates, countries, ofac (what OFAC's remarks say), errors (SourceError, WrongFormat,
MalformedSource).
"""

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final, NamedTuple

from domain.screening.entries import DocumentEntry, PersonEntry
from domain.screening.sources import (
    documents_csv,
    ofac_csv,
    ofac_xml,
    opensanctions,
    persons_csv,
    un_xml,
)
from domain.screening.sources.errors import MalformedSource, SourceError, WrongFormat
from domain.screening.sources.files import Files, PathLike, Progress, as_paths, existing

Entry = PersonEntry | DocumentEntry


class Format(NamedTuple):
    """A list format: what it is, how its files are found, how its entries are read."""

    title: str
    entries: Callable[[Files], Iterator[Entry]]
    resolve: Callable[[list[Path]], list[Path]] = existing


FORMATS: Final[dict[str, Format]] = {
    "csv": Format("Person alerts, CSV", persons_csv.entries),
    "documents-csv": Format("Lost, stolen and invalid documents, CSV", documents_csv.entries),
    "un-xml": Format("UN Security Council consolidated list, XML", un_xml.entries),
    "ofac-csv": Format("OFAC SDN list, CSV", ofac_csv.entries, ofac_csv.resolve),
    "ofac-xml": Format("OFAC SDN or consolidated list, XML", ofac_xml.entries),
    "opensanctions": Format(
        "OpenSanctions FollowTheMoney entities, JSON lines", opensanctions.entries
    ),
}


class Reading(Iterator[Entry]):
    """The entries of a list being read, and how far the reading has gone."""

    def __init__(self, format: Format, files: Files) -> None:
        self.format = format
        self.files = files
        self._entries = format.entries(files)

    def __next__(self) -> Entry:
        return next(self._entries)

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.files.paths

    @property
    def size(self) -> int:
        """Return the bytes of all the files: the total of a progress bar."""
        return self.files.size

    @property
    def bytes_read(self) -> int:
        return self.files.bytes_read

    @property
    def skipped(self) -> Counter[str]:
        """Return the records read that are not entries, by kind: {"entity": 193}."""
        return self.files.skipped


def read(
    format: str,
    path_or_paths: PathLike | Sequence[PathLike],
    *,
    progress: Progress | None = None,
) -> Reading:
    """Return the entries of the list in the file or files, read as they are iterated.

    `progress`, if given, is called with the bytes read so far (all files together) as the
    reading advances. Raises SourceError: at once if the format is unknown or a file is
    missing, later (while iterating) at the first fault in a file.
    """
    if format not in FORMATS:
        raise WrongFormat(
            "unknown_format", f"unknown format {format!r}: one of {', '.join(FORMATS)}"
        )
    chosen = FORMATS[format]
    return Reading(chosen, Files(chosen.resolve(as_paths(path_or_paths)), progress))


__all__ = [
    "FORMATS",
    "Entry",
    "Format",
    "MalformedSource",
    "Reading",
    "SourceError",
    "WrongFormat",
    "read",
]
