"""Find state and nationality codes by code or by name, in any of the four languages.

The table holds a few hundred rows, so matching happens in Python: it ignores case and accents
alike on SQLite and PostgreSQL ("etats" finds "États-Unis", "haiti" finds "Haïti").
"""

import unicodedata
from collections.abc import Iterable

from bmis.reference.models import Country


def fold(text: str) -> str:
    """Return the text without accents and case, for comparison."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def search_countries(countries: Iterable[Country], query: str) -> list[Country]:
    """Return the codes matching the query: exact codes first, then codes, then names."""
    needle = fold(query)
    if not needle:
        return list(countries)
    ranked = []
    for country in countries:
        codes = {fold(country.code), fold(country.iso_alpha2), fold(country.iso_alpha3)}
        names = (country.name_fr, country.name_ht, country.name_en, country.name_es)
        if needle in codes:
            rank = 0
        elif fold(country.code).startswith(needle):
            rank = 1
        elif any(needle in fold(name) for name in names):
            rank = 2
        else:
            continue
        ranked.append((rank, country.code, country))
    return [country for _rank, _code, country in sorted(ranked, key=lambda row: row[:2])]
