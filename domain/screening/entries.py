"""What an alert list holds: person entries and document entries, as plain frozen values.

The importers (sources/) read a list's file into these; the engine (index.py, documents.py)
indexes them; the Django layer stores them. Nothing here knows where an entry came from beyond
its `source_ref`.

Birth dates are partial where the source is: `PartialDate(1961)`, `PartialDate(1961, 5)`,
`PartialDate(1961, 5, 20)`; an entry may hold several (a source unsure of the year).
Document kinds follow INTERPOL's SLTD: lost, stolen, stolen blank, revoked, invalid.
"""

from dataclasses import dataclass, field
from typing import Literal

Sex = Literal["M", "F", ""]
DocumentStatus = Literal["lost", "stolen", "stolen_blank", "revoked", "invalid"]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date of which the month and day may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True)
class Name:
    """One name of a person entry: the primary name or an alias, in any script.

    `full` is the name as the source writes it; `surname` and `given_names` are filled where the
    source separates them. `quality` is the source's own grading of an alias ("good", "low"),
    or "" when it gives none.
    """

    full: str
    surname: str = ""
    given_names: str = ""
    is_alias: bool = False
    quality: str = ""


@dataclass(frozen=True)
class PersonEntry:
    """A person on an alert list."""

    source_ref: str  # the source's own reference: the UN's QDi.123, OFAC's ent_num
    names: tuple[Name, ...]
    birth_dates: tuple[PartialDate, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ICAO/ISO alpha-3 codes where known
    sex: Sex = ""
    document_numbers: tuple[tuple[str, str], ...] = ()  # (number, issuing state or "")
    notes: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class DocumentEntry:
    """A lost, stolen or invalid travel document, as INTERPOL's SLTD holds them."""

    source_ref: str
    number: str
    issuing_state: str  # alpha-3, or "" when the source does not say
    document_type: str = ""  # P, ID, … or "" when unknown
    status: DocumentStatus = "stolen"
    notes: str = ""
