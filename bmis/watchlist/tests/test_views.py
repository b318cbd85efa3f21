"""The alert lists' pages: lists, entries by hand, deactivation, imports, and who may do what."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bmis.core.models import AuditEvent
from bmis.watchlist import forms as watchlist_forms
from bmis.watchlist import services
from bmis.watchlist.models import ListedDocument, ListedPerson, WatchList

DATA = Path(__file__).resolve().parents[3] / "domain" / "screening" / "tests" / "data" / "sources"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def english():
    """Give messages in English, their message ids, whatever the catalogues translate."""
    with translation.override("en"):
        yield


def in_english(user):
    """Show the user the interface in English: the message ids, whatever is translated."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def states(db):
    """Load the shipped state and nationality codes (HTI, DOM, D, CHN, UTO…)."""
    from bmis.reference.models import Country
    from bmis.reference.services import _sync, country_rows

    _sync(Country, country_rows())


@pytest.fixture
def manager(watchlist_manager):
    return in_english(watchlist_manager)


@pytest.fixture
def reader(analyst):
    return in_english(analyst)


@pytest.fixture
def wanted(states):
    """A list of persons, HT-WANTED, with no entry yet."""
    return services.watchlist_save(
        actor=None,
        code="HT-WANTED",
        name="Wanted persons",
        kind="persons",
        owner="DCPJ",
        action="arrest",
        priority="high",
        threshold=0.85,
    )


@pytest.fixture
def stolen(states):
    """A list of documents, SLTD, with no entry yet."""
    return services.watchlist_save(
        actor=None,
        code="SLTD",
        name="Stolen and lost documents",
        kind="documents",
        owner="INTERPOL",
        action="seize",
        priority="normal",
        threshold=0.9,
    )


@pytest.fixture
def pierre(wanted):
    """Jean Baptiste PIERRE on HT-WANTED, typed by hand: two names, an alias, two documents."""
    entry = services.person_entry(
        source_ref="HT-2024-0001",
        names=["Jean Baptiste PIERRE", "Jean-Baptiste Pierre"],
        aliases=["Ti Jean"],
        birth_dates=["1980-03-14", "1981"],
        birth_places=["Jacmel, Haïti"],
        nationalities=["HTI", "DOM"],
        sex="M",
        documents=[("HA1234567", "HTI"), ("RD0034", "")],
        notes="refer to secondary inspection",
    )
    return services.entry_save(actor=None, watchlist=wanted, entry=entry)


@pytest.fixture
def stolen_passport(stolen):
    """The stolen passport L898902C3 of Utopia on SLTD."""
    entry = services.document_entry(
        source_ref="SLTD-1", number="L898902C3", issuing_state="UTO", status="stolen"
    )
    return services.entry_save(actor=None, watchlist=stolen, entry=entry)


def url(name, *args):
    return reverse(f"watchlist:{name}", args=args)


def detail_of(row):
    kind = "persons" if isinstance(row, ListedPerson) else "documents"
    return url("entry_detail", row.watchlist.code, kind, row.pk)


def version(code):
    return WatchList.objects.get(code=code).version


