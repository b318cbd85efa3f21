"""Alert lists: lists and entries by hand, imports all or nothing, screening, the commands."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from bmis.core.models import AuditEvent
from bmis.watchlist import services
from bmis.watchlist.models import ListedDocument, ListedPerson, WatchList
from bmis.watchlist.screening import screen
from domain.screening import PartialDate, Traveller

DATA = Path(__file__).resolve().parents[3] / "domain" / "screening" / "tests" / "data" / "sources"
SHARED = Path("/work/shared/data/watchlists")


@pytest.fixture
def countries(db):
    from bmis.reference.models import Country
    from bmis.reference.services import _sync, country_rows

    _sync(Country, country_rows())


def make_list(code="UN-SC", kind="persons", **fields):
    values = {
        "name": "UN Security Council",
        "kind": kind,
        "owner": "United Nations",
        "action": "arrest",
        "priority": "high",
        "threshold": 0.85,
    } | fields
    return services.watchlist_save(actor=None, code=code, **values)


@pytest.fixture
def persons(db):
    return make_list()


@pytest.fixture
def documents(db):
    return make_list("SLTD", "documents", name="Lost and stolen", action="seize")


def test_a_list_is_created_and_each_change_bumps_its_version(persons):
    assert persons.version == 1
    services.watchlist_save(actor=None, watchlist=persons, threshold=0.9)
    persons.refresh_from_db()
    assert persons.version == 2 and persons.threshold == 0.9
    services.watchlist_save(actor=None, watchlist=persons, threshold=0.9)
    assert WatchList.objects.get().version == 2  # no change, no new version
    assert AuditEvent.objects.filter(action="watchlist.updated").count() == 1


@pytest.mark.parametrize(
    "field, value",
    [("threshold", 0.2), ("action", "shoot"), ("priority", "urgent"), ("name", " ")],
)
def test_a_bad_list_is_refused_field_by_field(db, field, value):
    with pytest.raises(ValidationError) as caught:
        make_list(**{field: value})
    assert field in caught.value.message_dict
    assert not WatchList.objects.exists()


def test_a_bad_list_code_is_refused(db):
    with pytest.raises(ValidationError) as caught:
        make_list(code="un sc!")
    assert "code" in caught.value.message_dict


def test_an_entry_added_by_hand_bumps_the_version_and_is_audited(persons, countries):
    entry = services.person_entry(
        source_ref="LOCAL-1",
        names=["Jean-Baptiste Dorsainvil"],
        aliases=["Ti Jean"],
        birth_dates=["1975-03"],
        nationalities=["hti"],
        sex="M",
        documents=[("ab123456", "hti")],
    )
    row = services.entry_save(actor=None, watchlist=persons, entry=entry)
    persons.refresh_from_db()
    assert persons.version == 2
    assert row.primary_name == "Jean-Baptiste Dorsainvil"
    assert row.birth_dates == ["1975-03"] and row.nationalities == ["HTI"]
    assert row.documents == [["AB123456", "HTI"]]
    event = AuditEvent.objects.get(action="watchlist.entry_added")
    assert event.details["source_ref"] == "LOCAL-1"


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("names", {"names": [" "]}),
        ("birth_dates", {"birth_dates": ["15/03/1975"]}),
        ("birth_dates", {"birth_dates": ["1975-02-30"]}),
        ("nationalities", {"nationalities": ["XYZ"]}),
        ("source_ref", {"source_ref": ""}),
    ],
)
def test_a_bad_entry_is_refused(countries, field, kwargs):
    values = {"source_ref": "R1", "names": ["A Name"]} | kwargs
    with pytest.raises(ValidationError) as caught:
        services.person_entry(**values)
    assert field in caught.value.message_dict


def test_an_entry_is_deactivated_never_deleted(persons, countries):
    entry = services.person_entry(source_ref="R1", names=["A Name"])
    row = services.entry_save(actor=None, watchlist=persons, entry=entry)
    with pytest.raises(ValidationError):
        services.entry_set_active(actor=None, row=row, active=False, reason="")
    services.entry_set_active(actor=None, row=row, active=False, reason="Décédé")
    row.refresh_from_db()
    assert not row.is_active and ListedPerson.objects.count() == 1
    assert (
        AuditEvent.objects.get(action="watchlist.entry_deactivated").details["reason"] == "Décédé"
    )


def test_a_document_entry_needs_a_document_list(persons, countries):
    entry = services.document_entry(
        source_ref="", number="L898902C3", issuing_state="UTO", status="stolen"
    )
    assert entry.source_ref == "UTO:L898902C3"
    with pytest.raises(ValidationError):
        services.entry_save(actor=None, watchlist=persons, entry=entry)


def test_importing_the_same_file_twice_changes_nothing(persons):
    first = services.watchlist_import(
        actor=None, watchlist=persons, format="csv", paths=DATA / "persons.csv"
    )
    assert first.created > 0 and first.changed
    version = WatchList.objects.get().version
    second = services.watchlist_import(
        actor=None, watchlist=persons, format="csv", paths=DATA / "persons.csv"
    )
    assert not second.changed and second.unchanged == first.created
    assert WatchList.objects.get().version == version
    assert AuditEvent.objects.filter(action="watchlist.imported").count() == 2


def test_entries_gone_from_a_new_file_are_deactivated(persons, tmp_path):
    services.watchlist_import(
        actor=None, watchlist=persons, format="csv", paths=DATA / "persons.csv"
    )
    lines = (DATA / "persons.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    shorter = tmp_path / "persons.csv"
    shorter.write_text("".join(lines[:-1]), encoding="utf-8")
    result = services.watchlist_import(actor=None, watchlist=persons, format="csv", paths=shorter)
    assert result.deactivated == 1
    assert ListedPerson.objects.filter(is_active=False).count() == 1
    again = services.watchlist_import(
        actor=None, watchlist=persons, format="csv", paths=DATA / "persons.csv"
    )
    assert again.reactivated == 1


def test_a_malformed_file_leaves_the_list_as_it_was(persons, tmp_path):
    services.watchlist_import(
        actor=None, watchlist=persons, format="csv", paths=DATA / "persons.csv"
    )
    count, version = ListedPerson.objects.count(), WatchList.objects.get().version
    broken = tmp_path / "broken.csv"
    text = (DATA / "persons.csv").read_text(encoding="utf-8")
    broken.write_text(text + 'NEW-1,"unterminated\n', encoding="utf-8")
    with pytest.raises(services.ImportFailed) as caught:
        services.watchlist_import(actor=None, watchlist=persons, format="csv", paths=broken)
    assert "broken.csv" in caught.value.message
    assert ListedPerson.objects.count() == count
    assert WatchList.objects.get().version == version


def test_a_file_of_the_wrong_kind_is_refused(documents):
    with pytest.raises(services.ImportFailed):
        services.watchlist_import(
            actor=None, watchlist=documents, format="csv", paths=DATA / "persons.csv"
        )
    assert not ListedDocument.objects.exists()


PERSONS_CSV = (DATA / "persons.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "name, content, code, line, french, spanish",
    [
        (
            "liste nationale.csv",
            PERSONS_CSV.replace("1975-11", "1975-13").encode(),
            "value",
            3,
            "Fichier liste nationale.csv, ligne 3, colonne birth_dates : “1975-13” n’est pas une "
            "date au format AAAA, AAAA-MM ou AAAA-MM-JJ.",
            "Archivo liste nationale.csv, línea 3, columna birth_dates: “1975-13” no es una "
            "fecha con la forma AAAA, AAAA-MM o AAAA-MM-DD.",
        ),
        (
            "latin1.csv",
            PERSONS_CSV.encode().replace("Cap-Haïtien".encode(), "Cap-Haïtien".encode("latin-1")),
            "encoding",
            3,
            "Fichier latin1.csv, ligne 3 : le texte n’est pas en UTF-8 : enregistrez le fichier "
            "en UTF-8 et importez-le de nouveau.",
            "Archivo latin1.csv, línea 3: el texto no está en UTF-8: guarde el archivo en UTF-8 "
            "e impórtelo de nuevo.",
        ),
        (
            "dup.csv",
            (PERSONS_CSV + PERSONS_CSV.splitlines()[1] + "\n").encode(),
            "duplicate",
            7,
            "Fichier dup.csv, ligne 7, colonne ref : la référence “HT-2024-0001” est déjà "
            "utilisée plus haut dans le fichier.",
            "Archivo dup.csv, línea 7, columna ref: la referencia “HT-2024-0001” ya se usa más "
            "arriba en el archivo.",
        ),
    ],
)
def test_a_malformed_file_is_named_with_its_line_in_the_users_language(
    persons, tmp_path, name, content, code, line, french, spanish
):
    services.watchlist_import(
        actor=None, watchlist=persons, format="csv", paths=DATA / "persons.csv"
    )
    count, version = ListedPerson.objects.count(), WatchList.objects.get().version
    path = tmp_path / name
    path.write_bytes(content)
    for language, expected in [("fr", french), ("es", spanish)]:
        with translation.override(language), pytest.raises(services.ImportFailed) as caught:
            services.watchlist_import(actor=None, watchlist=persons, format="csv", paths=path)
        assert caught.value.message == expected
        assert (caught.value.code, caught.value.file, caught.value.line) == (code, name, line)
    assert ListedPerson.objects.count() == count
    assert WatchList.objects.get().version == version
    assert AuditEvent.objects.filter(action="watchlist.imported").count() == 1


def test_an_xml_file_of_another_list_says_it_is_not_the_un_format(persons, tmp_path):
    path = tmp_path / "sdn.xml"
    path.write_bytes((DATA / "ofac_excerpt.xml").read_bytes())
    with translation.override("fr"), pytest.raises(services.ImportFailed) as caught:
        services.watchlist_import(actor=None, watchlist=persons, format="un-xml", paths=path)
    message = caught.value.message
    assert message.startswith("Fichier sdn.xml, ligne 1 : le fichier n’est pas au format un-xml (")
    assert "sdnList" in message and "CONSOLIDATED_LIST" in message  # what it is, what it is not
    assert str(tmp_path) not in message
    assert (caught.value.code, caught.value.line) == ("wrong_format", 1)
    with translation.override("es"), pytest.raises(services.ImportFailed) as caught:
        services.watchlist_import(actor=None, watchlist=persons, format="un-xml", paths=path)
    assert caught.value.message.startswith(
        "Archivo sdn.xml, línea 1: el archivo no está en el formato un-xml ("
    )
    assert not ListedPerson.objects.exists()
    assert WatchList.objects.get().version == persons.version


def test_an_element_at_fault_is_named_by_its_path(persons, tmp_path):
    path = tmp_path / "un.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n'
        "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>\n"
        "</INDIVIDUALS></CONSOLIDATED_LIST>\n",
        encoding="utf-8",
    )
    with translation.override("fr"), pytest.raises(services.ImportFailed) as caught:
        services.watchlist_import(actor=None, watchlist=persons, format="un-xml", paths=path)
    assert caught.value.message == (
        "Fichier un.xml, ligne 4, élément CONSOLIDATED_LIST/INDIVIDUALS[1]/INDIVIDUAL[1] "
        "[REFERENCE_NUMBER] : une valeur obligatoire est absente."
    )


def test_the_import_command_says_in_french_what_is_wrong(persons, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(PERSONS_CSV.replace(",M,", ",X,", 1), encoding="utf-8")
    with translation.override("fr"), pytest.raises(CommandError) as caught:
        call_command(
            "watchlist_import", "--format", "csv", "--list", "UN-SC", str(path), stderr=StringIO()
        )
    assert str(caught.value).endswith(
        "Fichier bad.csv, ligne 2, colonne sex : le sexe doit être M, F ou vide."
    )
    assert str(tmp_path) not in str(caught.value)
    assert not ListedPerson.objects.exists()


def test_screening_finds_a_listed_person_and_a_listed_document(persons, documents):
    services.watchlist_import(
        actor=None, watchlist=documents, format="documents-csv", paths=DATA / "documents.csv"
    )
    services.watchlist_import(
        actor=None, watchlist=persons, format="un-xml", paths=DATA / "un_sc_excerpt.xml"
    )
    row = ListedPerson.objects.exclude(birth_dates=[]).first()
    surname, *given = row.primary_name.split()[::-1]
    hits = screen(Traveller(surname, " ".join(reversed(given))))
    assert str(row.pk) in {hit.entry_id for hit in hits}
    document_hits = screen(Traveller("", document_number="L8989O2C3", document_country="UTO"))
    assert [hit.kind for hit in document_hits] == ["document"]
    assert document_hits[0].watchlist == documents


def test_an_index_is_rebuilt_when_its_list_changes(persons, countries):
    traveller = Traveller("DORSAINVIL", "JEAN BAPTISTE", PartialDate(1975, 3))
    assert screen(traveller) == []
    entry = services.person_entry(source_ref="R1", names=["Jean-Baptiste Dorsainvil"])
    services.entry_save(actor=None, watchlist=persons, entry=entry)
    assert len(screen(traveller)) == 1


def test_the_import_command_says_what_changed(persons, documents):
    out = StringIO()
    call_command(
        "watchlist_import",
        "--format",
        "csv",
        "--list",
        "UN-SC",
        str(DATA / "persons.csv"),
        stdout=out,
        stderr=StringIO(),
    )
    assert "created" in out.getvalue()
    with pytest.raises(CommandError, match="No alert list"):
        call_command(
            "watchlist_import", "--format", "csv", "--list", "NOPE", str(DATA / "persons.csv")
        )
    with translation.override("en"), pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "watchlist_import",
            "--format",
            "un-xml",
            "--list",
            "UN-SC",
            str(DATA / "persons.csv"),
            stderr=StringIO(),
        )


@pytest.mark.skipif(not SHARED.exists(), reason="the shared lists are not on this machine")
def test_the_importers_read_every_shared_list(db):
    un = make_list()
    ofac = make_list("OFAC", name="OFAC SDN", owner="US Treasury", action="refer")
    non_sdn = make_list("OFAC-NS", name="OFAC non-SDN", owner="US Treasury", action="monitor")
    one = services.watchlist_import(
        actor=None,
        watchlist=un,
        format="un-xml",
        paths=SHARED / "un_sc_consolidated_2024-09-26.xml",
    )
    two = services.watchlist_import(
        actor=None,
        watchlist=ofac,
        format="ofac-csv",
        paths=[SHARED / f"ofac_2021-04_{part}.csv" for part in ("sdn", "alt", "add")],
    )
    three = services.watchlist_import(
        actor=None,
        watchlist=non_sdn,
        format="ofac-xml",
        paths=SHARED / "ofac_consolidated_nonsdn_2024-05-06.xml",
    )
    assert (one.created, two.created, three.created) == (682, 4566, 79)


def test_the_screen_command_follows_its_contract(persons, monkeypatch):
    services.watchlist_import(
        actor=None, watchlist=persons, format="un-xml", paths=DATA / "un_sc_excerpt.xml"
    )
    row = ListedPerson.objects.first()
    parts = row.primary_name.split()
    lines = [
        {"ref": "a", "surname": parts[-1], "given_names": " ".join(parts[:-1]), "birth_date": None},
        {"ref": "b", "surname": "NOBODY", "given_names": "NOWHERE", "birth_date": "1990"},
        {"ref": "c", "surname": 12},
    ]
    stdin = StringIO("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    monkeypatch.setattr("sys.stdin", stdin)
    out = StringIO()
    call_command("screen", stdout=out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [result.get("ref") for result in results] == ["a", "b", "c", None]
    hit = results[0]["hits"][0]
    assert set(hit) == {"list", "entry", "source_ref", "kind", "score", "explanation"}
    assert hit["list"] == "UN-SC" and hit["source_ref"] == row.source_ref
    assert hit["kind"] == "name" and 0 <= hit["score"] <= 1
    assert results[1]["hits"] == []
    assert "error" in results[2] and "error" in results[3]
