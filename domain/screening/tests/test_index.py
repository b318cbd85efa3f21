"""Searching the name index: every kind of variation a name goes through, and the evidence."""

import pickle
import random

import pytest

from domain.screening import (
    IndexFormatError,
    Name,
    NameIndex,
    PartialDate,
    PersonEntry,
    Traveller,
    TravellerError,
)
from domain.screening import index as index_module
from domain.screening.evidence import date_outcome, pack
from domain.screening.index import _date_slices

ENTRIES = [
    PersonEntry(
        "QDi.001",
        (Name("Müller, Hans Peter"), Name("Hansi Mueller", is_alias=True)),
        birth_dates=(PartialDate(1961, 5, 20),),
        nationalities=("DEU",),
        sex="M",
    ),
    PersonEntry(
        "QDi.002",
        (Name("Abu Bakr al-Baghdadi"), Name("Ibrahim Awad Ibrahim al-Badri", is_alias=True)),
        birth_dates=(PartialDate(1971),),
        nationalities=("IRQ",),
    ),
    PersonEntry("QDi.003", (Name("Юрий Алексеевич Гагарин"),), birth_dates=(PartialDate(1934, 3),)),
    PersonEntry("QDi.004", (Name("Gabriel García Márquez"),), sex="M"),
    PersonEntry("QDi.005", (Name("Maria de los Angeles Van der Berg"),), sex="F"),
    PersonEntry("QDi.006", (Name("محمد حسن"),)),
    PersonEntry("QDi.007", (Name("Alexandra Konstantinopoulou"),)),
    PersonEntry("QDi.008", (Name("Karim"),)),  # a name and nothing else
    PersonEntry("QDi.009", (Name("John Smith"),), birth_dates=(PartialDate(1980, 3, 12),)),
    PersonEntry("QDi.010", (Name("\U00011a00\U00010d00 \U00011a01\U00010d01"),)),
]


@pytest.fixture(scope="module")
def index():
    return NameIndex.build(ENTRIES)


def refs(hits):
    return [hit.entry_ref for hit in hits]


def search(index, surname, given="", threshold=0.8, **fields):
    return index.search(Traveller(surname, given, **fields), threshold)


@pytest.mark.parametrize(
    ("surname", "given", "ref"),
    [
        ("MUELLER", "HANS PETER", "QDi.001"),  # ICAO Ü as UE
        ("MULLER", "HANS PETER", "QDi.001"),  # Ü as U
        ("HANS PETER", "MULLER", "QDi.001"),  # parts in any order
        ("MULLER", "HANS", "QDi.001"),  # a middle name missing
        ("MULLER", "HANS PETER KARL", "QDi.001"),  # one added
        ("MULLER", "H PETER", "QDi.001"),  # an initial
        ("MULER", "HANS PETRE", "QDi.001"),  # typos
        ("BAGHDADI", "ABU BAKR", "QDi.002"),  # the particle dropped
        ("AL BAGHDADI", "ABU BAKR", "QDi.002"),  # particle kept
        ("ALBAGHDADI", "ABU BAKR", "QDi.002"),  # particle glued
        ("GAGARIN", "IURII", "QDi.003"),  # ICAO Cyrillic
        ("GAGARIN", "YURI", "QDi.003"),  # common Latin spelling
        ("GARCIA MARQUEZ", "GABRIEL", "QDi.004"),  # diacritics dropped
        ("GARCIAMARQUEZ", "GABRIEL", "QDi.004"),  # compound surname written as one
        ("VANDERBERG", "MARIA ANGELES", "QDi.005"),
        ("HASSAN", "MOHAMMED", "QDi.006"),  # Arabic script on the list, Latin at the counter
        ("JOHN SMITH", "", "QDi.009"),  # all in the surname field
    ],
)
def test_it_finds_a_listed_person_under_a_variant_of_the_name(index, surname, given, ref):
    assert ref in refs(search(index, surname, given))


def test_it_finds_a_name_truncated_in_the_zone(index):
    traveller = Traveller("KONSTANTINOPOULOU", "ALEXAN", name_truncated=True)
    hit = index.search(traveller, 0.8)[0]
    assert hit.entry_ref == "QDi.007"
    assert ("ALEXAN", "ALEXANDRA", "prefix") in [
        (p.traveller, p.entry, p.how) for p in hit.explanation.name.parts
    ]


