"""Screening travellers against alert lists: person names and lost or stolen documents.

Build an index once from a list's entries (entries.py), then ask it about each traveller:

    >>> entries = [PersonEntry("QDi.001", (Name("Müller, Hans Peter"),),
    ...                        birth_dates=(PartialDate(1961, 5, 20),), nationalities=("DEU",))]
    >>> names = NameIndex.build(entries)
    >>> hit, = names.search(Traveller("MUELLER", "HANS", PartialDate(1961, 5, 20), "DEU"), 0.8)
    >>> hit.entry_ref, hit.score
    ('QDi.001', 1.0)
    >>> [(part.traveller, part.entry, part.how) for part in hit.explanation.name.parts]
    [('MUELLER', 'MULLER', 'transliteration'), ('HANS', 'HANS', 'exact')]
    >>> [(check.field, check.outcome) for check in hit.explanation.fields]
    [('birth_date', 'match'), ('nationality', 'match'), ('sex', 'unknown')]
    >>> documents = DocumentIndex.build([DocumentEntry("SLTD-1", "L898902C3", "UTO")])
    >>> hit, = documents.search("L8989O2C3", "UTO")  # an O read for a 0
    >>> hit.score, hit.explanation.fields[0].outcome, hit.explanation.fields[0].entry
    (0.9, 'ocr', 'L898902C3')

Thresholds are per list: the caller passes each list's own to `search`. Scores lie in [0, 1].

Modules: names (folding, forms, blocking keys, token similarity), align (a name's score from its
parts), evidence (birth date, nationality, sex), index (NameIndex), documents (DocumentIndex),
values (Traveller, Hit and the explanation: NameMatch, PartMatch, FieldCheck), entries (what a
list holds), errors (the exception hierarchy: ScreeningError, TravellerError, EntryError,
IndexFormatError).
"""

from domain.screening.documents import DocumentIndex
from domain.screening.entries import DocumentEntry, Name, PartialDate, PersonEntry
from domain.screening.errors import EntryError, IndexFormatError, ScreeningError, TravellerError
from domain.screening.index import NameIndex
from domain.screening.values import Explanation, FieldCheck, Hit, NameMatch, PartMatch, Traveller

__all__ = [
    "DocumentEntry",
    "DocumentIndex",
    "EntryError",
    "Explanation",
    "FieldCheck",
    "Hit",
    "IndexFormatError",
    "Name",
    "NameIndex",
    "NameMatch",
    "PartMatch",
    "PartialDate",
    "PersonEntry",
    "ScreeningError",
    "Traveller",
    "TravellerError",
]
