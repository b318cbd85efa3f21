"""The watchlist managers' forms: alert lists, entries typed by hand, imports of a source's file.

The forms check the shape of what was typed (lines, lengths, codes); the rules of the business
(a list's code, a date that exists, a known nationality) are the services' and come back as
their ValidationError.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.reference.models import Country
from bmis.watchlist.models import (
    Action,
    DocumentStatus,
    Kind,
    ListedDocument,
    ListedPerson,
    Priority,
    WatchList,
)
from domain.screening import sources as list_sources

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UPLOAD_FILES = 3  # the OFAC CSV list comes as three files: sdn, alt and add
MAX_LINES_TEXT = 20_000
SEPARATORS = re.compile(r"[\s,;]+")
DOCUMENT_LINE = re.compile(r"([A-Za-z0-9-]{1,40})(?:[\s:]+([A-Za-z]{1,3}))?", re.ASCII)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CODE_ATTRS = {"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}


def lines(text: str) -> list[str]:
    """Return the lines of `text` that are not blank, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Holds"), required=False, choices=[("", _("Persons and documents")), *Kind.choices]
    )


class EntryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A name, a reference or a document number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(
        label=_("Entries"),
        required=False,
        choices=[
            ("active", _("Active entries")),
            ("inactive", _("Deactivated entries")),
            ("all", _("All entries")),
        ],
    )


