"""The reference data OpenBMIS ships: ICAO's own codes, refusal reasons, purposes of travel.

States come from ISO 3166-1 through pycountry (see `services.reference_load`); this package holds
what pycountry does not: the codes ICAO Doc 9303 Part 3 §5 adds to ISO 3166-1 (`icao`), the
Haitian Creole names pycountry lacks (`creole`), the refusal reasons of the Schengen Borders
Code's standard form (`refusals`) and the purposes of travel a crossing records (`purposes`).
Names are given in the four interface languages (fr, ht, en, es).
"""

from bmis.reference.data.creole import HT_NAMES
from bmis.reference.data.icao import ICAO_CODES
from bmis.reference.data.purposes import TRAVEL_PURPOSES
from bmis.reference.data.refusals import REFUSAL_REASONS
from bmis.reference.data.types import Coded, IcaoCode, Names

__all__ = [
    "HT_NAMES",
    "ICAO_CODES",
    "REFUSAL_REASONS",
    "TRAVEL_PURPOSES",
    "Coded",
    "IcaoCode",
    "Names",
]
