import pytest
from django.core.exceptions import ValidationError

from bmis.core.models import AuditEvent
from bmis.reference import services
from bmis.reference.models import Country, RefusalReason

CHANGELIST = "/django-admin/reference/country/"
HAITI = "/django-admin/reference/country/HTI/change/"


def haiti_form(**changes):
    data = {
        "kind": "state",
        "iso_alpha2": "HT",
        "iso_alpha3": "HTI",
        "name_fr": "Haïti",
        "name_ht": "Ayiti",
        "name_en": "Haiti",
        "name_es": "Haití",
        "is_active": "on",
        "_save": "Save",
    }
    return {**data, **changes}


def test_an_administrator_corrects_a_name_and_the_change_is_audited(client, admin_user, reference):
    client.force_login(admin_user)
    for table in ["country", "refusalreason", "travelpurpose"]:
        assert client.get(f"/django-admin/reference/{table}/", {"q": "a"}).status_code == 200
    assert client.get(HAITI).status_code == 200
    response = client.post(HAITI, haiti_form(name_ht="Repiblik Ayiti"))
    assert response.status_code == 302
    assert Country.objects.get(pk="HTI").name_ht == "Repiblik Ayiti"
    event = AuditEvent.objects.get(action="reference.changed")
    assert (event.actor, event.object_id) == (admin_user, "HTI")
    assert event.details == {
        "table": "country",
        "code": "HTI",
        "changes": {"name_ht": {"from": "Ayiti", "to": "Repiblik Ayiti"}},
    }


def test_an_administrator_cannot_change_a_code(client, admin_user, reference):
    client.force_login(admin_user)
    client.post(HAITI, {**haiti_form(), "code": "HAI"})
    assert Country.objects.filter(pk="HTI").exists()
    assert not Country.objects.filter(pk="HAI").exists()


def test_an_administrator_adds_a_code_and_a_malformed_one_is_refused(client, admin_user, db):
    admin_user.language = "en"  # the message id, whatever the catalogues translate
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    add = "/django-admin/reference/country/add/"
    refused = client.post(add, haiti_form(code="hti"))
    assert refused.status_code == 200
    assert "1 to 3 capital letters" in refused.content.decode()
    assert not Country.objects.exists()
    assert client.post(add, haiti_form(code="HTI")).status_code == 302
    event = AuditEvent.objects.get(action="reference.changed")
    assert event.details["changes"]["name_ht"] == {"from": None, "to": "Ayiti"}


def test_nobody_deletes_reference_data_an_administrator_deactivates_it(
    client, admin_user, reference
):
    client.force_login(admin_user)
    assert client.get(HAITI.replace("change", "delete")).status_code == 403
    response = client.post(CHANGELIST, {"action": "deactivate", "_selected_action": ["XXX"]})
    assert response.status_code == 302
    assert not Country.objects.get(pk="XXX").is_active
    event = AuditEvent.objects.get(action="reference.changed")
    assert event.details["changes"] == {"is_active": {"from": True, "to": False}}


def test_the_admin_refuses_staff_who_are_not_administrators(client, analyst, reference):
    analyst.is_staff = True  # an inconsistent account must still not reach reference data
    analyst.save(update_fields=["is_staff"])
    client.force_login(analyst)
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(HAITI, haiti_form(name_en="Hayti")).status_code == 403
    assert Country.objects.get(pk="HTI").name_en == "Haiti"


def test_the_service_records_nothing_when_nothing_changed(admin_user, reference):
    haiti = Country.objects.get(pk="HTI")
    assert services.reference_item_save(actor=admin_user, item=haiti, adding=False) == "unchanged"
    assert not AuditEvent.objects.filter(action="reference.changed").exists()


def test_the_service_refuses_to_add_a_code_twice(admin_user, reference):
    copy = RefusalReason(code="A", name_fr="x", name_ht="x", name_en="x", name_es="x")
    with pytest.raises(ValidationError) as caught:
        services.reference_item_save(actor=admin_user, item=copy, adding=True)
    assert caught.value.message_dict == {"code": ["This code exists already."]}
    assert RefusalReason.objects.get(pk="A").name_en == "Has no valid travel document"
