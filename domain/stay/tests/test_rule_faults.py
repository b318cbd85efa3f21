"""A set of rules an administrator configured is checked before it is used."""

import pytest

from domain.stay import SAME_DAY, UNLIMITED, Allowance, RuleError, StayRule, faults, validate

NINETY = Allowance("days", 90)


def faults_found(rules):
    return [(e.code, e.field, e.rule, e.other) for e in faults(rules)]


@pytest.mark.parametrize(
    "days", [-1, 0, 36_526, True, "90", 2.5, None], ids=lambda days: f"days={days!r}"
)
def test_it_refuses_a_number_of_days_that_is_not_a_whole_number_of_at_least_one(days):
    rules = [StayRule("BAD", None, None, None, Allowance("days", days))]
    assert faults_found(rules) == [("days", "stay", "BAD", None)]


@pytest.mark.parametrize("stay", [Allowance("unlimited", 5), Allowance("same_day", 1)])
def test_it_refuses_days_on_a_stay_that_takes_none(stay):
    assert faults_found([StayRule("BAD", None, None, None, stay)]) == [
        ("days", "stay", "BAD", None)
    ]


@pytest.mark.parametrize("kind", ["weeks", "", "DAYS", None])
def test_it_refuses_an_unknown_kind_of_stay(kind):
    rules = [StayRule("BAD", None, None, None, Allowance(kind, 3))]
    assert faults_found(rules) == [("kind", "stay", "BAD", None)]


@pytest.mark.parametrize("field", ["nationality", "document_type", "residence"])
def test_it_refuses_a_blank_criterion_where_none_was_meant(field):
    criteria = {"nationality": None, "document_type": None, "residence": None, field: ""}
    rules = [StayRule("BLANK", **criteria, stay=NINETY)]
    assert faults_found(rules) == [("blank_criterion", field, "BLANK", None)]


def test_it_refuses_two_rules_with_one_code():
    rules = [
        StayRule("CITIZEN", "HTI", None, None, UNLIMITED),
        StayRule("CITIZEN", "DOM", None, None, NINETY),
    ]
    assert faults_found(rules) == [("duplicate_code", "code", "CITIZEN", None)]


def test_it_refuses_two_rules_with_the_same_criteria_and_priority():
    rules = [
        StayRule("VISITOR_B", None, "P", None, NINETY),
        StayRule("VISITOR_A", None, "P", None, NINETY),
    ]
    assert faults_found(rules) == [("ambiguous", "priority", "VISITOR_A", "VISITOR_B")]


def test_a_priority_settles_two_rules_with_the_same_criteria():
    rules = [
        StayRule("VISITOR", None, "P", None, NINETY),
        StayRule("VISITOR_2026", None, "P", None, Allowance("days", 30), priority=1),
    ]
    assert faults(rules) == ()


def test_it_refuses_overlapping_rules_whose_stay_would_hang_on_their_codes():
    # A Dominican living in the border zone matches both, equally specific: 30 days or the day?
    rules = [
        StayRule("DOMINICAN", "DOM", None, None, Allowance("days", 30)),
        StayRule("BORDER_ZONE", None, None, "DOM_BORDER", SAME_DAY),
    ]
    assert faults_found(rules) == [("ambiguous", "priority", "BORDER_ZONE", "DOMINICAN")]


@pytest.mark.parametrize(
    "rules",
    [
        # Overlapping, but with the same stay: only the recorded code hangs on the order.
        [
            StayRule("CITIZEN", "HTI", None, None, UNLIMITED),
            StayRule("RESIDENT", None, None, "HTI", UNLIMITED),
        ],
        # Every traveller both match is covered by a more specific rule.
        [
            StayRule("DOMINICAN", "DOM", None, None, Allowance("days", 30)),
            StayRule("BORDER_ZONE", None, None, "DOM_BORDER", SAME_DAY),
            StayRule("DOMINICAN_BORDER_ZONE", "DOM", None, "DOM_BORDER", SAME_DAY),
        ],
        # No traveller matches both.
        [
            StayRule("DOMINICAN", "DOM", None, None, Allowance("days", 30)),
            StayRule("CITIZEN", "HTI", None, None, UNLIMITED),
        ],
        # Different specificity.
        [
            StayRule("VISITOR", None, None, None, NINETY),
            StayRule("CITIZEN", "HTI", None, None, UNLIMITED),
        ],
    ],
    ids=["same-stay", "covered", "disjoint", "nested"],
)
def test_it_accepts_rules_that_never_tie(rules):
    assert faults(rules) == ()


def test_it_lists_every_fault_and_validate_raises_the_first():
    rules = [
        StayRule("A", None, None, None, Allowance("days", -5)),
        StayRule("B", None, None, None, Allowance("fortnight")),
    ]
    assert [e.code for e in faults(rules)] == ["days", "kind", "ambiguous"]
    with pytest.raises(RuleError) as caught:
        validate(rules)
    assert (caught.value.code, caught.value.rule) == ("days", "A")


def test_validate_accepts_a_valid_configuration():
    assert validate([StayRule("VISITOR", None, None, None, NINETY)]) is None
