"""The UN Security Council consolidated list, XML (format `un-xml`).

The list and its schema: https://www.un.org/securitycouncil/content/un-sc-consolidated-list
(https://scsanctions.un.org/resources/xml/en/consolidated.xml, schema
https://www.un.org/sc/resources/sc-sanctions.xsd). `CONSOLIDATED_LIST` holds `INDIVIDUALS` and
`ENTITIES`; entities are not persons: they are counted in `skipped["entity"]`.

An INDIVIDUAL becomes a PersonEntry:

* `REFERENCE_NUMBER` (QDi.123, TAi.005) is the `source_ref`; required.
* `FIRST_NAME` to `FOURTH_NAME`, joined, are the primary name (the UN does not say which part is
  the surname); `NAME_ORIGINAL_SCRIPT` is a second name, not an alias; each `INDIVIDUAL_ALIAS`
  with an `ALIAS_NAME` an alias of its `QUALITY` ("good", "low"). At least one name is required.
* `INDIVIDUAL_DATE_OF_BIRTH`: `TYPE_OF_DATE` EXACT or APPROXIMATELY with a `DATE` or a `YEAR`;
  BETWEEN with `FROM_YEAR` and `TO_YEAR` (every year of the range, see dates.py). Aliases may
  carry their own `DATE_OF_BIRTH` (`1960`, `1938-08-17`, `1960 - 1962`): those count too. What
  was written is kept in `extra["birth_dates_as_listed"]`.
* `INDIVIDUAL_PLACE_OF_BIRTH` (street, city, province, country joined by ", ") and aliases'
  `CITY_OF_BIRTH`/`COUNTRY_OF_BIRTH` are birth places.
* `NATIONALITY/VALUE` names are mapped to alpha-3 (countries.py); names that map to nothing
  ("former Soviet Union") stay out of `nationalities` and go to `extra["nationalities_unmapped"]`.
* `INDIVIDUAL_DOCUMENT` with a `NUMBER` gives (number, alpha-3 of `ISSUING_COUNTRY` or
  `COUNTRY_OF_ISSUE`, or ""); the full documents are in `extra["documents"]`.
* `GENDER` Male/Female is the sex; `COMMENTS1` the notes.
"""

import re
from collections.abc import Iterator
from typing import Final
from xml.etree.ElementTree import Element

from domain.screening.entries import Name, PartialDate, PersonEntry, Sex
from domain.screening.sources import countries, dates
from domain.screening.sources.errors import MalformedSource
from domain.screening.sources.files import Files
from domain.screening.sources.xmlstream import Record, records, text, texts

WHAT: Final = "the UN Security Council consolidated list (XML)"
SEXES: Final[dict[str, Sex]] = {"male": "M", "female": "F"}
NAME_PARTS: Final = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
PLACE_PARTS: Final = ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")
# "Afghan passport number SE 012820": the number is what follows the last "number"
NUMBER_IN_PROSE: Final = re.compile(r".*\bnumber\s+", re.IGNORECASE | re.DOTALL)


def entries(files: Files) -> Iterator[PersonEntry]:
    """Read the individuals of each file, in the list's order."""
    for path in files.paths:
        for record in records(files, path, "CONSOLIDATED_LIST", 3, WHAT):
            if record.element.tag == "INDIVIDUAL":
                yield individual(record, str(path))
            else:
                files.skipped[record.element.tag.lower()] += 1


