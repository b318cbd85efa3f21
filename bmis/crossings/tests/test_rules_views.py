"""The stay-rule pages: the list, and the administrator's form to create and change rules."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from bmis.core.models import AuditEvent
from bmis.crossings.models import StayRule

HTMX = {"HX-Request": "true"}
LIST = reverse("crossings:rules")
CREATE = reverse("crossings:rule_create")


def edit(code):
    return reverse("crossings:rule_edit", args=[code])


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])


def form_data(**changes):
    data = {
        "code": "DOM_30",
        "description": "Dominican nationals",
        "nationality": "DOM",
        "document_kind": "",
        "residence": "",
        "allowance": "days",
        "days": "30",
        "priority": "-1",
        "is_active": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def fields_of(rule):
    """Return the form data that leaves `rule` as it is."""
    return form_data(
        code=None,
        description=rule.description,
        nationality=rule.nationality,
        document_kind=rule.document_kind,
        residence=rule.residence,
        allowance=rule.allowance,
        days="" if rule.days is None else str(rule.days),
        priority=str(rule.priority),
        is_active="on" if rule.is_active else None,
    )


@pytest.fixture
def deactivated(reference):
    """The default rules, with RESIDENT deactivated."""
    from bmis.crossings.services import stay_rule_save

    resident = StayRule.objects.get(code="RESIDENT")
    fields = {name: getattr(resident, name) for name in ("description", "residence", "allowance")}
    stay_rule_save(actor=None, rule=resident, **fields, is_active=False)


# --- The list ----------------------------------------------------------------------------------


def test_it_lists_the_rules_to_an_analyst_active_first_in_the_order_they_are_tried(
    client, analyst, deactivated
):
    in_english(analyst)
    client.force_login(analyst)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    codes = [rule.code for rule in response.context["rules"]]
    assert codes == ["BORDER_CARD", "CITIZEN", "VISITOR", "RESIDENT"]
    assert [rule.stay_words for rule in response.context["rules"]] == [
        "Same day",
        "Unlimited",
        "90 days",
        "Unlimited",
    ]
    assert "Dominican Republic" in body and "Haiti" in body and "Border card" in body
    assert "Inactive" in body
    assert "most specific" in body
    assert CREATE not in body
    assert edit("VISITOR") not in body


def test_it_shows_the_administrator_the_links_to_create_and_change_rules(
    client, admin_user, reference
):
    client.force_login(admin_user)
    body = client.get(LIST).content.decode()
    assert f'href="{CREATE}"' in body
    for code in ("VISITOR", "CITIZEN", "RESIDENT", "BORDER_CARD"):
        assert f'href="{edit(code)}"' in body


def test_a_supervisor_and_a_post_chief_read_the_rules(client, supervisor, chief, reference):
    for user in (supervisor, chief):
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == 200
        assert len(response.context["rules"]) == 4
        assert not response.context["can_edit"]


def test_it_names_a_single_day_in_the_singular(client, admin_user, reference):
    from bmis.crossings.services import stay_rule_save

    visitor = StayRule.objects.get(code="VISITOR")
    stay_rule_save(
        actor=None, rule=visitor, description=visitor.description, allowance="days", days=1
    )
    in_english(admin_user)
    client.force_login(admin_user)
    rules = {rule.code: rule for rule in client.get(LIST).context["rules"]}
    assert rules["VISITOR"].stay_words == "1 day"


def test_it_refuses_the_list_to_an_officer_and_a_watchlist_manager(
    client, officer, watchlist_manager, reference
):
    for user in (officer, watchlist_manager):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_it_sends_an_anonymous_visitor_to_sign_in(client, reference):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Creating a rule ---------------------------------------------------------------------------


def test_it_shows_the_administrator_the_form_for_a_new_rule(client, admin_user, reference):
    client.force_login(admin_user)
    response = client.get(CREATE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    for name in ("code", "description", "nationality", "document_kind", "residence"):
        assert f'name="{name}"' in body
    assert '<option value="HTI">' in body
    assert '<option value="border_card">' in body


def test_the_administrator_creates_a_rule_typed_in_lowercase(client, admin_user, reference):
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(code="dom_30"))
    assert response.status_code == 302
    assert response["Location"] == LIST
    rule = StayRule.objects.get(code="DOM_30")
    assert (rule.nationality, rule.allowance, rule.days, rule.priority) == ("DOM", "days", 30, -1)
    event = AuditEvent.objects.get(action="stay_rule.created", actor=admin_user)
    assert event.actor == admin_user
    assert event.details["changed"]["days"] == [None, 30]
    assert "DOM_30" in client.get(LIST).content.decode()


def test_it_asks_for_the_days_of_a_stay_in_days_and_ignores_them_otherwise(
    client, admin_user, reference
):
    in_english(admin_user)
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(days=""))
    assert response.status_code == 200
    assert "Give the number of days the rule permits." in response.content.decode()
    assert not StayRule.objects.filter(code="DOM_30").exists()
    response = client.post(CREATE, form_data(allowance="unlimited", priority="-1", days="7"))
    assert response.status_code == 302
    assert StayRule.objects.get(code="DOM_30").days is None


def test_it_refuses_a_code_with_a_hyphen(client, admin_user, reference):
    in_english(admin_user)
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(code="DOM-30"))
    assert response.status_code == 200
    assert (
        "A rule code is capital letters, digits and underscores, such as VISITOR."
        in response.content.decode()
    )
    assert not StayRule.objects.filter(description="Dominican nationals").exists()


def test_it_shows_a_conflict_on_the_priority_in_an_htmx_fragment(client, admin_user, reference):
    in_english(admin_user)
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(priority="0"), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<form id="rule-form"')
    assert "This rule and the rule RESIDENT apply to the same travellers" in body
    assert not StayRule.objects.filter(code="DOM_30").exists()
    assert response.context["form"].errors["priority"]


def test_it_shows_the_duplicate_code_on_the_code_field(client, admin_user, reference):
    in_english(admin_user)
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(code="visitor"))
    assert response.context["form"].errors["code"] == ["A rule with this code exists already."]
    assert StayRule.objects.get(code="VISITOR").days == 90


def test_it_sends_htmx_back_to_the_list_once_the_rule_is_created(client, admin_user, reference):
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(), headers=HTMX)
    assert response["HX-Redirect"] == LIST
    assert StayRule.objects.filter(code="DOM_30").exists()


def test_it_refuses_the_forms_to_every_role_but_the_administrator(client, cast, reference):
    for role, user in cast.items():
        if role == "admin":
            continue
        client.force_login(user)
        assert client.get(CREATE).status_code == 403, role
        assert client.post(CREATE, form_data()).status_code == 403, role
        assert client.post(edit("VISITOR"), form_data(days="1")).status_code == 403, role
    assert not StayRule.objects.filter(code="DOM_30").exists()
    assert StayRule.objects.get(code="VISITOR").days == 90


# --- Changing a rule ---------------------------------------------------------------------------


def test_the_form_of_a_rule_shows_its_values_and_not_its_code_field(client, admin_user, reference):
    client.force_login(admin_user)
    response = client.get(edit("BORDER_CARD"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert 'name="code"' not in body
    assert '<option value="DOM" selected>' in body
    assert '<option value="border_card" selected>' in body
    assert '<option value="same_day" selected>' in body


def test_a_rule_keeps_a_state_that_was_deactivated_since(client, admin_user, reference):
    from bmis.reference.models import Country

    Country.objects.filter(code="DOM").update(is_active=False)
    client.force_login(admin_user)
    assert '<option value="DOM" selected>' in client.get(edit("BORDER_CARD")).content.decode()
    assert '<option value="DOM">' not in client.get(CREATE).content.decode()
    border = StayRule.objects.get(code="BORDER_CARD")
    response = client.post(edit("BORDER_CARD"), fields_of(border) | {"priority": "1"})
    assert response.status_code == 302
    assert StayRule.objects.get(code="BORDER_CARD").nationality == "DOM"


def test_the_form_of_a_rule_answers_htmx_with_a_fragment(client, admin_user, reference):
    client.force_login(admin_user)
    body = client.get(edit("VISITOR"), headers=HTMX).content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<form id="rule-form"')


def test_the_administrator_changes_the_visitors_stay_and_only_that_is_audited(
    client, admin_user, reference
):
    client.force_login(admin_user)
    visitor = StayRule.objects.get(code="VISITOR")
    response = client.post(edit("VISITOR"), fields_of(visitor) | {"days": "60"})
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert StayRule.objects.get(code="VISITOR").days == 60
    event = AuditEvent.objects.get(action="stay_rule.updated")
    assert event.details == {"code": "VISITOR", "changed": {"days": [90, 60]}}
    assert event.actor == admin_user


def test_saving_a_rule_unchanged_writes_no_audit_event(client, admin_user, reference):
    client.force_login(admin_user)
    citizen = StayRule.objects.get(code="CITIZEN")
    response = client.post(edit("CITIZEN"), fields_of(citizen))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="stay_rule.updated").exists()


def test_the_administrator_deactivates_a_rule_which_stays_listed(client, admin_user, reference):
    client.force_login(admin_user)
    border = StayRule.objects.get(code="BORDER_CARD")
    data = fields_of(border)
    del data["is_active"]
    response = client.post(edit("BORDER_CARD"), data, headers=HTMX)
    assert response["HX-Redirect"] == LIST
    assert not StayRule.objects.get(code="BORDER_CARD").is_active
    rules = client.get(LIST).context["rules"]
    assert [rule.code for rule in rules][-1] == "BORDER_CARD"


def test_it_answers_not_found_for_an_unknown_rule(client, admin_user, reference):
    client.force_login(admin_user)
    assert client.get(edit("NO_SUCH_RULE")).status_code == 404


# --- load_stay_rules ---------------------------------------------------------------------------


@pytest.fixture
def countries(db):
    from bmis.reference.models import Country
    from bmis.reference.services import _sync, country_rows

    _sync(Country, country_rows())


def test_load_stay_rules_creates_the_defaults_once(countries):
    first, second = StringIO(), StringIO()
    call_command("load_stay_rules", stdout=first)
    call_command("load_stay_rules", stdout=second)
    assert first.getvalue().strip() == "Created 4 stay rules."
    assert second.getvalue().strip() == "No stay rule created: the default rules exist already."
    assert set(StayRule.objects.values_list("code", flat=True)) == {
        "VISITOR",
        "CITIZEN",
        "RESIDENT",
        "BORDER_CARD",
    }
    assert AuditEvent.objects.filter(action="stay_rule.created").count() == 4


def test_load_stay_rules_leaves_a_changed_rule_as_it_is(countries):
    from bmis.crossings.services import stay_rule_save

    stay_rule_save(actor=None, code="VISITOR", description="Visitors", allowance="days", days=30)
    out = StringIO()
    call_command("load_stay_rules", stdout=out)
    assert out.getvalue().strip() == "Created 3 stay rules."
    assert StayRule.objects.get(code="VISITOR").days == 30


def test_load_stay_rules_asks_for_the_reference_data_first(db):
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("load_stay_rules", stdout=StringIO())
    assert "load_reference" in str(caught.value)
    assert "after 1 created" in str(caught.value)
