"""Codes of issuing states and nationalities (ICAO Doc 9303 Part 3 §5).

A code is ISO 3166-1 alpha-3 (Part A, taken from pycountry) or one that ICAO reserves (Parts B
to D, below). Shorter codes are padded with fillers in the zone: Germany is `D<<`.
"""

from typing import Final

import pycountry

ISO_3166: Final = frozenset(country.alpha_3 for country in pycountry.countries)

ICAO_CODES: Final = {
    # Part B: other codes reserved by ISO 3166/MA
    "D": "Germany",
    "EUE": "European Union",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    # Part C: persons without a defined nationality
    "XXA": "Stateless person (1954 Convention)",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee, other than under the 1951 Convention",
    "XXX": "Person of unspecified nationality",
    # Part D: other issuing authorities
    "UNO": "United Nations Organization",
    "UNA": "Specialized agency of the United Nations",
    "UNK": "Resident of Kosovo, travel document issued by UNMIK",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community (CARICOM)",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XES": "Organisation of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XDC": "Southern African Development Community",
    # Outside Doc 9303's lists but printed on documents we must read:
    "RKS": "Kosovo (its own passports; ICAO lists only UNK)",
    "UTO": "Utopia, the fictitious state of ICAO's specimens",
}


def code(raw: str) -> str:
    """Return the code printed as `raw`, without its padding fillers (`D<<` is `D`)."""
    return raw.rstrip("<")


def known(state: str) -> bool:
    """Return whether `state` (without padding) is an ISO 3166-1 or an ICAO code."""
    return state in ISO_3166 or state in ICAO_CODES
