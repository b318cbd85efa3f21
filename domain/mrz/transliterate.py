"""Transliteration of names to the MRZ alphabet (ICAO Doc 9303 Part 3 §6).

Letters follow the recommended tables of Part 3 §6: Latin-based characters, Cyrillic and Arabic.
In the Latin table every character not listed in LATIN below is its base letter (Á → A, Č → C,
Ş → S): that is what canonical decomposition gives, so only the exceptions are spelled out.
Cyrillic letters with a diacritic not listed (Ё, Й, Ї, Ў, Ѓ, Ќ) likewise read as their base.

Doc 9303 has no Greek table that we could confirm; GREEK follows the letter values of ELOT 743,
the Greek standard Greek passports use, with its one context rule that does not depend on
pronunciation (omicron upsilon is OU). Its other digraph rules (alpha upsilon, mu pi, ...) depend
on the sound that follows and are left to the clerk, who can type the name in Latin letters.

Apostrophes are omitted (D'ARTAGNAN → DARTAGNAN); spaces, hyphens, commas and other punctuation
become fillers `<`.
"""

# ruff: noqa: RUF001, RUF003 - Cyrillic, Greek and Arabic letters are confusable by design

import unicodedata
from typing import Final

from domain.mrz.errors import MrzBuildError

APOSTROPHES: Final = frozenset("'’‘ʼ`´")

# Part 3 §6, Latin-based characters that are not simply their base letter.
LATIN: Final = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Ü": "UE", "Œ": "OE", "Ĳ": "IJ",
    "Þ": "TH", "ẞ": "SS", "Ð": "D", "Đ": "D", "Ħ": "H", "Ł": "L", "Ŀ": "L", "Ŋ": "N", "Ŧ": "T",
}  # fmt: skip

# Part 3 §6, Cyrillic characters (Ь, the soft sign, is not transliterated).
CYRILLIC: Final = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Ђ": "D", "Е": "E", "Є": "IE",
    "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ј": "J", "К": "K", "Л": "L",
    "Љ": "LJ", "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T",
    "Ћ": "C", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH",
    "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}  # fmt: skip

# ELOT 743 letter values (see the module docstring). Accented letters read as their base.
GREEK: Final = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I",
    "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S",
    "Τ": "T", "Υ": "Y", "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O",
}  # fmt: skip

# Part 3 §6, Arabic characters, with the national characters of Persian, Urdu and Pashto. An X
# marks a letter Latin has no single letter for, so that the name can be read back into Arabic.
# Teh marbuta (ة) is XTA, or XAH at the end of a name component (see _context).
ARABIC: Final = {
    "ء": "XE", "آ": "XAA", "أ": "XAE", "ؤ": "XW", "إ": "I", "ئ": "XI", "ا": "A", "ب": "B",
    "ة": "XTA", "ت": "T", "ث": "XTH", "ج": "J", "ح": "XH", "خ": "XKH", "د": "D", "ذ": "XDH",
    "ر": "R", "ز": "Z", "س": "S", "ش": "XSH", "ص": "XSS", "ض": "XDZ", "ط": "XTT", "ظ": "XZZ",
    "ع": "E", "غ": "G", "ف": "F", "ق": "Q", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H",
    "و": "W", "ى": "XAY", "ي": "Y", "ٱ": "XXA", "ٹ": "XXT", "پ": "P", "ټ": "XRT", "ځ": "XKE",
    "څ": "XXH", "چ": "XC", "ڈ": "XXD", "ډ": "XDR", "ڑ": "XXR", "ړ": "XRR", "ږ": "XRX",
    "ژ": "XJ", "ښ": "XXS", "ک": "XKK", "ګ": "XXK", "ڭ": "XNG", "گ": "XGG", "ں": "XNN",
    "ڼ": "XXN", "ھ": "XDO", "ۀ": "XYH", "ہ": "XXG", "ۂ": "XGE", "ۃ": "XTG", "ی": "XYA",
    "ۍ": "XXY", "ې": "Y", "ے": "XYB", "ۓ": "XBE",
}  # fmt: skip

TABLE: Final = {**LATIN, **CYRILLIC, **GREEK, **ARABIC}
TATWEEL: Final = unicodedata.lookup("ARABIC TATWEEL")  # elongation: typography, not a letter
OMICRON: Final = unicodedata.lookup("GREEK CAPITAL LETTER OMICRON")
UPSILON: Final = unicodedata.lookup("GREEK CAPITAL LETTER UPSILON")
DIALYTIKA: Final = unicodedata.lookup("COMBINING DIAERESIS")


def transliterate(text: str, *, field: str = "name") -> str:
    """Return `text` in the MRZ alphabet A-Z and `<`, or raise MrzBuildError for `field`."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for i, char in enumerate(text):
        letters = _context(text, i) or _letters(char)
        if letters is None:
            raise MrzBuildError("transliteration", field, f"no transliteration for {char!r}")
        out.append(letters)
    return "".join(out)


def _letters(char: str) -> str | None:
    """Return what `char` becomes in the MRZ, or None when nothing says."""
    upper = char.upper()  # ß is SS, ı is I, lower-case keys the tables
    if upper.isascii() and upper.isalpha():
        return upper
    if upper in TABLE:
        return TABLE[upper]
    base = "".join(c for c in unicodedata.normalize("NFD", upper) if not unicodedata.combining(c))
    if base in TABLE:
        return TABLE[base]
    if base.isascii() and base.isalpha():
        return base
    if char in APOSTROPHES or unicodedata.combining(char) or char == TATWEEL:
        return ""  # Arabic vowel signs are combining marks: the tables give them no letters
    if char.isspace() or unicodedata.category(char)[0] in "PSZ":
        return "<"
    return None


def _context(text: str, i: int) -> str | None:
    """Return the transliteration of text[i] where its neighbours decide it, else None."""
    char = text[i]
    if char == "ة":
        following = next((c for c in text[i + 1 :] if not unicodedata.combining(c)), "")
        another_letter = following and unicodedata.name(following, "").startswith("ARABIC LETTER")
        return "XTA" if another_letter else "XAH"
    if _base(char) == UPSILON and i and _base(text[i - 1]) == OMICRON:
        return "U"  # ELOT 743: the diphthong is OU (a dialytika on the upsilon keeps them apart)
    return None


def _base(char: str) -> str:
    """Return the upper-case letter under `char`'s accents, unless one is a dialytika."""
    decomposed = unicodedata.normalize("NFD", char.upper())
    return "" if DIALYTIKA in decomposed else decomposed[:1]
