"""What a search is given and what it returns: the traveller, hits and their explanations.

An explanation is data, not prose: the Django layer writes the sentence a supervisor reads, in
the supervisor's language, from the codes below.
"""

from dataclasses import dataclass
from typing import Literal

from domain.screening.entries import PartialDate
from domain.screening.names import How

Field = Literal["birth_date", "nationality", "sex", "document_number", "issuing_state"]
Outcome = Literal[
    "match",  # the same value
    "partial",  # agrees as far as the less precise side goes (1961 against 1961-05-20)
    "swapped",  # day and month swapped (1961-05-12 against 1961-12-05)
    "ocr",  # the same once look-alike characters are read alike (O/0, I/1, S/5, B/8, Z/2, G/6)
    "near",  # not the same, but close enough to say nothing (a year apart)
    "mismatch",  # disagrees
    "unknown",  # one side does not say
    "any",  # the entry names no issuing state, so it stands for every state
]


@dataclass(frozen=True)
class Traveller:
    """The person at the counter, as the document (or the officer) gives them.

    `name_truncated` is True where the name field of the zone was full, so that its last part
    may have been cut short (ICAO Doc 9303 Part 3 §3.4).
    """

    surname: str
    given_names: str = ""
    birth_date: PartialDate | None = None
    nationality: str = ""
    sex: str = ""
    document_number: str = ""
    document_country: str = ""
    name_truncated: bool = False


@dataclass(frozen=True)
class PartMatch:
    """One part of the traveller's name against one part of the entry's name."""

    traveller: str  # the part as the traveller's document writes it (two parts for a compound)
    entry: str  # the part as the entry's name writes it, folded
    similarity: float  # 0 to 1
    how: How


@dataclass(frozen=True)
class NameMatch:
    """Which name of the entry matched, and how each part of it agreed."""

    entry_name: str  # the name as the list writes it
    name_position: int  # its position in PersonEntry.names (0 is the primary name)
    is_alias: bool
    score: float  # the name's score, before the other fields
    parts: tuple[PartMatch, ...]
    traveller_unmatched: tuple[str, ...]  # parts of the traveller's name that matched nothing
    entry_unmatched: tuple[str, ...]  # parts of the entry's name that matched nothing


@dataclass(frozen=True)
class FieldCheck:
    """How one other field of the traveller agreed with the entry, and what that did."""

    field: Field
    outcome: Outcome
    traveller: str
    entry: str  # the entry's value that decided the outcome ("" when it has none)
    effect: float  # what the outcome added to (or took from) the score


@dataclass(frozen=True)
class Explanation:
    name: NameMatch | None  # None for a document hit
    fields: tuple[FieldCheck, ...]


@dataclass(frozen=True)
class Hit:
    """An entry that the traveller (or the document) may be."""

    entry_ref: str  # the entry's source_ref
    entry: int  # its position in what the index was built from
    kind: Literal["name", "document"]
    score: float  # 0 to 1
    explanation: Explanation
