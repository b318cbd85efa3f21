"""The dashboard's tables, read from the cubes (`queries`) and named for people: each value of
a dimension with its label (a post's name, a nationality's, a decision's), ready for the page,
an export or the monthly report (`tables.Table`)."""

from datetime import datetime, time, timedelta

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from bmis.crossings.models import Decision, Direction, Mode, Sex
from bmis.posts.models import Post, PostType
from bmis.reference.models import Country, RefusalReason, TravelPurpose
from bmis.stats import queries
from bmis.stats.aggregate import OVERSTAYS
from bmis.stats.queries import Filters
from bmis.stats.tables import Column, Table

# The breakdowns the dashboard shows, in order, and their titles.
BREAKDOWN_TITLES = {
    "post": gettext_lazy("By post"),
    "post_kind": gettext_lazy("By type of post"),
    "nationality": gettext_lazy("By nationality"),
    "sex": gettext_lazy("By sex"),
    "age": gettext_lazy("By age group"),
    "purpose": gettext_lazy("By purpose of travel"),
    "mode": gettext_lazy("By mode of transport"),
    "carrier": gettext_lazy("By carrier"),
    "decision": gettext_lazy("By decision"),
    "refusal": gettext_lazy("Refusals by reason"),
    "overstay": gettext_lazy("Exits after an overstay, by its length (days)"),
}
HEADINGS = {
    "post": gettext_lazy("Post"),
    "post_kind": gettext_lazy("Type of post"),
    "nationality": gettext_lazy("Nationality"),
    "sex": gettext_lazy("Sex"),
    "age": gettext_lazy("Age group"),
    "purpose": gettext_lazy("Purpose of travel"),
    "mode": gettext_lazy("Mode of transport"),
    "carrier": gettext_lazy("Carrier"),
    "decision": gettext_lazy("Decision"),
    "refusal": gettext_lazy("Refusal reason"),
    "overstay": gettext_lazy("Overstay (days)"),
}
GRAIN_HEADINGS = {
    "day": pgettext_lazy("period", "Day"),
    "week": pgettext_lazy("period", "Week from"),
    "month": pgettext_lazy("period", "Month"),
    "year": pgettext_lazy("period", "Year"),
}


def labels(by: str, values=None) -> dict[str, str]:
    """Return what each value of dimension `by` is called, in the active language (of
    `values` only, where they are given: a year's nationalities are some tens of the world's)."""
    found: dict = {
        "post": lambda: dict(Post.objects.values_list("code", "name")),
        "post_kind": lambda: dict(PostType.choices),
        "direction": lambda: dict(Direction.choices),
        "decision": lambda: dict(Decision.choices),
        "nationality": lambda: named(Country, values),
        "sex": lambda: dict(Sex.choices),
        "purpose": lambda: named(TravelPurpose, values),
        "mode": lambda: dict(Mode.choices),
        "refusal": lambda: named(RefusalReason, values),
    }.get(by, dict)()
    return {value: str(label) for value, label in found.items()}


def named(model, codes=None) -> dict[str, str]:
    """Return the name of each row of a reference table (`reference.Named`) in the active
    language, by its code (of `codes` only, where they are given)."""
    rows = model.objects.all() if codes is None else model.objects.filter(pk__in=codes)
    return {row.pk: row.label for row in rows}


def label(names: dict[str, str], value: str) -> str:
    if value == "":
        return _("Not stated")
    return names.get(value, value)


def counts() -> list[Column]:
    return [
        Column("entries", pgettext("border crossings", "Entries"), numeric=True),
        Column("exits", pgettext("border crossings", "Exits"), numeric=True),
        Column("crossings", _("Crossings"), numeric=True, total=True),
    ]