def test_it_finds_a_name_in_a_script_it_cannot_transliterate(index):
    hits = search(index, "\U00011a01\U00010d01", "\U00011a00\U00010d00")
    assert refs(hits) == ["QDi.010"]


def test_it_does_not_alert_on_a_different_person(index):
    assert search(index, "BROWN", "JAMES") == []
    assert search(index, "MULLER", "GRETA", birth_date=PartialDate(1990, 1, 1)) == []


def test_it_matches_an_entry_with_only_a_name_on_the_name_alone(index):
    hits = search(index, "KARIM", "", birth_date=PartialDate(1990, 1, 1), nationality="FRA")
    assert refs(hits) == ["QDi.008"]
    assert all(check.outcome == "unknown" for check in hits[0].explanation.fields)


def test_it_explains_which_name_matched_which_part_and_how(index):
    hit = search(index, "MUELLER", "HANS", birth_date=PartialDate(1961, 5, 20), sex="M")[0]
    name = hit.explanation.name
    assert (name.entry_name, name.name_position, name.is_alias) == ("Müller, Hans Peter", 0, False)
    assert [(p.traveller, p.entry, p.how) for p in name.parts] == [
        ("MUELLER", "MULLER", "transliteration"),
        ("HANS", "HANS", "exact"),
    ]
    assert name.entry_unmatched == ("PETER",)
    assert name.traveller_unmatched == ()
    fields = {check.field: (check.outcome, check.effect) for check in hit.explanation.fields}
    assert fields == {
        "birth_date": ("match", 0.20),
        "nationality": ("unknown", 0.0),
        "sex": ("match", 0.01),
    }


@pytest.mark.parametrize(
    ("birth_date", "outcome"),
    [
        (PartialDate(1980, 3, 12), "match"),
        (PartialDate(1980, 12, 3), "swapped"),
        (PartialDate(1980), "partial"),
        (PartialDate(1980, 3), "partial"),
        (PartialDate(1981, 3, 12), "near"),
        (PartialDate(1955, 7, 1), "mismatch"),
        (None, "unknown"),
    ],
)
def test_the_birth_date_raises_or_lowers_the_score(index, birth_date, outcome):
    hit = search(index, "SMITH", "JON", threshold=0.0, birth_date=birth_date)[0]
    check = hit.explanation.fields[0]
    assert (check.field, check.outcome) == ("birth_date", outcome)
    expected = min(1, max(0, hit.explanation.name.score + check.effect))
    assert hit.score == pytest.approx(expected, abs=1e-3)


def test_a_partial_birth_date_on_the_list_agrees_with_a_full_one(index):
    hit = search(index, "GAGARIN", "YURIY", birth_date=PartialDate(1934, 3, 9))[0]
    assert hit.explanation.fields[0].outcome == "partial"


def test_sex_and_nationality_that_disagree_lower_the_score(index):
    agree = search(index, "MULLER", "HANS PETER", nationality="DEU", sex="M")[0]
    differ = search(index, "MULLER", "HANS PETER", threshold=0.0, nationality="FRA", sex="F")[0]
    assert differ.score < agree.score
    assert [c.outcome for c in differ.explanation.fields] == ["unknown", "mismatch", "mismatch"]


def test_a_document_number_the_entry_lists_raises_the_score():
    entry = PersonEntry("X1", (Name("Pedro Alvarez"),), document_numbers=(("AB123456", "COL"),))
    index = NameIndex.build([entry])
    plain = index.search(Traveller("ALVARES", "PEDRO"), 0.0)[0]
    with_document = index.search(Traveller("ALVARES", "PEDRO", document_number="AB-123456"), 0.0)
    assert with_document[0].score > plain.score
    assert with_document[0].explanation.fields[-1].outcome == "match"


def test_the_threshold_is_the_callers(index):
    assert search(index, "MULER", "HANZ", threshold=0.99) == []
    assert refs(search(index, "MULER", "HANZ", threshold=0.6)) == ["QDi.001"]


def test_scores_lie_between_zero_and_one(index):
    hits = search(index, "MULLER", "HANS PETER", threshold=0.0, birth_date=PartialDate(1961, 5, 20))
    assert all(0 <= hit.score <= 1 for hit in hits)
    assert hits[0].score == 1.0


def test_it_returns_nothing_for_an_empty_name(index):
    assert search(index, "", "") == []


