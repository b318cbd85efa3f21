"""The indicators of the evaluation report and `evaluate`, which computes them for a period.

Crossings counted are those whose time of crossing (`at`) falls in the period, whole days in
Haiti's time (settings.TIME_ZONE). "Records" are those made at a counter: not a supervisor's
correction, not the completion of a referral. Every figure is computed in Python from what one
pass over the period's crossings (`tally`) and the sources (`sources`) read, so that it is the
same on SQLite and PostgreSQL; percentiles interpolate as PostgreSQL's percentile_cont does.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bmis.core.models import current_node
from bmis.crossings.models import Crossing, Shift, StayCase
from bmis.posts.models import Post
from bmis.stats.evaluation import catalogue as c
from bmis.stats.evaluation import sources
from bmis.stats.evaluation.catalogue import Indicator, Measure
from bmis.stats.evaluation.tally import CROSSING_VALUES as VALUES
from bmis.stats.evaluation.tally import Tally, count_crossing, shift_hours


@dataclass
class Evaluation:
    start: date
    end: date
    post: Post | None
    node: str
    generated_at: datetime
    indicators: list[Indicator]

    def __getitem__(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)  # templates then look for an attribute


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return the period's first moment and the moment after its last, in Haiti's time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def evaluate(start: date, end: date, post_code: str | None = None) -> "Evaluation":
    """Compute the evaluation of the period from `start` to `end` (inclusive), for the country
    or for the post `post_code`; raise Post.DoesNotExist for an unknown post."""
    low, high = bounds(start, end)
    now = timezone.now()
    post = Post.objects.get(code=post_code) if post_code else None
    tallies = _tallies(low, high, post, now)
    posts = _posts(post, tallies)
    for each in posts:
        tallies.setdefault(each.pk, Tally())
    country = Tally()
    for each in posts:
        country.add(tallies[each.pk])
    exchanged = sources.exchanges(posts, low, min(high, now))
    builders = [c.volume, c.completeness, c.capture, c.overrides, c.corrections, c.cases,
                c.freshness, c.screening_time, c.transaction_time, c.sync_delay,
                c.officer_rate]  # fmt: skip
    indicators = [_build(builder, country, tallies, posts) for builder in builders]
    indicators.append(c.silence(posts, exchanged, low, min(high, now)))
    if post is not None:  # the post's figures are the report's own
        for indicator in indicators:
            indicator.by_post = []
    return Evaluation(start, end, post, current_node(), now, indicators)


def _tallies(low: datetime, high: datetime, post: Post | None, now: datetime) -> dict:
    """Count the period's crossings, cases and shifts, post by post."""
    tallies: dict = {}

    def tally(post_id) -> Tally:
        return tallies.setdefault(post_id, Tally())

    crossings = Crossing.objects.filter(at__gte=low, at__lt=high)
    cases = StayCase.objects.filter(crossing__at__gte=low, crossing__at__lt=high)
    shifts = Shift.objects.filter(opened_at__lt=high).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=low)
    )
    if post is not None:
        crossings, cases, shifts = (q.filter(post=post) for q in (crossings, cases, shifts))
    # A record is the first reading of its document when no record made at a counter before it
    # names the same document (corrections and completions copy their original's document).
    earlier = Crossing.objects.filter(
        document_id=OuterRef("document_id"), corrects__isnull=True, resolves__isnull=True
    ).filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
    )
    rows = crossings.annotate(later=Exists(earlier)).values(*VALUES, "later").order_by()
    versions = sources.version_times()
    created: dict = {}  # at headquarters, the records born at a post: id -> (post, creation)
    at_headquarters, node = sources.at_headquarters(), current_node()
    for row in rows.iterator(chunk_size=2000):
        count_crossing(tally(row["post_id"]), row, versions, first=not row["later"])
        if at_headquarters and row["origin"] != node:
            created[row["id"]] = (row["post_id"], row["created_at"])
    if at_headquarters:
        received = sources.receipts({key: at for key, (_p, at) in created.items()}, low)
        for key, at in received.items():
            post_id, made = created[key]
            tally(post_id).delays.append((at - made).total_seconds() / 60)
    for post_id, code, reviewed in cases.values_list("post_id", "code", "reviewed_at"):
        tally(post_id).cases[code] += 1
        tally(post_id).cases_open += reviewed is None
    shown = shifts.values_list("post_id", "officer_id", "opened_at", "closed_at")
    for post_id, officer_id, opened, closed in shown:
        length = shift_hours(opened, closed, low, min(high, now))
        tally(post_id).shift_hours += length
        tally(post_id).officer_hours[officer_id] += length
    return tallies


def _posts(post: Post | None, tallies: dict) -> list[Post]:
    """Return the posts the report covers: the one asked for, or those open or with figures."""
    if post is not None:
        return [post]
    return list(Post.objects.filter(Q(is_active=True) | Q(pk__in=list(tallies))).order_by("code"))


def _build(builder, country: Tally, tallies: dict, posts: list[Post]) -> Indicator:
    indicator = builder(country)
    if indicator.missing:
        return indicator
    for post in posts:
        row = builder(tallies[post.pk]).values
        indicator.by_post.append({"post": post.code, "name": post.name, **row})
    return indicator


__all__ = ["Evaluation", "Indicator", "Measure", "evaluate"]
