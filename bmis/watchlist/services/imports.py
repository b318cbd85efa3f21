"""Imports of a source's list file: all or nothing, idempotent, gone entries deactivated.

The whole file is read inside one transaction, so a malformed file leaves the list as it was.
Entries are matched by their source's reference and compared by fingerprint: importing the same
file twice changes nothing.

A reader's SourceError becomes an ImportFailed whose message, in the active language, names the
place (the file by its name only, the line, the element or column) and what is wrong there; the
reader's English detail is kept only where it says what no translated sentence can (a parser's
complaint, the columns a header lacks), and a value the reader quotes is quoted back.
"""

import ast
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
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
from domain.screening.sources.documents_csv import STATUSES

BATCH = 5_000
# The readers quote a value with repr(): "'1975-13' is not a date YYYY[-MM[-DD]]".
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')
# A CSV field may hold a megabyte: a message quotes at most this much of a value or a detail.
MAX_VALUE = 60
MAX_DETAIL = 300
STATE_COLUMNS = ("nationalities", "documents", "issuing_state")  # of our CSV formats


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
    """The file could not be imported; the list is as it was.

    `message` says why and where, in the active language. `code` is the reader's (see
    domain/screening/sources/errors.py), or `unknown_format`, `kind` (persons into a list of
    documents, or the reverse) or `duplicate`; `file` (its name, no folder) and `line` say where,
    when known.
    """

    def __init__(
        self, message: str, *, code: str = "", file: str = "", line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line


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
        raise ImportFailed(_unknown_format(format), code="unknown_format")
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
        raise ImportFailed(
            _source_message(exc, format),
            code=exc.code,
            file=Path(exc.file).name,
            line=exc.line,
        ) from None
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
            raise ImportFailed(_kind_message(watchlist, is_persons), code="kind")
        if entry.source_ref in seen:
            raise ImportFailed(
                _("The reference %(ref)s appears twice in the file.") % {"ref": entry.source_ref},
                code="duplicate",
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


def _unknown_format(format: str) -> str:
    return _("Unknown format %(format)s: use one of %(formats)s.") % {
        "format": format,
        "formats": ", ".join(sorted(list_sources.FORMATS)),
    }


def _source_message(error: list_sources.SourceError, format: str) -> str:
    """Return what is wrong with the file and where, in the active language."""
    if error.code == "unknown_format":
        return _unknown_format(format)
    problem = _problem(error, format)
    place = _place(error, format)
    if not place:
        return capfirst(problem)
    return _("%(place)s: %(problem)s") % {"place": place, "problem": problem}


def _place(error: list_sources.SourceError, format: str) -> str:
    """Return "File un.xml, line 12, element …": the file by its name only, never its folder."""
    if not error.file:
        return ""
    where = {
        "file": Path(error.file).name,
        "line": error.line,
        "path": error.path,
        "field": error.field,
    }
    # The readers give a line wherever they name an element or a column.
    if not error.line:
        return _("File %(file)s") % where
    if error.path and error.field:
        return _("File %(file)s, line %(line)s, element %(path)s [%(field)s]") % where
    if error.path:
        return _("File %(file)s, line %(line)s, element %(path)s") % where
    if error.field and format == "opensanctions":
        return _("File %(file)s, line %(line)s, property %(field)s") % where
    if error.field:
        return _("File %(file)s, line %(line)s, column %(field)s") % where
    return _("File %(file)s, line %(line)s") % where


def _problem(error: list_sources.SourceError, format: str) -> str:
    """Return what is wrong, as a sentence without its capital: it follows the place."""
    detail = _short(error.message, MAX_DETAIL)
    value = _quoted(error.message) if error.code in ("value", "missing", "duplicate") else None
    if format in ("csv", "documents-csv"):
        found = _our_csv_problem(error, value)
        if found:
            return found
    match error.code:
        case "unreadable":
            return _("the file cannot be opened (%(detail)s).") % {"detail": detail}
        case "wrong_format":
            return _("the file is not in the %(format)s format (%(detail)s).") % {
                "format": format,
                "detail": detail,
            }
        case "encoding":
            return _("the text is not UTF-8: save the file as UTF-8 and import it again.")
        case "syntax":
            return _("the file is not well-formed here (%(detail)s).") % {"detail": detail}
        case "unsafe_xml":
            return _(
                "the XML declares a DTD, an entity or an external reference, which are "
                "refused for safety."
            )
        case "columns":
            numbers = re.findall(r"\d+", error.message)  # "3 fields where the header names 11"
            if len(numbers) == 2:
                return _(
                    "the record has the wrong number of fields: %(found)s instead of %(expected)s."
                ) % {"found": numbers[0], "expected": numbers[1]}
            return _("the record has the wrong number of fields (%(detail)s).") % {"detail": detail}
        case "missing":
            return _("a required value is missing.")
        case "value" if value is not None:
            return _("a value does not have the expected form (“%(value)s”).") % {"value": value}
        case "value":
            return _("a value does not have the expected form (%(detail)s).") % {"detail": detail}
        case "duplicate" if value is not None:
            return _("the reference “%(value)s” is already used higher up in the file.") % {
                "value": value
            }
        case "duplicate":
            return _("this reference is already used higher up in the file.")
    return _("the file cannot be read (%(detail)s).") % {"detail": detail}


def _our_csv_problem(error: list_sources.SourceError, value: str | None) -> str:
    """Return what is wrong in a column of our own CSV formats, saying what it must hold."""
    code, column = error.code, error.field
    if code == "value" and column == "birth_dates" and value is not None:
        return _("“%(value)s” is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD.") % {
            "value": value
        }
    if code == "value" and column in STATE_COLUMNS and value is not None:
        return _("“%(value)s” is not an alpha-3 or ICAO country code.") % {"value": value}
    if code == "value" and column == "sex":
        return _("the sex must be M, F or empty.")
    if code in ("value", "missing") and column == "status":
        return _("the status must be one of %(statuses)s.") % {"statuses": ", ".join(STATUSES)}
    if code == "missing" and column == "full_name":
        return _("a person needs a full name or a surname.")
    if code == "missing" and column == "documents" and value is not None:
        return _("the document “%(value)s” has no number.") % {"value": value}
    return ""


def _quoted(message: str) -> str | None:
    """Return the first value the reader's message quotes, shortened, or None."""
    match = QUOTED.search(message)
    if match is None:
        return None
    try:
        value = ast.literal_eval(match.group())
    except (ValueError, SyntaxError):
        return None
    return _short(value, MAX_VALUE) if isinstance(value, str) else None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
