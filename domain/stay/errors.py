"""Exceptions and data-quality cases of the stay package.

The exception hierarchy:

* StayError
  + RuleError     - a stay rule that cannot be applied, or that conflicts with another one:
                    a configuration fault, for the administrator's form to show.
  + CrossingError - crossings handed to `match` that break its contract (a naive time, an
                    unknown direction, an id twice, a correction that corrects itself): a
                    fault in the calling code, never in what officers recorded.

Faults in the records themselves (an exit with no entry, two entries in a row, a post's clock
that disagrees with the order of recording) never raise: `match` returns one `Case` per fault,
for a supervisor to review. Exceptions and cases alike carry a machine `code`; exceptions also
name the `field` at fault and the rule or crossing it belongs to. The Django layer turns codes
into translated messages.
"""

from dataclasses import dataclass
from typing import Literal

RuleCode = Literal[
    "ambiguous",  # two rules can both apply to one traveller, equally specific and urgent
    "blank_criterion",  # an empty string where None ("any") was surely meant
    "days",  # a number of days that is not a whole number from 1 to MAX_DAYS, or is misplaced
    "duplicate_code",  # two rules with one code: the code stored on a crossing must name one
    "kind",  # a kind of stay other than days, unlimited and same day
]
CrossingCode = Literal[
    "correction_cycle",  # a chain of `corrects` that comes back on itself
    "direction",  # neither "entry" nor "exit"
    "duplicate_id",  # two crossings with one id
    "naive_time",  # a time without a time zone
]
CaseCode = Literal[
    "clock_ahead",  # a crossing dated after `today`
    "clock_order",  # recorded after a crossing yet dated before it
    "entry_without_exit",  # an entry while the previous entry is still open
    "exit_without_entry",  # an exit with no open entry to close
]


@dataclass(frozen=True)
class Case:
    """A fault in the records for a supervisor to review: `code`, and the crossings involved.

    Crossings are named by id, in time order.
    """

    code: CaseCode
    crossings: tuple[str, ...]


class StayError(Exception):
    """Base class of the package's exceptions."""

    def __init__(self, code: str, field: str | None = None, message: str = "") -> None:
        super().__init__(message or f"{code}: {field}")
        self.code = code
        self.field = field


class RuleError(StayError):
    """A stay rule is misconfigured: `rule` is its code; `other`, the rule it conflicts with."""

    def __init__(
        self,
        code: RuleCode,
        field: str,
        *,
        rule: str,
        other: str | None = None,
        message: str = "",
    ) -> None:
        super().__init__(code, field, message or f"{code}: {field} of rule {rule!r}")
        self.code: RuleCode = code
        self.rule = rule
        self.other = other


class CrossingError(StayError):
    """Crossings break the contract of `match`: `crossing` is the id at fault."""

    def __init__(self, code: CrossingCode, field: str, *, crossing: str, message: str = "") -> None:
        super().__init__(code, field, message or f"{code}: {field} of crossing {crossing!r}")
        self.code: CrossingCode = code
        self.crossing = crossing
