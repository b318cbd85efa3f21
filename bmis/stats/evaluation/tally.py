"""What one pass over the period's crossings counts, post by post.

A `Tally` holds plain counts and lists of durations, so that the country's tally is the sum of its
posts' (`Tally.add`) and every figure of the report is computed the same way at both levels.
`count_crossing` reads one crossing as `CROSSING_VALUES` fetches it.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from bmis.crossings.models import Direction, Mode

# (field, label, the records it applies to): what "completeness of each field" measures.
Applies = Callable[[dict], bool]
EVERY: Applies = lambda row: True  # noqa: E731
ENTRIES: Applies = lambda row: row["direction"] == Direction.ENTRY  # noqa: E731
FIELDS: list[tuple[str, object, Applies]] = [
    ("mode", _("Mode of transport"), EVERY),
    ("carrier", _("Carrier"), lambda row: row["mode"] in (Mode.AIR, Mode.SEA)),
    ("flight", _("Flight number"), lambda row: row["mode"] == Mode.AIR),
    ("vehicle", _("Vessel or vehicle"), lambda row: row["mode"] in (Mode.SEA, Mode.LAND)),
    ("place_country", _("Coming from or going to"), EVERY),
    ("place", _("Town or port"), EVERY),
    ("purpose_id", _("Purpose of travel"), ENTRIES),
    ("intended_stay_days", _("Intended stay"), ENTRIES),
    ("address", _("Address in Haiti"), ENTRIES),
    ("residence", _("Country of residence"), EVERY),
    ("person__given_names", _("Given names"), EVERY),
    ("person__birth_date", _("Date of birth"), EVERY),
    ("person__sex", _("Sex"), EVERY),
    ("document__expiry_date", _("Date of expiry"), EVERY),
    ("photo__id", _("Photo"), EVERY),
]
CROSSING_VALUES = (
    "id", "post_id", "origin", "officer_id", "shift_id", "at", "created_at", "direction",
    "corrects_id", "resolves_id", "override_by_id", "document_problems", "checks",
    "document__mrz", "corrected_by__id", "corrected_by__void", "submission",
    *(name for name, _label, _applies in FIELDS),
)  # fmt: skip
CHECK_DIGIT = "check_digit"  # the problem code of domain.mrz for a failed check digit


@dataclass
class Tally:
    """The counts of one post (or, added up, of the country) over the period."""

    records: int = 0  # made at a counter: neither a correction nor a referral's completion
    completions: int = 0
    corrections: int = 0
    applicable: Counter = field(default_factory=Counter)
    filled: Counter = field(default_factory=Counter)
    first_readings: int = 0
    typed: int = 0
    zoned: int = 0
    later_readings: int = 0
    decisions: int = 0
    check_digit_failed: int = 0
    check_digit_overridden: int = 0
    overrides: int = 0
    corrected: int = 0
    withdrawn: int = 0
    cases: Counter = field(default_factory=Counter)
    cases_open: int = 0
    screened: int = 0
    not_screened: int = 0
    no_result: int = 0
    stale: int = 0
    undated: int = 0
    ages: list = field(default_factory=list)  # hours, one per dated screening
    screening_ms: list = field(default_factory=list)  # one per timed screening
    transaction_s: list = field(default_factory=list)  # one per record whose form was timed
    delays: list = field(default_factory=list)  # minutes, one per record received
    on_shifts: int = 0
    shift_hours: float = 0.0
    officer_records: Counter = field(default_factory=Counter)
    officer_hours: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> "Tally":
        """Add `other`'s counts to this tally's; return it."""
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, Counter):
                mine.update(theirs)
            else:
                setattr(self, item.name, mine + theirs)
        return self


def filled(value) -> bool:
    return value not in (None, "")


def count_crossing(tally: Tally, row: dict, versions: dict, first: bool) -> None:
    """Count one crossing of the period; `first`: it is the first reading of its document."""
    if row["corrects_id"] is not None:
        tally.corrections += 1
        return
    _count_decision(tally, row)
    if row["resolves_id"] is not None:
        tally.completions += 1
        return
    tally.records += 1
    for name, _label, applies in FIELDS:
        if applies(row):
            tally.applicable[name] += 1
            tally.filled[name] += filled(row[name])
    if first:
        tally.first_readings += 1
        if row["document__mrz"]:
            tally.zoned += 1
        else:
            tally.typed += 1
    else:
        tally.later_readings += 1
    if row["corrected_by__id"] is not None:
        tally.corrected += 1
        tally.withdrawn += bool(row["corrected_by__void"])
    _count_screening(tally, row, versions)
    took = transaction_seconds(row["submission"], row["created_at"])
    if took is not None:
        tally.transaction_s.append(took)
    if row["shift_id"] is not None:
        tally.on_shifts += 1
        tally.officer_records[row["officer_id"]] += 1


def _count_decision(tally: Tally, row: dict) -> None:
    tally.decisions += 1
    overridden = row["override_by_id"] is not None
    tally.overrides += overridden
    problems = row["document_problems"] or []
    if any(problem and problem[0] == CHECK_DIGIT for problem in problems):
        tally.check_digit_failed += 1
        tally.check_digit_overridden += overridden


def _count_screening(tally: Tally, row: dict, versions: dict) -> None:
    """Count the screening result stored with the record, and the age of the lists it used."""
    results = {result.get("code"): result for result in row["checks"] or []}
    if "lists_missing" in results:
        tally.not_screened += 1
        return
    lists = results.get("lists")
    if lists is None:
        tally.no_result += 1
        return
    tally.screened += 1
    tally.stale += lists.get("level") == "warning"
    took = (lists.get("details") or {}).get("ms")
    if isinstance(took, int | float) and not isinstance(took, bool) and took >= 0:
        tally.screening_ms.append(float(took))
    used = (lists.get("details") or {}).get("versions") or {}
    made = [versions.get((code, version)) for code, version in used.items()]
    if not made or None in made:
        tally.undated += 1
        return
    tally.ages.append(hours(row["at"] - max(made)))


LONGEST_FORM = 4 * 3600  # seconds: a form left open longer was not one transaction


def transaction_seconds(submission, created_at) -> float | None:
    """The time from the decision form's showing (when its UUIDv7 submission id was made, right
    after the document was read) to the record's creation, both by the post's clock; None for
    a record whose id carries no time (before this was recorded) or a form left open."""
    if submission is None or submission.version != 7:
        return None
    shown = datetime.fromtimestamp((submission.int >> 80) / 1000, tz=UTC)
    seconds = (created_at - shown).total_seconds()
    return seconds if 0 <= seconds <= LONGEST_FORM else None


def hours(delta) -> float:
    return delta.total_seconds() / 3600


def shift_hours(opened: datetime, closed: datetime | None, low: datetime, high: datetime) -> float:
    """Return the hours a shift was open within [low, high); `high` stands for a shift still
    open."""
    end = min(closed or high, high)
    return max(0.0, hours(end - max(opened, low)))


def percentile(values: list[float], p: float) -> float | None:
    """Return the p-th percentile of `values`, interpolated as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