def breakdown_table(filters: Filters, by: str) -> Table:
    """Return the crossings of each value of `by`, the largest first, with their total."""
    if by == "refusal":  # the reasons of the refusals only
        filters = filters.narrowed(decision=("refused",))
    if by == "overstay" and not filters.overstay:  # the exits after an overstay only
        filters = filters.narrowed(overstay=tuple(code for code, _low, _high in OVERSTAYS))
    found = queries.breakdown(filters, by)
    names = labels(by, {row["value"] for row in found})
    rows = [
        {"value": row["value"], "label": label(names, row["value"]), "entries": row["entries"],
         "exits": row["exits"], "crossings": row["crossings"]}
        for row in found
    ]  # fmt: skip
    return Table(
        name=f"by_{by}",
        title=str(BREAKDOWN_TITLES[by]),
        columns=[Column("label", str(HEADINGS[by])), *counts()],
        rows=rows,
        total=_total(rows),
    )


def series_table(filters: Filters, grain: str) -> Table:
    """Return the entries and exits of each period of `grain`, in order."""
    rows = [
        {"period": row["period"], "label": period_label(row["period"], grain),
         "entries": row["entries"], "exits": row["exits"],
         "crossings": row["entries"] + row["exits"]}
        for row in queries.series(filters, grain)
    ]  # fmt: skip
    return Table(
        name=f"by_{grain}",
        title=_("Entries and exits over time"),
        columns=[Column("label", str(GRAIN_HEADINGS[grain])), *counts()],
        rows=rows,
        total=_total(rows),
    )


def period_label(start, grain: str) -> str:
    if grain == "year":
        return str(start.year)
    if grain == "month":
        return formats.date_format(start, "YEAR_MONTH_FORMAT")
    return formats.date_format(start, "SHORT_DATE_FORMAT")


def _total(rows: list[dict]) -> dict:
    return {
        "label": _("Total"),
        **{name: sum(row[name] for row in rows) for name in ("entries", "exits", "crossings")},
    }


def hits_table(filters: Filters) -> Table:
    """Watchlist hits of the period's crossings by list, counts only: those shown at the counter
    (and reviewed there) and those found after the crossing (a list updated since). Only the
    period and the posts apply: hits are not in the cubes."""
    from django.db.models import Count
    from django.utils import timezone

    from bmis.watchlist.models import HitReview, RetroHit, WatchList

    start = timezone.make_aware(datetime.combine(filters.start, time.min))
    end = timezone.make_aware(datetime.combine(filters.end + timedelta(days=1), time.min))
    found: dict = {}
    for column, rows in (
        ("at_counter", HitReview.objects.filter(withdrawn_at=None)),
        ("found_later", RetroHit.objects.all()),
    ):
        rows = rows.filter(crossing__at__gte=start, crossing__at__lt=end)
        if filters.post:
            rows = rows.filter(crossing__post__code__in=filters.post)
        for row in rows.values("watchlist_id").annotate(n=Count("pk")).order_by():
            found.setdefault(row["watchlist_id"], {})[column] = row["n"]
    names = dict(WatchList.objects.filter(pk__in=found).values_list("pk", "name"))
    rows = [
        {"value": str(key), "label": names.get(key, str(key)), "at_counter": n.get("at_counter", 0),
         "found_later": n.get("found_later", 0),
         "hits": n.get("at_counter", 0) + n.get("found_later", 0)}
        for key, n in found.items()
    ]  # fmt: skip
    rows.sort(key=lambda row: (-row["hits"], row["label"]))
    total = {"label": _("Total"), **{k: sum(r[k] for r in rows)
             for k in ("at_counter", "found_later", "hits")}}  # fmt: skip
    return Table(
        name="hits_by_list",
        title=_("Watchlist hits by list"),
        columns=[
            Column("label", _("List")),
            Column("at_counter", _("At the counter"), numeric=True),
            Column("found_later", _("Found after the crossing"), numeric=True),
            Column("hits", _("Hits"), numeric=True, total=True),
        ],
        rows=rows,
        total=total,
    )