class WatchListForm(forms.Form):
    """Create an alert list (with its code) or change one (whose code stays as it is)."""

    code = forms.CharField(
        label=pgettext_lazy("alert list", "Code"),
        max_length=WatchList._meta.get_field("code").max_length,
        help_text=_(
            "2 to 20 capital letters, digits, - or _, such as UN-SC. It cannot be changed later."
        ),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Holds"), choices=Kind.choices)
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        help_text=_("The service answerable for the list, such as DCPJ or INTERPOL."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Where its entries come from, such as the UN Security Council."),
    )
    action = forms.ChoiceField(label=_("Action on a hit"), choices=Action.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    threshold = forms.FloatField(
        label=_("Alert threshold"),
        min_value=0.5,
        max_value=1,
        step_size=0.01,
        initial=0.9,
        help_text=_(
            "The lowest score, from 0.5 to 1, that raises an alert. Lower finds more "
            "spellings and raises more false alerts."
        ),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    is_active = forms.BooleanField(
        label=_("Active: travellers are screened against this list"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, watchlist: WatchList | None = None, **kwargs):
        if watchlist is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(watchlist, name)
                    for name in (
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
                },
            )
        super().__init__(*args, **kwargs)
        if watchlist is not None:
            del self.fields["code"]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def list_fields(self) -> dict:
        """Return the fields for services.watchlist_save, without the code."""
        return {name: value for name, value in self.cleaned_data.items() if name != "code"}


class PersonForm(forms.Form):
    """A person on a list: names and aliases one a line, and what identifies them."""

    source_ref = forms.CharField(
        label=_("Reference"),
        max_length=ListedPerson._meta.get_field("source_ref").max_length,
        help_text=_("The entry's reference at its source, such as a warrant number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    names = forms.CharField(
        label=_("Names"),
        max_length=MAX_LINES_TEXT,
        help_text=_("One name a line, as written in the documents; the first is the primary name."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        max_length=MAX_LINES_TEXT,
        help_text=_("One alias a line, in any script."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    birth_dates = forms.CharField(
        label=_("Dates of birth"),
        required=False,
        max_length=2_000,
        help_text=_("One a line, as YYYY, YYYY-MM or YYYY-MM-DD, such as 1961-05."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    birth_places = forms.CharField(
        label=_("Places of birth"),
        required=False,
        max_length=MAX_LINES_TEXT,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    nationalities = forms.CharField(
        label=_("Nationalities"),
        required=False,
        max_length=500,
        help_text=_("Three-letter codes separated by spaces or commas, such as HTI DOM."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", _("Not known")), ("M", _("Male")), ("F", _("Female"))],
    )
    documents = forms.CharField(
        label=_("Documents"),
        required=False,
        max_length=MAX_LINES_TEXT,
        help_text=_(
            "One a line: the number, then the issuing state's code if known, such as HA1234567 HTI."
        ),
        widget=forms.Textarea(attrs={"rows": 2, **CODE_ATTRS}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_LINES_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, row: ListedPerson | None = None, **kwargs):
        if row is not None:
            kwargs.setdefault("initial", person_initial(row))
        super().__init__(*args, **kwargs)

    def clean_documents(self) -> list[tuple[str, str]]:
        documents = []
        for line in lines(self.cleaned_data["documents"]):
            match = DOCUMENT_LINE.fullmatch(line)
            if match is None:
                raise ValidationError(
                    _("Write each document as its number then its state, such as HA1234567 HTI.")
                )
            number = match[1].upper().replace("-", "")
            state = (match[2] or "").upper()
            if state and not Country.objects.filter(code=state).exists():
                raise ValidationError(
                    _("Unknown issuing state %(code)s for the document %(number)s.")
                    % {"code": state, "number": number}
                )
            documents.append((number, state))
        return documents

    def entry_fields(self) -> dict:
        """Return the arguments of services.person_entry."""
        data = self.cleaned_data
        return {
            "source_ref": data["source_ref"],
            "names": lines(data["names"]),
            "aliases": lines(data["aliases"]),
            "birth_dates": lines(data["birth_dates"]),
            "birth_places": lines(data["birth_places"]),
            "nationalities": [code for code in SEPARATORS.split(data["nationalities"]) if code],
            "sex": data["sex"],
            "documents": data["documents"],
            "notes": data["notes"],
        }


def person_initial(row: ListedPerson) -> dict:
    """Return what the person form shows of a stored person."""
    return {
        "source_ref": row.source_ref,
        "names": "\n".join(name["full"] for name in row.names if not name.get("is_alias")),
        "aliases": "\n".join(name["full"] for name in row.names if name.get("is_alias")),
        "birth_dates": "\n".join(row.birth_dates),
        "birth_places": "\n".join(row.birth_places),
        "nationalities": " ".join(row.nationalities),
        "sex": row.sex,
        "documents": "\n".join(f"{number} {state}".strip() for number, state in row.documents),
        "notes": row.notes,
    }


def state_choices(keep: str = "") -> list[tuple[str, str]]:
    """Return the active issuing states by code and name (and `keep`, even if inactive)."""
    countries = Country.objects.filter(Q(is_active=True) | Q(code=keep))
    return [
        ("", _("Any state")),
        *((country.code, f"{country.code} — {country.label}") for country in countries),
    ]


class DocumentForm(forms.Form):
    """A lost, stolen or invalid document on a list."""

    source_ref = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=ListedDocument._meta.get_field("source_ref").max_length,
        help_text=_("The report's reference; left blank, the state and number stand for it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    issuing_state = forms.ChoiceField(
        label=_("Issuing state"),
        required=False,
        help_text=_("Choose Any state when the report does not say."),
    )
    document_type = forms.CharField(
        label=_("Document type"),
        required=False,
        max_length=4,
        help_text=_("The code of the document, such as P for a passport; blank if unknown."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    status = forms.ChoiceField(label=_("Status"), choices=DocumentStatus.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_LINES_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, row: ListedDocument | None = None, **kwargs):
        if row is not None:
            kwargs.setdefault(
                "initial",
                {
                    "source_ref": row.source_ref,
                    "number": row.number,
                    "issuing_state": row.issuing_state,
                    "document_type": row.document_type,
                    "status": row.status,
                    "notes": row.notes,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["issuing_state"].choices = state_choices(row.issuing_state if row else "")

    def entry_fields(self) -> dict:
        """Return the arguments of services.document_entry."""
        return dict(self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=1000)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One file or several (Django's documented way to take several files in one field)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple) and data:
            return [one(item, initial) for item in data]
        if isinstance(data, list | tuple):
            data = None  # none chosen: the field says it is required
        return [one(data, initial)]


def format_choices(kind: str) -> list[tuple[str, str]]:
    """Return the formats whose files hold entries of the list's kind."""
    wanted_documents = kind == Kind.DOCUMENTS
    return [
        (code, format.title)
        for code, format in list_sources.FORMATS.items()
        if (code == "documents-csv") == wanted_documents
    ]


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"))
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "The list's file, at most 200 MB. For the OFAC CSV list, choose its three files "
            "together: sdn.csv, alt.csv and add.csv."
        ),
    )

    def __init__(self, *args, watchlist: WatchList, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = format_choices(watchlist.kind)

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > MAX_UPLOAD_FILES:
            raise ValidationError(
                _("Choose at most %(count)s files.") % {"count": MAX_UPLOAD_FILES}
            )
        names = [upload.name for upload in files]
        if len(set(names)) != len(names):
            raise ValidationError(_("Two of the files have the same name."))
        for upload in files:
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError(
                    _(
                        "The file %(name)s is larger than 200 MB: an administrator can "
                        "import it with the command manage.py watchlist_import."
                    )
                    % {"name": upload.name}
                )
        return files
