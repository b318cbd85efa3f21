"""The dashboard's figures, read from the cubes (`models`): totals, breakdowns and series of the
crossings in force over a period, for any combination of filters.

A period's whole months are read from the months' cube and its other days from the days' cube:
a year is twelve rows a cell rather than 365.
"""

import dataclasses
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek, TruncYear

from bmis.crossings.models import Decision, Direction
from bmis.posts.models import Post
from bmis.stats.models import DIMENSIONS, SHAPES, DayFlow, MonthFlow

GRAINS = ("day", "week", "month", "year")
# What a breakdown can be by: the cubes' dimensions, and the post's type (air, sea, land, mobile).
BREAKDOWNS = (*DIMENSIONS, "post_kind")


@dataclasses.dataclass(frozen=True)
class Filters:
    """A period (both ends included) and, for each dimension, the values kept (none: all)."""

    start: date
    end: date
    post: tuple[str, ...] = ()
    post_kind: tuple[str, ...] = ()
    direction: tuple[str, ...] = ()
    decision: tuple[str, ...] = ()
    nationality: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    age: tuple[str, ...] = ()
    purpose: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    carrier: tuple[str, ...] = ()
    refusal: tuple[str, ...] = ()
    overstay: tuple[str, ...] = ()

    def narrowed(self, **values) -> "Filters":
        return dataclasses.replace(self, **values)

    def year_before(self) -> "Filters":
        """The same period a year before (29 February becomes the 28th)."""
        return dataclasses.replace(self, start=_year_before(self.start), end=_year_before(self.end))

    def chosen(self) -> dict[str, tuple]:
        """The dimensions with values kept, and those values."""
        return {name: getattr(self, name) for name in BREAKDOWNS if getattr(self, name)}


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


ENTRIES = Sum("crossings", filter=Q(direction=Direction.ENTRY), default=0)
EXITS = Sum("crossings", filter=Q(direction=Direction.EXIT), default=0)
ALL = Sum("crossings", default=0)


def shape_for(filters: Filters, *also: str) -> int:
    """Return the smallest shape that holds the dimensions `filters` keep values of and
    `also` (`SHAPES` go from the largest to the smallest; the full one holds all)."""
    needed = {"post" if name == "post_kind" else name for name in (*filters.chosen(), *also)}
    fits = [index for index, shape in enumerate(SHAPES) if needed <= set(shape)]
    return min(fits, key=lambda index: len(SHAPES[index]))


def totals(filters: Filters) -> dict[str, int]:
    """Entries, exits, net migration (entries less exits), refusals and referrals."""
    found = dict.fromkeys(("entries", "exits", "refused", "referred", "crossings"), 0)
    for rows in _parts(filters, shape_for(filters, "direction", "decision")):
        part = rows.aggregate(
            entries=ENTRIES,
            exits=EXITS,
            refused=Sum("crossings", filter=Q(decision=Decision.REFUSED), default=0),
            referred=Sum("crossings", filter=Q(decision=Decision.REFERRED), default=0),
            crossings=ALL,
        )
        for name, value in part.items():
            found[name] += value
    found["net"] = found["entries"] - found["exits"]
    return found


def breakdown(filters: Filters, by: str) -> list[dict]:
    """Return, for each value of dimension `by`, its entries, exits and crossings, the largest
    first."""
    if by not in BREAKDOWNS:
        raise ValueError(f"no breakdown by {by!r}")
    column = "post" if by == "post_kind" else by
    found: dict[str, dict] = defaultdict(lambda: {"entries": 0, "exits": 0, "crossings": 0})
    kinds = _post_kinds() if by == "post_kind" else {}
    for rows in _parts(filters, shape_for(filters, column, "direction")):
        for row in rows.values(column).annotate(entries=ENTRIES, exits=EXITS, crossings=ALL):
            value = row[column]
            if by == "post_kind":
                value = kinds.get(value, "")
            for name in ("entries", "exits", "crossings"):
                found[value][name] += row[name]
    rows = [{"value": value, **figures} for value, figures in found.items() if figures["crossings"]]
    return sorted(rows, key=lambda row: (-row["crossings"], row["value"]))


def series(filters: Filters, grain: str) -> list[dict]:
    """Return the entries and exits of each day, week (from Monday), month or year of the
    period, in order, the empty ones included."""
    if grain not in GRAINS:
        raise ValueError(f"no grain {grain!r}")
    found: dict[date, dict] = {
        start: {"period": start, "entries": 0, "exits": 0} for start in periods(filters, grain)
    }
    truncate = {"week": TruncWeek, "month": TruncMonth, "year": TruncYear}.get(grain)
    shape = shape_for(filters, "direction")
    if grain in ("day", "week"):
        parts = [_days(filters, shape, filters.start, filters.end)]
    else:
        parts = _parts(filters, shape)
    for rows in parts:
        period = "day" if rows.model is DayFlow else "month"
        key = truncate(period) if truncate else F(period)
        for row in rows.values(at=key).annotate(entries=ENTRIES, exits=EXITS):
            start = row["at"]
            start = start.date() if hasattr(start, "date") else start
            found[start]["entries"] += row["entries"]
            found[start]["exits"] += row["exits"]
    return list(found.values())


def periods(filters: Filters, grain: str) -> list[date]:
    """Return the first day of each day, week, month or year the period touches."""
    first = {
        "day": filters.start,
        "week": filters.start - timedelta(days=filters.start.weekday()),
        "month": filters.start.replace(day=1),
        "year": filters.start.replace(month=1, day=1),
    }[grain]
    starts = []
    while first <= filters.end:
        starts.append(first)
        if grain == "day":
            first += timedelta(days=1)
        elif grain == "week":
            first += timedelta(days=7)
        elif grain == "month":
            first = _next_month(first)
        else:
            first = first.replace(year=first.year + 1)
    return starts


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _parts(filters: Filters, shape: int) -> list:
    """Return the querysets whose rows make the period, in cells of `shape`: its whole months
    from the months' cube, the days before and after them from the days' cube."""
    first_whole = filters.start if filters.start.day == 1 else _next_month(filters.start)
    after_last = _next_month(filters.end) if (filters.end + timedelta(days=1)).day == 1 else None
    after_last = after_last or filters.end.replace(day=1)  # the month after the last whole one
    if first_whole >= after_last:
        return [_days(filters, shape, filters.start, filters.end)]
    months = MonthFlow.objects.filter(shape=shape, month__gte=first_whole, month__lt=after_last)
    parts = [_cells(months, filters)]
    days = Q()
    if filters.start < first_whole:
        days |= Q(day__gte=filters.start, day__lt=first_whole)
    if after_last <= filters.end:
        days |= Q(day__gte=after_last, day__lte=filters.end)
    if days:
        parts.append(_cells(DayFlow.objects.filter(days, shape=shape), filters))
    return parts


def _days(filters: Filters, shape: int, start: date, end: date):
    return _cells(DayFlow.objects.filter(shape=shape, day__gte=start, day__lte=end), filters)


def _cells(rows, filters: Filters):
    for name, values in filters.chosen().items():
        if name == "post_kind":
            codes = [code for code, kind in _post_kinds().items() if kind in values]
            rows = rows.filter(post__in=codes)
        else:
            rows = rows.filter(**{f"{name}__in": values})
    return rows.order_by()


def _post_kinds() -> dict[str, str]:
    return dict(Post.objects.values_list("code", "kind"))
