import pytest

from domain.mrz import check_digit
from domain.mrz.checkdigit import verifies


@pytest.mark.parametrize(
    "text, digit",
    [
        ("520727", 3),  # Part 3 §4.9, worked example: a date
        ("AB2134<<<", 5),  # Part 3 §4.9, worked example: a document number
        ("L898902C3", 6),  # Part 4 specimen: document number, birth, expiry, personal number
        ("740812", 2),
        ("120415", 9),
        ("ZE184226B<<<<<", 1),
        ("L898902C3674081221204159ZE184226B<<<<<1", 0),  # its composite
        ("<<<<<<<<<<<<<<", 0),
        ("", 0),
    ],
)
def test_it_computes_the_check_digits_of_the_specimens(text, digit):
    assert check_digit(text) == digit
    assert verifies(text, str(digit))


@pytest.mark.parametrize("text", ["l898902c3", "L898 902", "É"])
def test_it_refuses_a_character_outside_the_mrz_alphabet(text):
    with pytest.raises(ValueError):
        check_digit(text)
    assert not verifies(text, "0")


@pytest.mark.parametrize("digit", ["<", "G", "", "66", "٦"])
def test_a_check_digit_is_one_ascii_digit(digit):
    assert not verifies("L898902C3", digit)
