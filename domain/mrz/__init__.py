"""Machine readable zones of travel documents (ICAO Doc 9303).

Read the zone of a passport (TD3), identity card (TD1, TD2) or visa (MRV-A, MRV-B) as a scanner
hands it over, check every check digit, date, code and character, and say what is wrong field
by field; write the zone of a document from its data, for passport offices.

    >>> from datetime import date
    >>> mrz = parse(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    ...              "L898902C36UTO7408122F1204159ZE184226B<<<<<10"], today=date(2026, 1, 1))
    >>> mrz.valid, mrz.surname, mrz.birth_date
    (True, 'ERIKSSON', datetime.date(1974, 8, 12))

Modules: scan (scanner noise), layouts (where fields lie), ocr (look-alike repair), checkdigit,
dates (centuries), states (codes), names (split, join, truncation), transliterate, parse, build,
contract (the JSON the management command prints), errors (the exception hierarchy: MrzError,
MrzUnreadable, MrzBuildError; problems and corrections).

Written here rather than taken from PyPI: the `mrz` package rejects 13 of the 67 valid specimens
in our test vectors, and it is GPL-licensed.
"""

from domain.mrz.build import build
from domain.mrz.checkdigit import check_digit
from domain.mrz.contract import to_contract, unreadable
from domain.mrz.errors import Correction, MrzBuildError, MrzError, MrzUnreadable, Problem
from domain.mrz.layouts import Format
from domain.mrz.parse import Mrz, parse
from domain.mrz.transliterate import transliterate

__all__ = [
    "Correction",
    "Format",
    "Mrz",
    "MrzBuildError",
    "MrzError",
    "MrzUnreadable",
    "Problem",
    "build",
    "check_digit",
    "parse",
    "to_contract",
    "transliterate",
    "unreadable",
]
