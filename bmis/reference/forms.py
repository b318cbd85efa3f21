from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.reference.models import CountryKind


class CountrySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("In any language; accents do not matter."),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("code", "Kind"),
        required=False,
        choices=[("", _("All kinds")), *CountryKind.choices],
    )
