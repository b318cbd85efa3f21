from bmis.reference.models import Country
from bmis.reference.search import fold, search_countries

ROWS = [
    Country(code="D", iso_alpha2="DE", iso_alpha3="DEU", name_fr="Allemagne", name_ht="Almay",
            name_en="Germany", name_es="Alemania"),
    Country(code="DOM", iso_alpha2="DO", iso_alpha3="DOM", name_fr="République dominicaine",
            name_ht="Repiblik Dominikèn", name_en="Dominican Republic",
            name_es="República Dominicana"),
    Country(code="HTI", iso_alpha2="HT", iso_alpha3="HTI", name_fr="Haïti", name_ht="Ayiti",
            name_en="Haiti", name_es="Haití"),
    Country(code="USA", iso_alpha2="US", iso_alpha3="USA", name_fr="États-Unis",
            name_ht="Etazini", name_en="United States", name_es="Estados Unidos"),
]  # fmt: skip


def codes(query):
    return [country.code for country in search_countries(ROWS, query)]


def test_it_folds_case_and_accents():
    assert fold(" Évêque ") == "eveque"
    assert fold("République DOMINIKÈN") == "republique dominiken"


def test_it_finds_a_name_in_any_language_whatever_its_accents():
    assert codes("etats") == ["USA"]
    assert codes("AYITI") == ["HTI"]
    assert codes("haiti") == ["HTI"]
    assert codes("dominiken") == ["DOM"]


def test_it_puts_an_exact_code_before_codes_and_names_that_begin_alike():
    assert codes("d") == ["D", "DOM", "USA"]  # "United States" has a d
    assert codes("ht") == ["HTI"]  # its ISO alpha-2 code
    assert codes("dom") == ["DOM"]


def test_it_returns_every_row_for_an_empty_query():
    assert codes("  ") == ["D", "DOM", "HTI", "USA"]


def test_it_returns_nothing_when_nothing_matches():
    assert codes("atlantis") == []
