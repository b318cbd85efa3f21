"""Forms of the counter: opening a shift, reading a document, deciding, completing a referral."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.crossings.checks import ADULT_AGE, age_on
from bmis.crossings.models import Crossing, Decision, Direction, Mode, Sex
from bmis.crossings.reading import MANUAL_KINDS
from bmis.posts.models import Counter, PostType
from bmis.reference.models import Country, RefusalReason, TravelPurpose

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"]
MODE_OF_POST = {PostType.AIR: Mode.AIR, PostType.SEA: Mode.SEA, PostType.LAND: Mode.LAND}
COMPANION_WINDOW = timedelta(minutes=20)


class CountryCodeField(forms.CharField):
    """A state or nationality code typed as in a machine readable zone, suggested from a list.

    A text field with a datalist rather than a select of 249 states: the officer types HTI
    faster than they pick it, and the page stays light enough to answer within a keystroke.
    """

    widget = forms.TextInput(
        attrs={
            "list": "country-codes",
            "size": 5,
            "maxlength": 3,
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "class": "mono code-input",
        }
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault(
            "help_text", _("The three-letter code, as in the machine readable zone: HTI, DOM, USA.")
        )
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value).strip().upper()
        if code and not Country.objects.filter(code=code, is_active=True).exists():
            raise forms.ValidationError(
                _("%(code)s is not a known state code: type one from the list, such as HTI.")
                % {"code": code}
            )
        return code


class ShiftOpenForm(forms.Form):
    counter = forms.ModelChoiceField(
        label=_("Counter"), queryset=Counter.objects.none(), empty_label=None
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = Counter.objects.filter(post=post, is_active=True)


class ScanForm(forms.Form):
    mrz = forms.CharField(
        label=_("Machine readable zone"),
        max_length=400,
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "autofocus": True,
                "spellcheck": "false",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "class": "mrz-input mono",
                "data-scan": "",
            }
        ),
        help_text=_(
            "Scan the document, or type or paste its two or three lines. The zone is read as soon "
            "as it is complete; Ctrl+Enter reads it at any time."
        ),
    )


class ManualDocumentForm(forms.Form):
    """A document without a machine readable zone, typed by the officer."""

    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=[(kind.value, kind.label) for kind in MANUAL_KINDS]
    )
    number = forms.CharField(label=_("Document number"), max_length=40)
    issuing_state = CountryCodeField(label=_("Issuing state"))
    surname = forms.CharField(label=_("Surname"), max_length=120)
    given_names = forms.CharField(label=_("Given names"), max_length=120, required=False)
    nationality = CountryCodeField(label=_("Nationality"))
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("Day/month/year, such as 31/12/1980."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", pgettext_lazy("sex", "Not stated")), *Sex.choices],
        required=False,
    )
    expiry_date = forms.DateField(
        label=_("Date of expiry"), input_formats=DATE_FORMATS, required=False
    )

    def clean_number(self):
        return "".join(self.cleaned_data["number"].upper().replace("-", "").split())


class Decide(forms.Form):
    """The fields of every decision: the reason for a refusal, a note, a supervisor's override."""

    refusal_reason = forms.ModelChoiceField(
        label=_("Reason for refusal"),
        queryset=RefusalReason.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose…"),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override = forms.BooleanField(
        label=_("I have checked the document myself and override the failed checks."),
        required=False,
    )


class DecisionForm(Decide):
    """The travel details and the decision on one traveller at the counter."""

    submission = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=Decision.choices, required=False)
    link_person = forms.ChoiceField(
        label=_("Is this the same traveller?"), required=False, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(label=_("Mode of transport"), choices=Mode.choices)
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    flight = forms.CharField(label=_("Flight number"), max_length=10, required=False)
    vehicle = forms.CharField(label=_("Vessel or vehicle"), max_length=60, required=False)
    place_country = CountryCodeField(label=_("Coming from"), required=False, help_text="")
    place = forms.CharField(label=_("Town or port"), max_length=80, required=False)
    purpose = forms.ModelChoiceField(
        label=_("Purpose of travel"),
        queryset=TravelPurpose.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose…"),
    )
    intended_stay_days = forms.IntegerField(
        label=_("Intended stay (days)"), min_value=1, max_value=3650, required=False
    )
    address = forms.CharField(label=_("Address in Haiti"), max_length=200, required=False)
    residence = CountryCodeField(label=_("Country of residence"), required=False, help_text="")
    accompanied_by = forms.ChoiceField(label=_("Travelling with"), required=False)
    photo = forms.CharField(required=False, widget=forms.HiddenInput, max_length=600_000)

    def __init__(self, *args, shift, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        if shift.direction == Direction.EXIT:
            self.fields["place_country"].label = _("Going to")
        candidates = inspection.candidates if inspection else []
        self.fields["link_person"].choices = [
            ("", _("No: a new traveller")),
            *((str(person.pk), str(person)) for person in candidates),
        ]
        self.companions = companions(shift)
        self.fields["accompanied_by"].choices = [
            ("", _("No one (travelling alone)")),
            *(
                (str(c.pk), f"{timezone.localtime(c.at):%H:%M} — {c.person}")
                for c in self.companions
            ),
        ]

    def clean_flight(self):
        return "".join(self.cleaned_data["flight"].upper().split())

    def clean_accompanied_by(self):
        value = self.cleaned_data["accompanied_by"]
        if not value:
            return None
        return next((c for c in self.companions if str(c.pk) == value), None)


def companions(shift) -> list[Crossing]:
    """Return the adults recorded at this shift today, latest first: who a minor may travel with."""
    today = timezone.localdate()
    adults = []
    recent = (
        Crossing.objects.filter(shift=shift, accompanied_by__isnull=True)
        .exclude(decision=Decision.REFUSED)
        .select_related("person")
        .order_by("-at")[:20]
    )
    for crossing in recent:
        birth = crossing.person.birth_date
        if timezone.localdate(crossing.at) == today and (
            birth is None or age_on(birth, today) >= ADULT_AGE
        ):
            adults.append(crossing)
    return adults[:10]


def initial_details(shift, inspection) -> dict:
    """Return the travel details to start from: the shift's last crossing, the traveller's last."""
    initial = {"mode": MODE_OF_POST.get(shift.post.kind, Mode.LAND)}
    last = Crossing.objects.filter(shift=shift).order_by("-at").first()
    if last is not None:
        for name in ("mode", "carrier", "flight", "vehicle", "place_country", "place"):
            initial[name] = getattr(last, name)
    nationality = inspection.reading.nationality
    initial["residence"] = nationality
    previous = next((c for c in inspection.history if c.direction == Direction.ENTRY), None)
    if previous is not None and shift.direction == Direction.ENTRY:
        initial["purpose"] = previous.purpose_id
        initial["address"] = previous.address
        initial["residence"] = previous.residence or nationality
    if inspection.minor and shift.direction:
        companion = next(iter(companions(shift)), None)
        if companion is not None and timezone.now() - companion.at <= COMPANION_WINDOW:
            initial["accompanied_by"] = str(companion.pk)
    return initial


class ReferralForm(Decide):
    """A supervisor's decision completing a referral to secondary inspection."""

    submission = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.ADMITTED, Decision.ADMITTED.label),
            (Decision.REFUSED, Decision.REFUSED.label),
        ],
        widget=forms.RadioSelect,
    )


class HitReviewForm(forms.Form):
    """A supervisor's resolution of a hit on an alert list."""

    entry = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Resolution"),
        choices=[
            ("true_match", _("True match: the list's action follows")),
            ("false_positive", _("False positive: not this traveller")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
