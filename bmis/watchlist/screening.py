"""Screening travellers against the lists in force, with the in-memory indexes of domain.screening.

Each worker process keeps one index per list, tagged with the list's version. Before every
screening one query reads the versions of the lists in force; an index whose list changed is
rebuilt from the database, and the others are kept. Hits are returned with the list, the entry
and the explanation the engine gives.
"""

import threading
from dataclasses import dataclass

from bmis.watchlist import convert
from bmis.watchlist.models import Kind, ListedDocument, ListedPerson, WatchList
from domain.screening import DocumentIndex, Explanation, NameIndex, Traveller

CHUNK = 10_000


@dataclass(frozen=True)
class ListHit:
    watchlist: WatchList
    entry_id: str
    kind: str  # name or document
    score: float
    explanation: Explanation


_indexes: dict[str, tuple[int, NameIndex | DocumentIndex]] = {}
_lock = threading.Lock()


def _build(watchlist: WatchList) -> NameIndex | DocumentIndex:
    if watchlist.kind == Kind.PERSONS:
        rows = ListedPerson.objects.filter(watchlist=watchlist, is_active=True)
        return NameIndex.build(convert.to_person_entry(row) for row in rows.iterator(CHUNK))
    rows = ListedDocument.objects.filter(watchlist=watchlist, is_active=True)
    return DocumentIndex.build(convert.to_document_entry(row) for row in rows.iterator(CHUNK))


def index_of(watchlist: WatchList) -> NameIndex | DocumentIndex:
    """Return the index of `watchlist` at its current version, building it if needed."""
    key = str(watchlist.pk)
    with _lock:
        cached = _indexes.get(key)
        if cached is None or cached[0] != watchlist.version:
            _indexes[key] = (watchlist.version, _build(watchlist))
        return _indexes[key][1]


def screen(traveller: Traveller, lists: list[WatchList] | None = None) -> list[ListHit]:
    """Return the hits of `traveller` on `lists` (the lists in force), best first.

    Each list's own threshold applies.
    """
    if lists is None:
        lists = list(WatchList.objects.in_force())
    hits: list[ListHit] = []
    for watchlist in lists:
        index = index_of(watchlist)
        if isinstance(index, NameIndex):
            if not traveller.surname and not traveller.given_names:
                continue
            found = index.search(traveller, watchlist.threshold)
            kind = "name"
        else:
            if not traveller.document_number:
                continue
            found = index.search(traveller.document_number, traveller.document_country)
            found = [hit for hit in found if hit.score >= watchlist.threshold]
            kind = "document"
        hits += [
            ListHit(watchlist, hit.entry_ref, kind, hit.score, hit.explanation) for hit in found
        ]
    return sorted(hits, key=lambda hit: -hit.score)
