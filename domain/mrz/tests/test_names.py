import pytest

from domain.mrz.names import Name, join, split


@pytest.mark.parametrize(
    "field, name",
    [
        ("ERIKSSON<<ANNA<MARIA<<<<<<<<<<", Name("ERIKSSON", "ANNA MARIA", False)),
        ("VAN<DER<VELDEN<<GREET<HILDE<<<", Name("VAN DER VELDEN", "GREET HILDE", False)),
        ("TEST<<<<<<<<<<<<<<<<<<<<<<<<<<", Name("TEST", "", False)),
        ("<<ANNA<MARIA<<<<<<<<<<<<<<<<<<", Name("", "ANNA MARIA", False)),
        ("<<<<<<<KEIKO<INOUE<<<<<<<<<<<<", Name("", "KEIKO INOUE", False)),
        ("CACADOR<DE<ARAUJO<<ANDRE<ESTEV", Name("CACADOR DE ARAUJO", "ANDRE ESTEV", True)),
        ("<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", Name("", "", False)),
    ],
)
def test_it_splits_a_name_field_into_surname_and_given_names(field, name):
    assert split(field) == name


@pytest.mark.parametrize(
    "surname, given_names, field",
    [
        ("Eriksson", "Anna Maria", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
        ("Tshisekedi", "", "TSHISEKEDI<<<<<<<<<<<<<<<<<<<<"),
        ("", "Keiko", "<<KEIKO<<<<<<<<<<<<<<<<<<<<<<<"),
        # Truncation: the last secondary component goes to its initial, the one before is cut.
        ("Cacador de Araujo", "Andre Estevao Jose", "CACADOR<DE<ARAUJO<<ANDRE<EST<J"),
        # A surname longer than the field leaves two fillers and the given names' initials.
        ("Wolfeschlegelsteinhausenbergerdorff", "Hubert Blaine", "WOLFESCHLEGELSTEINHAUSENB<<H<B"),
        # When even initials cannot fit, the field keeps what it can.
        ("A B C D E F G H I J K L M N O", "P Q", "A<B<C<D<E<F<G<H<I<J<K<L<M<N<O<"),
    ],
)
def test_it_joins_and_truncates_a_name_to_its_field(surname, given_names, field):
    assert join(surname, given_names, 30) == field


def test_a_truncated_name_ends_in_a_letter_in_the_last_position():
    field = join("Nilavadhanananda", "Chayapa Dejthamrong Krasuang", 31)
    assert (field, split(field).truncated) == ("NILAVADHANANANDA<<CHAYAPA<DEJ<K", True)
