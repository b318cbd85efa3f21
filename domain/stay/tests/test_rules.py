"""Choosing the permitted stay: the issue's example rules, specificity, priority, dates."""

from datetime import date
from itertools import permutations

import pytest

from domain.stay import (
    SAME_DAY,
    UNLIMITED,
    Allowance,
    RuleError,
    StayRule,
    choose,
    faults,
    permitted_until,
)

# The issue's examples: visa-exempt visitors 90 days; Haitian citizens and residents unlimited;
# Dominican border-zone residents with a border card, the same day.
ISSUE_RULES = [
    StayRule("VISITOR", None, None, None, Allowance("days", 90)),
    StayRule("CITIZEN", "HTI", None, None, UNLIMITED),
    StayRule("RESIDENT", None, None, "HTI", UNLIMITED),
    StayRule("BORDER_CARD", "DOM", "BORDER_CARD", "DOM_BORDER", SAME_DAY),
]


def test_the_issue_rules_are_a_valid_configuration():
    assert faults(ISSUE_RULES) == ()


@pytest.mark.parametrize(
    "nationality, document_type, residence, code",
    [
        ("USA", "P", "USA", "VISITOR"),
        ("HTI", "P", "USA", "CITIZEN"),
        ("CAN", "P", "HTI", "RESIDENT"),
        # Both match with the same stay: the first code in alphabetical order is recorded.
        ("HTI", "P", "HTI", "CITIZEN"),
        ("DOM", "BORDER_CARD", "DOM_BORDER", "BORDER_CARD"),
        ("DOM", "P", "DOM_BORDER", "VISITOR"),  # a passport, not a border card
        ("DOM", "BORDER_CARD", None, "VISITOR"),  # an unknown residence matches no set one
        (None, None, None, "VISITOR"),
    ],
)
def test_it_chooses_the_issue_rule_for_each_traveller(nationality, document_type, residence, code):
    rule = choose(
        ISSUE_RULES, nationality=nationality, document_type=document_type, residence=residence
    )
    assert rule.code == code


def test_it_chooses_no_rule_when_none_matches():
    rules = [StayRule("CITIZEN", "HTI", None, None, UNLIMITED)]
    assert choose(rules, nationality="FRA", document_type="P", residence="FRA") is None


def test_the_more_specific_rule_wins_over_a_higher_priority():
    rules = [
        StayRule("DOM", "DOM", None, None, Allowance("days", 30), priority=10),
        StayRule("DOM_CARD", "DOM", "BORDER_CARD", None, SAME_DAY),
    ]
    rule = choose(rules, nationality="DOM", document_type="BORDER_CARD", residence="DOM")
    assert rule.code == "DOM_CARD"


def test_priority_decides_between_equally_specific_rules():
    rules = [
        StayRule("BY_NATIONALITY", "DOM", None, None, Allowance("days", 30)),
        StayRule("BY_RESIDENCE", None, None, "DOM_BORDER", SAME_DAY, priority=1),
    ]
    rule = choose(rules, nationality="DOM", document_type="P", residence="DOM_BORDER")
    assert rule.code == "BY_RESIDENCE"


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_the_code_decides_a_tie_whatever_order_the_rules_come_in(order):
    rules = [
        StayRule("B", "HTI", None, None, UNLIMITED),
        StayRule("A", None, None, "HTI", UNLIMITED),
        StayRule("C", None, "P", None, UNLIMITED),
    ]
    rule = choose([rules[i] for i in order], nationality="HTI", document_type="P", residence="HTI")
    assert rule.code == "A"


@pytest.mark.parametrize(
    "stay, entry_day, until",
    [
        # The day of entry is day 1: 90 days from 1 January end on 31 March ...
        (Allowance("days", 90), date(2025, 1, 1), date(2025, 3, 31)),
        # ... on 30 March in a leap year.
        (Allowance("days", 90), date(2024, 1, 1), date(2024, 3, 30)),
        (Allowance("days", 30), date(2025, 12, 15), date(2026, 1, 13)),
        (Allowance("days", 1), date(2025, 5, 20), date(2025, 5, 20)),
        (SAME_DAY, date(2025, 5, 20), date(2025, 5, 20)),
        (UNLIMITED, date(2025, 5, 20), None),
    ],
)
def test_it_gives_the_last_permitted_day_counting_the_day_of_entry(stay, entry_day, until):
    assert permitted_until(StayRule("R", None, None, None, stay), entry_day) == until


@pytest.mark.parametrize(
    "stay, code",
    [(Allowance("weeks", 2), "kind"), (Allowance("days", -1), "days"), (Allowance("days"), "days")],
)
def test_it_refuses_to_apply_a_misconfigured_rule(stay, code):
    with pytest.raises(RuleError) as caught:
        permitted_until(StayRule("BAD", None, None, None, stay), date(2025, 1, 1))
    assert (caught.value.code, caught.value.field, caught.value.rule) == (code, "stay", "BAD")
