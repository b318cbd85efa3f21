"""Writes on alert lists: lists, their entries by hand, and imports of a source's file.

Every change bumps the list's version and is audited; nothing is deleted, only deactivated. An
import is all or nothing: it reads the whole file inside one transaction, so a malformed file
leaves the list as it was. Importing the same file twice changes nothing: entries are matched by
their source's reference and compared by fingerprint, and entries gone from the new file are
deactivated.
"""

import re
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.reference.models import Country
from bmis.watchlist import convert
from bmis.watchlist.models import (
    Action,
    DocumentStatus,
    Kind,
    ListedDocument,
    ListedPerson,
    Priority,
    WatchList,
)
from domain.screening import DocumentEntry, Name, PersonEntry

CODE_RE = re.compile(r"[A-Z0-9_-]{2,20}", re.ASCII)
PARTIAL_DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)
LIST_FIELDS = (
    "name",
    "kind",
    "owner",
    "source",
    "action",
    "priority",
    "threshold",
    "valid_from",
    "valid_until",
    "is_active",
)


def _bump(watchlist: WatchList) -> None:
    now = timezone.now()
    WatchList.objects.filter(pk=watchlist.pk).update(version=F("version") + 1, updated_at=now)
    watchlist.refresh_from_db(fields=["version", "updated_at"])


# --- Lists -------------------------------------------------------------------------------------


def _list_errors(watchlist: WatchList) -> dict[str, str]:
    errors = {}
    if not CODE_RE.fullmatch(watchlist.code):
        errors["code"] = _("A list code is 2 to 20 capital letters, digits, - or _, such as UN-SC.")
    if not watchlist.name.strip():
        errors["name"] = _("Give the list a name.")
    if not watchlist.owner.strip():
        errors["owner"] = _("Say who owns the list.")
    if watchlist.kind not in Kind.values:
        errors["kind"] = _("Choose what the list holds.")
    if watchlist.action not in Action.values:
        errors["action"] = _("Choose the action a hit calls for.")
    if watchlist.priority not in Priority.values:
        errors["priority"] = _("Choose a priority.")
    if not 0.5 <= watchlist.threshold <= 1:
        errors["threshold"] = _("The alert threshold is a score from 0.5 to 1.")
    if (
        watchlist.valid_from
        and watchlist.valid_until
        and watchlist.valid_until < watchlist.valid_from
    ):
        errors["valid_until"] = _("The list cannot end before it starts.")
    return errors


def watchlist_save(
    *,
    actor,
    watchlist: WatchList | None = None,
    code: str = "",
    request: HttpRequest | None = None,
    **fields,
) -> WatchList:
    """Create an alert list, or change one (what it holds cannot change once it has entries)."""
    creating = watchlist is None
    if creating:
        watchlist = WatchList(code=code.strip().upper())
    before = {name: getattr(watchlist, name) for name in LIST_FIELDS}
    for name, value in fields.items():
        if name not in LIST_FIELDS:
            raise TypeError(f"unknown field {name}")
        setattr(watchlist, name, value.strip() if isinstance(value, str) else value)
    errors = _list_errors(watchlist)
    if creating and WatchList.objects.filter(code=watchlist.code).exists():
        errors["code"] = _("A list with this code exists already.")
    if not creating and watchlist.kind != before["kind"] and _has_entries(watchlist):
        errors["kind"] = _("The list has entries: what it holds cannot change.")
    if errors:
        raise ValidationError(errors)
    changed = {
        name: [str(before[name]), str(getattr(watchlist, name))]
        for name in LIST_FIELDS
        if creating or before[name] != getattr(watchlist, name)
    }
    if not changed:
        return watchlist
    with transaction.atomic():
        watchlist.updated_at = timezone.now()
        if not creating:
            watchlist.version += 1
        watchlist.save()
        audit.record(
            actor=actor,
            action="watchlist.created" if creating else "watchlist.updated",
            obj=watchlist,
            request=request,
            details={"code": watchlist.code, "version": watchlist.version, "changed": changed},
        )
    return watchlist


def _has_entries(watchlist: WatchList) -> bool:
    return (
        ListedPerson.objects.filter(watchlist=watchlist).exists()
        or ListedDocument.objects.filter(watchlist=watchlist).exists()
    )


# --- Entries by hand ---------------------------------------------------------------------------


def _check_kind(watchlist: WatchList, kind: str) -> None:
    if watchlist.kind != kind:
        raise ValidationError(_("This list does not hold entries of this kind."))


