"""Personal names folded for matching: scripts, MRZ forms, particles, keys and token similarity.

A name becomes a list of tokens; each token has one or more *forms* (strings in upper-case Latin
letters where the script allows), and two tokens agree as well as their best pair of forms:

* `anyascii` folds every script to Latin letters (Á → A, Юрий → YURIY, Ωμέγα → OMEGA, 毛泽东 →
  MAOZEDONG). It is the one table that covers every script a list may hold; we use it rather
  than writing our own.
* ICAO Doc 9303 Part 3 §6 (`domain.mrz.transliterate`) gives a second form where it differs, so a
  name written MÜLLER on a list meets MUELLER as well as MULLER in a zone, and ЮРИЙ meets IURII.
* Arabic and Hebrew script write few vowels: their tokens also carry a consonant *skeleton*
  (محمد → MHMD), which meets the skeleton of a Latin spelling (MOHAMMED → MHMD). Written here:
  no library we may use does it.
* A part in a script that anyascii has no Latin for stays as written and matches as written.

Particles (DE, VAN, AL, BIN, …) and honorifics (MR, DR, HAJJI, …) are dropped, unless nothing
else is left; an Arabic article or a Dutch, German or Spanish particle glued to a name (ALZAWAHIRI,
VANDERBERG) gives the name without it as a further form.

Token similarity (`similarity`) is rapidfuzz's normalised Indel similarity (1 - edits / total
length; C speed), raised where a rule knows better: an initial against a name it begins, a
truncated last name (Doc 9303 Part 3 §3.4 cuts names that do not fit) against a name it is the
start of, two spellings Metaphone (jellyfish) hears alike. Blocking keys (`keys`) are written
here: the symmetric deletion neighbourhood (every token less one letter, so any single edit meets),
the Metaphone code, the first four letters and the skeleton.
"""

import unicodedata
from functools import lru_cache
from typing import Final, Literal, NamedTuple

import jellyfish
from anyascii import anyascii
from rapidfuzz.distance import Indel

from domain.mrz.errors import MrzError
from domain.mrz.transliterate import transliterate

How = Literal[
    "exact",  # the same letters
    "transliteration",  # the same letters once both are in one script (or ICAO's MRZ form)
    "particle",  # the same letters once a glued particle is taken off
    "typo",  # close in letters (rapidfuzz Indel)
    "phonetic",  # spelled differently, heard alike (Metaphone)
    "initial",  # an initial against a name it begins
    "prefix",  # a truncated name against a name it is the start of (MRZ truncation)
    "compound",  # two parts of one name written as one, or one written as two
]
FormKind = Literal["latin", "icao", "particle", "skeleton"]


class Form(NamedTuple):
    text: str
    kind: FormKind


HONORIFICS: Final = frozenset((
    "MR", "MRS", "MS", "MISS", "MME", "MLLE", "M", "DR", "PROF", "SIR", "DAME", "LORD", "SHEIKH",
    "SHEIKHA", "SHAIKH", "SHAYKH", "SHEKH", "CHEIKH", "HAJJI", "HAJI", "HAJJ", "HAJ", "HADJI",
    "HADJ", "ALHAJI", "ALHAJ", "MULLAH", "MULLA", "MAULANA", "MAWLANA", "MAWLAWI", "MAULVI",
    "IMAM", "SAYYID", "SAYED", "SEYED", "SYED", "ENG", "ENGR", "GEN", "GENERAL", "COL",
    "COLONEL", "MAJ", "CAPT", "REV", "FR", "SR", "SRA", "SRTA", "DON", "DONA", "HERR", "FRAU",
))  # fmt: skip
PARTICLES: Final = frozenset((
    "DE", "DA", "DI", "DO", "DOS", "DAS", "DEL", "DELA", "DELLA", "DELLE", "DES", "DU", "LA",
    "LE", "LO", "VAN", "VON", "DER", "DEN", "TER", "TEN", "UND", "Y", "E", "AL", "EL", "UL",
    "AD", "AN", "AR", "AS", "AT", "AZ", "ASH", "BIN", "BEN", "IBN", "BINT", "BINTI", "BT",
    "BN", "A", "LOS", "LAS", "DAL", "DEGLI",
))  # fmt: skip
# Particles often written glued to the name that follows; the shorter ones (DE, LA, …) are not
# stripped from a token, as too many names begin with them (DENIS, LAURA).
GLUED: Final = ("AL", "EL", "UL", "VAN", "VON", "DER", "DEN", "DELA", "DELLA", "DOS", "DAS")
APOSTROPHES: Final = frozenset("'’‘ʼʻ`´ʿʾ")  # noqa: RUF001 - look-alikes by design
ABJAD_BLOCKS: Final = ("ARABIC", "HEBREW", "SYRIAC", "THAANA")
VOWELS: Final = frozenset("AEIOUYW")
INITIAL: Final = 0.85  # J against JOHN
PREFIX_TRUNCATED: Final = 0.97  # ANNAM against ANNAMARIA, when the zone is full
PREFIX: Final = 0.88  # the same, when nothing says the name was truncated
PHONETIC: Final = 0.86
SKELETON: Final = 0.87


