"""Permitted-stay rules: services.stay_rule_save and stays.choose_rule, on the issue's examples."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bmis.core.models import AuditEvent
from bmis.crossings.defaults import stay_rules_load
from bmis.crossings.models import StayRule
from bmis.crossings.services import stay_rule_save
from bmis.crossings.stays import choose_rule

NEW_YEAR = date(2025, 1, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def countries(db):
    """The shipped states and nationality codes, without any stay rule."""
    from bmis.reference.models import Country
    from bmis.reference.services import _sync, country_rows

    _sync(Country, country_rows())


@pytest.fixture
def rules(countries):
    """The default rules: VISITOR, CITIZEN, RESIDENT and BORDER_CARD."""
    stay_rules_load(actor=None)
    return {rule.code: rule for rule in StayRule.objects.all()}


def choose(nationality="", document_kind="passport", residence="", entry_day=NEW_YEAR):
    return choose_rule(
        nationality=nationality,
        document_kind=document_kind,
        residence=residence,
        entry_day=entry_day,
    )


def rule_fields(**changes):
    """Return a rule for Dominican nationals, 30 days, below RESIDENT for those living in Haiti.

    At priority 0 it would conflict with RESIDENT: a Dominican resident of Haiti matches both,
    equally specific, and they permit different stays.
    """
    fields = {
        "description": "Dominican nationals",
        "nationality": "DOM",
        "document_kind": "",
        "residence": "",
        "allowance": "days",
        "days": 30,
        "priority": -1,
        "is_active": True,
    }
    return {**fields, **changes}


def as_is(rule: StayRule, **changes):
    """Return the fields of `rule` as they are, with these changes."""
    return {**{name: getattr(rule, name) for name in rule_fields()}, **changes}


def refusal(**kwargs) -> dict[str, list[str]]:
    """Return the errors stay_rule_save refuses these arguments with, by field."""
    with pytest.raises(ValidationError) as caught:
        stay_rule_save(**kwargs)
    return caught.value.message_dict


# --- The examples ----------------------------------------------------------------------


def test_a_visa_exempt_visitor_may_stay_90_days_counting_the_day_of_entry(rules):
    choice = choose(nationality="FRA")
    assert (choice.code, choice.allowance, choice.days) == ("VISITOR", "days", 90)
    assert choice.permitted_until == date(2025, 3, 31)


def test_a_traveller_of_an_unknown_nationality_is_a_visitor_too(rules):
    assert choose(nationality="", document_kind="").code == "VISITOR"


def test_a_haitian_citizen_may_stay_without_limit(rules):
    choice = choose(nationality="HTI")
    assert (choice.code, choice.allowance, choice.permitted_until) == ("CITIZEN", "unlimited", None)


def test_a_foreign_resident_of_haiti_may_stay_without_limit(rules):
    choice = choose(nationality="USA", residence="HTI")
    assert (choice.code, choice.allowance, choice.permitted_until) == (
        "RESIDENT",
        "unlimited",
        None,
    )


def test_a_dominican_border_card_holder_must_leave_the_same_day(rules):
    choice = choose(nationality="DOM", document_kind="border_card", entry_day=date(2025, 6, 14))
    assert (choice.code, choice.allowance) == ("BORDER_CARD", "same_day")
    assert choice.permitted_until == date(2025, 6, 14)


def test_a_dominican_with_a_passport_is_a_visitor(rules):
    assert choose(nationality="DOM", document_kind="passport").code == "VISITOR"


def test_no_rule_applies_when_none_is_active(countries):
    assert choose(nationality="HTI") is None


# --- Creating and changing rules ---------------------------------------------------------------


def test_it_creates_a_rule_in_capitals_and_audits_every_field(rules, admin_user):
    rule = stay_rule_save(actor=admin_user, code=" dom_30 ", **rule_fields(nationality="dom"))
    assert (rule.code, rule.nationality, rule.days) == ("DOM_30", "DOM", 30)
    event = AuditEvent.objects.get(action="stay_rule.created", object_id=str(rule.pk))
    assert event.actor == admin_user
    assert event.details["code"] == "DOM_30"
    assert event.details["changed"]["nationality"] == ["", "DOM"]
    assert event.details["changed"]["days"] == [None, 30]
    assert event.details["changed"]["is_active"] == [True, True]
    assert set(event.details["changed"]) == set(rule_fields())


def test_a_more_specific_rule_wins_over_the_visitor_rule(rules, admin_user):
    stay_rule_save(actor=admin_user, code="DOM_30", **rule_fields())
    assert choose(nationality="DOM", document_kind="passport").code == "DOM_30"
    assert choose(nationality="DOM", document_kind="border_card").code == "BORDER_CARD"
    assert choose(nationality="DOM", residence="HTI").code == "RESIDENT"


def test_it_audits_only_what_changed(rules, admin_user):
    visitor = rules["VISITOR"]
    stay_rule_save(actor=admin_user, rule=visitor, **as_is(visitor, days=60))
    event = AuditEvent.objects.get(action="stay_rule.updated")
    assert event.actor == admin_user
    assert event.object_id == str(visitor.pk)
    assert event.details == {"code": "VISITOR", "changed": {"days": [90, 60]}}
    assert StayRule.objects.get(code="VISITOR").days == 60
    assert choose(nationality="FRA").permitted_until == date(2025, 3, 1)


def test_saving_a_rule_unchanged_writes_no_audit_event(rules, admin_user):
    citizen = rules["CITIZEN"]
    updated_at = citizen.updated_at
    events = AuditEvent.objects.count()
    stay_rule_save(actor=admin_user, rule=citizen, **as_is(citizen, nationality="hti"))
    assert AuditEvent.objects.count() == events
    assert StayRule.objects.get(code="CITIZEN").updated_at == updated_at


def test_a_stay_other_than_days_keeps_no_number_of_days(rules, admin_user):
    rule = stay_rule_save(
        actor=admin_user, code="DOM_FREE", **rule_fields(allowance="unlimited", days=30)
    )
    assert StayRule.objects.get(pk=rule.pk).days is None


def test_a_rule_is_never_deleted_only_deactivated(rules, admin_user):
    border = rules["BORDER_CARD"]
    stay_rule_save(actor=admin_user, rule=border, **as_is(border, is_active=False))
    kept = StayRule.objects.get(code="BORDER_CARD")
    assert not kept.is_active
    assert (kept.nationality, kept.document_kind, kept.allowance) == (
        "DOM",
        "border_card",
        "same_day",
    )
    assert choose(nationality="DOM", document_kind="border_card").code == "VISITOR"
    event = AuditEvent.objects.get(action="stay_rule.updated")
    assert event.details["changed"] == {"is_active": [True, False]}
    assert not AuditEvent.objects.filter(action__contains="deleted").exists()


# --- What it refuses ---------------------------------------------------------------------------


def test_it_refuses_a_code_with_other_signs_than_letters_digits_and_underscores(rules, admin_user):
    errors = refusal(actor=admin_user, code="DOM-30", **rule_fields())
    assert errors == {
        "code": ["A rule code is capital letters, digits and underscores, such as VISITOR."]
    }
    assert not StayRule.objects.filter(code="DOM-30").exists()


@pytest.mark.parametrize("code", ["ÉTÉ", "VISITEUR_²", "X" * 33])
def test_it_refuses_a_code_outside_ascii_capitals_or_longer_than_32(rules, admin_user, code):
    errors = refusal(actor=admin_user, code=code, **rule_fields())
    assert list(errors) == ["code"]


def test_it_refuses_a_code_that_exists_already(rules, admin_user):
    errors = refusal(actor=admin_user, code="visitor", **rule_fields())
    assert errors == {"code": ["A rule with this code exists already."]}
    assert StayRule.objects.get(code="VISITOR").days == 90


def test_it_asks_for_the_number_of_days_of_a_stay_in_days(rules, admin_user):
    for days in (None, 0, 36526):
        errors = refusal(actor=admin_user, code="DOM_30", **rule_fields(days=days))
        assert errors == {"days": ["Give a number of days from 1 to 36525."]}


def test_it_refuses_an_unknown_state_and_an_empty_description(rules, admin_user):
    errors = refusal(
        actor=admin_user, code="NOWHERE", **rule_fields(description=" ", residence="QQQ")
    )
    assert set(errors) == {"description", "residence"}


def test_it_refuses_a_rule_that_conflicts_with_another_and_saves_nothing(rules, admin_user):
    events = AuditEvent.objects.count()
    errors = refusal(
        actor=admin_user,
        code="HAITIANS_30",
        **rule_fields(description="Haitians for a month", nationality="HTI", priority=0),
    )
    assert errors == {
        "priority": [
            "This rule and the rule CITIZEN apply to the same travellers with the same priority "
            "but permit different stays: give one of them a higher priority."
        ]
    }
    assert not StayRule.objects.filter(code="HAITIANS_30").exists()
    assert AuditEvent.objects.count() == events


def test_a_higher_priority_settles_a_conflict(rules, admin_user):
    stay_rule_save(
        actor=admin_user,
        code="HAITIANS_30",
        **rule_fields(description="Haitians for a month", nationality="HTI", priority=1),
    )
    assert choose(nationality="HTI").code == "HAITIANS_30"


def test_a_change_that_makes_a_rule_conflict_is_refused(rules, admin_user):
    stay_rule_save(actor=admin_user, code="DOM_30", **rule_fields(nationality="CUB"))
    rule = StayRule.objects.get(code="DOM_30")
    errors = refusal(actor=admin_user, rule=rule, **as_is(rule, nationality="HTI", priority=0))
    assert "CITIZEN" in errors["priority"][0]
    assert StayRule.objects.get(code="DOM_30").nationality == "CUB"


def test_an_inactive_rule_conflicts_with_nothing_until_it_is_reactivated(rules, admin_user):
    citizen = rules["CITIZEN"]
    stay_rule_save(actor=admin_user, rule=citizen, **as_is(citizen, is_active=False))
    stay_rule_save(
        actor=admin_user, code="HAITIANS_30", **rule_fields(nationality="HTI", priority=1)
    )
    citizen = StayRule.objects.get(code="CITIZEN")
    errors = refusal(actor=admin_user, rule=citizen, **as_is(citizen, is_active=True, priority=1))
    assert "HAITIANS_30" in errors["priority"][0]
    assert not StayRule.objects.get(code="CITIZEN").is_active


def test_overlapping_rules_with_the_same_stay_do_not_conflict(rules, admin_user):
    # A Cuban resident of Haiti matches CUBANS and RESIDENT, equally specific: both unlimited.
    stay_rule_save(
        actor=admin_user,
        code="CUBANS",
        **rule_fields(nationality="CUB", allowance="unlimited", days=None, priority=0),
    )
    assert choose(nationality="CUB", residence="HTI").code == "CUBANS"
    assert choose(nationality="CUB", residence="HTI").permitted_until is None


def test_deactivating_the_rule_that_settles_a_conflict_between_two_others_is_refused(
    rules, admin_user
):
    # DOM_30 (Dominicans) and CARD_7 (border cards) both match a Dominican with a border card,
    # with different stays; BORDER_CARD, more specific, settles which applies.
    stay_rule_save(actor=admin_user, code="DOM_30", **rule_fields())
    stay_rule_save(
        actor=admin_user,
        code="CARD_7",
        **rule_fields(
            description="Border cards", nationality="", document_kind="border_card", days=7
        ),
    )
    border = rules["BORDER_CARD"]
    with pytest.raises(ValidationError):
        stay_rule_save(actor=admin_user, rule=border, **as_is(border, is_active=False))
    # Otherwise the stay of a Dominican with a border card hangs on the codes' alphabetical order.
    assert choose(nationality="DOM", document_kind="border_card").code == "BORDER_CARD"


def test_a_duplicate_rule_is_refused_without_claiming_the_stays_differ(rules, admin_user):
    errors = refusal(
        actor=admin_user,
        code="HAITIANS",
        **rule_fields(description="Haitians", nationality="HTI", allowance="unlimited", priority=0),
    )
    assert "CITIZEN" in errors["priority"][0]
    assert "different stays" not in errors["priority"][0]