def person_entry(
    *,
    source_ref: str,
    names: Sequence[str],
    aliases: Sequence[str] = (),
    birth_dates: Sequence[str] = (),
    birth_places: Sequence[str] = (),
    nationalities: Sequence[str] = (),
    sex: str = "",
    documents: Sequence[tuple[str, str]] = (),
    notes: str = "",
) -> PersonEntry:
    """Check what a watchlist manager typed and return it as a domain entry."""
    errors: dict[str, str] = {}
    names = [name.strip() for name in names if name.strip()]
    aliases = [alias.strip() for alias in aliases if alias.strip()]
    if not names:
        errors["names"] = _("Give at least one name.")
    if not source_ref.strip():
        errors["source_ref"] = _("Give the entry's reference at its source.")
    dates = []
    for text in birth_dates:
        if not PARTIAL_DATE_RE.fullmatch(text.strip()):
            errors["birth_dates"] = _(
                "Write each date of birth as YYYY, YYYY-MM or YYYY-MM-DD, such as 1961-05."
            )
            break
        try:
            dates.append(_valid_partial(text.strip()))
        except ValueError:
            errors["birth_dates"] = _("%(date)s is not a date that exists.") % {"date": text}
            break
    codes = [code.strip().upper() for code in nationalities if code.strip()]
    unknown = [code for code in codes if not Country.objects.filter(code=code).exists()]
    if unknown:
        errors["nationalities"] = _("Unknown nationality codes: %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    if sex not in ("", "M", "F"):
        errors["sex"] = _("Choose a sex from the list.")
    if errors:
        raise ValidationError(errors)
    return PersonEntry(
        source_ref=source_ref.strip(),
        names=(
            *(Name(name) for name in names),
            *(Name(alias, is_alias=True) for alias in aliases),
        ),
        birth_dates=tuple(dates),
        birth_places=tuple(place.strip() for place in birth_places if place.strip()),
        nationalities=tuple(codes),
        sex=sex,
        document_numbers=tuple((n.strip().upper(), s.strip().upper()) for n, s in documents),
        notes=notes.strip(),
    )


def _valid_partial(text: str):
    day = convert.parse_partial(text)
    date(day.year, day.month or 1, day.day or 1)  # raises ValueError for 1961-02-30
    return day


def document_entry(
    *,
    source_ref: str,
    number: str,
    issuing_state: str,
    document_type: str = "",
    status: str,
    notes: str = "",
) -> DocumentEntry:
    """Check a lost, stolen or invalid document typed by a manager; return the domain entry."""
    errors = {}
    number = "".join(number.upper().replace("-", "").split())
    if not re.fullmatch(r"[A-Z0-9]{1,40}", number, re.ASCII):
        errors["number"] = _("A document number is 1 to 40 letters A-Z and digits.")
    state = issuing_state.strip().upper()
    if state and not Country.objects.filter(code=state).exists():
        errors["issuing_state"] = _("Choose a state from the list, or leave it blank for any.")
    if status not in DocumentStatus.values:
        errors["status"] = _("Choose the document's status.")
    if errors:
        raise ValidationError(errors)
    return DocumentEntry(
        source_ref=source_ref.strip() or f"{state}:{number}",
        number=number,
        issuing_state=state,
        document_type=document_type.strip().upper()[:4],
        status=status,
        notes=notes.strip(),
    )


def entry_save(
    *,
    actor,
    watchlist: WatchList,
    entry: PersonEntry | DocumentEntry,
    row: ListedPerson | ListedDocument | None = None,
    request: HttpRequest | None = None,
) -> ListedPerson | ListedDocument:
    """Add an entry to a list by hand, or change one; bump the list's version; audit."""
    is_person = isinstance(entry, PersonEntry)
    model = ListedPerson if is_person else ListedDocument
    _check_kind(watchlist, Kind.PERSONS if is_person else Kind.DOCUMENTS)
    values = convert.person_values(entry) if is_person else convert.document_values(entry)
    clash = model.objects.filter(watchlist=watchlist, source_ref=entry.source_ref)
    if row is not None:
        clash = clash.exclude(pk=row.pk)
    if clash.exists():
        raise ValidationError({"source_ref": _("An entry with this reference is on the list.")})
    creating = row is None
    if creating:
        row = model(watchlist=watchlist)
    before = {name: getattr(row, name, None) for name in values}
    with transaction.atomic():
        for name, value in values.items():
            setattr(row, name, value)
        row.source_ref = entry.source_ref
        row.fingerprint = convert.fingerprint(values)
        row.updated_at = timezone.now()
        row.save()
        _bump(watchlist)
        audit.record(
            actor=actor,
            action="watchlist.entry_added" if creating else "watchlist.entry_changed",
            obj=row,
            request=request,
            details={
                "list": watchlist.code,
                "version": watchlist.version,
                "source_ref": row.source_ref,
                "changed": {
                    name: [before[name], values[name]]
                    for name in values
                    if creating or before[name] != values[name]
                },
            },
        )
    return row


def entry_set_active(
    *,
    actor,
    row: ListedPerson | ListedDocument,
    active: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> None:
    """Deactivate an entry (or bring it back), with the reason; bump the list's version."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if row.is_active == active:
        return
    with transaction.atomic():
        row.is_active = active
        row.updated_at = timezone.now()
        row.save(update_fields=["is_active", "updated_at"])
        _bump(row.watchlist)
        audit.record(
            actor=actor,
            action="watchlist.entry_reactivated" if active else "watchlist.entry_deactivated",
            obj=row,
            request=request,
            details={
                "list": row.watchlist.code,
                "version": row.watchlist.version,
                "source_ref": row.source_ref,
                "reason": reason.strip(),
            },
        )