def split(text: str) -> list[str]:
    """Return the parts of a name as written: split at spaces, punctuation and MRZ fillers."""
    text = unicodedata.normalize("NFKC", text)
    parts, current = [], []
    for char in text:
        if char in APOSTROPHES:
            continue  # O'BRIEN is OBRIEN, as in the MRZ
        if char.isalnum() or unicodedata.category(char)[0] == "M":
            current.append(char)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return parts


@lru_cache(maxsize=200_000)
def forms(part: str) -> tuple[Form, ...]:
    """Return the forms of one part of a name, the anyascii folding first."""
    latin = _letters(part if part.isascii() else anyascii(part)) or _letters(part)
    found = [Form(latin, "latin")] if latin else []
    if not part.isascii():
        try:
            icao = transliterate(part).replace("<", "")
        except MrzError:
            icao = ""
        if icao and "X" not in icao and icao != latin:  # ICAO's X… Arabic codes spell nothing
            found.append(Form(icao, "icao"))
        if _abjad(part):
            bare = part[2:] if part.startswith("ال") and len(part) > 3 else part
            found.append(Form(skeleton(_letters(anyascii(bare))), "skeleton"))
    for form in found:  # grows as it goes: VANDERBERG, DERBERG, BERG
        for particle in GLUED:
            rest = form.text[len(particle) :]
            if form.text.startswith(particle) and len(rest) >= 4 and form.kind != "skeleton":
                found.append(Form(rest, "particle"))
    return tuple(dict.fromkeys(f for f in found if f.text))


def tokens(text: str) -> list[tuple[Form, ...]]:
    """Return the forms of each part of a name, particles and honorifics left out."""
    every = [f for f in (forms(part) for part in split(text)) if f]
    kept = [f for f in every if f[0].text not in PARTICLES and f[0].text not in HONORIFICS]
    return kept or every


def skeleton(text: str) -> str:
    """Return the consonants of a token, each run of one letter once (MOHAMMED → MHMD)."""
    out = []
    for char in text:
        if char not in VOWELS and (not out or out[-1] != char):
            out.append(char)
    return "".join(out)


def keys(form: Form) -> list[str]:
    """Return the blocking keys of one form: where two tokens that may match meet."""
    text = form.text
    if form.kind == "skeleton":
        return ["K" + text]
    found = ["D" + text]
    if len(text) >= 4:
        found += ["D" + text[:i] + text[i + 1 :] for i in range(len(text))]
        found.append("P" + text[:4])
    if text.isascii():
        code = jellyfish.metaphone(text)
        if code:
            found.append("M" + code)
        if form.kind == "latin":
            found.append("K" + skeleton(text))
    return found


def similarity(
    query: tuple[Form, ...], entry: tuple[Form, ...] | list[Form], *, prefix: int = 0
) -> tuple[float, How]:
    """Return how strongly a traveller's token agrees with an entry's, and by what rule.

    `prefix` is 0 where the traveller's token is whole, 1 where it may have been cut short, 2
    where the zone was full and it probably was.
    """
    best: tuple[float, How] = (0.0, "typo")
    for q in query:
        for e in entry:
            score = _pair(q, e, prefix)
            if score[0] > best[0]:
                best = score
    return best


def _pair(q: Form, e: Form, prefix: int) -> tuple[float, How]:
    a, b = q.text, e.text
    if (q.kind == "skeleton") != (e.kind == "skeleton"):
        plain = b if q.kind == "skeleton" else a
        if skeleton(plain) == (a if q.kind == "skeleton" else b):
            return SKELETON, "transliteration"
        return 0.0, "typo"
    if a == b:
        if q.kind == e.kind == "latin":
            return 1.0, "exact"
        return (0.98, "particle") if "particle" in (q.kind, e.kind) else (0.99, "transliteration")
    if len(a) == 1 or len(b) == 1:
        return (INITIAL, "initial") if a[0] == b[0] else (0.0, "initial")
    if prefix and len(a) < len(b) and b.startswith(a) and (prefix == 2 or len(a) >= 4):
        return (PREFIX_TRUNCATED if prefix == 2 else PREFIX), "prefix"
    score = Indel.normalized_similarity(a, b)
    if 0.5 <= score < PHONETIC and a.isascii() and b.isascii() and metaphone(a) == metaphone(b):
        return PHONETIC, "phonetic"
    return score, "typo"


@lru_cache(maxsize=100_000)
def metaphone(text: str) -> str:
    """Return the Metaphone code of a token in Latin letters (jellyfish), memoised."""
    return jellyfish.metaphone(text)


def _letters(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


def _abjad(part: str) -> bool:
    return any(unicodedata.name(char, "").startswith(ABJAD_BLOCKS) for char in part)
