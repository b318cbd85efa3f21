"""Country names and ISO 3166-1 alpha-2 codes, as lists write them, to alpha-3 codes.

The UN writes the names of UN member states ("Iran (Islamic Republic of)", "Türkiye"), OFAC
the US State Department's ("Korea, North", "Burma"), FollowTheMoney lower-case alpha-2 codes
with a few of its own (`xk`, `suhh`). pycountry (ISO 3166-1) answers most; `NAMES` and `CODES`
below the rest. A name nobody can map returns None: the entry keeps it in `extra`.
"""

import re
import unicodedata
from functools import cache
from typing import Final

import pycountry

# Names the lists use that ISO 3166-1 (as pycountry has it) does not.
NAMES: Final = {
    "burma": "MMR",
    "cabo verde": "CPV",
    "congo, democratic republic of the": "COD",
    "democratic republic of the congo": "COD",
    "congo": "COG",
    "congo, republic of the": "COG",
    "czech republic": "CZE",
    "gambia": "GMB",
    "the gambia": "GMB",
    "hong kong": "HKG",
    "iran": "IRN",
    "ivory coast": "CIV",
    "korea, north": "PRK",
    "north korea": "PRK",
    "korea, south": "KOR",
    "south korea": "KOR",
    "kosovo": "RKS",  # ICAO Doc 9303 Part 3: RKS is printed on Kosovo's passports
    "laos": "LAO",
    "macau": "MAC",
    "macedonia": "MKD",
    "macedonia, the former yugoslav republic of": "MKD",
    "micronesia": "FSM",
    "palestine": "PSE",
    "palestinian": "PSE",
    "state of palestine": "PSE",
    "russia": "RUS",
    "swaziland": "SWZ",
    "syria": "SYR",
    "taiwan": "TWN",
    "tanzania": "TZA",
    "turkey": "TUR",
    "united kingdom": "GBR",
    "united states": "USA",
    "vatican city": "VAT",
    "vietnam": "VNM",
}
# FollowTheMoney's own country codes (followthemoney/types/country.py).
CODES: Final = {"xk": "RKS", "uk": "GBR"}


def _key(name: str) -> str:
    name = unicodedata.normalize("NFC", " ".join(name.split())).casefold()
    # "Iran (Islamic Republic of)" is pycountry's "Iran, Islamic Republic of"
    name = re.sub(r"\s*\((.*)\)$", r", \1", name)
    return name.removeprefix("the ").strip(" .")


@cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names[_key(name)] = country.alpha_3
                # "Korea, Republic of" is also written "Republic of Korea"
                head, comma, tail = name.partition(", ")
                if comma:
                    names[_key(f"{tail} {head}")] = country.alpha_3
    names.update(NAMES)
    return names


def from_name(name: str) -> str | None:
    """Return the alpha-3 code of the country `name`, or None if it names none we know."""
    return _by_name().get(_key(name))


def from_alpha_2(code: str) -> str | None:
    """Return the alpha-3 code of an alpha-2 code (any case), or None."""
    code = code.strip().lower()
    if code in CODES:
        return CODES[code]
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return None
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.alpha_3 if country else None
