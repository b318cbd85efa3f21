"""Folding, forms and token similarity of names."""

import pytest

from domain.screening.names import similarity, skeleton, split, tokens


def texts(name):
    return [forms[0].text for forms in tokens(name)]


def all_forms(name):
    return [{form.text for form in forms} for forms in tokens(name)]


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("José Muñoz", ["JOSE", "MUNOZ"]),
        ("Юрий Гагарин", ["YURIY", "GAGARIN"]),
        ("Αλέξης Τσίπρας", ["ALEXIS", "TSIPRAS"]),
        ("O’Brien", ["OBRIEN"]),
        ("SMITH<<JOHN<PAUL", ["SMITH", "JOHN", "PAUL"]),
    ],
)
def test_it_folds_scripts_and_diacritics_to_latin_letters(written, folded):
    assert texts(written) == folded


def test_it_gives_the_icao_form_beside_the_plain_one():
    assert all_forms("Müller") == [{"MULLER", "MUELLER"}]
    assert all_forms("Юрий") == [{"YURIY", "IURII"}]


def test_it_drops_particles_and_honorifics():
    assert texts("Dr. Hajji Abu Bakr al-Baghdadi") == ["ABU", "BAKR", "BAGHDADI"]
    assert texts("Ludwig van Beethoven") == ["LUDWIG", "BEETHOVEN"]
    assert texts("Osama bin Laden") == ["OSAMA", "LADEN"]


def test_it_keeps_a_name_made_only_of_particles():
    assert texts("De La") == ["DE", "LA"]


def test_it_reads_a_glued_particle_both_ways():
    assert all_forms("Alzawahiri") == [{"ALZAWAHIRI", "ZAWAHIRI"}]


def test_it_gives_arabic_script_a_consonant_skeleton():
    assert "MHMD" in all_forms("محمد")[0]
    assert skeleton("MOHAMMED") == "MHMD"


def test_it_keeps_a_script_it_cannot_transliterate_as_written():
    assert split("\U00011a00\U00010d00 X") == ["\U00011a00\U00010d00", "X"]
    assert texts("\U00011a00\U00010d00") == ["\U00011a00\U00010d00"]


@pytest.mark.parametrize(
    ("traveller", "entry", "how"),
    [
        ("SMITH", "SMITH", "exact"),
        ("MOHAMED", "MOHAMMED", "typo"),
        ("YOUSEF", "YUSUF", "phonetic"),
        ("J", "JOHN", "initial"),
        ("MUELLER", "Müller", "transliteration"),
        ("MOHAMMED", "محمد", "transliteration"),
    ],
)
def test_it_says_by_which_rule_two_parts_agree(traveller, entry, how):
    score, found = similarity(tokens(traveller)[0], tokens(entry)[0])
    assert found == how
    assert score >= 0.7


def test_it_matches_a_truncated_last_part_as_a_prefix():
    assert similarity(tokens("ALEXANDR")[0], tokens("ALEXANDRA")[0], prefix=2) == (0.97, "prefix")
    assert similarity(tokens("AL")[0], tokens("ALEXANDRA")[0], prefix=2) == (0.97, "prefix")
    assert similarity(tokens("AL")[0], tokens("ALEXANDRA")[0], prefix=0)[0] < 0.7


def test_it_scores_different_names_low():
    assert similarity(tokens("SMITH")[0], tokens("BROWN")[0])[0] < 0.5
