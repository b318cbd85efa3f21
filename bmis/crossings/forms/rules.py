"""The administrator's form for a permitted-stay rule."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.crossings.models import AllowanceKind, DocumentKind, StayRule
from bmis.crossings.services.rules import RULE_FIELDS
from bmis.reference.models import Country
from domain.stay.rules import MAX_DAYS

CODE_RE = re.compile(r"[A-Z0-9_]+", re.ASCII)
ANY = ("", pgettext_lazy("criterion of a stay rule", "Any"))
# Priorities only need to tell rules apart; a bound keeps them inside every database's integer.
MAX_PRIORITY = 9999


def country_choices(*keep: str) -> list[tuple[str, str]]:
    """Return the active states and nationality codes by name, and any code in `keep`."""
    countries = Country.objects.filter(Q(is_active=True) | Q(code__in=keep))
    rows = sorted(countries, key=lambda country: _sort_key(country.label))
    return [ANY, *((country.code, f"{country.label} ({country.code})") for country in rows)]


def _sort_key(label: str) -> str:
    """Return `label` without accents, so that Åland sorts with the other A's."""
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


class StayRuleForm(forms.Form):
    """Create a rule (with its code) or change one (whose code stays as it is)."""

    code = forms.CharField(
        label=pgettext_lazy("stay rule", "Code"),
        max_length=StayRule._meta.get_field("code").max_length,
        help_text=_(
            "Capital letters, digits and underscores, such as VISITOR. Crossings record the "
            "rule by its code, so it cannot be changed later."
        ),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=StayRule._meta.get_field("description").max_length,
        help_text=_("Who the rule is for, such as Visa-exempt visitors."),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), required=False, help_text=_("Leave Any for every nationality.")
    )
    document_kind = forms.ChoiceField(
        label=_("Kind of document"),
        required=False,
        choices=[ANY, *DocumentKind.choices],
        help_text=_("Leave Any for every kind of document."),
    )
    residence = forms.ChoiceField(
        label=_("Country of residence"),
        required=False,
        help_text=_("Leave Any for every country of residence."),
    )
    allowance = forms.ChoiceField(label=_("Permitted stay"), choices=AllowanceKind.choices)
    days = forms.IntegerField(
        label=_("Number of days"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_(
            "Only for a number of days. The day of entry is the first day: 90 days from "
            "1 January end on 31 March."
        ),
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        initial=0,
        min_value=-MAX_PRIORITY,
        max_value=MAX_PRIORITY,
        help_text=_(
            "Between two rules that set as many criteria and both match a traveller, the one "
            "with the higher priority applies."
        ),
    )
    is_active = forms.BooleanField(
        label=pgettext_lazy("stay rule", "Active"),
        required=False,
        initial=True,
        help_text=_(
            "An active rule applies to travellers. A rule is never deleted: deactivate it to "
            "stop applying it."
        ),
    )

    def __init__(self, *args, rule: StayRule | None = None, **kwargs):
        if rule is not None:
            kwargs.setdefault("initial", {name: getattr(rule, name) for name in RULE_FIELDS})
        super().__init__(*args, **kwargs)
        keep = (rule.nationality, rule.residence) if rule is not None else ()
        choices = country_choices(*(code for code in keep if code))
        self.fields["nationality"].choices = choices
        self.fields["residence"].choices = choices
        if rule is not None:
            del self.fields["code"]

    def clean_code(self) -> str:
        # Administrators type codes in any case; the code is stored in capitals.
        code = self.cleaned_data["code"].strip().upper()
        if not CODE_RE.fullmatch(code):
            raise ValidationError(
                _("A rule code is capital letters, digits and underscores, such as VISITOR.")
            )
        return code

    def clean(self):
        data = super().clean()
        if data.get("allowance") == AllowanceKind.DAYS:
            if data.get("days") is None and "days" not in self.errors:
                self.add_error("days", _("Give the number of days the rule permits."))
        elif "allowance" in data:
            data["days"] = None  # a number typed before choosing another stay means nothing
        return data

    def rule_fields(self) -> dict:
        """Return the cleaned values as services.stay_rule_save takes them (code apart)."""
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}
