"""The evaluation's period (whole days, at most five years) and, for headquarters, a post."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bmis.accounts.roles import POST_ROLES
from bmis.posts.models import Post
from bmis.stats.forms import check_order

MAX_YEARS = 5
DATE_ERRORS = {"invalid": _("Enter a real date, as 2025-12-31.")}


def years_after(day: date, years: int) -> date:
    """Return the same day `years` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def last_month() -> tuple[date, date]:
    """Return the first and last days of the month before this one."""
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class EvaluationForm(forms.Form):
    start = forms.DateField(
        label=_("From"), error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    end = forms.DateField(
        label=_("To"), error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    post = forms.ChoiceField(label=_("Post"), required=False)

    def __init__(self, data=None, *, user):
        first, last = last_month()
        super().__init__(data, initial={"start": first, "end": last})
        self.user = user
        if user.role in POST_ROLES:  # a post chief evaluates their post only
            del self.fields["post"]
        else:
            posts = Post.objects.order_by("code").values_list("code", "name")
            self.fields["post"].choices = [("", _("The whole country")), *posts]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            return data
        check_order(start, end)
        if end >= years_after(start, MAX_YEARS):
            raise forms.ValidationError(
                _("Choose a period of five years at most."), code="too_long"
            )
        return data

    def post_code(self) -> str | None:
        """Return the post to evaluate: the user's own for a post role, else the one chosen."""
        if self.user.role in POST_ROLES:
            return self.user.post.code
        return self.cleaned_data.get("post") or None
