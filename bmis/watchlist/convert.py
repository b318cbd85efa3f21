"""Between the domain's entries (domain.screening.entries) and the rows that store them.

A row's `fingerprint` is the SHA-256 of its entry's canonical JSON form: an import compares
fingerprints to leave unchanged entries untouched, so that importing the same file twice
changes nothing.
"""

import hashlib
import json

from bmis.watchlist.models import ListedDocument, ListedPerson
from domain.screening import DocumentEntry, Name, PartialDate, PersonEntry

PERSON_FIELDS = (
    "primary_name",
    "names",
    "birth_dates",
    "birth_places",
    "nationalities",
    "sex",
    "documents",
    "notes",
)
DOCUMENT_FIELDS = ("number", "issuing_state", "document_type", "status", "notes")


def parse_partial(text: str) -> PartialDate:
    parts = [int(part) for part in text.split("-")]
    return PartialDate(*parts)


def person_values(entry: PersonEntry) -> dict:
    """Return the stored fields of a person entry."""
    names = [
        {
            "full": name.full,
            "surname": name.surname,
            "given_names": name.given_names,
            "is_alias": name.is_alias,
            "quality": name.quality,
        }
        for name in entry.names
    ]
    primary = next((name for name in entry.names if not name.is_alias), entry.names[0])
    return {
        "primary_name": primary.full[:300],
        "names": names,
        "birth_dates": [str(day) for day in entry.birth_dates],
        "birth_places": list(entry.birth_places),
        "nationalities": list(entry.nationalities),
        "sex": entry.sex,
        "documents": [[number, state] for number, state in entry.document_numbers],
        "notes": entry.notes,
    }


def document_values(entry: DocumentEntry) -> dict:
    return {
        "number": entry.number,
        "issuing_state": entry.issuing_state,
        "document_type": entry.document_type,
        "status": entry.status,
        "notes": entry.notes,
    }


def fingerprint(values: dict) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def to_person_entry(row: ListedPerson) -> PersonEntry:
    """Return the domain entry a stored person stands for, keyed by the row's id."""
    return PersonEntry(
        source_ref=str(row.pk),
        names=tuple(
            Name(
                name["full"],
                name.get("surname", ""),
                name.get("given_names", ""),
                name.get("is_alias", False),
                name.get("quality", ""),
            )
            for name in row.names
        ),
        birth_dates=tuple(parse_partial(day) for day in row.birth_dates),
        birth_places=tuple(row.birth_places),
        nationalities=tuple(row.nationalities),
        sex=row.sex,
        document_numbers=tuple((number, state) for number, state in row.documents),
    )


def to_document_entry(row: ListedDocument) -> DocumentEntry:
    return DocumentEntry(
        source_ref=str(row.pk),
        number=row.number,
        issuing_state=row.issuing_state,
        document_type=row.document_type,
        status=row.status,
    )
