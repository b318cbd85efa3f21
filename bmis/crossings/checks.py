"""The checks run on every traveller at the counter, before the officer decides.

A check is a function of the `Inspection` (inspection.py) that yields `Check` results. The
pipeline runs every registered check in order and the counter shows each result; a blocking
result stops a plain admit until a supervisor overrides it. Other apps add their checks with
`register` (the watchlist app registers its screening there), so the counter needs no change
when a check is added.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bmis.crossings.reading import FIELD_NAMES

if TYPE_CHECKING:
    from bmis.crossings.inspection import Inspection

# "silent" results are stored with the crossing but never shown at the counter (a list that asks
# for discreet monitoring).
Level = Literal["ok", "notice", "warning", "alert", "silent"]
EXPIRY_WARNING_DAYS = 183  # many states ask for six months of validity left
ADULT_AGE = 18


@dataclass(frozen=True)
class Check:
    """One result: a machine `code`, how serious it is, and the sentence the officer reads."""

    code: str
    level: Level
    message: str
    blocking: bool = False
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "level": self.level,
            "blocking": self.blocking,
            "message": self.message,
            **({"details": self.details} if self.details else {}),
        }


CheckFunction = Callable[["Inspection"], Iterable[Check]]
PIPELINE: list[CheckFunction] = []


def register(check: CheckFunction) -> CheckFunction:
    """Add `check` to the pipeline (usable as a decorator); registering twice adds it once."""
    if check not in PIPELINE:
        PIPELINE.append(check)
    return check


def run(inspection: "Inspection") -> list[Check]:
    """Run every check of the pipeline on `inspection`, alerts first."""
    results = [result for check in PIPELINE for result in check(inspection)]
    order = {"alert": 0, "warning": 1, "notice": 2, "ok": 3, "silent": 4}
    return sorted(results, key=lambda result: order[result.level])


Resolver = Callable[["object", dict], bool]
RESOLVERS: list[Resolver] = []


def register_resolver(resolver: Resolver) -> Resolver:
    """Add a function saying whether a stored blocking result of a crossing was resolved."""
    if resolver not in RESOLVERS:
        RESOLVERS.append(resolver)
    return resolver


def still_blocking(crossing) -> bool:
    """Return whether a stored blocking result of `crossing` is not resolved yet."""
    return any(
        result.get("blocking") and not any(resolved(crossing, result) for resolved in RESOLVERS)
        for result in crossing.checks
    )


Guard = Callable[["object"], list[str]]
GUARDS: list[Guard] = []


def register_guard(guard: Guard) -> Guard:
    """Add a function giving the reasons (sentences) a referred traveller may not be admitted."""
    if guard not in GUARDS:
        GUARDS.append(guard)
    return guard


def admission_refusals(crossing) -> list[str]:
    """Return why `crossing`'s traveller may not be admitted, as sentences (none: they may)."""
    return [reason for guard in GUARDS for reason in guard(crossing)]


def age_on(birth: date, day: date) -> int:
    """Return the age in whole years on `day` of a person born on `birth`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@register
def document(inspection: "Inspection") -> Iterable[Check]:
    reading = inspection.reading
    if reading.valid:
        if reading.source == "mrz":
            yield Check("document_valid", "ok", _("Every check digit of the zone matches."))
        else:
            yield Check("document_valid", "ok", _("The document's details are complete."))
    else:
        for message in reading.messages:
            yield Check("document_invalid", "alert", message, blocking=True)
    for where, before, after in reading.corrections:
        yield Check(
            "document_repaired",
            "notice",
            _("A misread character was repaired in %(field)s: “%(before)s” became “%(after)s”.")
            % {
                "field": FIELD_NAMES.get(where, where),
                "before": before or " ",
                "after": after or "—",
            },
        )
    if reading.name_truncated:
        yield Check(
            "name_truncated",
            "notice",
            _("The name fills its field in the zone: it may be cut short. Check the data page."),
        )


@register
def expiry(inspection: "Inspection") -> Iterable[Check]:
    expires, today = inspection.reading.expiry_date, inspection.today
    if expires is None:
        return
    if expires < today:
        yield Check(
            "document_expired",
            "alert",
            _("The document expired on %(date)s.") % {"date": date_format(expires)},
        )
    elif (expires - today).days <= EXPIRY_WARNING_DAYS:
        yield Check(
            "document_expiring",
            "warning",
            _("The document expires soon, on %(date)s.") % {"date": date_format(expires)},
        )


@register
def age(inspection: "Inspection") -> Iterable[Check]:
    if inspection.age is not None and inspection.age < ADULT_AGE:
        yield Check(
            "minor",
            "warning",
            ngettext(
                "A minor, %(age)s year old: record the adult travelling with them.",
                "A minor, %(age)s years old: record the adult travelling with them.",
                inspection.age,
            )
            % {"age": inspection.age},
        )


@register
def status(inspection: "Inspection") -> Iterable[Check]:
    person, direction = inspection.person, inspection.direction
    if person is None:
        return
    since = person.present_since
    if direction == "entry" and person.present:
        yield Check(
            "already_in_country",
            "warning",
            _(
                "Recorded as in the country since %(date)s with no exit since. The entry will be "
                "recorded and listed for a supervisor."
            )
            % {"date": date_format(since, "SHORT_DATE_FORMAT") if since else "—"},
        )
    if direction == "exit" and not person.present:
        yield Check(
            "no_open_entry",
            "warning",
            _(
                "No entry of this traveller is on record. The exit will be recorded and listed "
                "for a supervisor."
            ),
        )
    if direction == "exit" and person.present and person.permitted_until:
        days = (inspection.today - person.permitted_until).days
        if days > 0:
            yield Check(
                "overstay",
                "alert",
                ngettext(
                    "Overstay: %(days)s day past the permitted stay, which ended on %(date)s.",
                    "Overstay: %(days)s days past the permitted stay, which ended on %(date)s.",
                    days,
                )
                % {"days": days, "date": date_format(person.permitted_until)},
            )
    refused = [c for c in inspection.history if c.decision == "refused"]
    if refused:
        yield Check(
            "refused_before",
            "notice",
            _("Refused before, on %(date)s at %(post)s.")
            % {
                "date": date_format(refused[0].at, "SHORT_DATE_FORMAT"),
                "post": refused[0].post.code,
            },
        )
