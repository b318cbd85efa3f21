"""The alert lists' pages: the lists, their entries, entries typed by hand, imports of a file.

Watchlist managers change everything; administrators and analysts read the lists and their
entries. Every change goes through bmis.watchlist.services, which bumps the list's version (so
that the screening indexes are rebuilt) and writes the audit event.
"""

import contextlib
import dataclasses
import tempfile
from collections import Counter
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bmis.accounts.access import role_required
from bmis.accounts.roles import LIST_EDITORS, LIST_READERS, Role
from bmis.core.forms import add_service_errors
from bmis.core.htmx import redirect_to, wants_fragment
from bmis.core.models import AuditEvent
from bmis.reference.models import Country
from bmis.watchlist import convert, screening, services
from bmis.watchlist.forms import (
    DocumentForm,
    EntryFilterForm,
    ImportForm,
    ListFilterForm,
    PersonForm,
    ReasonForm,
    WatchListForm,
)
from bmis.watchlist.models import Kind, ListedDocument, ListedPerson, WatchList
from domain.screening import Name, PersonEntry

LIST_VIEWERS = LIST_READERS
# Who reads the audit events of a list and its entries (administrators read the whole trail).
AUDIT_READERS = frozenset({Role.WATCHLIST_MANAGER, Role.ADMIN})
PER_PAGE = 50
MODELS = {Kind.PERSONS: ListedPerson, Kind.DOCUMENTS: ListedDocument}
EVENT_LABELS = {
    "watchlist.created": gettext_lazy("List created"),
    "watchlist.updated": gettext_lazy("List changed"),
    "watchlist.imported": gettext_lazy("File imported"),
    "watchlist.entry_added": gettext_lazy("Entry added"),
    "watchlist.entry_changed": gettext_lazy("Entry changed"),
    "watchlist.entry_deactivated": gettext_lazy("Entry deactivated"),
    "watchlist.entry_reactivated": gettext_lazy("Entry reactivated"),
}
STATES = {
    "in_force": gettext_lazy("In force"),
    "inactive": gettext_lazy("Inactive"),
    "not_yet": gettext_lazy("Not yet in force"),
    "expired": gettext_lazy("Expired"),
}


def list_state(watchlist: WatchList, day) -> str:
    """Return whether the list is in force on `day`, or why not."""
    if not watchlist.is_active:
        return "inactive"
    if watchlist.valid_from and watchlist.valid_from > day:
        return "not_yet"
    if watchlist.valid_until and watchlist.valid_until < day:
        return "expired"
    return "in_force"


def _describe(watchlist: WatchList) -> WatchList:
    watchlist.state = list_state(watchlist, timezone.localdate())
    watchlist.state_label = STATES[watchlist.state]
    return watchlist


def _active_counts() -> Counter:
    counts: Counter = Counter()
    for model in MODELS.values():
        rows = (
            model.objects.filter(is_active=True)
            .values("watchlist")
            .annotate(total=Count("pk"))
            .values_list("watchlist", "total")
        )
        counts.update(dict(rows))
    return counts


