from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.posts.models import Department, PostType
from bmis.posts.services import COUNTER_CODE_MESSAGE, COUNTER_CODE_RE


class PostFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("post", "Type"),
        required=False,
        choices=[("", _("All types")), *PostType.choices],
    )
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        choices=[("", _("All departments")), *Department.choices],
    )


class CounterCreateForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("counter", "Code"),
        max_length=10,
        help_text=_(
            "1 to 10 capital letters, digits or hyphens, such as A1 or D-2. "
            "It cannot be changed later."
        ),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What officers call it, such as Arrivals 1."),
    )

    def clean_code(self) -> str:
        # Officers type codes in any case; the code is stored in capitals.
        code = self.cleaned_data["code"].strip().upper()
        if not COUNTER_CODE_RE.match(code):
            raise ValidationError(COUNTER_CODE_MESSAGE)
        return code


class CounterEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    is_active = forms.BooleanField(
        label=_("Open: officers may work at this counter"),
        required=False,
        help_text=_("A closed counter is kept with its history; it can be reopened."),
    )
