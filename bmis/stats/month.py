"""A month's figures for its statistical report (`report.MonthlyFigures`), and the aggregate
table for regional partners: both read from the cubes, both minimised (`tables.suppress`)
since they leave the ministry."""

import calendar
import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.posts.models import Post
from bmis.stats import figures, queries
from bmis.stats.queries import Filters
from bmis.stats.report import MonthlyFigures
from bmis.stats.report.figures import NATIONAL_SCOPE
from bmis.stats.tables import Column, Table, suppress

TOP_NATIONALITIES = 20
MONTH = re.compile(r"(\d{4})-(\d{2})")


class BadMonth(ValueError):
    """A month that is not written YYYY-MM, or does not exist."""


def parse_month(text: str) -> date:
    """Return the first day of the month written YYYY-MM; raise BadMonth with a message."""
    found = MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1900:
        raise BadMonth(
            _("“%(month)s” is not a month: write it as YYYY-MM, for example 2025-09.")
            % {"month": text}
        )
    return date(int(found[1]), int(found[2]), 1)


def month_filters(month: date, post: str | None = None) -> Filters:
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    return Filters(start=month, end=last, post=(post,) if post else ())


def month_figures(month: date, *, post: str | None = None, progress=None) -> MonthlyFigures:
    """Return the figures of `month` for the country, or for the post of code `post`; tell
    `progress(fraction, step)` how far it has got."""
    progress = progress or (lambda fraction, step: None)
    filters = month_filters(month, post)
    progress(0.05, _("Totals"))
    totals, before = queries.totals(filters), queries.totals(filters.year_before())
    daily = queries.series(filters, "day")
    breakdowns = ([] if post else ["post"]) + ["nationality", "sex", "age", "purpose", "refusal"]
    tables = []
    for number, by in enumerate(breakdowns):
        progress(0.1 + 0.6 * number / len(breakdowns), str(figures.BREAKDOWN_TITLES[by]))
        table = figures.breakdown_table(filters, by)
        if by == "nationality":
            table = top(table, TOP_NATIONALITIES, _("Other nationalities"))
        tables.append(suppress(table))
    return MonthlyFigures(
        month=month,
        scope=Post.objects.get(code=post).name if post else NATIONAL_SCOPE,
        generated_at=timezone.now(),
        totals=_indicators(totals),
        last_year=_indicators(before),
        daily={"entries": [d["entries"] for d in daily], "exits": [d["exits"] for d in daily]},
        tables=tables,
        suppressed=True,
    )


def _indicators(totals: dict) -> dict:
    """The report's indicators from the cubes' totals; those of a date (who is in the country
    at the end of the month, past their stay) are not kept by month: unknown."""
    return {
        "entries": totals["entries"], "exits": totals["exits"], "net": totals["net"],
        "refusals": totals["refused"], "referrals": totals["referred"],
        "present": None, "overstayers": None, "hits": None,
    }  # fmt: skip


def top(table: Table, count: int, others: str) -> Table:
    """Keep the first `count` rows of `table` and gather the others in one row."""
    if len(table.rows) <= count:
        return table
    kept, rest = table.rows[:count], table.rows[count:]
    gathered = {"value": "", "label": others}
    for column in table.columns:
        if column.numeric:
            gathered[column.key] = sum(row[column.key] for row in rest)
    return Table(name=table.name, title=table.title, columns=table.columns,
                 rows=[*kept, gathered], total=table.total)  # fmt: skip


def partners_table(first: date, last: date) -> Table:
    """Crossings by month, post, nationality and direction from month `first` to month `last`,
    minimised: the aggregate the ministry shares in its regional consultations."""
    end = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
    rows = []
    for month in queries.periods(Filters(start=first, end=end), "month"):
        filters = month_filters(month)
        for post in queries.breakdown(filters, "post"):
            narrowed = filters.narrowed(post=(post["value"],))
            for nationality in queries.breakdown(narrowed, "nationality"):
                rows.append({
                    "month": month.strftime("%Y-%m"), "post": post["value"],
                    "nationality": nationality["value"] or "—",
                    "entries": nationality["entries"], "exits": nationality["exits"],
                    "crossings": nationality["crossings"],
                })  # fmt: skip
    total = {"month": _("Total"), "post": "", "nationality": ""}
    for key in ("entries", "exits", "crossings"):
        total[key] = sum(row[key] for row in rows)
    table = Table(
        name="regional",
        title=_("Border crossings by month, post, nationality and direction"),
        columns=[
            Column("month", _("Month")),
            Column("post", _("Post")),
            Column("nationality", _("Nationality")),
            *figures.counts(),
        ],
        rows=rows,
        total=total,
    )
    return suppress(table)
