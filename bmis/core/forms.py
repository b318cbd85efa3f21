from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    node = forms.CharField(label=_("Node"), required=False, max_length=10)
    object_id = forms.CharField(label=_("Object"), required=False, max_length=64)
    address = forms.GenericIPAddressField(label=_("Address"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data
