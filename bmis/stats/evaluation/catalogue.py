"""The indicators of the evaluation report: what each measures, computed from a post's or the
country's `Tally`.

Each builder returns the indicator with its label, its definition (one or two sentences a reader
of the report needs to read the figure right) and its figures; one that this version cannot
compute says why in `missing`.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bmis.crossings.models import StayCase
from bmis.posts.models import Post
from bmis.stats.evaluation import sources
from bmis.stats.evaluation.tally import FIELDS, Tally, hours, percentile, share

SILENT_AFTER = timedelta(hours=24)  # an interval without exchange counted as silent time


@dataclass(frozen=True)
class Measure:
    """One figure of an indicator: `kind` says how it reads (count, share, hours, minutes,
    rate)."""

    key: str
    label: str
    kind: str = "count"


@dataclass
class Indicator:
    """An indicator: its figures for the scope (`values`) and for each post (`by_post`).

    `missing` says why this version cannot compute it (nothing records what it needs); its
    figures are then empty.
    """

    key: str
    label: str
    definition: str
    measures: list[Measure] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    by_post: list[dict] = field(default_factory=list)
    missing: str = ""


def volume(t: Tally) -> Indicator:
    return Indicator(
        "volume",
        _("Crossings evaluated"),
        _(
            "Crossing records of the period, by their time of crossing: those made at a counter, "
            "the completions of referrals to secondary inspection, and supervisors' corrections. "
            "The indicators below count the records made at a counter unless they say otherwise."
        ),
        [
            Measure("records", _("Made at a counter")),
            Measure("completions", _("Referrals completed")),
            Measure("corrections", _("Corrections")),
        ],
        {"records": t.records, "completions": t.completions, "corrections": t.corrections},
    )


def completeness(t: Tally) -> Indicator:
    return Indicator(
        "completeness",
        _("Completeness of each field"),
        _(
            "For each field, the share of the records where it is filled, among the records it "
            "applies to, as recorded at the counter (before any correction): the carrier applies "
            "to air and sea, the flight number to air, the vessel or vehicle to sea and land, the "
            "purpose, intended stay and address to entries, every other field to every record. "
            "Names, date of birth and sex are the traveller's record; the date of expiry is the "
            "document's; the photo is the counter camera's."
        ),
        [Measure(name, str(label), "share") for name, label, _applies in FIELDS],
        {name: share(t.filled[name], t.applicable[name]) for name, _label, _a in FIELDS},
    )


def capture(t: Tally) -> Indicator:
    return Indicator(
        "capture",
        _("Documents typed by hand or read from the zone"),
        _(
            "A document's first reading is the record that created the document's record: the "
            "machine readable zone is stored when it was read from the zone, and left empty when "
            "the document was typed by hand. How a document already on record was read again is "
            "not stored with the crossing, and a zone from the reader is stored the same as one "
            "typed on the keyboard."
        ),
        [
            Measure("first_readings", _("First readings of a document")),
            Measure("zoned", _("Read from the zone")),
            Measure("typed", _("Typed by hand")),
            Measure("typed_share", _("Share typed by hand"), "share"),
            Measure("later_readings", _("Documents read again (how: not recorded)")),
        ],
        {
            "first_readings": t.first_readings,
            "zoned": t.zoned,
            "typed": t.typed,
            "typed_share": share(t.typed, t.first_readings),
            "later_readings": t.later_readings,
        },
    )


def overrides(t: Tally) -> Indicator:
    return Indicator(
        "overrides",
        _("Check-digit overrides"),
        _(
            "Decisions are the records made at a counter and the completions of referrals. A "
            "check-digit failure is a failed check digit stored with the reading of the document; "
            "an override is a decision that names the supervisor who overrode the failed checks."
        ),
        [
            Measure("decisions", _("Decisions")),
            Measure("check_digit_failed", _("On a zone with a failed check digit")),
            Measure("check_digit_overridden", _("Of these, overridden")),
            Measure("check_digit_share", _("Share overridden"), "share"),
            Measure("overrides", _("Overrides of any failed check")),
        ],
        {
            "decisions": t.decisions,
            "check_digit_failed": t.check_digit_failed,
            "check_digit_overridden": t.check_digit_overridden,
            "check_digit_share": share(t.check_digit_overridden, t.check_digit_failed),
            "overrides": t.overrides,
        },
    )


def corrections(t: Tally) -> Indicator:
    return Indicator(
        "corrections",
        _("Corrections"),
        _(
            "Records of the period that a supervisor's correction later replaced, and those whose "
            "correction withdrew them (recorded against the wrong traveller, or twice). A "
            "correction of a correction is not counted again."
        ),
        [
            Measure("records", _("Records")),
            Measure("corrected", _("Corrected")),
            Measure("withdrawn", _("Of these, withdrawn")),
            Measure("corrected_share", _("Share corrected"), "share"),
        ],
        {
            "records": t.records,
            "corrected": t.corrected,
            "withdrawn": t.withdrawn,
            "corrected_share": share(t.corrected, t.records),
        },
    )


def cases(t: Tally) -> Indicator:
    codes = StayCase.Code
    total = sum(t.cases.values())
    return Indicator(
        "cases",
        _("Data-quality cases"),
        _(
            "Faults found in the travellers' records whose crossing falls in the period, by the "
            "post of the case; open: not reviewed by a supervisor yet. The rate is per 1,000 "
            "records made at a counter."
        ),
        [
            *(Measure(code.value, str(code.label)) for code in codes),
            Measure("total", _("All cases")),
            Measure("open", pgettext("case", "Open")),
            Measure("per_thousand", _("Per 1,000 records"), "rate"),
        ],
        {
            **{code.value: t.cases[code.value] for code in codes},
            "total": total,
            "open": t.cases_open,
            "per_thousand": 1000 * total / t.records if t.records else None,
        },
    )


def freshness(t: Tally) -> Indicator:
    return Indicator(
        "freshness",
        _("Freshness of the alert lists at decision time"),
        _(
            "Each record stores the screening's result, which names the version of every alert "
            "list it used. The age is the time from when the newest of those versions was made "
            "(the lists' audit trail, and each list's stamp of its current version) to the "
            "crossing. Too old: the counter warned that the lists were older than the limit in "
            "force then. Not screened: no list was loaded. No result: the record carries no "
            "screening result (records made before screening, or synthetic traffic). Undated: a "
            "version used has no known date."
        ),
        [
            Measure("screened", _("Screened")),
            Measure("stale", _("Too old at decision")),
            Measure("stale_share", _("Share too old"), "share"),
            Measure("age_p50", _("Age, median"), "hours"),
            Measure("age_p95", _("Age, 95th percentile"), "hours"),
            Measure("undated", _("Undated")),
            Measure("not_screened", _("Not screened")),
            Measure("no_result", _("No result")),
        ],
        {
            "screened": t.screened,
            "stale": t.stale,
            "stale_share": share(t.stale, t.screened),
            "age_p50": percentile(t.ages, 50),
            "age_p95": percentile(t.ages, 95),
            "undated": t.undated,
            "not_screened": t.not_screened,
            "no_result": t.no_result,
        },
    )


def screening_time(t: Tally) -> Indicator:
    return Indicator(
        "screening_time",
        _("Screening time (median, 95th percentile)"),
        _(
            "How long the screening of a traveller against the alert lists took at the counter, "
            "as stored with the record's screening result. Records made before this was stored "
            "carry no timing and are left out."
        ),
        [
            Measure("timed", _("Screenings timed")),
            Measure("p50", _("Median"), "milliseconds"),
            Measure("p95", _("95th percentile"), "milliseconds"),
        ],
        {
            "timed": len(t.screening_ms),
            "p50": percentile(t.screening_ms, 50),
            "p95": percentile(t.screening_ms, 95),
        },
    )


def transaction_time(t: Tally) -> Indicator:
    return Indicator(
        "transaction_time",
        _("Transaction time (median, 95th percentile)"),
        _(
            "The time from reading a traveller's document (the decision form is shown at once, "
            "and its submission id holds that time) to recording the decision, by the post's "
            "clock. Records made before this was kept, and forms left open more than four "
            "hours, are left out."
        ),
        [
            Measure("timed", _("Records timed")),
            Measure("p50", _("Median"), "seconds"),
            Measure("p95", _("95th percentile"), "seconds"),
        ],
        {
            "timed": len(t.transaction_s),
            "p50": percentile(t.transaction_s, 50),
            "p95": percentile(t.transaction_s, 95),
        },
    )


def sync_delay(t: Tally) -> Indicator:
    indicator = Indicator(
        "sync_delay",
        _("Synchronisation delay"),
        _(
            "The time from a crossing record's creation at its post (the post's clock) to the "
            "first entry of headquarters' change log for it (headquarters' clock), over every "
            "record of the period received from a post: a post's clock that is off shifts its "
            "figures by as much."
        ),
        [
            Measure("received", _("Records received")),
            Measure("delay_p50", _("Delay, median"), "minutes"),
            Measure("delay_p95", _("Delay, 95th percentile"), "minutes"),
            Measure("delay_max", _("Longest delay"), "minutes"),
        ],
        {
            "received": len(t.delays),
            "delay_p50": percentile(t.delays, 50),
            "delay_p95": percentile(t.delays, 95),
            "delay_max": max(t.delays, default=None),
        },
    )
    if not sources.at_headquarters():
        indicator.missing = _(
            "Not available at a post: only headquarters records when it received each record."
        )
        indicator.measures, indicator.values = [], {}
    return indicator


def officer_rate(t: Tally) -> Indicator:
    rates = [t.officer_records[key] / spent for key, spent in t.officer_hours.items() if spent]
    return Indicator(
        "officer_rate",
        _("Crossings per officer per hour"),
        _(
            "Records made during officers' shifts, divided by the hours the shifts were open "
            "within the period (a shift still open counts up to now; hours with no traveller "
            "count too). The median is that of the officers' own rates."
        ),
        [
            Measure("on_shifts", _("Records on shifts")),
            Measure("shift_hours", _("Shift hours"), "hours"),
            Measure("rate", _("Per officer per hour"), "rate"),
            Measure("officers", _("Officers")),
            Measure("officer_median", _("Median of the officers' rates"), "rate"),
        ],
        {
            "on_shifts": t.on_shifts,
            "shift_hours": t.shift_hours,
            "rate": t.on_shifts / t.shift_hours if t.shift_hours else None,
            "officers": len(set(t.officer_records) | {k for k, v in t.officer_hours.items() if v}),
            "officer_median": percentile(rates, 50),
        },
    )


def silence(posts: list[Post], exchanged: dict, low: datetime, high: datetime) -> Indicator:
    indicator = Indicator(
        "silence",
        _("Time a post was silent"),
        _(
            "Exchanges are the synchronisation sessions with headquarters that carried records "
            "(a session that carried nothing leaves no trace, so quiet hours count as silent). "
            "Longest silence: the longest interval of the period with no exchange; silent time: "
            "the hours in intervals of more than %(hours)s hours with none. The country's figures "
            "are the longest of any post and the sum over the posts. A post's node knows only its "
            "own exchanges."
        )
        % {"hours": int(hours(SILENT_AFTER))},
        [
            Measure("exchanges", _("Exchanges")),
            Measure("longest", _("Longest silence"), "hours"),
            Measure("silent", _("Silent time"), "hours"),
        ],
    )
    known = []
    for post in posts:
        values = {"exchanges": None, "longest": None, "silent": None}
        if post.pk in exchanged and high > low:
            gaps = sources.silences(exchanged[post.pk], low, high)
            values = {
                "exchanges": len(exchanged[post.pk]),
                "longest": hours(max(gaps)),
                "silent": sum(hours(gap) for gap in gaps if gap > SILENT_AFTER),
            }
            known.append(values)
        indicator.by_post.append({"post": post.code, "name": post.name, **values})
    if known:
        indicator.values = {
            "exchanges": sum(v["exchanges"] for v in known),
            "longest": max(v["longest"] for v in known),
            "silent": sum(v["silent"] for v in known),
        }
    else:
        indicator.values = {"exchanges": None, "longest": None, "silent": None}
    return indicator
