"""The monthly statistical report on border crossings, as an A4 PDF built with reportlab.

Title block, summary of the month against the same month a year before, daily chart of entries
and exits, each table (ranked bars above the posts' and nationalities'), and the method. Every
word is rendered in the language asked for; the same charts appear on the statistics pages.
"""

import io
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from bmis.stats import charts
from bmis.stats.report.figures import INDICATORS, NATIONAL_SCOPE, MonthlyFigures, change
from bmis.stats.report.layout import (
    FRAME_WIDTH,
    NOT_AVAILABLE,
    document,
    number,
    numbered_canvas,
    pdf_table,
    pdf_text,
    styles,
)
from bmis.stats.tables import SUPPRESSED_MARK, SUPPRESSION_THRESHOLD, Column, Table

CHARTED_TABLES = {"by_post", "by_nationality"}
"""Tables drawn as ranked bars above the table: their first numeric column, top 20 rows."""
CHART_ROWS = 20


def monthly_pdf(figures: MonthlyFigures, *, lang: str) -> bytes:
    """Return the monthly report of `figures` as PDF bytes, written in the language `lang`."""
    with translation.override(lang):
        style = styles()
        title = _("Monthly statistical report on border crossings")
        month = capfirst(formats.date_format(figures.month, "YEAR_MONTH_FORMAT"))
        scope = _("Haiti") if figures.scope == NATIONAL_SCOPE else figures.scope
        buffer = io.BytesIO()
        pages = document(buffer, f"{title} - {month} - {scope}", lang=lang)
        story = [
            *_title_block(figures, style, title, month, scope),
            *_summary(figures, style),
            *_daily(figures, style),
        ]
        for table in figures.tables:
            story += _table_section(table, style)
        story += _method(figures, style)
        pages.build(story, canvasmaker=numbered_canvas(f"OpenBMIS · {title} · {month}"))
        return buffer.getvalue()


def _title_block(figures: MonthlyFigures, style, title: str, month: str, scope: str) -> list:
    generated = formats.date_format(timezone.localtime(figures.generated_at), "DATETIME_FORMAT")
    return [
        Paragraph(pdf_text(title), style["title"]),
        Paragraph(
            pdf_text(_("%(month)s · %(scope)s") % {"month": month, "scope": scope}),
            style["subtitle"],
        ),
        Paragraph(pdf_text(_("Generated on %(date)s") % {"date": generated}), style["small"]),
        Spacer(1, 10),
    ]


def _summary(figures: MonthlyFigures, style) -> list:
    """Return the summary: each indicator this month, a year before, and the change in percent."""
    last_year = capfirst(formats.date_format(_year_before(figures.month), "YEAR_MONTH_FORMAT"))
    table = Table(
        name="summary",
        title=_("Summary"),
        columns=[
            Column("indicator", _("Indicator")),
            Column("month", _("This month"), numeric=True),
            Column("last_year", last_year, numeric=True),
            Column("change", pgettext("statistics", "Change"), numeric=True),
        ],
        rows=[
            {
                "indicator": str(label),
                "month": _figure(figures.totals.get(key)),
                "last_year": _figure(figures.last_year.get(key)),
                "change": _percent(change(figures.totals.get(key), figures.last_year.get(key))),
            }
            for key, label in INDICATORS
        ],
    )
    note = _(
        "The change is given against the same month a year before, when that month's figure "
        "is above zero; “%(none)s” marks a figure that is not available."
    ) % {"none": NOT_AVAILABLE}
    return [
        Paragraph(pdf_text(_("Summary")), style["heading"]),
        pdf_table(table, style),
        Spacer(1, 4),
        Paragraph(pdf_text(note), style["small"]),
    ]


def _daily(figures: MonthlyFigures, style) -> list:
    entries, exits = figures.daily.get("entries", []), figures.daily.get("exits", [])
    days = max(len(entries), len(exits))
    series = {
        pgettext("border crossings", "Entries"): _padded(entries, days),
        pgettext("border crossings", "Exits"): _padded(exits, days),
    }
    labels = [str(day) for day in range(1, days + 1)]
    heading = _("Entries and exits by day")
    drawing = charts.lines(labels, series if days else {}, title="", width=FRAME_WIDTH)
    return [KeepTogether([Paragraph(pdf_text(heading), style["heading"]), drawing])]


def _table_section(table: Table, style) -> list:
    heading = Paragraph(pdf_text(table.title), style["heading"])
    numeric = [column for column in table.columns if column.numeric]
    if table.name in CHARTED_TABLES and numeric and table.columns:
        label_key, value_key = table.columns[0].key, numeric[0].key
        rows = table.rows[:CHART_ROWS]
        drawing = charts.horizontal_bars(
            [str(row.get(label_key, "")) for row in rows],
            [row.get(value_key) for row in rows],
            title=str(numeric[0].label),
            width=FRAME_WIDTH,
        )
        return [KeepTogether([heading, drawing]), Spacer(1, 6), pdf_table(table, style)]
    return [heading, pdf_table(table, style)]


def _method(figures: MonthlyFigures, style) -> list:
    below = next((table.below for table in figures.tables), SUPPRESSION_THRESHOLD)
    points = [
        _("Source: the crossings recorded at the border posts and synchronised to headquarters."),
        _(
            "A crossing counts once. A correction replaces the record it corrects, and a "
            "withdrawn crossing does not count."
        ),
        _("Days and months are those of Haiti’s time (America/Port-au-Prince)."),
        _("A traveller’s age is the age on the date of the crossing."),
        _(
            "Cells under %(below)s are withheld (shown “%(mark)s”), with as many other cells as "
            "needed so that none can be worked out from the totals; totals are those of all the "
            "data."
        )
        % {"below": below, "mark": SUPPRESSED_MARK(below)}
        if figures.suppressed
        else _(
            "The tables show every figure, small counts included: this report is for use "
            "inside the ministry."
        ),
        _("Figures may change slightly as late records arrive from posts that were offline."),
    ]
    return [
        Paragraph(pdf_text(pgettext("statistics", "Method")), style["heading"]),
        *[Paragraph(pdf_text(point), style["bullet"], bulletText="•") for point in points],
    ]


def _figure(value: int | None) -> str:
    return NOT_AVAILABLE if value is None else number(value)


def _percent(value: float | None) -> str:
    if value is None:
        return NOT_AVAILABLE
    shown = formats.number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    sign = "+" if round(value, 1) > 0 else ""
    return _("%(value)s%%") % {"value": sign + shown}


def _padded(values: list[int], days: int) -> list[int]:
    return [*values, *[0] * (days - len(values))]


def _year_before(month: date) -> date:
    return month.replace(year=month.year - 1, day=1)
