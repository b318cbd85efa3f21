"""What OFAC's SDN remarks say about a person, in the list's own phrases.

OFAC writes, in the CSV's remarks field (https://ofac.treasury.gov/sdn-list-data-formats-data-schemas,
`dat_spec.txt`), items separated by `;`: "DOB 12 Jan 1967; alt. DOB 1968; POB Tehran, Iran;
nationality Iran; citizen Iraq; Gender Male; Passport A123456 (Iran) issued 01 Jan 2001 expires
31 Dec 2010; National ID No. 1234 (Iraq); a.k.a. 'ABU X'." Aliases in remarks are the ones OFAC
grades weak (the strong ones are in the alt file). Items this module does not know stay in the
notes only.
"""

import re
from dataclasses import dataclass, field
from typing import Final

from domain.screening.entries import PartialDate, Sex
from domain.screening.sources import countries, dates

ITEM: Final = re.compile(r"(?:alt\. )?(DOB|POB|nationality|citizen|Gender) (.+)", re.DOTALL)
DOCUMENT: Final = re.compile(
    r"(?:alt\. )?(?P<type>(?:Diplomatic |Official |Service )?Passport|National ID No\.)"
    r"(?: No\.)? (?P<number>.+?)(?: \((?P<country>[^)]*)\))?(?: issued .*| expires .*)?",
    re.DOTALL,
)
WEAK_ALIAS: Final = re.compile(r"a\.k\.a\. '([^']+)'")
SEXES: Final[dict[str, Sex]] = {"male": "M", "female": "F"}


@dataclass
class Remarks:
    """What the remarks of one entry say, in the order written."""

    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_dates_as_listed: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    nationalities_unmapped: list[str] = field(default_factory=list)
    sex: Sex = ""
    documents: list[dict[str, str]] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)

    def add_birth_date(self, listed: str) -> None:
        self.birth_dates_as_listed.append(listed)
        self.birth_dates += dates.ofac(listed) or ()

    def add_nationality(self, name: str) -> None:
        code = countries.from_name(name)
        if code:
            self.nationalities.append(code)
        else:
            self.nationalities_unmapped.append(name)

    def add_document(self, kind: str, number: str, country: str) -> None:
        state = countries.from_name(country) or "" if country else ""
        self.documents.append({"type": kind, "number": number, "state": state, "country": country})


def remarks(text: str) -> Remarks:
    """Read the remarks field of an SDN entry."""
    found = Remarks()
    found.weak_aliases = WEAK_ALIAS.findall(text)
    for item in text.split(";"):
        item = " ".join(item.split()).removesuffix(".")
        if match := ITEM.fullmatch(item):
            kind, value = match.groups()
            if kind == "DOB":
                found.add_birth_date(value)
            elif kind == "POB":
                found.birth_places.append(value)
            elif kind == "Gender":
                found.sex = SEXES.get(value.lower(), found.sex)
            else:
                found.add_nationality(value)
        elif match := DOCUMENT.fullmatch(item):
            found.add_document(match["type"], match["number"], match["country"] or "")
    return found


def split_name(name: str) -> tuple[str, str]:
    """Return (surname, given names) of an OFAC name, "SURNAME, Given Names"."""
    surname, comma, given = name.partition(",")
    return (surname.strip(), given.strip()) if comma else ("", "")
