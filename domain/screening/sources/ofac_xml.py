"""The US OFAC sanctions lists in their XML format (format `ofac-xml`).

`sdn.xml` and `consolidated.xml` (https://ofac.treasury.gov/sdn-list-data-formats-data-schemas,
schema `sdn.xsd`): a root `sdnList` (in whatever namespace OFAC uses that year), then one
`sdnEntry` per entry. Only entries whose `sdnType` is `Individual` become persons; the others
are counted in `skipped` by type ("entity", "vessel", "aircraft").

* `uid` is the `source_ref`; `firstName` and `lastName` the primary name ("given surname");
  each `akaList/aka` an alias, its `category` ("strong", "weak") its quality.
* `dateOfBirthList/dateOfBirthItem/dateOfBirth` is written as in the CSV's remarks (`12 Jan 1967`,
  `1967`, `circa 1967`, `1965 to 1968`); `placeOfBirthList` gives birth places.
* `nationalityList` and `citizenshipList` countries are mapped to alpha-3 (countries.py).
* `idList/id`: `idType` Gender gives the sex; passports and national ID numbers give document
  numbers (idNumber, alpha-3 of idCountry); other identifiers stay in `extra["identifiers"]`.
"""

from collections.abc import Iterator
from typing import Final

from domain.screening.entries import Name, PersonEntry
from domain.screening.sources import ofac
from domain.screening.sources.errors import MalformedSource
from domain.screening.sources.files import Files
from domain.screening.sources.xmlstream import Record, records, text, texts

WHAT: Final = "the OFAC sanctions list (XML)"
DOCUMENT_TYPES: Final = ("Passport", "Diplomatic Passport", "National ID No.")
ADDRESS_PARTS: Final = (
    "address1",
    "address2",
    "address3",
    "city",
    "stateOrProvince",
    "postalCode",
    "country",
)


def entries(files: Files) -> Iterator[PersonEntry]:
    """Read the individuals of each file, in the list's order."""
    for path in files.paths:
        for record in records(files, path, "sdnList", 2, WHAT):
            if record.element.tag != "sdnEntry":
                continue  # publshInformation
            kind = text(record.element, "sdnType")
            if kind == "Individual":
                yield individual(record, str(path))
            else:
                files.skipped[kind.lower() or "entity"] += 1


def individual(record: Record, file: str) -> PersonEntry:
    """Return the person entry of an sdnEntry of type Individual."""
    element = record.element
    ref = text(element, "uid")
    if not ref:
        raise MalformedSource(
            "missing",
            "an entry without a uid",
            file=file,
            line=record.line,
            path=record.path,
            field="uid",
        )
    surname, given = text(element, "lastName"), text(element, "firstName")
    if not surname and not given:
        raise MalformedSource(
            "missing",
            "an individual without a name",
            file=file,
            line=record.line,
            path=record.path,
            field="lastName",
        )
    names = [Name(" ".join(filter(None, (given, surname))), surname, given)]
    alias_types = {}
    for aka in element.iterfind("akaList/aka"):
        surname, given = text(aka, "lastName"), text(aka, "firstName")
        full = " ".join(filter(None, (given, surname)))
        if not given and "," in surname:  # weak aliases are written "ZAHAR, Mahmoud"
            surname, given = ofac.split_name(surname)
        if full:
            names.append(Name(full, surname, given, is_alias=True, quality=text(aka, "category")))
            if text(aka, "type") not in ("", "a.k.a."):
                alias_types[full] = text(aka, "type")
    said = ofac.Remarks()
    for listed in texts(element, "dateOfBirthList/dateOfBirthItem/dateOfBirth"):
        said.add_birth_date(listed)
    said.birth_places = texts(element, "placeOfBirthList/placeOfBirthItem/placeOfBirth")
    for country in texts(element, "nationalityList/nationality/country") + texts(
        element, "citizenshipList/citizenship/country"
    ):
        said.add_nationality(country)
    identifiers = []
    for found in element.iterfind("idList/id"):
        kind, number, country = (text(found, tag) for tag in ("idType", "idNumber", "idCountry"))
        if kind == "Gender":
            said.sex = ofac.SEXES.get(number.lower(), said.sex)
        elif kind in DOCUMENT_TYPES and number:
            said.add_document(kind, number, country)
        else:
            identifiers.append({"type": kind, "number": number, "country": country})
    extra = {
        "programs": texts(element, "programList/program"),
        "title": text(element, "title"),
        "alias_types": alias_types,
        "addresses": [
            ", ".join(value for tag in ADDRESS_PARTS if (value := text(address, tag)))
            for address in element.iterfind("addressList/address")
        ],
        "birth_dates_as_listed": said.birth_dates_as_listed,
        "nationalities_unmapped": said.nationalities_unmapped,
        "documents": said.documents,
        "identifiers": identifiers,
    }
    return PersonEntry(
        source_ref=ref,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(dict.fromkeys(said.birth_dates)),
        birth_places=tuple(dict.fromkeys(said.birth_places)),
        nationalities=tuple(dict.fromkeys(said.nationalities)),
        sex=said.sex,
        document_numbers=tuple(
            dict.fromkeys((found["number"], found["state"]) for found in said.documents)
        ),
        notes=text(element, "remarks"),
        extra={key: value for key, value in extra.items() if value},
    )
