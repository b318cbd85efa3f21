"""The sieve's bounds, computed on arrays, are the ones the plain rules give name by name."""

import random

import numpy as np
import pytest

from domain.screening import Name, NameIndex, PartialDate, PersonEntry, Traveller, evidence, sieve
from domain.screening.align import bounding
from domain.screening.evidence import DATE_EFFECTS
from domain.screening.index import SEXES

PARTS = [
    "WANG",
    "FANG",
    "FENG",
    "TANG",
    "W",
    "F",
    "MARIA",
    "MARIANNE",
    "MAR",
    "MA",
    "JEAN",
    "JEANNE",
    "ABDUL",
    "RAHMAN",
    "ABDULRAHMAN",
    "MULLER",
    "MUELLER",
    "KHAN",
    "XI",
    "Ó",
]
STATES = ["HTI", "DOM", "USA", "CHN"]


def some_date(rng):
    year = rng.choice((1970, 1971, 1972))
    month, day = rng.choice([(None, None), (3, None), (3, 12), (12, 3), (5, 5), (3, 3)])
    return PartialDate(year, month, day)


@pytest.fixture(scope="module")
def lists():
    rng = random.Random(11)
    entries = [
        PersonEntry(
            f"E{i}",
            tuple(Name(" ".join(rng.sample(PARTS, rng.randint(1, 4)))) for _ in range(2)),
            birth_dates=tuple(some_date(rng) for _ in range(rng.choice((0, 1, 1, 2)))),
            nationalities=tuple(rng.sample(STATES, rng.choice((0, 1, 1, 2)))),
            sex=rng.choice(("", "M", "F")),
            document_numbers=(("P123", "HTI"),) if rng.random() < 0.2 else (),
        )
        for i in range(400)
    ]
    return NameIndex.build(entries)


def travellers():
    rng = random.Random(12)
    for _ in range(150):
        yield Traveller(
            " ".join(rng.sample(PARTS, rng.randint(1, 2))),
            " ".join(rng.sample(PARTS, rng.randint(0, 3))),
            rng.choice((None, some_date(rng))),
            rng.choice(("", "HTI", "FRA", "CHN")),
            rng.choice(("", "M", "F", "X")),
            rng.choice(("", "P123")),
            name_truncated=rng.random() < 0.3,
        )


def test_the_fields_add_what_the_evidence_gives(lists):
    index = lists
    arrays = index._sieve_arrays()
    entries = np.arange(len(index.sexes))
    for traveller in travellers():
        found = sieve.extras(arrays, entries, *index._fields(traveller))
        for entry in range(len(index.sexes)):
            checks = [
                evidence.birth_date(traveller.birth_date, index._dates(entry)),
                evidence.nationality(traveller.nationality, index._nationalities(entry)),
                evidence.sex(traveller.sex, SEXES[index.sexes[entry]]),
            ]
            expected = sum(check.effect for check in checks)
            if traveller.document_number and entry in index.documents:
                expected += evidence.DOCUMENT_EFFECTS["match"]
            assert found[entry] == pytest.approx(expected, abs=1e-12), (traveller, entry)


def test_of_several_birth_dates_the_one_that_adds_most_is_shown():
    index = NameIndex.build(
        [
            PersonEntry(
                "E", (Name("WANG FANG"),), birth_dates=(PartialDate(1970), PartialDate(1970, 12, 3))
            )
        ]
    )
    traveller = Traveller("WANG", "FANG", PartialDate(1970, 3, 12))
    (hit,) = index.search(traveller, 0.5)
    assert hit.explanation.fields[0].outcome == "swapped"
    assert (
        sieve.extras(index._sieve_arrays(), np.array([0]), *index._fields(traveller))[0]
        == (DATE_EFFECTS["swapped"])
    )


def test_the_names_bound_is_aligns_bound(lists):
    index = lists
    arrays = index._sieve_arrays()
    names = np.arange(len(index))
    for traveller in travellers():
        units, parts, surname = index._units(traveller)
        if not units:
            continue
        found = sieve.bounds(arrays, names, units, parts, surname)
        plain = bounding(units, parts, surname)
        for name in range(len(index)):
            tokens = index.name_tokens[index.name_offsets[name] : index.name_offsets[name + 1]]
            texts = [index.vocabulary[token] for token in tokens]
            assert found[name] == pytest.approx(plain(list(tokens), texts), abs=1e-12)
