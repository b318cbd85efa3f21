"""Our CSV format for person alerts (format `csv`): a national list, written by hand or exported.

A UTF-8 CSV file (RFC 4180: fields separated by commas, quoted with `"` when they hold a comma,
a quote (doubled) or a line break; CRLF or LF line ends; a byte order mark is allowed, as
spreadsheets write one). The first record is a header naming these eleven columns, in any
order; every record has the eleven fields, any of them empty unless said otherwise. Lists
within a field are separated by `|`, their items stripped of spaces, empty items ignored.

* `ref`: the list's own reference of the alert, unique in the file; required.
* `surname`: the surname (primary identifier).
* `given_names`: the given names (secondary identifiers).
* `full_name`: the name as usually written; when empty, the given names then the surname.
  A name is required: a full name or a surname.
* `aliases`: other names, each written in full: `Jean Baptiste|Ti Jean`.
* `birth_dates`: ISO 8601 dates, month and day optional: `1961|1961-05|1961-05-20`.
* `birth_places`: places as written: `Jacmel, Haïti|Santo Domingo`.
* `nationalities`: ISO 3166-1 alpha-3 or ICAO codes (Doc 9303 Part 3 §5): `HTI|DOM`.
* `sex`: `M`, `F` or empty.
* `documents`: `NUMBER:STATE`, the state an alpha-3 or ICAO code, or `NUMBER` alone when the
  state is unknown: `HA1234567:HTI|RD0034:DOM`. The state is what follows the last `:`.
* `notes`: free text: why the alert, what to do.

An example (the header, one record):

    ref,surname,given_names,full_name,aliases,birth_dates,birth_places,nationalities,sex,
    documents,notes
    HT-2024-0001,PIERRE,Jean Baptiste,,Ti Jean|J. B. Pierre,1980-03-14|1981,"Jacmel, Haïti",
    HTI,M,HA1234567:HTI,refer to secondary inspection

(each written on one line: they are cut here to fit; domain/screening/tests/data/sources/
persons.csv is a whole file). Every value is checked; the first fault stops the reading with
the line and the column at fault.
"""

from collections.abc import Iterator
from typing import Final

from domain.mrz.states import known
from domain.screening.entries import Name, PersonEntry, Sex
from domain.screening.sources import dates
from domain.screening.sources.errors import MalformedSource
from domain.screening.sources.files import Files
from domain.screening.sources.tabular import with_header

WHAT: Final = "a person CSV list"
COLUMNS: Final = (
    "ref",
    "surname",
    "given_names",
    "full_name",
    "aliases",
    "birth_dates",
    "birth_places",
    "nationalities",
    "sex",
    "documents",
    "notes",
)
SEXES: Final[tuple[Sex, ...]] = ("M", "F", "")


def entries(files: Files) -> Iterator[PersonEntry]:
    """Read the persons of each file, in the file's order."""
    seen: set[str] = set()
    for path in files.paths:
        for line, row in with_header(files, path, COLUMNS, WHAT):
            try:
                entry = person(row)
            except MalformedSource as error:
                error.file, error.line = str(path), line
                raise
            if entry.source_ref in seen:
                raise MalformedSource(
                    "duplicate",
                    f"the ref {entry.source_ref!r} is used above",
                    file=str(path),
                    line=line,
                    field="ref",
                )
            seen.add(entry.source_ref)
            yield entry


def person(row: dict[str, str]) -> PersonEntry:
    """Return the person entry of one record, checked."""
    if not row["ref"]:
        raise MalformedSource("missing", "a person without a ref", field="ref")
    surname, given = row["surname"], row["given_names"]
    full = row["full_name"] or " ".join(filter(None, (given, surname)))
    if not (row["full_name"] or surname):
        raise MalformedSource(
            "missing", "a person without a full name or a surname", field="full_name"
        )
    birth_dates = []
    for value in items(row["birth_dates"]):
        found = dates.iso(value)
        if found is None:
            raise MalformedSource(
                "value", f"{value!r} is not a date YYYY[-MM[-DD]]", field="birth_dates"
            )
        birth_dates.append(found)
    nationalities = items(row["nationalities"])
    for code in nationalities:
        if not known(code):
            raise MalformedSource(
                "value", f"{code!r} is not an alpha-3 or ICAO code", field="nationalities"
            )
    if row["sex"] not in SEXES:
        raise MalformedSource("value", "the sex must be M, F or empty", field="sex")
    documents = []
    for value in items(row["documents"]):
        number, colon, state = value.rpartition(":")
        number, state = (number.strip(), state.strip()) if colon else (state, "")
        if not number:
            raise MalformedSource(
                "missing", f"{value!r}: a document without a number", field="documents"
            )
        if state and not known(state):
            raise MalformedSource(
                "value", f"{state!r} is not an alpha-3 or ICAO code", field="documents"
            )
        documents.append((number, state))
    return PersonEntry(
        source_ref=row["ref"],
        names=tuple(
            dict.fromkeys(
                [Name(full, surname, given)]
                + [Name(alias, is_alias=True) for alias in items(row["aliases"])]
            )
        ),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        birth_places=tuple(dict.fromkeys(items(row["birth_places"]))),
        nationalities=tuple(dict.fromkeys(nationalities)),
        sex=row["sex"],  # type: ignore[arg-type]
        document_numbers=tuple(dict.fromkeys(documents)),
        notes=row["notes"],
    )


def items(field: str) -> list[str]:
    """Return the items of a `|`-separated field, stripped, without empty ones."""
    return [item for item in (part.strip() for part in field.split("|")) if item]