def _events(request: HttpRequest, obj, limit: int | None = None) -> list[AuditEvent] | None:
    """Return the audit events about `obj`, newest first, to those who may read them."""
    if request.user.role not in AUDIT_READERS:
        return None
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-at", "-seq")
    events = list(events[:limit] if limit else events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


# --- The lists ---------------------------------------------------------------------------------


@role_required(LIST_VIEWERS)
def list_index(request: HttpRequest) -> HttpResponse:
    """List every alert list: what it holds, what a hit calls for, whether it is in force."""
    form = ListFilterForm(request.GET or None)
    lists = WatchList.objects.all()
    if form.is_valid() and form.cleaned_data["kind"]:
        lists = lists.filter(kind=form.cleaned_data["kind"])
    counts = _active_counts()
    lists = [_describe(watchlist) for watchlist in lists]
    for watchlist in lists:
        watchlist.active_entries = counts[watchlist.pk]
    context = {
        "form": form,
        "lists": lists,
        "can_manage": request.user.role in LIST_EDITORS,
    }
    template = "watchlist/list_index.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


def _render_list_form(request, form, watchlist: WatchList | None) -> HttpResponse:
    template = "watchlist/list_form.html"
    if wants_fragment(request):
        template += "#list_form"
    return render(request, template, {"form": form, "watchlist": watchlist})


@role_required(LIST_EDITORS)
def list_create(request: HttpRequest) -> HttpResponse:
    """Create an alert list (a watchlist manager)."""
    form = WatchListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            watchlist = services.watchlist_save(
                actor=request.user,
                code=form.cleaned_data["code"],
                request=request,
                **form.list_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Alert list %(code)s created.") % {"code": watchlist.code})
            return redirect_to(request, reverse("watchlist:list_detail", args=[watchlist.code]))
    return _render_list_form(request, form, watchlist=None)


@role_required(LIST_EDITORS)
def list_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change an alert list, or deactivate it: lists are never deleted (a watchlist manager)."""
    watchlist = get_object_or_404(WatchList, code=code)
    form = WatchListForm(request.POST or None, watchlist=watchlist)
    if request.method == "POST" and form.is_valid():
        try:
            services.watchlist_save(
                actor=request.user, watchlist=watchlist, request=request, **form.list_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            watchlist = WatchList.objects.get(pk=watchlist.pk)  # as stored, not as typed
        else:
            messages.success(
                request,
                _("Alert list %(code)s saved; it is at version %(version)s.")
                % {"code": watchlist.code, "version": watchlist.version},
            )
            return redirect_to(request, reverse("watchlist:list_detail", args=[watchlist.code]))
    return _render_list_form(request, form, watchlist=watchlist)


def _entries(watchlist: WatchList, q: str, state: str):
    """Return the list's entries matching `q` (name, reference or document number) and state."""
    model = MODELS[watchlist.kind]
    rows = model.objects.filter(watchlist=watchlist)
    if state == "inactive":
        rows = rows.filter(is_active=False)
    elif state != "all":
        rows = rows.filter(is_active=True)
    number = "".join(q.upper().replace("-", "").split())
    if watchlist.kind == Kind.PERSONS:
        if q:
            match = Q(primary_name__icontains=q) | Q(source_ref__icontains=q)
            if number:
                match |= Q(documents__icontains=number)
            rows = rows.filter(match)
        return rows.order_by("primary_name", "source_ref")
    if q:
        rows = rows.filter(Q(number__icontains=number or q) | Q(source_ref__icontains=q))
    return rows.order_by("number", "issuing_state", "source_ref")


@role_required(LIST_VIEWERS)
def list_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show a list's facts and its entries, searched by name, reference or document number."""
    watchlist = _describe(get_object_or_404(WatchList, code=code))
    form = EntryFilterForm(request.GET)
    form.is_valid()  # a filter that is not valid is left out, and said so
    q = form.cleaned_data.get("q", "").strip()
    state = form.cleaned_data.get("state") or "active"
    page = Paginator(_entries(watchlist, q, state), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "watchlist": watchlist,
        "form": form,
        "page": page,
        "q": q,
        "state": state,
        "can_manage": request.user.role in LIST_EDITORS,
        "back": request.get_full_path(),
    }
    if wants_fragment(request):
        return render(request, "watchlist/list_detail.html#results", context)
    counts = _active_counts()
    context["active_entries"] = counts[watchlist.pk]
    context["events"] = _events(request, watchlist, limit=10)
    return render(request, "watchlist/list_detail.html", context)


# --- Entries -----------------------------------------------------------------------------------


def _list_of_kind(code: str, kind: str) -> WatchList:
    """Return the list of the address, if it holds entries of `kind` (else the page is a 404)."""
    watchlist = get_object_or_404(WatchList, code=code)
    if watchlist.kind != kind:
        raise Http404("This list does not hold entries of this kind.")
    return watchlist


def _entry(code: str, kind: str, pk) -> tuple[WatchList, ListedPerson | ListedDocument]:
    watchlist = _list_of_kind(code, kind)
    row = get_object_or_404(MODELS[kind], pk=pk, watchlist=watchlist)
    row.watchlist = watchlist  # so that the version the services bump is the one shown
    return watchlist, row


def _country_labels(codes) -> dict[str, str]:
    return {country.code: country.label for country in Country.objects.filter(code__in=set(codes))}


@role_required(LIST_VIEWERS)
def entry_detail(request: HttpRequest, code: str, kind: str, pk) -> HttpResponse:
    """Show everything an entry holds, and to managers the changes made to it."""
    watchlist, row = _entry(code, kind, pk)
    context = {
        "watchlist": watchlist,
        "entry": row,
        "kind": kind,
        "can_manage": request.user.role in LIST_EDITORS,
        "events": _events(request, row),
        "reason_form": ReasonForm(auto_id="id_detail_%s"),
    }
    if kind == Kind.PERSONS:
        labels = _country_labels([*row.nationalities, *(state for _number, state in row.documents)])
        context["nationalities"] = [(code, labels.get(code, "")) for code in row.nationalities]
        context["documents"] = [
            (number, state, labels.get(state, "")) for number, state in row.documents
        ]
    else:
        context["state_label"] = _country_labels([row.issuing_state]).get(row.issuing_state, "")
    return render(request, "watchlist/entry_detail.html", context)


def _unchanged(row, entry, values: dict) -> bool:
    return (
        row is not None
        and row.source_ref == entry.source_ref
        and row.fingerprint == convert.fingerprint(values)
    )


def _save_entry(request, watchlist, row, entry, values) -> HttpResponse | None:
    """Save the entry through the service; return where to go, or None if it was refused."""
    if _unchanged(row, entry, values):
        messages.info(request, _("Nothing changed."))
    else:
        row = services.entry_save(
            actor=request.user, watchlist=watchlist, entry=entry, row=row, request=request
        )
        messages.success(
            request,
            _("Entry %(ref)s saved; the list %(code)s is at version %(version)s.")
            % {"ref": row.source_ref, "code": watchlist.code, "version": watchlist.version},
        )
    url = reverse("watchlist:entry_detail", args=[watchlist.code, watchlist.kind, row.pk])
    return redirect_to(request, url)


def _render_entry_form(request, form, watchlist, row) -> HttpResponse:
    template = "watchlist/entry_form.html"
    if wants_fragment(request):
        template += "#entry_form"
    context = {"form": form, "watchlist": watchlist, "entry": row, "kind": watchlist.kind}
    return render(request, template, context)


def keep_name_parts(entry: PersonEntry, row: ListedPerson) -> PersonEntry:
    """Keep what the source said of each name (surname, given names, quality) that is kept.

    The form shows names in full only; a name typed again as it was stays as the source wrote
    it, and in its place, so that saving an entry unchanged changes nothing.
    """
    stored = [
        Name(
            name["full"],
            name.get("surname", ""),
            name.get("given_names", ""),
            name.get("is_alias", False),
            name.get("quality", ""),
        )
        for name in row.names
    ]
    typed = Counter((name.full, name.is_alias) for name in entry.names)
    if typed == Counter((name.full, name.is_alias) for name in stored):
        return dataclasses.replace(entry, names=tuple(stored))
    known = {(name.full, name.is_alias): name for name in stored}
    return dataclasses.replace(
        entry, names=tuple(known.get((name.full, name.is_alias), name) for name in entry.names)
    )


def _person_form(request: HttpRequest, watchlist: WatchList, row) -> HttpResponse:
    form = PersonForm(request.POST or None, row=row)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.person_entry(**form.entry_fields())
            if row is not None:
                entry = keep_name_parts(entry, row)
            return _save_entry(request, watchlist, row, entry, convert.person_values(entry))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_entry_form(request, form, watchlist, row)


def _document_form(request: HttpRequest, watchlist: WatchList, row) -> HttpResponse:
    form = DocumentForm(request.POST or None, row=row)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.document_entry(**form.entry_fields())
            return _save_entry(request, watchlist, row, entry, convert.document_values(entry))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_entry_form(request, form, watchlist, row)


@role_required(LIST_EDITORS)
def person_create(request: HttpRequest, code: str) -> HttpResponse:
    """Add a person to a list of persons by hand (a watchlist manager)."""
    return _person_form(request, _list_of_kind(code, Kind.PERSONS), row=None)


@role_required(LIST_EDITORS)
def person_edit(request: HttpRequest, code: str, pk) -> HttpResponse:
    """Change a person on a list (a watchlist manager)."""
    watchlist, row = _entry(code, Kind.PERSONS, pk)
    return _person_form(request, watchlist, row)


@role_required(LIST_EDITORS)
def document_create(request: HttpRequest, code: str) -> HttpResponse:
    """Add a lost, stolen or invalid document to a list of documents (a watchlist manager)."""
    return _document_form(request, _list_of_kind(code, Kind.DOCUMENTS), row=None)


@role_required(LIST_EDITORS)
def document_edit(request: HttpRequest, code: str, pk) -> HttpResponse:
    """Change a document on a list (a watchlist manager)."""
    watchlist, row = _entry(code, Kind.DOCUMENTS, pk)
    return _document_form(request, watchlist, row)


def _safe_back(request: HttpRequest, default: str) -> str:
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return default


def _set_active(request: HttpRequest, code: str, kind: str, pk, active: bool) -> HttpResponse:
    watchlist, row = _entry(code, kind, pk)
    form = ReasonForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.entry_set_active(
                actor=request.user,
                row=row,
                active=active,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
    if wants_fragment(request):
        context = {
            "watchlist": watchlist,
            "entry": row,
            "can_manage": True,
            "back": _safe_back(request, reverse("watchlist:list_detail", args=[code])),
            "errors": errors,
            "reason": request.POST.get("reason", "") if errors else "",
        }
        return render(request, "watchlist/list_detail.html#entry_row", context)
    for error in errors:
        messages.error(request, error)
    if not errors:
        done = (
            _("Entry %(ref)s reactivated; the list %(code)s is at version %(version)s.")
            if active
            else _("Entry %(ref)s deactivated; the list %(code)s is at version %(version)s.")
        )
        messages.success(
            request,
            done % {"ref": row.source_ref, "code": watchlist.code, "version": watchlist.version},
        )
    return redirect(_safe_back(request, reverse("watchlist:list_detail", args=[code])))


@role_required(LIST_EDITORS)
@require_POST
def entry_deactivate(request: HttpRequest, code: str, kind: str, pk) -> HttpResponse:
    """Take an entry off the screening, with the reason: entries are never deleted."""
    return _set_active(request, code, kind, pk, active=False)


@role_required(LIST_EDITORS)
@require_POST
def entry_reactivate(request: HttpRequest, code: str, kind: str, pk) -> HttpResponse:
    """Put a deactivated entry back on the screening, with the reason."""
    return _set_active(request, code, kind, pk, active=True)


# --- Imports -----------------------------------------------------------------------------------


def _file_name(name: str, number: int) -> str:
    """Return the upload's name, safe to write in a folder of our own (its end names its role)."""
    name = Path(name.replace("\x00", "").replace("\\", "/")).name
    return name if name not in ("", ".", "..") else f"file-{number}"


def import_file(request: HttpRequest, watchlist: WatchList, format: str, uploads: list):
    """Write the uploads to a folder of their own, keeping their names, and import them.

    Raise ImportFailed if the file cannot be imported. Its message names the file by its name
    only, never the folder: the name the user chose, which Django has already reduced to a
    name `_file_name` keeps as it is.
    """
    with tempfile.TemporaryDirectory(prefix="bmis-import-") as folder:
        paths = []
        for number, upload in enumerate(uploads, 1):
            path = Path(folder) / _file_name(upload.name, number)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths.append(path)
        return services.watchlist_import(
            actor=request.user, watchlist=watchlist, format=format, paths=paths
        )


def import_summary(watchlist: WatchList, result: services.ImportResult) -> str:
    return _(
        "File imported into %(code)s. Created: %(created)s; updated: %(updated)s; "
        "reactivated: %(reactivated)s; unchanged: %(unchanged)s; deactivated: %(deactivated)s. "
        "The list is at version %(version)s."
    ) % {
        "code": watchlist.code,
        "created": result.created,
        "updated": result.updated,
        "reactivated": result.reactivated,
        "unchanged": result.unchanged,
        "deactivated": result.deactivated,
        "version": result.version,
    }


@role_required(LIST_EDITORS)
def list_import(request: HttpRequest, code: str) -> HttpResponse:
    """Import a source's file into a list, all or nothing (a watchlist manager)."""
    watchlist = get_object_or_404(WatchList, code=code)
    form = ImportForm(request.POST or None, request.FILES or None, watchlist=watchlist)
    if request.method == "POST" and form.is_valid():
        try:
            result = import_file(
                request, watchlist, form.cleaned_data["format"], form.cleaned_data["files"]
            )
        except services.ImportFailed as exc:
            form.add_error(None, _("Nothing was imported. %(reason)s") % {"reason": exc.message})
        else:
            messages.success(request, import_summary(watchlist, result))
            if result.skipped:
                skipped = ", ".join(f"{kind} {n}" for kind, n in sorted(result.skipped.items()))
                messages.info(
                    request,
                    _("Records that are not entries of this list were left out: %(skipped)s.")
                    % {"skipped": skipped},
                )
            if not result.changed:
                messages.info(request, _("Nothing changed: the list already held this file."))
            else:
                # The workers load the new index instead of each building an overlay as large
                # as the import; a failure to write it only costs them that.
                with contextlib.suppress(OSError):
                    screening.warm(watchlist)
            return redirect_to(request, reverse("watchlist:list_detail", args=[watchlist.code]))
    template = "watchlist/list_import.html"
    if wants_fragment(request):
        template += "#import_form"
    return render(request, template, {"form": form, "watchlist": watchlist})
