"""Writes on alert lists and on the hits they raise: one function per write, audited, atomic.

lists (lists, entries by hand), imports (of a source's file) and hits (a supervisor's resolution of
a hit at the counter, or of a retroactive hit).
"""

from bmis.watchlist.services.hits import (
    hit_review,
    hit_review_withdraw,
    retro_hit_review,
    true_matches_forbidding_admission,
)
from bmis.watchlist.services.imports import ImportFailed, ImportResult, watchlist_import
from bmis.watchlist.services.lists import (
    LIST_FIELDS,
    document_entry,
    entry_save,
    entry_set_active,
    person_entry,
    watchlist_save,
)

__all__ = [
    "LIST_FIELDS",
    "ImportFailed",
    "ImportResult",
    "document_entry",
    "entry_save",
    "entry_set_active",
    "hit_review",
    "hit_review_withdraw",
    "person_entry",
    "retro_hit_review",
    "true_matches_forbidding_admission",
    "watchlist_import",
    "watchlist_save",
]
