"""The shapes of the shipped reference data."""

from typing import NamedTuple


class Names(NamedTuple):
    fr: str
    ht: str
    en: str
    es: str


class IcaoCode(NamedTuple):
    code: str
    kind: str  # a `CountryKind` value
    source: str  # the clause of the standard (or the practice) the code comes from
    names: Names
    iso_alpha2: str = ""
    iso_alpha3: str = ""


class Coded(NamedTuple):
    code: str
    names: Names