def individual(record: Record, file: str) -> PersonEntry:
    """Return the person entry of an INDIVIDUAL element."""
    element = record.element
    ref = text(element, "REFERENCE_NUMBER")
    if not ref:
        raise MalformedSource(
            "missing",
            "an individual without a REFERENCE_NUMBER",
            file=file,
            line=record.line,
            path=record.path,
            field="REFERENCE_NUMBER",
        )
    primary = " ".join(value for part in NAME_PARTS if (value := text(element, part)))
    names = [Name(primary)] if primary else []
    names += [Name(full) for full in texts(element, "NAME_ORIGINAL_SCRIPT")]
    birth_dates: list[PartialDate] = []
    as_listed: list[str] = []
    birth_places = [
        place(found, PLACE_PARTS) for found in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")
    ]
    for alias in element.iterfind("INDIVIDUAL_ALIAS"):
        full = text(alias, "ALIAS_NAME")
        if full:
            names.append(Name(full, is_alias=True, quality=text(alias, "QUALITY").lower()))
        listed = text(alias, "DATE_OF_BIRTH")
        if listed:
            as_listed.append(listed)
            birth_dates += alias_birth_dates(listed)
        birth_places.append(place(alias, ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH")))
    if not names:
        raise MalformedSource(
            "missing",
            "an individual without a name",
            file=file,
            line=record.line,
            path=record.path,
            field="FIRST_NAME",
        )
    for birth in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        found, listed = birth_date(birth)
        birth_dates += found
        if listed:
            as_listed.append(listed)
    nationalities, unmapped = [], []
    for name in texts(element, "NATIONALITY/VALUE"):
        code = countries.from_name(name)
        (nationalities if code else unmapped).append(code or name)
    documents = [document(found) for found in element.iterfind("INDIVIDUAL_DOCUMENT")]
    documents = [found for found in documents if found]
    extra = {
        "list_type": text(element, "UN_LIST_TYPE"),
        "listed_on": text(element, "LISTED_ON"),
        "titles": texts(element, "TITLE/VALUE"),
        "designations": texts(element, "DESIGNATION/VALUE"),
        "birth_dates_as_listed": as_listed,
        "nationalities_unmapped": unmapped,
        "documents": documents,
    }
    return PersonEntry(
        source_ref=ref,
        names=unique(names),
        birth_dates=unique(birth_dates),
        birth_places=unique(found for found in birth_places if found),
        nationalities=unique(nationalities),
        sex=SEXES.get(text(element, "GENDER").lower(), ""),
        document_numbers=unique(
            (found["number"], found["state"]) for found in documents if found["number"]
        ),
        notes=text(element, "COMMENTS1"),
        extra={key: value for key, value in extra.items() if value},
    )


def birth_date(element: Element) -> tuple[tuple[PartialDate, ...], str]:
    """Return the dates an INDIVIDUAL_DATE_OF_BIRTH gives, and how it is written."""
    kind = text(element, "TYPE_OF_DATE").upper()
    values = {tag: text(element, tag) for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE")}
    listed = " ".join(filter(None, (kind, *values.values())))
    if values["FROM_YEAR"] or values["TO_YEAR"]:
        first = dates.iso(values["FROM_YEAR"] or values["TO_YEAR"])
        last = dates.iso(values["TO_YEAR"] or values["FROM_YEAR"])
        return (dates.span(first, last) if first and last else ()), listed
    if values["DATE"] or values["YEAR"]:
        found = dates.iso(values["DATE"] or values["YEAR"], zero_unknown=True)
        return ((found,) if found else ()), listed
    return dates.ofac(values["NOTE"]) or (), listed  # a few write the date in a note: "Nov. 1973"


def alias_birth_dates(listed: str) -> tuple[PartialDate, ...]:
    """Return the dates of an alias's DATE_OF_BIRTH: `1960`, `1938-08-17` or `1960 - 1962`."""
    ends = [dates.iso(end, zero_unknown=True) for end in listed.split(" - ")]
    if len(ends) > 2 or not all(ends):
        return ()
    return dates.span(ends[0], ends[-1])  # type: ignore[arg-type]


def place(element: Element, parts: tuple[str, ...]) -> str:
    return ", ".join(value for part in parts if (value := text(element, part)))


def document(element: Element) -> dict[str, str]:
    """Return what an INDIVIDUAL_DOCUMENT says, its state as alpha-3 ("" if unknown)."""
    number = NUMBER_IN_PROSE.sub("", text(element, "NUMBER"))
    country = text(element, "ISSUING_COUNTRY") or text(element, "COUNTRY_OF_ISSUE")
    found = {
        "type": text(element, "TYPE_OF_DOCUMENT"),
        "type_2": text(element, "TYPE_OF_DOCUMENT2"),
        "number": number,
        "state": countries.from_name(country) or "" if country else "",
        "country": country,
        "issued": text(element, "DATE_OF_ISSUE"),
        "city_of_issue": text(element, "CITY_OF_ISSUE"),
        "note": text(element, "NOTE"),
    }
    if not any(found.values()):
        return {}
    return {key: value for key, value in found.items() if value or key in ("number", "state")}


def unique(values) -> tuple:
    """Return `values` without repeats, in their first order."""
    return tuple(dict.fromkeys(values))
