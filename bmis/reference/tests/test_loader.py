from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from bmis.core.models import AuditEvent
from bmis.posts.models import Post
from bmis.reference import services
from bmis.reference.data import ICAO_CODES, Coded, Names
from bmis.reference.models import Country, RefusalReason, TravelPurpose

ICAO_ONLY = {
    "D", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "EUE", "XBA", "XIM", "XCC",
    "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XOM", "XDC", "XXA", "XXB", "XXC", "XXX", "RKS",
    "UTO",
}  # fmt: skip


def names(code):
    row = Country.objects.get(pk=code)
    return (row.name_fr, row.name_ht, row.name_en, row.name_es)


def test_it_loads_every_iso_state_and_icao_s_own_codes(reference):
    assert Country.objects.filter(kind="state").count() >= 249
    assert {code.code for code in ICAO_CODES} == ICAO_ONLY
    assert set(Country.objects.values_list("code", flat=True)) >= ICAO_ONLY
    assert dict(
        Country.objects.filter(code__in=["D", "UTO", "XXA", "EUE", "UNK"]).values_list(
            "code", "kind"
        )
    ) == {"D": "icao", "UTO": "specimen", "XXA": "special", "EUE": "organisation", "UNK": "icao"}
    assert reference["countries"] == {
        "created": Country.objects.count(),
        "updated": 0,
        "unchanged": 0,
    }


def test_it_names_icao_s_codes_in_the_four_languages(reference):
    assert names("D") == ("Allemagne", "Almay", "Germany", "Alemania")
    assert names("UTO") == ("Utopie", "Itopi", "Utopia", "Utopía")
    assert names("XXA") == (
        "Apatride (Convention de 1954)",
        "Moun san nasyonalite (Konvansyon 1954)",
        "Stateless person (1954 Convention)",
        "Apátrida (Convención de 1954)",
    )
    germany = Country.objects.get(pk="D")
    assert (germany.iso_alpha2, germany.iso_alpha3) == ("DE", "DEU")


def test_it_names_the_states_in_haitian_creole(reference):
    assert names("HTI") == ("Haïti", "Ayiti", "Haiti", "Haití")
    assert names("DOM")[1] == "Repiblik Dominikèn"
    assert names("USA")[1] == "Etazini"
    assert names("FRA")[1] == "Frans"  # from pycountry's catalogue
    assert names("KOR")[1] == "Kore di Sid"  # missing from pycountry's: ours
    assert names("BOL") == ("Bolivie", "Bolivi", "Bolivia", "Bolivia")  # the common name


def test_every_code_has_a_name_in_every_language(reference):
    for row in Country.objects.all():
        assert all([row.name_fr, row.name_ht, row.name_en, row.name_es]), row.code
    hti = Country.objects.get(pk="HTI")
    assert (hti.iso_alpha2, hti.iso_alpha3, hti.kind) == ("HT", "HTI", "state")


def test_it_loads_the_refusal_reasons_a_to_i_in_order(reference):
    reasons = list(RefusalReason.objects.all())
    assert [reason.code for reason in reasons] == list("ABCDEFGHI")
    first = reasons[0]
    assert first.name_en == "Has no valid travel document"
    assert first.name_fr == "N'est pas en possession d'un document de voyage valable"
    assert first.name_ht == "Pa gen yon dokiman vwayaj ki valab"
    assert first.name_es == "No posee un documento de viaje válido"


def test_it_loads_the_purposes_of_travel(reference):
    codes = list(TravelPurpose.objects.values_list("code", flat=True))
    assert codes[0] == "tourism"
    assert codes[-1] == "other"
    assert {"family", "transit", "official", "resident_return", "border_trade", "crew"} <= set(
        codes
    )
    assert TravelPurpose.objects.get(pk="border_trade").name_ht == "Komès fwontyè (mache)"


def test_it_loads_haiti_s_seventeen_posts(reference):
    kinds = {post.code: post.kind for post in Post.objects.all()}
    assert len(kinds) == 17
    assert sorted(kinds.values()) == sorted(["air"] * 2 + ["land"] * 4 + ["sea"] * 10 + ["mobile"])
    assert {code for code, kind in kinds.items() if kind == "land"} == {"OUA", "BEL", "MAL", "AAP"}
    ouanaminthe = Post.objects.get(code="OUA")
    assert (ouanaminthe.department, ouanaminthe.facing) == ("HT-NE", "Dajabón")
    assert Post.objects.get(code="CAP").iata == "CAP"
    assert Post.objects.get(code="JEEM").department == "HT-GA"
    assert reference["posts"] == {"created": 17, "updated": 0, "unchanged": 0}


def test_it_records_one_reference_loaded_event_with_the_counts(reference):
    event = AuditEvent.objects.get(action="reference.loaded")
    assert event.actor is None
    assert event.details == reference
    assert AuditEvent.objects.filter(action="post.created").count() == 17


def test_a_second_run_changes_nothing_and_records_nothing(reference):
    events = AuditEvent.objects.count()
    again = services.reference_load(actor=None)
    assert all(table["created"] == table["updated"] == 0 for table in again.values())
    assert again["countries"]["unchanged"] == Country.objects.count()
    assert AuditEvent.objects.count() == events


def test_it_sets_back_a_changed_name_and_keeps_a_deactivated_row_deactivated(reference):
    Country.objects.filter(pk="HTI").update(name_en="Hayti")
    Country.objects.filter(pk="XXX").update(is_active=False)
    again = services.reference_load(actor=None)
    assert again["countries"]["updated"] == 1
    assert Country.objects.get(pk="HTI").name_en == "Haiti"
    assert not Country.objects.get(pk="XXX").is_active


def test_it_loads_nothing_when_part_of_the_shipped_data_is_wrong(db, monkeypatch):
    wrong = (Coded("tourism", Names("x" * 201, "x", "x", "x")),)
    monkeypatch.setattr(services, "TRAVEL_PURPOSES", wrong)
    with pytest.raises(ValidationError):
        services.reference_load(actor=None)
    assert not Country.objects.exists()
    assert not Post.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_command_says_when_nothing_changed(db):
    first, second = StringIO(), StringIO()
    call_command("load_reference", stdout=first)
    call_command("load_reference", stdout=second)
    assert "Reference data loaded." in first.getvalue()
    assert "Border posts" in first.getvalue()
    assert "nothing changed" in second.getvalue()
