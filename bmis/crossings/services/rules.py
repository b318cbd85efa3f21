"""Stay rules an administrator configures: validated, never deleted, every change audited."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.crossings import stays
from bmis.crossings.models import (
    AllowanceKind,
    DocumentKind,
    StayRule,
)
from bmis.reference.models import Country
from domain import stay as domain
from domain.stay.rules import MAX_DAYS

RULE_CODE_RE = re.compile(r"[A-Z0-9_]{1,32}", re.ASCII)

RULE_FIELDS = (
    "description",
    "nationality",
    "document_kind",
    "residence",
    "allowance",
    "days",
    "priority",
    "is_active",
)


def _rule_errors(rule: StayRule) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not RULE_CODE_RE.fullmatch(rule.code):
        errors["code"] = _(
            "A rule code is capital letters, digits and underscores, such as VISITOR."
        )
    if not rule.description.strip():
        errors["description"] = _("Describe who the rule is for.")
    for name in ("nationality", "residence"):
        code = getattr(rule, name)
        if code and not Country.objects.filter(code=code).exists():
            errors[name] = _("Choose a state from the list, or leave it blank for any.")
    if rule.document_kind and rule.document_kind not in DocumentKind.values:
        errors["document_kind"] = _("Choose a kind of document from the list.")
    if rule.allowance not in AllowanceKind.values:
        errors["allowance"] = _("Choose the permitted stay.")
    elif rule.allowance == AllowanceKind.DAYS:
        if rule.days is None or not 1 <= rule.days <= MAX_DAYS:
            errors["days"] = _("Give a number of days from 1 to 36525.")
    else:
        rule.days = None
    return errors


def _ambiguous_pairs(rules: list[StayRule]) -> list[tuple[str, str | None]]:
    faults = domain.faults([stays.as_domain_rule(r) for r in rules])
    return [(fault.rule, fault.other) for fault in faults if fault.code == "ambiguous"]


def _conflicts(rule: StayRule) -> dict[str, str]:
    """Refuse a change that leaves two active rules ambiguous (domain.stay.faults)."""
    current = stays.active_rules()
    others = [r for r in current if r.pk != rule.pk]
    candidates = [*others, rule] if rule.is_active else others
    by_code = {r.code: r for r in candidates}
    known = set(_ambiguous_pairs(current))
    for pair in _ambiguous_pairs(candidates):
        if rule.code in pair:
            other = by_code[pair[1] if pair[0] == rule.code else pair[0]]
            if (other.allowance, other.days) == (rule.allowance, rule.days):
                message = _(
                    "This rule and the rule %(other)s apply to exactly the same travellers "
                    "with the same priority: deactivate one of them, or give one a higher "
                    "priority."
                )
            else:
                message = _(
                    "This rule and the rule %(other)s apply to the same travellers with the "
                    "same priority but permit different stays: give one of them a higher "
                    "priority."
                )
            return {"priority": message % {"other": other.code}}
        if pair not in known:
            return {
                "__all__": _(
                    "Without this rule as it was, the rules %(rule)s and %(other)s would "
                    "apply to the same travellers with the same priority but permit "
                    "different stays: give one of them a higher priority first."
                )
                % {"rule": pair[0], "other": pair[1]}
            }
    return {}


def stay_rule_save(
    *,
    actor,
    rule: StayRule | None = None,
    code: str = "",
    request: HttpRequest | None = None,
    **fields,
) -> StayRule:
    """Create a stay rule, or change one; rules are never deleted, only deactivated."""
    creating = rule is None
    if creating:
        rule = StayRule(code=code.strip().upper())
    before = {name: getattr(rule, name) for name in RULE_FIELDS}
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            raise TypeError(f"unknown field {name}")
        setattr(
            rule, name, value.strip().upper() if name in ("nationality", "residence") else value
        )
    errors = _rule_errors(rule)
    if creating and StayRule.objects.filter(code=rule.code).exists():
        errors["code"] = _("A rule with this code exists already.")
    if not errors:
        errors = _conflicts(rule)
    if errors:
        raise ValidationError(errors)
    changed = {
        name: [before[name], getattr(rule, name)]
        for name in RULE_FIELDS
        if creating or before[name] != getattr(rule, name)
    }
    if not changed and not creating:
        return rule
    with transaction.atomic():
        rule.updated_at = timezone.now()
        rule.save()
        audit.record(
            actor=actor,
            action="stay_rule.created" if creating else "stay_rule.updated",
            obj=rule,
            request=request,
            details={"code": rule.code, "changed": changed},
        )
    return rule
