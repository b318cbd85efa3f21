"""Permitted-stay rules and the date until which they permit a stay.

An administrator configures rules by nationality, document type and residence, each criterion
set to a value or left as None, meaning any. The issue's examples:

    StayRule("VISITOR", None, None, None, Allowance("days", 90))       # visa-exempt visitors
    StayRule("CITIZEN", "HTI", None, None, UNLIMITED)                  # Haitian citizens
    StayRule("RESIDENT", None, None, "HTI", UNLIMITED)                 # residents of Haiti
    StayRule("BORDER_CARD", "DOM", "BORDER_CARD", "DOM_BORDER", SAME_DAY)

`choose` picks the rule for a traveller: of the rules whose every criterion matches, the most
specific (the most criteria set), then the highest `priority`, then the first code in alphabetical
order, so that the choice never depends on the order the rules were loaded in. The chosen rule's
code is stored on the crossing, with the date `permitted_until` gives.

Days are counted as the Schengen Borders Code counts them (Regulation (EU) 2016/399, Art. 6(2),
and the Commission's short-stay calculator): the day of entry is the first day of stay. A stay of
N days entered on day D ends on D + N - 1: 90 days from 1 January end on 31 March (a common year),
and the same day is exactly 1 day. Counting D + N instead would give every traveller one day more
than the number the rule shows, and make "same day" a stay of 0 days.

`faults` lists every fault of a set of rules (for the administrator's form); `validate` raises the
first. A rule's criteria are compared as given: the caller normalises codes (ICAO's upper-case
state codes, its own document types and residences).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import Final, Literal

from domain.stay.errors import RuleError

Kind = Literal["days", "unlimited", "same_day"]
KINDS: Final[tuple[Kind, ...]] = ("days", "unlimited", "same_day")
# A century: a longer stay is unlimited in all but name, and date arithmetic stops at year 9999.
MAX_DAYS: Final = 36_525
CRITERIA: Final = ("nationality", "document_type", "residence")


@dataclass(frozen=True)
class Allowance:
    """How long a rule lets a traveller stay: `days` (with their number), unlimited or same day.

    Not called Stay: a `Stay` is what a traveller made of it (matching.py).

    `kind` may hold anything a database row held; `faults` refuses an unknown one.
    """

    kind: Kind
    days: int | None = None


UNLIMITED: Final = Allowance("unlimited")
SAME_DAY: Final = Allowance("same_day")  # leave by the end of the day of entry


@dataclass(frozen=True)
class StayRule:
    """A permitted stay for travellers of a nationality, document type and residence.

    A criterion left None matches any value, an unknown one included.
    """

    code: str
    nationality: str | None
    document_type: str | None
    residence: str | None
    stay: Allowance
    priority: int = 0  # breaks ties between equally specific rules: the higher wins

    @property
    def criteria(self) -> dict[str, str]:
        """Return the criteria the rule sets, by name."""
        return {name: getattr(self, name) for name in CRITERIA if getattr(self, name) is not None}


def choose(
    rules: Iterable[StayRule],
    *,
    nationality: str | None,
    document_type: str | None,
    residence: str | None,
) -> StayRule | None:
    """Return the rule that applies to a traveller, or None if no rule matches."""
    traveller = {"nationality": nationality, "document_type": document_type, "residence": residence}
    matching = [
        rule
        for rule in rules
        if all(traveller[name] == value for name, value in rule.criteria.items())
    ]
    return min(matching, key=_rank, default=None)


def permitted_until(rule: StayRule, entry_day: date) -> date | None:
    """Return the last day `rule` permits a stay entered on `entry_day`; None if unlimited.

    `entry_day` is the local calendar day of entry (days.local_day). Raise RuleError if the
    rule's stay cannot be applied.
    """
    if errors := _stay_errors(rule):
        raise errors[0]
    if rule.stay.kind == "unlimited":
        return None
    if rule.stay.kind == "same_day":
        return entry_day
    assert rule.stay.days is not None  # _stay_errors refused it
    return entry_day + timedelta(days=rule.stay.days - 1)  # the day of entry is day 1


def faults(rules: Sequence[StayRule]) -> tuple[RuleError, ...]:
    """Return every fault of a set of rules: each rule's own in the order given, then conflicts.

    Two rules are ambiguous when one traveller can match both, they are equally specific and of
    equal priority, and either their criteria are the same (which one applies would hang on the
    codes' alphabetical order) or their stays differ (so would the stay), unless a rule that
    outranks both covers every traveller they share. Overlapping rules with the same stay are
    allowed: the first code in alphabetical order is the one recorded.
    """
    errors: list[RuleError] = []
    for rule in rules:
        errors += _stay_errors(rule)
        errors += [
            RuleError("blank_criterion", name, rule=rule.code, message=f"{name} is '': use None")
            for name in CRITERIA
            if getattr(rule, name) == ""
        ]
    seen: set[str] = set()
    for rule in rules:
        if rule.code in seen:
            errors.append(RuleError("duplicate_code", "code", rule=rule.code))
        seen.add(rule.code)
    for a, b in combinations(sorted(rules, key=_rank), 2):
        if _ambiguous(a, b, rules):
            errors.append(RuleError("ambiguous", "priority", rule=a.code, other=b.code))
    return tuple(errors)


def validate(rules: Sequence[StayRule]) -> None:
    """Raise the first RuleError `faults` finds in `rules`."""
    if errors := faults(rules):
        raise errors[0]


def _rank(rule: StayRule) -> tuple[int, int, str]:
    """Return a sort key putting the rule that wins first."""
    return (-len(rule.criteria), -rule.priority, rule.code)


def _stay_errors(rule: StayRule) -> list[RuleError]:
    kind, days = rule.stay.kind, rule.stay.days
    if kind not in KINDS:
        return [RuleError("kind", "stay", rule=rule.code, message=f"unknown kind {kind!r}")]
    if kind != "days":
        if days is None:
            return []
        return [RuleError("days", "stay", rule=rule.code, message=f"{kind} takes no days")]
    # With the day of entry as day 1, 0 days would end a stay the day before it began.
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        return [RuleError("days", "stay", rule=rule.code, message=f"{days!r} days")]
    return []


def _ambiguous(a: StayRule, b: StayRule, rules: Sequence[StayRule]) -> bool:
    """Return whether the choice between `a` and `b` can come down to their codes."""
    if _rank(a)[:2] != _rank(b)[:2]:
        return False
    if a.criteria == b.criteria:
        return True
    shared = a.criteria | b.criteria  # the criteria of the travellers both rules match
    if any(shared[name] != value for name, value in a.criteria.items()) or a.stay == b.stay:
        return False
    return not any(
        _rank(rule)[:2] < _rank(a)[:2] and rule.criteria.items() <= shared.items() for rule in rules
    )
