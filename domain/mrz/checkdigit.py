"""Check digits of machine readable zones (ICAO Doc 9303 Part 3 §4.9).

Each character takes a value (digits their own, A to Z 10 to 35, the filler `<` zero), each value
is multiplied by the weight of its position (7, 3, 1, repeated from the first character), and the
check digit is the sum of the products modulo 10.
"""

import string
from typing import Final

# Part 3 §4.9.1: the value of every character of the MRZ alphabet.
VALUES: Final = {
    **{char: value for value, char in enumerate(string.digits + string.ascii_uppercase)},
    "<": 0,
}
WEIGHTS: Final = (7, 3, 1)  # Part 3 §4.9.2, repeated over the whole field
MODULUS: Final = 10  # Part 3 §4.9.3


def check_digit(text: str) -> int:
    """Return the check digit of `text`; raise ValueError if it holds a non-MRZ character."""
    try:
        total = sum(VALUES[char] * WEIGHTS[i % 3] for i, char in enumerate(text))
    except KeyError as missing:
        raise ValueError(f"{missing} is not in the MRZ alphabet") from None
    return total % MODULUS


def verifies(text: str, digit: str) -> bool:
    """Return whether `digit`, a character as printed, is the check digit of `text`."""
    if not all(char in VALUES for char in text):
        return False
    return digit == str(check_digit(text))
