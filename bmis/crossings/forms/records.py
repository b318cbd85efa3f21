"""The forms of the post's record pages: list filters, traveller search, corrections, reviews."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.accounts.roles import POST_ROLES
from bmis.crossings.models import Crossing, Decision, Direction, Mode
from bmis.crossings.services.crossings import MAX_INTENDED_STAY, Details
from bmis.posts.models import Counter, Post
from bmis.reference.models import Country, RefusalReason, TravelPurpose


class CodeChoiceField(forms.ModelChoiceField):
    """A choice of reference rows shown as their code and their name in the user's language."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.label}"


class NameChoiceField(forms.ModelChoiceField):
    """A choice of reference rows shown by their name in the user's language."""

    def label_from_instance(self, obj) -> str:
        return obj.label


def country_field(label, *, current: str = "", empty_label=None) -> CodeChoiceField:
    """Return a choice of the active states (and `current`, kept even if no longer active)."""
    return CodeChoiceField(
        label=label,
        required=False,
        queryset=Country.objects.filter(Q(is_active=True) | Q(code=current)),
        to_field_name="code",
        empty_label=empty_label or "—",
    )


def post_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Post"),
        required=False,
        queryset=Post.objects.all(),
        to_field_name="code",
        empty_label=_("All posts"),
    )


class TodayFilterForm(forms.Form):
    """The filters of the day's crossings; headquarters also chooses a post."""

    post = post_field()
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    counter = forms.ModelChoiceField(
        label=_("Counter"), required=False, queryset=Counter.objects.none(), empty_label=None
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("Entries and exits")), *Direction.choices],
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", _("All decisions")), *Decision.choices],
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        counters = Counter.objects.select_related("post")
        if user.role in POST_ROLES:
            del self.fields["post"]
            counters = counters.filter(post_id=user.post_id)
        field = self.fields["counter"]
        field.queryset = counters
        field.empty_label = _("All counters")
        field.label_from_instance = lambda counter: (
            f"{counter.code} — {counter.name}"
            if user.role in POST_ROLES
            else f"{counter.post.code}/{counter.code} — {counter.name}"
        )


class PresentFilterForm(forms.Form):
    """The filters of the lists of travellers in the country and of overstayers."""

    everywhere = forms.BooleanField(
        label=_("The whole country, not only the travellers who entered at my post"),
        required=False,
    )
    post = post_field()
    nationality = country_field(_("Nationality"), empty_label=_("All nationalities"))

    def __init__(self, data, *, user):
        super().__init__(data)
        if user.role in POST_ROLES:
            del self.fields["post"]
        else:
            del self.fields["everywhere"]


class TravellerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, document number or date of birth"),
        required=False,
        max_length=100,
        help_text=_(
            "All the words of a name, in any order; a document number as printed; a date of "
            "birth as 31/12/1980 or 1980-12-31, alone or with a name."
        ),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class CaseFilterForm(forms.Form):
    reviewed = forms.BooleanField(label=_("Show the reviewed cases too"), required=False)


class CaseReviewForm(forms.Form):
    note = forms.CharField(
        label=_("What you found and did"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CrossingCorrectForm(forms.Form):
    """The crossing in full as it should have been recorded, and why it is corrected."""

    submission = forms.UUIDField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    at = forms.DateTimeField(
        label=_("Time of crossing"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time of the node."),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    refusal_reason = CodeChoiceField(
        label=_("Reason for refusal"),
        required=False,
        queryset=RefusalReason.objects.none(),
        empty_label="—",
        help_text=_("Only for a refusal."),
    )
    mode = forms.ChoiceField(label=_("Mode of transport"), choices=Mode.choices)
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=60)
    flight = forms.CharField(label=_("Flight number"), required=False, max_length=10)
    vehicle = forms.CharField(label=_("Vessel or vehicle"), required=False, max_length=60)
    place_country = country_field(_("Coming from or going to"))
    place = forms.CharField(label=_("Town or port"), required=False, max_length=80)
    purpose = NameChoiceField(
        label=_("Purpose of travel"),
        required=False,
        queryset=TravelPurpose.objects.none(),
        empty_label="—",
    )
    intended_stay_days = forms.IntegerField(
        label=_("Intended stay (days)"), required=False, min_value=1, max_value=MAX_INTENDED_STAY
    )
    address = forms.CharField(label=_("Address in Haiti"), required=False, max_length=200)
    residence = country_field(_("Country of residence"))
    note = forms.CharField(
        label=pgettext_lazy("crossing", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    void = forms.BooleanField(
        label=_("Withdraw this crossing: it should never have been recorded"),
        required=False,
        help_text=_(
            "For a crossing recorded against the wrong traveller, or recorded twice. The other "
            "fields are then ignored. Leave it unticked to restore a withdrawn crossing."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the record and in the audit trail."),
    )

    def __init__(self, data=None, *, crossing: Crossing, submission=None):
        initial = {
            "submission": submission,
            "direction": crossing.direction,
            "at": timezone.localtime(crossing.at).replace(second=0, microsecond=0),
            "decision": crossing.decision,
            "refusal_reason": crossing.refusal_reason_id,
            "mode": crossing.mode,
            "carrier": crossing.carrier,
            "flight": crossing.flight,
            "vehicle": crossing.vehicle,
            "place_country": crossing.place_country,
            "place": crossing.place,
            "purpose": crossing.purpose_id,
            "intended_stay_days": crossing.intended_stay_days,
            "address": crossing.address,
            "residence": crossing.residence,
            "note": crossing.note,
            "void": crossing.void,
        }
        super().__init__(data, initial=initial)
        # Keep the values the crossing holds even if no longer in use, so that nothing changes
        # unseen; the service then says which ones to replace.
        self.fields["refusal_reason"].queryset = RefusalReason.objects.filter(
            Q(is_active=True) | Q(code=crossing.refusal_reason_id or "")
        )
        self.fields["purpose"].queryset = TravelPurpose.objects.filter(
            Q(is_active=True) | Q(code=crossing.purpose_id or "")
        )
        for name in ("place_country", "residence"):
            self.fields[name].queryset = Country.objects.filter(
                Q(is_active=True) | Q(code=getattr(crossing, name))
            )

    def changes(self, original: Crossing) -> dict:
        """Return the arguments of `services.crossing_correct` for what the supervisor sent."""
        data = self.cleaned_data
        if data["void"]:
            return {"void": True}  # withdrawn as it stood: the other fields do not matter
        at = data["at"]
        if at == timezone.localtime(original.at).replace(second=0, microsecond=0):
            at = None  # the form shows minutes: an unchanged time keeps its recorded seconds
        country = {
            name: data[name].code if data[name] else "" for name in ("place_country", "residence")
        }
        details = Details(
            mode=data["mode"],
            carrier=data["carrier"].strip(),
            flight=data["flight"].strip().upper(),
            vehicle=data["vehicle"].strip(),
            place=data["place"].strip(),
            purpose=data["purpose"],
            intended_stay_days=data["intended_stay_days"],
            address=data["address"].strip(),
            **country,
        )
        return {
            "direction": data["direction"],
            "at": at,
            "decision": data["decision"],
            "refusal_reason": data["refusal_reason"],
            "details": details,
            "note": data["note"],
        }