def test_it_survives_pickling(index):
    loaded = pickle.loads(pickle.dumps(index))
    assert refs(search(loaded, "MUELLER", "HANS")) == refs(search(index, "MUELLER", "HANS"))


def test_it_refuses_an_index_of_another_version(index):
    state = index.__getstate__() | {"version": 0}
    with pytest.raises(IndexFormatError) as error:
        NameIndex.__new__(NameIndex).__setstate__(state)
    assert error.value.code == "version"


@pytest.mark.parametrize(
    ("traveller", "threshold", "code", "field"),
    [
        (Traveller(None), 0.8, "not_text", "surname"),
        (Traveller("X", birth_date="1961"), 0.8, "date", "birth_date"),
        (Traveller("X", birth_date=PartialDate(1961, 13)), 0.8, "date", "birth_date"),
        (Traveller("X"), 1.5, "threshold", "threshold"),
        ("X", 0.8, "not_text", "traveller"),
    ],
)
def test_it_refuses_what_it_cannot_screen(index, traveller, threshold, code, field):
    with pytest.raises(TravellerError) as error:
        index.search(traveller, threshold)
    assert (error.value.code, error.value.field) == (code, field)


def test_the_date_slices_hold_exactly_the_dates_that_agree():
    """A traveller's birth date reads the postings of the dates that agree with it, and only
    those: every other date is a mismatch (evidence.date_outcome), whatever either side omits."""
    dates = [
        pack(PartialDate(year, month, day))
        for year in (1974, 1975, 1976, 1977)
        for month, day in [(None, None), *[(m, None) for m in (3, 12)], (3, 12), (12, 3), (3, 3)]
        + [(m, d) for m in (1, 3, 12) for d in (1, 3, 12, 28)]
    ]
    for mine in dates:
        slices = _date_slices(mine)
        for listed in dates:
            outcome = date_outcome(mine, listed)
            holding = [how for how, ranges in slices.items() for a, b in ranges if a <= listed <= b]
            assert holding == ([] if outcome == "mismatch" else [outcome]), (mine, listed)


def test_dropping_the_names_of_a_crowd_that_pair_too_weakly_loses_no_hit(monkeypatch):
    """Among many namesakes (WANG FANG, TANG YANG, W FANG…), the names none of whose pairs could
    reach a class's floor are dropped before they are weighed (NameIndex._paired_well); the
    hits are those found when every candidate is weighed, at every threshold and for every
    kind of traveller: initials, a name cut short in the zone, a compound, no birth date."""
    rng = random.Random(7)
    parts = ["WANG", "FANG", "TANG", "YANG", "FENG", "ZHANG", "WEI", "WAN", "W", "F", "FANGWEI"]
    dates = [(), (PartialDate(1954, 6, 13),), (PartialDate(1954),), (PartialDate(1955, 6, 13),)]
    entries = [
        PersonEntry(
            f"E{i}",
            tuple(Name(" ".join(rng.sample(parts, rng.choice((1, 2, 2, 3))))) for _ in range(2)),
            birth_dates=rng.choice(dates),
            nationalities=rng.choice(((), ("CHN",), ("FRA",))),
            sex=rng.choice(("", "M", "F")),
        )
        for i in range(600)
    ]
    index = NameIndex.build(entries)
    travellers = [
        Traveller(surname, given, date, nationality, sex, name_truncated=cut)
        for surname, given, cut in [
            ("WANG", "FANG", False),
            ("FANG", "WANG", False),
            ("TANG", "W", False),
            ("WANG", "FA", True),
            ("WANG", "FANGW", True),
            ("FANGWEI", "", False),
            ("ZHANG", "WEI YANG", False),
        ]
        for date in (None, PartialDate(1954, 6, 13), PartialDate(1954))
        for nationality, sex in (("", ""), ("CHN", "M"))
    ]

    def hits(crowd, threshold):
        monkeypatch.setattr(index_module, "CROWD", crowd)
        fresh = pickle.loads(pickle.dumps(index))  # without the other run's caches
        return [
            [(hit.entry, hit.score) for hit in fresh.search(traveller, threshold)]
            for traveller in travellers
        ]

    for threshold in (0.75, 0.85, 0.9, 0.95):
        weighed_all = hits(10**9, threshold)
        assert any(weighed_all)
        assert hits(0, threshold) == weighed_all, threshold
