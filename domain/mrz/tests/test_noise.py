"""Scanner noise is tolerated; OCR look-alikes are repaired only where a check digit proves it."""

import pytest

from domain.mrz import MrzUnreadable, parse
from domain.mrz.tests.vectors import TODAY

TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
MRVA = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
]


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(TD3),
        "\r\n".join(TD3),
        "\r".join(TD3),
        "\n\n  " + "\n\n".join(TD3) + "\n\n\n",
        "\n".join(TD3).lower(),
        "P<UTO ERIKSSON<<ANNA<MARIA <<<<<<<<<<<<<<<<<<<\n"
        "\tL898902C36 UTO 7408122 F 1204159 ZE184226B<<<<<10",
        TD3,
        tuple(TD3),
    ],
)
def test_it_reads_through_scanner_noise(text):
    mrz = parse(text, today=TODAY)
    assert (mrz.valid, mrz.lines, mrz.corrections) == (True, tuple(TD3), ())


def test_it_drops_and_reports_a_stray_character_at_the_end_of_a_line():
    mrz = parse([TD1[0] + "K", TD1[1], TD1[2] + "<"], today=TODAY)
    assert mrz.valid
    assert [(c.field, c.before, c.after) for c in mrz.corrections] == [
        ("line_1", "K", ""),
        ("line_3", "<", ""),
    ]


@pytest.mark.parametrize(
    "text, code, field",
    [
        ("", "empty", None),
        (" \n\t\r\n ", "empty", None),
        (b"P<UTOERIKSSON", "not_text", None),
        (None, "not_text", None),
        (["P<UTO", 7], "not_text", None),
        ("P<UTOERIKSSON<<ANNA", "format", "lines"),
        ("\n".join([*TD1, TD1[2]]), "format", "lines"),
        ("\n".join([TD3[0] + "<<", TD3[1]]), "length", "line_1"),
        ("\n".join([TD3[0], TD3[1][:36]]), "length", "line_2"),
    ],
)
def test_only_what_is_not_mrz_shaped_raises(text, code, field):
    with pytest.raises(MrzUnreadable) as caught:
        parse(text, today=TODAY)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_it_repairs_a_date_when_the_repair_passes_its_check_digit():
    mrz = parse([TD3[0], TD3[1].replace("7408122", "74O8I22")], today=TODAY)
    assert mrz.valid
    assert [(c.field, c.before, c.after) for c in mrz.corrections] == [
        ("birth_date", "74O8I2", "740812")
    ]


def test_it_leaves_a_date_whose_repair_fails_its_check_digit():
    mrz = parse([TD3[0], TD3[1].replace("7408122", "74O8I32")], today=TODAY)
    assert mrz.corrections == ()
    assert {(p.code, p.field) for p in mrz.errors} >= {
        ("check_digit", "birth_date"),
        ("date", "birth_date"),
    }


def test_it_never_repairs_a_document_number_where_letters_and_digits_are_both_legal():
    mrz = parse([TD3[0], TD3[1].replace("L898902C3", "L8989O2C3")], today=TODAY)
    assert mrz.corrections == ()
    assert ("check_digit", "document_number") in {(p.code, p.field) for p in mrz.errors}


def test_it_repairs_letter_fields_only_when_the_composite_proves_the_zone():
    repaired = parse([TD3[0].replace("ERIKSSON", "ERIK55ON"), TD3[1]], today=TODAY)
    assert (repaired.valid, repaired.surname) == (True, "ERIKSSON")
    bad_composite = parse([TD3[0].replace("ERIKSSON", "ERIK55ON"), TD3[1][:-1] + "9"], today=TODAY)
    assert bad_composite.corrections == ()
    assert bad_composite.surname == "ERIK55ON"


def test_it_repairs_no_letter_field_of_a_visa_which_has_no_composite():
    mrz = parse([MRVA[0].replace("ERIKSSON", "ERIK55ON"), MRVA[1]], today=TODAY)
    assert mrz.corrections == ()
    assert [(p.code, p.field) for p in mrz.errors] == [("charset", "name")]


def test_without_repair_it_reports_the_zone_as_printed():
    mrz = parse([TD3[0], TD3[1].replace("7408122", "74O8I22")], today=TODAY, repair=False)
    assert mrz.corrections == ()
    assert mrz.birth_date_raw == "74O8I2"
    assert [(p.code, p.field) for p in mrz.errors] == [
        ("check_digit", "birth_date"),
        ("date", "birth_date"),
        ("check_digit", "composite"),
    ]


def test_characters_outside_the_mrz_alphabet_are_charset_problems_of_their_field():
    mrz = parse([TD3[0], TD3[1].replace("ZE184226B", "ZE1842€6B")], today=TODAY)
    assert ("charset", "optional_data") in {(p.code, p.field) for p in mrz.errors}
