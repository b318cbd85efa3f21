"""The dashboard's filters: a period, a grain, and a value for any of the dimensions."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.accounts.roles import POST_ROLES
from bmis.crossings.models import Decision, Direction, Mode, Sex
from bmis.posts.models import Post, PostType
from bmis.reference.models import Country, RefusalReason, TravelPurpose
from bmis.stats.aggregate import AGE_GROUPS, OVERSTAYS
from bmis.stats.queries import Filters

MAX_DAYS = 366 * 20  # the longest period a dashboard shows
DEFAULT_DAYS = 30
DATE_ERRORS = {"invalid": _("Enter a real date, as 2025-12-31.")}
GRAINS = [
    ("day", pgettext_lazy("grain", "By day")),
    ("week", pgettext_lazy("grain", "By week")),
    ("month", pgettext_lazy("grain", "By month")),
    ("year", pgettext_lazy("grain", "By year")),
]


def _choices(pairs, everything) -> list:
    return [("", everything), *pairs]


def _sorted(model) -> list[tuple[str, str]]:
    """The rows of a reference table by their names in the active language."""
    return sorted(((row.pk, row.label) for row in model.objects.all()), key=lambda p: p[1])


def check_order(start, end) -> None:
    """Refuse a period whose end comes before its start, saying what to choose."""
    if end < start:
        raise forms.ValidationError(
            _("The end of the period is before its start: choose an end on or after %(start)s.")
            % {"start": start.isoformat()},
            code="order",
        )


class FilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    end = forms.DateField(
        label=_("To"), required=False, error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    grain = forms.ChoiceField(label=_("Show"), choices=GRAINS, required=False)
    post = forms.ChoiceField(label=_("Post"), required=False)
    post_kind = forms.ChoiceField(label=_("Type of post"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age = forms.ChoiceField(label=_("Age group"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose of travel"), required=False)
    mode = forms.ChoiceField(label=_("Mode of transport"), required=False)
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=60)
    refusal = forms.ChoiceField(label=_("Refusal reason"), required=False)
    overstay = forms.ChoiceField(label=_("Overstay (days)"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        unknown = ("-", _("Not stated"))
        fields = self.fields
        fields["post"].choices = _choices(
            Post.objects.order_by("code").values_list("code", "name"), _("All posts")
        )
        fields["post_kind"].choices = _choices(PostType.choices, _("All types"))
        fields["direction"].choices = _choices(Direction.choices, _("Entries and exits"))
        fields["decision"].choices = _choices(Decision.choices, _("All decisions"))
        fields["nationality"].choices = _choices(_sorted(Country), _("All nationalities"))
        fields["sex"].choices = _choices([*Sex.choices, unknown], _("All"))
        fields["age"].choices = _choices(
            [*((code, code) for code, _low, _high in AGE_GROUPS), unknown], _("All ages")
        )
        fields["purpose"].choices = _choices([*_sorted(TravelPurpose), unknown], _("All purposes"))
        fields["mode"].choices = _choices(Mode.choices, _("All modes"))
        fields["refusal"].choices = _choices(_sorted(RefusalReason), _("All reasons"))
        fields["overstay"].choices = _choices(
            [(code, code) for code, _low, _high in OVERSTAYS], _("Any length")
        )
        if user.role in POST_ROLES:  # a post chief sees their post only
            del fields["post"], fields["post_kind"]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if "start" in self.errors or "end" in self.errors:
            return data
        check_order(start, end)
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a period of twenty years at most."), code="too_long"
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The filters the form's values make (the user's post only, for a post role)."""
        data = self.cleaned_data
        chosen = {}
        for name in ("post", "post_kind", "direction", "decision", "nationality", "sex", "age",
                     "purpose", "mode", "carrier", "refusal", "overstay"):  # fmt: skip
            value = (data.get(name) or "").strip()
            if value:
                chosen[name] = ("" if value == "-" else value,)
        if self.user.role in POST_ROLES:
            chosen["post"] = (self.user.post.code,)
        return Filters(start=data["start"], end=data["end"], **chosen)

    def chosen_grain(self) -> str:
        """The grain chosen, or the one that suits the period: days up to two months, weeks up
        to a year, months up to ten years, then years."""
        chosen = self.cleaned_data.get("grain")
        if chosen:
            return chosen
        days = (self.cleaned_data["end"] - self.cleaned_data["start"]).days + 1
        return (
            "day" if days <= 62 else "week" if days <= 366 else "month" if days <= 3660 else "year"
        )


class ReportForm(forms.Form):
    """The monthly report asked for from the interface: a month, a language, and for
    headquarters' roles, one post or the whole country."""

    month = forms.CharField(
        label=_("Month"), max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-09"}),
    )  # fmt: skip
    language = forms.ChoiceField(label=_("Language of the report"))
    post = forms.ChoiceField(label=_("Post"), required=False)

    def __init__(self, data=None, *, user):
        from django.conf import settings

        today = timezone.localdate()
        last = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        super().__init__(data, initial={"month": last, "language": user.language})
        self.user = user
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["post"].choices = _choices(
            Post.objects.order_by("code").values_list("code", "name"), _("The whole country")
        )
        if user.role in POST_ROLES:
            del self.fields["post"]

    def clean_month(self) -> str:
        from bmis.stats.month import BadMonth, parse_month

        try:
            month = parse_month(self.cleaned_data["month"])
        except BadMonth as bad:
            raise forms.ValidationError(str(bad), code="month") from None
        if month > timezone.localdate():
            raise forms.ValidationError(_("This month has not begun yet."), code="future")
        return month.strftime("%Y-%m")

    def post_code(self) -> str:
        if self.user.role in POST_ROLES:
            return self.user.post.code
        return self.cleaned_data.get("post") or ""
