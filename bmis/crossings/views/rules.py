"""The permitted-stay rules: the list supervisors and headquarters read, the admin's form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bmis.accounts.access import role_required
from bmis.accounts.roles import INSPECTION_SUPERVISORS, Role
from bmis.core.forms import add_service_errors
from bmis.core.htmx import redirect_to, wants_fragment
from bmis.crossings import services
from bmis.crossings.forms.rules import StayRuleForm
from bmis.crossings.models import AllowanceKind, StayRule
from bmis.reference.models import Country

RULE_VIEWERS = INSPECTION_SUPERVISORS | {Role.ANALYST, Role.ADMIN}
RULE_EDITORS = {Role.ADMIN}


def stay_in_words(allowance: str, days: int | None) -> str:
    """Return the stay a rule permits as a traveller would say it: 90 days, Unlimited, Same day."""
    if allowance == AllowanceKind.DAYS and days is not None:
        return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
    return str(AllowanceKind(allowance).label)


def _precedence(rule: StayRule) -> tuple:
    """Sort active rules first, each group in the order stays.choose_rule tries them."""
    criteria = sum(1 for value in (rule.nationality, rule.document_kind, rule.residence) if value)
    return (not rule.is_active, -criteria, -rule.priority, rule.code)


@role_required(RULE_VIEWERS)
def rule_list(request: HttpRequest) -> HttpResponse:
    """List every stay rule, the active ones first, in the order they are tried."""
    rules = sorted(StayRule.objects.all(), key=_precedence)
    codes = {code for rule in rules for code in (rule.nationality, rule.residence) if code}
    labels = {country.code: country.label for country in Country.objects.filter(code__in=codes)}
    for rule in rules:
        rule.nationality_label = labels.get(rule.nationality, rule.nationality)
        rule.residence_label = labels.get(rule.residence, rule.residence)
        rule.stay_words = stay_in_words(rule.allowance, rule.days)
    context = {"rules": rules, "can_edit": request.user.role in RULE_EDITORS}
    return render(request, "crossings/rule_list.html", context)


def _render_form(request: HttpRequest, form: StayRuleForm, rule: StayRule | None) -> HttpResponse:
    template = "crossings/rule_form.html"
    if wants_fragment(request):
        template += "#rule_form"
    return render(request, template, {"form": form, "rule": rule})


def _back_to_list(request: HttpRequest) -> HttpResponse:
    return redirect_to(request, reverse("crossings:rules"))


@role_required(RULE_EDITORS)
def rule_create(request: HttpRequest) -> HttpResponse:
    """Create a stay rule (an administrator)."""
    form = StayRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.stay_rule_save(
                actor=request.user,
                code=form.cleaned_data["code"],
                request=request,
                **form.rule_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Stay rule %(code)s created.") % {"code": rule.code})
            return _back_to_list(request)
    return _render_form(request, form, rule=None)


@role_required(RULE_EDITORS)
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a stay rule, or deactivate it: rules are never deleted (an administrator)."""
    rule = get_object_or_404(StayRule, code=code)
    form = StayRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_rule_save(
                actor=request.user, rule=rule, request=request, **form.rule_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Stay rule %(code)s saved.") % {"code": rule.code})
            return _back_to_list(request)
    return _render_form(request, form, rule=rule)
