"""Imports of a source's list file: all or nothing, idempotent, gone entries deactivated.

The whole file is read inside one transaction, so a malformed file leaves the list as it was.
Entries are matched by their source's reference and compared by fingerprint: importing the same
file twice changes nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.watchlist import convert
from bmis.watchlist.models import (
    Kind,
    ListedDocument,
    ListedPerson,
    WatchList,
)
from bmis.watchlist.services.lists import _bump
from domain.screening import PersonEntry
from domain.screening import sources as list_sources

BATCH = 5_000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    reactivated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    skipped: dict = field(default_factory=dict)
    version: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.reactivated or self.deactivated)


class ImportFailed(Exception):
    """The file could not be imported; the list is as it was. `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def watchlist_import(
    *,
    actor,
    watchlist: WatchList,
    format: str,
    paths: str | Path | Sequence[str | Path],
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a source's file into `watchlist`, all or nothing, and return what changed.

    Raise ImportFailed naming the line or element at fault and what is wrong.
    """
    if format not in list_sources.FORMATS:
        raise ImportFailed(
            _("Unknown format %(format)s: use one of %(formats)s.")
            % {"format": format, "formats": ", ".join(sorted(list_sources.FORMATS))}
        )
    is_persons = watchlist.kind == Kind.PERSONS
    model = ListedPerson if is_persons else ListedDocument
    result = ImportResult()
    try:
        reading = list_sources.read(format, paths, progress=progress)
        with transaction.atomic():
            _import(watchlist, model, reading, result)
            result.skipped = dict(reading.skipped)
            if result.changed:
                _bump(watchlist)
            result.version = watchlist.version
            audit.record(
                actor=actor,
                action="watchlist.imported",
                obj=watchlist,
                details={
                    "list": watchlist.code,
                    "format": format,
                    "files": [Path(path).name for path in _as_list(paths)],
                    "created": result.created,
                    "updated": result.updated,
                    "reactivated": result.reactivated,
                    "unchanged": result.unchanged,
                    "deactivated": result.deactivated,
                    "skipped": result.skipped,
                    "version": watchlist.version,
                },
            )
    except list_sources.SourceError as exc:
        raise ImportFailed(str(exc)) from None
    return result


def _as_list(paths) -> list:
    return [paths] if isinstance(paths, str | Path) else list(paths)


def _import(watchlist, model, reading, result: ImportResult) -> None:
    is_persons = model is ListedPerson
    existing = {
        ref: (pk, fp, active)
        for ref, pk, fp, active in model.objects.filter(watchlist=watchlist).values_list(
            "source_ref", "pk", "fingerprint", "is_active"
        )
    }
    seen: set[str] = set()
    creates, updates = [], []
    now = timezone.now()
    fields = [*(convert.PERSON_FIELDS if is_persons else convert.DOCUMENT_FIELDS)]
    for entry in reading:
        if isinstance(entry, PersonEntry) != is_persons:
            raise ImportFailed(_kind_message(watchlist, is_persons))
        if entry.source_ref in seen:
            raise ImportFailed(
                _("The reference %(ref)s appears twice in the file.") % {"ref": entry.source_ref}
            )
        seen.add(entry.source_ref)
        values = convert.person_values(entry) if is_persons else convert.document_values(entry)
        print_ = convert.fingerprint(values)
        known = existing.get(entry.source_ref)
        if known is None:
            creates.append(
                model(
                    watchlist=watchlist,
                    source_ref=entry.source_ref,
                    fingerprint=print_,
                    updated_at=now,
                    **values,
                )
            )
            result.created += 1
        elif known[1] != print_ or not known[2]:
            updates.append(
                model(pk=known[0], fingerprint=print_, is_active=True, updated_at=now, **values)
            )
            if known[1] != print_:
                result.updated += 1
            else:
                result.reactivated += 1
        else:
            result.unchanged += 1
        if len(creates) >= BATCH:
            model.objects.bulk_create(creates)
            creates.clear()
        if len(updates) >= BATCH:
            model.objects.bulk_update(updates, [*fields, "fingerprint", "is_active", "updated_at"])
            updates.clear()
    model.objects.bulk_create(creates)
    model.objects.bulk_update(updates, [*fields, "fingerprint", "is_active", "updated_at"])
    gone = [pk for ref, (pk, _fp, active) in existing.items() if active and ref not in seen]
    for start in range(0, len(gone), BATCH):
        model.objects.filter(pk__in=gone[start : start + BATCH]).update(
            is_active=False, updated_at=now
        )
    result.deactivated = len(gone)


def _kind_message(watchlist: WatchList, is_persons: bool) -> str:
    if is_persons:
        return _("This file holds documents, but the list %(code)s holds persons.") % {
            "code": watchlist.code
        }
    return _("This file holds persons, but the list %(code)s holds documents.") % {
        "code": watchlist.code
    }