def upload(name, content=None):
    data = (DATA / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


# --- The lists --------------------------------------------------------------------------------


def test_it_lists_every_list_with_its_active_entries_to_an_analyst(
    client, reader, pierre, stolen_passport
):
    services.entry_set_active(actor=None, row=stolen_passport, active=False, reason="found")
    client.force_login(reader)
    response = client.get(url("list_index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert f'href="{url("list_detail", "HT-WANTED")}"' in body
    assert f'href="{url("list_detail", "SLTD")}"' in body
    lists = {watchlist.code: watchlist for watchlist in response.context["lists"]}
    assert {code: w.active_entries for code, w in lists.items()} == {"HT-WANTED": 1, "SLTD": 0}
    assert {code: w.state for code, w in lists.items()} == {
        "HT-WANTED": "in_force",
        "SLTD": "in_force",
    }
    assert "Arrest" in body and "Seize the document" in body
    assert url("list_create") not in body


def test_it_says_which_lists_are_not_in_force(client, manager, wanted, stolen):
    services.watchlist_save(actor=None, watchlist=wanted, is_active=False)
    services.watchlist_save(
        actor=None, watchlist=stolen, valid_from=stolen.updated_at.date().replace(year=2099)
    )
    client.force_login(manager)
    response = client.get(url("list_index"))
    body = response.content.decode()
    assert {w.code: w.state for w in response.context["lists"]} == {
        "HT-WANTED": "inactive",
        "SLTD": "not_yet",
    }
    assert "Not yet in force" in body and "Inactive" in body
    assert f'href="{url("list_create")}"' in body


def test_it_filters_the_lists_by_what_they_hold_in_an_htmx_fragment(
    client, manager, wanted, stolen
):
    client.force_login(manager)
    response = client.get(url("list_index"), {"kind": "documents"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert [w.code for w in response.context["lists"]] == ["SLTD"]


@pytest.mark.parametrize("role", ["officer", "supervisor", "post_chief"])
def test_it_refuses_the_lists_to_post_staff_and_audits_it(client, cast, role, wanted, pierre):
    client.force_login(cast[role])
    pages = [
        url("list_index"),
        url("list_detail", "HT-WANTED"),
        detail_of(pierre),
        url("list_create"),
        url("list_import", "HT-WANTED"),
    ]
    for page in pages:
        assert client.get(page).status_code == 403, page
        assert client.get(page, headers=HTMX).status_code == 403, page
    assert AuditEvent.objects.filter(action="access.denied", actor=cast[role]).count() == 10


def test_it_sends_anonymous_visitors_to_sign_in(client, wanted):
    response = client.get(url("list_detail", "HT-WANTED"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_not_found_for_an_unknown_list(client, reader, wanted):
    client.force_login(reader)
    assert client.get(url("list_detail", "NOPE")).status_code == 404
    assert client.get("/watchlists/lowercase/").status_code == 404


def test_a_manager_creates_a_list(client, manager, states):
    client.force_login(manager)
    assert client.get(url("list_create")).status_code == 200
    response = client.post(
        url("list_create"),
        {
            "code": "un-sc",
            "name": "UN Security Council",
            "kind": "persons",
            "owner": "United Nations",
            "source": "UN",
            "action": "deny",
            "priority": "high",
            "threshold": "0.88",
            "valid_from": "2024-01-01",
            "valid_until": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("list_detail", "UN-SC")
    watchlist = WatchList.objects.get(code="UN-SC")
    assert (watchlist.kind, watchlist.action, watchlist.threshold) == ("persons", "deny", 0.88)
    assert str(watchlist.valid_from) == "2024-01-01" and watchlist.is_active
    event = AuditEvent.objects.get(action="watchlist.created")
    assert event.actor == manager and event.object_id == str(watchlist.pk)


def test_a_bad_list_is_shown_with_its_errors_in_an_htmx_fragment(client, manager, wanted):
    client.force_login(manager)
    response = client.post(
        url("list_create"),
        {
            "code": "HT-WANTED",
            "name": "Again",
            "kind": "persons",
            "owner": "DCPJ",
            "action": "arrest",
            "priority": "high",
            "threshold": "0.3",
            "valid_from": "2024-05-01",
            "valid_until": "2024-01-01",
        },
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="list-form"')
    assert "Ensure this value is greater than or equal to 0.5" in body
    assert WatchList.objects.count() == 1
    response = client.post(
        url("list_create"),
        {
            "code": "HT-WANTED",
            "name": "Again",
            "kind": "persons",
            "owner": "DCPJ",
            "action": "arrest",
            "priority": "high",
            "threshold": "0.9",
            "valid_from": "2024-05-01",
            "valid_until": "2024-01-01",
        },
        headers=HTMX,
    )
    errors = response.context["form"].errors
    assert errors["code"] == ["A list with this code exists already."]
    assert errors["valid_until"] == ["The list cannot end before it starts."]


def test_a_manager_changes_a_list_and_its_version_goes_up(client, manager, wanted):
    client.force_login(manager)
    response = client.get(url("list_edit", "HT-WANTED"))
    assert response.status_code == 200
    assert response.context["form"]["threshold"].value() == 0.85
    assert "code" not in response.context["form"].fields
    response = client.post(
        url("list_edit", "HT-WANTED"),
        {
            "name": "Wanted persons",
            "kind": "persons",
            "owner": "DCPJ",
            "action": "refer",
            "priority": "high",
            "threshold": "0.8",
            "is_active": "on",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("list_detail", "HT-WANTED")
    watchlist = WatchList.objects.get(code="HT-WANTED")
    assert (watchlist.action, watchlist.threshold, watchlist.version) == ("refer", 0.8, 2)
    event = AuditEvent.objects.get(action="watchlist.updated")
    assert set(event.details["changed"]) == {"action", "threshold"}


def test_a_list_with_entries_cannot_change_what_it_holds(client, manager, pierre):
    client.force_login(manager)
    response = client.post(
        url("list_edit", "HT-WANTED"),
        {
            "name": "Wanted persons",
            "kind": "documents",
            "owner": "DCPJ",
            "action": "arrest",
            "priority": "high",
            "threshold": "0.85",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "The list has entries: what it holds cannot change."
    ]
    assert WatchList.objects.get(code="HT-WANTED").kind == "persons"


@pytest.mark.parametrize("role", ["analyst", "admin", "officer"])
def test_only_a_manager_creates_or_changes_a_list(client, cast, role, wanted):
    client.force_login(cast[role])
    assert client.get(url("list_create")).status_code == 403
    assert client.post(url("list_create"), {"code": "X1"}).status_code == 403
    assert client.get(url("list_edit", "HT-WANTED")).status_code == 403
    assert (
        client.post(url("list_edit", "HT-WANTED"), {"name": "x"}, headers=HTMX).status_code == 403
    )
    assert WatchList.objects.get(code="HT-WANTED").version == 1


# --- A list's page ----------------------------------------------------------------------------


def test_it_shows_a_list_and_its_active_entries_to_an_administrator(
    client, admin_user, pierre, wanted
):
    in_english(admin_user)
    other = services.entry_save(
        actor=None,
        watchlist=wanted,
        entry=services.person_entry(source_ref="HT-2", names=["Marie-Ange Dézir"]),
    )
    services.entry_set_active(actor=None, row=other, active=False, reason="deceased")
    client.force_login(admin_user)
    response = client.get(url("list_detail", "HT-WANTED"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert [row.source_ref for row in response.context["page"]] == ["HT-2024-0001"]
    assert f'href="{detail_of(pierre)}"' in body
    assert "Jean Baptiste PIERRE" in body and "Dézir" not in body
    assert response.context["active_entries"] == 1
    # administrators read the list's changes, but change nothing
    assert [event.action for event in response.context["events"]][-1] == "watchlist.created"
    assert url("person_create", "HT-WANTED") not in body
    assert url("entry_deactivate", "HT-WANTED", "persons", pierre.pk) not in body


def test_it_hides_the_changes_and_the_actions_from_an_analyst(client, reader, pierre):
    client.force_login(reader)
    response = client.get(url("list_detail", "HT-WANTED"))
    body = response.content.decode()
    assert response.context["events"] is None
    assert "Recent changes to the list" not in body
    assert url("list_import", "HT-WANTED") not in body


def test_it_shows_a_manager_what_they_can_do(client, manager, pierre):
    client.force_login(manager)
    body = client.get(url("list_detail", "HT-WANTED")).content.decode()
    assert f'href="{url("person_create", "HT-WANTED")}"' in body
    assert f'href="{url("list_import", "HT-WANTED")}"' in body
    assert f'href="{url("list_edit", "HT-WANTED")}"' in body
    assert url("entry_deactivate", "HT-WANTED", "persons", pierre.pk) in body
    assert "Add a document" not in body


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("pierre", ["HT-2024-0001"]),
        ("HT-2024-0002", ["HT-2024-0002"]),
        ("ha-765 4321", ["HT-2024-0002"]),  # a document number, typed loosely
        ("nobody", []),
    ],
)
def test_it_searches_persons_by_name_reference_or_document_in_an_htmx_fragment(
    client, manager, wanted, q, found
):
    services.watchlist_import(
        actor=None, watchlist=wanted, format="csv", paths=DATA / "persons.csv"
    )
    client.force_login(manager)
    response = client.get(url("list_detail", "HT-WANTED"), {"q": q}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert [row.source_ref for row in response.context["page"]] == found


def test_it_searches_documents_by_number_and_filters_them_by_state(
    client, reader, stolen, stolen_passport
):
    services.watchlist_import(
        actor=None, watchlist=stolen, format="documents-csv", paths=DATA / "documents.csv"
    )  # the file does not hold SLTD-1: it is deactivated
    client.force_login(reader)
    detail = url("list_detail", "SLTD")
    found = client.get(detail, {"q": "ha0012345"}).context["page"]
    assert [row.number for row in found] == ["HA0012345"]
    inactive = client.get(detail, {"state": "inactive"}).context["page"]
    assert [row.source_ref for row in inactive] == ["SLTD-1"]
    every = client.get(detail, {"state": "all"}, headers=HTMX).context["page"]
    assert len(every) == 5
    assert client.get(detail, {"state": "bogus"}).context["page"].paginator.count == 4


def test_it_pages_the_entries(client, reader, wanted):
    ListedPerson.objects.bulk_create(
        ListedPerson(
            watchlist=wanted,
            source_ref=f"REF-{number:03d}",
            primary_name=f"Person {number:03d}",
            names=[{"full": f"Person {number:03d}", "is_alias": False}],
        )
        for number in range(60)
    )
    client.force_login(reader)
    first = client.get(url("list_detail", "HT-WANTED"))
    assert len(first.context["page"]) == 50
    assert "?page=2" in first.content.decode()
    second = client.get(url("list_detail", "HT-WANTED"), {"page": "2"})
    assert second.context["page"][0].source_ref == "REF-050"
    assert client.get(url("list_detail", "HT-WANTED"), {"page": "x"}).status_code == 200


# --- Persons by hand --------------------------------------------------------------------------


PERSON = {
    "source_ref": "HT-2024-0099",
    "names": "Wilner DORSAINVIL\r\nWilner Dorsainvil",
    "aliases": "Ti Will\n\n",
    "birth_dates": "1970-02\n1971",
    "birth_places": "Gonaïves",
    "nationalities": "hti, dom",
    "sex": "M",
    "documents": "HA-1234567 HTI\nRD99",
    "notes": "armed",
}


def test_a_manager_adds_a_person_and_the_list_version_goes_up(client, manager, wanted):
    client.force_login(manager)
    assert client.get(url("person_create", "HT-WANTED")).status_code == 200
    response = client.post(url("person_create", "HT-WANTED"), PERSON)
    row = ListedPerson.objects.get(source_ref="HT-2024-0099")
    assert response.status_code == 302
    assert response["Location"] == detail_of(row)
    assert row.primary_name == "Wilner DORSAINVIL"
    assert [(name["full"], name["is_alias"]) for name in row.names] == [
        ("Wilner DORSAINVIL", False),
        ("Wilner Dorsainvil", False),
        ("Ti Will", True),
    ]
    assert row.birth_dates == ["1970-02", "1971"]
    assert row.nationalities == ["HTI", "DOM"]
    assert row.documents == [["HA1234567", "HTI"], ["RD99", ""]]
    assert (row.sex, row.notes, row.birth_places) == ("M", "armed", ["Gonaïves"])
    assert version("HT-WANTED") == 2
    event = AuditEvent.objects.get(action="watchlist.entry_added")
    assert event.actor == manager
    assert (event.object_type, event.object_id) == ("watchlist.listedperson", str(row.pk))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_dates", "1961-02-30", "1961-02-30 is not a date that exists."),
        ("birth_dates", "12/05/1961", "Write each date of birth as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("nationalities", "HTI XXQ", "Unknown nationality codes: XXQ."),
        ("documents", "HA123 HTI extra", "Write each document as its number then its state"),
        ("documents", "HA123 QQQ", "Unknown issuing state QQQ for the document HA123."),
        ("names", "\n  \n", "This field is required."),
        ("source_ref", "R" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_a_bad_person_is_shown_with_the_error_in_an_htmx_fragment(
    client, manager, wanted, field, value, message
):
    client.force_login(manager)
    response = client.post(
        url("person_create", "HT-WANTED"), {**PERSON, field: value}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="entry-form"')
    assert any(message in error for error in response.context["form"].errors[field])
    assert not ListedPerson.objects.exists()
    assert version("HT-WANTED") == 1


def test_a_reference_already_on_the_list_is_refused(client, manager, pierre):
    client.force_login(manager)
    response = client.post(
        url("person_create", "HT-WANTED"), {**PERSON, "source_ref": "HT-2024-0001"}
    )
    assert response.context["form"].errors["source_ref"] == [
        "An entry with this reference is on the list."
    ]


def test_the_edit_form_shows_the_person_as_stored(client, manager, pierre):
    client.force_login(manager)
    form = client.get(url("person_edit", "HT-WANTED", pierre.pk)).context["form"]
    assert form["names"].value() == "Jean Baptiste PIERRE\nJean-Baptiste Pierre"
    assert form["aliases"].value() == "Ti Jean"
    assert form["birth_dates"].value() == "1980-03-14\n1981"
    assert form["nationalities"].value() == "HTI DOM"
    assert form["documents"].value() == "HA1234567 HTI\nRD0034"


def test_a_manager_changes_a_person_and_the_change_is_audited(client, manager, pierre):
    client.force_login(manager)
    form = client.get(url("person_edit", "HT-WANTED", pierre.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["aliases"] = "Ti Jean\nJB"
    response = client.post(url("person_edit", "HT-WANTED", pierre.pk), data, headers=HTMX)
    assert response["HX-Redirect"] == detail_of(pierre)
    pierre.refresh_from_db()
    assert [name["full"] for name in pierre.names if name["is_alias"]] == ["Ti Jean", "JB"]
    assert version("HT-WANTED") == 3
    event = AuditEvent.objects.get(action="watchlist.entry_changed")
    assert event.actor == manager and list(event.details["changed"]) == ["names"]


def test_saving_a_person_unchanged_changes_nothing(client, manager, wanted):
    services.watchlist_import(
        actor=None, watchlist=wanted, format="csv", paths=DATA / "persons.csv"
    )
    imported = ListedPerson.objects.get(source_ref="HT-2024-0001")  # surname, given names
    client.force_login(manager)
    form = client.get(url("person_edit", "HT-WANTED", imported.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(url("person_edit", "HT-WANTED", imported.pk), data, follow=True)
    assert "Nothing changed." in response.content.decode()
    assert version("HT-WANTED") == 2  # the import's bump only
    assert not AuditEvent.objects.filter(action="watchlist.entry_changed").exists()
    imported.refresh_from_db()
    assert imported.names[0]["surname"] == "PIERRE"


def test_persons_belong_to_lists_of_persons(client, manager, stolen, stolen_passport):
    client.force_login(manager)
    assert client.get(url("person_create", "SLTD")).status_code == 404
    assert client.get(url("person_edit", "SLTD", stolen_passport.pk)).status_code == 404
    assert client.get(url("entry_detail", "SLTD", "persons", stolen_passport.pk)).status_code == 404


@pytest.mark.parametrize("role", ["analyst", "admin", "supervisor"])
def test_only_a_manager_adds_or_changes_an_entry(client, cast, role, pierre, stolen):
    client.force_login(cast[role])
    pages = [
        url("person_create", "HT-WANTED"),
        url("person_edit", "HT-WANTED", pierre.pk),
        url("document_create", "SLTD"),
    ]
    for page in pages:
        assert client.get(page).status_code == 403
        assert client.post(page, PERSON, headers=HTMX).status_code == 403
    assert version("HT-WANTED") == 2


# --- Documents by hand ------------------------------------------------------------------------


def test_a_manager_adds_a_document_and_changes_it(client, manager, stolen):
    client.force_login(manager)
    page = client.get(url("document_create", "SLTD"))
    assert ("HTI", "HTI — Haiti") in page.context["form"].fields["issuing_state"].choices
    response = client.post(
        url("document_create", "SLTD"),
        {"number": "ha 001-2345", "issuing_state": "HTI", "document_type": "p", "status": "lost"},
    )
    row = ListedDocument.objects.get()
    assert response["Location"] == detail_of(row)
    assert (row.source_ref, row.number, row.document_type) == ("HTI:HA0012345", "HA0012345", "P")
    assert version("SLTD") == 2
    form = client.get(url("document_edit", "SLTD", row.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields} | {"status": "stolen"}
    response = client.post(url("document_edit", "SLTD", row.pk), data, headers=HTMX)
    assert response["HX-Redirect"] == detail_of(row)
    row.refresh_from_db()
    assert row.status == "stolen"
    assert version("SLTD") == 3
    actions = AuditEvent.objects.filter(object_id=str(row.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["watchlist.entry_added", "watchlist.entry_changed"]


def test_a_bad_document_is_shown_with_its_errors_in_an_htmx_fragment(client, manager, stolen):
    client.force_login(manager)
    response = client.post(
        url("document_create", "SLTD"),
        {"number": "№ 12", "issuing_state": "ZZZ", "status": "melted"},
        headers=HTMX,
    )
    body = response.content.decode()
    errors = response.context["form"].errors
    assert body.lstrip().startswith('<form id="entry-form"')
    assert set(errors) == {"issuing_state", "status"}
    response = client.post(
        url("document_create", "SLTD"), {"number": "№ 12", "status": "lost"}, headers=HTMX
    )
    errors = response.context["form"].errors
    assert errors["number"] == ["A document number is 1 to 40 letters A-Z and digits."]
    assert not ListedDocument.objects.exists()


# --- An entry's page --------------------------------------------------------------------------


def test_it_shows_a_manager_everything_a_person_holds_and_its_history(client, manager, pierre):
    services.entry_set_active(actor=manager, row=pierre, active=False, reason="arrested")
    client.force_login(manager)
    response = client.get(detail_of(pierre))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    for shown in [
        "Jean Baptiste PIERRE",
        "Jean-Baptiste Pierre",
        "Ti Jean",
        "alias",
        "1980-03-14, 1981",
        "Jacmel, Haïti",
        "Haiti",
        "Dominican Republic",
        "HA1234567",
        "RD0034",
        "refer to secondary inspection",
        "Deactivated",
        "Male",
    ]:
        assert shown in body, shown
    assert [event.action for event in response.context["events"]] == [
        "watchlist.entry_deactivated",
        "watchlist.entry_added",
    ]
    assert "Reason: arrested" in body
    assert f'href="{url("person_edit", "HT-WANTED", pierre.pk)}"' in body
    assert url("entry_reactivate", "HT-WANTED", "persons", pierre.pk) in body


def test_it_shows_an_analyst_a_document_but_not_its_history(client, reader, stolen_passport):
    client.force_login(reader)
    response = client.get(detail_of(stolen_passport), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "L898902C3" in body and "Stolen" in body and "UTO" in body
    assert response.context["events"] is None
    assert "Changes to this entry" not in body
    assert url("document_edit", "SLTD", stolen_passport.pk) not in body


def test_it_refuses_an_entry_to_an_officer(client, officer, stolen_passport):
    client.force_login(officer)
    assert client.get(detail_of(stolen_passport)).status_code == 403


# --- Deactivating and reactivating ------------------------------------------------------------


def test_a_manager_deactivates_an_entry_and_htmx_swaps_its_row(client, manager, pierre):
    client.force_login(manager)
    response = client.post(
        url("entry_deactivate", "HT-WANTED", "persons", pierre.pk),
        {"reason": "arrested on 2024-06-01", "next": url("list_detail", "HT-WANTED")},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="entry-{pierre.pk}"')
    assert "Deactivated" in body
    assert url("entry_reactivate", "HT-WANTED", "persons", pierre.pk) in body
    pierre.refresh_from_db()
    assert not pierre.is_active
    assert version("HT-WANTED") == 3
    event = AuditEvent.objects.get(action="watchlist.entry_deactivated")
    assert event.actor == manager and event.details["reason"] == "arrested on 2024-06-01"


def test_a_deactivation_needs_a_reason(client, manager, pierre):
    client.force_login(manager)
    response = client.post(
        url("entry_deactivate", "HT-WANTED", "persons", pierre.pk), {"reason": " "}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body and "<details open>" in body
    pierre.refresh_from_db()
    assert pierre.is_active and version("HT-WANTED") == 2


def test_a_plain_post_reactivates_and_goes_back_where_it_came_from(
    client, manager, stolen_passport
):
    services.entry_set_active(actor=None, row=stolen_passport, active=False, reason="found")
    client.force_login(manager)
    back = detail_of(stolen_passport)
    reactivate = url("entry_reactivate", "SLTD", "documents", stolen_passport.pk)
    response = client.post(reactivate, {"reason": "stolen again", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    stolen_passport.refresh_from_db()
    assert stolen_passport.is_active
    assert version("SLTD") == 4
    page = client.get(back)
    assert "Entry SLTD-1 reactivated; the list SLTD is at version 4." in page.content.decode()
    # an address elsewhere is not followed
    response = client.post(
        url("entry_deactivate", "SLTD", "documents", stolen_passport.pk),
        {"reason": "x", "next": "https://evil.example/"},
    )
    assert response["Location"] == url("list_detail", "SLTD")


def test_deactivation_is_a_post_by_a_manager(client, cast, pierre):
    deactivate = url("entry_deactivate", "HT-WANTED", "persons", pierre.pk)
    client.force_login(cast["watchlist_manager"])
    assert client.get(deactivate).status_code == 405
    for role in ["analyst", "admin", "officer"]:
        client.force_login(cast[role])
        assert client.post(deactivate, {"reason": "x"}).status_code == 403
        assert client.post(deactivate, {"reason": "x"}, headers=HTMX).status_code == 403
    pierre.refresh_from_db()
    assert pierre.is_active


# --- Imports ----------------------------------------------------------------------------------


def test_a_manager_imports_our_person_csv_and_twice_changes_nothing(client, manager, wanted):
    client.force_login(manager)
    page = client.get(url("list_import", "HT-WANTED"))
    assert page.status_code == 200
    assert [code for code, _title in page.context["form"].fields["format"].choices] == [
        "csv",
        "un-xml",
        "ofac-csv",
        "ofac-xml",
        "opensanctions",
    ]
    response = client.post(
        url("list_import", "HT-WANTED"), {"format": "csv", "files": upload("persons.csv")}
    )
    assert response.status_code == 302
    assert response["Location"] == url("list_detail", "HT-WANTED")
    assert ListedPerson.objects.filter(watchlist=wanted, is_active=True).count() == 4
    assert version("HT-WANTED") == 2
    body = client.get(response["Location"]).content.decode()
    assert "Created: 4; updated: 0; reactivated: 0; unchanged: 0; deactivated: 0." in body
    event = AuditEvent.objects.get(action="watchlist.imported")
    assert event.actor == manager and event.details["files"] == ["persons.csv"]

    response = client.post(
        url("list_import", "HT-WANTED"),
        {"format": "csv", "files": upload("persons.csv")},
        follow=True,
    )
    body = response.content.decode()
    assert "Created: 0; updated: 0; reactivated: 0; unchanged: 4; deactivated: 0." in body
    assert "Nothing changed: the list already held this file." in body
    assert version("HT-WANTED") == 2


def test_a_manager_imports_our_document_csv_in_htmx(client, manager, stolen):
    client.force_login(manager)
    response = client.post(
        url("list_import", "SLTD"),
        {"format": "documents-csv", "files": upload("documents.csv")},
        headers=HTMX,
    )
    assert response["HX-Redirect"] == url("list_detail", "SLTD")
    assert ListedDocument.objects.filter(watchlist=stolen).count() == 4
    assert version("SLTD") == 2


def test_a_malformed_file_leaves_the_list_as_it_was_and_says_why(client, manager, wanted):
    services.watchlist_import(
        actor=None, watchlist=wanted, format="csv", paths=DATA / "persons.csv"
    )
    good = (DATA / "persons.csv").read_text(encoding="utf-8-sig")
    broken = good.replace("1975-11", "1975-13").replace("HT-2024-0004", "HT-2024-0005")
    client.force_login(manager)
    response = client.post(
        url("list_import", "HT-WANTED"),
        {"format": "csv", "files": upload("persons.csv", broken.encode())},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="import-form"')
    [error] = response.context["form"].non_field_errors()
    assert error == (
        "Nothing was imported. File persons.csv, line 3, column birth_dates: “1975-13” is not a "
        "date in the form YYYY, YYYY-MM or YYYY-MM-DD."
    )
    assert version("HT-WANTED") == 2
    assert set(
        ListedPerson.objects.filter(is_active=True).values_list("source_ref", flat=True)
    ) == {
        "HT-2024-0001",
        "HT-2024-0002",
        "HT-2024-0003",
        "HT-2024-0004",
    }
    assert AuditEvent.objects.filter(action="watchlist.imported").count() == 1


def test_a_malformed_file_is_named_as_chosen_in_the_managers_language(
    client, watchlist_manager, wanted
):
    watchlist_manager.language = "es"
    watchlist_manager.save(update_fields=["language"])
    good = (DATA / "persons.csv").read_text(encoding="utf-8-sig")
    client.force_login(watchlist_manager)
    response = client.post(
        url("list_import", "HT-WANTED"),
        {
            "format": "csv",
            "files": upload("Lista nacional (v2).csv", good.replace("HTI", "HTX").encode()),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "No se importó nada. Archivo Lista nacional (v2).csv, línea 2, columna nationalities: "
        "“HTX” no es un código de país alfa-3 u OACI."
    ]
    assert "bmis-import-" not in response.content.decode()  # not where the upload was kept
    assert not ListedPerson.objects.exists()
    assert version("HT-WANTED") == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff\xfe garbage \x89PNG", b"ref,surname\nA,B\n", "é".encode("latin-1") * 50],
)
def test_garbage_files_are_refused_without_a_crash(client, manager, wanted, content):
    client.force_login(manager)
    for format in ["csv", "un-xml", "ofac-csv", "ofac-xml", "opensanctions"]:
        response = client.post(
            url("list_import", "HT-WANTED"),
            {"format": format, "files": upload("list.bin", content)},
        )
        assert response.status_code == 200, format
        assert response.context["form"].errors, format
    assert not ListedPerson.objects.exists()
    assert version("HT-WANTED") == 1


def test_a_file_of_another_kind_or_format_is_refused(client, manager, stolen):
    client.force_login(manager)
    response = client.post(
        url("list_import", "SLTD"), {"format": "csv", "files": upload("persons.csv")}
    )
    assert "format" in response.context["form"].errors
    response = client.post(
        url("list_import", "SLTD"), {"format": "documents-csv", "files": upload("persons.csv")}
    )
    assert response.context["form"].non_field_errors()
    assert not ListedDocument.objects.exists()


def test_files_too_large_or_too_many_are_refused(client, manager, wanted, monkeypatch):
    monkeypatch.setattr(watchlist_forms, "MAX_UPLOAD_BYTES", 100)
    client.force_login(manager)
    response = client.post(
        url("list_import", "HT-WANTED"), {"format": "csv", "files": upload("persons.csv")}
    )
    assert response.context["form"].errors["files"] == [
        "The file persons.csv is larger than 200 MB: an administrator can import it with the "
        "command manage.py watchlist_import."
    ]
    files = [upload(name, b"x") for name in ["a_sdn.csv", "a_alt.csv", "a_add.csv", "d.csv"]]
    response = client.post(url("list_import", "HT-WANTED"), {"format": "ofac-csv", "files": files})
    assert response.context["form"].errors["files"] == ["Choose at most 3 files."]
    response = client.post(url("list_import", "HT-WANTED"), {"format": "csv"})
    assert response.context["form"].errors["files"] == ["This field is required."]
    assert not ListedPerson.objects.exists()


def test_the_ofac_csv_list_is_imported_from_its_three_files(client, manager, wanted):
    client.force_login(manager)
    files = [
        upload(name)
        for name in ["ofac_excerpt_sdn.csv", "ofac_excerpt_alt.csv", "ofac_excerpt_add.csv"]
    ]
    response = client.post(
        url("list_import", "HT-WANTED"), {"format": "ofac-csv", "files": files}, follow=True
    )
    assert response.status_code == 200
    assert ListedPerson.objects.filter(watchlist=wanted).exists()
    assert version("HT-WANTED") == 2


def test_the_import_form_is_an_htmx_fragment_and_a_managers_page(client, cast, wanted):
    client.force_login(cast["watchlist_manager"])
    body = client.get(url("list_import", "HT-WANTED"), headers=HTMX).content.decode()
    assert body.lstrip().startswith('<form id="import-form"')
    assert 'enctype="multipart/form-data"' in body
    for role in ["analyst", "admin"]:
        client.force_login(cast[role])
        assert client.get(url("list_import", "HT-WANTED")).status_code == 403
        response = client.post(
            url("list_import", "HT-WANTED"), {"format": "csv", "files": upload("persons.csv")}
        )
        assert response.status_code == 403
    assert not ListedPerson.objects.exists()


# --- Garbage ----------------------------------------------------------------------------------


GARBAGE = [
    "\x00",
    "a\x00b",
    "A" * 5000,
    "é\u202e\ufeff🛂",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "//evil.example/",
    "-1",
    "9" * 40,
    "",
]
FIELDS = [
    "q",
    "state",
    "page",
    "kind",
    "code",
    "name",
    "owner",
    "action",
    "priority",
    "threshold",
    "valid_from",
    "valid_until",
    "source_ref",
    "names",
    "aliases",
    "birth_dates",
    "nationalities",
    "sex",
    "documents",
    "number",
    "issuing_state",
    "status",
    "reason",
    "next",
    "format",
    "files",
]


def test_garbage_in_any_field_never_crashes_a_page(client, manager, pierre, stolen_passport):
    pages = [
        url("list_index"),
        url("list_create"),
        url("list_detail", "HT-WANTED"),
        url("list_edit", "HT-WANTED"),
        url("list_import", "HT-WANTED"),
        url("person_create", "HT-WANTED"),
        url("person_edit", "HT-WANTED", pierre.pk),
        url("document_create", "SLTD"),
        url("document_edit", "SLTD", stolen_passport.pk),
        detail_of(pierre),
        url("entry_deactivate", "HT-WANTED", "persons", pierre.pk),
        url("entry_reactivate", "SLTD", "documents", stolen_passport.pk),
    ]
    client.force_login(manager)
    for page in pages:
        for value in GARBAGE:
            data = dict.fromkeys(FIELDS, value)
            for response in [client.get(page, data), client.post(page, data, headers=HTMX)]:
                assert response.status_code < 500, (page, value)
